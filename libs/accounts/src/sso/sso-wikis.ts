import { Injectable } from '@nestjs/common';
import { DomainError, WIKI_ID_PATTERN } from '@authbridge/contract';
import { ClientRepository, SsoWikiRepository, type SsoWikiRecord } from '@authbridge/storage';
import { Clock } from '../clock';

const WIKI_ID = WIKI_ID_PATTERN;

/** The wikis that accept tickets: their id ($wgAuthBridgeWikiId), base URL and redeeming client. */
@Injectable()
export class SsoWikis {
  constructor(
    private readonly repository: SsoWikiRepository,
    private readonly clock: Clock,
    private readonly clients: ClientRepository,
  ) {}

  list(): Promise<SsoWikiRecord[]> {
    return this.repository.list();
  }

  find(id: string): Promise<SsoWikiRecord | undefined> {
    return this.repository.find(id);
  }

  /** `clientId` is the wiki's own credential, the only one that may redeem its tickets. */
  async add(id: string, url: string, clientId: string): Promise<SsoWikiRecord> {
    if (!WIKI_ID.test(id)) throw new DomainError('VALIDATION_FAILED', 'A wiki id is 1-64 letters, digits, dots, dashes or underscores.');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DomainError('VALIDATION_FAILED', 'The wiki URL is not a URL.');
    }
    if (!/^https?:$/.test(parsed.protocol) || parsed.search || parsed.hash || parsed.username || parsed.password) {
      throw new DomainError('VALIDATION_FAILED', 'The wiki URL is http(s)://host/path, without query, fragment or credentials.');
    }
    const client = await this.clients.findById(clientId);
    if (!client || client.revokedAt !== null) throw new DomainError('CLIENT_NOT_FOUND', `No active client "${clientId}" (see clients list).`);
    if (!client.scopes.includes('sso:redeem')) {
      throw new DomainError('VALIDATION_FAILED', `Client "${clientId}" lacks the scope sso:redeem, which redeeming the wiki's tickets needs.`);
    }
    const existing = await this.repository.find(id);
    const record: SsoWikiRecord = { id, url: parsed.href.replace(/\/+$/, ''), clientId, createdAt: existing?.createdAt ?? this.clock.now().toISOString() };
    await this.repository.upsert(record);
    return record;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.repository.remove(id))) throw new DomainError('UNKNOWN_AUDIENCE', `No wiki "${id}" is registered.`);
  }

  /** The audience of a new ticket: the one named, or the only wiki when none is named. */
  async resolve(audience: string | undefined): Promise<SsoWikiRecord> {
    if (audience !== undefined) {
      const wiki = await this.repository.find(audience);
      if (!wiki) throw new DomainError('UNKNOWN_AUDIENCE', `No wiki "${audience}" is registered for single sign-on.`);
      return wiki;
    }
    const all = await this.repository.list();
    if (all.length !== 1) {
      throw new DomainError('UNKNOWN_AUDIENCE', all.length === 0
        ? 'No wiki is registered for single sign-on (npm run cli -- sso wikis add).'
        : 'Several wikis are registered; name one as audience.');
    }
    return all[0];
  }
}

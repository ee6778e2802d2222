import { jest } from '@jest/globals';
import { ClientRepository, type ClientRecord } from '@authbridge/storage';
import { AuditLog } from './audit/audit-log';
import { SystemClock } from './clock';
import { CLIENT_CACHE_MS, ClientCredentials } from './client-credentials';

/** The store as a map, counting look-ups; revoking elsewhere (the CLI) is `revokeBehindTheBack`. */
class MemoryClients extends ClientRepository {
  readonly rows = new Map<string, ClientRecord>();
  lookups = 0;
  async findById(id: string) {
    this.lookups++;
    const row = this.rows.get(id);
    return row && { ...row };
  }
  async list() {
    return [...this.rows.values()];
  }
  async insert(client: ClientRecord) {
    this.rows.set(client.id, client);
    return true;
  }
  async revoke(id: string, at: string) {
    const row = this.rows.get(id);
    if (!row) return false;
    row.revokedAt = at;
    return true;
  }
  async update(): Promise<'updated'> {
    return 'updated';
  }
  async rotate() {
    return true;
  }
  async touch() {}
  revokeBehindTheBack(id: string) {
    this.rows.get(id)!.revokedAt = '2026-12-02T00:00:00.000Z';
  }
}

describe('ClientCredentials.authenticate (verified secrets cached briefly)', () => {
  let clients: MemoryClients;
  let credentials: ClientCredentials;
  beforeEach(() => {
    jest.useFakeTimers();
    clients = new MemoryClients();
    const audit = { record: async () => undefined } as unknown as AuditLog;
    credentials = new ClientCredentials(clients, new SystemClock(), audit);
  });
  afterEach(() => jest.useRealTimers());

  it('asks the store once for a burst of requests with one secret', async () => {
    const { secret, id } = await credentials.create('wiki', ['users:read']);
    for (let i = 0; i < 5; i++) expect((await credentials.authenticate(secret))?.id).toBe(id);
    expect(clients.lookups).toBe(1);
  });

  it('refuses a revoked client at once when the revoke went through this process', async () => {
    const { secret, id } = await credentials.create('wiki', ['users:read']);
    expect(await credentials.authenticate(secret)).toBeDefined();
    await credentials.revoke(id);
    expect(await credentials.authenticate(secret)).toBeUndefined();
  });

  it('refuses a client revoked by another process once the cache time has passed', async () => {
    const { secret, id } = await credentials.create('wiki', ['users:read']);
    expect(await credentials.authenticate(secret)).toBeDefined();
    clients.revokeBehindTheBack(id);
    jest.advanceTimersByTime(CLIENT_CACHE_MS + 1);
    expect(await credentials.authenticate(secret)).toBeUndefined();
  });

  it('never caches a wrong secret, so a right one after it still works and guesses do not pile up', async () => {
    const { secret, id } = await credentials.create('wiki', ['users:read']);
    const wrong = `abk_${id}_${'A'.repeat(43)}`;
    expect(await credentials.authenticate(wrong)).toBeUndefined();
    expect(await credentials.authenticate(wrong)).toBeUndefined();
    expect(clients.lookups).toBe(2);
    expect((await credentials.authenticate(secret))?.id).toBe(id);
  });
});

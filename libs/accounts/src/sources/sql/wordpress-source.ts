import type { SqlSourceSettings } from '@authbridge/config';
import { capabilityKeys, PhpSerializedError } from '../php-serialized';
import { SOURCE_LIMITS, sourceId, sourcePage, sourceText, sourceTime, type AccountSource, type PasswordRule, type SourceAccount, type SourcePage } from '../account-source';
import { BadSourceRow } from '../source-errors';
import { likePrefix, probeFailure, type SqlClient, type SqlRow } from './sql-client';

/**
 * USER_SOURCE_PRESET=wordpress: `<prefix>users` and three keys of `<prefix>usermeta`
 * (`<prefix>capabilities`, `first_name`, `last_name`), nothing else (the grant in the README).
 *
 * | AuthBridge  | WordPress |
 * | externalId  | users.ID |
 * | login       | users.user_login (case-insensitive, as WordPress's own login compares) |
 * | email       | users.user_email (login with it, as WordPress allows) |
 * | realName    | first_name + " " + last_name, else display_name when it is not the login |
 * | passwordHash| users.user_pass: $wp$2y$ (6.8+), $P$ phpass, bcrypt, argon2, bare MD5 |
 * | groups      | keys of <prefix>capabilities with a true value (the roles) |
 * | disabled    | user_status ≠ 0, or multisite's spam / deleted flags |
 */
export class WordPressSource implements AccountSource {
  readonly name: string;
  readonly passwordRule: PasswordRule = { formats: ['wordpress-bcrypt', 'phpass', 'bcrypt', 'argon2', 'md5-hex'], preparation: 'trim' };
  private multisite = false;
  private readonly users: string;
  private readonly meta: string;
  private readonly capabilitiesKey: string;

  constructor(private readonly client: SqlClient, settings: Pick<SqlSourceSettings, 'name' | 'tablePrefix'>) {
    this.name = settings.name;
    this.users = client.id(`${settings.tablePrefix}users`);
    this.meta = client.id(`${settings.tablePrefix}usermeta`);
    this.capabilitiesKey = `${settings.tablePrefix}capabilities`;
  }

  async check(): Promise<void> {
    const probes: Array<[string, string]> = [
      [`SELECT ID, user_login, user_email, user_pass, display_name, user_status, user_registered FROM ${this.users} WHERE 1 = 0`, `${this.users}`],
      [`SELECT user_id, meta_key, meta_value FROM ${this.meta} WHERE 1 = 0`, `${this.meta}`],
    ];
    for (const [sql, table] of probes) {
      try {
        await this.client.probe(sql);
      } catch (error) {
        throw probeFailure(error, `WordPress table ${table}`, 'USER_SOURCE_TABLE_PREFIX');
      }
    }
    // Multisite adds spam and deleted to the users table; single-site WordPress has neither.
    try {
      await this.client.probe(`SELECT spam, deleted FROM ${this.users} WHERE 1 = 0`);
      this.multisite = true;
    } catch {
      this.multisite = false;
    }
  }

  async ping(): Promise<void> {
    await this.client.query(`SELECT 1 FROM ${this.users} WHERE 1 = 0`);
  }

  async findByLogins(logins: readonly string[]): Promise<SourceAccount[]> {
    if (logins.length === 0) return [];
    return this.rows(`u.user_login IN (${logins.map(() => '?').join(', ')})`, [...logins]);
  }

  findByEmail(email: string): Promise<SourceAccount[]> {
    return this.rows('u.user_email = ?', [email]);
  }

  async findById(externalId: string): Promise<SourceAccount | undefined> {
    if (!/^\d{1,20}$/.test(externalId)) return undefined;
    return (await this.rows('u.ID = ?', [externalId]))[0];
  }

  async list({ afterId, loginPrefix, limit }: { afterId?: string; loginPrefix: string; limit: number }): Promise<SourcePage> {
    const rows = await this.client.query(
      `${this.select()} WHERE u.ID > ? AND u.user_login LIKE ? ORDER BY u.ID LIMIT ?`,
      [afterId ?? '0', likePrefix(loginPrefix), limit + 1],
    );
    return sourcePage(rows, limit, (row) => this.toAccount(row));
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** Long columns are cut one byte past their limit in SQL, so a 10 MB value never crosses the wire whole. */
  private select(): string {
    const cut = (expr: string, max: number) => `SUBSTRING(${expr}, 1, ${max + 1})`;
    return `SELECT u.ID AS id, ${cut('u.user_login', SOURCE_LIMITS.login)} AS login, ${cut('u.user_email', SOURCE_LIMITS.email)} AS email,
      ${cut('u.user_pass', SOURCE_LIMITS.passwordHash)} AS pass, ${cut('u.display_name', SOURCE_LIMITS.realName)} AS display_name,
      u.user_status AS status, u.user_registered AS registered,
      ${this.multisite ? 'u.spam AS spam, u.deleted AS deleted,' : ''}
      ${cut('cap.meta_value', SOURCE_LIMITS.capabilities)} AS caps,
      ${cut('fn.meta_value', SOURCE_LIMITS.realName)} AS first_name, ${cut('ln.meta_value', SOURCE_LIMITS.realName)} AS last_name
      FROM ${this.users} u
      LEFT JOIN ${this.meta} cap ON cap.user_id = u.ID AND cap.meta_key = '${this.capabilitiesKey}'
      LEFT JOIN ${this.meta} fn ON fn.user_id = u.ID AND fn.meta_key = 'first_name'
      LEFT JOIN ${this.meta} ln ON ln.user_id = u.ID AND ln.meta_key = 'last_name'`;
  }

  private async rows(where: string, params: unknown[]): Promise<SourceAccount[]> {
    const rows = await this.client.query(`${this.select()} WHERE ${where} ORDER BY u.ID LIMIT 10`, params);
    // A key stored twice in usermeta joins twice: keep the user once.
    const seen = new Set<string>();
    return rows.filter((row) => !seen.has(String(row.id)) && seen.add(String(row.id))).map((row) => this.toAccount(row));
  }

  private toAccount(row: SqlRow): SourceAccount {
    const id = sourceId(row.id);
    const login = sourceText(id, 'user_login', row.login, SOURCE_LIMITS.login);
    const email = sourceText(id, 'user_email', row.email, SOURCE_LIMITS.email);
    const displayName = sourceText(id, 'display_name', row.display_name, SOURCE_LIMITS.realName);
    const first = sourceText(id, 'first_name', row.first_name, SOURCE_LIMITS.realName, true) ?? '';
    const last = sourceText(id, 'last_name', row.last_name, SOURCE_LIMITS.realName, true) ?? '';
    const caps = sourceText(id, this.capabilitiesKey, row.caps, SOURCE_LIMITS.capabilities, true);
    let groups: string[];
    try {
      groups = capabilityKeys(caps);
    } catch (error) {
      if (error instanceof PhpSerializedError) throw new BadSourceRow(id, this.capabilitiesKey, `is not a PHP array WordPress would write: ${error.message}`);
      throw error;
    }
    if (groups.length > SOURCE_LIMITS.groups) throw new BadSourceRow(id, this.capabilitiesKey, `has more than ${SOURCE_LIMITS.groups} entries`);
    for (const group of groups) sourceText(id, this.capabilitiesKey, group, SOURCE_LIMITS.group);
    const pass = row.pass === null || row.pass === undefined || row.pass === '' ? null : sourceText(id, 'user_pass', row.pass, SOURCE_LIMITS.passwordHash);
    const realName = sourceText(id, 'first_name + last_name', `${first} ${last}`.trim() || (displayName !== login ? displayName.trim() : ''), SOURCE_LIMITS.realName);
    return {
      externalId: id,
      login,
      email: email === '' ? null : email,
      realName,
      passwordHash: pass,
      groups,
      disabled: Number(row.status) !== 0 || Number(row.spam ?? 0) !== 0 || Number(row.deleted ?? 0) !== 0,
      createdAt: sourceTime(row.registered),
    };
  }
}

import type { SqlSourceSettings } from '@authbridge/config';
import { SOURCE_LIMITS, sourcePage, sourceText, type AccountSource, type PasswordRule, type SourceAccount, type SourcePage } from '../account-source';
import { BadSourceRow } from '../source-errors';
import { likePrefix, probeFailure, type SqlClient, type SqlRow } from './sql-client';

/**
 * What the joomla, phpbb3 and drupal7 presets share: one users table with a numeric id, a login
 * and an email column, groups from a map table in a second query, every value a parameter and
 * every identifier built from the validated prefix. A preset names its columns and turns a row
 * into a SourceAccount; the queries are here.
 */
export abstract class PresetSqlSource implements AccountSource {
  readonly name: string;
  abstract readonly passwordRule: PasswordRule;
  protected readonly prefix: string;

  constructor(protected readonly client: SqlClient, settings: Pick<SqlSourceSettings, 'name' | 'tablePrefix'>) {
    this.name = settings.name;
    this.prefix = settings.tablePrefix;
  }

  /** `<prefix><name>`, quoted. */
  protected table(name: string): string {
    return this.client.id(`${this.prefix}${name}`);
  }

  /** `t.<column>`, quoted (Joomla's camel-case columns need it on PostgreSQL). */
  protected col(column: string, alias = 'u'): string {
    return this.client.id(`${alias}.${column}`);
  }

  /** A text column cut one byte past its limit in SQL, so a 10 MB value never crosses the wire whole. */
  protected cut(expr: string, max: number): string {
    return `SUBSTRING(${expr}, 1, ${max + 1})`;
  }

  /** `SELECT … FROM users u` with `id` among the fields. */
  protected abstract select(): string;
  protected abstract readonly idColumn: string;
  /** The column a typed login is compared with, and how the application turns what was typed into its value. */
  protected abstract readonly loginColumn: string;
  protected loginValue(login: string): string {
    return login;
  }
  protected abstract readonly emailColumn: string;
  /** Rows that are never accounts (Drupal's uid 0), as SQL on `u`; `1 = 1` when none. */
  protected baseWhere = '1 = 1';
  /** Group names of one user, `?` the user id; null when the application has none. */
  protected abstract groupsSql(): string | null;
  /** [SQL with WHERE 1 = 0, what it reads] for start-up. */
  protected abstract probes(): Array<[string, string]>;
  protected abstract toAccount(row: SqlRow, groups: string[]): SourceAccount;

  async check(): Promise<void> {
    const groups = this.groupsSql();
    const probes = [...this.probes(), ...(groups ? [[`SELECT * FROM (${groups.replace('?', 'NULL')}) g WHERE 1 = 0`, 'the group tables'] as [string, string]] : [])];
    for (const [sql, what] of probes) {
      try {
        await this.client.probe(sql);
      } catch (error) {
        throw probeFailure(error, what, 'USER_SOURCE_TABLE_PREFIX');
      }
    }
  }

  async ping(): Promise<void> {
    await this.client.query(`${this.select()} WHERE 1 = 0`);
  }

  async findByLogins(logins: readonly string[]): Promise<SourceAccount[]> {
    const values = [...new Set(logins.map((login) => this.loginValue(login)))];
    if (values.length === 0) return [];
    return this.rows(`${this.loginColumn} IN (${values.map(() => '?').join(', ')})`, values);
  }

  findByEmail(email: string): Promise<SourceAccount[]> {
    return this.rows(`${this.emailColumn} = ?`, [email]);
  }

  async findById(externalId: string): Promise<SourceAccount | undefined> {
    if (!/^\d{1,19}$/.test(externalId)) return undefined;
    return (await this.rows(`${this.idColumn} = ?`, [externalId]))[0];
  }

  async list({ afterId, loginPrefix, limit }: { afterId?: string; loginPrefix: string; limit: number }): Promise<SourcePage> {
    // Prefix match on the login as the application stores it (phpBB: on username_clean).
    const rows = await this.client.query(
      `${this.select()} WHERE ${this.baseWhere} AND ${this.idColumn} > ? AND ${this.loginColumn} LIKE ? ORDER BY ${this.idColumn} LIMIT ?`,
      [afterId ?? '-1', likePrefix(loginPrefix ? this.loginValue(loginPrefix) : ''), limit + 1],
    );
    return sourcePage(rows, limit, async (row) => this.toAccount(row, await this.groups(row)));
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async rows(where: string, params: unknown[]): Promise<SourceAccount[]> {
    const rows = await this.client.query(`${this.select()} WHERE ${this.baseWhere} AND ${where} ORDER BY ${this.idColumn} LIMIT 10`, params);
    const accounts: SourceAccount[] = [];
    for (const row of rows) accounts.push(this.toAccount(row, await this.groups(row)));
    return accounts;
  }

  private async groups(row: SqlRow): Promise<string[]> {
    const sql = this.groupsSql();
    if (!sql) return [];
    const id = String(row.id);
    const rows = await this.client.query(`${sql} LIMIT ${SOURCE_LIMITS.groups + 1}`, [id]);
    if (rows.length > SOURCE_LIMITS.groups) throw new BadSourceRow(id, 'groups', `has more than ${SOURCE_LIMITS.groups} entries`);
    return [...new Set(rows.map((r) => sourceText(id, 'group name', r.name, SOURCE_LIMITS.group)))].sort();
  }
}

/** Unix seconds (phpBB, Drupal) as RFC 3339; 0 or nothing is null. */
export function unixTime(value: unknown): string | null {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : null;
}

import type { CustomMapping, SqlSourceSettings } from '@authbridge/config';
import { SOURCE_LIMITS, sourceId, sourcePage, sourceText, sourceTime, type AccountSource, type PasswordRule, type SourceAccount, type SourcePage } from '../account-source';
import { BadSourceRow } from '../source-errors';
import { likePrefix, probeFailure, type SqlClient, type SqlRow } from './sql-client';

/**
 * USER_SOURCE_PRESET=custom: a website's own users table, described by the mapping file
 * (USER_SOURCE_MAPPING; README "Custom mapping"). Column names were checked as identifiers when
 * the file was loaded; the groups query is the administrator's SQL with `:id` as its parameter.
 */
export class CustomSqlSource implements AccountSource {
  readonly name: string;
  readonly passwordRule: PasswordRule;
  private readonly table: string;
  private readonly groupsSql: string | null;

  constructor(private readonly client: SqlClient, settings: Pick<SqlSourceSettings, 'name'>, private readonly mapping: CustomMapping) {
    this.name = settings.name;
    this.passwordRule = { formats: mapping.passwordFormats, preparation: mapping.trimPassword ? 'trim' : null };
    this.table = client.id(mapping.table);
    this.groupsSql = mapping.groupsQuery && mapping.groupsQuery.replace(/:id\b/, '?');
  }

  async check(): Promise<void> {
    try {
      await this.client.probe(`${this.select()} WHERE 1 = 0`);
    } catch (error) {
      throw probeFailure(error, `table ${this.mapping.table} with the mapped columns`, 'USER_SOURCE_MAPPING');
    }
    if (this.mapping.groupsQuery) {
      try {
        await this.client.probe(`SELECT * FROM (${this.mapping.groupsQuery.replace(/:id\b/, 'NULL')}) g WHERE 1 = 0`);
      } catch (error) {
        throw probeFailure(error, 'the groupsQuery', 'USER_SOURCE_MAPPING');
      }
    }
  }

  async ping(): Promise<void> {
    await this.client.query(`SELECT 1 FROM ${this.table} WHERE 1 = 0`);
  }

  findByLogins(logins: readonly string[]): Promise<SourceAccount[]> {
    if (logins.length === 0) return Promise.resolve([]);
    return this.rows(`${this.col('login')} IN (${logins.map(() => '?').join(', ')})`, [...logins]);
  }

  async findByEmail(email: string): Promise<SourceAccount[]> {
    return this.mapping.columns.email ? this.rows(`${this.col('email')} = ?`, [email]) : [];
  }

  async findById(externalId: string): Promise<SourceAccount | undefined> {
    return (await this.rows(`${this.col('id')} = ?`, [externalId]))[0];
  }

  async list({ afterId, loginPrefix, limit }: { afterId?: string; loginPrefix: string; limit: number }): Promise<SourcePage> {
    const where = [`${this.col('login')} LIKE ?`];
    const params: unknown[] = [likePrefix(loginPrefix)];
    if (afterId !== undefined) {
      where.push(`${this.col('id')} > ?`);
      params.push(afterId);
    }
    const rows = await this.client.query(`${this.select()} WHERE ${where.join(' AND ')} ORDER BY ${this.col('id')} LIMIT ?`, [...params, limit + 1]);
    return sourcePage(rows, limit, (row) => this.toAccount(row));
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private col(name: keyof CustomMapping['columns']): string {
    return `t.${this.client.id(this.mapping.columns[name]!)}`;
  }

  private select(): string {
    const { columns } = this.mapping;
    const cut = (name: keyof CustomMapping['columns'], max: number) => `SUBSTRING(${this.col(name)}, 1, ${max + 1})`;
    const fields = [
      `${this.col('id')} AS id`,
      `${cut('login', SOURCE_LIMITS.login)} AS login`,
      `${cut('passwordHash', SOURCE_LIMITS.passwordHash)} AS pass`,
      columns.email && `${cut('email', SOURCE_LIMITS.email)} AS email`,
      columns.realName && `${cut('realName', SOURCE_LIMITS.realName)} AS real_name`,
      columns.disabled && `${this.col('disabled')} AS disabled`,
      columns.createdAt && `${this.col('createdAt')} AS created_at`,
    ].filter(Boolean);
    return `SELECT ${fields.join(', ')} FROM ${this.table} t`;
  }

  private async rows(where: string, params: unknown[]): Promise<SourceAccount[]> {
    const rows = await this.client.query(`${this.select()} WHERE ${where} ORDER BY ${this.col('id')} LIMIT 10`, params);
    const accounts: SourceAccount[] = [];
    for (const row of rows) accounts.push(await this.toAccount(row));
    return accounts;
  }

  private async toAccount(row: SqlRow): Promise<SourceAccount> {
    const id = sourceId(row.id);
    const email = sourceText(id, this.mapping.columns.email ?? 'email', row.email, SOURCE_LIMITS.email, true);
    const pass = sourceText(id, this.mapping.columns.passwordHash, row.pass, SOURCE_LIMITS.passwordHash, true);
    return {
      externalId: id,
      login: sourceText(id, this.mapping.columns.login, row.login, SOURCE_LIMITS.login),
      email: email === '' ? null : email,
      realName: (sourceText(id, this.mapping.columns.realName ?? 'realName', row.real_name, SOURCE_LIMITS.realName, true) ?? '').trim(),
      passwordHash: pass === '' ? null : pass,
      groups: await this.groups(id),
      disabled: truthy(row.disabled),
      createdAt: sourceTime(row.created_at),
    };
  }

  private async groups(id: string): Promise<string[]> {
    if (!this.groupsSql) return [];
    const rows = await this.client.query(`SELECT * FROM (${this.groupsSql}) g LIMIT ${SOURCE_LIMITS.groups + 1}`, [id]);
    if (rows.length > SOURCE_LIMITS.groups) throw new BadSourceRow(id, 'groupsQuery', `returned more than ${SOURCE_LIMITS.groups} groups`);
    return rows.map((row) => sourceText(id, 'groupsQuery', Object.values(row)[0], SOURCE_LIMITS.group));
  }
}

/** A disabled flag as databases hand it over: booleans, 0/1, '0'/'1', 't'/'f'; NULL is enabled. */
function truthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return Number(value) !== 0;
  const text = String(value).trim().toLowerCase();
  return !(text === '' || text === '0' || text === 'f' || text === 'false' || text === 'n' || text === 'no');
}

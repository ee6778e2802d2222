import { SOURCE_LIMITS, sourceId, sourceText, sourceTime, type PasswordRule, type SourceAccount } from '../account-source';
import { PresetSqlSource } from './preset-source';
import type { SqlRow } from './sql-client';

/**
 * USER_SOURCE_PRESET=joomla (Joomla 3.x to 5): `<prefix>users`, `<prefix>user_usergroup_map`
 * and `<prefix>usergroups`, as installation/sql/{mysql,postgresql}/base.sql create them. The
 * prefix is Joomla's $dbprefix (random at install), so USER_SOURCE_TABLE_PREFIX is required.
 *
 * | AuthBridge   | Joomla |
 * | externalId   | users.id |
 * | login        | users.username (case-insensitive on MySQL/MariaDB, as Joomla's login compares) |
 * | email        | users.email |
 * | realName     | users.name |
 * | passwordHash | users.password: bcrypt (3.2+), argon2i/argon2id (4+), phpass $P$ (3.x), md5(password.salt):salt, {SHA256}, bare md5 |
 * | groups       | usergroups.title of the user's rows in user_usergroup_map |
 * | disabled     | block ≠ 0 (not activated, awaiting approval and blocked users all have block = 1) |
 *
 * `activation` alone does not disable: Joomla also stores a pending password-reset token there
 * for active users, and its own login looks at `block` only.
 */
export class JoomlaSource extends PresetSqlSource {
  readonly passwordRule: PasswordRule = { formats: ['bcrypt', 'argon2', 'phpass', 'joomla-md5-salted', 'joomla-sha256', 'md5-hex'], preparation: null };
  protected readonly idColumn = this.col('id');
  protected readonly loginColumn = this.col('username');
  protected readonly emailColumn = this.col('email');

  protected select(): string {
    return `SELECT ${this.col('id')} AS id, ${this.cut(this.col('username'), SOURCE_LIMITS.login)} AS login, ${this.cut(this.col('email'), SOURCE_LIMITS.email)} AS email,
      ${this.cut(this.col('name'), SOURCE_LIMITS.realName)} AS real_name, ${this.cut(this.col('password'), SOURCE_LIMITS.passwordHash)} AS pass,
      ${this.col('block')} AS block, ${this.col('registerDate')} AS registered
      FROM ${this.table('users')} u`;
  }

  protected groupsSql(): string {
    return `SELECT g.title AS name FROM ${this.table('user_usergroup_map')} m JOIN ${this.table('usergroups')} g ON g.id = m.group_id WHERE m.user_id = ? ORDER BY g.title`;
  }

  protected probes(): Array<[string, string]> {
    return [[`${this.select()} WHERE 1 = 0`, `Joomla table ${this.prefix}users`]];
  }

  protected toAccount(row: SqlRow, groups: string[]): SourceAccount {
    const id = sourceId(row.id);
    const email = sourceText(id, 'email', row.email, SOURCE_LIMITS.email);
    const pass = sourceText(id, 'password', row.pass, SOURCE_LIMITS.passwordHash, true);
    return {
      externalId: id,
      login: sourceText(id, 'username', row.login, SOURCE_LIMITS.login),
      email: email === '' ? null : email,
      realName: sourceText(id, 'name', row.real_name, SOURCE_LIMITS.realName).trim(),
      passwordHash: pass === null || pass === '' ? null : pass,
      groups,
      disabled: Number(row.block) !== 0,
      createdAt: sourceTime(row.registered),
    };
  }
}

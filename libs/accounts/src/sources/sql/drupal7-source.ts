import { SOURCE_LIMITS, sourceId, sourceText, type PasswordRule, type SourceAccount } from '../account-source';
import { PresetSqlSource, unixTime } from './preset-source';
import type { SqlRow } from './sql-client';

/**
 * USER_SOURCE_PRESET=drupal7: `users`, `users_roles` and `role` as modules/user/user.install of
 * Drupal 7 creates them (with Drupal's $databases prefix, if any, in USER_SOURCE_TABLE_PREFIX).
 *
 * | AuthBridge   | Drupal 7 |
 * | externalId   | users.uid (uid 0 is the anonymous user, never an account) |
 * | login        | users.name (case-insensitive on MySQL/MariaDB, as Drupal's login compares) |
 * | email        | users.mail |
 * | realName     | none in core (empty) |
 * | passwordHash | users.pass: $S$ (SHA-512), U$S$ (from Drupal 6), phpass $P$ / $H$ |
 * | groups       | role.name of the user's users_roles rows (the implicit "authenticated user" is not listed) |
 * | disabled     | status = 0 (blocked, or awaiting administrator approval) |
 */
export class Drupal7Source extends PresetSqlSource {
  readonly passwordRule: PasswordRule = { formats: ['drupal7-sha512', 'drupal7-md5-sha512', 'phpass'], preparation: null };
  protected readonly idColumn = this.col('uid');
  protected readonly loginColumn = this.col('name');
  protected readonly emailColumn = this.col('mail');
  protected override baseWhere = `${this.col('uid')} > 0`;

  protected select(): string {
    return `SELECT ${this.col('uid')} AS id, ${this.cut(this.col('name'), SOURCE_LIMITS.login)} AS login, ${this.cut(this.col('mail'), SOURCE_LIMITS.email)} AS email,
      ${this.cut(this.col('pass'), SOURCE_LIMITS.passwordHash)} AS pass, ${this.col('status')} AS status, ${this.col('created')} AS created
      FROM ${this.table('users')} u`;
  }

  protected groupsSql(): string {
    return `SELECT r.name AS name FROM ${this.table('users_roles')} ur JOIN ${this.table('role')} r ON r.rid = ur.rid WHERE ur.uid = ? ORDER BY r.name`;
  }

  protected probes(): Array<[string, string]> {
    return [[`${this.select()} WHERE 1 = 0`, `Drupal table ${this.prefix}users`]];
  }

  protected toAccount(row: SqlRow, groups: string[]): SourceAccount {
    const id = sourceId(row.id);
    const email = sourceText(id, 'mail', row.email, SOURCE_LIMITS.email, true);
    const pass = sourceText(id, 'pass', row.pass, SOURCE_LIMITS.passwordHash, true);
    return {
      externalId: id,
      login: sourceText(id, 'name', row.login, SOURCE_LIMITS.login),
      email: email === null || email === '' ? null : email,
      realName: '',
      passwordHash: pass === null || pass === '' ? null : pass,
      groups,
      disabled: Number(row.status) === 0,
      createdAt: unixTime(row.created),
    };
  }
}

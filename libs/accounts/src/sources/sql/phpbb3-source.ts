import { SOURCE_LIMITS, sourceId, sourceText, type PasswordRule, type SourceAccount } from '../account-source';
import { PresetSqlSource, unixTime } from './preset-source';
import type { SqlRow } from './sql-client';

/**
 * USER_SOURCE_PRESET=phpbb3 (phpBB 3.0 to 3.3): `<prefix>users`, `<prefix>user_group`,
 * `<prefix>groups` and `<prefix>banlist`, as phpBB's installer creates them (prefix `phpbb_`).
 *
 * | AuthBridge   | phpBB 3 |
 * | externalId   | users.user_id |
 * | login        | users.username; looked up by username_clean, as phpBB's login does |
 * | email        | users.user_email |
 * | realName     | none in phpBB (empty) |
 * | passwordHash | users.user_password: bcrypt $2y$ (3.1+ default), argon2 (3.3), phpass $H$ (3.0), $CP$ (converted phpBB 2), bare md5 |
 * | groups       | groups.group_name of the user's user_group rows with user_pending = 0 (built-in groups keep phpBB's names: REGISTERED, ADMINISTRATORS…) |
 * | disabled     | user_type 1 (inactive) or 2 (ignore: the anonymous user and bots), or a ban on the user id in banlist that has not ended and is no exclusion |
 *
 * Not mapped: bans by e-mail address or IP (phpBB checks those at login against the request).
 */
export class Phpbb3Source extends PresetSqlSource {
  readonly passwordRule: PasswordRule = { formats: ['bcrypt', 'argon2', 'phpass', 'phpbb-convert', 'md5-hex'], preparation: 'phpbb3' };
  protected readonly idColumn = this.col('user_id');
  protected readonly loginColumn = this.col('username_clean');
  protected readonly emailColumn = this.col('user_email');

  protected override loginValue(login: string): string {
    return utf8CleanString(login);
  }

  protected select(): string {
    // A whole-second "now" as a literal: the ban's end is compared in the database, as phpBB does.
    const now = Math.floor(Date.now() / 1000);
    return `SELECT ${this.col('user_id')} AS id, ${this.cut(this.col('username'), SOURCE_LIMITS.login)} AS login, ${this.cut(this.col('user_email'), SOURCE_LIMITS.email)} AS email,
      ${this.cut(this.col('user_password'), SOURCE_LIMITS.passwordHash)} AS pass, ${this.col('user_type')} AS user_type, ${this.col('user_regdate')} AS registered,
      (SELECT COUNT(*) FROM ${this.table('banlist')} b WHERE b.ban_userid = u.user_id AND b.ban_exclude = 0 AND (b.ban_end = 0 OR b.ban_end > ${now})) AS bans
      FROM ${this.table('users')} u`;
  }

  protected groupsSql(): string {
    return `SELECT g.group_name AS name FROM ${this.table('user_group')} ug JOIN ${this.table('groups')} g ON g.group_id = ug.group_id WHERE ug.user_id = ? AND ug.user_pending = 0 ORDER BY g.group_name`;
  }

  protected probes(): Array<[string, string]> {
    return [[`${this.select()} WHERE 1 = 0`, `phpBB tables ${this.prefix}users and ${this.prefix}banlist`]];
  }

  protected toAccount(row: SqlRow, groups: string[]): SourceAccount {
    const id = sourceId(row.id);
    const email = sourceText(id, 'user_email', row.email, SOURCE_LIMITS.email);
    const pass = sourceText(id, 'user_password', row.pass, SOURCE_LIMITS.passwordHash, true);
    const type = Number(row.user_type);
    return {
      externalId: id,
      login: sourceText(id, 'username', row.login, SOURCE_LIMITS.login),
      email: email === '' ? null : email,
      realName: '',
      passwordHash: pass === null || pass === '' ? null : pass,
      groups,
      disabled: type === 1 || type === 2 || Number(row.bans) > 0,
      createdAt: unixTime(row.registered),
    };
  }
}

/**
 * phpBB's utf8_clean_string() as far as it can be reproduced without phpBB's tables: NFKC with
 * case folding, control characters dropped, runs of spaces made one, trimmed. Exact for ASCII
 * names; phpBB also maps Unicode confusables (includes/utf/data/confusables.php), which this
 * does not, so a non-ASCII name typed differently from how it was registered may not be found
 * (a "no such user", never another person's account: the password is still checked).
 */
export function utf8CleanString(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFKC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f\u0080-\u009f]+/g, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}

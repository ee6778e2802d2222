import { createHash } from 'node:crypto';
import { sameBytes } from './constant-time';
import { verifyPhpass } from './phpass';
// A cycle (hash-formats imports this file), used only inside functions: the inner $H$ gets the same bounds as any phpass hash.
import { inspectHash } from './hash-formats';

/*
 * phpBB's `$CP$` ("convert password"), as phpBB 3.1-3.3 write and check it: the
 * passwords.driver.convert_password driver itself never matches (its check() returns false);
 * passwords\manager::check() strips `$CP$` and tries every legacy driver on the rest. phpBB's
 * own updater (migration v310\passwords_convert_p2) writes
 * `'$CP$' . salted_md5(md5(password))` for phpBB 2 accounts, and the md5_phpbb2 driver accepts
 * under `$CP$` the two things phpBB 2 stored: a bare md5(password) (32 hex) and phpBB 3's
 * salted_md5 (`$H$` phpass) of that md5 hex (34 characters).
 *
 * Not covered: the driver's retry with the password recoded to Windows-1252 (phpBB 2 boards
 * that stored Latin-1 bytes; ASCII passwords are the same either way), and the other legacy
 * drivers (md5_mybb, md5_vb, sha1_smf, sha_xf1, bcrypt_wcf2...) whose `$CP$` rows come from
 * converting other forums and need their salts from columns phpBB's converter adds.
 */

const PREFIX = '$CP$';
const BARE_MD5 = /^[0-9a-f]{32}$/;

export function recognisePhpbbConvert(hash: string): boolean {
  if (!hash.startsWith(PREFIX)) return false;
  const inner = hash.slice(PREFIX.length);
  return BARE_MD5.test(inner) || (inner.startsWith('$H$') && isBoundedPhpass(inner));
}

function isBoundedPhpass(inner: string): boolean {
  const inspection = inspectHash(inner);
  return inspection.ok && inspection.format === 'phpass';
}

export async function verifyPhpbbConvert(hash: string, password: string): Promise<boolean> {
  if (!recognisePhpbbConvert(hash)) return false;
  const inner = hash.slice(PREFIX.length);
  const md5 = createHash('md5').update(password, 'utf8').digest('hex');
  if (BARE_MD5.test(inner)) return sameBytes(Buffer.from(inner, 'latin1'), Buffer.from(md5, 'latin1'));
  return verifyPhpass(inner, md5);
}

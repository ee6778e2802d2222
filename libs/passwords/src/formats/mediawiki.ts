import { createHash, pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { sameBytes } from './constant-time';

/*
 * MediaWiki's own password formats (includes/password/ of MediaWiki 1.39), as stored in
 * user.user_password: ":type:" followed by the type's parameters, arguments and hash.
 */

const pbkdf2Async = promisify(pbkdf2);

/** PHP hash_pbkdf2() algorithm names Node's OpenSSL knows by the same name. */
const PBKDF2_DIGESTS = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);
/** The cost parameters of a PBKDF2 hash (plain or layered); hash-formats.ts bounds them. */
export interface Pbkdf2Params {
  rounds: number;
  length: number;
}

const BASE64 = '[A-Za-z0-9+/]*={0,2}';
const PBKDF2_PARAMS = `([a-z0-9]+):(\\d{1,9}):(\\d{1,4})`;

/** Pbkdf2Password: ":pbkdf2:algo:rounds:length:<salt base64>:<hash base64>". */
const PBKDF2 = new RegExp(`^:pbkdf2:${PBKDF2_PARAMS}:(${BASE64}):(${BASE64})$`);
/** MWOldPassword (":A:<md5>", or ":A:<salt>:<hash>" written by an old bug) and MWSaltedPassword (":B:<salt>:<hash>"). */
const MD5 = /^:([AB]):(?:([^:]{1,64}):)?([0-9a-f]{32})$/;
/** BcryptPassword: ":bcrypt:<cost>$<22-char salt>$<31-char hash>", PHP's $2y$ without its prefix. */
const BCRYPT = /^:bcrypt:(\d{1,2})\$([./A-Za-z0-9]{22})\$([./A-Za-z0-9]{31})$/;
/** LayeredParameterizedPassword: MD5 (A or B) first, then PBKDF2 over its hex digest. */
const LAYERED = new RegExp(`^:pbkdf2-legacy([AB]):!${PBKDF2_PARAMS}!([^!:]{0,64})!(${BASE64})!(${BASE64})$`);

export function isMediaWikiPbkdf2(hash: string): boolean {
  const m = PBKDF2.exec(hash);
  return m !== null && pbkdf2ParamsOk(m[1], m[2], m[3], m[5]);
}

/** The rounds and output length of a well-formed ":pbkdf2:" or ":pbkdf2-legacy" hash. */
export function mediaWikiPbkdf2Params(hash: string): Pbkdf2Params | undefined {
  const plain = PBKDF2.exec(hash);
  if (plain) return isMediaWikiPbkdf2(hash) ? { rounds: Number(plain[2]), length: Number(plain[3]) } : undefined;
  const layered = LAYERED.exec(hash);
  if (layered) return isMediaWikiLayered(hash) ? { rounds: Number(layered[3]), length: Number(layered[4]) } : undefined;
  return undefined;
}

export function isMediaWikiMd5(hash: string): boolean {
  const m = MD5.exec(hash);
  // ":B:" always has a salt; ":A:" may have one.
  return m !== null && (m[1] === 'A' || m[2] !== undefined);
}

export function isMediaWikiLayered(hash: string): boolean {
  const m = LAYERED.exec(hash);
  if (m === null || !pbkdf2ParamsOk(m[2], m[3], m[4], m[7])) return false;
  // The B layer needs its salt; the A layer has none.
  return m[1] === 'A' ? m[5] === '' : m[5] !== '';
}

/** The PHP bcrypt hash inside ":bcrypt:", or undefined. */
export function mediaWikiBcryptToPhp(hash: string): string | undefined {
  const m = BCRYPT.exec(hash);
  if (!m) return undefined;
  const cost = Number(m[1]);
  // The cost's bounds are checked on the PHP hash, with every other bcrypt (hash-formats.ts).
  return `$2y$${String(cost).padStart(2, '0')}$${m[2]}${m[3]}`;
}

export async function verifyMediaWikiPbkdf2(hash: string, password: string): Promise<boolean> {
  const m = PBKDF2.exec(hash);
  if (!m || !pbkdf2ParamsOk(m[1], m[2], m[3], m[5])) return false;
  return checkPbkdf2(Buffer.from(password, 'utf8'), m[1], m[2], m[3], m[4], m[5]);
}

export function verifyMediaWikiMd5(hash: string, password: string): boolean {
  const m = MD5.exec(hash);
  if (!m || !isMediaWikiMd5(hash)) return false;
  const computed = m[2] === undefined ? md5Hex(password) : saltedMd5Hex(m[2], password);
  return sameBytes(Buffer.from(computed, 'latin1'), Buffer.from(m[3], 'latin1'));
}

export async function verifyMediaWikiLayered(hash: string, password: string): Promise<boolean> {
  const m = LAYERED.exec(hash);
  if (!m || !isMediaWikiLayered(hash)) return false;
  const firstLayer = m[1] === 'A' ? md5Hex(password) : saltedMd5Hex(m[5], password);
  return checkPbkdf2(Buffer.from(firstLayer, 'latin1'), m[2], m[3], m[4], m[6], m[7]);
}

/** Well-formed: a digest Node knows, and a stored hash as long as it says (bounds: hash-formats.ts). */
function pbkdf2ParamsOk(algo: string, rounds: string, length: string, hash: string): boolean {
  const r = Number(rounds);
  const l = Number(length);
  return PBKDF2_DIGESTS.has(algo) && r >= 1 && l >= 1 && Buffer.from(hash, 'base64').length === l;
}

async function checkPbkdf2(secret: Buffer, algo: string, rounds: string, length: string, salt: string, hash: string): Promise<boolean> {
  const computed = await pbkdf2Async(secret, Buffer.from(salt, 'base64'), Number(rounds), Number(length), algo);
  return sameBytes(computed, Buffer.from(hash, 'base64'));
}

function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** md5( salt . '-' . md5( password ) ), MediaWiki's "B" hash. */
function saltedMd5Hex(salt: string, password: string): string {
  return createHash('md5').update(`${salt}-${md5Hex(password)}`, 'utf8').digest('hex');
}

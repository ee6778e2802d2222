import { createHmac } from 'node:crypto';
import * as bcrypt from 'bcrypt';
import { phpassLog2Rounds, verifyPhpass } from './phpass';
import {
  isMediaWikiLayered, isMediaWikiMd5, isMediaWikiPbkdf2, mediaWikiBcryptToPhp, mediaWikiPbkdf2Params,
  verifyMediaWikiLayered, verifyMediaWikiMd5, verifyMediaWikiPbkdf2,
} from './mediawiki';
import { recogniseJoomla, verifyJoomla } from './joomla';
import { recognisePhpbbConvert, verifyPhpbbConvert } from './phpbb';
import { DRUPAL_MAX_LOG2, DRUPAL_MIN_LOG2, drupalLog2Rounds, recogniseDrupal, verifyDrupal, type DrupalFormat } from './drupal';

/**
 * The families of stored hashes the API verifies; vectors/password-hashes.json of the
 * contract names them in its "format" field.
 */
export type HashFormat =
  | 'argon2'
  | 'bcrypt'
  | 'wordpress-bcrypt'
  | 'phpass'
  | 'mediawiki-pbkdf2'
  | 'mediawiki-pbkdf2-layered'
  | 'mediawiki-md5'
  | 'mediawiki-bcrypt'
  | 'mediawiki-argon2'
  // Applications' own legacy formats: formats/joomla.ts, phpbb.ts, drupal.ts.
  | 'joomla-md5-salted'
  | 'joomla-sha256'
  | 'phpbb-convert'
  | 'drupal7-sha512'
  | 'drupal7-md5-sha512';

/**
 * What a stored hash may ask for. A hash is data an import brought in (or a website's database
 * holds), so its cost parameters are an attacker's to choose: four logins at a name whose hash
 * asks for bcrypt cost 31 or 4 GiB of argon2 would freeze every password check. Each bound sits
 * above what the software that writes such hashes writes by default (SPEC.md, "Stored hashes").
 */
export const COST_BOUNDS = {
  /** PHP and node bcrypt write 10 to 12; 13 is about 0.5 s on one core. */
  bcrypt: { minCost: 4, maxCost: 13 },
  /** PHP writes m=65536,t=4,p=1; node-argon2 m=65536,t=3,p=4; OWASP's smallest m=19456. */
  argon2: { maxMemoryKiB: 256 * 1024, minTime: 1, maxTime: 10, minParallelism: 1, maxParallelism: 8 },
  /**
   * MediaWiki writes sha512, 30,000 rounds, 64 bytes. An output shorter than 16 bytes is refused
   * since it matches too many passwords (1 byte: one random password in 256).
   */
  pbkdf2: { minRounds: 1, maxRounds: 1_000_000, minBytes: 16, maxBytes: 64 },
  /** WordPress writes $P$B (2^13), phpBB $H$9 (2^11), Joomla $P$D (2^15); rounds run on worker threads. */
  phpass: { minLog2: 7, maxLog2: 15 },
  /** Drupal 7 writes $S$D (2^15) and accepts up to 2^30; rounds run on worker threads. */
  drupal: { minLog2: DRUPAL_MIN_LOG2, maxLog2: DRUPAL_MAX_LOG2 },
} as const;

/**
 * The most password bytes fed to a legacy format: phpass hashes the password once per round, so
 * an unbounded password multiplies its cost (the API already refuses passwords over 4096 characters,
 * which may be 16 KiB of UTF-8).
 */
export const MAX_LEGACY_PASSWORD_BYTES = 4096;

/** A hash the API can check, or why it will not. */
export type HashInspection =
  | { ok: true; format: HashFormat }
  | { ok: false; format: HashFormat | null; reason: string };

type LegacyFormat = Exclude<HashFormat, 'argon2' | 'mediawiki-argon2'>;

interface FormatEntry {
  format: HashFormat;
  /** The prefix that names the family; a hash with it is this family or unusable. */
  claims(hash: string): boolean;
  /** Well-formed and within COST_BOUNDS: undefined; otherwise why not. */
  problem(hash: string): string | undefined;
}

/** PHC strings of argon2i and argon2id (PHP's password_hash, node-argon2, libsodium). */
const ARGON2 = /^\$argon2(?:id|i)\$(?:v=(?:16|19)\$)?([a-z]=\d{1,10}(?:,[a-z]=\d{1,10}){2})\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{22,}$/;

/** $2a$, $2b$ (OpenBSD, most libraries) and $2y$ (PHP's password_hash). */
const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** WordPress 6.8+: "$wp" before a bcrypt hash of an HMAC-SHA384 of the password. */
const WORDPRESS_PREFIX = '$wp';
const MEDIAWIKI_ARGON2_PREFIX = ':argon2:';

function argon2Problem(hash: string): string | undefined {
  const m = ARGON2.exec(hash);
  if (!m) return 'malformed argon2 hash';
  // PHP writes m,t,p; node-argon2 writes m,p,t.
  const params = new Map(m[1].split(',').map((pair) => [pair[0], Number(pair.slice(2))] as const));
  const [memory, time, lanes] = [params.get('m'), params.get('t'), params.get('p')];
  if (memory === undefined || time === undefined || lanes === undefined) return 'malformed argon2 hash';
  const b = COST_BOUNDS.argon2;
  if (memory > b.maxMemoryKiB) return `argon2 memory ${memory} KiB is above ${b.maxMemoryKiB} KiB`;
  if (time < b.minTime || time > b.maxTime) return `argon2 time cost ${time} is outside ${b.minTime}-${b.maxTime}`;
  if (lanes < b.minParallelism || lanes > b.maxParallelism) return `argon2 parallelism ${lanes} is outside ${b.minParallelism}-${b.maxParallelism}`;
  return undefined;
}

function bcryptProblem(hash: string): string | undefined {
  const m = BCRYPT.exec(hash);
  if (!m) return 'malformed bcrypt hash';
  const cost = Number(m[1]);
  const b = COST_BOUNDS.bcrypt;
  return cost < b.minCost || cost > b.maxCost ? `bcrypt cost ${cost} is outside ${b.minCost}-${b.maxCost}` : undefined;
}

function pbkdf2Problem(hash: string, wellFormed: boolean): string | undefined {
  const params = wellFormed ? mediaWikiPbkdf2Params(hash) : undefined;
  if (!params) return 'malformed PBKDF2 hash';
  const b = COST_BOUNDS.pbkdf2;
  if (params.rounds < b.minRounds || params.rounds > b.maxRounds) return `PBKDF2 rounds ${params.rounds} are outside ${b.minRounds}-${b.maxRounds}`;
  if (params.length < b.minBytes || params.length > b.maxBytes) return `PBKDF2 output of ${params.length} bytes is outside ${b.minBytes}-${b.maxBytes}`;
  return undefined;
}

/** Every family the API knows, in the order a hash is matched against them. */
export const HASH_FORMATS: readonly FormatEntry[] = [
  { format: 'argon2', claims: (h) => h.startsWith('$argon2'), problem: argon2Problem },
  { format: 'bcrypt', claims: (h) => h.startsWith('$2'), problem: bcryptProblem },
  { format: 'wordpress-bcrypt', claims: (h) => h.startsWith(WORDPRESS_PREFIX), problem: (h) => bcryptProblem(h.slice(WORDPRESS_PREFIX.length)) },
  {
    format: 'phpass',
    claims: (h) => h.startsWith('$P$') || h.startsWith('$H$'),
    problem: (h) => {
      const log2 = phpassLog2Rounds(h);
      if (log2 < 0) return 'malformed phpass hash';
      const b = COST_BOUNDS.phpass;
      return log2 < b.minLog2 || log2 > b.maxLog2 ? `phpass rounds 2^${log2} are outside 2^${b.minLog2}-2^${b.maxLog2}` : undefined;
    },
  },
  { format: 'mediawiki-pbkdf2', claims: (h) => h.startsWith(':pbkdf2:'), problem: (h) => pbkdf2Problem(h, isMediaWikiPbkdf2(h)) },
  { format: 'mediawiki-pbkdf2-layered', claims: (h) => h.startsWith(':pbkdf2-legacy'), problem: (h) => pbkdf2Problem(h, isMediaWikiLayered(h)) },
  { format: 'mediawiki-md5', claims: (h) => h.startsWith(':A:') || h.startsWith(':B:'), problem: (h) => (isMediaWikiMd5(h) ? undefined : 'malformed MediaWiki MD5 hash') },
  {
    format: 'mediawiki-bcrypt',
    claims: (h) => h.startsWith(':bcrypt:'),
    problem: (h) => {
      const php = mediaWikiBcryptToPhp(h);
      return php === undefined ? 'malformed MediaWiki bcrypt hash' : bcryptProblem(php);
    },
  },
  { format: 'mediawiki-argon2', claims: (h) => h.startsWith(MEDIAWIKI_ARGON2_PREFIX), problem: (h) => argon2Problem(h.slice(MEDIAWIKI_ARGON2_PREFIX.length)) },
  // Applications' own legacy formats (formats/phpbb.ts, drupal.ts, joomla.ts), each with its bounds there.
  { format: 'phpbb-convert', claims: (h) => h.startsWith('$CP$'), problem: (h) => (recognisePhpbbConvert(h) ? undefined : 'malformed phpBB converted hash') },
  { format: 'drupal7-md5-sha512', claims: (h) => h.startsWith('U$S$'), problem: (h) => drupalProblem(h, 'drupal7-md5-sha512') },
  { format: 'drupal7-sha512', claims: (h) => h.startsWith('$S$'), problem: (h) => drupalProblem(h, 'drupal7-sha512') },
  { format: 'joomla-md5-salted', claims: (h) => recogniseJoomla(h) === 'joomla-md5-salted', problem: () => undefined },
  { format: 'joomla-sha256', claims: (h) => recogniseJoomla(h) === 'joomla-sha256', problem: () => undefined },
];

function drupalProblem(hash: string, format: DrupalFormat): string | undefined {
  if (recogniseDrupal(hash) === format) return undefined;
  const log2 = drupalLog2Rounds(hash);
  const b = COST_BOUNDS.drupal;
  return log2 >= 0 && (log2 < b.minLog2 || log2 > b.maxLog2) ? `Drupal rounds 2^${log2} are outside 2^${b.minLog2}-2^${b.maxLog2}` : 'malformed Drupal hash';
}

/** Which family a stored hash belongs to and whether its parameters are within COST_BOUNDS. */
export function inspectHash(hash: string): HashInspection {
  const entry = HASH_FORMATS.find((e) => e.claims(hash));
  if (!entry) return { ok: false, format: null, reason: 'unknown password hash format' };
  const problem = entry.problem(hash);
  if (problem === undefined) return { ok: true, format: entry.format };
  // A hash cut short or garbled is not of the family at all; only a well-formed one over the bounds is named.
  if (problem.startsWith('malformed')) return { ok: false, format: null, reason: 'unknown password hash format' };
  return { ok: false, format: entry.format, reason: problem };
}

/** Which family a stored hash belongs to, or null when the API cannot (or will not) verify it. */
export function recognizeHashFormat(hash: string): HashFormat | null {
  const inspection = inspectHash(hash);
  return inspection.ok ? inspection.format : null;
}

/**
 * Checks a password against a hash of a non-argon2 family. Argon2 (bare or in MediaWiki's
 * ":argon2:") is left to the argon2 hasher, which also knows the current parameters. A hash
 * outside COST_BOUNDS, or a password longer than MAX_LEGACY_PASSWORD_BYTES, is never computed.
 */
export async function verifyLegacyHash(format: LegacyFormat, hash: string, password: string): Promise<boolean> {
  const inspection = inspectHash(hash);
  if (!inspection.ok || inspection.format !== format) return false;
  if (Buffer.byteLength(password, 'utf8') > MAX_LEGACY_PASSWORD_BYTES) return false;
  switch (format) {
    case 'bcrypt':
      return verifyBcrypt(hash, password);
    case 'wordpress-bcrypt':
      return verifyBcrypt(hash.slice(WORDPRESS_PREFIX.length), createHmac('sha384', 'wp-sha384').update(password, 'utf8').digest('base64'));
    case 'mediawiki-bcrypt':
      return verifyBcrypt(mediaWikiBcryptToPhp(hash) ?? '', password);
    case 'phpass':
      return verifyPhpass(hash, password);
    case 'mediawiki-pbkdf2':
      return verifyMediaWikiPbkdf2(hash, password);
    case 'mediawiki-pbkdf2-layered':
      return verifyMediaWikiLayered(hash, password);
    case 'mediawiki-md5':
      return verifyMediaWikiMd5(hash, password);
    case 'joomla-md5-salted':
    case 'joomla-sha256':
      return verifyJoomla(format, hash, password);
    case 'phpbb-convert':
      return verifyPhpbbConvert(hash, password);
    case 'drupal7-sha512':
    case 'drupal7-md5-sha512':
      return verifyDrupal(hash, password);
  }
}

/**
 * PHP's $2y$ and OpenBSD's $2b$ are the same algorithm under two names (both fixed the
 * 8-bit bug of old $2a$ implementations); node bcrypt only knows the OpenBSD names.
 * bcrypt.compare runs on the thread pool and compares in constant time.
 */
async function verifyBcrypt(hash: string, password: string): Promise<boolean> {
  if (bcryptProblem(hash) !== undefined) return false;
  return bcrypt.compare(password, hash.startsWith('$2y$') ? `$2b$${hash.slice(4)}` : hash);
}

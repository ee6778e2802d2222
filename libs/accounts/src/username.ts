/**
 * MediaWiki 1.39's user-name rules, so that the API and the wiki agree on every name:
 * what `UserNameUtils::getCanonical( $name, RIGOR_CREATABLE )` returns for a value the wiki
 * received in a request (WebRequest has NFC-normalised it first). The expected answers come
 * from a real MediaWiki: mediawiki-extension-contract/vectors/usernames.json.
 */
import { USERNAME_MAX_BYTES, USERNAME_MAX_CREATABLE_BYTES } from '@authbridge/contract';

/** Longest name MediaWiki accepts at all ($wgMaxNameChars). New accounts are held to 235. */
export const MAX_USERNAME_BYTES = USERNAME_MAX_BYTES;

/** New names leave room for "User:Name/common.js" within the 255-byte title limit (T25080). */
const MAX_CREATABLE_BYTES = USERNAME_MAX_CREATABLE_BYTES;

export type UsernameResult = { ok: true; name: string } | { ok: false; reason: string };

/** The canonical form of a user name, or why MediaWiki would refuse to create it. */
export function canonicalizeUsername(input: string): UsernameResult {
  // getCanonical looks for '#' before decoding references, so "&#233;" is refused too.
  const name = upperCaseFirst(normalizeSubmitted(input));
  if (name.includes('#')) return refuse('contains "#"');
  const parsed = parseUserTitle(name);
  return parsed.ok ? checkCreatable(parsed.name) : parsed;
}

/**
 * A name prefix for look-ups: spelled like a canonical name (underscores and runs of spaces as
 * one space, NFC, first letter upper-cased) but not validated. A trailing space is kept, as
 * MediaWiki's own prefix search keeps it ("Page_" finds "Page a", not "Pager").
 */
export function usernamePrefix(input: string): string {
  const spaced = normalizeSubmitted(input).replace(TITLE_WHITESPACE, ' ');
  return upperCaseFirst(spaced.replace(/^ /, ''));
}

function refuse(reason: string): UsernameResult {
  return { ok: false, reason };
}

/**
 * What WebRequest does to every submitted value (UtfNormal cleanUp): control characters,
 * U+FFFE/U+FFFF and broken UTF-16 (invalid UTF-8 on the PHP side) become U+FFFD, then NFC.
 */
function normalizeSubmitted(input: string): string {
  return input.replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF\uD800-\uDFFF]/gu, '\uFFFD').normalize('NFC');
}

/**
 * Language::ucfirst: upper-case the first code point only (full mapping, so "ß" becomes "SS").
 * PHP 8.2's mbstring knows Unicode 14; Node's ICU is newer, so letters that only gained an
 * upper-case partner since then must stay as they are.
 */
function upperCaseFirst(text: string): string {
  const first = text.codePointAt(0);
  if (first === undefined || hasCasePairNewerThanUnicode14(first)) return text;
  const char = String.fromCodePoint(first);
  return char.toUpperCase() + text.slice(char.length);
}

function hasCasePairNewerThanUnicode14(codePoint: number): boolean {
  return CASE_PAIRS_AFTER_UNICODE_14.some(([from, to]) => codePoint >= from && codePoint <= to);
}

/** Lower-case letters whose upper-case mapping arrived in Unicode 15-17 (found by comparing every code point). */
const CASE_PAIRS_AFTER_UNICODE_14: ReadonlyArray<readonly [number, number]> = [
  [0x019b, 0x019b], [0x0264, 0x0264], [0x1c8a, 0x1c8a], [0xa7cd, 0xa7cd], [0xa7cf, 0xa7cf],
  [0xa7d3, 0xa7d3], [0xa7d5, 0xa7d5], [0xa7db, 0xa7db], [0x10d70, 0x10d85], [0x16ebb, 0x16ed3],
];

/** Title whitespace (MediaWikiTitleCodec::splitTitleString); a run of it becomes one "_". */
const TITLE_WHITESPACE = /[ _\u00A0\u1680\u180E\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/g;

/** Bidi marks that creep into copied text; titles drop them silently. */
const BIDI_MARKS = /[\u200E\u200F\u202A-\u202E]+/g;

/**
 * Not allowed in a title: anything outside $wgLegalTitleChars (all non-ASCII is legal),
 * a percent-encoded byte, or a character reference that is still there after decoding.
 */
const ILLEGAL_IN_TITLE = /[^ %!"$&'()*,\-./0-9:;=?@A-Z\\^_`a-z~+\u{80}-\u{10FFFF}]|%[0-9A-Fa-f]{2}|&[A-Za-z0-9\u{80}-\u{10FFFF}]+;/u;

/** "Prefix:rest", with the same laziness as MediaWiki's regex, so only the first colon counts. */
const NAMESPACE_PREFIX = /^(.+?)_*:_*(.*)$/;

/**
 * MediaWikiTitleCodec::parseTitle( $name, NS_USER ) followed by getText(), reduced to what
 * can matter for a user name: any name still containing ':' is refused later, so the only
 * prefix worth recognising is "User:" (another namespace or an interwiki is refused as well).
 */
function parseUserTitle(text: string): UsernameResult {
  let dbkey = decodeCharacterReferences(text)
    .replace(BIDI_MARKS, '')
    .replace(TITLE_WHITESPACE, '_')
    .replace(/^_+|_+$/g, '');
  if (dbkey.includes('\uFFFD')) return refuse('contains invalid Unicode or a control character');

  // A leading colon means "main namespace" unless a "User:" prefix follows it.
  let inUserNamespace = true;
  if (dbkey.startsWith(':')) {
    inUserNamespace = false;
    dbkey = dbkey.slice(1).replace(/^_+/, '');
  }
  if (dbkey === '') return refuse('empty');

  const prefixed = NAMESPACE_PREFIX.exec(dbkey);
  if (prefixed && prefixed[1].toLowerCase() === 'user') {
    inUserNamespace = true;
    dbkey = prefixed[2];
  }

  if (ILLEGAL_IN_TITLE.test(dbkey)) return refuse('contains a character MediaWiki does not allow in titles');
  // The other relative-path forms ("./", "/../", ...) contain "/", which names may not.
  if (dbkey === '.' || dbkey === '..') return refuse('a relative path');
  if (dbkey.includes('~~~')) return refuse('contains "~~~", which the wiki would expand into a signature');
  if (!inUserNamespace) return refuse('a page outside the User namespace');

  // NS_USER is a capitalised namespace. (IPUtils::sanitizeIP runs here too, but only
  // rewrites IP addresses, which are refused below anyway.)
  const name = upperCaseFirst(dbkey).replace(/_/g, ' ');
  if (name === '') return refuse('empty');
  return { ok: true, name };
}

/**
 * Sanitizer::decodeCharReferencesAndNormalize, for named references only: numeric ones
 * contain '#' and were refused before. MediaWiki knows all ~2,100 HTML5 names; this knows
 * the XML ones and Latin-1 (the ones people type) and leaves the rest undecoded, which makes
 * ILLEGAL_IN_TITLE refuse the name: the API may refuse a name the wiki would take, never the
 * reverse. None of these decodes to '#', so there is no fragment to cut off.
 */
function decodeCharacterReferences(text: string): string {
  // MediaWiki normalises again whenever it saw an '&', even a bare one, and only then.
  if (!text.includes('&')) return text;
  const decoded = text.replace(/&([A-Za-z0-9\u{80}-\u{10FFFF}]+);/gu, (reference, name: string) =>
    NAMED_REFERENCES.get(name) ?? reference,
  );
  return decoded.normalize('NFC');
}

/** HTML's Latin-1 entities, in code-point order from U+00A0. */
const LATIN1_REFERENCE_NAMES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 ' +
  'acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde ' +
  'Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute ' +
  'Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde ' +
  'auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ' +
  'ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';

const NAMED_REFERENCES: ReadonlyMap<string, string> = new Map([
  ['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"],
  ...LATIN1_REFERENCE_NAMES.split(' ').map((name, i) => [name, String.fromCodePoint(0xa0 + i)] as const),
]);

/** usemod "cloaked" IPv4 addresses ("1.2.3.xxx") count as IP addresses too. */
const IP_ADDRESS_LIKE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.(?:xxx|\d{1,3})$/;

/** Characters UserNameUtils::isValid refuses on top of the title rules. */
const TROUBLEMAKER_CHARACTERS = /[\u0080-\u009F\u00A0\u2000-\u200F\u2028-\u202F\u3000\uE000-\uF8FF]/;

/** $wgInvalidUsernameCharacters as of 1.39 ('=' joined later). */
const INVALID_USERNAME_CHARACTERS = /[@:>]/;

/** $wgReservedUsernames, with the msg: entries resolved to their English text. */
const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'MediaWiki default', 'Conversion script', 'Maintenance script', 'Template namespace initialisation script',
  'ScriptImporter', 'Delete page script', 'Move page script', 'Command line script', 'Unknown user',
  'Redirect fixer', 'System messenger', 'Proxy blocker', 'DNSBL', 'MediaWiki spam cleanup',
  'MediaWiki automatic change',
]);

/**
 * UserNameUtils::isCreatable and the isUsable/isValid checks it includes. Temporary-user
 * names are not checked: $wgAutoCreateTempUser is off by default.
 */
function checkCreatable(name: string): UsernameResult {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_CREATABLE_BYTES) return refuse(`longer than ${MAX_CREATABLE_BYTES} bytes (${bytes})`);
  if (INVALID_USERNAME_CHARACTERS.test(name)) return refuse('contains "@", ":" or ">"');
  if (IP_ADDRESS_LIKE.test(name)) return refuse('an IP address');
  if (name.includes('/')) return refuse('contains "/"');
  if (upperCaseFirst(name) !== name) return refuse('does not start with a capital letter');
  if (!survivesReparsing(name)) return refuse('not in Unicode normal form C');
  if (TROUBLEMAKER_CHARACTERS.test(name)) return refuse('contains an invisible or private-use character');
  if (RESERVED_NAMES.has(name)) return refuse('reserved for MediaWiki itself');
  return { ok: true, name };
}

/**
 * isValid parses the name once more and wants it back unchanged. With no ':' and no
 * references left, the only change possible is the NFC pass an '&' triggers: the first
 * letter was upper-cased after normalisation and may now compose with a following mark.
 */
function survivesReparsing(name: string): boolean {
  return !name.includes('&') || name.normalize('NFC') === name;
}

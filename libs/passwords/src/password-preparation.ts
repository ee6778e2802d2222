/**
 * What a website did to a typed password before it hashed it, by name: the user sources check
 * with it, and a hash imported from such a source (`users export --with-hashes`, then
 * `users import`) carries the name as `passwordPreparation`, so the own store checks it the same
 * way until the first login rehashes the password as typed (SPEC.md, "Importing users").
 *
 * - `trim`: PHP's trim() around the password, as WordPress (and a custom mapping with
 *   `trimPassword`) does both when hashing and at login.
 * - `phpbb3`: phpBB 3's request layer, which hashes the HTML-escaped password.
 */
export const PASSWORD_PREPARATIONS = ['phpbb3', 'trim'] as const;
export type PasswordPreparation = (typeof PASSWORD_PREPARATIONS)[number];

export function isPasswordPreparation(value: unknown): value is PasswordPreparation {
  return typeof value === 'string' && (PASSWORD_PREPARATIONS as readonly string[]).includes(value);
}

/** The password as the website hashed it; `null` (no preparation) leaves it as typed. */
export function preparePassword(preparation: PasswordPreparation | null, typed: string): string {
  if (preparation === 'trim') return phpTrim(typed);
  if (preparation === 'phpbb3') return phpbbRequestPassword(typed);
  return typed;
}

/** PHP's trim(): the characters WordPress strips around a password. */
const PHP_TRIM = /^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g;

export function phpTrim(typed: string): string {
  return typed.replace(PHP_TRIM, '');
}

/**
 * What phpBB's login hashes: request->untrimmed_variable('password', '', true) runs
 * str_replace(["\r\n", "\r", "\0"], ["\n", "\n", '']), htmlspecialchars(ENT_COMPAT) and NFC, so a
 * typed "&" was stored as the hash of "&amp;" (phpbb/request/type_cast_helper.php, set_var).
 */
export function phpbbRequestPassword(typed: string): string {
  return typed
    .replace(/\r\n|\r/g, '\n')
    .replace(/\0/g, '')
    .replace(/[&"<>]/g, (c) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' })[c]!)
    .normalize('NFC');
}

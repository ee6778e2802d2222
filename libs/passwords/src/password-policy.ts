import { COMMON_PASSWORDS } from './common-passwords';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_NEW_PASSWORD_LENGTH = 256;

/**
 * NIST SP 800-63B §5.1.1.2: length bounds and a blocklist, no composition rules.
 * Returns why the password is refused, or null when it is acceptable.
 */
export function passwordPolicyViolation(password: string, username?: string): string | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters long`;
  if (length > MAX_NEW_PASSWORD_LENGTH) return `must be at most ${MAX_NEW_PASSWORD_LENGTH} characters long`;
  if (password.includes('\u0000')) return 'must not contain NUL characters';
  const lower = password.toLowerCase();
  if (username && lower === username.toLowerCase()) return 'must not be the user name';
  if (COMMON_PASSWORDS.has(lower)) return 'is one of the most commonly used passwords';
  return null;
}

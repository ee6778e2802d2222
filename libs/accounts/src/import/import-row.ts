import { createHash } from 'node:crypto';
import { isEmail } from 'class-validator';
import { PASSWORD_PREPARATIONS, inspectHash, isPasswordPreparation, type PasswordPreparation } from '@authbridge/passwords';
import type { ImportedProfile, ImportedUser } from '@authbridge/storage';
import { canonicalizeUsername } from '../username';
import { normalizeGroups } from '../user-json';
import type { ImportField } from './import-source';

/** The same bounds the API's user DTOs enforce. */
const MAX_EMAIL = 254;
const MAX_REAL_NAME = 255;
const MAX_GROUPS = 100;
const MAX_GROUP_NAME = 64;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** In a CSV cell, groups are separated by "|" or ";" (the comma separates cells). */
const GROUP_SEPARATORS = /[|;]/;

export type RowResult = { ok: true; user: ImportedUser } | { ok: false; reason: string };

class RowError extends Error {}

/**
 * Turns one record of an import file into the user to store, or says why the row is skipped.
 * A field the file does not carry stays undefined, so an update leaves it alone; an empty one
 * means empty (no email, no groups, false), except an empty passwordHash: keep the password.
 * Reasons never quote a password hash.
 */
export function parseImportRow(fields: Partial<Record<ImportField, unknown>>): RowResult {
  try {
    const username = text(fields.username, 'username');
    const canonical = canonicalizeUsername(username);
    if (!canonical.ok) return { ok: false, reason: `invalid user name: ${canonical.reason}` };

    const profile: ImportedProfile = {};
    if (fields.email !== undefined) profile.email = email(fields.email);
    if (fields.realName !== undefined) profile.realName = realName(fields.realName);
    if (fields.groups !== undefined) profile.groups = groups(fields.groups);
    if (fields.disabled !== undefined) profile.disabled = flag(fields.disabled, 'disabled');
    if (fields.emailVerified !== undefined) profile.emailVerified = flag(fields.emailVerified, 'emailVerified');

    const user: ImportedUser = { username: canonical.name, profile };
    // A user source's deterministic id (users export), so the wiki's link to it survives the move.
    if (fields.id !== undefined && fields.id !== null && fields.id !== '') {
      const id = text(fields.id, 'id').trim().toLowerCase();
      if (!UUID.test(id)) return { ok: false, reason: 'id is not a UUID' };
      user.id = id;
    }
    const hash = fields.passwordHash === undefined || fields.passwordHash === null ? '' : text(fields.passwordHash, 'passwordHash').trim();
    const preparation = passwordPreparation(fields.passwordPreparation);
    if (preparation && hash === '') return { ok: false, reason: 'passwordPreparation without a passwordHash' };
    if (hash !== '') {
      // A hash's cost parameters are the file's to choose: one outside COST_BOUNDS is skipped here
      // with its reason, rather than imported to freeze the API at the first login.
      const inspection = inspectHash(hash);
      if (!inspection.ok) return { ok: false, reason: inspection.format === null ? inspection.reason : `unusable password hash: ${inspection.reason}` };
      user.passwordHash = { hash, sha256: createHash('sha256').update(hash, 'utf8').digest('hex') };
      if (preparation !== undefined) user.passwordHash.preparation = preparation;
    }
    return { ok: true, user };
  } catch (error) {
    if (error instanceof RowError) return { ok: false, reason: error.message };
    throw error;
  }
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new RowError(`${field} must be a string`);
  if (value.includes('\u0000')) throw new RowError(`${field} contains a NUL character`);
  return value;
}

/**
 * What the website did to a password before hashing it (`users export` of a source writes it);
 * undefined when the file has no such field, null when it is empty. An unknown name is refused:
 * imported as "none", its users' right passwords would fail without a word.
 */
function passwordPreparation(value: unknown): PasswordPreparation | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const name = text(value, 'passwordPreparation').trim();
  if (name === '') return null;
  if (!isPasswordPreparation(name)) throw new RowError(`passwordPreparation must be one of ${PASSWORD_PREPARATIONS.join(', ')}`);
  return name;
}

function email(value: unknown): string | null {
  if (value === null) return null;
  const address = text(value, 'email').trim();
  if (address === '') return null;
  if (address.length > MAX_EMAIL || !isEmail(address)) throw new RowError('invalid email');
  return address;
}

function realName(value: unknown): string {
  const name = value === null ? '' : text(value, 'realName');
  if ([...name].length > MAX_REAL_NAME) throw new RowError(`realName longer than ${MAX_REAL_NAME} characters`);
  return name;
}

function groups(value: unknown): string[] {
  let list: unknown[];
  if (value === null) list = [];
  else if (Array.isArray(value)) list = value;
  else list = text(value, 'groups').split(GROUP_SEPARATORS);
  const names = normalizeGroups(list.map((group) => text(group, 'groups')));
  if (names.length > MAX_GROUPS) throw new RowError(`more than ${MAX_GROUPS} groups`);
  if (names.some((group) => group.length > MAX_GROUP_NAME)) throw new RowError(`a group name longer than ${MAX_GROUP_NAME} characters`);
  return names;
}

const TRUE = new Set(['true', '1', 'yes', 'y']);
const FALSE = new Set(['false', '0', 'no', 'n', '']);

function flag(value: unknown, field: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === null) return false;
  const word = text(value, field).trim().toLowerCase();
  if (TRUE.has(word)) return true;
  if (FALSE.has(word)) return false;
  throw new RowError(`${field} must be true or false`);
}

import type { UserJson } from '@authbridge/contract';
import type { UserRecord } from '@authbridge/storage';

/** The only way a stored user leaves the accounts library: without its hash. */
export function toUserJson(user: UserRecord): UserJson {
  return {
    id: user.id,
    username: user.username,
    realName: user.realName,
    email: user.email,
    emailVerified: user.emailVerified,
    groups: user.groups,
    disabled: user.disabled,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

/** Groups are a set: unique, trimmed, sorted, so that equal sets compare equal on both sides. */
export function normalizeGroups(groups: readonly string[]): string[] {
  return [...new Set(groups.map((g) => g.trim()).filter(Boolean))].sort();
}

import type { UserJson } from '@authbridge/contract';

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function formatUser(user: UserJson): string {
  return [
    `${user.username}  (id ${user.id})`,
    `  real name:  ${user.realName || '-'}`,
    `  email:      ${user.email ?? '-'}${user.email ? (user.emailVerified ? ' (verified)' : ' (not verified)') : ''}`,
    `  groups:     ${user.groups.join(', ') || '-'}`,
    `  disabled:   ${user.disabled ? 'yes' : 'no'}`,
    `  updated:    ${user.updatedAt}`,
  ].join('\n');
}

/** Reads a password from standard input so it never shows in `ps` or shell history. */
export async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** "email changed, groups +editor −staff": what an update altered, in words, from its audit detail. */
export function describeUserChange(detail: { changed?: unknown; groupsAdded?: unknown; groupsRemoved?: unknown }): string {
  const changed = strings(detail.changed).filter((f) => f !== 'groups');
  const added = strings(detail.groupsAdded).map((g) => `+${g}`);
  const removed = strings(detail.groupsRemoved).map((g) => `\u2212${g}`);
  const parts = changed.map((f) => `${FIELD_WORDS[f] ?? f} changed`);
  if (added.length || removed.length) parts.push(`groups ${[...added, ...removed].join(' ')}`);
  return parts.length ? parts.join(', ') : 'nothing changed';
}

/** "scopes +sso:redeem", "renamed wiki → wiki-main". */
export function describeClientChange(detail: { name?: unknown; scopesAdded?: unknown; scopesRemoved?: unknown }): string {
  const parts: string[] = [];
  const name = detail.name as { from?: string; to?: string } | undefined;
  if (name && typeof name === 'object' && name.from !== undefined) parts.push(`renamed ${name.from} \u2192 ${name.to}`);
  const scopes = [...strings(detail.scopesAdded).map((s) => `+${s}`), ...strings(detail.scopesRemoved).map((s) => `\u2212${s}`)];
  if (scopes.length) parts.push(`scopes ${scopes.join(' ')}`);
  return parts.length ? parts.join(', ') : 'nothing changed';
}

const FIELD_WORDS: Record<string, string> = { email: 'email', emailVerified: 'email confirmation', realName: 'real name', disabled: 'disabled' };

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** `24h`, `30m`, `90s`, `7d` or plain seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d{1,7})([smhd]?)$/.exec(text.trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
}

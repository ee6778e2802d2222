import type { Command } from 'commander';
import { AuditLog } from '@authbridge/accounts';
import { DomainError, type UpdateUserRequest } from '@authbridge/contract';
import { cliContext, services } from '../context';
import { formatUser, printJson } from '../output';
import { describeUserChange } from './change-text';

const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);

/** `users update` and `users delete`: what PATCH and DELETE /v1/users/{username} do, from the shell. */
export function registerUserAdminCommands(users: Command): void {
  users
    .command('update <username>')
    .description('change email, real name, groups or disabled; the wikis hear of a disable at once')
    .option('--email <email>', 'a new email address ("" removes it)')
    .option('--email-verified', 'mark the email address as confirmed')
    .option('--email-unverified', 'mark the email address as not confirmed')
    .option('--real-name <name>', 'a new real name')
    .option('--groups <list>', 'the whole new list of website groups, comma-separated ("" for none)', list)
    .option('--disabled', 'disable the account (ends its wiki sessions)')
    .option('--enabled', 'enable the account')
    .option('--json', 'print JSON for scripts')
    .action(async (username: string, o: { email?: string; emailVerified?: boolean; emailUnverified?: boolean; realName?: string; groups?: string[]; disabled?: boolean; enabled?: boolean; json?: boolean }) => {
      if (o.disabled && o.enabled) throw new DomainError('VALIDATION_FAILED', 'Give --disabled or --enabled, not both.');
      if (o.emailVerified && o.emailUnverified) throw new DomainError('VALIDATION_FAILED', 'Give --email-verified or --email-unverified, not both.');
      const changes: UpdateUserRequest = {};
      if (o.email !== undefined) changes.email = o.email === '' ? null : o.email;
      if (o.emailVerified || o.emailUnverified) changes.emailVerified = Boolean(o.emailVerified);
      if (o.realName !== undefined) changes.realName = o.realName;
      if (o.groups !== undefined) changes.groups = o.groups;
      if (o.disabled || o.enabled) changes.disabled = Boolean(o.disabled);
      if (Object.keys(changes).length === 0) throw new DomainError('VALIDATION_FAILED', 'Nothing to change: give --email, --real-name, --groups, --disabled or --enabled.');
      const user = await (await services()).accounts.update(username, changes);
      // The audit entry just written says what really changed (a value set to itself is not a change).
      const [entry] = (await (await cliContext()).get(AuditLog).list({ username: user.username, event: 'user.update', limit: 1 })).items;
      const what = describeUserChange(entry?.detail ?? {});
      if (o.json) return printJson({ user, changed: what });
      process.stdout.write(`Updated ${user.username}: ${what}.\n${formatUser(user)}\n`);
    });
  users
    .command('delete <username>')
    .description('delete the account; the name is free again, and the wikis end the sessions of the linked account')
    .option('--json', 'print JSON for scripts')
    .action(async (username: string, o: { json?: boolean }) => {
      const { accounts } = await services();
      const user = await accounts.get(username);
      await accounts.delete(user.username);
      if (o.json) return printJson({ deleted: user.username, id: user.id });
      process.stdout.write(`Deleted ${user.username} (id ${user.id}).\n`);
    });
}

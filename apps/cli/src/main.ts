import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '@authbridge/config';
import { closeContext, services } from './context';
import { DomainError, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '@authbridge/contract';
import { formatUser, printJson, readPasswordFromStdin } from './output';
import { registerSsoCommands } from './commands/sso';
import { registerUserImportCommand } from './commands/users-import';
import { registerUserExportCommand } from './commands/users-export';
import { registerLockCommands } from './commands/locks';
import { registerAuditCommands } from './commands/audit';
import { registerClientAdminCommands } from './commands/clients-admin';
import { registerUserAdminCommands } from './commands/users-admin';

async function passwordFrom(options: { password?: string; passwordStdin?: boolean }): Promise<string | undefined> {
  if (options.passwordStdin) return readPasswordFromStdin();
  return options.password;
}

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

const program = new Command('authbridge')
  .description('Manage AuthBridge clients and users in the store named by DATABASE_URL.')
  .exitOverride();

const clients = program.command('clients').description('client credentials for the wiki, the website and scripts');
clients
  .command('create')
  .requiredOption('--name <name>', 'a name for the caller, e.g. wiki')
  .requiredOption('--scopes <list>', 'comma-separated: auth:verify,users:read,users:write,sso:issue,sso:redeem,audit:read', list)
  .option('--forwards-end-user-address', "the client (the wiki) tells the end user's address in context.ip; per-address limits then apply to it")
  .option('--json', 'print JSON for scripts')
  .action(async (o: { name: string; scopes: string[]; forwardsEndUserAddress?: boolean; json?: boolean }) => {
    const created = await (await services()).clients.create(o.name, o.scopes, { forwardsEndUserAddress: o.forwardsEndUserAddress });
    if (o.json) return printJson(created);
    process.stdout.write(
      `Created client "${created.name}" (id ${created.id}) with scopes ${created.scopes.join(', ')}.\n` +
        `Secret (shown once, store it now; it is the whole credential):\n\n  ${created.secret}\n\n` +
        `In LocalSettings.php:  $wgAuthBridgeApiSecret = '${created.secret}';\n`,
    );
  });
clients
  .command('list')
  .option('--json', 'print JSON for scripts')
  .action(async (o: { json?: boolean }) => {
    const all = await (await services()).clients.list();
    if (o.json) return printJson(all);
    const rows = all.map((c) => [
      c.id, c.name, c.scopes.join(','),
      c.lastUsedAt ? `last used ${c.lastUsedAt.slice(0, 16).replace('T', ' ')} UTC` : 'never used',
      [c.revokedAt ? 'revoked' : '', c.forwardsEndUserAddress ? 'forwards end-user address' : '', c.previousSecretValidUntil ? `old secret valid until ${c.previousSecretValidUntil}` : ''].filter(Boolean).join('; '),
    ]);
    const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), 0));
    for (const r of rows) process.stdout.write(r.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]) : cell)).join('  ').trimEnd() + '\n');
  });
registerClientAdminCommands(clients);
clients
  .command('revoke <id>')
  .action(async (id: string) => {
    await (await services()).clients.revoke(id);
    process.stdout.write(`Revoked client ${id}.\n`);
  });

const users = program.command('users').description('user accounts');
users
  .command('create')
  .requiredOption('--username <name>', 'user name (MediaWiki rules apply)')
  .option('--email <email>')
  .option('--real-name <name>')
  .option('--groups <list>', 'comma-separated website groups', list)
  .option('--email-verified', 'mark the email address as confirmed')
  .option('--disabled', 'create the account disabled')
  .option('--password <password>', 'initial password (visible to other local users; prefer --password-stdin)')
  .option('--password-stdin', 'read the initial password from standard input')
  .option('--json', 'print JSON for scripts')
  .action(async (o: { username: string; email?: string; realName?: string; groups?: string[]; emailVerified?: boolean; disabled?: boolean; password?: string; passwordStdin?: boolean; json?: boolean }) => {
    const user = await (await services()).accounts.create({
      username: o.username,
      email: o.email,
      realName: o.realName,
      groups: o.groups,
      emailVerified: o.emailVerified,
      disabled: o.disabled,
      password: await passwordFrom(o),
    });
    process.stdout.write(o.json ? JSON.stringify(user, null, 2) + '\n' : `Created\n${formatUser(user)}\n`);
  });
users
  .command('get <username>')
  .option('--json', 'print JSON for scripts')
  .action(async (username: string, o: { json?: boolean }) => {
    const user = await (await services()).accounts.get(username);
    process.stdout.write(o.json ? JSON.stringify(user, null, 2) + '\n' : formatUser(user) + '\n');
  });
users
  .command('list')
  .option('--prefix <prefix>', 'names starting with this')
  .option('--limit <n>', `page size (1-${PAGE_SIZE_MAX})`, (v) => Number.parseInt(v, 10), PAGE_SIZE_DEFAULT)
  .option('--cursor <cursor>', 'nextCursor of the previous page')
  .option('--json', 'print JSON for scripts')
  .action(async (o: { prefix?: string; limit: number; cursor?: string; json?: boolean }) => {
    if (!Number.isInteger(o.limit) || o.limit < 1 || o.limit > PAGE_SIZE_MAX) throw new DomainError('VALIDATION_FAILED', `--limit must be a whole number from 1 to ${PAGE_SIZE_MAX}.`);
    const page = await (await services()).accounts.list(o);
    if (o.json) return printJson(page);
    for (const u of page.items) process.stdout.write(`${u.username}\t${u.email ?? ''}\t${u.groups.join(',')}${u.disabled ? '\t(disabled)' : ''}\n`);
    if (page.nextCursor) process.stdout.write(`-- more: --cursor ${page.nextCursor}\n`);
  });
for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
  users
    .command(`${name} <username>`)
    .action(async (username: string) => {
      const user = await (await services()).accounts.update(username, { disabled });
      process.stdout.write(`${user.username} is now ${disabled ? 'disabled' : 'enabled'}.\n`);
    });
}
users
  .command('set-password <username>')
  .option('--password <password>', 'the new password (prefer --password-stdin)')
  .option('--password-stdin', 'read the new password from standard input')
  .action(async (username: string, o: { password?: string; passwordStdin?: boolean }) => {
    const password = await passwordFrom(o);
    if (!password) throw new DomainError('VALIDATION_FAILED', 'Give the new password with --password-stdin or --password.');
    await (await services()).accounts.setPassword(username, password);
    process.stdout.write(`Password of ${username} changed.\n`);
  });

registerUserAdminCommands(users);

const sessions = users.command('sessions').description("the user's sessions on the registered wikis");
sessions
  .command('end <username>')
  .description('single logout: every registered wiki ends the sessions of the account linked to this user (retried later where a wiki is down)')
  .option('--json', 'print JSON for scripts')
  .action(async (username: string, o: { json?: boolean }) => {
    const results = await (await services()).accounts.endSessions(username);
    if (o.json) return printJson({ results });
    if (results.length === 0) process.stdout.write('No wiki is registered (sso wikis add).\n');
    for (const r of results) {
      process.stdout.write(`${r.wiki}: ${r.status === 'ok' ? 'sessions ended' : `not confirmed (HTTP ${r.httpStatus ?? 'no answer'})${r.retrying ? '; the API will retry' : ''}`}\n`);
    }
  });

// Further command groups register themselves here, each from its own file under commands/.
registerSsoCommands(program);
registerUserImportCommand(program);
registerUserExportCommand(program);
registerLockCommands(program);
registerAuditCommands(program);

async function main(): Promise<number> {
  try {
    await program.parseAsync(process.argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof DomainError) process.stderr.write(`error: ${error.code}: ${error.detail ?? ''}\n`);
    else if (error instanceof ConfigError) process.stderr.write(`error: bad setting ${error.message}\n`);
    else process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof ConfigError ? 2 : 1;
  } finally {
    await closeContext();
  }
}

void main().then((code) => process.exit(code));

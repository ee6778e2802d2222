import type { Command } from 'commander';
import { AccountLocks, CLI_ACTOR } from '@authbridge/accounts';
import type { AccountLockJson } from '@authbridge/contract';
import { cliContext } from '../context';
import { printJson } from '../output';

async function locks(): Promise<AccountLocks> {
  return (await cliContext()).get(AccountLocks);
}

function formatLock(state: AccountLockJson): string {
  const lockText = (c: { failures: number; retryAfterSeconds: number; lockedUntil: string | null }) =>
    `${c.failures} failure(s)${c.retryAfterSeconds > 0 ? `, locked for ${c.retryAfterSeconds} s (until ${c.lockedUntil})` : ''}`;
  const lines = [`${state.username}: ${state.locked ? 'LOCKED' : 'not locked'}`, `  all addresses:  ${lockText(state.account)}`];
  for (const a of state.addresses) lines.push(`  ${a.address.padEnd(15)} ${lockText(a)}`);
  if (state.checks) {
    const { lastHour, limit, retryAfterSeconds } = state.checks;
    lines.push(`  password checks in the last hour: ${lastHour} of ${limit}${retryAfterSeconds > 0 ? `, full for ${retryAfterSeconds} s (known addresses still pass)` : ''}`);
  }
  return lines.join('\n');
}

/** `users locks NAME` and `users unlock NAME`: brute-force counters of a name (SPEC.md, "Brute-force protection"). */
export function registerLockCommands(program: Command): void {
  const users = program.commands.find((c) => c.name() === 'users') ?? program.command('users');
  users
    .command('locks <username>')
    .description('failures and locks of a name, per end-user address (the name need not exist)')
    .option('--json', 'print JSON for scripts')
    .action(async (username: string, o: { json?: boolean }) => {
      const state = await (await locks()).status(username);
      if (o.json) return printJson(state);
      process.stdout.write(formatLock(state) + '\n');
    });
  users
    .command('unlock <username>')
    .description("clear a name's failures and locks from every address")
    .action(async (username: string) => {
      const before = await (await locks()).clear(username, CLI_ACTOR);
      process.stdout.write(`${before.username}: cleared ${before.account.failures} failure(s) from ${before.addresses.length} address(es)${before.locked ? '; the lock is lifted' : ''}.\n`);
    });
}

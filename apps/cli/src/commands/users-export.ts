import type { Command } from 'commander';
import { UserDirectory } from '@authbridge/accounts';
import { cliContext } from '../context';

/**
 * `users export`: every user of the configured source (or store) as JSON Lines in the import's
 * format, with the user's `id`, so that moving from USER_SOURCE=sql to AuthBridge's own store
 * (`users import`) keeps the ids the wiki links to. Hashes only with --with-hashes: the output
 * is then as sensitive as the website's database, and each carries the source's
 * `passwordPreparation` when the website hashed a changed password (phpBB, WordPress).
 */
export function registerUserExportCommand(program: Command): void {
  const users = program.commands.find((c) => c.name() === 'users')!;
  users
    .command('export')
    .description('write every user as JSON Lines for `users import` (with ids; hashes only with --with-hashes)')
    .option('--with-hashes', "include each user's password hash (keep the output as safe as the database)")
    .action(async (o: { withHashes?: boolean }) => {
      const directory = (await cliContext()).get(UserDirectory);
      let cursor: string | undefined;
      do {
        const page = await directory.list({ prefix: '', cursor, limit: 200 });
        for (const user of page.users) {
          const row: Record<string, unknown> = {
            id: user.id, username: user.username, email: user.email, realName: user.realName,
            groups: user.groups, disabled: user.disabled, emailVerified: user.emailVerified,
          };
          if (o.withHashes && user.passwordHash) {
            row.passwordHash = user.passwordHash;
            // What the website did to a password before hashing it, so the own store checks the same way.
            if (user.passwordPreparation) row.passwordPreparation = user.passwordPreparation;
          }
          process.stdout.write(`${JSON.stringify(row)}\n`);
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    });
}

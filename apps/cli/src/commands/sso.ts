import type { Command } from 'commander';
import { SsoKeys, SsoWikis } from '@authbridge/accounts';
import { cliContext } from '../context';
import { printJson } from '../output';

async function sso() {
  const ctx = await cliContext();
  return { keys: ctx.get(SsoKeys), wikis: ctx.get(SsoWikis) };
}

/** `sso keys ...` and `sso wikis ...`: signing keys and the wikis that accept tickets. */
export function registerSsoCommands(program: Command): void {
  const group = program.command('sso').description('single sign-on: signing keys and wikis');

  const keys = group.command('keys').description('Ed25519 keys that sign tickets (public at /.well-known/jwks.json)');
  keys
    .command('rotate')
    .description('sign with a new key from now on; the old one verifies until its tickets have expired')
    .option('--json', 'print JSON for scripts')
    .action(async (o: { json?: boolean }) => {
      const result = await (await sso()).keys.rotate();
      if (o.json) return printJson(result);
      process.stdout.write(`New signing key ${result.kid}; ${result.retired} key(s) retired, ${result.deleted} expired key(s) deleted.\n`);
    });
  keys
    .command('list')
    .option('--json', 'print JSON for scripts')
    .action(async (o: { json?: boolean }) => {
      const all = await (await sso()).keys.list();
      if (o.json) return printJson(all);
      for (const k of all) process.stdout.write(`${k.kid}  created ${k.createdAt}${k.retiredAt ? `  retired ${k.retiredAt}` : '  (active)'}\n`);
    });

  const wikis = group.command('wikis').description('wikis that accept tickets and receive single logout');
  wikis
    .command('add')
    .description('register (or update) a wiki')
    .requiredOption('--id <id>', 'the wiki id, equal to $wgAuthBridgeWikiId')
    .requiredOption('--url <url>', '$wgServer + $wgScriptPath of the wiki, e.g. https://wiki.example.org/w')
    .requiredOption('--client <clientId>', "the wiki's own client credential (with sso:redeem): the only one that may redeem the wiki's tickets")
    .option('--json', 'print JSON for scripts')
    .action(async (o: { id: string; url: string; client: string; json?: boolean }) => {
      const wiki = await (await sso()).wikis.add(o.id, o.url, o.client);
      if (o.json) return printJson(wiki);
      process.stdout.write(`Wiki ${wiki.id} at ${wiki.url}${wiki.clientId ? `, redeemed by client ${wiki.clientId}` : ''}.\n`);
    });
  wikis
    .command('list')
    .option('--json', 'print JSON for scripts')
    .action(async (o: { json?: boolean }) => {
      const all = await (await sso()).wikis.list();
      if (o.json) return printJson(all);
      // Registered before tickets were bound to a client: refused until `sso wikis add --client` (SPEC.md).
      for (const w of all) process.stdout.write(`${w.id}  ${w.url}  ${w.clientId ? `client ${w.clientId}` : '(no client: tickets refused)'}\n`);
    });
  wikis
    .command('remove <id>')
    .action(async (id: string) => {
      await (await sso()).wikis.remove(id);
      process.stdout.write(`Removed wiki ${id}.\n`);
    });
}

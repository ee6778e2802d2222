import type { Command } from 'commander';
import { ClientCredentials, MAX_ROTATION_GRACE_SECONDS } from '@authbridge/accounts';
import { DomainError, SCOPES } from '@authbridge/contract';
import { cliContext } from '../context';
import { printJson } from '../output';
import { describeClientChange, parseDuration } from './change-text';

const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);

/** `clients update` (name, scopes; the secret stays) and `clients rotate` (a new secret, the old one for a grace period). */
export function registerClientAdminCommands(clients: Command): void {
  clients
    .command('update <id>')
    .description('change the name or the scopes of a client; its secret stays, so nothing changes on the wiki')
    .option('--name <name>', 'a new name')
    .option('--scopes <list>', `the whole new list, comma-separated: ${SCOPES.join(',')}`, list)
    .option('--json', 'print JSON for scripts')
    .action(async (id: string, o: { name?: string; scopes?: string[]; json?: boolean }) => {
      const { client, changed } = await (await cliContext()).get(ClientCredentials).update(id, { name: o.name, scopes: o.scopes });
      if (o.json) return printJson({ ...client, changed });
      process.stdout.write(`Client "${client.name}" (id ${client.id}): ${describeClientChange(changed)}. Scopes now ${client.scopes.join(', ')}.\n`);
    });
  clients
    .command('rotate <id>')
    .description('a new secret, shown once; the old one keeps working for the grace period, then is refused')
    .option('--grace <duration>', `how long the old secret stays valid: 90s, 30m, 24h, 7d, 0 (at most ${MAX_ROTATION_GRACE_SECONDS / 86400}d)`, '24h')
    .option('--json', 'print JSON for scripts')
    .action(async (id: string, o: { grace: string; json?: boolean }) => {
      const seconds = parseDuration(o.grace);
      if (Number.isNaN(seconds)) throw new DomainError('VALIDATION_FAILED', '--grace must be a duration such as 90s, 30m, 24h or 7d.');
      const rotated = await (await cliContext()).get(ClientCredentials).rotate(id, seconds);
      if (o.json) return printJson(rotated);
      process.stdout.write(
        `New secret for client "${rotated.name}" (id ${rotated.id}) (shown once, store it now):\n\n  ${rotated.secret}\n\n` +
          (rotated.previousSecretValidUntil ? `The old secret works until ${rotated.previousSecretValidUntil}, then is refused.\n` : 'The old secret is refused from now on.\n') +
          `In LocalSettings.php:  $wgAuthBridgeApiSecret = '${rotated.secret}';\n`,
      );
    });
}

/**
 * The first commands a new administrator runs, in the order README.md gives them ("Quick start"
 * and the example website). main.ts prints them at start-up; a unit test fails when the README
 * and this list part ways. `npm run -s`: no npm banner, so `--json` output stays plain JSON.
 */
export const SETUP_COMMANDS: ReadonlyArray<readonly [what: string, command: string]> = [
  ["The wiki's client (prints its id and secret once)", 'npm run -s cli -- clients create --name wiki --scopes auth:verify,users:read --forwards-end-user-address'],
  ['A user', "echo 'a long passphrase' | npm run -s cli -- users create --username \"Jane Doe\" --email jane@example.org --groups staff --password-stdin"],
  ["Single sign-on: the website's client", 'npm run -s cli -- clients create --name website --scopes auth:verify,sso:issue --forwards-end-user-address'],
  ['... the wiki may redeem tickets (same secret)', 'npm run -s cli -- clients update WIKI_CLIENT_ID --scopes auth:verify,users:read,sso:redeem'],
  ['... and the wiki is registered', 'npm run -s cli -- sso wikis add --id mywiki --url http://127.0.0.1:8081 --client WIKI_CLIENT_ID'],
];

export function setupHint(url: string): string {
  const width = Math.max(...SETUP_COMMANDS.map(([what]) => what.length)) + 2;
  return `\nAuthBridge identity API: ${url}  (docs: ${url}/docs, metrics: ${url}/metrics unless METRICS=off or METRICS_PORT)\n` +
    SETUP_COMMANDS.map(([what, command]) => `${`${what}:`.padEnd(width)}${command}\n`).join('') +
    '(WIKI_CLIENT_ID: the id `clients create --name wiki` printed; `npm run -s cli -- clients list` shows it.)\n\n';
}

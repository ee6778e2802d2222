import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SETUP_COMMANDS, setupHint } from './setup-hint';

// Jest runs from the repository root (as the other specs that read contract files do).
const readme = (path: string) => readFileSync(resolve(path), 'utf8');

describe('the start-up hint', () => {
  it.each(SETUP_COMMANDS.map(([what, command]) => [what, command]))("prints the READMEs' command for %s", (_what, command) => {
    expect(setupHint('http://127.0.0.1:8080')).toContain(command);
    // The quick start gives the first ones, the example website's README the single-sign-on ones.
    expect(readme('README.md') + readme('examples/php-website/README.md')).toContain(command);
  });

  it("names the wiki's client once, with --forwards-end-user-address, in every README a newcomer follows", () => {
    for (const path of ['README.md', 'mediawiki-extension-contract/extension/README.md', 'examples/php-website/README.md']) {
      const creates = readme(path).match(/clients create --name wiki --scopes[^\n`]*/g) ?? [];
      // At most the one command, always the same: a second `--name wiki` would fail ("already exists").
      expect(new Set(creates)).toEqual(creates.length ? new Set([SETUP_COMMANDS[0][1].replace(/^npm run -s cli -- /, '')]) : new Set());
    }
    expect(readme('examples/php-website/README.md')).toContain('clients update WIKI_CLIENT_ID --scopes auth:verify,users:read,sso:redeem');
  });
});

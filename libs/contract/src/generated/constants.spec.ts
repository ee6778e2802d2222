import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SSO_JTI_PATTERN, SSO_LEEWAY_SECONDS, SSO_MAX_TICKET_TTL_SECONDS } from '@authbridge/contract';
import tickets from '../../../../mediawiki-extension-contract/vectors/sso-tickets.json';

// Jest runs from the repository root; ESM has no __dirname.
const root = process.cwd();

describe('generated contract constants', () => {
  it('are what mediawiki-extension-contract/contract.constants.json generates (TS, PHP and schemas)', () => {
    // The generator regenerates in memory and compares; it exits 1 and names the stale files.
    const run = spawnSync(process.execPath, [join(root, 'mediawiki-extension-contract/scripts/generate-constants.cjs'), '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('agree with the context the SSO vectors were made for', () => {
    const context = (tickets as unknown as { context: { leewaySeconds: number; maxLifetimeSeconds: number } }).context;
    expect(SSO_LEEWAY_SECONDS).toBe(context.leewaySeconds);
    expect(SSO_MAX_TICKET_TTL_SECONDS).toBe(context.maxLifetimeSeconds);
  });

  it('bound a jti to 16-64 characters', () => {
    expect(SSO_JTI_PATTERN.test('a'.repeat(16))).toBe(true);
    expect(SSO_JTI_PATTERN.test('a'.repeat(64))).toBe(true);
    expect(SSO_JTI_PATTERN.test('a'.repeat(15))).toBe(false);
    expect(SSO_JTI_PATTERN.test('a'.repeat(65))).toBe(false);
  });
});

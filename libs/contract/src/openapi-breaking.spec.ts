import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

// Jest runs from the repository root; ESM has no __dirname.
const root = process.cwd();
const script = join(root, 'mediawiki-extension-contract/scripts/openapi-breaking.cjs');
const { breakingChanges } = createRequire(script)(script) as { breakingChanges(baseline: unknown, current: unknown): string[] };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
const load = (name: string): Doc => JSON.parse(readFileSync(join(root, 'mediawiki-extension-contract', name), 'utf8'));
const baseline = load('openapi.baseline.json');
const mutated = (change: (doc: Doc) => void): Doc => {
  const copy = structuredClone(load('openapi.json'));
  change(copy);
  return copy;
};

describe('OpenAPI breaking-change gate', () => {
  it('passes the committed openapi.json against the baseline of its major version', () => {
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('fails when a field is removed from a response DTO (UserDto.email)', () => {
    expect(breakingChanges(baseline, mutated((d) => delete d.components.schemas.UserDto.properties.email))).toEqual(
      expect.arrayContaining(['UserDto.email: removed']),
    );
  });

  it('fails on a removed path, a changed type and a new required request field', () => {
    const current = mutated((d) => {
      delete d.paths['/v1/auth/verify'];
      d.components.schemas.UserDto.properties.disabled.type = 'string';
      d.components.schemas.VerifyRequestDto.required.push('context');
    });
    expect(breakingChanges(baseline, current)).toEqual(
      expect.arrayContaining(['POST /v1/auth/verify: removed', 'UserDto.disabled: type "string", was "boolean"', 'VerifyRequestDto.context: newly required in a request']),
    );
  });

  it('fails on a tighter request bound', () => {
    const current = mutated((d) => (d.components.schemas.VerifyRequestDto.properties.username.maxLength = 100));
    expect(breakingChanges(baseline, current)).toEqual([expect.stringMatching(/^VerifyRequestDto\.username: maxLength 100/)]);
  });

  it('lets additions pass (a new optional response field)', () => {
    expect(breakingChanges(baseline, mutated((d) => (d.components.schemas.UserDto.properties.nickname = { type: 'string' })))).toEqual([]);
  });

  it('lets a breaking change pass when the major version moves', () => {
    const current = mutated((d) => {
      delete d.components.schemas.UserDto.properties.email;
      d.info.version = `${Number(String(d.info.version).split('.')[0]) + 1}.0.0`;
    });
    expect(breakingChanges(baseline, current)).toEqual([]);
  });
});

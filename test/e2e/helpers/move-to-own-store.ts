import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isPostgresUrl, UserRepository, type UserRecord } from '@authbridge/storage';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';
import { createTestApp, bearer, type TestApp } from './test-app';

const CLI = path.resolve('dist/apps/cli/src/main.js');

/** The built CLI with only the given USER_SOURCE_* settings (none: the local store). */
function cli(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('USER_SOURCE')));
    execFile(process.execPath, [CLI, ...args], { env: { ...clean, LOG_LEVEL: 'error', ...env }, maxBuffer: 8 << 20 },
      (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout)));
  });
}

export interface MovedStore {
  /** The export's lines, parsed. */
  rows: Array<Record<string, unknown>>;
  /** The API on the store the lines were imported into (USER_SOURCE=local). */
  local: TestApp;
  verify(username: string, password: string): Promise<{ result: string; code?: string }>;
  stored(username: string): Promise<UserRecord | undefined>;
  close(): Promise<void>;
}

/**
 * README.md's "Moving from a source to AuthBridge's own store later", as an administrator runs
 * it: `users export --with-hashes` with the source's settings, then `users import` of that file
 * into the same store without them, then the API on that store. The store is a SQLite file, or a
 * fresh PostgreSQL database when TEST_DATABASE_URL says so.
 */
export async function moveToOwnStore(sourceEnv: Record<string, string>): Promise<MovedStore> {
  if (!existsSync(CLI)) throw new Error('build first: npm run -s build');
  const dir = mkdtempSync(path.join(tmpdir(), 'authbridge-move-'));
  const base = process.env.TEST_DATABASE_URL;
  const scratch: ScratchDatabase | undefined = base && isPostgresUrl(base) ? await createScratchDatabase(base) : undefined;
  const store = scratch?.url ?? `sqlite:${path.join(dir, 'store.sqlite')}`;
  const cleanup = async () => {
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const exported = await cli(['users', 'export', '--with-hashes'], { DATABASE_URL: store, ...sourceEnv });
    const file = path.join(dir, 'users.jsonl');
    writeFileSync(file, exported);
    const summary = JSON.parse(await cli(['users', 'import', file, '--json'], { DATABASE_URL: store }));
    if (summary.created === 0) throw new Error(`the import created nobody: ${JSON.stringify(summary)}`);
    const local = await createTestApp({ DATABASE_URL: store });
    const users = local.app.get(UserRepository);
    return {
      rows: exported.trim().split('\n').map((line) => JSON.parse(line)),
      local,
      verify: async (username, password) =>
        (await local.http.post('/v1/auth/verify').set(bearer(local.secrets['auth:verify'])).send({ username, password }).expect(200)).body,
      stored: (username) => users.findByUsername(username),
      close: async () => {
        await local.close();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

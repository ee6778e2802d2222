/** The PostgreSQL server these suites need; they fail (never skip) when it does not answer. */
export function postgresUrl(): string {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`TEST_DATABASE_URL must be a postgres:// URL for this suite, got ${url}`);
  return url;
}

import { ConfigError } from './app-config';
import { loadConfig } from './load-config';

describe('loadConfig', () => {
  it('defaults to SQLite in ./data, port 8080 and OWASP argon2id parameters', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, databaseUrl: 'sqlite:./data/authbridge.sqlite', argon2: { memoryKiB: 19456, timeCost: 2, parallelism: 1 } });
  });

  it.each([
    ['PORT', 'eighty', /PORT: must be a whole number/],
    ['PORT', '70000', /PORT: must be between/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL: must start with/],
    ['ARGON2_MEMORY_KIB', '1024', /ARGON2_MEMORY_KIB: must be between/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: must be one of/],
    ['LOG_REQUESTS', 'some', /LOG_REQUESTS: must be errors or all/],
  ])('stops on a bad %s and names it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});

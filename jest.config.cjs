// Three suites: unit specs beside the code, end-to-end API suites, and the
// full-stack suites that drive a real MediaWiki and Chromium.
const { pathsToModuleNameMapper } = require('ts-jest');
const ts = require('typescript');

const { config: tsconfig } = ts.readConfigFile('./tsconfig.json', ts.sys.readFile);
const moduleNameMapper = pathsToModuleNameMapper(tsconfig.compilerOptions.paths, { prefix: '<rootDir>/' });
const base = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.jest.json' }] },
  moduleNameMapper,
  testEnvironment: 'node',
};

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    // Two built API processes on one PostgreSQL database (TEST_DATABASE_URL); needs PostgreSQL.
    { ...base, displayName: 'multi-instance', testMatch: ['<rootDir>/test/multi-instance/**/*.multi-spec.ts'], testTimeout: 120000 },
    { ...base, displayName: 'fullstack', testMatch: ['<rootDir>/test/fullstack/**/*.fullstack-spec.ts'], testTimeout: 120000 },
  ],
};

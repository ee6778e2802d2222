import { MIGRATIONS } from './index';

describe('MIGRATIONS', () => {
  const names = MIGRATIONS.map(([name]) => name);

  it('sorts by name in list order, so the migrator runs them as listed', () => {
    // Kysely's Migrator orders by name; a list order that disagrees would run in another order.
    expect([...names].sort()).toEqual(names);
  });

  it('names each migration once, in the YYYY-MM-DD-NNN-what form', () => {
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^\d{4}-\d{2}-\d{2}-[a-z0-9]+(-[a-z0-9]+)+$/);
  });
});

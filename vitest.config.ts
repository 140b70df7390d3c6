import { defineConfig } from 'vitest/config';

// The integration suite runs twice: on SQLite (as every test does) and on PostgreSQL, the second
// store (issue #15). These files exercise SQLite itself (a file reopened, its connection's raw
// statements) and stay SQLite-only; their PostgreSQL counterparts live in test/postgres/.
const SQLITE_ONLY = [
  'test/integration/long-history.test.ts',
  'test/integration/page-plan.test.ts',
  'test/integration/retention.test.ts',
  'test/integration/scheduler-wakeup.test.ts',
  'test/integration/simulate-roles.test.ts',
  'test/integration/support.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests open real SQLite files and child processes; two workers suit a 2-core machine.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'postgres',
          // Each test opens and empties a database over the network: slower than SQLite in memory.
          testTimeout: 90_000,
          include: ['test/integration/**/*.test.ts'],
          exclude: SQLITE_ONLY,
          env: { KLAXON_TEST_STORE: 'postgres' },
          setupFiles: ['test/helpers/store-setup.ts'],
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests open real SQLite files and child processes; two workers suit a 2-core machine.
    maxWorkers: 2,
  },
});

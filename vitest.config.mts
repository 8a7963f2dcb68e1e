import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // Property and CLI tests spawn work; keep the suite inside CI's 2 cores.
    pool: 'forks',
    testTimeout: 30_000,
  },
});

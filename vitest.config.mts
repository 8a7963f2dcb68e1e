import { defineConfig } from 'vitest/config';
import SummaryLine from './test/support/summary-line.mts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/consumer holds a user's app, run against the packed tarball by test/consumer/run.sh.
    exclude: ['test/consumer/**', '**/node_modules/**'],
    setupFiles: ['test/setup.ts'],
    reporters: ['default', new SummaryLine()],
    // Property and CLI tests spawn work; keep the suite inside CI's 2 cores.
    pool: 'forks',
    testTimeout: 30_000,
  },
});

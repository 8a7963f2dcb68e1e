import { defineConfig } from 'vitest/config';
import SummaryLine from './test/support/summary-line.mts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    reporters: ['default', new SummaryLine()],
    // Property and CLI tests spawn work; keep the suite inside CI's 2 cores.
    pool: 'forks',
    testTimeout: 30_000,
  },
});

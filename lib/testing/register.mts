/**
 * `import 'cdk8s-netkit/testing'` in a vitest setup file (or a test) registers
 * `toAllowTraffic` and `toDenyTraffic` on `expect`.
 *
 * This entry is an ES module on purpose: vitest is ESM-only and refuses `require()`, so a
 * CommonJS build of this file could never load in a user's test run. The matchers
 * themselves live in the CommonJS build, which ESM imports as usual.
 */
import { expect } from 'vitest';
import { netkitMatchers } from './matchers.js';
import type {} from './vitest-matchers.js';

expect.extend(netkitMatchers);

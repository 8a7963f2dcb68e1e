/**
 * `import 'cdk8s-netkit/testing'` in a vitest setup file (or a test) registers
 * `toAllowTraffic` and `toDenyTraffic` on `expect`.
 */
import { expect } from 'vitest';
import { NetkitMatchers, netkitMatchers } from './matchers';

expect.extend(netkitMatchers);

declare module 'vitest' {
  interface Matchers<T = any> extends NetkitMatchers<T> {}
}

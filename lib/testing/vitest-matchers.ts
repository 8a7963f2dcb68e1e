/**
 * Types for the matchers that `import 'cdk8s-netkit/testing'` registers. A plain `.d.ts`
 * (not `.d.mts`) so that it resolves under every moduleResolution a cdk8s app may use:
 * `node` (what `cdk8s init typescript-app` writes, via typesVersions), `node16` and `bundler`.
 */
import type { NetkitMatchers } from './matchers';

declare module 'vitest' {
  // vitest 3.2+ and 4 read custom matchers from `Matchers`; earlier 3.x from `Assertion`.
  interface Matchers<T = any> extends NetkitMatchers<T> {}
  interface Assertion<T = any> extends NetkitMatchers<T> {}
}

import { createRequire } from 'node:module';
import { lightValidateExports } from './light-formats';

/**
 * `@kubernetes-models/validate` as the bundled validators (scripts/bundle.ts) see it: the light
 * formats, and the real package, found beside the installed kubernetes-models, for any other.
 */
let index: string | undefined;
const validatePackage = lightValidateExports(() => (index ??= createRequire(createRequire(__filename).resolve('kubernetes-models')).resolve('@kubernetes-models/validate')));

export const formats = validatePackage.formats;
export function runValidateFunc(...args: unknown[]): unknown {
  return (validatePackage.runValidateFunc as (...values: unknown[]) => unknown)(...args);
}

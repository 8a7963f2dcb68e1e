import { expect } from 'vitest';
import { NetkitError } from '../../lib';

/** Runs `build` and expects a NetkitError with exactly `message`. */
export function expectNetkitError(build: () => unknown, message: string): void {
  let error: unknown;
  try {
    build();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(NetkitError);
  expect((error as Error).message).toBe(message);
}

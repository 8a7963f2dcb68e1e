import { afterEach, describe, expect, test } from 'vitest';
import { envNumber } from '../../lib/private/env-number';

describe('a size from the environment', () => {
  afterEach(() => { delete process.env.NETKIT_TEST_SIZE; });

  test.each([
    [undefined, 7], ['', 7], ['  ', 7], ['abc', 7], ['-1', 7], ['Infinity', 7], ['NaN', 7],
    ['0', 0], ['1', 1], ['4194304', 4194304], ['1e12', 1e12], [' 12 ', 12],
  ])('%j gives %d', (text, expected) => {
    if (text !== undefined) process.env.NETKIT_TEST_SIZE = text;
    expect(envNumber('NETKIT_TEST_SIZE', 7)).toBe(expected);
  });
});

import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { requireCodeCached } from '../../lib/private/code-cached-module';

describe('a module loaded with a code cache made after it ran', () => {
  const setUp = (source: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'netkit-code-cache-'));
    const file = join(dir, 'module.js');
    writeFileSync(file, source);
    return { dir, file, cache: join(dir, 'cache') };
  };
  const SOURCE = 'exports.double = (n) => n * 2;\nexports.where = __filename;\n';

  /** Two runs on a fresh machine: the first notes that it ran, the second makes the cache. */
  const made = (file: string, cache: string) => {
    requireCodeCached(file, cache).persist();
    requireCodeCached(file, cache).persist();
  };

  test('the first run notes that it ran, the second makes the cache, the third takes it, all with the same exports', () => {
    const { file, cache } = setUp(SOURCE);
    const first = requireCodeCached(file, cache);
    expect(first.fromCache).toBe(false);
    expect((first.exports as { double(n: number): number }).double(21)).toBe(42);
    first.used('apps/v1/Deployment');
    first.persist();
    const name = new RegExp(`^netkit-module-${process.version}-${process.arch}-[0-9a-f]+\\.bin`);
    // A CI job's one run on a fresh machine pays nothing for a cache it will never read.
    expect(readdirSync(cache)).toEqual([expect.stringMatching(new RegExp(`${name.source}\\.seen$`))]);
    const second = requireCodeCached(file, cache);
    expect(second.fromCache).toBe(false);
    second.persist();
    expect(readdirSync(cache)).toEqual([expect.stringMatching(new RegExp(`${name.source}$`))]);
    const third = requireCodeCached(file, cache);
    expect(third.fromCache).toBe(true);
    expect(third.exports).toMatchObject({ where: file });
    expect((third.exports as { double(n: number): number }).double(4)).toBe(8);
  });

  test('is written again when a run uses a part the cache was made without, and only then', () => {
    const { file, cache } = setUp(SOURCE);
    made(file, cache);
    const path = join(cache, readdirSync(cache)[0]);
    const header = () => { const bytes = readFileSync(path); return JSON.parse(bytes.subarray(4, 4 + bytes.readUInt32LE(0)).toString('utf8')) as unknown; };
    expect(header()).toEqual({ parts: [], sha1: expect.stringMatching(/^[0-9a-f]{40}$/) });
    const run = requireCodeCached(file, cache);
    run.used('apps/v1/Deployment');
    run.persist();
    expect(header()).toMatchObject({ parts: ['apps/v1/Deployment'] });
    const before = readFileSync(path);
    const again = requireCodeCached(file, cache);
    again.used('apps/v1/Deployment');
    again.persist();
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  test('a changed file gets its own cache; a damaged cache is replaced; no cache folder means a plain require', () => {
    const { file, cache } = setUp(SOURCE);
    made(file, cache);
    writeFileSync(file, SOURCE.replace('n * 2', 'n * 3'));
    const changed = requireCodeCached(file, cache);
    expect(changed.fromCache).toBe(false);
    expect((changed.exports as { double(n: number): number }).double(2)).toBe(6);
    changed.persist();
    changed.persist();
    made(file, cache);
    expect(readdirSync(cache)).toHaveLength(2);
    for (const name of readdirSync(cache)) writeFileSync(join(cache, name), Buffer.from([200, 0, 0, 0, 1, 2, 3]));
    const damaged = requireCodeCached(file, cache);
    expect(damaged.fromCache).toBe(false);
    expect((damaged.exports as { double(n: number): number }).double(2)).toBe(6);
    const plain = requireCodeCached(file, undefined);
    expect(plain.fromCache).toBe(false);
    expect((plain.exports as { double(n: number): number }).double(2)).toBe(6);
  });

  test('a cache whose bytes were damaged after it was written is not used, and is written again', () => {
    const { file, cache } = setUp(SOURCE);
    made(file, cache);
    const path = join(cache, readdirSync(cache)[0]);
    const whole = readFileSync(path);
    // The header stays readable; one byte of V8's data flips (as a bad disk or a stray write would).
    const damaged = Buffer.from(whole);
    damaged[damaged.length - 10] ^= 0xff;
    writeFileSync(path, damaged);
    const run = requireCodeCached(file, cache);
    expect(run.fromCache).toBe(false);
    expect((run.exports as { double(n: number): number }).double(5)).toBe(10);
    run.persist();
    expect(requireCodeCached(file, cache).fromCache).toBe(true);
  });
});

import * as crypto from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** A CommonJS module loaded through a code cache, and what this process has used of it. */
export interface CodeCachedModule {
  readonly exports: unknown;
  /** Notes a part (a kind's validator) used in this run; a part the cache was made without refreshes it at exit. */
  used(part: string): void;
  /** Whether V8 took this module's compiled code from the cache. */
  readonly fromCache: boolean;
  /** Writes the cache now if it is missing, rejected or lacks a part used (done at exit). */
  persist(): void;
}

/**
 * The cache file: a header (its length, then JSON naming the parts run before it was made and
 * the SHA-1 of the code cache) and V8's code cache.
 */
interface CacheHeader { readonly parts: readonly string[]; readonly sha1: string }

/** SHA-1 in hex (`crypto.hash` where Node has it: one call, no hash object). */
function sha1(data: string | Buffer): string {
  const hash = (crypto as { hash?: (algorithm: string, data: string | Buffer) => string }).hash;
  return hash ? hash('sha1', data) : crypto.createHash('sha1').update(data).digest('hex');
}

/**
 * The cache at `path`, if it is whole: V8 checks that a code cache fits the source and the
 * build, not that its bytes are intact (a damaged one it accepts could crash the run), so
 * the header holds their checksum.
 */
function readCache(path: string): { state: 'missing' | 'damaged' } | { state: 'whole'; header: CacheHeader; data: Buffer } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return { state: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'damaged' };
  }
  try {
    const length = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.subarray(4, 4 + length).toString('utf8')) as CacheHeader;
    const data = bytes.subarray(4 + length);
    return Array.isArray(header.parts) && header.sha1 === sha1(data) ? { state: 'whole', header, data } : { state: 'damaged' };
  } catch {
    return { state: 'damaged' };
  }
}

/**
 * Requires a CommonJS file with V8's code cache, kept in `cacheDir` and made at the exit of a run,
 * so that it holds the functions that ran compiled (the one-file CLI's modules and
 * the bundled schema validators are functions V8 would otherwise compile on their first call,
 * every run; Node's own module compile cache is made before a module runs and holds none of
 * them). The cache is made from the second run on a machine (the first only notes that it ran).
 * It is named by the file's content, Node's version and architecture; V8 rejects one that does
 * not fit, the checksum one that is damaged (then it is made again), and a cache that cannot be
 * read or written only costs the compile. Without `cacheDir`, a plain require.
 */
export function requireCodeCached(file: string, cacheDir: string | undefined): CodeCachedModule {
  if (!cacheDir) return { exports: createRequire(file)(file), fromCache: false, used: () => undefined, persist: () => undefined };
  const source = readFileSync(file, 'utf8');
  const cachePath = join(cacheDir, `netkit-${basename(file, '.js')}-${process.version}-${process.arch}-${sha1(source).slice(0, 16)}.bin`);
  const read = readCache(cachePath);
  const cached = read.state === 'whole' ? read : undefined;
  // Making a cache costs the run that makes it (V8 serializes every compiled function), which
  // pays off only where netkit runs again: the first run on a machine (a CI job's fresh
  // container, say) only notes that it ran, and the next one makes the cache.
  const seen = `${cachePath}.seen`;
  const firstRun = read.state === 'missing' && !existsSync(seen);
  // The arguments Node's CommonJS loader gives a module.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData: cached?.data });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)
    .call(module.exports, module.exports, createRequire(file), module, file, dirname(file));

  const before = new Set(cached && !script.cachedDataRejected ? cached.header.parts : []);
  const parts = new Set(before);
  let stale = !firstRun && (!cached || script.cachedDataRejected === true);
  let noted = false;
  const persist = (): void => {
    if (firstRun && !noted) {
      noted = true;
      try {
        mkdirSync(cacheDir, { recursive: true });
        writeFileSync(seen, '');
      } catch {
        // Not noted: the next run notes it instead.
      }
    }
    if (!stale) return;
    stale = false;
    const temporary = `${cachePath}.${process.pid}`;
    try {
      const data = script.createCachedData();
      const header = Buffer.from(JSON.stringify({ parts: [...parts].sort(), sha1: sha1(data) } satisfies CacheHeader), 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(header.length, 0);
      mkdirSync(cacheDir, { recursive: true });
      // Written aside, then renamed: another netkit run reads either the old cache or the new one.
      writeFileSync(temporary, Buffer.concat([length, header, data]));
      renameSync(temporary, cachePath);
      rmSync(seen, { force: true });
    } catch {
      // A cache that cannot be written only costs the compile next time.
      rmSync(temporary, { force: true });
    }
  };
  process.once('exit', persist);
  return {
    exports: module.exports,
    fromCache: cached !== undefined && !script.cachedDataRejected,
    persist,
    used: (part) => {
      if (parts.has(part)) return;
      parts.add(part);
      if (!before.has(part) && !firstRun) stale = true;
    },
  };
}

// The installed netkit bin with Node's compile cache on (Node 22.1 and later): the CLI's own
// code cache is noted by the first run, made by the second, taken by the next, made again for a
// command it was made without, replaced when damaged, and never changes an answer.
//   node cli-code-cache.cjs <folder of manifests> [netkit bin, default the installed one]
const { execFileSync } = require('node:child_process');
const { mkdtempSync, readFileSync, readdirSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const assert = require('node:assert/strict');

const manifests = process.argv[2];
const bin = process.argv[3] ?? join(process.cwd(), 'node_modules/.bin/netkit');
const cache = mkdtempSync(join(tmpdir(), 'netkit-consumer-cache-'));
const netkit = (args, env = {}) => execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NODE_COMPILE_CACHE: cache, ...env } });
// Node keeps its cache in a folder per Node version inside NODE_COMPILE_CACHE; netkit's sits beside it.
const files = () => readdirSync(cache, { recursive: true }).filter((name) => /(^|\/)netkit-netkit-/.test(name));
const cliCache = () => {
  const paths = files().filter((name) => name.endsWith('.bin')).map((name) => join(cache, name));
  assert.equal(paths.length, 1, `one cache file for the CLI in ${cache}: ${paths}`);
  const bytes = readFileSync(paths[0]);
  return { path: paths[0], bytes, parts: JSON.parse(bytes.subarray(4, 4 + bytes.readUInt32LE(0)).toString('utf8')).parts };
};

const check = ['check', manifests, '--format', 'json'];
const plain = netkit(check, { NODE_DISABLE_COMPILE_CACHE: '1' });
assert.deepEqual(readdirSync(cache), [], 'NODE_DISABLE_COMPILE_CACHE=1 writes no cache');
assert.equal(netkit(check), plain);
assert.ok(files().length === 1 && files()[0].endsWith('.bin.seen'), `the first run only notes that it ran: ${files()}`);
assert.equal(netkit(check), plain);
const made = cliCache();
assert.deepEqual(made.parts, ['command:check']);
assert.equal(netkit(check), plain);
assert.ok(cliCache().bytes.equals(made.bytes), 'a run the cache was made for leaves it as it is');

const matrix = ['matrix', manifests, '--format', 'json'];
const matrixPlain = netkit(matrix, { NODE_DISABLE_COMPILE_CACHE: '1' });
assert.equal(netkit(matrix), matrixPlain);
assert.deepEqual(cliCache().parts, ['command:check', 'command:matrix']);

const damaged = Buffer.from(cliCache().bytes);
damaged[damaged.length - 100] ^= 0xff;
writeFileSync(cliCache().path, damaged);
assert.equal(netkit(check), plain);
assert.ok(!cliCache().bytes.equals(damaged), 'a damaged cache is written again');
assert.equal(netkit(matrix), matrixPlain);
console.log(`netkit's code cache on Node ${process.version}: noted, made, taken, extended and replaced with the same answers`);

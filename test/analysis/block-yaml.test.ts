import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { dump, load } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { ScalarType, readPlainBlock } from '../../lib/analysis/input/block-yaml';
import { SCHEMA } from '../../lib/analysis/input/loader';

const TYPES = (SCHEMA as unknown as { compiledImplicit: ScalarType[] }).compiledImplicit;
/** `npm run fuzz` runs many more cases (NETKIT_FUZZ_RUNS). */
const RUNS = Number(process.env.NETKIT_FUZZ_RUNS ?? 600);

/** js-yaml's reading, or the error it throws. */
function slow(text: string): { value: unknown } | { error: string } {
  try {
    return { value: load(text, { schema: SCHEMA, json: false }) };
  } catch (error) {
    return { error: String(error) };
  }
}

/** The fast reader must either decline or agree with js-yaml exactly. */
function agrees(text: string): boolean {
  const fast = readPlainBlock(text, TYPES);
  if (fast === undefined) return true;
  const reference = slow(text);
  expect(reference, text).toHaveProperty('value');
  expect(exact(fast.value), text).toBe(exact((reference as { value: unknown }).value));
  return true;
}

/** Values, key order, own `__proto__`/`constructor` keys and number oddities (-0, NaN, Infinity) all count. */
const exact = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => {
  if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return `<number ${Object.is(v, -0) ? '-0' : String(v)}>`;
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) !== (Array.isArray(v) ? Array.prototype : Object.prototype)) return '<not a plain object>';
  return v;
});

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const TRICKY_SCALARS = ['010', '0x1F', '0o17', '0b101', '1_000', '_1', '1e3', '.5', '5.', '-', '~', 'null', 'Null', '12:30', 'a:b', 'a: b', 'a:', 'http://x:80/y',
  '-1', '+1', '-foo', '.inf', '.NaN', 'true', 'Yes', 'y', 'n', 'on', 'OFF', '"q"', "'s'", "it's", 'a #b', '#x', 'a#b', '', ' lead', 'trail ', 'x\ny',
  '*a', '&a', '!x', '%x', '@x', '`x', '[a]', '{a}', '[]', '{}', '- a', '? a', 'a,b', 'ü', 'https://a.b/c?d=e&f', '100m', '128Mi', '1.0.0', 'v1', '<<', 'a\\b', 'tab\tx', '08', '09.5', '1__0'];
const TRICKY_KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'yes', 'on', 'y', 'null', '__proto__', 'constructor', 'app.kubernetes.io/name', '_x', '8080', 'key with space', 'a:b', 'k8s:io.kubernetes.pod.namespace', 'a:b:c', 'x:', 'a: b', 'http://x', 'y:1', '<<', 'x-y', 'true', '~'];

const scalar = fc.oneof(fc.constantFrom(...TRICKY_SCALARS), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.string({ maxLength: 8 }));
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('map'), tie('list')),
  map: fc.dictionary(fc.oneof(fc.constantFrom(...TRICKY_KEYS), fc.string({ maxLength: 6 })), tie('tree'), { maxKeys: 4 }),
  list: fc.array(tie('tree'), { maxLength: 4 }),
}));
const document = fc.dictionary(fc.constantFrom(...TRICKY_KEYS), tree, { minKeys: 1, maxKeys: 5 });

/** The ways tools print the same tree: cdk8s (the yaml package), kubectl-like indentless sequences, js-yaml's default. */
const printings = (value: unknown): string[] => [
  stringify(value, { lineWidth: 0, version: '1.1' }),
  dump(value, { noArrayIndent: true, lineWidth: -1 }),
  dump(value, { lineWidth: -1 }),
];

describe('the fast block reader agrees with js-yaml', () => {
  test('on every YAML file in the repository (examples, fixtures, the consumer app)', () => {
    const files = [...yamlFiles('examples'), ...yamlFiles('test')];
    expect(files.length).toBeGreaterThan(5);
    let read = 0;
    for (const file of files) {
      for (const text of readFileSync(file, 'utf8').split(/^---$/m)) {
        agrees(text);
        if (readPlainBlock(text, TYPES)) read++;
      }
    }
    // It must actually take the common case, or it speeds nothing up.
    expect(read).toBeGreaterThan(40);
  });

  test('on random trees with tricky keys and scalars, as cdk8s, kubectl and js-yaml print them', () => {
    let taken = 0;
    fc.assert(fc.property(document, (value) => {
      for (const text of printings(value)) {
        agrees(text);
        if (readPlainBlock(text, TYPES)) taken++;
      }
    }), { seed: 18, numRuns: RUNS });
    expect(taken).toBeGreaterThan(100);
  });

  test('on random manifest-like trees (the case it exists for), which it takes nearly always', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9.-]{0,10}$/);
    const plain = fc.oneof(word, fc.nat(70000), fc.constantFrom('100m', '128Mi', 'IfNotPresent', 'acme/app:1.0.0', 'RuntimeDefault', 'TCP', true, false, null));
    const { node } = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, plain, tie('map'), tie('list')),
      map: fc.dictionary(word, tie('node'), { maxKeys: 5 }),
      // Manifests hold lists of scalars or of mappings, hardly ever lists of lists.
      list: fc.array(fc.oneof(plain, tie('map')), { maxLength: 4 }),
    }));
    let taken = 0;
    let total = 0;
    fc.assert(fc.property(fc.dictionary(word, node, { minKeys: 1, maxKeys: 6 }), (value) => {
      for (const text of printings(value)) {
        agrees(text);
        total++;
        if (readPlainBlock(text, TYPES)) taken++;
      }
    }), { seed: 18, numRuns: RUNS });
    expect(taken / total).toBeGreaterThan(0.8);
  });

  test('on damaged text: a line dropped, indented, dedented or duplicated, a character removed', () => {
    const damaged = fc.tuple(document, fc.nat(), fc.nat(), fc.constantFrom('drop', 'indent', 'dedent', 'duplicate', 'cut'), fc.nat(2)).map(([value, at, col, how, which]) => {
      const lines = printings(value)[which].split('\n');
      const i = at % lines.length;
      if (how === 'drop') lines.splice(i, 1);
      else if (how === 'indent') lines[i] = `  ${lines[i]}`;
      else if (how === 'dedent') lines[i] = lines[i].replace(/^ {1,2}/, '');
      else if (how === 'duplicate') lines.splice(i, 0, lines[i]);
      else lines[i] = lines[i].slice(0, col % (lines[i].length + 1)) + lines[i].slice((col % (lines[i].length + 1)) + 1);
      return lines.join('\n');
    });
    fc.assert(fc.property(damaged, agrees), { seed: 18, numRuns: RUNS * 2.5 });
  });

  test('hand-picked cases: what it takes, and what it leaves to js-yaml', () => {
    const take = (text: string) => readPlainBlock(text, TYPES)?.value;
    expect(take('a: 010\nb: yes\nc: "yes"\nd: \'it\'\'s\'\ne: {}\nf: []\ng:\nh: ~\n')).toStrictEqual({ a: 8, b: true, c: 'yes', d: "it's", e: {}, f: [], g: null, h: null });
    expect(take('spec:\n  ports:\n  - name: http\n    port: 80\n  - 443\n')).toStrictEqual({ spec: { ports: [{ name: 'http', port: 80 }, 443] } });
    expect(take('---\nkind: A\n')).toStrictEqual({ kind: 'A' });
    for (const declined of ['a: 1 # c\n', 'a: &x 1\nb: *x\n', 'a: |\n  x\n', 'a: [1, 2]\n', 'a: "x\\ny"\n', 'a: 1\na: 2\n', 'yes: 1\n', 'a: b\n  c\n', '- - a\n', '"k": v\n', 'a: !!str 1\n', 'a:\tb\n', '<<: {}\n']) {
      expect(take(declined), declined).toBeUndefined();
    }
  });
});

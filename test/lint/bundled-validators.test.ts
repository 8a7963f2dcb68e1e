import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { BUNDLED_KINDS, bundleValidators } from '../../scripts/bundle';
import { loadYaml } from '../../lib/analysis/input/loader';
import { lightValidatePackage } from '../../lib/lint/schema/light-formats';
import { schemaFileOf } from '../../lib/lint/schema/validate';

const load = createRequire(__filename);
const RUNS = Number(process.env.NETKIT_FUZZ_RUNS ?? 150);

interface Validator { (data: unknown): boolean; errors?: { instancePath: string; keyword: string; params: unknown }[] | null }

/** A kind's validator as netkit loads it without the bundle: from the installed package. */
function installedValidator(key: string): Validator {
  const modulePath = load.resolve(`${key.startsWith('cert-manager.io/') ? '@kubernetes-models/cert-manager' : 'kubernetes-models'}/${key}`);
  lightValidatePackage(modulePath);
  return (load(join(dirname(modulePath), schemaFileOf(modulePath)!)) as { validate: Validator }).validate;
}

/** What a validator says of an object: its verdict and each error's place and rule. */
function verdict(validate: Validator, object: unknown): unknown {
  const ok = validate(object);
  return { ok, errors: ok ? [] : (validate.errors ?? []).map((e) => ({ at: e.instancePath, keyword: e.keyword, params: e.params })) };
}

/** Every object in the examples and the lint corpus, by `apiVersion/kind`. */
function corpus(): Map<string, Record<string, unknown>[]> {
  const files = [
    ...readdirSync('examples').flatMap((app) => readdirSync(join('examples', app, 'dist')).map((file) => join('examples', app, 'dist', file))),
    ...readdirSync('test/lint/corpus').filter((file) => file.endsWith('.yaml')).map((file) => join('test/lint/corpus', file)),
  ];
  const byKind = new Map<string, Record<string, unknown>[]>();
  for (const file of files) {
    for (const { object } of loadYaml(readFileSync(file, 'utf8'), file).objects) {
      const key = `${String(object.apiVersion)}/${String(object.kind)}`;
      byKind.set(key, [...(byKind.get(key) ?? []), object]);
    }
  }
  return byKind;
}

/** The object with the value at one path (picked by `pick` among all paths) replaced. */
function mutate(object: Record<string, unknown>, pick: number, value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(object)) as Record<string, unknown>;
  const places: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach((item, i) => { places.push([node, i]); walk(item); });
    else if (node && typeof node === 'object') for (const [key, item] of Object.entries(node)) { places.push([node as Record<string, unknown>, key]); walk(item); }
  };
  walk(copy);
  const [parent, key] = places[pick % places.length];
  (parent as Record<string | number, unknown>)[key] = value;
  return copy;
}

describe('the validators bundled into one file (scripts/bundle.ts)', () => {
  let bundled: Record<string, () => Validator>;
  beforeAll(async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'netkit-validators-')), 'bundled-validators.js');
    await bundleValidators(out);
    bundled = load(out) as Record<string, () => Validator>;
  }, 60_000);

  test('hold every kind listed, and nothing else', () => {
    expect(Object.keys(bundled).sort()).toEqual([...BUNDLED_KINDS].sort());
  });

  test('give the installed packages\' verdicts and errors on real objects and on every kind of broken field', () => {
    const objects = corpus();
    let compared = 0;
    for (const key of BUNDLED_KINDS) {
      const [kind, ...version] = key.split('/').reverse();
      const seeds = objects.get(key) ?? [{ apiVersion: version.reverse().join('/'), kind, metadata: { name: 'sample', labels: { app: 'sample' } }, spec: {} }];
      const ours = bundled[key]();
      const theirs = installedValidator(key);
      for (const seed of seeds) expect([key, verdict(ours, seed)]).toEqual([key, verdict(theirs, seed)]);
      const wrong = fc.constantFrom<unknown>(7, -1, 2 ** 31, 1.5, 'x', '', '1x', '100m', 'aGk=', true, null, [], {}, ['x'], { a: 1 });
      fc.assert(fc.property(fc.constantFrom(...seeds), fc.nat(), wrong, (seed, pick, value) => {
        const broken = mutate(seed, pick, value);
        expect([key, verdict(ours, broken)]).toEqual([key, verdict(theirs, broken)]);
        compared++;
      }), { seed: 28, numRuns: RUNS });
    }
    expect(compared).toBe(BUNDLED_KINDS.length * RUNS);
  }, 120_000);
});

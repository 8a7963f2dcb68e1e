import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DocumentReuse, loadYaml } from '../../lib/analysis/input/loader';
import { NetworkModel } from '../../lib/analysis/queries/network-model';
import { readInputs } from '../../lib/cli/inputs';
import { diffFindings, diffJson } from '../../lib/cli/review';
import { lintReport } from '../../lib/lint/engine';

const doc = (name: string, port: number) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  ports:\n    - port: ${port}\n`;

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
}

describe('reading the next revision with the previous one\'s documents', () => {
  test('unchanged documents are the objects read before; changed ones, and repeats beyond the first revision\'s count, are read anew', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netkit-reuse-'));
    writeFileSync(join(dir, 'old.yaml'), [doc('a', 80), doc('b', 80), doc('dup', 1), doc('dup', 1)].join('---\n'));
    // b changed, a moved below a new document (other lines), dup repeated three times now.
    writeFileSync(join(dir, 'new.yaml'), ['# moved\n', doc('c', 80), doc('b', 81), doc('a', 80), doc('dup', 1), doc('dup', 1), doc('dup', 1)].join('---\n'));
    const reuse = new DocumentReuse();
    const old = readInputs([join(dir, 'old.yaml')], {}, undefined, false, reuse);
    reuse.nextRevision();
    const now = readInputs([join(dir, 'new.yaml')], {}, undefined, false, reuse);
    const plain = readInputs([join(dir, 'new.yaml')]);
    // The same objects, files, lines and notices as reading without reuse.
    expect(now).toEqual(plain);
    const byName = (side: typeof old, name: string) => side.objects.filter((o) => (o.object.metadata as { name: string }).name === name).map((o) => o.object);
    expect(byName(now, 'a')[0]).toBe(byName(old, 'a')[0]);
    expect(byName(now, 'b')[0]).not.toBe(byName(old, 'b')[0]);
    const dups = byName(now, 'dup');
    expect(new Set(dups).size).toBe(3);
    expect(dups.filter((o) => byName(old, 'dup').includes(o))).toHaveLength(2);
    // Within one revision no two documents share an object, reuse or not.
    expect(new Set(byName(old, 'dup')).size).toBe(2);
    expect(now.objects.find((o) => (o.object.metadata as { name: string }).name === 'a')?.line).toBe(plain.objects.find((o) => (o.object.metadata as { name: string }).name === 'a')?.line);
  });

  test('nothing is taken while the first revision is read', () => {
    const reuse = new DocumentReuse();
    const first = loadYaml(doc('a', 80)).objects[0].object;
    reuse.record(doc('a', 80).trimEnd(), first);
    expect(reuse.take(doc('a', 80).trimEnd())).toBeUndefined();
    reuse.nextRevision();
    expect(reuse.take(doc('a', 80).trimEnd())).toBe(first);
    expect(reuse.take(doc('a', 80).trimEnd())).toBeUndefined();
  });

  test.each(readdirSync('examples'))('the %s example: a diff and its lint on shared, deep-frozen objects give what unshared ones do (nothing writes to an input object)', (example) => {
    const dir = mkdtempSync(join(tmpdir(), 'netkit-reuse-'));
    const text = readdirSync(join('examples', example, 'dist')).map((file) => readFileSync(join('examples', example, 'dist', file), 'utf8')).join('---\n');
    writeFileSync(join(dir, 'old.yaml'), text);
    // The new revision drops the first NetworkPolicy (the diff then has something to say) and keeps the rest.
    const documents = text.split(/^---$/m);
    const dropped = documents.findIndex((d) => /^kind: NetworkPolicy$/m.test(d));
    writeFileSync(join(dir, 'new.yaml'), documents.filter((_, i) => i !== dropped).join('---'));
    const review = (oldObjects: ReturnType<typeof readInputs>, newObjects: ReturnType<typeof readInputs>) => {
      const before = NetworkModel.fromSources(oldObjects.objects, []);
      const after = NetworkModel.fromSources(newObjects.objects, []);
      const lint = diffFindings(lintReport(oldObjects.objects).findings, lintReport(newObjects.objects).findings);
      return { diff: diffJson(NetworkModel.diff(before, after), lint), notices: [...before.notices, ...after.notices], lint };
    };
    const unshared = review(readInputs([join(dir, 'old.yaml')]), readInputs([join(dir, 'new.yaml')]));
    const reuse = new DocumentReuse();
    const old = readInputs([join(dir, 'old.yaml')], {}, undefined, false, reuse);
    reuse.nextRevision();
    const now = readInputs([join(dir, 'new.yaml')], {}, undefined, false, reuse);
    const shared = now.objects.filter((o) => old.objects.some((p) => p.object === o.object)).length;
    expect(shared).toBe(now.objects.length);
    for (const side of [old, now]) for (const { object } of side.objects) deepFreeze(object);
    expect(review(old, now)).toEqual(unshared);
  });
});

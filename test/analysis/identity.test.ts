import { describe, expect, test } from 'vitest';
import { NetworkModel } from '../../lib';
import { run } from '../../lib/cli/main';

// YAML 1.1 (what kubectl's parser reads) turns an unquoted `y` into true and `1e3` into 1000;
// the API server then refuses the object (metadata.namespace and metadata.name are strings).
const yaml = [
  'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: y}\nspec: {containers: [{name: c, image: x:1}]}',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: 1e3, namespace: shop}\nspec: {containers: [{name: c, image: x:1}]}',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: "y"}\nspec: {containers: [{name: c, image: x:1}]}',
].join('\n---\n');

describe('a name or namespace YAML 1.1 reads as no string', () => {
  test('the library leaves the object out with a notice that names the fix, instead of answering as default/a', () => {
    const model = NetworkModel.fromYaml(yaml);
    expect(model.workloads.map((w) => w.ref)).toEqual(['y/b']);
    expect(model.notices).toContain('<input>:1: a Pod is left out: metadata.namespace is the boolean true (YAML 1.1 reads an unquoted y, yes, on or true as one), not a string, so the API server refuses the object; quote it in the YAML (namespace: "...")');
    expect(model.notices.some((n) => n.includes('metadata.name is the number 1000'))).toBe(true);
    expect(() => model.check({ from: 'default/a', to: 'y/b', port: 80 })).toThrow(/unknown from "default\/a"/);
  });

  test('reach and matrix print the notice too', async () => {
    let err = '';
    let out = '';
    const io = { out: (t: string) => { out += t; }, err: (t: string) => { err += t; }, stdin: () => yaml };
    await run(['matrix', '-'], io);
    expect(out).not.toContain('default/a');
    expect(err).toContain('a Pod is left out: metadata.namespace is the boolean true');
    err = '';
    await run(['reach', '-', '--from', 'y/b', '--to', 'y/b', '--port', '80'], io);
    expect(err).toContain('metadata.name is the number 1000');
  });
});

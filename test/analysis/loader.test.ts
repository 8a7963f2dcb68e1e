import { describe, expect, test } from 'vitest';
import { NetworkModel, loadYaml } from '../../lib';
import { InputError } from '../../lib/analysis/input/loader';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: a }
spec:
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: w, ports: [{ name: http, containerPort: 8080 }] }] }
`;

describe('loading YAML', () => {
  test('multi-document YAML, kind: List and empty documents', () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Namespace\n    metadata: { name: a }\n`;
    const result = loadYaml(`${deployment}---\n---\n${list}`, 'x.yaml');
    expect(result.objects.map((o) => `${o.object.kind}@${o.line}`)).toEqual(['Deployment@1', 'Namespace@10']);
  });

  test('anchors and aliases load as kubectl loads them', () => {
    const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: a }\nspec:\n  selector: { matchLabels: &l { app: web } }\n  template:\n    metadata: { labels: *l }\n`;
    expect(NetworkModel.fromYaml(text).workload('a/web')?.labels).toEqual({ app: 'web' });
  });

  test('merge keys load as kubectl loads them; dates stay strings', () => {
    const text = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    <<: {team: shop}\n    since: 2024-01-01\n`;
    expect(NetworkModel.fromYaml(text).namespaces.get('a')).toEqual({ team: 'shop', since: '2024-01-01', 'kubernetes.io/metadata.name': 'a' });
  });

  test('plain scalars resolve as kubectl (go-yaml v2, YAML 1.1) resolves them', () => {
    const text = 'apiVersion: v1\nkind: X\nmetadata: {name: a}\nvalues: [010, 0x1F, 0b101, 1_000, 08, -012, 0o17, "010", yes, No, on, OFF, y, n, "yes", 1.5, ~, 1_000.5, 09.5, .5, 5., 1e3, +1.5, .inf, -.Inf, .NaN, 1_0e2, .x, 1.2.3]\n';
    expect(loadYaml(text).objects[0].object.values).toEqual([8, 31, 5, 1000, 8, -10, 15, '010', true, false, true, false, true, false, 'yes', 1.5, null, 1000.5, 9.5, 0.5, 5, 1000, 1.5, Infinity, -Infinity, Number.NaN, 1000, '.x', '1.2.3']);
  });

  test('a containerPort written 010 is port 8, as the API server receives it', () => {
    const model = NetworkModel.fromYaml(deployment.replace('containerPort: 8080', 'containerPort: 010'));
    expect(model.workloads[0].ports.map((p) => p.number)).toEqual([8]);
  });

  test('directives, end markers and content on the marker line', () => {
    const text = `%YAML 1.2\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n...\n--- {apiVersion: v1, kind: Namespace, metadata: {name: b}}\n`;
    expect(loadYaml(text, 'x.yaml').objects.map((o) => `${(o.object.metadata as { name: string }).name}@${o.line}`)).toEqual(['a@3', 'b@7']);
  });

  test('a BOM and CRLF line ends simply work', () => {
    const model = NetworkModel.fromYaml(`\uFEFF${deployment.replace(/\n/g, '\r\n')}`);
    expect(model.workloads.map((w) => w.ref)).toEqual(['a/web']);
  });

  test('documents that are not Kubernetes objects are skipped with a notice', () => {
    const result = loadYaml('just: a map\n---\n- a list\n---\n42\n', 'odd.yaml');
    expect(result.objects).toEqual([]);
    expect(result.notices).toEqual([
      'odd.yaml:1: skipped a document without apiVersion and kind (not a Kubernetes object)',
      'odd.yaml:3: skipped a document that is not a mapping',
      'odd.yaml:5: skipped a document that is not a mapping',
    ]);
  });

  test('malformed YAML is an error naming the file and line', () => {
    expect(() => loadYaml('a: 1\nb: [1, 2\nc: 3\n', 'bad.yaml')).toThrow(InputError);
    expect(() => loadYaml('a: 1\nb: [1, 2\nc: 3\n', 'bad.yaml')).toThrow(/^bad\.yaml:\d+:\d+: invalid YAML: /);
  });

  test('an alias bomb is refused fast', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const started = Date.now();
    expect(() => loadYaml(lines.join('\n'), 'bomb.yaml')).toThrow('bomb.yaml:1: cannot load this document (too many alias expansions; this looks like an alias bomb).');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('deep nesting is refused the same way with or without an alias in the document', () => {
    const deep = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;
    const configMap = (data: string, alias: boolean) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${alias ? '&n ' : ''}a}\n${alias ? 'x: *n\n' : ''}data: ${data}\n`;
    for (const alias of [false, true]) {
      expect(loadYaml(configMap(deep(90), alias), 'deep.yaml').objects).toHaveLength(1);
      expect(() => loadYaml(configMap(deep(150), alias), 'deep.yaml')).toThrow(new RegExp(`^deep\\.yaml:${alias ? 5 : 4}:\\d+: invalid YAML: nesting exceeded maxDepth`));
    }
  });

  test('__proto__ and constructor keys stay ordinary data', () => {
    const text = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: { __proto__: { polluted: yes }, constructor: x }\n`;
    const model = NetworkModel.fromYaml(text);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(model.namespaces.get('a')).toMatchObject({ constructor: 'x' });
  });

  test('an input over the size limit is refused with a clear message', () => {
    expect(() => loadYaml('x'.repeat(2048), 'big.yaml', { maxBytes: 1024 })).toThrow('big.yaml: input is 0.0 MiB, over the 0 MiB limit. Split it into smaller files.');
  });

  test('a binary file is refused', () => {
    expect(() => loadYaml('abc\u0000def', 'bin')).toThrow('bin: this is a binary file, not YAML.');
  });
});

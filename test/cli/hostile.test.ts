import { chmodSync, closeSync, mkdtempSync, openSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { run } from '../../lib/cli/main';

const COMMANDS: string[][] = [['check'], ['matrix'], ['graph'], ['reach', '--from', 'a/b', '--to', 'a/c', '--port', '80']];

async function netkit(args: string[]) {
  let out = '';
  let err = '';
  const started = Date.now();
  const code = await run(args, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err, ms: Date.now() - started };
}

function file(name: string, content: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'netkit-hostile-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Runs every command over `path` and expects exit 2 with one line naming the problem. */
/**
 * reach, matrix and graph refuse input they cannot read whole (exit 2, one line); check makes
 * the file an error finding and lints every other file on (exit 1), unless the path itself
 * cannot be opened (a usage mistake: exit 2 everywhere).
 */
async function refusedEverywhere(path: string, message: RegExp, pathItselfBad = false): Promise<void> {
  for (const command of COMMANDS) {
    const [verb, ...options] = command;
    const result = await netkit([verb, path, ...options]);
    expect(result.err).not.toMatch(/\n\s+at /);
    expect(result.ms).toBeLessThan(10_000);
    if (verb === 'check' && !pathItselfBad) {
      expect(result.code, `${verb}: ${result.out}`).toBe(1);
      const finding = result.out.split('\n').find((line) => line.includes(' error [unreadable-input] File '));
      expect(finding, result.out).toBeDefined();
      expect(finding!.replace(/: error \[unreadable-input\] File [^:]+: /, ': ')).toMatch(message);
      continue;
    }
    expect(result.code, `${verb}: ${result.err}`).toBe(2);
    expect(result.err.trimEnd().split('\n')).toHaveLength(1);
    expect(result.err).toMatch(message);
  }
}

describe('hostile input to the CLI', () => {
  test('an alias bomb is refused', async () => {
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}', 'data:', '  a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`  a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    await refusedEverywhere(file('bomb.yaml', lines.join('\n')), /bomb\.yaml:1: cannot load this document \(too many alias expansions; this looks like an alias bomb\)\./);
  });

  test('a recursive alias is refused', async () => {
    await refusedEverywhere(file('loop.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: x\n  self: *m\n'), /an alias refers to a node that contains it/);
  });

  test('nesting 10,000 deep is refused', async () => {
    const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    await refusedEverywhere(file('deep.yaml', deep), /deep\.yaml:\d+(:\d+)?: (invalid YAML: nesting exceeded maxDepth \(100\)|cannot load this document \(nesting too deep\))/);
  });

  test('a 50 MB file is refused before it is read', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'netkit-hostile-')), 'huge.yaml');
    const fd = openSync(path, 'w');
    const block = Buffer.from(`# ${'x'.repeat(1021)}\n`);
    for (let i = 0; i < 50 * 1024; i++) writeSync(fd, block);
    closeSync(fd);
    await refusedEverywhere(path, /huge\.yaml: file is 50\.0 MiB, over the 32 MiB limit\. Split it into smaller files\./);
  });

  test('a binary file is refused', async () => {
    await refusedEverywhere(file('image.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02])), /image\.yaml: this is a binary file, not YAML\./);
  });

  test('malformed YAML names the file and line', async () => {
    await refusedEverywhere(file('bad.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: [oops\n'), /bad\.yaml:\d+(:\d+)?: invalid YAML: /);
  });

  test('a path that does not exist, and a symlink loop given directly', async () => {
    await refusedEverywhere('/no/such/path.yaml', /\/no\/such\/path\.yaml: no such file or directory\./, true);
    const dir = mkdtempSync(join(tmpdir(), 'netkit-hostile-'));
    symlinkSync(join(dir, 'b'), join(dir, 'a'));
    symlinkSync(join(dir, 'a'), join(dir, 'b'));
    await refusedEverywhere(join(dir, 'a'), /a: cannot read \(a symbolic link loop\)\./, true);
  });

  // Root reads any file whatever its mode, so the check only means something for other users.
  test.skipIf(process.getuid?.() === 0)('a file without read permission', async () => {
    const path = file('secret.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n');
    chmodSync(path, 0o000);
    await refusedEverywhere(path, /secret\.yaml: cannot read \(EACCES\)\./);
  });

  test('a BOM and CRLF line ends simply work', async () => {
    const text = '\uFEFFapiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: a\r\n---\r\napiVersion: apps/v1\r\nkind: Deployment\r\nmetadata: {name: web, namespace: a}\r\nspec:\r\n  selector: {matchLabels: {app: web}}\r\n  template:\r\n    metadata: {labels: {app: web}}\r\n    spec: {containers: [{name: web, image: w}]}\r\n';
    const path = file('crlf.yaml', text);
    expect((await netkit(['matrix', path, '--format', 'csv'])).out).toBe('from,to,ports\na/web,a/web,all\na/web,203.0.113.7,all\n203.0.113.7,a/web,all\n');
    expect((await netkit(['check', path])).code).toBe(0);
  });

  test('__proto__, constructor and prototype keys anywhere pollute nothing', async () => {
    const text = [
      'apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: a', '  labels: {__proto__: {polluted: yes}, constructor: {prototype: {polluted: yes}}}',
      '__proto__: {polluted: yes}', 'prototype: {polluted: yes}', '---',
      'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: p, namespace: a}',
      'spec: {podSelector: {matchLabels: {__proto__: x}}, ingress: [{from: [{podSelector: {matchLabels: {constructor: y}}}]}]}',
    ].join('\n');
    const path = file('proto.yaml', text);
    for (const [verb, ...options] of COMMANDS) {
      const result = await netkit([verb, path, ...options]);
      expect(result.err).not.toContain('internal error');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    // The odd top-level keys are reported as unknown fields, by name, and nothing breaks.
    const check = await netkit(['check', path, '--format', 'json']);
    expect(check.code).toBe(1);
    expect(JSON.parse(check.out).map((f: { rule: string; message: string }) => `${f.rule}: ${f.message}`)).toEqual([
      // Label values that are mappings are schema errors, whatever the key is called.
      'schema-invalid: it breaks the Namespace schema: metadata.labels.__proto__ must be string; metadata.labels.constructor must be string',
      'unknown-field: field __proto__ is not in the Kubernetes 1.28 schema',
      'unknown-field: field prototype is not in the Kubernetes 1.28 schema',
      // ...and the policy is refused for what it is: a label key the API server rejects, a value that is not a string.
      'policy-rejected-by-api-server: the API server would reject it: spec.podSelector.matchLabels: Invalid value: "__proto__": a label key must be letters, digits, \'-\', \'_\' or \'.\' (with an optional \'prefix/\'), starting and ending with a letter or digit',
      'schema-invalid: it breaks the NetworkPolicy schema: spec.ingress.0.from.0.podSelector.matchLabels.constructor must be string',
    ]);
    // A label literally named __proto__ is kept as a label, not turned into a prototype.
    const { NetworkModel } = await import('../../lib');
    const model = NetworkModel.fromYaml('apiVersion: v1\nkind: Namespace\nmetadata: {name: b, labels: {__proto__: x, constructor: z}}\n');
    expect(model.namespaces.get('b')).toEqual({ ['__proto__']: 'x', constructor: 'z', 'kubernetes.io/metadata.name': 'b' });
    expect(Object.getPrototypeOf(model.namespaces.get('b'))).toBe(Object.prototype);
  });

  test('documents without kind or metadata are skipped, unknown kinds and unnamed workloads are named in notices', async () => {
    const text = 'kind: Deployment\n---\napiVersion: v1\n---\napiVersion: v1\nkind: Pod\nmetadata: 42\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {anything: [1, 2]}\n---\napiVersion: apps/v1\nkind: Deployment\n';
    const path = file('odd.yaml', text);
    const result = await netkit(['check', path]);
    // The unnamed Deployment is linted under a stand-in name: it has no selector, an error.
    expect(result.code).toBe(1);
    expect(result.out).toContain(`error [selector-template-mismatch] Deployment default/<unnamed Deployment #1 in ${path}:14>: it has no spec.selector.`);
    expect(result.err.split('\n').filter(Boolean)).toEqual([
      `netkit: notice: ${path}:1: skipped a document without apiVersion and kind (not a Kubernetes object)`,
      `netkit: notice: ${path}:3: skipped a document without apiVersion and kind (not a Kubernetes object)`,
      `netkit: notice: ${path}:5: skipped Pod whose metadata is not a mapping`,
      `netkit: notice: ${path}:14: a Deployment without metadata.name is read as <unnamed Deployment #1 in ${path}:14>`,
      'netkit: notice: kinds not modelled: Widget (example.com/v1): read for nothing but schema and duplicates',
    ]);
    expect((await netkit(['matrix', path])).code).toBe(0);
    expect((await netkit(['graph', path, '--format', 'dot'])).code).toBe(0);
  });
});

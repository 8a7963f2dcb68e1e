import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { run } from '../../lib/cli/main';

const root = join(__dirname, '..', '..');

describe('the packed tarball', () => {
  beforeAll(() => {
    // The tarball packs whatever dist/ holds, so compile first, as `npm run compile` does:
    // tsc (incremental: quick when current), then the one-file CLI and validators.
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['--build'], { cwd: root });
    execFileSync(join(root, 'node_modules/.bin/tsx'), ['scripts/bundle.ts'], { cwd: root });
  }, 120_000);

  test('holds the product only: dist/, bin/, README, LICENSE and package.json', () => {
    const report = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const files: string[] = report[0].files.map((f: { path: string }) => f.path).sort();
    const strays = files.filter((f) => !/^(dist\/.+\.(js|mjs|d\.ts|d\.mts|json)|bin\/netkit|package\.json|README\.md|LICENSE)$/.test(f));
    expect(strays).toEqual([]);
    for (const required of [
      'LICENSE', 'README.md', 'bin/netkit', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/bin.js', 'dist/cli/netkit.js',
      'dist/lint/schema/bundled-validators.js', 'dist/testing/register.mjs', 'dist/testing/vitest-matchers.d.ts', 'dist/lint/schema/k8s-1.28-fields.json',
    ]) expect(files).toContain(required);
    expect(files.filter((f) => /^(bench|scripts|examples|test|lib|\.ci)\/|vitest\.config|\.tsbuildinfo$/.test(f))).toEqual([]);
  });

  test('bin/netkit (the one-file CLI with bundled validators) answers as the sources do, schema errors included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netkit-bin-'));
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web, namespace: shop}',
      'spec: {replicas: "3", selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: "nginx:1.27", imagePullPolicy: Sometimes}]}}}',
      '---', 'apiVersion: v1', 'kind: Service', 'metadata: {name: web, namespace: shop}', 'spec: {selector: {app: web}, ports: [{port: 99999999999}]}', '',
    ].join('\n'));
    for (const argv of [['check', join(root, 'examples/shop/dist'), '--format', 'json'], ['check', broken, '--format', 'json'], ['check', broken]]) {
      let out = '';
      let err = '';
      const code = await run(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
      const bin = spawnSync(process.execPath, [join(root, 'bin/netkit'), ...argv], { encoding: 'utf8' });
      expect({ argv, code: bin.status, out: bin.stdout, err: bin.stderr }).toEqual({ argv, code, out, err });
    }
    expect(spawnSync(process.execPath, [join(root, 'bin/netkit'), 'check', broken], { encoding: 'utf8' }).stdout).toContain('spec.replicas must be integer');
  }, 60_000);

  test('netkit diff lints large revisions in a worker thread, with the answer it gives inline and from the sources', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netkit-bin-diff-'));
    const text = readdirSync(join(root, 'examples/shop/dist')).map((f) => readFileSync(join(root, 'examples/shop/dist', f), 'utf8')).join('---\n');
    writeFileSync(join(dir, 'old.yaml'), text);
    // The new revision drops a NetworkPolicy and adds a Deployment that breaks its schema and exposes a host port.
    const documents = text.split(/^---$/m);
    const dropped = documents.findIndex((d) => /^kind: NetworkPolicy$/m.test(d));
    const added = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: extra, namespace: shop}\nspec: {replicas: "2", selector: {matchLabels: {app: extra}}, template: {metadata: {labels: {app: extra}}, spec: {containers: [{name: extra, image: "nginx:1.27", ports: [{containerPort: 80, hostPort: 80}]}]}}}\n';
    writeFileSync(join(dir, 'new.yaml'), [...documents.filter((_, i) => i !== dropped), `\n${added}`].join('---'));
    const argv = ['diff', join(dir, 'old.yaml'), join(dir, 'new.yaml'), '--format', 'json', '--fail-on', 'never'];
    let out = '';
    await run(argv, { out: (t) => { out += t; }, err: () => undefined });
    const bin = (bytes: string) => spawnSync(process.execPath, [join(root, 'bin/netkit'), ...argv], { encoding: 'utf8', env: { ...process.env, NETKIT_PARALLEL_LINT_BYTES: bytes } });
    const worker = bin('1');
    const inline = bin('1000000000000');
    expect(worker.stdout).toBe(inline.stdout);
    expect(worker.stdout).toBe(out);
    const lint = JSON.parse(out).lint as { new: { rule: string }[]; fixed: unknown[] };
    expect(lint.new.map((f) => f.rule)).toEqual(expect.arrayContaining(['schema-invalid', 'host-port']));
    // Bad input ends the run at once with exit 2, the worker notwithstanding.
    writeFileSync(join(dir, 'broken.yaml'), 'kind: [unclosed\n');
    const bad = spawnSync(process.execPath, [join(root, 'bin/netkit'), 'diff', join(dir, 'broken.yaml'), join(dir, 'new.yaml')], { encoding: 'utf8', env: { ...process.env, NETKIT_PARALLEL_LINT_BYTES: '1' }, timeout: 20_000 });
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('broken.yaml:2:1: invalid YAML')]);
    // A folder with symbolic link loops: the size estimate for the worker skips what it cannot
    // read, and the review names it in notices, as without the worker.
    const looped = join(mkdtempSync(join(tmpdir(), 'netkit-bin-loop-')), 'looped');
    mkdirSync(looped);
    writeFileSync(join(looped, 'shop.yaml'), text);
    symlinkSync('self', join(looped, 'self'));
    symlinkSync('..', join(looped, 'up'));
    const loopArgv = [join(root, 'bin/netkit'), 'diff', looped, looped, '--format', 'json', '--fail-on', 'never'];
    const viaWorker = spawnSync(process.execPath, loopArgv, { encoding: 'utf8', env: { ...process.env, NETKIT_PARALLEL_LINT_BYTES: '1' }, timeout: 20_000 });
    const viaInline = spawnSync(process.execPath, loopArgv, { encoding: 'utf8', env: { ...process.env, NETKIT_PARALLEL_LINT_BYTES: '1000000000000' }, timeout: 20_000 });
    expect([viaWorker.status, viaWorker.stdout, viaWorker.stderr]).toEqual([0, viaInline.stdout, viaInline.stderr]);
    expect(viaWorker.stderr).toContain('skipped a symbolic link loop');
  }, 60_000);
});

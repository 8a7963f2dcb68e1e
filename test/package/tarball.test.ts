import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
});

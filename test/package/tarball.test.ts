import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = join(__dirname, '..', '..');

describe('the packed tarball', () => {
  test('holds the product only: dist/, bin/, README, LICENSE and package.json', () => {
    // The tarball packs whatever dist/ holds, so compile first (incremental: quick when current).
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['--build'], { cwd: root });
    const report = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const files: string[] = report[0].files.map((f: { path: string }) => f.path).sort();
    const strays = files.filter((f) => !/^(dist\/.+\.(js|mjs|d\.ts|d\.mts|json)|bin\/netkit|package\.json|README\.md|LICENSE)$/.test(f));
    expect(strays).toEqual([]);
    for (const required of [
      'LICENSE', 'README.md', 'bin/netkit', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/bin.js',
      'dist/testing/register.mjs', 'dist/testing/vitest-matchers.d.ts', 'dist/lint/schema/k8s-1.28-fields.json',
    ]) expect(files).toContain(required);
    expect(files.filter((f) => /^(bench|scripts|examples|test|lib|\.ci)\/|vitest\.config|\.tsbuildinfo$/.test(f))).toEqual([]);
  });
});

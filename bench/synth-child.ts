/**
 * One whole synth process, as `cdk8s synth` runs a user's app: build N apps with one Chart per
 * namespace and `app.synth()` them into files. Prints `{"maxRssKiB": ...}` on exit.
 *
 *   node --import tsx bench/synth-child.ts netkit|netkit-nolint|plus|floor <N> <outdir> [floor.json]
 *
 * netkit loads the compiled package (dist/), as a user's app loads it from node_modules. The
 * floor reads netkit's final objects (one JSON file, grouped by chart) and writes each chart's
 * file with the `yaml` package, doing nothing else.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [mode, count, outdir, floorFile] = process.argv.slice(2);
const n = Number(count);

if (mode === 'floor') {
  // Loaded here only, so the floor pays for nothing but reading JSON and writing YAML.
  const { stringify } = require('yaml') as typeof import('yaml');
  const charts = JSON.parse(readFileSync(floorFile, 'utf8')) as { name: string; objects: unknown[] }[];
  mkdirSync(outdir, { recursive: true });
  for (const chart of charts) {
    writeFileSync(join(outdir, `${chart.name}.k8s.yaml`), chart.objects.map((o) => stringify(o, { lineWidth: 0, version: '1.1' })).join('---\n'));
  }
} else if (mode === 'plus') {
  const { plusApp } = require('./charts') as typeof import('./charts');
  plusApp(n, { layout: 'chart-per-namespace', outdir }).synth();
} else {
  const { netkitApp } = require('./charts') as typeof import('./charts');
  const netkit = require(resolve(__dirname, '..', 'dist', 'index.js')) as typeof import('../lib');
  netkitApp(netkit, n, { layout: 'chart-per-namespace', outdir, lint: mode !== 'netkit-nolint' }).synth();
}
process.stdout.write(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));

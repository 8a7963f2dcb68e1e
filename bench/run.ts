/**
 * `npm run bench`: synth against plain cdk8s-plus-28 and the YAML floor, lint cost, the
 * analyzer at scale, and CLI cold starts. Prints markdown tables (medians). Not run in CI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Bench } from 'tinybench';
import { stringify } from 'yaml';
import { netkitApp, plusApp } from './charts';
import * as netkit from '../lib';
import { BENCH_CNI, dialectCluster, revisedCluster, syntheticCluster } from './clusters';
import { flowsCsv, writeFlowsHubble } from './flows';
import { NetworkModel } from '../lib';

const root = resolve(__dirname, '..');
const quick = process.argv.includes('--quick');
const ms = (value: number) => `${value.toFixed(0)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

async function median(name: string, fn: () => unknown, iterations: number): Promise<number> {
  const bench = new Bench({ iterations, warmupIterations: 1, time: 0, warmupTime: 0 });
  bench.add(name, fn);
  await bench.run();
  const result = bench.tasks[0].result as unknown as { latency?: { p50: number }; error?: unknown; state?: string };
  if (!result?.latency) throw new Error(`${name} failed: ${String(result?.error ?? result?.state)}`);
  return result.latency.p50;
}

/** The YAML floor: the same final objects, serialized alone as cdk8s serializes them. */
function finalObjects(app: App): unknown[] {
  return app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson());
}

async function synthTable(): Promise<void> {
  const sizes = quick ? [100, 500] : [100, 500, 1000, 2000];
  const rows: Record<number, { netkit: number; noLint: number; plus: number; floor: number }> = {};
  for (const n of sizes) {
    const iterations = n >= 1000 ? 3 : n >= 500 ? 5 : 10;
    const objects = finalObjects(netkitApp(netkit, n, { lint: false }));
    rows[n] = {
      netkit: await median(`netkit ${n}`, () => netkitApp(netkit, n).synthYaml(), iterations),
      noLint: await median(`netkit ${n} without lint`, () => netkitApp(netkit, n, { lint: false }).synthYaml(), iterations),
      plus: await median(`cdk8s-plus-28 ${n}`, () => plusApp(n).synthYaml(), iterations),
      floor: await median(`yaml ${n}`, () => objects.map((o) => stringify(o, { keepUndefined: true, lineWidth: 0, version: '1.1' })).join('---\n'), iterations),
    };
  }
  console.log('\n### Synth: N apps (ExposedApp + Service + TlsIngress route + policies, 50 per SecureNamespace) to YAML in memory\n');
  console.log('| N | netkit (lint included) | netkit without lint | cdk8s-plus-28 | netkit / cdk8s-plus-28 | YAML floor | netkit / floor | lint cost |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const n of sizes) {
    const r = rows[n];
    console.log(`| ${n} | ${ms(r.netkit)} | ${ms(r.noLint)} | ${ms(r.plus)} | ${ratio(r.netkit, r.plus)} | ${ms(r.floor)} | ${ratio(r.netkit, r.floor)} | ${ms(r.netkit - r.noLint)} |`);
  }
  const doubling = sizes.filter((n) => sizes.includes(n * 2));
  if (doubling.length > 0) {
    console.log('\n| scaling t(2N)/t(N) | netkit | cdk8s-plus-28 |\n| --- | ---: | ---: |');
    for (const n of doubling) console.log(`| ${n} → ${n * 2} | ${(rows[n * 2].netkit / rows[n].netkit).toFixed(2)} | ${(rows[n * 2].plus / rows[n].plus).toFixed(2)} |`);
  }
}

const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

let compiled = false;
/** Compiles dist/ once per bench run, so child processes never measure a stale build. */
function ensureCompiled(): void {
  // As `npm run compile`: tsc, then the one-file CLI and validators bin/netkit runs.
  if (!compiled) {
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
    execFileSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts/bundle.ts')], { cwd: root, stdio: 'inherit' });
  }
  compiled = true;
}

/** One child process: wall time and peak RSS. */
function synthProcess(mode: string, n: number, outdir: string, floorFile: string): { ms: number; rssKiB: number } {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/synth-child.ts'), mode, String(n), outdir, floorFile], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`synth child ${mode} ${n} failed: ${result.stderr}`);
  rmSync(outdir, { recursive: true, force: true });
  return { ms, rssKiB: (JSON.parse(result.stdout) as { maxRssKiB: number }).maxRssKiB };
}

/**
 * Whole processes, as users run `cdk8s synth`: one Chart per namespace, files written, node
 * start and module loading included; A/B alternated, medians.
 */
function wholeProcessTable(): void {
  ensureCompiled();
  const sizes = quick ? [500, 1000] : [1000, 2000, 4000, 8000];
  const runs = quick ? 3 : 5;
  const dir = mkdtempSync(join(tmpdir(), 'netkit-bench-process-'));
  const modes = ['netkit', 'plus', 'floor'] as const;
  const rows: Record<number, Record<(typeof modes)[number], { ms: number; rssKiB: number }>> = {};
  try {
    const start = medianOf(Array.from({ length: 5 }, () => {
      const t = performance.now();
      spawnSync(process.execPath, ['--import', 'tsx', '-e', '0'], { cwd: root });
      return performance.now() - t;
    }));
    for (const n of sizes) {
      // The floor's input: netkit's own final objects, per chart, written once.
      const app = netkitApp(netkit, n, { layout: 'chart-per-namespace', lint: false });
      const charts = app.charts.map((chart: Chart) => ({ name: chart.node.id, objects: chart.toJson() }));
      const floorFile = join(dir, `floor-${n}.json`);
      writeFileSync(floorFile, JSON.stringify(charts));
      const samples: Record<string, { ms: number; rssKiB: number }[]> = { netkit: [], plus: [], floor: [] };
      for (let r = 0; r < runs; r++) {
        const order = r % 2 === 0 ? modes : [...modes].reverse();
        for (const mode of order) samples[mode].push(synthProcess(mode, n, join(dir, `out-${mode}`), floorFile));
      }
      rows[n] = Object.fromEntries(modes.map((m) => [m, { ms: medianOf(samples[m].map((s) => s.ms)), rssKiB: medianOf(samples[m].map((s) => s.rssKiB)) }])) as typeof rows[number];
    }
    console.log(`\n### Synth as users run it: whole \`node --import tsx\` processes, one Chart per namespace, files written (median of ${runs}, A/B alternated)\n`);
    console.log(`Node ${process.version} (run the bench with another node binary to measure under it); node + tsx start alone: ${ms(start)}. Floor: netkit's final objects read from JSON and written with the \`yaml\` package, nothing else.\n`);
    console.log('| N apps | netkit (lint included) | cdk8s-plus-28 | netkit / cdk8s-plus-28 | floor | netkit / floor | netkit t(2N)/t(N) | peak RSS netkit | peak RSS cdk8s-plus-28 | RSS ratio |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const n of sizes) {
      const r = rows[n];
      const half = rows[n / 2] ? (r.netkit.ms / rows[n / 2].netkit.ms).toFixed(2) : '';
      console.log(`| ${n.toLocaleString('en')} | ${ms(r.netkit.ms)} | ${ms(r.plus.ms)} | ${ratio(r.netkit.ms, r.plus.ms)} | ${ms(r.floor.ms)} | ${ratio(r.netkit.ms, r.floor.ms)} | ${half} | ${mib(r.netkit.rssKiB)} | ${mib(r.plus.rssKiB)} | ${ratio(r.netkit.rssKiB, r.plus.rssKiB)} |`);
    }
    // The targets of issue 28, each beside what this run measured.
    const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
    const floorRatios = sizes.map((n) => rows[n].netkit.ms / rows[n].floor.ms);
    const fromFour = sizes.filter((n) => n >= 4000);
    const largest = sizes[sizes.length - 1];
    console.log('\n| target | measured | |');
    console.log('| --- | --- | --- |');
    console.log(`| ≤ 1.5× the floor at every N | ${floorRatios.map((x) => `${x.toFixed(2)}×`).join(', ')} | ${met(floorRatios.every((x) => x <= 1.5))} |`);
    if (fromFour.length > 0) {
      const plusRatios = fromFour.map((n) => rows[n].netkit.ms / rows[n].plus.ms);
      console.log(`| ≤ 0.5× cdk8s-plus-28 from 4,000 apps | ${plusRatios.map((x) => `${x.toFixed(2)}×`).join(', ')} | ${met(plusRatios.every((x) => x <= 0.5))} |`);
    }
    console.log(`| peak RSS ≤ cdk8s-plus-28's at ${largest.toLocaleString('en')} | ${mib(rows[largest].netkit.rssKiB)} vs ${mib(rows[largest].plus.rssKiB)} | ${met(rows[largest].netkit.rssKiB <= rows[largest].plus.rssKiB)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The analyzer before the one rule model and Cilium came in (issue 23): the promise was no
 * slowdown beyond 10 % on the 2,000-workload matrix and the check p50, so every run measures
 * that commit beside today's, in the same process, alternated.
 */
const ANALYZER_BASELINE = 'd472cb3';

type ModelClass = Pick<typeof NetworkModel, 'fromObjects'>;

/** NetworkModel of the baseline commit, from a git worktree sharing our node_modules; undefined when git cannot make one. */
function baselineModel(): { model: ModelClass; cleanup: () => void } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'netkit-baseline-'));
  try {
    execFileSync('git', ['worktree', 'add', '--detach', dir, ANALYZER_BASELINE], { cwd: root, stdio: 'ignore' });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const model = (require(join(dir, 'lib', 'index.ts')) as { NetworkModel: ModelClass }).NetworkModel;
    return { model, cleanup: () => execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: root, stdio: 'ignore' }) };
  } catch (error) {
    console.log(`(baseline ${ANALYZER_BASELINE} unavailable: ${(error as Error).message.split('\n')[0]})`);
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

/** Per-query wall times of 2,000 checks, appended to `times`; with `readWhy`, the verdict's words are read too. */
function timeChecks(model: Pick<NetworkModel, 'check'>, n: number, times: number[], readWhy: boolean): void {
  const ref = (i: number) => `ns-${Math.floor(i / 50)}/app-${i}`;
  for (let q = 0; q < 2000; q++) {
    const started = performance.now();
    const verdict = model.check({ from: ref((q * 7) % n), to: ref((q * 13) % n), port: 8080 });
    // Reading `why` too is what a caller that prints the verdict pays (both word it in every check).
    if (readWhy && verdict.why.length === 0) throw new Error('no why');
    times.push(performance.now() - started);
  }
}

/** Check p50s of two models: a warm-up round each, then five rounds alternated. */
function checkP50s(today: Pick<NetworkModel, 'check'>, baseline: Pick<NetworkModel, 'check'> | undefined, n: number, readWhy: boolean): [number, number | undefined] {
  const times: number[] = [];
  const baseTimes: number[] = [];
  timeChecks(today, n, [], readWhy);
  if (baseline) timeChecks(baseline, n, [], readWhy);
  for (let round = 0; round < 5; round++) {
    timeChecks(today, n, times, readWhy);
    if (baseline) timeChecks(baseline, n, baseTimes, readWhy);
  }
  return [medianOf(times), baseline ? medianOf(baseTimes) : undefined];
}

async function analysisTable(): Promise<void> {
  const sizes = quick ? [500] : [500, 2000, 5000];
  const baseline = baselineModel();
  console.log(`\n### Analyzer: N workloads and N policies (today vs ${ANALYZER_BASELINE}, before the one rule model, same run)\n`);
  console.log('| N | load | load + full matrix | baseline | × baseline | matrix cells | check p50 (5 × 2,000) | baseline | × baseline | check + reading why, p50 | baseline | × baseline |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  try {
    for (const n of sizes) {
      const objects = syntheticCluster(n);
      const iterations = n >= 5000 ? 2 : 3;
      const load = await median(`load ${n}`, () => NetworkModel.fromObjects(objects), iterations);
      // Alternated, so that drift hits both alike.
      const full: number[] = [];
      const fullBaseline: number[] = [];
      for (let i = 0; i < iterations + 1; i++) {
        let started = performance.now();
        NetworkModel.fromObjects(objects).matrix();
        full.push(performance.now() - started);
        if (!baseline) continue;
        started = performance.now();
        baseline.model.fromObjects(objects).matrix();
        fullBaseline.push(performance.now() - started);
      }
      const model = NetworkModel.fromObjects(objects);
      const cells = model.matrix().cells.length;
      const baselineModelOf = baseline?.model.fromObjects(objects);
      const [check, checkBaseline] = checkP50s(model, baselineModelOf, n, false);
      const [checkWhy, checkWhyBaseline] = checkP50s(model, baselineModelOf, n, true);
      const us = (value: number) => `${(value * 1000).toFixed(1)} µs`;
      const b = (value: number | undefined, format: (v: number) => string) => (value === undefined ? 'n/a' : format(value));
      const fullMs = medianOf(full.slice(1));
      const fullBaseMs = baseline ? medianOf(fullBaseline.slice(1)) : undefined;
      console.log(`| ${n} | ${ms(load)} | ${ms(fullMs)} | ${b(fullBaseMs, ms)} | ${b(fullBaseMs, (v) => ratio(fullMs, v))} | ${cells} | ${us(check)} | ${b(checkBaseline, us)} | ${b(checkBaseline, (v) => ratio(check, v))} | ${us(checkWhy)} | ${b(checkWhyBaseline, us)} | ${b(checkWhyBaseline, (v) => ratio(checkWhy, v))} |`);
    }
  } finally {
    baseline?.cleanup();
  }
}

/** Median wall time of each command (node + args), the commands run in turn (A/B alternated) so that drift hits all alike. */
function alternated(commands: string[][], runs: number): number[] {
  const times: number[][] = commands.map(() => []);
  for (let r = 0; r < runs; r++) {
    const order = r % 2 === 0 ? commands.map((_, i) => i) : commands.map((_, i) => commands.length - 1 - i);
    for (const i of order) {
      const started = performance.now();
      const result = spawnSync(process.execPath, commands[i], { encoding: 'utf8', maxBuffer: 1 << 28 });
      times[i].push(performance.now() - started);
      if (result.status !== 0 && result.status !== 1) throw new Error(`node ${commands[i].join(' ')} failed: ${result.stderr}`);
    }
  }
  return times.map(medianOf);
}

function coldStart(args: string[], runs = 7): number {
  return alternated([[join(root, 'bin/netkit'), ...args]], runs)[0];
}

/**
 * `netkit` as a shell runs it, against what no CLI can beat: a bare `node -e 0` for the small
 * example, and a parse-only js-yaml read of the same file for the large one.
 */
function cliTable(): void {
  ensureCompiled();
  const dir = mkdtempSync(join(tmpdir(), 'netkit-bench-'));
  try {
    const small = join(root, 'examples/shop/dist');
    const n = quick ? 500 : 2000;
    const big = join(dir, 'apps.k8s.yaml');
    writeFileSync(big, netkitApp(netkit, n).synthYaml());
    const bin = join(root, 'bin/netkit');
    const runs = quick ? 7 : 21;
    const parseOnly = `require(${JSON.stringify(require.resolve('js-yaml'))}).loadAll(require('fs').readFileSync(${JSON.stringify(big)}, 'utf8'))`;
    const [bare, checkSmall, reachSmall] = alternated([['-e', '0'], [bin, 'check', small], [bin, 'reach', small, '--from', 'shop/web', '--to', 'shop/api', '--port', '8080']], runs);
    const [parse, checkBig, reachBig] = alternated([['-e', parseOnly], [bin, 'check', big], [bin, 'reach', big, '--from', 'team-0/app-0', '--to', 'team-0/app-1', '--port', '8080']], quick ? 3 : 7);
    console.log(`\n### CLI as a shell runs it (\`node bin/netkit\`, compiled dist/, medians of ${runs} and ${quick ? 3 : 7}, alternated with the baseline)\n`);
    console.log(`| command | shop example (${small.split('/').slice(-2).join('/')}) | × bare \`node -e 0\` | ${n.toLocaleString('en')} apps (${(statSync(big).size / 1048576).toFixed(1)} MiB) | × parse-only js-yaml read |`);
    console.log('| --- | ---: | ---: | ---: | ---: |');
    console.log(`| baseline | ${ms(bare)} | 1.00× | ${ms(parse)} | 1.00× |`);
    console.log(`| check | ${ms(checkSmall)} | ${ratio(checkSmall, bare)} | ${ms(checkBig)} | ${ratio(checkBig, parse)} |`);
    console.log(`| reach | ${ms(reachSmall)} | ${ratio(reachSmall, bare)} | ${ms(reachBig)} | ${ratio(reachBig, parse)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `netkit check` on the shop example under the Node.js versions users run, against a bare
 * `node -e 0` of the same binary: binaries from NETKIT_BENCH_NODES, a folder where the consumer
 * test's `node-versions` package was installed (`cp test/consumer/node-versions/package*.json
 * DIR && (cd DIR && npm ci)`), else only the running Node.
 */
function nodeVersionsTable(): void {
  ensureCompiled();
  const folder = process.env.NETKIT_BENCH_NODES;
  const binaries = folder
    ? [22, 24, 26].map((major) => join(folder, 'node_modules', `node${major}`, 'bin', 'node')).filter((bin) => { try { return statSync(bin).isFile(); } catch { return false; } })
    : [];
  if (binaries.length === 0) console.log('\n(NETKIT_BENCH_NODES not set or empty: measuring the running Node only; see bench/run.ts nodeVersionsTable)');
  const runs = quick ? 7 : 21;
  const shop = join(root, 'examples/shop/dist');
  const bin = join(root, 'bin/netkit');
  console.log(`\n### CLI start on each Node.js: \`netkit check\` on the shop example against a bare \`node -e 0\` (median of ${runs}, alternated, after a warm run; targets 3× under Node 24, 2.6× under Node 20)\n`);
  console.log('| Node.js | `node -e 0` | `netkit check` (shop) | × `node -e 0` | target |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  for (const node of [process.execPath, ...binaries]) {
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    spawnSync(node, [bin, 'check', shop]); // warm: the compile cache is written on the first run
    const times: number[][] = [[], []];
    for (let r = 0; r < runs; r++) {
      for (const [k, args] of (r % 2 === 0 ? [[0, ['-e', '0']], [1, [bin, 'check', shop]]] : [[1, [bin, 'check', shop]], [0, ['-e', '0']]]) as [number, string[]][]) {
        const started = performance.now();
        spawnSync(node, args);
        times[k].push(performance.now() - started);
      }
    }
    const [bare, check] = times.map(medianOf);
    const major = Number(/^v(\d+)/.exec(version)?.[1]);
    const target = major === 24 ? 3 : major === 20 ? 2.6 : undefined;
    console.log(`| ${version.slice(1)} | ${ms(bare)} | ${ms(check)} | ${ratio(check, bare)} | ${target === undefined ? '' : `${target}×: ${within(check / bare, target)}`} |`);
  }
}

/**
 * A second revision of the bench workload that widens something real: every pod of team-1 may
 * send anywhere, and every app of team-0 admits every namespace on 8080 (2,500 connections open).
 */
export function widenedRevision(yaml: string): string {
  const policy = (namespace: string, spec: string) => `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: widened, namespace: ${namespace}}\nspec:\n${spec}\n`;
  return yaml
    + policy('team-0', '  podSelector: {}\n  policyTypes: [Ingress]\n  ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 8080}]}]')
    + policy('team-1', '  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{}]');
}

function diffTable(): void {
  const n = quick ? 500 : 2000;
  const dir = mkdtempSync(join(tmpdir(), 'netkit-bench-diff-'));
  try {
    const before = netkitApp(netkit, n).synthYaml();
    writeFileSync(join(dir, 'before.yaml'), before);
    writeFileSync(join(dir, 'after.yaml'), widenedRevision(before));
    const runs = quick ? 3 : 5;
    const time = coldStart(['diff', join(dir, 'before.yaml'), join(dir, 'after.yaml'), '--format', 'json'], runs);
    const changes = JSON.parse(execFileSync(process.execPath, [join(root, 'bin/netkit'), 'diff', join(dir, 'before.yaml'), join(dir, 'after.yaml'), '--format', 'json', '--fail-on', 'never'], { encoding: 'utf8', maxBuffer: 1 << 28 })).changes.length;
    console.log(`\n### GitOps diff: two revisions of ${n.toLocaleString('en')} apps (\`netkit diff\`, whole process, median of ${runs})\n`);
    console.log('| revisions | connections changed | time |');
    console.log('| --- | ---: | ---: |');
    console.log(`| ${n.toLocaleString('en')} apps each | ${changes} | ${ms(time)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One `netkit` process: wall time and peak RSS (reported by bench/rss-hook.cjs). */
function netkitProcess(args: string[]): { ms: number; rssKiB: number } {
  // Output goes to a file, as `netkit ... > out.json` in CI: the bench process reading hundreds of
  // megabytes from a pipe would compete for the two cores and be counted in the figure.
  const outFile = join(tmpdir(), `netkit-bench-out-${process.pid}`);
  const out = openSync(outFile, 'w');
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--require', join(root, 'bench/rss-hook.cjs'), join(root, 'bin/netkit'), ...args], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', out, 'pipe'] });
  const ms = performance.now() - started;
  closeSync(out);
  rmSync(outFile, { force: true });
  if (result.status !== 0 && result.status !== 1) throw new Error(`netkit ${args.join(' ')} failed: ${result.stderr}`);
  return { ms, rssKiB: Number(/NETKIT_BENCH_MAXRSS_KIB (\d+)/.exec(result.stderr)?.[1] ?? 0) };
}

/**
 * `netkit replay` as a process: observed flow records (about a tenth distinct) against the
 * bench apps, as netkit CSV and as Hubble JSON lines, beside the parse-only floor of the
 * same file (reading it and splitting lines; JSON.parse of each line for Hubble).
 */
function replayTable(): void {
  ensureCompiled();
  const dir = mkdtempSync(join(tmpdir(), 'netkit-bench-replay-'));
  try {
    const apps = quick ? 500 : 2000;
    const manifests = join(dir, 'apps.k8s.yaml');
    writeFileSync(manifests, netkitApp(netkit, apps).synthYaml());
    const runs = quick ? 1 : 3;
    const rows = quick ? [['csv', 100_000], ['hubble', 20_000]] as const : [['csv', 1_000_000], ['hubble', 200_000], ['hubble', 1_000_000]] as const;
    console.log(`\n### Replaying observed flows (\`netkit replay --format json\`, ${apps.toLocaleString('en')} apps, whole process, median of ${runs})\n`);
    console.log('| format | records | distinct | file | parse-only floor | replay | peak RSS |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [format, records] of rows) {
      const file = join(dir, `flows.${format}`);
      const distinct = records / 10;
      if (format === 'csv') writeFileSync(file, flowsCsv(apps, distinct, records));
      else writeFlowsHubble(file, apps, distinct, records);
      // Read in chunks (a large export is more than one string may hold), split lines, parse each.
      const floorScript = `const fs=require('fs');const fd=fs.openSync(${JSON.stringify(file)},'r');const b=Buffer.alloc(8<<20);let rest='',n=0,k;while((k=fs.readSync(fd,b,0,b.length,null))>0){const t=rest+b.toString('utf8',0,k);const ls=t.split('\\n');rest=ls.pop();for(const l of ls)if(l)n+=${format === 'csv' ? 'l.split(",").length' : 'JSON.parse(l)?1:0'};}`;
      const floor = alternated([['-e', floorScript]], runs)[0];
      const results = Array.from({ length: runs }, () => netkitProcess(['replay', file, manifests, '--format', 'json']));
      const time = medianOf(results.map((r) => r.ms));
      const rss = Math.max(...results.map((r) => r.rssKiB));
      console.log(`| ${format} | ${records.toLocaleString('en')} | ${distinct.toLocaleString('en')} | ${(statSync(file).size / 1048576).toFixed(0)} MiB | ${ms(floor)} | ${ms(time)} | ${(rss / 1024).toFixed(0)} MiB |`);
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One library figure from bench/analyzer-child.ts, in its own process. */
function analyzerChild<T>(args: string[]): T & { maxRssKiB: number } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/analyzer-child.ts'), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`analyzer child ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T & { maxRssKiB: number };
}

/** `met` when a figure is within its target. */
const within = (value: number, target: number) => (value <= target ? 'met' : 'NOT met');

/**
 * The analyzer at scale as whole processes, each beside its library figure (the same work
 * from objects in memory, in a fresh process; target: within 2×) and the parse-only floor:
 * `netkit matrix --format json` on the bench's cluster in every dialect, and `netkit diff` of
 * it against a revision that changes one policy and one that opens a namespace to everyone.
 */
function scaleTable(): void {
  ensureCompiled();
  const dir = mkdtempSync(join(tmpdir(), 'netkit-bench-scale-'));
  try {
    const n = quick ? 2000 : 10000;
    const runs = quick ? 1 : 3;
    const write = (name: string, objects: readonly Record<string, unknown>[]) => {
      const file = join(dir, name);
      // As cdk8s and kubectl write manifests: no anchors for objects the generator happens to share.
      writeFileSync(file, objects.map((o) => stringify(o, { aliasDuplicateObjects: false })).join('---\n'));
      return file;
    };
    const parseOnly = (file: string) => alternated([['-e', `require(${JSON.stringify(require.resolve('js-yaml'))}).loadAll(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`]], 3)[0];
    console.log(`\n### The analyzer at scale: ${n.toLocaleString('en')} workloads, whole processes beside the library (target: within 2× of the library doing the same work; medians of ${runs}, alternated)\n`);
    console.log('Library: the same objects built in memory, timed in a fresh process (load, then the full matrix). Whole process: `netkit matrix FILE --format json --cni ...` written to a file, node start and YAML reading included. Peak RSS: the highest of the runs.\n');
    console.log('| dialect | cells | library load | library matrix | library load + matrix | peak RSS | parse-only floor | `netkit matrix --format json` | peak RSS | × library | target 2× |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const dialect of ['networkpolicy', 'cluster-tiers', 'cilium', 'calico'] as const) {
      const file = write(`${dialect}.yaml`, dialectCluster(n, dialect));
      // Library and whole process alternated, medians: one run of this machine varies by a third.
      const libraries: { load: number; matrix: number; cells: number; maxRssKiB: number }[] = [];
      const wholes: { ms: number; rssKiB: number }[] = [];
      for (let r = 0; r < runs; r++) {
        libraries.push(analyzerChild<{ load: number; matrix: number; cells: number }>(['matrix', String(n), dialect]));
        wholes.push(netkitProcess(['matrix', file, '--format', 'json', '--cni', BENCH_CNI[dialect]]));
      }
      const byTotal = [...libraries].sort((a, b) => a.load + a.matrix - (b.load + b.matrix));
      const library = { ...byTotal[Math.floor(runs / 2)], maxRssKiB: Math.max(...libraries.map((l) => l.maxRssKiB)) };
      const whole = { ms: medianOf(wholes.map((w) => w.ms)), rssKiB: Math.max(...wholes.map((w) => w.rssKiB)) };
      const floor = parseOnly(file);
      const total = library.load + library.matrix;
      console.log(`| ${dialect} | ${library.cells.toLocaleString('en')} | ${ms(library.load)} | ${ms(library.matrix)} | ${ms(total)} | ${mib(library.maxRssKiB)} | ${ms(floor)} | ${ms(whole.ms)} | ${mib(whole.rssKiB)} | ${ratio(whole.ms, total)} | ${within(whole.ms, 2 * total)} |`);
      rmSync(file, { force: true });
    }
    const before = dialectCluster(n, 'networkpolicy');
    const beforeFile = write('before.yaml', before);
    console.log(`\n#### \`netkit diff\` of two revisions of ${n.toLocaleString('en')} workloads (library: both loaded from objects, then \`NetworkModel.diff\`; whole process: \`netkit diff OLD NEW --format json\`, both revisions read and linted)\n`);
    console.log('| change | connections changed | library | peak RSS | `netkit diff` | peak RSS | × library | target 2× |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const change of ['one-policy', 'wide'] as const) {
      const afterFile = write(`${change}.yaml`, revisedCluster(before, change));
      const libraries: { diff: number; changes: number; maxRssKiB: number }[] = [];
      const wholes: { ms: number; rssKiB: number }[] = [];
      for (let r = 0; r < runs; r++) {
        libraries.push(analyzerChild<{ diff: number; changes: number }>(['diff', String(n), change]));
        wholes.push(netkitProcess(['diff', beforeFile, afterFile, '--format', 'json', '--fail-on', 'never']));
      }
      const library = { diff: medianOf(libraries.map((l) => l.diff)), changes: libraries[0].changes, maxRssKiB: Math.max(...libraries.map((l) => l.maxRssKiB)) };
      const whole = { ms: medianOf(wholes.map((w) => w.ms)), rssKiB: Math.max(...wholes.map((w) => w.rssKiB)) };
      const what = change === 'wide' ? 'a namespace opened to all ingress' : 'one workload may send to one more port';
      console.log(`| ${what} | ${library.changes.toLocaleString('en')} | ${ms(library.diff)} | ${mib(library.maxRssKiB)} | ${ms(whole.ms)} | ${mib(whole.rssKiB)} | ${ratio(whole.ms, library.diff)} | ${within(whole.ms, 2 * library.diff)} |`);
      rmSync(afterFile, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const cpu = cpus();
  if (quick) console.log('(quick run: smaller sizes, fewer iterations)\n');
  if (process.argv.includes('--only-process')) { wholeProcessTable(); return; }
  if (process.argv.includes('--only-cli')) { cliTable(); nodeVersionsTable(); return; }
  if (process.argv.includes('--only-analyzer')) { await analysisTable(); return; }
  if (process.argv.includes('--only-replay')) { replayTable(); return; }
  if (process.argv.includes('--only-scale')) { scaleTable(); return; }
  console.log(`## cdk8s-netkit benchmarks\n\nMachine: ${cpu.length} cores (${cpu[0]?.model.trim()}), Node ${process.version}. Medians; one process, warm-up first.`);
  wholeProcessTable();
  await synthTable();
  await analysisTable();
  cliTable();
  nodeVersionsTable();
  diffTable();
  replayTable();
  scaleTable();
}

if (require.main === module) void main();

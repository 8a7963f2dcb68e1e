/**
 * The library figures of the scale table, each in a fresh process so that runs do not share a
 * heap: the objects are built in memory (no YAML), then timed.
 *
 *   node --import tsx bench/analyzer-child.ts matrix <N> <dialect>
 *   node --import tsx bench/analyzer-child.ts diff <N> wide|one-policy
 *
 * Prints `{"load": ms, "matrix": ms, "cells": n, "maxRssKiB": n}` or `{"diff": ms, "changes": n, "maxRssKiB": n}`.
 * netkit is the compiled package (dist/), as the CLI runs it.
 */
import { BenchDialect, BENCH_CNI, dialectCluster, revisedCluster } from './clusters';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { NetworkModel } = require('../dist') as typeof import('../lib');

const [mode, count, variant] = process.argv.slice(2);
const n = Number(count);

if (mode === 'matrix') {
  const dialect = variant as BenchDialect;
  const objects = dialectCluster(n, dialect);
  const started = performance.now();
  const model = NetworkModel.fromObjects(objects, { cni: BENCH_CNI[dialect] });
  const loaded = performance.now();
  const cells = model.matrix().cells.length;
  const done = performance.now();
  console.log(JSON.stringify({ load: loaded - started, matrix: done - loaded, cells, maxRssKiB: process.resourceUsage().maxRSS }));
} else {
  const before = dialectCluster(n, 'networkpolicy');
  const after = revisedCluster(before, variant as 'wide' | 'one-policy');
  const started = performance.now();
  const diff = NetworkModel.diff(NetworkModel.fromObjects(before), NetworkModel.fromObjects(after));
  console.log(JSON.stringify({ diff: performance.now() - started, changes: diff.changes.length, maxRssKiB: process.resourceUsage().maxRSS }));
}

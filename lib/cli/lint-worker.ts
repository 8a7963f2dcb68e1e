/**
 * `netkit diff` lints both revisions for the findings a change adds or fixes. On large inputs
 * that is as much work as the review itself, and it needs nothing from it: a worker thread
 * reads both revisions again and lints them while the main thread builds the two models and
 * compares them. Twice the reading and about 1.6x the memory, for the lint's time off the
 * whole (test/package/tarball.test.ts holds the worker's answer to the inline one).
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { MANIFEST, readInputs } from './inputs';
import { LintDiff, diffFindings } from './review';
import { DocumentReuse } from '../analysis/input/loader';
import { ObjectMemo } from '../lint/object-memo';
import { lintReport } from '../lint/engine';
import { envNumber } from '../private/env-number';
import { LINT_WORKER_ARGUMENT } from '../private/worker-arguments';

/**
 * Revisions whose manifests together are smaller than this are linted inline: a worker's
 * start costs more than it saves (`NETKIT_PARALLEL_LINT_BYTES` overrides it, as the tests do).
 */
export const PARALLEL_LINT_BYTES = envNumber('NETKIT_PARALLEL_LINT_BYTES', 4 << 20);

/** What a worker is given: the paths of each revision, as given on the command line. */
interface LintJob { readonly old: readonly string[]; readonly new: readonly string[] }

/** Both revisions read (the new one reusing the old one's documents) and linted, compared. */
export function lintDiffOfObjects(before: Parameters<typeof lintReport>[0], after: Parameters<typeof lintReport>[0]): LintDiff {
  // Objects the revisions share (DocumentReuse) are judged once by the per-object rules.
  const memo = new ObjectMemo();
  return diffFindings(lintReport(before, { memo }).findings, lintReport(after, { memo }).findings);
}

function lintDiffOfPaths(job: LintJob): LintDiff {
  const reuse = new DocumentReuse();
  const before = readInputs(job.old, {}, undefined, false, reuse);
  reuse.nextRevision();
  const after = readInputs(job.new, {}, undefined, false, reuse);
  return lintDiffOfObjects(before.objects, after.objects);
}

/**
 * The bytes of the manifests under `paths`, counted until `enough`. Only an estimate for choosing
 * the worker: what cannot be read (a symbolic link loop, a folder without permission) counts
 * nothing here, and `readInputs` names it.
 */
function manifestBytes(paths: readonly string[], enough: number): number {
  let total = 0;
  const seen = new Set<string>();
  // A path given counts whatever its name; in a folder, the files readInputs reads.
  const visit = (path: string, given: boolean): void => {
    if (total >= enough) return;
    try {
      const stats = statSync(path);
      if (stats.isFile()) {
        if (given || MANIFEST.test(path)) total += stats.size;
      } else if (stats.isDirectory()) {
        const real = realpathSync(path);
        if (seen.has(real)) return;
        seen.add(real);
        for (const entry of readdirSync(path)) if (!entry.startsWith('.') && entry !== 'node_modules') visit(join(path, entry), false);
      }
    } catch {
      // not readable: counts nothing
    }
  };
  for (const path of paths) visit(path, true);
  return total;
}

/** The compiled file a worker runs (this module, or the one-file CLI holding it); none under a TypeScript loader. */
const WORKER_FILE = typeof __filename === 'string' && __filename.endsWith('.js') ? __filename : undefined;

/**
 * Starts linting both revisions in a worker thread when they are large, there is a second core
 * and netkit runs compiled; the answer is awaited when the review needs it. Undefined when the
 * lint should run inline. A worker that fails gives way to the inline lint (`fallback`).
 */
export function startLintDiff(oldPaths: readonly string[], newPaths: readonly string[], fallback: () => LintDiff): (() => Promise<LintDiff>) | undefined {
  const paths = [...oldPaths, ...newPaths];
  if (!WORKER_FILE || paths.includes('-') || availableParallelism() < 2 || manifestBytes(paths, PARALLEL_LINT_BYTES) < PARALLEL_LINT_BYTES) return undefined;
  const job: LintJob = { old: oldPaths, new: newPaths };
  const worker = new Worker(WORKER_FILE, { workerData: { netkitLintJob: job }, argv: [LINT_WORKER_ARGUMENT], execArgv: [] });
  // Until its answer is awaited, the worker does not hold the process open: a review that
  // fails on bad input exits at once instead of waiting for the lint.
  worker.unref();
  const answer = new Promise<LintDiff | undefined>((resolve) => {
    worker.once('message', (diff: LintDiff) => resolve(diff));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  return async () => {
    worker.ref();
    return (await answer) ?? fallback();
  };
}

// A worker started by startLintDiff: lint both revisions and post the comparison.
if (!isMainThread && (workerData as { netkitLintJob?: LintJob } | null)?.netkitLintJob) {
  parentPort!.postMessage(lintDiffOfPaths((workerData as { netkitLintJob: LintJob }).netkitLintJob));
}

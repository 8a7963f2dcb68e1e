/**
 * The arguments netkit's worker threads start with. The one-file CLI is its own worker file,
 * and its entry (lib/cli/bin.ts) reads these to load the job's module instead of the CLI.
 */
/** A flow-reading worker (lib/analysis/input/flows.ts). */
export const FLOW_WORKER_ARGUMENT = '--netkit-flow-worker';
/** A worker linting both revisions of `netkit diff` (lib/cli/lint-worker.ts). */
export const LINT_WORKER_ARGUMENT = '--netkit-lint-worker';

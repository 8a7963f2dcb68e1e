/**
 * The argument a flow-reading worker is started with (lib/analysis/input/flows.ts). The one-file
 * CLI is its own worker file, and its entry reads this instead of loading `worker_threads`.
 */
export const FLOW_WORKER_ARGUMENT = '--netkit-flow-worker';

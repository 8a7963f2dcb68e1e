import * as nodeModule from 'node:module';
import { FLOW_WORKER_ARGUMENT, LINT_WORKER_ARGUMENT } from '../private/worker-arguments';

// Node 22.1 and later cache compiled code on disk (in the OS temp folder, or NODE_COMPILE_CACHE):
// later runs of netkit skip compiling its modules. Turned on before the CLI's modules load.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

function startCli(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { run } = require('./main') as typeof import('./main');

  // A reader that stops early (`netkit matrix ... | head`) closes the pipe: that is the
  // reader's choice, not an error, so end quietly instead of printing an EPIPE stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }

  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

// The one-file CLI (dist/cli/netkit.js) is also the file its worker threads run: in a worker,
// load the module that takes the job instead of starting the CLI again.
/* eslint-disable @typescript-eslint/no-require-imports */
if (process.argv[2] === FLOW_WORKER_ARGUMENT) require('../analysis/input/flows');
else if (process.argv[2] === LINT_WORKER_ARGUMENT) require('./lint-worker');
else startCli();

import * as nodeModule from 'node:module';

// Node 22.1 and later cache compiled code on disk (in the OS temp folder, or NODE_COMPILE_CACHE):
// later runs of netkit skip compiling its modules. Turned on before the CLI's modules load.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

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

import { run } from './main';

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

// Loaded with --require: reports the process's peak RSS (KiB) on stderr as it exits.
process.on('exit', () => process.stderr.write(`\nNETKIT_BENCH_MAXRSS_KIB ${process.resourceUsage().maxRSS}\n`));

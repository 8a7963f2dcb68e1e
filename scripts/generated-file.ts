import { readFileSync, writeFileSync } from 'node:fs';

/**
 * What a generator script does with its output: with `--check`, exit 1 when the committed file
 * differs (naming the command that refreshes it); otherwise write it.
 */
export function writeOrCheck(target: string, generated: string, command: string, from = ''): void {
  if (process.argv.includes('--check')) {
    if (readFileSync(target, 'utf8') !== generated) {
      console.error(`${target} is stale: run ${command}`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(target, generated);
  console.log(`wrote ${target} (${generated.length} bytes${from ? `, from ${from}` : ''})`);
}

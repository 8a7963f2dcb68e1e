import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, LoadLimits, SourcedObject, loadYaml } from '../analysis/loader';

/** Objects read from files, with notices for what was skipped. */
export interface LoadedInputs {
  readonly objects: SourcedObject[];
  readonly notices: string[];
  readonly files: string[];
}

/**
 * Reads YAML files and directories (recursively, `*.yaml` and `*.yml`, in sorted order,
 * each real directory once so that symlink loops end). Any unreadable path is an
 * InputError naming it.
 */
export function readInputs(paths: readonly string[], limits: LoadLimits = {}): LoadedInputs {
  if (paths.length === 0) throw new InputError('no input: give one or more YAML files or directories.');
  const files: string[] = [];
  const notices: string[] = [];
  const seenDirectories = new Set<string>();
  const visit = (path: string, explicit: boolean): void => {
    let stats;
    try {
      stats = statSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') {
        if (explicit) throw new InputError(`${path}: cannot read (a symbolic link loop).`);
        notices.push(`${path}: skipped a symbolic link loop`);
        return;
      }
      throw new InputError(code === 'ENOENT' ? `${path}: no such file or directory.` : `${path}: cannot read (${code ?? String(error)}).`);
    }
    if (stats.isDirectory()) {
      const real = realpathSync(path);
      if (seenDirectories.has(real)) { notices.push(`${path}: skipped, already read (a symbolic link loop?)`); return; }
      seenDirectories.add(real);
      let entries: string[];
      try {
        entries = readdirSync(path).sort();
      } catch (error) {
        throw new InputError(`${path}: cannot read directory (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
      }
      for (const entry of entries) {
        if (entry === 'node_modules' || entry.startsWith('.')) continue;
        const child = join(path, entry);
        if (/\.ya?ml$/i.test(entry) || isDirectory(child)) visit(child, false);
      }
      return;
    }
    if (!stats.isFile()) {
      if (explicit) throw new InputError(`${path}: not a regular file.`);
      return;
    }
    files.push(path);
  };
  for (const path of paths) visit(path, true);
  const objects: SourcedObject[] = [];
  for (const file of files) {
    let text: string;
    try {
      const size = statSync(file).size;
      const max = limits.maxBytes ?? 32 * 1024 * 1024;
      if (size > max) throw new InputError(`${file}: file is ${(size / 1048576).toFixed(1)} MiB, over the ${(max / 1048576).toFixed(0)} MiB limit. Split it into smaller files.`);
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
    }
    const loaded = loadYaml(text, file, limits);
    objects.push(...loaded.objects);
    notices.push(...loaded.notices);
  }
  return { objects, notices, files };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return true; // let visit() report loops and permission problems
  }
}

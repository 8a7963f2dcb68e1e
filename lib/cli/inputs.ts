import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DocumentReuse, InputError, LoadLimits, LoadResult, SourcedObject, loadJson, loadYamlReusing } from '../analysis/input/loader';

/** Objects read from files, with notices for what was skipped. */
export interface LoadedInputs {
  /** The objects read, with file and line. */
  readonly objects: SourcedObject[];
  /** Files and documents skipped, and why. */
  readonly notices: string[];
  /** The files read (`-` for standard input). */
  readonly files: string[];
  /** Files that could not be parsed (with `tolerant`), each with its error. */
  readonly failures: InputError[];
}

/** The files kubectl reads from a directory: `*.yaml`, `*.yml` and `*.json`. */
/** The files `readInputs` reads in a folder. */
export const MANIFEST = /\.(ya?ml|json)$/i;
const MAX_BYTES = 32 * 1024 * 1024;

/**
 * Reads manifests from files, directories (recursively, `*.yaml`, `*.yml` and `*.json` in
 * sorted order, each real directory once so that symlink loops end) and `-` (standard
 * input, YAML or JSON). Every file or directory skipped is named in a notice; any
 * unreadable path given explicitly is an InputError naming it.
 */
export function readInputs(paths: readonly string[], limits: LoadLimits = {}, stdin: () => string = readStdin, tolerant = false, reuse?: DocumentReuse): LoadedInputs {
  if (paths.length === 0) throw new InputError('no input: give one or more YAML or JSON files or directories, or - for standard input.');
  const files: string[] = [];
  const notices: string[] = [];
  const seenDirectories = new Set<string>();
  const visit = (path: string, explicit: boolean): void => {
    if (explicit && path === '-') {
      if (!files.includes('-')) files.push('-');
      return;
    }
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
    // Helm renders its chart's templates into manifests; read as YAML they are not objects.
    const chart = explicit ? helmChartHolding(path) : stats.isDirectory() && isHelmTemplates(path) ? join(path, '..') : undefined;
    if (chart !== undefined) {
      const why = `in a Helm chart's templates, which are not manifests until rendered: check what \`helm template\` writes, e.g. helm template my-release ${chart} | netkit check -`;
      if (explicit) throw new InputError(`${path}: ${why}.`);
      notices.push(`${path}: skipped (${why})`);
      return;
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
        const child = join(path, entry);
        if (entry === 'node_modules' || entry.startsWith('.')) {
          notices.push(`${child}: skipped (${entry === 'node_modules' ? 'installed packages' : 'hidden'})`);
          continue;
        }
        if (MANIFEST.test(entry) || isDirectory(child)) visit(child, false);
        else notices.push(`${child}: skipped (not *.yaml, *.yml or *.json)`);
      }
      return;
    }
    if (!stats.isFile()) {
      if (explicit) throw new InputError(`${path}: not a regular file.`);
      notices.push(`${path}: skipped (not a regular file)`);
      return;
    }
    files.push(path);
  };
  for (const path of paths) visit(path, true);
  const objects: SourcedObject[] = [];
  const failures: InputError[] = [];
  for (const file of files) {
    let loaded: LoadResult;
    try {
      loaded = parse(file === '-' ? stdin() : readText(file, limits), file, limits, reuse);
    } catch (error) {
      // Lint reads every other file on; an answer about reachability cannot skip one.
      if (!tolerant || !(error instanceof InputError)) throw error;
      failures.push(error);
      continue;
    }
    objects.push(...loaded.objects);
    notices.push(...loaded.notices);
  }
  return { objects, notices, files, failures };
}

/** JSON for `*.json` (and for standard input that starts like JSON), YAML otherwise. */
function parse(text: string, file: string, limits: LoadLimits, reuse: DocumentReuse | undefined): LoadResult {
  const json = file === '-' ? /^\uFEFF?\s*[{[]/.test(text) && isJson(text) : /\.json$/i.test(file);
  return json ? loadJson(text, file === '-' ? '<stdin>' : file, limits) : loadYamlReusing(text, file === '-' ? '<stdin>' : file, limits, reuse);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return true;
  } catch {
    return false;
  }
}

function readText(file: string, limits: LoadLimits): string {
  try {
    const size = statSync(file).size;
    const max = limits.maxBytes ?? MAX_BYTES;
    if (size > max) throw new InputError(`${file}: file is ${(size / 1048576).toFixed(1)} MiB, over the ${(max / 1048576).toFixed(0)} MiB limit. Split it into smaller files.`);
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch (error) {
    throw new InputError(`-: cannot read standard input (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}

/**
 * A Helm chart's `templates` folder (beside its Chart.yaml): Go templates that Helm renders
 * into manifests, which read as YAML give objects no cluster would hold (`name: {{ ... }}`).
 */
function isHelmTemplates(path: string): boolean {
  return basename(resolve(path)) === 'templates' && existsSync(join(path, '..', 'Chart.yaml'));
}

/** The chart folder when the path is a Helm chart's templates folder or lies inside one. */
function helmChartHolding(path: string): string | undefined {
  for (let dir = path; ; dir = join(dir, '..')) {
    if (isHelmTemplates(dir)) return join(dir, '..');
    if (resolve(dir) === resolve(dir, '..')) return undefined;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return true; // let visit() report loops and permission problems
  }
}

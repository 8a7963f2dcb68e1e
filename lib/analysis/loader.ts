import { LineCounter, parseAllDocuments } from 'yaml';
import { isRecord } from './selectors';

/** A Kubernetes object with where it came from. */
export interface SourcedObject {
  readonly object: Record<string, unknown>;
  /** The file it was read from, if any. */
  readonly file?: string;
  /** The 1-based line its document starts on, if read from YAML. */
  readonly line?: number;
}

/** What loading found: objects, and documents that were skipped, with reasons. */
export interface LoadResult {
  readonly objects: SourcedObject[];
  readonly notices: string[];
}

/** Limits that keep hostile input from exhausting time or memory. */
export interface LoadLimits {
  /** Largest input accepted, in bytes. @default 16 MiB */
  readonly maxBytes?: number;
  /** Alias expansions allowed per document (kubectl-like YAML with anchors stays far below). @default 1000 */
  readonly maxAliasCount?: number;
}

/** Input that cannot be read as Kubernetes YAML. The message names the file and line. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Reads multi-document YAML (and `kind: List`) into objects. Anchors and aliases load as
 * kubectl loads them; an alias bomb, a too-large input or deep nesting is refused with an
 * InputError instead of exhausting memory or the stack. Keys such as `__proto__` become
 * ordinary own properties (the yaml package defines them rather than assigning).
 */
export function loadYaml(text: string, file = '<input>', limits: LoadLimits = {}): LoadResult {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  if (text.length > maxBytes) {
    throw new InputError(`${file}: input is ${(text.length / 1048576).toFixed(1)} MiB, over the ${(maxBytes / 1048576).toFixed(0)} MiB limit. Split it into smaller files.`);
  }
  if (text.includes('\u0000')) throw new InputError(`${file}: this is a binary file, not YAML.`);
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  let documents;
  try {
    documents = parseAllDocuments(source, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: false });
  } catch (error) {
    throw new InputError(`${file}: cannot parse YAML (${describeError(error)}).`);
  }
  const docs = Array.isArray(documents) ? documents : [];
  const objects: SourcedObject[] = [];
  const notices: string[] = [];
  for (const doc of docs) {
    const line = lineCounter.linePos(doc.contents?.range?.[0] ?? doc.range[0]).line;
    const firstError = doc.errors[0];
    if (firstError) {
      const at = lineCounter.linePos(firstError.pos[0]);
      throw new InputError(`${file}:${at.line}:${at.col}: invalid YAML: ${firstError.message.split('\n')[0]}`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount ?? 1000 });
    } catch (error) {
      throw new InputError(`${file}:${line}: cannot load this document (${describeError(error)}).`);
    }
    collect(value, file, line, objects, notices);
  }
  return { objects, notices };
}

/** Adds a value to the objects, unpacking `kind: List`; anything else becomes a notice. */
export function collect(value: unknown, file: string | undefined, line: number | undefined, objects: SourcedObject[], notices: string[]): void {
  const at = file ? `${file}${line ? `:${line}` : ''}` : 'input';
  if (value === null || value === undefined) return;
  if (!isRecord(value)) {
    notices.push(`${at}: skipped a document that is not a mapping`);
    return;
  }
  if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
    for (const item of value.items) collect(item, file, line, objects, notices);
    return;
  }
  if (typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
    notices.push(`${at}: skipped a document without apiVersion and kind (not a Kubernetes object)`);
    return;
  }
  if (value.metadata !== undefined && !isRecord(value.metadata)) {
    notices.push(`${at}: skipped ${value.kind} whose metadata is not a mapping`);
    return;
  }
  objects.push({ object: value, file, line });
}

function describeError(error: unknown): string {
  if (error instanceof RangeError) return 'nesting too deep';
  const message = error instanceof Error ? error.message : String(error);
  if (/alias/i.test(message)) return 'too many alias expansions; this looks like an alias bomb';
  return message.split('\n')[0];
}

import * as jsyaml from 'js-yaml';
import { FAILSAFE_SCHEMA, Type, YAMLException, load } from 'js-yaml';
import { ScalarType, readPlainBlockLines } from './block-yaml';
import { isRecord } from '../model/selectors';
import { yaml11Bool, yaml11Float, yaml11Int } from './yaml11';

/** A Kubernetes object with where it came from. */
export interface SourcedObject {
  /** The object, as read. */
  readonly object: Record<string, unknown>;
  /** The file it was read from. @default - none (given as an object) */
  readonly file?: string;
  /** The 1-based line its document starts on. @default - none (not read from YAML) */
  readonly line?: number;
}

/** What loading found: objects, and documents that were skipped, with reasons. */
export interface LoadResult {
  /** The objects read, with file and line. */
  readonly objects: SourcedObject[];
  /** Documents skipped, and why. */
  readonly notices: string[];
}

/** Limits that keep hostile input from exhausting time or memory. */
export interface LoadLimits {
  /** Largest input accepted, in bytes. @default 32 MiB */
  readonly maxBytes?: number;
  /** Nodes a document may expand to once aliases are followed (an alias bomb expands exponentially). @default 1,000,000 */
  readonly maxExpandedNodes?: number;
}

/** Input that cannot be read as Kubernetes YAML. The message names the file and line. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;
const DEFAULT_MAX_NODES = 1_000_000;
// Plain scalars resolve as kubectl resolves them (go-yaml v2, YAML 1.1: `010` is 8, `yes` is
// true; see yaml11.ts); timestamps stay strings, as kubectl's JSON conversion keeps them; merge
// keys (`<<: *defaults`), which Kubernetes manifests use. js-yaml keeps one type per tag, so
// go-yaml's float type stands in place of js-yaml's. (@types/js-yaml omits `types`.)
const TYPES = (jsyaml as unknown as { types: Record<'null' | 'merge', Type> }).types;
/** The schema YAML is read with, as kubectl reads it. @internal */
export const SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [TYPES.null, yaml11Bool, yaml11Int, yaml11Float, TYPES.merge] });
const DOCUMENT_MARKER = /^---(?:[ \t]|$)/;
// The implicit types js-yaml resolves plain scalars with, in its order, for the fast block reader;
// were a js-yaml release to stop exposing them, every document would simply go to js-yaml.
const IMPLICIT_TYPES = (SCHEMA as unknown as { compiledImplicit?: ScalarType[] }).compiledImplicit;

/**
 * Reads multi-document YAML (and `kind: List`) into objects. Anchors and aliases load as
 * kubectl loads them; an alias bomb, a too-large input or deep nesting is refused with an
 * InputError instead of exhausting memory or the stack. Keys such as `__proto__` become
 * ordinary own properties. Documents are split at their `---` markers and parsed one by
 * one, so every object knows its line.
 */
export function loadYaml(text: string, file = '<input>', limits: LoadLimits = {}): LoadResult {
  return loadYamlReusing(text, file, limits, undefined);
}

/**
 * The documents of one revision of some manifests, by their text, for reading the next
 * revision (`netkit diff`): a document whose text has not changed gets the object read the
 * first time instead of being parsed again. Each object is handed out once, so no two objects
 * of one revision are the same object (duplicates stay two objects, as the lint expects); the
 * two revisions share objects, which netkit only reads (test/analysis/loader-reuse.test.ts
 * runs a diff on deep-frozen shared objects). Give one to `readInputs` for each revision in
 * turn, calling `nextRevision()` between them.
 */
export class DocumentReuse {
  private readonly byText = new Map<string, unknown[]>();
  private recording = true;

  /** Documents read from now on are the next revision: taken from the first, not recorded. */
  public nextRevision(): void {
    this.recording = false;
  }

  /** The object read from this text in the first revision, if one is left to hand out. */
  public take(text: string): unknown {
    if (this.recording) return undefined;
    return this.byText.get(text)?.pop();
  }

  /** Keeps an object read from this text, while reading the first revision. */
  public record(text: string, value: unknown): void {
    if (!this.recording) return;
    const values = this.byText.get(text);
    if (values) values.push(value);
    else this.byText.set(text, [value]);
  }
}

/** loadYaml, reusing the previous revision's objects for unchanged documents. @internal */
export function loadYamlReusing(text: string, file: string, limits: LoadLimits, reuse: DocumentReuse | undefined): LoadResult {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  if (text.length > maxBytes) {
    throw new InputError(`${file}: input is ${(text.length / 1048576).toFixed(1)} MiB, over the ${(maxBytes / 1048576).toFixed(0)} MiB limit. Split it into smaller files.`);
  }
  if (text.includes('\u0000')) throw new InputError(`${file}: this is a binary file, not YAML.`);
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const objects: SourcedObject[] = [];
  const notices: string[] = [];
  for (const chunk of splitDocuments(source)) {
    const key = reuse ? chunk.reuseKey : undefined;
    const reused = key !== undefined ? reuse!.take(key) : undefined;
    if (reused !== undefined) {
      collect(reused, file, chunk.contentLine, objects, notices);
      continue;
    }
    let value: unknown;
    let plain: { value: unknown } | undefined;
    try {
      // Plain block YAML (what tools write) is read by the fast reader; anything else, and
      // every error, by js-yaml. Both give the same value (test/analysis/block-yaml.test.ts).
      plain = Array.isArray(IMPLICIT_TYPES) ? readPlainBlockLines(chunk.lines, chunk.start, chunk.end, IMPLICIT_TYPES) : undefined;
      value = plain ? plain.value : load(chunk.text, { schema: SCHEMA, filename: file, json: false });
    } catch (error) {
      throw new InputError(describeError(error, file, chunk.firstLine));
    }
    if (value === undefined || value === null) continue;
    // The fast reader shares no nodes and nests at most 90 deep: nothing to expand.
    const problem = plain ? undefined : expansionProblem(value, limits.maxExpandedNodes ?? DEFAULT_MAX_NODES, chunk.text);
    if (problem) throw new InputError(`${file}:${chunk.contentLine}: cannot load this document (${problem}).`);
    if (key !== undefined) reuse!.record(key, value);
    collect(value, file, chunk.contentLine, objects, notices);
  }
  return { objects, notices };
}

/**
 * Reads a JSON file (one object, or a list) as kubectl reads `*.json`: with a JSON parser,
 * so nothing is resolved the YAML way. A syntax error names the line.
 */
export function loadJson(text: string, file = '<input>', limits: LoadLimits = {}): LoadResult {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  if (text.length > maxBytes) {
    throw new InputError(`${file}: input is ${(text.length / 1048576).toFixed(1)} MiB, over the ${(maxBytes / 1048576).toFixed(0)} MiB limit. Split it into smaller files.`);
  }
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    // Node 20's message may lack a position: find where the syntax breaks.
    const message = String((error as Error).message);
    const line = source.slice(0, jsonErrorOffset(source)).split('\n').length;
    throw new InputError(`${file}:${line}: invalid JSON: ${message.replace(/ in JSON at position \d+.*$/s, '').replace(/, (\.\.\.)?"[^]*" is not valid JSON$/, '')}`);
  }
  const objects: SourcedObject[] = [];
  const notices: string[] = [];
  const problem = expansionProblem(value, limits.maxExpandedNodes ?? DEFAULT_MAX_NODES);
  if (problem) throw new InputError(`${file}:1: cannot load this document (${problem}).`);
  collect(value, file, 1, objects, notices);
  return { objects, notices };
}

/**
 * The offset at which JSON text stops being valid (a small recursive-descent scan, used
 * only to name the line of a syntax error).
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const space = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const fail = (): never => { throw i; };
  const literal = (word: string) => { if (text.startsWith(word, i)) i += word.length; else fail(); };
  const string = () => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail();
    i++;
  };
  const value = (depth: number): void => {
    if (depth > 10000) fail();
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) { i++; return; }
      for (;;) {
        if (c === '{') { space(); string(); space(); if (text[i] !== ':') fail(); i++; }
        value(depth + 1);
        space();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === close) { i++; return; }
        fail();
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i, i + 400));
    if (!number) fail();
    i += number![0].length;
  };
  try {
    value(0);
    space();
    return i;
  } catch (offset) {
    return typeof offset === 'number' ? offset : i;
  }
}

/** One document: its lines of the whole text, its first line and the line its content starts on (1-based). */
class Chunk {
  private joined?: string;

  constructor(public readonly lines: readonly string[], public readonly start: number, public readonly end: number, public readonly contentLine: number) {}

  public get firstLine(): number {
    return this.start + 1;
  }

  public get text(): string {
    return (this.joined ??= this.lines.slice(this.start, this.end).join('\n'));
  }

  /**
   * What decides this document's value: its lines from the first with content, and any
   * directive before them (`%TAG` changes how tags read); not the marker and comments above,
   * so a document reads as the same whether or not a `---` precedes it.
   */
  public get reuseKey(): string {
    const directives = this.lines.slice(this.start, this.contentLine - 1).filter((line) => line.startsWith('%'));
    const content = this.lines.slice(this.contentLine - 1, this.end).join('\n');
    return directives.length > 0 ? `${directives.join('\n')}\n---\n${content}` : content;
  }
}

function splitDocuments(source: string): Chunk[] {
  const lines = source.split(/\r?\n/);
  const chunks: Chunk[] = [];
  let start = 0;
  const flush = (end: number) => {
    if (end <= start) return;
    for (let content = start; content < end; content++) {
      const line = lines[content];
      const t = line.trim();
      if (t !== '' && t !== '---' && t !== '...' && !t.startsWith('#') && !line.startsWith('%')) {
        chunks.push(new Chunk(lines, start, end, content + 1));
        return;
      }
    }
  };
  // Whether every line since `start` is a directive (`%YAML`), blank or a comment: those belong
  // to the document after the next marker.
  let preambleOnly = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (DOCUMENT_MARKER.test(line)) {
      if (i > start && !preambleOnly) {
        flush(i);
        start = i;
      }
      preambleOnly = false;
    } else if (preambleOnly && !(line.startsWith('%') || line.trim() === '' || line.trimStart().startsWith('#'))) {
      preambleOnly = false;
    }
  }
  flush(lines.length);
  return chunks;
}

/** Deeper than this is not a Kubernetes object (the deepest real fields are about 20 levels). */
const MAX_DEPTH = 200;

/**
 * The number of nodes a value has once every alias is expanded, or a reason to refuse it:
 * past `max` nodes (an alias bomb) or `MAX_DEPTH` levels. Iterative, so a hostile depth
 * cannot overflow the stack; shared subtrees (aliases) count once per use.
 */
function expansionProblem(value: unknown, max: number, text?: string): string | undefined {
  // Without an alias (`*name`) no node is shared, and a text shorter than `max` cannot hold
  // `max` nodes: only the depth needs checking, which a plain walk does.
  if (text !== undefined && text.length < max && !text.includes('*')) return tooDeep(value, 1) ? `nesting deeper than ${MAX_DEPTH} levels` : undefined;
  const memo = new Map<object, number>();
  const visiting = new Set<object>();
  // Post-order walk with an explicit stack: [node, depth, childrenPushed].
  const stack: [object, number, boolean][] = [];
  if (typeof value === 'object' && value !== null) stack.push([value, 1, false]);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [node, depth, expanded] = top;
    if (memo.has(node)) { stack.pop(); continue; }
    const children = (Array.isArray(node) ? node : Object.values(node)).filter((c): c is object => typeof c === 'object' && c !== null);
    if (!expanded) {
      if (depth > MAX_DEPTH) return `nesting deeper than ${MAX_DEPTH} levels`;
      top[2] = true;
      visiting.add(node);
      for (const child of children) {
        if (visiting.has(child)) return 'an alias refers to a node that contains it';
        if (!memo.has(child)) stack.push([child, depth + 1, false]);
      }
      continue;
    }
    stack.pop();
    visiting.delete(node);
    let total = 1 + (Array.isArray(node) ? node.length : Object.keys(node).length) - children.length;
    for (const child of children) total += memo.get(child) ?? 1;
    if (total > max) return 'too many alias expansions; this looks like an alias bomb';
    memo.set(node, total);
  }
  return undefined;
}

/** Whether a tree (no shared nodes) nests deeper than MAX_DEPTH; recursion stops at that depth. */
function tooDeep(node: unknown, depth: number): boolean {
  if (typeof node !== 'object' || node === null) return false;
  if (depth > MAX_DEPTH) return true;
  if (Array.isArray(node)) {
    for (const child of node) if (tooDeep(child, depth + 1)) return true;
  } else {
    for (const key in node) if (Object.prototype.hasOwnProperty.call(node, key) && tooDeep((node as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

/**
 * Adds a value to the objects, unpacking lists; anything else becomes a notice. A typed list
 * (`kind: PodList`, as `kubectl get pods -o yaml` writes it) holds items without apiVersion
 * and kind; kubectl fills them from the list (kind minus `List`, the list's apiVersion), and
 * so does this. `kind: List` items carry their own.
 */
export function collect(value: unknown, file: string | undefined, line: number | undefined, objects: SourcedObject[], notices: string[], inherited?: { apiVersion: string; kind: string }): void {
  const at = file ? `${file}${line ? `:${line}` : ''}` : 'input';
  if (value === null || value === undefined) return;
  if (!isRecord(value)) {
    notices.push(`${at}: skipped a document that is not a mapping`);
    return;
  }
  if (inherited && (value.apiVersion === undefined || value.kind === undefined)) {
    value = { apiVersion: inherited.apiVersion, kind: inherited.kind, ...value };
  }
  const record = value as Record<string, unknown>;
  if (typeof record.kind === 'string' && record.kind.endsWith('List') && Array.isArray(record.items)) {
    const itemKind = record.kind.slice(0, -'List'.length);
    const typed = itemKind !== '' && typeof record.apiVersion === 'string' ? { apiVersion: record.apiVersion, kind: itemKind } : undefined;
    for (const item of record.items) collect(item, file, line, objects, notices, typed);
    return;
  }
  return collectObject(record, file, line, at, objects, notices);
}

function collectObject(value: Record<string, unknown>, file: string | undefined, line: number | undefined, at: string, objects: SourcedObject[], notices: string[]): void {
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

function describeError(error: unknown, file: string, firstLine: number): string {
  if (error instanceof RangeError) return `${file}:${firstLine}: cannot load this document (nesting too deep).`;
  if (error instanceof YAMLException) {
    const line = firstLine + (error.mark?.line ?? 0);
    const column = (error.mark?.column ?? 0) + 1;
    return `${file}:${line}:${column}: invalid YAML: ${error.reason}`;
  }
  return `${file}:${firstLine}: cannot load this document (${error instanceof Error ? error.message.split('\n')[0] : String(error)}).`;
}

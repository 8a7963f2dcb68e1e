/**
 * A fast reader for the plain block YAML that tools write (cdk8s, Helm, kustomize, `kubectl get
 * -o yaml`): block mappings and sequences, plain and simply quoted scalars, `{}` and `[]`.
 * Anything else (comments, anchors, tags, flow collections, block scalars, escapes, multi-line
 * scalars, duplicate keys, odd keys) is not read here: the caller hands the document to js-yaml,
 * which is also what reports every error. Plain scalars resolve through the very type list
 * js-yaml uses for the document's schema, so both readers give equal values; a differential
 * test holds them to it.
 */

/** The implicit types of a js-yaml schema, in the order js-yaml tries them. */
export interface ScalarType {
  resolve(data: string): boolean;
  construct(data: string): unknown;
}

/** Thrown to hand the document to js-yaml. */
class NotPlainBlock extends Error {}
const NOT_PLAIN = new NotPlainBlock();
const bail = (): never => { throw NOT_PLAIN; };

/** js-yaml refuses deeper nesting than 100; such input goes to it for that message. */
const MAX_DEPTH = 90;
/** A plain key that reads as a string whatever the schema (starts with a letter or `_`). */
const KEY = /^[A-Za-z_][A-Za-z0-9_.\/:-]*$/;
/** Characters that may not start a plain scalar this reader takes. */
/** `key: value` or `key:` after a sequence dash (sticky: tested from the item's content). */
const MAPPING_ITEM = /[^ "'{[][^ ]*?: |[^ "'{[][^ ]*?:$/y;
const INDICATORS = new Set(['?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`', '\t']);

class Reader {
  private index = 0;

  private readonly cache: Map<string, unknown>;

  /**
   * Content lines as two parallel lists: the line, and where its content starts (its
   * indentation; a `- key:` item's mapping moves that start two columns in).
   */
  constructor(private readonly raws: readonly string[], private readonly indents: number[], private readonly types: readonly ScalarType[]) {
    this.cache = resolvedCache(types);
  }

  public document(): unknown {
    if (this.raws.length === 0) bail();
    const value = this.node(this.indents[0], 0);
    if (this.index !== this.raws.length) bail();
    return value;
  }

  private node(indent: number, depth: number): unknown {
    if (depth > MAX_DEPTH) bail();
    return isSequenceItemAt(this.raws[this.index], indent) ? this.sequence(indent, depth) : this.mapping(indent, depth);
  }

  private mapping(indent: number, depth: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    while (this.index < this.raws.length) {
      const lineIndent = this.indents[this.index];
      const raw = this.raws[this.index];
      if (lineIndent < indent) break;
      if (lineIndent > indent) bail();
      // A `- ` at this indent continues an enclosing indentless sequence.
      if (isSequenceItemAt(raw, indent)) break;
      // The key ends at the first `: ` (or a `:` ending the line): a plain key may hold other colons (`k8s:app`).
      let colon = raw.indexOf(': ', indent);
      if (colon < 0 && raw.endsWith(':')) colon = raw.length - 1;
      if (colon <= indent) bail();
      const key = raw.slice(indent, colon);
      const after = raw.charCodeAt(colon + 1);
      if (!KEY.test(key) || this.plainValue(key) !== key || Object.prototype.hasOwnProperty.call(map, key)) bail();
      let value: unknown;
      this.index++;
      if (Number.isNaN(after)) {
        value = this.blockValue(indent, depth);
      } else {
        if (after !== 32) bail();
        const rest = raw.slice(colon + 2).trim();
        value = rest === '' ? this.blockValue(indent, depth) : this.inlineValue(rest, indent);
      }
      if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
      else map[key] = value;
    }
    return map;
  }

  /** The value of `key:` with nothing after it: a nested block, an indentless sequence, or null. */
  private blockValue(indent: number, depth: number): unknown {
    if (this.index >= this.raws.length) return null;
    const nextIndent = this.indents[this.index];
    if (nextIndent < indent) return null;
    if (nextIndent > indent) return this.node(nextIndent, depth + 1);
    return isSequenceItemAt(this.raws[this.index], indent) ? this.sequence(indent, depth + 1) : null;
  }

  private sequence(indent: number, depth: number): unknown[] {
    const list: unknown[] = [];
    while (this.index < this.raws.length) {
      const lineIndent = this.indents[this.index];
      const raw = this.raws[this.index];
      if (lineIndent !== indent || !isSequenceItemAt(raw, indent)) {
        if (lineIndent > indent) bail();
        break;
      }
      if (raw.length < indent + 3 || raw.charCodeAt(indent + 2) === 32 || isSequenceItemAt(raw, indent + 2)) bail();
      MAPPING_ITEM.lastIndex = indent + 2;
      if (MAPPING_ITEM.test(raw)) {
        // `- key: value` opens a mapping whose keys line up two columns in.
        this.indents[this.index] = indent + 2;
        list.push(this.mapping(indent + 2, depth + 1));
      } else {
        this.index++;
        list.push(this.inlineValue(raw.slice(indent + 2).trimEnd(), indent));
      }
    }
    return list;
  }

  /** A scalar (or `{}`/`[]`) written on its key's or dash's line; nothing may continue it below. */
  private inlineValue(text: string, indent: number): unknown {
    if (this.index < this.raws.length && this.indents[this.index] > indent) bail();
    const first = text[0];
    if (first === '"') {
      if (text.length < 2 || !text.endsWith('"') || text.indexOf('"', 1) !== text.length - 1 || text.includes('\\')) bail();
      return text.slice(1, -1);
    }
    if (first === "'") {
      const inner = text.slice(1, -1);
      if (text.length < 2 || !text.endsWith("'") || inner.replace(/''/g, '').includes("'")) bail();
      return inner.replace(/''/g, "'");
    }
    if (text === '{}') return {};
    if (text === '[]') return [];
    return this.plainValue(text);
  }

  /** A plain scalar, resolved as js-yaml resolves it (the schema's implicit types in order). */
  private plainValue(text: string): unknown {
    const cache = this.cache;
    const known = cache.get(text);
    if (known !== undefined || cache.has(text)) return known;
    if (INDICATORS.has(text[0]) || text === '-' || text.startsWith('- ') || text === '<<' || text.includes(': ') || text.includes(' #') || text.endsWith(':') || text.includes('\t')) bail();
    let value: unknown = text;
    for (const type of this.types) {
      if (type.resolve(text)) {
        value = type.construct(text);
        break;
      }
    }
    // Only scalars are cached (shared values must not be mutable); manifests repeat most of theirs.
    if (value === null || typeof value !== 'object') {
      if (cache.size > 50_000) cache.clear();
      cache.set(text, value);
    }
    return value;
  }
}

/** Plain scalars already resolved, per type list. */
const RESOLVED = new WeakMap<readonly ScalarType[], Map<string, unknown>>();
function resolvedCache(types: readonly ScalarType[]): Map<string, unknown> {
  let cache = RESOLVED.get(types);
  if (!cache) RESOLVED.set(types, (cache = new Map()));
  return cache;
}

/** Whether the line holds a `- ` item (or a lone `-`) at column `at`. */
const isSequenceItemAt = (raw: string, at: number): boolean => raw.charCodeAt(at) === 45 && (raw.length === at + 1 || raw.charCodeAt(at + 1) === 32);

/**
 * The document's value, or undefined when it is not plain block YAML (then js-yaml reads it).
 * `types`: the implicit types js-yaml would use.
 */
export function readPlainBlock(text: string, types: readonly ScalarType[]): { value: unknown } | undefined {
  return readPlainBlockLines(text.split('\n'), 0, undefined, types);
}

/** {@link readPlainBlock} over `lines[start, end)` of an already split text. */
export function readPlainBlockLines(lines: readonly string[], start: number, end: number | undefined, types: readonly ScalarType[]): { value: unknown } | undefined {
  const indents: number[] = [];
  const raws: string[] = [];
  const stop = end ?? lines.length;
  for (let i = start; i < stop; i++) {
    const raw = lines[i];
    if (raw.includes('#') || raw.includes('\t') || raw.includes('\r')) return undefined;
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    if (indent === raw.length) continue;
    if (raw.startsWith('---', indent) || raw.startsWith('...', indent)) {
      // The document's own start marker, alone on its line, is not content.
      if (raws.length === 0 && raw === '---') continue;
      return undefined;
    }
    indents.push(indent);
    raws.push(raw);
  }
  try {
    return { value: new Reader(raws, indents, types).document() };
  } catch (error) {
    if (error === NOT_PLAIN) return undefined;
    throw error;
  }
}

import { stringify } from 'yaml';

/**
 * A YAML writer for Kubernetes objects that produces exactly what cdk8s writes
 * (`yaml` with `keepUndefined`, `lineWidth: 0`, YAML 1.1), several times faster.
 *
 * Only the block structure is written here. Every scalar that is not obviously plain is
 * rendered by the `yaml` package itself (cached, since manifests repeat their strings), so
 * quoting can never differ; a document this writer does not handle (multi-line strings,
 * floats, odd keys) is handed to `yaml` whole. Byte-identity is tested against `yaml`.
 */
const OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

// YAML 1.1 reads these as booleans or null, so they are never plain strings.
const SPECIAL = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF', 'null', 'Null', 'NULL']);
const PLAIN = /^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

class Unsupported extends Error {}

const scalarCache = new Map<string, string>();

function scalar(value: string): string {
  if (PLAIN.test(value) && !SPECIAL.has(value)) return value;
  let rendered = scalarCache.get(value);
  if (rendered === undefined) {
    rendered = stringify(value, OPTIONS).slice(0, -1);
    if (rendered.includes('\n')) throw new Unsupported();
    if (scalarCache.size > 100_000) scalarCache.clear();
    scalarCache.set(value, rendered);
  }
  return rendered;
}

function key(name: string): string {
  if (PLAIN.test(name) && !SPECIAL.has(name)) return name;
  throw new Unsupported();
}

function inline(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string': return scalar(value);
    case 'boolean': return value ? 'true' : 'false';
    case 'number':
      if (Number.isSafeInteger(value)) return String(value);
      throw new Unsupported();
    case 'object':
      if (Array.isArray(value)) return value.length === 0 ? '[]' : undefined;
      return hasOwnKeys(value as object) ? undefined : '{}';
    default: throw new Unsupported();
  }
}

/** `Object.keys(object).length > 0`, without building the list (the writer asks for every mapping). */
function hasOwnKeys(object: object): boolean {
  for (const name in object) if (Object.prototype.hasOwnProperty.call(object, name)) return true;
  return false;
}

function writeMap(map: Record<string, unknown>, indent: string, out: string[], firstPrefix: string): void {
  let prefix = firstPrefix;
  for (const name of Object.keys(map)) {
    const value = map[name];
    const simple = inline(value);
    if (simple !== undefined) {
      out.push(`${prefix}${key(name)}: ${simple}\n`);
    } else {
      out.push(`${prefix}${key(name)}:\n`);
      writeBlock(value, `${indent}  `, out);
    }
    prefix = indent;
  }
}

function writeSeq(items: unknown[], indent: string, out: string[]): void {
  for (const item of items) {
    const simple = inline(item);
    if (simple !== undefined) out.push(`${indent}- ${simple}\n`);
    else if (Array.isArray(item)) throw new Unsupported();
    else writeMap(item as Record<string, unknown>, `${indent}  `, out, `${indent}- `);
  }
}

function writeBlock(value: unknown, indent: string, out: string[]): void {
  if (Array.isArray(value)) writeSeq(value, indent, out);
  else writeMap(value as Record<string, unknown>, indent, out, indent);
}

/** One document, as `yaml` would write it with cdk8s's options. */
export function stringifyDocument(document: unknown): string {
  if (document === null || typeof document !== 'object' || Array.isArray(document) || Object.keys(document).length === 0) {
    return stringify(document, OPTIONS);
  }
  try {
    const out: string[] = [];
    writeMap(document as Record<string, unknown>, '', out, '');
    return out.join('');
  } catch (error) {
    if (error instanceof Unsupported) return stringify(document, OPTIONS);
    throw error;
  }
}

/** Several documents joined as cdk8s joins them (`---`; an undefined document is an empty line). */
export function stringifyDocuments(documents: readonly unknown[]): string {
  return documents.map((d) => (d === undefined ? '\n' : stringifyDocument(d))).join('---\n');
}

import { Matrix, PublicPath, reachabilityOf } from '../analysis/queries/network-model';
import type { MatrixCell } from '../analysis/queries/matrix';
import { CompactCells, compactCellsOf } from '../analysis/queries/matrix-cells';

/** An endpoint as people read it: the internet stand-in says what it stands for. */
export function endpointLabel(matrix: Matrix, endpoint: string): string {
  return endpoint === matrix.internet ? `internet (${endpoint})` : endpoint;
}

/** The matrix as a text table: rows are sources, columns destinations, `-` for denied. */
export function matrixTable(matrix: Matrix): string {
  const allowed = new Map(matrix.cells.map((c) => [`${c.from}\u0000${c.to}`, c.ports]));
  const header = ['from \\ to', ...matrix.endpoints.map((e) => endpointLabel(matrix, e))];
  const rows = matrix.endpoints.map((from) => [endpointLabel(matrix, from), ...matrix.endpoints.map((to) => allowed.get(`${from}\u0000${to}`) ?? '-')]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return `${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}

/** The matrix as CSV, one allowed pair per line. */
export function matrixCsv(matrix: Matrix): string {
  const escape = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${['from,to,ports', ...matrix.cells.map((c) => [c.from, c.to, c.ports].map(escape).join(','))].join('\n')}\n`;
}

/** Public paths, one line each: the route, then every hop with its verdict. */
export function pathsText(paths: readonly PublicPath[]): string {
  if (paths.length === 0) return '';
  const lines = ['', 'Public paths (Ingress and HTTPRoute; internet stands for any outside address; reachable, not reachable or unknown):'];
  for (const path of paths) {
    const hops = path.hops.map((h) => `${h.from} -> ${h.to} ${h.port} ${h.allowed ? 'allowed' : 'DENIED'}`);
    const tail = path.problem ? [`cannot follow: ${path.problem}`] : [];
    lines.push(`  ${reachabilityOf(path.status).padEnd(13)} ${path.route} (${path.via}, Service ${path.service}): ${[...hops, ...tail].join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `matrix --format json`, the same text `JSON.stringify({ ...matrix, paths }, null, 2)` writes,
 * handed out in pieces of about a megabyte: a large cluster's matrix is millions of cells, more
 * than one string should hold.
 */
export function* matrixJsonChunks(matrix: Matrix, paths: readonly PublicPath[]): Generator<string> {
  // As JSON.stringify({ ...matrix, paths }, null, 2) writes it, without reading `cells` when the
  // matrix has them as numbers (millions of cells are never made objects).
  const compact = compactCellsOf(matrix);
  const keys = [...Object.keys(matrix).filter((k) => k !== 'paths'), 'paths'];
  const valueOf = (key: string): unknown => (key === 'paths' ? paths : (matrix as unknown as Record<string, unknown>)[key]);
  const present = keys.filter((k) => (k === 'cells' && compact) || valueOf(k) !== undefined);
  const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);
  let buffer = '{\n';
  for (let k = 0; k < present.length; k++) {
    const key = present[k];
    const last = k === present.length - 1 ? '' : ',';
    const count = key === 'cells' ? (compact ? compact.order.length : matrix.cells.length) : 0;
    if (key === 'cells' && count > 0) {
      buffer += `  ${JSON.stringify(key)}: [\n`;
      for (const piece of compact ? compactCellsJson(compact) : cellsJson(matrix.cells)) {
        yield buffer + piece;
        buffer = '';
      }
      buffer += `  ]${last}\n`;
    } else {
      const item = key === 'cells' ? [] : valueOf(key);
      buffer += `  ${JSON.stringify(key)}: ${indent(JSON.stringify(item, null, 2), '  ')}${last}\n`;
    }
    if (buffer.length > 1 << 20) { yield buffer; buffer = ''; }
  }
  yield `${buffer}}\n`;
}

/** A cell's JSON after its `to` value: the ports, built once per port text. */
function portsTailOf(tails: Map<string, string>, ports: string): string {
  let tail = tails.get(ports);
  if (tail === undefined) { tail = `,\n      "ports": ${JSON.stringify(ports)}\n    }`; tails.set(ports, tail); }
  return tail;
}

/** The cells' JSON in pieces of about a megabyte (cells come sorted by source: a run of them shares the text before `to`). */
function* cellsJson(cells: readonly MatrixCell[]): Generator<string> {
  const quoted = new Map<string, string>();
  const quote = (text: string) => { let q = quoted.get(text); if (q === undefined) { q = JSON.stringify(text); quoted.set(text, q); } return q; };
  const tails = new Map<string, string>();
  let from: string | undefined;
  let head = '';
  let piece = '';
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (c.from !== from) { from = c.from; head = `    {\n      "from": ${quote(from)},\n      "to": `; }
    piece += head + quote(c.to) + portsTailOf(tails, c.ports) + (i === cells.length - 1 ? '\n' : ',\n');
    if (piece.length > 1 << 20) { yield piece; piece = ''; }
  }
  yield piece;
}

/** The same from the numbers: each endpoint label quoted once. */
function* compactCellsJson(cells: CompactCells): Generator<string> {
  const quoted: (string | undefined)[] = new Array(cells.labels.length);
  const quote = (index: number) => (quoted[index] ??= JSON.stringify(cells.labels[index]));
  const tails = new Map<string, string>();
  let from = -1;
  let head = '';
  let piece = '';
  const n = cells.order.length;
  for (let k = 0; k < n; k++) {
    const i = cells.order[k];
    if (cells.from[i] !== from) { from = cells.from[i]; head = `    {\n      "from": ${quote(from)},\n      "to": `; }
    piece += head + quote(cells.to[i]) + portsTailOf(tails, cells.ports[i]) + (k === n - 1 ? '\n' : ',\n');
    if (piece.length > 1 << 20) { yield piece; piece = ''; }
  }
  yield piece;
}

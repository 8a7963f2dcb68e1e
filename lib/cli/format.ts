import { Matrix, PublicPath, reachabilityOf } from '../analysis/queries/network-model';

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
  const value: Record<string, unknown> = { ...matrix, paths };
  const keys = Object.keys(value).filter((k) => value[k] !== undefined);
  const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);
  let buffer = '{\n';
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    const item = value[key];
    const last = k === keys.length - 1 ? '' : ',';
    if (key === 'cells' && Array.isArray(item) && item.length > 0) {
      buffer += `  ${JSON.stringify(key)}: [\n`;
      const cells = item as Matrix['cells'];
      // Millions of cells name a few thousand endpoints and port texts: each is quoted once, and
      // a run of cells from one source (cells come sorted by source) shares the text before `to`.
      const quoted = new Map<string, string>();
      const quote = (text: string) => { let q = quoted.get(text); if (q === undefined) { q = JSON.stringify(text); quoted.set(text, q); } return q; };
      const portsTails = new Map<string, string>();
      let from: string | undefined;
      let head = '';
      for (let i = 0; i < cells.length; i++) {
        const c = cells[i];
        if (c.from !== from) { from = c.from; head = `    {\n      "from": ${quote(from)},\n      "to": `; }
        let tail = portsTails.get(c.ports);
        if (tail === undefined) { tail = `,\n      "ports": ${JSON.stringify(c.ports)}\n    }`; portsTails.set(c.ports, tail); }
        buffer += head + quote(c.to) + tail + (i === cells.length - 1 ? '\n' : ',\n');
        if (buffer.length > 1 << 20) { yield buffer; buffer = ''; }
      }
      buffer += `  ]${last}\n`;
    } else {
      buffer += `  ${JSON.stringify(key)}: ${indent(JSON.stringify(item, null, 2), '  ')}${last}\n`;
    }
    if (buffer.length > 1 << 20) { yield buffer; buffer = ''; }
  }
  yield `${buffer}}\n`;
}

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

import { Matrix } from '../analysis/network-model';

/** The matrix as a text table: rows are sources, columns destinations, `-` for denied. */
export function matrixTable(matrix: Matrix): string {
  const allowed = new Map(matrix.cells.map((c) => [`${c.from}\u0000${c.to}`, c.ports]));
  const header = ['from \\ to', ...matrix.endpoints];
  const rows = matrix.endpoints.map((from) => [from, ...matrix.endpoints.map((to) => allowed.get(`${from}\u0000${to}`) ?? '-')]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return `${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}

/** The matrix as CSV, one allowed pair per line. */
export function matrixCsv(matrix: Matrix): string {
  const escape = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${['from,to,ports', ...matrix.cells.map((c) => [c.from, c.to, c.ports].map(escape).join(','))].join('\n')}\n`;
}

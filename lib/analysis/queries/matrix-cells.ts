import type { Matrix, MatrixCell } from './matrix';
import { PortSet } from '../model/port-set';

/**
 * The cells found, destination by destination, kept as numbers (millions at scale), with the
 * text of each intersection computed once per pair of port sets (by identity: callers reuse
 * the sets they cache). Output is sorted by source, then destination.
 */
export class CellCollector {
  private readonly from: number[] = [];
  private readonly to: number[] = [];
  private readonly texts: string[] = [];
  private readonly ids = new Map<PortSet, number>();
  private readonly intersections = new Map<number, string | null>();
  private lastTo = -1;

  constructor(private readonly endpointCount: number) {}

  /** Records what `inbound` and `outbound` both allow; destinations must come in increasing order. */
  public add(fromIndex: number, toIndex: number, inbound: PortSet, outbound: PortSet): void {
    if (toIndex < this.lastTo) throw new Error('CellCollector: destinations out of order');
    this.lastTo = toIndex;
    const key = this.idOf(inbound) * 67108864 + this.idOf(outbound); // exact below 2^26 distinct sets
    let text = this.intersections.get(key);
    if (text === undefined) {
      const allowed = inbound.intersect(outbound);
      text = allowed.isEmpty ? null : allowed.toString();
      this.intersections.set(key, text);
    }
    if (text === null) return;
    this.from.push(fromIndex);
    this.to.push(toIndex);
    this.texts.push(text);
  }

  private idOf(set: PortSet): number {
    let id = this.ids.get(set);
    if (id === undefined) this.ids.set(set, (id = this.ids.size));
    return id;
  }

  /**
   * The matrix, cells ordered by source then destination (a counting sort: destinations came in
   * order). The cell objects are made when `cells` is first read: `netkit matrix --format json`
   * writes millions of cells from the numbers instead (`compactCellsOf`).
   */
  public matrix(labels: readonly string[]): Matrix {
    const starts = new Int32Array(this.endpointCount + 1);
    for (const f of this.from) starts[f + 1]++;
    for (let i = 0; i < this.endpointCount; i++) starts[i + 1] += starts[i];
    const from = new Int32Array(this.from.length);
    const to = new Int32Array(this.from.length);
    const ports: string[] = new Array(this.from.length);
    for (let k = 0; k < this.from.length; k++) {
      const at = starts[this.from[k]]++;
      from[at] = this.from[k];
      to[at] = this.to[k];
      ports[at] = this.texts[k];
    }
    return withCompactCells({ endpoints: labels }, { labels, from, to, ports });
  }
}

/** A matrix's cells as numbers: cell k goes from `labels[from[k]]` to `labels[to[k]]` on `ports[k]`. */
export interface CompactCells {
  readonly labels: readonly string[];
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly ports: readonly string[];
}

const COMPACT = Symbol('netkit.compactCells');

/**
 * `base` (endpoints first, then any other field) with `cells` made from `compact` when first
 * read, and `compact` kept for writers that want the numbers.
 */
export function withCompactCells<T extends object>(base: T, compact: CompactCells, after: object = {}): T & Matrix {
  let cells: MatrixCell[] | undefined;
  const result = { ...base } as T & Matrix;
  Object.defineProperty(result, 'cells', {
    enumerable: true,
    configurable: true,
    get: () => (cells ??= Array.from(compact.from, (f, k) => ({ from: compact.labels[f], to: compact.labels[compact.to[k]], ports: compact.ports[k] }))),
  });
  Object.assign(result, after);
  Object.defineProperty(result, COMPACT, { value: compact, enumerable: false });
  return result;
}

/** The numbers a matrix's cells were made from, when it has them (see `CellCollector.matrix`). */
export function compactCellsOf(matrix: Matrix): CompactCells | undefined {
  return (matrix as { [COMPACT]?: CompactCells })[COMPACT];
}

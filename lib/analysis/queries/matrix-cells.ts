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
   * order). With `lazy`, the cell objects are made when `cells` is first read: `netkit matrix
   * --format json` writes millions of cells from the numbers instead (`compactCellsOf`).
   */
  public matrix(labels: readonly string[], lazy = false): Matrix {
    const starts = new Int32Array(this.endpointCount + 1);
    for (const f of this.from) starts[f + 1]++;
    for (let i = 0; i < this.endpointCount; i++) starts[i + 1] += starts[i];
    if (!lazy) {
      const cells: MatrixCell[] = new Array(this.from.length);
      for (let k = 0; k < this.from.length; k++) {
        const f = this.from[k];
        cells[starts[f]++] = { from: labels[f], to: labels[this.to[k]], ports: this.texts[k] };
      }
      return { endpoints: labels, cells };
    }
    // The sorted order as indexes into the arrays kept: four bytes a cell, no copy of them.
    const order = new Int32Array(this.from.length);
    for (let k = 0; k < this.from.length; k++) order[starts[this.from[k]]++] = k;
    return withCompactCells({ endpoints: labels }, { labels, from: this.from, to: this.to, ports: this.texts, order });
  }
}

/**
 * A matrix's cells as numbers: the k-th cell, with `i = order[k]`, goes from
 * `labels[from[i]]` to `labels[to[i]]` on `ports[i]`.
 */
export interface CompactCells {
  readonly labels: readonly string[];
  readonly from: readonly number[];
  readonly to: readonly number[];
  readonly ports: readonly string[];
  readonly order: Int32Array;
}

const COMPACT = Symbol('netkit.compactCells');

/**
 * `base` (endpoints first, then any other field) with `cells` made from `compact` when first
 * read, and `compact` kept for writers that want the numbers until then (once the cells are
 * objects, the numbers are let go: a matrix holds one form at a time).
 */
export function withCompactCells<T extends object>(base: T, compact: CompactCells, after: object = {}): T & Matrix {
  let cells: MatrixCell[] | undefined;
  let numbers: CompactCells | undefined = compact;
  const result = { ...base } as T & Matrix;
  Object.defineProperty(result, 'cells', {
    enumerable: true,
    configurable: true,
    get: () => {
      if (cells) return cells;
      const { labels, from, to, ports, order } = numbers!;
      cells = new Array<MatrixCell>(order.length);
      for (let k = 0; k < order.length; k++) {
        const i = order[k];
        cells[k] = { from: labels[from[i]], to: labels[to[i]], ports: ports[i] };
      }
      numbers = undefined;
      return cells;
    },
  });
  Object.assign(result, after);
  Object.defineProperty(result, COMPACT, { get: () => numbers, enumerable: false });
  return result;
}

/** The numbers a matrix's cells were made from, when it has them (see `CellCollector.matrix`). */
export function compactCellsOf(matrix: Matrix): CompactCells | undefined {
  return (matrix as { [COMPACT]?: CompactCells })[COMPACT];
}

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

  /** The matrix, cells ordered by source then destination (a counting sort: destinations came in order). */
  public matrix(labels: readonly string[]): Matrix {
    const starts = new Int32Array(this.endpointCount + 1);
    for (const f of this.from) starts[f + 1]++;
    for (let i = 0; i < this.endpointCount; i++) starts[i + 1] += starts[i];
    const cells: MatrixCell[] = new Array(this.from.length);
    for (let k = 0; k < this.from.length; k++) {
      const f = this.from[k];
      cells[starts[f]++] = { from: labels[f], to: labels[this.to[k]], ports: this.texts[k] };
    }
    return { endpoints: labels, cells };
  }
}

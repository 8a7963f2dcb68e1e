/**
 * Sets of ports per protocol as sorted, disjoint, inclusive intervals: small for the
 * common cases (one port, a range, everything) and cheap to union and intersect.
 */

/** Protocols NetworkPolicy ports can name. */
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
/** A NetworkPolicy protocol. */
export type PolicyProtocol = typeof PROTOCOLS[number];

type Intervals = readonly (readonly [number, number])[];

/** One port of one protocol. */
export interface ProtocolPort {
  /** The protocol. */
  readonly protocol: PolicyProtocol;
  /** The port number. */
  readonly port: number;
}

/** An immutable set of (protocol, port) pairs. */
export class PortSet {
  /** No ports. */
  public static readonly NONE = new PortSet({ TCP: [], UDP: [], SCTP: [] });
  /** Every port of every protocol. */
  public static readonly ALL = new PortSet({ TCP: [[1, 65535]], UDP: [[1, 65535]], SCTP: [[1, 65535]] });

  /** Ports `from`-`to` of one protocol. */
  public static range(protocol: PolicyProtocol, from: number, to: number): PortSet {
    if (to < from) return PortSet.NONE;
    return new PortSet({ ...PortSet.NONE.intervals, [protocol]: [[Math.max(1, from), Math.min(65535, to)]] });
  }

  private constructor(private readonly intervals: Readonly<Record<PolicyProtocol, Intervals>>) {}

  /** Whether the set holds no port. */
  public get isEmpty(): boolean {
    return PROTOCOLS.every((p) => this.intervals[p].length === 0);
  }

  /** Whether the set holds `port` of `protocol`. */
  public has(protocol: PolicyProtocol, port: number): boolean {
    return this.intervals[protocol].some(([lo, hi]) => port >= lo && port <= hi);
  }

  /** The union. */
  public union(other: PortSet): PortSet {
    if (other.isEmpty || this === PortSet.ALL) return this;
    if (this.isEmpty || other === PortSet.ALL) return other;
    const result = {} as Record<PolicyProtocol, Intervals>;
    for (const p of PROTOCOLS) result[p] = mergeIntervals([...this.intervals[p], ...other.intervals[p]]);
    return new PortSet(result);
  }

  /** The intersection. */
  public intersect(other: PortSet): PortSet {
    if (other === PortSet.ALL) return this;
    if (this === PortSet.ALL) return other;
    const result = {} as Record<PolicyProtocol, Intervals>;
    for (const p of PROTOCOLS) {
      const out: [number, number][] = [];
      for (const [a1, a2] of this.intervals[p]) {
        for (const [b1, b2] of other.intervals[p]) {
          const lo = Math.max(a1, b1);
          const hi = Math.min(a2, b2);
          if (lo <= hi) out.push([lo, hi]);
        }
      }
      result[p] = mergeIntervals(out);
    }
    return new PortSet(result);
  }

  /** The ports of this set that `other` does not hold. */
  public minus(other: PortSet): PortSet {
    if (other.isEmpty) return this;
    if (other === PortSet.ALL) return PortSet.NONE;
    const result = {} as Record<PolicyProtocol, Intervals>;
    for (const p of PROTOCOLS) {
      let remaining: [number, number][] = this.intervals[p].map(([a, b]) => [a, b]);
      for (const [lo, hi] of other.intervals[p]) {
        remaining = remaining.flatMap(([a, b]): [number, number][] => {
          if (hi < a || lo > b) return [[a, b]];
          const parts: [number, number][] = [];
          if (a < lo) parts.push([a, lo - 1]);
          if (hi < b) parts.push([hi + 1, b]);
          return parts;
        });
      }
      result[p] = remaining;
    }
    return new PortSet(result);
  }

  /** One port of the set (the lowest, TCP first), for asking why it is allowed. */
  public first(): ProtocolPort | undefined {
    for (const p of PROTOCOLS) if (this.intervals[p].length > 0) return { protocol: p, port: this.intervals[p][0][0] };
    return undefined;
  }

  /** The set cut into its ranges, one set per protocol range (TCP first, lowest first). */
  public ranges(): PortSet[] {
    return PROTOCOLS.flatMap((p) => this.intervals[p].map(([lo, hi]) => PortSet.range(p, lo, hi)));
  }

  /** Whether both sets hold the same ports. */
  public equals(other: PortSet): boolean {
    return this.toString() === other.toString();
  }

  /** Reads the text {@link toString} writes (`all`, `none`, `TCP 8080, UDP 53, SCTP all`). */
  public static parse(text: string): PortSet {
    if (text === 'all') return PortSet.ALL;
    let set = PortSet.NONE;
    if (text === 'none' || text === '') return set;
    for (const part of text.split(', ')) {
      const match = /^(TCP|UDP|SCTP) (all|(\d+)(?:-(\d+))?)$/.exec(part);
      if (!match) throw new Error(`not a port set: ${text}`);
      const protocol = match[1] as PolicyProtocol;
      set = set.union(match[2] === 'all' ? PortSet.range(protocol, 1, 65535) : PortSet.range(protocol, Number(match[3]), Number(match[4] ?? match[3])));
    }
    return set;
  }

  /** Compressed text: `all`, `none`, or e.g. `TCP 8080, TCP 6379-6400, UDP 53, SCTP all`. */
  public toString(): string {
    if (this.isEmpty) return 'none';
    const full = (p: PolicyProtocol) => this.intervals[p].length === 1 && this.intervals[p][0][0] === 1 && this.intervals[p][0][1] === 65535;
    if (PROTOCOLS.every(full)) return 'all';
    const parts: string[] = [];
    for (const p of PROTOCOLS) {
      if (full(p)) { parts.push(`${p} all`); continue; }
      for (const [lo, hi] of this.intervals[p]) parts.push(lo === hi ? `${p} ${lo}` : `${p} ${lo}-${hi}`);
    }
    return parts.join(', ');
  }
}

function mergeIntervals(list: (readonly [number, number])[]): Intervals {
  if (list.length <= 1) return list;
  const sorted = [...list].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [[sorted[0][0], sorted[0][1]]];
  for (let i = 1; i < sorted.length; i++) {
    const last = out[out.length - 1];
    if (sorted[i][0] <= last[1] + 1) last[1] = Math.max(last[1], sorted[i][1]);
    else out.push([sorted[i][0], sorted[i][1]]);
  }
  return out;
}

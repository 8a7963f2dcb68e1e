import { CompiledModel, CompiledRule, Endpoint } from '../model/compiled-model';
import { PortSet } from '../model/port-set';
import { Bitset } from '../model/bitset';
import { tieredMatrix } from './tiered-matrix';
import { CellCollector } from './matrix-cells';

/** One cell of the reachability matrix. */
export interface MatrixCell {
  /** The source: a workload (`<namespace>/<name>`) or an address. */
  readonly from: string;
  /** The destination. */
  readonly to: string;
  /** Allowed ports, compressed: `all`, `TCP 8080`, `TCP 6379-6400, UDP 53`, ... */
  readonly ports: string;
}

/** Every ordered pair of endpoints with what may flow between them. */
export interface Matrix {
  /** Workloads, then the representative external endpoints. */
  readonly endpoints: readonly string[];
  /** Pairs with at least one allowed port; every other pair is fully denied. */
  readonly cells: readonly MatrixCell[];
  /** The endpoint that stands for any address on the internet. @default - none (external endpoints were given) */
  readonly internet?: string;
}

/**
 * Part of the matrix: the cells whose source is one of `rows` or whose destination is one of
 * `columns` (endpoint indexes: workloads, then the outside endpoints). A review compares only
 * the cells a change can reach.
 */
export interface MatrixScope {
  /** Sources whose whole row is wanted, in increasing order. */
  readonly rows: readonly number[];
  /** Destinations whose whole column is wanted. */
  readonly columns: ReadonlySet<number>;
}

/**
 * The full matrix. Cost is dominated by the N² pairs, so each pair does only bit tests:
 * for a destination, the ingress rules that match a source form a bitmask, and the union
 * of their ports is computed once per distinct mask; intersections and their text are
 * cached by the identities of the sets involved.
 */
export function computeMatrix(model: CompiledModel, externals: Endpoint[], scope?: MatrixScope, lazyCells = false): Matrix {
  const endpoints: Endpoint[] = [...model.workloads.map((_, index) => ({ kind: 'workload' as const, index })), ...externals];
  if (model.tiers || model.ordered || model.hasDenyTier || externals.some((e) => e.kind === 'external' && e.host !== undefined)) return tieredMatrix(model, endpoints, scope, lazyCells);
  const cells = new CellCollector(endpoints.length);
  const outbound = new OutboundPorts(model, endpoints);
  const workloadCount = model.workloads.length;
  endpoints.forEach((to, toIndex) => {
    // Part of the matrix: a destination outside the wanted columns is asked about the wanted rows only.
    const partial = scope !== undefined && !scope.columns.has(toIndex);
    if (partial && scope.rows.length === 0) return;
    const admitted = admittedWorkloads(model, to);
    const rows = partial ? scope.rows.filter((fromIndex) => fromIndex >= workloadCount || !admitted || admitted.has(fromIndex)) : undefined;
    if (rows && rows.length === 0) return;
    const inbound = inboundPorts(model, to);
    outbound.startDestination(to);
    const visit = (from: Endpoint, fromIndex: number) => {
      if (from.kind === 'external' && to.kind === 'external') return;
      const inSet = inbound(from);
      if (inSet.isEmpty) return;
      const outSet = outbound.toward(fromIndex, to);
      if (outSet.isEmpty) return;
      cells.add(fromIndex, toIndex, inSet, outSet);
    };
    if (rows) {
      for (const fromIndex of rows) visit(endpoints[fromIndex], fromIndex);
      return;
    }
    // An isolated destination admits only the workloads some ingress rule names: visit those
    // (most pairs of a large cluster are denied, and are never looked at), then the addresses.
    if (admitted) for (const fromIndex of admitted) visit(endpoints[fromIndex], fromIndex);
    else for (let fromIndex = 0; fromIndex < workloadCount; fromIndex++) visit(endpoints[fromIndex], fromIndex);
    for (let fromIndex = workloadCount; fromIndex < endpoints.length; fromIndex++) visit(endpoints[fromIndex], fromIndex);
  });
  return cells.matrix(endpoints.map((e) => model.label(e)), lazyCells);
}

/** The workloads an isolated destination's ingress rules name, when each rule names a set (none names every peer). */
function admittedWorkloads(model: CompiledModel, to: Endpoint): Bitset | undefined {
  if (to.kind === 'external' || model.ingressIsolation[to.index].length === 0) return undefined;
  const rules = model.ingressRules[to.index];
  const admitted = new Bitset(model.workloads.length);
  for (const rule of rules) {
    if (rule.workloads === null) return undefined;
    admitted.addAll(rule.workloads);
  }
  return admitted;
}

/** For one destination: a function from source to the ports its ingress admits. */
function inboundPorts(model: CompiledModel, to: Endpoint): (from: Endpoint) => PortSet {
  if (to.kind === 'external' || model.ingressIsolation[to.index].length === 0) return () => PortSet.ALL;
  const rules = model.ingressRules[to.index];
  const ports = rules.map((r) => model.rulePorts(r, to));
  if (rules.length > 30) return (from) => unionOf(model, rules, ports, from);
  const byMask = new Map<number, PortSet>();
  return (from) => {
    let mask = 0;
    for (let k = 0; k < rules.length; k++) if (model.ruleMatchesPeer(rules[k], from)) mask |= 1 << k;
    if (mask === 0) return PortSet.NONE;
    let set = byMask.get(mask);
    if (!set) {
      set = PortSet.NONE;
      for (let k = 0; k < rules.length; k++) if (mask & (1 << k)) set = set.union(ports[k]);
      byMask.set(mask, set);
    }
    return set;
  };
}

/**
 * The ports each source's egress admits toward the current destination. Sources whose
 * rules have fixed ports cache the union per bitmask of matching rules; rules with named
 * ports (which resolve on each destination) are computed per destination and interned.
 */
class OutboundPorts {
  private readonly byMask: (Map<number, PortSet> | undefined)[];
  private readonly interned = new Map<string, PortSet>();
  private namedPorts = new Map<CompiledRule, PortSet>();

  constructor(private readonly model: CompiledModel, private readonly endpoints: readonly Endpoint[]) {
    this.byMask = endpoints.map((e) => {
      if (e.kind === 'external') return undefined;
      const rules = model.egressRules[e.index];
      return rules.length <= 30 && rules.every((r) => r.fixedPorts !== undefined) ? new Map() : undefined;
    });
  }

  /** The destination's port declaration (CompiledModel.portSignatures); -1 for an outside endpoint. */
  private destinationSignature = -1;
  /** Per source with few rules: the union per (destination signature, mask of matching rules). */
  private readonly byNamedMask: (Map<number, PortSet> | undefined)[] = [];

  /**
   * Sources whose egress rules are the same (rules matching the same workloads, by shared
   * bitset, with the same ports) get the same answer toward any destination: an equivalence
   * class each, answered once per destination.
   */
  private classes?: Int32Array;

  /** Computed on first use: a part of the matrix may ask no source at all. */
  private get classOf(): Int32Array {
    if (!this.classes) this.classes = OutboundPorts.classesOf(this.model, this.endpoints);
    return this.classes;
  }
  private classAnswers: (PortSet | undefined)[] = [];

  private static classesOf(model: CompiledModel, endpoints: readonly Endpoint[]): Int32Array {
    const ids = new Map<object, number>();
    const idOf = (o: object) => {
      let id = ids.get(o);
      if (id === undefined) { id = ids.size; ids.set(o, id); }
      return id;
    };
    const classes = new Map<string, number>();
    const result = new Int32Array(endpoints.length).fill(-1);
    endpoints.forEach((e, i) => {
      if (e.kind === 'external' || model.egressIsolation[e.index].length === 0) return;
      const key = model.egressRules[e.index].map((r) => `${r.workloads === null ? 'all' : idOf(r.workloads)}/${JSON.stringify(r.rule.ports)}/${JSON.stringify((r.rule.peers ?? []).filter((p) => p.kind !== 'pods' && p.kind !== 'endpoints'), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`).join('|');
      let id = classes.get(key);
      if (id === undefined) { id = classes.size; classes.set(key, id); }
      result[i] = id;
    });
    return result;
  }

  public startDestination(to?: Endpoint): void {
    this.namedPorts = new Map();
    this.classAnswers = [];
    if (to === undefined || to.kind === 'external') { this.destinationSignature = -1; return; }
    this.destinationSignature = this.model.portSignatures[to.index];
  }

  public toward(fromIndex: number, to: Endpoint): PortSet {
    const from = this.endpoints[fromIndex];
    if (from.kind === 'external' || this.model.egressIsolation[from.index].length === 0) return PortSet.ALL;
    const klass = this.classOf[fromIndex];
    let answer = this.classAnswers[klass];
    if (answer === undefined) {
      answer = this.towardUncached(fromIndex, to);
      this.classAnswers[klass] = answer;
    }
    return answer;
  }

  private towardUncached(fromIndex: number, to: Endpoint): PortSet {
    const from = this.endpoints[fromIndex] as Extract<Endpoint, { kind: 'workload' }>;
    const rules = this.model.egressRules[from.index];
    const cache = this.byMask[fromIndex];
    if (cache) {
      let mask = 0;
      for (let k = 0; k < rules.length; k++) if (this.model.ruleMatchesPeer(rules[k], to)) mask |= 1 << k;
      if (mask === 0) return PortSet.NONE;
      let set = cache.get(mask);
      if (!set) {
        set = PortSet.NONE;
        for (let k = 0; k < rules.length; k++) if (mask & (1 << k)) set = set.union(rules[k].fixedPorts!);
        cache.set(mask, set);
      }
      return set;
    }
    if (rules.length <= 30 && this.destinationSignature >= 0) {
      // Named ports resolve on the destination: cache by its port declaration and the rules that match.
      let mask = 0;
      for (let k = 0; k < rules.length; k++) if (this.model.ruleMatchesPeer(rules[k], to)) mask |= 1 << k;
      if (mask === 0) return PortSet.NONE;
      let perSource = this.byNamedMask[fromIndex];
      if (!perSource) { perSource = new Map(); this.byNamedMask[fromIndex] = perSource; }
      const key = this.destinationSignature * 1073741824 + mask;
      let found = perSource.get(key);
      if (!found) {
        found = PortSet.NONE;
        for (let k = 0; k < rules.length; k++) if (mask & (1 << k)) found = found.union(rules[k].fixedPorts ?? this.model.rulePorts(rules[k], to));
        const text = found.toString();
        found = this.interned.get(text) ?? found;
        this.interned.set(text, found);
        perSource.set(key, found);
      }
      return found;
    }
    let set = PortSet.NONE;
    for (const rule of rules) {
      if (!this.model.ruleMatchesPeer(rule, to)) continue;
      let ports = rule.fixedPorts ?? this.namedPorts.get(rule);
      if (!ports) {
        ports = this.model.rulePorts(rule, to);
        this.namedPorts.set(rule, ports);
      }
      set = set.union(ports);
    }
    const key = set.toString();
    const known = this.interned.get(key);
    if (known) return known;
    this.interned.set(key, set);
    return set;
  }
}

function unionOf(model: CompiledModel, rules: readonly CompiledRule[], ports: readonly PortSet[], from: Endpoint): PortSet {
  let set = PortSet.NONE;
  for (let k = 0; k < rules.length; k++) if (model.ruleMatchesPeer(rules[k], from)) set = set.union(ports[k]);
  return set;
}

/**
 * What a change opens or closes: the reachability of two revisions compared connection by
 * connection, each change with the policy rule that now allows it or the change that closed it.
 */
import { PortSet } from '../model/port-set';
import { SurfaceItem, surfaceKey } from './surface';
import { parseIp } from '../../net/ip';

/** One connection whose allowed ports changed. */
export interface ConnectionChange {
  /** `added`: denied before, allowed now; `removed`: the reverse; `changed`: the port sets differ. */
  readonly change: 'added' | 'removed' | 'changed';
  /** The source: a workload or an address. */
  readonly from: string;
  /** The destination. */
  readonly to: string;
  /** The allowed ports before, as the matrix prints them (empty when none). */
  readonly before: string;
  /** The allowed ports after (empty when none). */
  readonly after: string;
  /** Ports the change opens (empty when none). */
  readonly widened: string;
  /** Ports the change closes (empty when none). */
  readonly narrowed: string;
  /** Why: the policy rules that now allow a widened port, or what closed a narrowed one. */
  readonly reasons: readonly string[];
}

/**
 * A rule that now admits more on one side while the other side still blocks it: no traffic
 * flows yet, but one change on the other side opens it. Grouped by workload, side and ports.
 */
export interface LatentWidening {
  /** The side whose rules widened: `ingress` (who may connect to `workload`) or `egress` (where it may connect). */
  readonly direction: 'ingress' | 'egress';
  /** The workload whose side widened. */
  readonly workload: string;
  /** The peers the side now admits more of (sources for ingress, destinations for egress). */
  readonly peers: readonly string[];
  /** The ports the side newly admits, as ranges (`TCP 8080`, `TCP 1-65535`). */
  readonly ports: string;
  /** The rules that now admit them, or that the side is no longer isolated. */
  readonly reasons: readonly string[];
  /** What still blocks it: the other side's policies. */
  readonly blockedBy: string;
}

/** Ways in that a change adds or removes, whatever the policies say today. */
export interface SurfaceDiff {
  /** Ways in the new revision adds. */
  readonly added: readonly SurfaceItem[];
  /** Ways in it removes. */
  readonly removed: readonly SurfaceItem[];
}

/** Names that appear or disappear between two revisions, sorted. */
export interface AddedRemoved {
  /** In the new revision only. */
  readonly added: readonly string[];
  /** In the old revision only. */
  readonly removed: readonly string[];
}

/** Two revisions compared. */
export interface NetworkDiff {
  /** Connections whose allowed ports changed, sorted by source and destination. */
  readonly changes: readonly ConnectionChange[];
  /** Rules that widened where the other side still blocks (no effective change yet). */
  readonly latent: readonly LatentWidening[];
  /** NodePorts, LoadBalancers, externalIPs, host ports and routes added or removed. */
  readonly surface: SurfaceDiff;
  /** Workloads (`<namespace>/<name>`) that appear or disappear. */
  readonly workloads: AddedRemoved;
  /** Namespaces that appear or disappear. */
  readonly namespaces: AddedRemoved;
  /** Whether any connection gained a port (what `--fail-on widened` fails on). */
  readonly widened: boolean;
}

/**
 * A revision's parts, as {@link NetworkModel.diffFingerprints} gives them: a cell can differ
 * between two revisions only where its source's egress side, its destination's ingress side,
 * or either end as a peer differs, or when anything else does (`global`).
 */
export interface DiffFingerprints {
  /** Everything the model reads besides the parts below. */
  readonly global: string;
  /** Per workload: what other sides' rules see of it. */
  readonly peers: ReadonlyMap<string, string>;
  /** Per workload and direction: the rule sets that apply to that side. */
  readonly sides: SideFingerprints;
}

/** Per workload, the rule sets that apply to each of its sides. */
export interface SideFingerprints {
  /** Who may connect to it. */
  readonly ingress: ReadonlyMap<string, string>;
  /** Where it may connect. */
  readonly egress: ReadonlyMap<string, string>;
}

/** What the diff needs of a model (NetworkModel satisfies it). */
export interface DiffModel {
  readonly workloads: readonly { readonly ref: string; readonly namespace: string; readonly labels?: unknown; readonly podLabelSets?: unknown; readonly ports?: unknown; readonly hostNetwork?: boolean }[];
  readonly namespaces: ReadonlyMap<string, unknown>;
  readonly policies: readonly { readonly ref: string }[];
  /** Its parts, so that only cells a change can reach are compared; without it every cell is. */
  diffFingerprints?(): DiffFingerprints;
  matrix(options?: { externalEndpoints?: string[]; hosts?: string[]; touching?: { sources: readonly string[]; destinations: readonly string[] } }): { readonly endpoints: readonly string[]; readonly cells: readonly { from: string; to: string; ports: string }[]; readonly internet?: string };
  check(query: { from: string; to: string; port: number; protocol?: string }): { allowed: boolean; egress: { allowedBy: readonly { policy: string; rule: number }[]; isolated: boolean }; ingress: { allowedBy: readonly { policy: string; rule: number }[]; isolated: boolean } };
  sidePorts(direction: 'ingress' | 'egress', self: string, other: string): PortSet;
  sideSignature(direction: 'ingress' | 'egress', ref: string): string;
  /** A key such that equal keys (same `self` and direction) give that side equal verdicts; without it nothing is cached. */
  sideClass?(direction: 'ingress' | 'egress', self: string, other: string): string;
  surface(): SurfaceItem[];
}

/**
 * Both revisions' matrices over the same outside endpoints: each model's own (the stand-in
 * internet, every single address and host name its policies name) when they agree, else both
 * again over the union.
 */
function matricesOf(before: DiffModel, after: DiffModel): { was: MatrixLike; now: MatrixLike; outside: string[]; scope?: ChangeScope } {
  const outsideOf = (m: MatrixLike, model: DiffModel) => {
    const workloads = new Set(model.workloads.map((w) => w.ref));
    return m.endpoints.filter((e) => !workloads.has(e));
  };
  const scope = changeScope(before, after);
  // With a scope, outside endpoints are read from an empty part of the matrix; without, the whole is wanted anyway.
  const nothing = { touching: { sources: [], destinations: [] } };
  const first = { was: before.matrix(scope ? nothing : undefined), now: after.matrix(scope ? nothing : undefined) };
  const wasOutside = outsideOf(first.was, before);
  const nowOutside = outsideOf(first.now, after);
  const outside = [...new Set([...wasOutside, ...nowOutside])];
  const same = outside.length === wasOutside.length && outside.length === nowOutside.length;
  if (same && !scope) return { ...first, outside };
  const options = (model: DiffModel) => {
    // Each revision is asked about the workloads it has; outside endpoints only one revision has are rows and columns of the change too.
    const has = new Set(model.workloads.map((w) => w.ref));
    const part = (refs: readonly string[]) => [...refs.filter((r) => has.has(r)), ...(same ? [] : outside)];
    return {
      ...(same ? {} : { externalEndpoints: outside.filter(isIp), hosts: outside.filter((e) => !isIp(e)) }),
      ...(scope ? { touching: { sources: part(scope.sources), destinations: part(scope.destinations) } } : {}),
    };
  };
  return { was: before.matrix(options(before)), now: after.matrix(options(after)), outside, ...(scope ? { scope } : {}) };
}

/** The workloads whose rows (sources) and columns (destinations) a change can reach. */
interface ChangeScope {
  readonly sources: readonly string[];
  readonly destinations: readonly string[];
  /** Workloads whose peer part differs, or that one revision lacks. */
  readonly peers: ReadonlySet<string>;
  /** Workloads whose side differs, per direction. */
  readonly sides: { readonly ingress: ReadonlySet<string>; readonly egress: ReadonlySet<string> };
}

/**
 * Where two revisions can differ, from their fingerprints: undefined (everything) when either
 * model has none or anything outside the per-workload parts differs.
 */
function changeScope(before: DiffModel, after: DiffModel): ChangeScope | undefined {
  const a = before.diffFingerprints?.();
  const b = after.diffFingerprints?.();
  if (!a || !b || a.global !== b.global) return undefined;
  const refs = new Set([...a.peers.keys(), ...b.peers.keys()]);
  const peers = new Set([...refs].filter((r) => a.peers.get(r) !== b.peers.get(r)));
  const sideChanged = (direction: 'ingress' | 'egress') => new Set([...refs].filter((r) => a.sides[direction].get(r) !== b.sides[direction].get(r)));
  const sides = { ingress: sideChanged('ingress'), egress: sideChanged('egress') };
  return {
    sources: [...new Set([...peers, ...sides.egress])],
    destinations: [...new Set([...peers, ...sides.ingress])],
    peers,
    sides,
  };
}

type MatrixLike = { readonly endpoints: readonly string[]; readonly cells: readonly { from: string; to: string; ports: string }[] };

const isIp = (text: string) => parseIp(text) !== undefined;

/**
 * The pairs whose ports differ, named and sorted by source then destination. Millions of
 * cells at scale: endpoints get numbers (the old revision's order, then what only the new one
 * has), both cell lists are walked in key order side by side, and only differing pairs are
 * named. A matrix lists cells by its own endpoint order, which matches the numbers unless the
 * revision reorders endpoints; then its cells are sorted by key first.
 */
function differingPairs(was: MatrixLike, now: MatrixLike): { from: string; to: string; beforeText: string; afterText: string }[] {
  const ids = new Map<string, number>();
  const labels: string[] = [];
  for (const e of [...was.endpoints, ...now.endpoints]) if (!ids.has(e)) { ids.set(e, labels.length); labels.push(e); }
  const SPAN = 2 ** 26;
  const keyed = (m: MatrixLike) => {
    const keys = new Float64Array(m.cells.length);
    let sorted = true;
    for (let k = 0; k < m.cells.length; k++) {
      keys[k] = ids.get(m.cells[k].from)! * SPAN + ids.get(m.cells[k].to)!;
      if (k > 0 && keys[k] <= keys[k - 1]) sorted = false;
    }
    if (sorted) return { keys, texts: (k: number) => m.cells[k].ports };
    const order = Array.from(keys.keys()).sort((a, b) => keys[a] - keys[b]);
    return { keys: Float64Array.from(order, (k) => keys[k]), texts: (k: number) => m.cells[order[k]].ports };
  };
  const a = keyed(was);
  const b = keyed(now);
  const differing: { from: string; to: string; beforeText: string; afterText: string }[] = [];
  const push = (key: number, beforeText: string, afterText: string) => differing.push({ from: labels[Math.floor(key / SPAN)], to: labels[key % SPAN], beforeText, afterText });
  let i = 0;
  let j = 0;
  while (i < a.keys.length || j < b.keys.length) {
    const ka = i < a.keys.length ? a.keys[i] : Infinity;
    const kb = j < b.keys.length ? b.keys[j] : Infinity;
    if (ka === kb) {
      const beforeText = a.texts(i++);
      const afterText = b.texts(j++);
      if (beforeText !== afterText) push(ka, beforeText, afterText);
    } else if (ka < kb) push(ka, a.texts(i++), '');
    else push(kb, '', b.texts(j++));
  }
  // Named output is sorted by text: each sort key is built once.
  const sortKeys = differing.map((d, k) => ({ key: `${d.from}\u0000${d.to}`, k }));
  sortKeys.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return sortKeys.map(({ k }) => differing[k]);
}

/**
 * Compares two models. Every ordered pair of endpoints present in either revision is looked
 * at; a workload that appears or disappears is listed, and its connections count as added or
 * removed (a new workload that anything may reach widens the cluster).
 */
export function diffModels(before: DiffModel, after: DiffModel): NetworkDiff {
  const { was, now, outside, scope } = matricesOf(before, after);
  const differing = differingPairs(was, now);
  const changes: ConnectionChange[] = [];
  const explainBefore = new Explainer(before);
  const explainAfter = new Explainer(after);
  const known = { after: new Set(after.workloads.map((w) => w.ref)), policies: new Set(after.policies.map((p) => p.ref)) };
  // Few distinct port texts: what each (before, after) pair widens and narrows is computed once.
  const deltas = new Map<string, { widened: PortSet; narrowed: PortSet; widenedText: string; narrowedText: string }>();
  for (const { from, to, beforeText, afterText } of differing) {
    const deltaKey = `${beforeText}\u0000${afterText}`;
    let delta = deltas.get(deltaKey);
    if (!delta) {
      const beforeSet = PortSet.parse(beforeText);
      const afterSet = PortSet.parse(afterText);
      const widened = afterSet.minus(beforeSet);
      const narrowed = beforeSet.minus(afterSet);
      delta = { widened, narrowed, widenedText: widened.isEmpty ? '' : widened.toString(), narrowedText: narrowed.isEmpty ? '' : narrowed.toString() };
      deltas.set(deltaKey, delta);
    }
    const { widened, narrowed, widenedText, narrowedText } = delta;
    if (widened.isEmpty && narrowed.isEmpty) continue;
    const change = beforeText === '' ? 'added' : afterText === '' ? 'removed' : 'changed';
    changes.push({
      change, from, to, before: beforeText, after: afterText,
      widened: widenedText,
      narrowed: narrowedText,
      reasons: [...reasonsWidened(explainAfter, from, to, widened), ...reasonsNarrowed(explainBefore, explainAfter, known, from, to, narrowed)],
    });
  }
  const refs = (model: DiffModel) => new Set(model.workloads.map((w) => w.ref));
  const spaces = (model: DiffModel) => new Set(model.namespaces.keys());
  const added = <T>(a: Set<T>, b: Set<T>) => [...b].filter((x) => !a.has(x)).sort();
  const beforeSurface = new Map(before.surface().map((i) => [surfaceKey(i), i]));
  const afterSurface = new Map(after.surface().map((i) => [surfaceKey(i), i]));
  return {
    changes,
    latent: latentWidening(before, after, explainBefore, explainAfter, outside, changes, scope),
    surface: {
      added: [...afterSurface].filter(([k]) => !beforeSurface.has(k)).map(([, i]) => i),
      removed: [...beforeSurface].filter(([k]) => !afterSurface.has(k)).map(([, i]) => i),
    },
    workloads: { added: added(refs(before), refs(after)), removed: added(refs(after), refs(before)) },
    namespaces: { added: added(spaces(before), spaces(after)), removed: added(spaces(after), spaces(before)) },
    widened: changes.some((c) => c.widened !== ''),
  };
}

/** What other sides' rules see of a workload: its labels, ports, host networking and namespace labels. */
function peerSignatures(model: DiffModel): Map<string, string> {
  return new Map(model.workloads.map((w) => [w.ref, JSON.stringify([w.labels, w.podLabelSets, w.ports, w.hostNetwork, model.namespaces.get(w.namespace)])]));
}

/**
 * Ports a side newly admits that the effective diff does not already list are latent. A side
 * is compared with every peer when its rules changed (its signature differs), and otherwise
 * only with the peers that changed (labels, ports, namespace labels), so the cost follows the
 * size of the change.
 */
function latentWidening(before: DiffModel, after: DiffModel, explainBefore: Explainer, explainAfter: Explainer, outside: readonly string[], changes: readonly ConnectionChange[], scope: ChangeScope | undefined): LatentWidening[] {
  const effective = new Map(changes.map((c) => [`${c.from}\u0000${c.to}`, c.widened]));
  const parsed = new Map<string, PortSet>();
  const parse = (text: string) => { let set = parsed.get(text); if (!set) { set = PortSet.parse(text); parsed.set(text, set); } return set; };
  const beforeRefs = new Set(before.workloads.map((w) => w.ref));
  const common = after.workloads.map((w) => w.ref).filter((r) => beforeRefs.has(r));
  const commonSet = new Set(common);
  const peers = [...common, ...outside];
  // The parts that differ: from the fingerprints when both models give them, else from signatures.
  const beforePeers = scope ? undefined : peerSignatures(before);
  const afterPeers = scope ? undefined : peerSignatures(after);
  const changedPeers = common.filter((r) => (scope ? scope.peers.has(r) : beforePeers!.get(r) !== afterPeers!.get(r)));
  const sideChanged = (direction: 'ingress' | 'egress', self: string) => (scope ? scope.sides[direction].has(self) : before.sideSignature(direction, self) !== after.sideSignature(direction, self));
  const groups = new Map<string, { direction: 'ingress' | 'egress'; workload: string; ports: string; reasons: string[]; peers: string[] }>();
  for (const self of common) {
    for (const direction of ['ingress', 'egress'] as const) {
      const rulesChanged = sideChanged(direction, self);
      // Peers in the same side class in both revisions get the same answer: asked once.
      const latentByClass = new Map<string, { ports: string; reasons: string[] } | null>();
      for (const other of rulesChanged ? peers : changedPeers) {
        if (other === self || (!commonSet.has(other) && other.includes('/'))) continue;
        const afterClass = after.sideClass?.(direction, self, other);
        const beforeClass = before.sideClass?.(direction, self, other);
        const pair = direction === 'ingress' ? `${other}\u0000${self}` : `${self}\u0000${other}`;
        const effectiveText = effective.get(pair) ?? '';
        const classKey = afterClass !== undefined && beforeClass !== undefined ? `${afterClass}\u0000${beforeClass}\u0000${effectiveText}` : undefined;
        let found = classKey === undefined ? undefined : latentByClass.get(classKey);
        if (found === undefined) {
          const widened = explainAfter.sidePorts(direction, self, other).minus(explainBefore.sidePorts(direction, self, other));
          const latent = widened.minus(parse(effectiveText));
          const [from, to] = direction === 'ingress' ? [other, self] : [self, other];
          found = latent.isEmpty ? null : {
            ports: latent.toString(),
            reasons: groupedReasons(latent, (port) => {
              const side = explainAfter.check(from, to, port)[direction];
              if (!side) return '';
              return side.isolated ? `by ${rules(side, direction).join(' and ')}` : `${self} is no longer isolated for ${direction}`;
            }),
          };
          if (classKey !== undefined) latentByClass.set(classKey, found);
        }
        if (found === null) continue;
        const key = [direction, self, found.ports, found.reasons.join(';')].join('\u0000');
        const group = groups.get(key) ?? { direction, workload: self, ports: found.ports, reasons: found.reasons, peers: [] };
        group.peers.push(other);
        groups.set(key, group);
      }
    }
  }
  return [...groups.values()].map((g) => ({
    ...g,
    blockedBy: g.direction === 'ingress' ? `the egress of ${g.peers.length === 1 ? g.peers[0] : 'those peers'}` : `the ingress of ${g.peers.length === 1 ? g.peers[0] : 'those peers'}`,
  }));
}

/**
 * One revision's side verdicts, asked once per side class: a change that opens
 * a namespace to 10,000 sources is explained with one check per distinct answer, not one per
 * pair. Without {@link DiffModel.sideClass}, each pair is asked.
 */
class Explainer {
  private readonly sides = new Map<string, SideAnswer | null>();

  constructor(private readonly model: DiffModel) {}

  private key(direction: 'ingress' | 'egress', self: string, other: string, rest: string): string | undefined {
    const klass = this.model.sideClass?.(direction, self, other);
    return klass === undefined ? undefined : `${direction}\u0000${self}\u0000${klass}\u0000${rest}`;
  }

  /** Both sides' verdicts on one port (`undefined` for a side when the pair cannot be checked). */
  public check(from: string, to: string, port: { protocol: string; port: number }): { egress?: SideAnswer; ingress?: SideAnswer } {
    const rest = `${port.protocol}/${port.port}`;
    const egressKey = this.key('egress', from, to, rest);
    const ingressKey = this.key('ingress', to, from, rest);
    let egress = egressKey === undefined ? undefined : this.sides.get(egressKey);
    let ingress = ingressKey === undefined ? undefined : this.sides.get(ingressKey);
    if (egress === undefined || ingress === undefined) {
      const verdict = safeCheck(this.model, from, to, port);
      egress = verdict?.egress ?? null;
      ingress = verdict?.ingress ?? null;
      if (egressKey !== undefined) this.sides.set(egressKey, egress);
      if (ingressKey !== undefined) this.sides.set(ingressKey, ingress);
    }
    return { ...(egress ? { egress } : {}), ...(ingress ? { ingress } : {}) };
  }

  /** What one side alone admits (see {@link DiffModel.sidePorts}); nothing when the pair cannot be asked. Latent widening asks it once per side class. */
  public sidePorts(direction: 'ingress' | 'egress', self: string, other: string): PortSet {
    try {
      return this.model.sidePorts(direction, self, other);
    } catch {
      return PortSet.NONE;
    }
  }
}

type SideAnswer = { readonly allowedBy: readonly { policy: string; rule: number }[]; readonly isolated: boolean };

/** `<ranges> <reason>` per distinct reason: each range is asked once, at its first port. */
function groupedReasons(ports: PortSet, reasonAt: (port: { protocol: string; port: number }) => string): string[] {
  const byReason = new Map<string, PortSet>();
  for (const range of ports.ranges()) {
    const reason = reasonAt(range.first()!);
    byReason.set(reason, (byReason.get(reason) ?? PortSet.NONE).union(range));
  }
  return [...byReason].map(([reason, set]) => `${set.toString()}${reason ? ` ${reason}` : ''}`);
}

function safeCheck(model: DiffModel, from: string, to: string, port: { protocol: string; port: number }) {
  try {
    return model.check({ from, to, port: port.port, protocol: port.protocol });
  } catch {
    return undefined;
  }
}

const rules = (side: { allowedBy: readonly { policy: string; rule: number }[] }, direction: string) => side.allowedBy.map((r) => `${r.policy} ${direction}[${r.rule}]`);

/** The rules that let a widened port through, or that no policy isolates that side. */
function reasonsWidened(after: Explainer, from: string, to: string, widened: PortSet): string[] {
  return groupedReasons(widened, (port) => {
    const verdict = after.check(from, to, port);
    if (!verdict.egress || !verdict.ingress) return '';
    // Outside addresses (no '/') have no policy of their own: only cluster sides explain.
    const egress = !from.includes('/') ? [] : verdict.egress.isolated ? rules(verdict.egress, 'egress') : [`${from} not being isolated for egress`];
    const ingress = !to.includes('/') ? [] : verdict.ingress.isolated ? rules(verdict.ingress, 'ingress') : [`${to} not being isolated for ingress`];
    return `now allowed by ${[...egress, ...ingress].join(' and ')}`;
  }).filter((r) => r.includes(' now allowed by '));
}

/** What closed a narrowed port: the rules that allowed it, and what became of their policies. */
function reasonsNarrowed(before: Explainer, after: Explainer, refs: { after: ReadonlySet<string>; policies: ReadonlySet<string> }, from: string, to: string, narrowed: PortSet): string[] {
  if (narrowed.isEmpty) return [];
  // Workload refs have a '/', outside addresses do not.
  if (from.includes('/') && !refs.after.has(from)) return [`${from} was removed`];
  if (to.includes('/') && !refs.after.has(to)) return [`${to} was removed`];
  return groupedReasons(narrowed, (port) => {
    const verdict = before.check(from, to, port);
    if (!verdict.egress || !verdict.ingress) return '';
    const was = [...verdict.egress.allowedBy.map((r) => ({ ...r, direction: 'egress' })), ...verdict.ingress.allowedBy.map((r) => ({ ...r, direction: 'ingress' }))];
    const now = after.check(from, to, port);
    const fate = was.map((r) => `${r.policy} ${r.direction}[${r.rule}] ${refs.policies.has(r.policy) ? 'changed' : 'removed'}`);
    const newlyIsolated = [
      ...(now.egress?.isolated && !verdict.egress.isolated ? [`${from} is now isolated for egress`] : []),
      ...(now.ingress?.isolated && !verdict.ingress.isolated ? [`${to} is now isolated for ingress`] : []),
    ];
    return `no longer allowed: ${[...fate, ...newlyIsolated].join(', ') || 'the policies that allowed it changed'}`;
  }).filter((r) => r.includes(' no longer allowed: '));
}

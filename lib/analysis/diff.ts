/**
 * What a change opens or closes: the reachability of two revisions compared connection by
 * connection, each change with the policy rule that now allows it or the change that closed it.
 */
import { PortSet } from './port-set';

/** One connection whose allowed ports changed. */
export interface ConnectionChange {
  /** `added`: denied before, allowed now; `removed`: the reverse; `changed`: the port sets differ. */
  readonly change: 'added' | 'removed' | 'changed';
  readonly from: string;
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

/** Two revisions compared. */
export interface NetworkDiff {
  readonly changes: readonly ConnectionChange[];
  readonly workloads: { readonly added: readonly string[]; readonly removed: readonly string[] };
  readonly namespaces: { readonly added: readonly string[]; readonly removed: readonly string[] };
  /** Whether any connection gained a port (what `--fail-on widened` fails on). */
  readonly widened: boolean;
}

/** What the diff needs of a model (NetworkModel satisfies it). */
export interface DiffModel {
  readonly workloads: readonly { readonly ref: string; readonly namespace: string }[];
  readonly namespaces: ReadonlyMap<string, unknown>;
  readonly policies: readonly { readonly ref: string }[];
  matrix(options?: { externalEndpoints?: string[] }): { readonly endpoints: readonly string[]; readonly cells: readonly { from: string; to: string; ports: string }[]; readonly internet?: string };
  check(query: { from: string; to: string; port: number; protocol?: string }): { allowed: boolean; egress: { allowedBy: readonly { policy: string; rule: number }[]; isolated: boolean }; ingress: { allowedBy: readonly { policy: string; rule: number }[]; isolated: boolean } };
}

/** Outside endpoints both revisions are compared on: the stand-in internet and every single address either names. */
function externals(model: DiffModel): string[] {
  const workloads = new Set(model.workloads.map((w) => w.ref));
  return model.matrix().endpoints.filter((e) => !workloads.has(e));
}

/**
 * Compares two models. Every ordered pair of endpoints present in either revision is looked
 * at; a workload that appears or disappears is listed, and its connections count as added or
 * removed (a new workload that anything may reach widens the cluster).
 */
export function diffModels(before: DiffModel, after: DiffModel): NetworkDiff {
  const outside = [...new Set([...externals(before), ...externals(after)])];
  const cellsOf = (model: DiffModel) => new Map(model.matrix({ externalEndpoints: outside }).cells.map((c) => [`${c.from}\u0000${c.to}`, c.ports]));
  const was = cellsOf(before);
  const now = cellsOf(after);
  const changes: ConnectionChange[] = [];
  for (const key of [...new Set([...was.keys(), ...now.keys()])].sort()) {
    const beforeText = was.get(key) ?? '';
    const afterText = now.get(key) ?? '';
    if (beforeText === afterText) continue;
    const [from, to] = key.split('\u0000');
    const beforeSet = PortSet.parse(beforeText);
    const afterSet = PortSet.parse(afterText);
    const widened = afterSet.minus(beforeSet);
    const narrowed = beforeSet.minus(afterSet);
    if (widened.isEmpty && narrowed.isEmpty) continue;
    const change = beforeText === '' ? 'added' : afterText === '' ? 'removed' : 'changed';
    changes.push({
      change, from, to, before: beforeText, after: afterText,
      widened: widened.isEmpty ? '' : widened.toString(),
      narrowed: narrowed.isEmpty ? '' : narrowed.toString(),
      reasons: [...reasonsWidened(after, from, to, widened), ...reasonsNarrowed(before, after, from, to, narrowed)],
    });
  }
  const refs = (model: DiffModel) => new Set(model.workloads.map((w) => w.ref));
  const spaces = (model: DiffModel) => new Set(model.namespaces.keys());
  const added = <T>(a: Set<T>, b: Set<T>) => [...b].filter((x) => !a.has(x)).sort();
  return {
    changes,
    workloads: { added: added(refs(before), refs(after)), removed: added(refs(after), refs(before)) },
    namespaces: { added: added(spaces(before), spaces(after)), removed: added(spaces(after), spaces(before)) },
    widened: changes.some((c) => c.widened !== ''),
  };
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
function reasonsWidened(after: DiffModel, from: string, to: string, widened: PortSet): string[] {
  const port = widened.first();
  if (!port) return [];
  const verdict = safeCheck(after, from, to, port);
  if (!verdict) return [];
  // Outside addresses (no '/') have no policy of their own: only cluster sides explain.
  const egress = !from.includes('/') ? [] : verdict.egress.isolated ? rules(verdict.egress, 'egress') : [`${from} not being isolated for egress`];
  const ingress = !to.includes('/') ? [] : verdict.ingress.isolated ? rules(verdict.ingress, 'ingress') : [`${to} not being isolated for ingress`];
  return [`${port.protocol} ${port.port} now allowed by ${[...egress, ...ingress].join(' and ')}`];
}

/** What closed a narrowed port: the rules that allowed it, and what became of their policies. */
function reasonsNarrowed(before: DiffModel, after: DiffModel, from: string, to: string, narrowed: PortSet): string[] {
  const port = narrowed.first();
  if (!port) return [];
  const afterRefs = new Set(after.workloads.map((w) => w.ref));
  // Workload refs have a '/', outside addresses do not.
  if (from.includes('/') && !afterRefs.has(from)) return [`${from} was removed`];
  if (to.includes('/') && !afterRefs.has(to)) return [`${to} was removed`];
  const verdict = safeCheck(before, from, to, port);
  if (!verdict) return [];
  const policies = new Set(after.policies.map((p) => p.ref));
  const was = [...verdict.egress.allowedBy.map((r) => ({ ...r, direction: 'egress' })), ...verdict.ingress.allowedBy.map((r) => ({ ...r, direction: 'ingress' }))];
  const now = safeCheck(after, from, to, port);
  const fate = was.map((r) => `${r.policy} ${r.direction}[${r.rule}] ${policies.has(r.policy) ? 'changed' : 'removed'}`);
  const newlyIsolated = [
    ...(now && now.egress.isolated && !verdict.egress.isolated ? [`${from} is now isolated for egress`] : []),
    ...(now && now.ingress.isolated && !verdict.ingress.isolated ? [`${to} is now isolated for ingress`] : []),
  ];
  return [`${port.protocol} ${port.port} no longer allowed: ${[...fate, ...newlyIsolated].join(', ') || 'the policies that allowed it changed'}`];
}

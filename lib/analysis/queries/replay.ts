/**
 * Observed traffic replayed against a revision's manifests: for each distinct flow, whether the
 * policies allow it, with the analyzer's why. Pods are matched to workloads by owner name
 * (netkit's `<namespace>/<name>`, Hubble's `workloads`), else by namespace and labels (the
 * workload whose labels the pod carries: the most specific one when several do), else by a pod
 * address the manifests record; an end that matches nothing is listed with the reason, never
 * dropped.
 */
import { FlowEnd, FlowInput, MalformedFlowLine, ObservedFlow, readFlows } from '../input/flows';
import type { NetworkModel, TrafficVerdict } from './network-model';
import { WorkloadInfo } from '../input/objects';
import { formatIp, parseIp } from '../../net/ip';

/** One distinct flow and its verdict (the JSON contract of `netkit replay --format json`). */
export interface ReplayedFlow {
  /** `<namespace>/<name>` of the source workload (kind-qualified when ambiguous), or its address; for an unmatched end, what the input named. */
  readonly from: string;
  /** The destination, the same way. */
  readonly to: string;
  /** The destination port (0 for ICMP). */
  readonly port: number;
  /** The protocol. */
  readonly protocol: string;
  /** How many records were folded into it. */
  readonly count: number;
  /** `allowed` or `denied` under the manifests, or `unmatched` when an end is not in them. */
  readonly verdict: 'allowed' | 'denied' | 'unmatched';
  /** The analyzer's reasons, or why an end matched nothing. */
  readonly why: string;
  /** What the network plugin did, when the record says (Hubble: FORWARDED, DROPPED, ...). @default - not recorded */
  readonly observed?: string;
  /** The line of the first record. */
  readonly line: number;
}

/** What replaying gave (the JSON contract, plus `mismatches` and counts). */
export interface ReplayResult {
  /** Every distinct flow with its verdict. */
  readonly flows: readonly ReplayedFlow[];
  /** Lines skipped. */
  readonly malformed: readonly MalformedFlowLine[];
  /** Reply records, counted apart. */
  readonly replies: number;
  /** Records read. */
  readonly records: number;
  /**
   * Flows whose recorded verdict (FORWARDED, DROPPED) disagrees with netkit's: they point at
   * policies the input lacks (or traffic the plugin judged another way).
   */
  readonly mismatches: readonly ReplayedFlow[];
}

type Resolved = { ref: string } | { unmatched: string };

/** Matches flow ends to the model's workloads, caching by what the flow names. */
export class FlowMatcher {
  private readonly cache = new Map<string, Resolved>();
  private readonly byNamespace = new Map<string, WorkloadInfo[]>();
  private readonly byAddress = new Map<string, string>();

  constructor(private readonly model: NetworkModel) {
    for (const w of model.workloads) {
      this.byNamespace.set(w.namespace, [...(this.byNamespace.get(w.namespace) ?? []), w]);
      for (const ip of w.podAddresses ?? []) this.byAddress.set(formatIp(ip), w.ref);
    }
  }

  /** The workload ref or address an end stands for, or why it matches nothing. */
  public resolve(end: FlowEnd): Resolved {
    const key = JSON.stringify(end);
    let found = this.cache.get(key);
    if (found === undefined) {
      found = this.resolveUncached(end);
      this.cache.set(key, found);
    }
    return found;
  }

  private resolveUncached(end: FlowEnd): Resolved {
    if (end.workload) {
      if (this.model.workload(end.workload)) return { ref: this.model.workload(end.workload)!.ref };
      if (end.labels === undefined) return { unmatched: `no workload ${end.workload} in the manifests` };
    }
    if (end.namespace !== undefined && end.labels !== undefined) {
      const labels = end.labels;
      const inNamespace = this.byNamespace.get(end.namespace) ?? [];
      const candidates = inNamespace.filter((w) => Object.keys(w.labels).length > 0 && Object.entries(w.labels).every(([k, v]) => labels[k] === v));
      // Labels typed by hand may be fewer than the pod's: then they select, as a selector does.
      if (candidates.length === 0 && Object.keys(labels).length > 0) {
        const selected = inNamespace.filter((w) => Object.entries(labels).every(([k, v]) => w.labels[k] === v));
        if (selected.length === 1) return { ref: selected[0].ref };
        if (selected.length > 1) return { unmatched: `labels ${describeLabels(labels)} select ${selected.map((w) => w.ref).join(' and ')} alike; give more labels or name the workload (<namespace>/<name>)` };
      }
      if (candidates.length === 0) {
        const what = end.pod ? `pod ${end.namespace}/${end.pod}` : `a pod of ${end.namespace} labelled ${describeLabels(labels)}`;
        return { unmatched: `${what}${end.workload ? ` (owner ${end.workload})` : ''}: no workload in the manifests${this.byNamespace.has(end.namespace) ? ` of namespace ${end.namespace}` : ` (no workload in namespace ${end.namespace} at all)`} whose labels it carries` };
      }
      const most = Math.max(...candidates.map((w) => Object.keys(w.labels).length));
      const best = candidates.filter((w) => Object.keys(w.labels).length === most);
      if (best.length > 1) return { unmatched: `${end.pod ? `pod ${end.namespace}/${end.pod}` : `a pod labelled ${describeLabels(labels)}`} carries the labels of ${best.map((w) => w.ref).join(' and ')} alike; name the workload (<namespace>/<name>)` };
      return { ref: best[0].ref };
    }
    if (end.ip) {
      const ip = parseIp(end.ip);
      if (!ip) return { unmatched: `address ${JSON.stringify(end.ip)} is not an IP address` };
      const owner = this.byAddress.get(formatIp(ip));
      return { ref: owner ?? formatIp(ip) };
    }
    return { unmatched: 'the record names neither a workload, pod labels nor an address' };
  }
}

function describeLabels(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',') || '(no labels)';
}

/** How an unmatched end reads in output. */
export function describeEnd(end: FlowEnd): string {
  if (end.workload) return end.workload;
  if (end.namespace !== undefined) return end.pod ? `${end.namespace}/${end.pod}` : `${end.namespace}:${describeLabels(end.labels ?? {}).replace(/,/g, ';')}`;
  return end.ip ?? (end.reserved ? `reserved:${end.reserved}` : '?');
}

const CHECKED = new Set(['TCP', 'UDP', 'SCTP']);

/** One flow's verdict, given resolved ends. */
function judge(model: NetworkModel, flow: ObservedFlow, from: Resolved, to: Resolved): Omit<ReplayedFlow, 'count' | 'line' | 'observed'> & { verdict: ReplayedFlow['verdict']; checked?: TrafficVerdict } {
  const fromText = 'ref' in from ? from.ref : describeEnd(flow.from);
  const toText = 'ref' in to ? to.ref : describeEnd(flow.to);
  const base = { from: fromText, to: toText, port: flow.port ?? 0, protocol: flow.protocol };
  const unmatched = [from, to].filter((r): r is { unmatched: string } => 'unmatched' in r).map((r) => r.unmatched);
  if (unmatched.length > 0) return { ...base, verdict: 'unmatched', why: unmatched.join('; ') };
  const protocol = flow.protocol === 'ICMPv4' ? 'ICMP' : flow.protocol;
  if (!CHECKED.has(protocol) && !model.judgesProtocol(protocol)) {
    return { ...base, verdict: 'unmatched', why: `${flow.protocol} is not judged by NetworkPolicy (Calico policies judge it: --cni calico)` };
  }
  try {
    const verdict = model.check({ from: fromText, to: toText, protocol, ...(flow.port !== undefined ? { port: flow.port } : {}), serviceTranslation: false });
    return { ...base, verdict: verdict.allowed ? 'allowed' : 'denied', why: verdict.why, checked: verdict };
  } catch (error) {
    return { ...base, verdict: 'unmatched', why: (error as Error).message };
  }
}

/** Replays flows (records read with `readFlows`, or their text) against a model. */
export function replayFlows(model: NetworkModel, records: FlowInput | string): ReplayResult {
  const input = typeof records === 'string' ? readFlows(records) : records;
  const flows = merge(judgeEach(model, input));
  const mismatches = flows.filter((f) => (f.observed === 'FORWARDED' && f.verdict === 'denied') || (f.observed === 'DROPPED' && f.verdict === 'allowed'));
  return { flows, malformed: input.malformed, replies: input.replies, records: input.records, mismatches };
}

/** Each input flow judged (ends resolved once per distinct naming). */
function judgeEach(model: NetworkModel, input: FlowInput): { flow: ReplayedFlow; key: string }[] {
  const matcher = new FlowMatcher(model);
  // Records that name an end differently (owner name, labels, address) but resolve to the same
  // workloads are one flow: judged once.
  const judged = new Map<string, ReturnType<typeof judge>>();
  return input.flows.map((flow) => {
    const from = matcher.resolve(flow.from);
    const to = matcher.resolve(flow.to);
    const key = 'ref' in from && 'ref' in to ? `${from.ref}\u0001${to.ref}\u0001${flow.protocol}\u0001${flow.port ?? ''}\u0001${flow.observed ?? ''}` : `line:${flow.line}`;
    let verdict = judged.get(key);
    if (verdict === undefined) {
      verdict = judge(model, flow, from, to);
      judged.set(key, verdict);
    }
    return { key, flow: { from: verdict.from, to: verdict.to, port: verdict.port, protocol: verdict.protocol, count: flow.count, verdict: verdict.verdict, why: verdict.why, ...(flow.observed ? { observed: flow.observed } : {}), line: flow.line } };
  });
}

/** Flows with the same resolved ends as one, counts summed. */
function merge(entries: readonly { flow: ReplayedFlow; key: string }[]): ReplayedFlow[] {
  const byKey = new Map<string, ReplayedFlow & { count: number }>();
  for (const { flow, key } of entries) {
    const seen = byKey.get(key);
    if (seen) seen.count += flow.count;
    else byKey.set(key, { ...flow });
  }
  return [...byKey.values()];
}

/** Flows one revision allows and the next denies (broken), and the other way (newly allowed). */
export interface FlowChanges {
  /** Observed flows the change newly denies: what it breaks. */
  readonly broken: readonly ReplayedFlow[];
  /** Observed flows the change newly allows. */
  readonly newlyAllowed: readonly ReplayedFlow[];
}

/** The same observed flows replayed against two revisions: what the change breaks and newly allows (entries are the new revision's). */
export function compareReplays(before: NetworkModel, after: NetworkModel, records: FlowInput | string): FlowChanges {
  const input = typeof records === 'string' ? readFlows(records) : records;
  const old = judgeEach(before, input);
  const now = judgeEach(after, input);
  const broken: { flow: ReplayedFlow; key: string }[] = [];
  const newlyAllowed: { flow: ReplayedFlow; key: string }[] = [];
  now.forEach((entry, i) => {
    if (old[i].flow.verdict === 'allowed' && entry.flow.verdict !== 'allowed') broken.push(entry);
    else if (old[i].flow.verdict !== 'allowed' && entry.flow.verdict === 'allowed') newlyAllowed.push(entry);
  });
  return { broken: merge(broken), newlyAllowed: merge(newlyAllowed) };
}

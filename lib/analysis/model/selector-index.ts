import { Bitset } from './bitset';
import { PolicyPeer, WorkloadInfo } from '../input/objects';
import { Labels, MATCH_ALL, Selector, isEmptySelector, selectorMatches, workloadMatches } from './selectors';
import { rangeContains } from '../../net/ip';

/**
 * Finds the workloads a selector matches without scanning every pod: an inverted index
 * from `key=value` to workloads narrows matchLabels selectors to their rarest label, and a
 * per-namespace bitset answers namespace-wide peers in a few word operations.
 * hostNetwork workloads are never indexed: selectors do not match them. Those that bind
 * addresses pods send to (NodeLocal DNSCache) are matched by ipBlocks holding those addresses.
 */
export class SelectorIndex {
  private readonly postings = new Map<string, number[]>();
  private readonly byNamespace = new Map<string, number[]>();
  private readonly namespaceBits = new Map<string, Bitset>();
  private readonly addressed: number[] = [];

  constructor(private readonly workloads: readonly WorkloadInfo[], private readonly namespaces: ReadonlyMap<string, Labels>) {
    workloads.forEach((w, i) => {
      if (w.hostNetwork) {
        if (w.hostAddresses && w.hostAddresses.length > 0) this.addressed.push(i);
        return;
      }
      const list = this.byNamespace.get(w.namespace);
      if (list) list.push(i);
      else this.byNamespace.set(w.namespace, [i]);
      let bits = this.namespaceBits.get(w.namespace);
      if (!bits) {
        bits = new Bitset(workloads.length);
        this.namespaceBits.set(w.namespace, bits);
      }
      bits.add(i);
      const keys = new Set<string>();
      for (const labels of w.podLabelSets ?? [w.labels]) for (const key of Object.keys(labels)) keys.add(`${key}\u0000${labels[key]}`);
      for (const postingKey of keys) {
        const posting = this.postings.get(postingKey);
        if (posting) posting.push(i);
        else this.postings.set(postingKey, [i]);
      }
    });
  }

  /** Workloads in these namespaces whose pod labels match. */
  /** The workloads of a namespace that selectors can match (host-network ones are not), in index order. */
  public inNamespace(namespace: string): readonly number[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  public podsIn(namespaces: readonly string[], selector: Selector): number[] {
    if (selector.invalid) return [];
    const keys = Object.keys(selector.matchLabels);
    let inNamespaces = 0;
    for (const ns of namespaces) inNamespaces += this.byNamespace.get(ns)?.length ?? 0;
    let best: number[] | undefined;
    for (const key of keys) {
      const posting = this.postings.get(`${key}\u0000${selector.matchLabels[key]}`) ?? [];
      if (!best || posting.length < best.length) best = posting;
    }
    let candidates: readonly number[];
    // Walk whichever is shorter: the rarest label's posting list or the namespaces' pods.
    if (best && best.length < inNamespaces) {
      const allowed = new Set(namespaces);
      candidates = best.filter((i) => allowed.has(this.workloads[i].namespace));
    } else {
      candidates = namespaces.length === 1 ? (this.byNamespace.get(namespaces[0]) ?? []) : namespaces.flatMap((ns) => this.byNamespace.get(ns) ?? []);
    }
    return isEmptySelector(selector) ? [...candidates] : candidates.filter((i) => workloadMatches(selector, this.workloads[i]));
  }

  /** The workloads any of the peers matches, for a policy in `policyNamespace`. */
  public peerWorkloads(peers: readonly PolicyPeer[], policyNamespace: string): Bitset {
    const result = new Bitset(this.workloads.length);
    for (const peer of peers) {
      if (peer.kind === 'ipBlock') {
        for (const i of this.addressed) {
          const inBlock = (ip: NonNullable<WorkloadInfo['hostAddresses']>[number]) => rangeContains(peer.cidr, ip) && !peer.except.some((e) => rangeContains(e, ip));
          if (this.workloads[i].hostAddresses!.some(inBlock)) result.add(i);
        }
        continue;
      }
      if (peer.kind !== 'pods') continue;
      result.addAll(this.podPeer(peer, policyNamespace));
    }
    return result;
  }

  /**
   * The workloads one pod peer matches. Policies repeat the same peers (every app's "from the
   * next tier", "from prod namespaces"), so each distinct peer is evaluated once: this keeps
   * loading near-linear where a scan per rule would be quadratic.
   */
  private podPeer(peer: Extract<PolicyPeer, { kind: 'pods' }>, policyNamespace: string): Bitset {
    const podSelector = peer.podSelector ?? MATCH_ALL;
    const key = `${peer.namespaceSelector === undefined ? `own\u0000${policyNamespace}` : `ns\u0000${JSON.stringify(peer.namespaceSelector)}`}\u0001${JSON.stringify(podSelector)}`;
    let bits = this.peerCache.get(key);
    if (bits !== undefined) return bits;
    bits = new Bitset(this.workloads.length);
    const namespaces = peer.namespaceSelector === undefined
      ? [policyNamespace]
      : [...this.namespaces.keys()].filter((ns) => selectorMatches(peer.namespaceSelector!, this.namespaces.get(ns)!));
    if (isEmptySelector(podSelector)) {
      for (const ns of namespaces) {
        const inNamespace = this.namespaceBits.get(ns);
        if (inNamespace) bits.addAll(inNamespace);
      }
    } else {
      for (const w of this.podsIn(namespaces, podSelector)) bits.add(w);
    }
    this.peerCache.set(key, bits);
    return bits;
  }

  private readonly peerCache = new Map<string, Bitset>();
}

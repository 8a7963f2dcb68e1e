/**
 * Calico policies compiled against the cluster into ordered-tier rules (model/ordered-tiers.ts).
 * Who a selector reaches (networkpolicy.md "EntityRule", globalnetworkpolicy.md "EntityRule"):
 * - a pod endpoint carries its labels plus `projectcalico.org/namespace`,
 *   `projectcalico.org/orchestrator: k8s`, `projectcalico.org/serviceaccount`, and its
 *   namespace's and service account's labels prefixed `pcns.` and `pcsa.`;
 * - `namespaceSelector` matches namespace labels and `projectcalico.org/name`; `global()`
 *   there matches only non-namespaced endpoints (GlobalNetworkSets);
 * - in a (namespaced) NetworkPolicy, a rule's `selector`, `notSelector` or `serviceAccounts`
 *   without `namespaceSelector` reaches the policy's own namespace only; in a
 *   GlobalNetworkPolicy it reaches every namespace and every network set;
 * - selectors pick NetworkSets and GlobalNetworkSets too: an address matches when a matching
 *   set holds it; `notSelector` excludes addresses held by a set it matches;
 * - `nets`/`notNets` match addresses, pods' included (from status.podIP(s) or Calico's podIP
 *   annotations; a verdict says when it depends on addresses the input lacks);
 * - `serviceAccounts` matches pods by their service account's name and labels;
 * - `services` is the Service's endpoints: its selector's pods, or its EndpointSlice addresses;
 * - host-network pods are host endpoints, not workload endpoints: no selector picks them and no
 *   policy applies to them (only `nets` can match their node addresses).
 */
import { Bitset } from '../../model/bitset';
import { AddressBook, Coverage } from '../../model/addresses';
import { Endpoint, ServiceEndpoints, ServiceInfo } from '../../model/compiled-model';
import { PROTOCOLS, PortSet } from '../../model/port-set';
import { Labels } from '../../model/selectors';
import { OrderedPolicy, OrderedRule, PROTOCOL_NUMBERS, Packet, portSetProtocol } from '../../model/ordered-tiers';
import { WorkloadInfo } from '../../input/objects';
import { IpAddress, IpRange, formatIp, parseIp, rangeContains } from '../../../net/ip';
import { formatRange } from '../../model/addresses';
import {
  CALICO_NAMESPACE_LABEL, CALICO_NAME_LABEL, CALICO_ORCHESTRATOR_LABEL, CALICO_SERVICE_ACCOUNT_LABEL,
  CalicoEntityRule, CalicoNetworkSet, CalicoPolicy, CalicoPort, CalicoRule, IcmpMatch,
} from './calico-policy';
import { calicoSelectorMatches } from './selector';

/** What the Calico compiler reads from the cluster. */
export interface CalicoCluster {
  readonly workloads: readonly WorkloadInfo[];
  /** Namespace labels by name (with kubernetes.io/metadata.name). */
  readonly namespaces: ReadonlyMap<string, Labels>;
  /** ServiceAccount labels by `<namespace>/<name>`. */
  readonly serviceAccounts: ReadonlyMap<string, Labels>;
  readonly networkSets: readonly CalicoNetworkSet[];
  readonly services: ReadonlyMap<string, ServiceInfo>;
  readonly endpoints: ReadonlyMap<string, ServiceEndpoints>;
  readonly addresses: AddressBook;
  /** The workloads of a namespace that selectors can match (not host-network ones). */
  workloadsIn(namespace: string): readonly number[];
}

type Match = { readonly match: Coverage; readonly why?: string };

/** What rules with the same peer share: each workload's answer, and the set that matches. */
interface SharedPeer {
  /** 0: not asked yet; see the CODE_ constants. */
  readonly codes: Uint8Array;
  /** Answers that carry a why (pod addresses), by workload. */
  readonly special: Map<number, Match>;
  matching?: Bitset;
}
const CODE_YES = 1;
const CODE_NO = 2;
const CODE_SPECIAL = 3;
const YES: Match = Object.freeze({ match: 'yes' });
const NO: Match = Object.freeze({ match: 'no' });

const and = (a: Match, b: () => Match): Match => {
  if (a.match === 'no') return a;
  const second = b();
  if (second.match === 'no') return second;
  return a.match === 'depends' ? a : second;
};

/** Compiles policies against one cluster, caching endpoint label sets. */
export class CalicoCompiler {
  private readonly labels: Labels[];
  private readonly serviceAccountLabels: Labels[];
  /** Notices about references the input cannot resolve (a Service that is not there). */
  public readonly notices: string[] = [];

  constructor(private readonly cluster: CalicoCluster) {
    this.serviceAccountLabels = cluster.workloads.map((w) => {
      const sa = w.serviceAccount ?? 'default';
      return { ...(cluster.serviceAccounts.get(`${w.namespace}/${sa}`) ?? {}), [CALICO_NAME_LABEL]: sa };
    });
    this.labels = cluster.workloads.map((w, i) => {
      const labels: Record<string, string> = { ...w.labels };
      for (const [k, v] of Object.entries(cluster.namespaces.get(w.namespace) ?? {})) labels[`pcns.${k}`] = v;
      for (const [k, v] of Object.entries(this.serviceAccountLabels[i])) if (k !== CALICO_NAME_LABEL) labels[`pcsa.${k}`] = v;
      labels[CALICO_NAMESPACE_LABEL] = w.namespace;
      labels[CALICO_ORCHESTRATOR_LABEL] = 'k8s';
      labels[CALICO_SERVICE_ACCOUNT_LABEL] = w.serviceAccount ?? 'default';
      return labels;
    });
  }

  /** The Calico labels of a workload's endpoints. */
  public endpointLabels(index: number): Labels {
    return this.labels[index];
  }

  private readonly namespaceLabelSets = new Map<string, Labels>();

  private namespaceLabels(namespace: string): Labels {
    let labels = this.namespaceLabelSets.get(namespace);
    if (!labels) {
      labels = { ...(this.cluster.namespaces.get(namespace) ?? {}), [CALICO_NAME_LABEL]: namespace };
      this.namespaceLabelSets.set(namespace, labels);
    }
    return labels;
  }

  /** The workloads a policy applies to (networkpolicy.md / globalnetworkpolicy.md `selector`, `serviceAccountSelector`, `namespaceSelector`). */
  public subjects(policy: CalicoPolicy): Bitset {
    const bits = new Bitset(this.cluster.workloads.length);
    const consider = (i: number) => {
      const w = this.cluster.workloads[i];
      if (w.hostNetwork) return;
      if (!calicoSelectorMatches(policy.selector, this.labels[i])) return;
      if (policy.namespaceSelector && !calicoSelectorMatches(policy.namespaceSelector, this.namespaceLabels(w.namespace))) return;
      if (policy.serviceAccountSelector && !calicoSelectorMatches(policy.serviceAccountSelector, this.serviceAccountLabels[i])) return;
      bits.add(i);
    };
    // A namespaced policy applies in its namespace only: thousands of them look at theirs alone.
    if (policy.namespace !== undefined) this.cluster.workloadsIn(policy.namespace).forEach(consider);
    else for (let i = 0; i < this.cluster.workloads.length; i++) consider(i);
    return bits;
  }


  /** A policy's rules for one direction, compiled. */
  public rules(policy: CalicoPolicy, ordered: OrderedPolicy, direction: 'ingress' | 'egress'): OrderedRule[] {
    return policy[direction].map((rule) => this.rule(policy, ordered, rule, direction));
  }

  /** Whether the subject end of a rule (destination of an ingress rule, source of an egress one) holds a workload. */
  public selfMatches(policy: CalicoPolicy, rule: CalicoRule, direction: 'ingress' | 'egress', self: number): Coverage {
    const entity = direction === 'ingress' ? rule.destination : rule.source;
    return this.workloadMatch(entity, policy.namespace, self).match;
  }

  /**
   * Answers about workload peers, shared by rules whose peer end reads the same (the entity
   * without its ports, in the same policy namespace): thousands of policies repeat a few peers.
   */
  private readonly peerAnswers = new Map<string, SharedPeer>();

  private sharedPeer(entity: CalicoEntityRule, policyNamespace: string | undefined): SharedPeer {
    const { ports: _ports, notPorts: _notPorts, ...peer } = entity;
    // The policy's namespace matters only where it scopes the peer (see workloadMatch and service).
    const scopedByPolicy = (entity.services !== undefined && !entity.services.namespace)
      || (entity.namespaceSelector === undefined && (entity.selector !== undefined || entity.notSelector !== undefined || entity.serviceAccounts !== undefined));
    const key = JSON.stringify([scopedByPolicy ? policyNamespace ?? null : null, policyNamespace === undefined, peer], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    let shared = this.peerAnswers.get(key);
    if (!shared) { shared = { codes: new Uint8Array(this.cluster.workloads.length), special: new Map() }; this.peerAnswers.set(key, shared); }
    return shared;
  }

  /** The workloads an entity may hold: only its Service's or policy's namespace when it is scoped to one (never host-network ones, which no selector or Service picks). */
  private candidates(entity: CalicoEntityRule, policyNamespace: string | undefined): readonly number[] | undefined {
    if (entity.services) return this.cluster.workloadsIn(entity.services.namespace || policyNamespace || 'default');
    const scoped = policyNamespace !== undefined && (entity.selector !== undefined || entity.notSelector !== undefined || entity.serviceAccounts !== undefined);
    return !entity.namespaceSelector && scoped ? this.cluster.workloadsIn(policyNamespace) : undefined;
  }

  private rule(policy: CalicoPolicy, ordered: OrderedPolicy, rule: CalicoRule, direction: 'ingress' | 'egress'): OrderedRule {
    const peerEntity = direction === 'ingress' ? rule.source : rule.destination;
    const shared = this.sharedPeer(peerEntity, policy.namespace);
    const peer = (other: Endpoint): Match => {
      if (rule.unmodelled) return NO;
      if (other.kind === 'workload') {
        // Plain yes and no as one byte per workload; answers with a why (addresses) kept whole.
        const code = shared.codes[other.index];
        if (code === CODE_YES) return YES;
        if (code === CODE_NO) return NO;
        if (code === CODE_SPECIAL) return shared.special.get(other.index)!;
        const found = this.workloadMatch(peerEntity, policy.namespace, other.index);
        if (found === YES) shared.codes[other.index] = CODE_YES;
        else if (found === NO) shared.codes[other.index] = CODE_NO;
        else { shared.codes[other.index] = CODE_SPECIAL; shared.special.set(other.index, found); }
        return found;
      }
      if (other.entity !== undefined) return NO;
      const ips = other.host ? other.host.ips : [other.ip];
      return ips.length > 0 && ips.every((ip) => this.addressMatches(peerEntity, policy.namespace, ip)) ? YES : NO;
    };
    const ports = (destination: Endpoint, family: 4 | 6): PortSet => {
      if (rule.unmodelled || rule.source.ports || rule.source.notPorts || (rule.ipVersion !== undefined && rule.ipVersion !== family)) return PortSet.NONE;
      const protocols = rule.protocol !== undefined
        ? [portSetProtocol(rule.protocol)].filter((p): p is NonNullable<typeof p> => p !== undefined)
        : PROTOCOLS.filter((p) => PROTOCOL_NUMBERS[p] !== rule.notProtocol);
      const declared = destination.kind === 'workload' ? this.cluster.workloads[destination.index].ports : [];
      let set = PortSet.NONE;
      for (const protocol of protocols) {
        const portsOf = (list: readonly CalicoPort[]) => list.reduce((acc, p) => {
          if ('name' in p) {
            for (const d of declared) if (d.name === p.name && d.protocol === protocol) acc = acc.union(PortSet.range(protocol, d.number, d.number));
            return acc;
          }
          return acc.union(PortSet.range(protocol, p.from, p.to));
        }, PortSet.NONE);
        let forProtocol = rule.destination.ports ? portsOf(rule.destination.ports) : PortSet.range(protocol, 1, 65535);
        if (rule.destination.notPorts) forProtocol = forProtocol.minus(portsOf(rule.destination.notPorts));
        set = set.union(forProtocol);
      }
      return set;
    };
    const packet = (p: Packet, destination: Endpoint, family: 4 | 6): Match => {
      if (rule.unmodelled) return NO;
      if (rule.protocol !== undefined && rule.protocol !== p.protocol) return NO;
      if (rule.notProtocol !== undefined && rule.notProtocol === p.protocol) return NO;
      if (rule.ipVersion !== undefined && rule.ipVersion !== family) return NO;
      const declared = destination.kind === 'workload' ? this.cluster.workloads[destination.index].ports : [];
      const holds = (list: readonly CalicoPort[], port: number) => list.some((x) => ('name' in x
        ? declared.some((d) => d.name === x.name && PROTOCOL_NUMBERS[d.protocol] === p.protocol && d.number === port)
        : port >= x.from && port <= x.to));
      if (rule.destination.ports && (p.port === undefined || !holds(rule.destination.ports, p.port))) return NO;
      if (rule.destination.notPorts && p.port !== undefined && holds(rule.destination.notPorts, p.port)) return NO;
      let result: Match = YES;
      if (rule.source.ports || rule.source.notPorts) {
        if (p.sourcePort === undefined) result = { match: 'depends', why: `the source port (the rule names source ports ${describePorts(rule.source)}; give sourcePort / --source-port)` };
        else if ((rule.source.ports && !holds(rule.source.ports, p.sourcePort)) || (rule.source.notPorts && holds(rule.source.notPorts, p.sourcePort))) return NO;
      }
      const icmp = icmpMatch(rule.icmp, rule.notICMP, p.icmp);
      return icmp.match === 'yes' ? result : icmp.match === 'no' ? NO : result.match === 'depends' ? result : icmp;
    };
    const matching = (): Bitset => {
      if (rule.unmodelled) return new Bitset(this.cluster.workloads.length);
      if (!shared.matching) {
        const bits = new Bitset(this.cluster.workloads.length);
        const candidates = this.candidates(peerEntity, policy.namespace);
        const test = (i: number) => { if (peer({ kind: 'workload', index: i }).match === 'yes') bits.add(i); };
        if (candidates) candidates.forEach(test);
        else for (let i = 0; i < this.cluster.workloads.length; i++) test(i);
        shared.matching = bits;
      }
      return shared.matching;
    };
    return { policy: ordered, list: direction, index: rule.index, action: rule.action, peer, matching, ports, packet };
  }

  /** Whether an EntityRule (ports aside) holds a workload's endpoints. */
  public workloadMatch(entity: CalicoEntityRule, policyNamespace: string | undefined, index: number): Match {
    const w = this.cluster.workloads[index];
    if (entity.services) {
      const service = this.service(entity, policyNamespace);
      if (!service || Object.keys(service.selector).length === 0 || service.namespace !== w.namespace || w.hostNetwork) return NO;
      return Object.entries(service.selector).every(([k, v]) => w.labels[k] === v) ? YES : NO;
    }
    const labels = this.labels[index];
    const scoped = entity.namespaceSelector !== undefined || (policyNamespace !== undefined && (entity.selector !== undefined || entity.notSelector !== undefined || entity.serviceAccounts !== undefined));
    // Host-network pods are host endpoints: selectors never pick them.
    if (w.hostNetwork && (scoped || entity.selector !== undefined || entity.serviceAccounts !== undefined)) return NO;
    if (entity.namespaceSelector && !calicoSelectorMatches(entity.namespaceSelector, this.namespaceLabels(w.namespace))) return NO;
    if (!entity.namespaceSelector && scoped && w.namespace !== policyNamespace) return NO;
    if (entity.selector && !calicoSelectorMatches(entity.selector, labels)) return NO;
    if (entity.notSelector && !w.hostNetwork && calicoSelectorMatches(entity.notSelector, labels)) return NO;
    if (entity.serviceAccounts) {
      const sa = w.serviceAccount ?? 'default';
      if (entity.serviceAccounts.names && !entity.serviceAccounts.names.includes(sa)) return NO;
      if (entity.serviceAccounts.selector && !calicoSelectorMatches(entity.serviceAccounts.selector, this.serviceAccountLabels[index])) return NO;
    }
    let result: Match = YES;
    if (entity.nets) result = and(result, () => this.netsMatch(entity.nets!, index, false));
    if (entity.notNets) result = and(result, () => this.netsMatch(entity.notNets!, index, true));
    return result;
  }

  private netsMatch(nets: readonly IpRange[], index: number, negated: boolean): Match {
    const coverage = this.cluster.addresses.coverage(index, nets.map((range) => ({ range, except: [] })));
    const text = `${negated ? 'notNets' : 'nets'} ${nets.map(formatRange).join(', ')}`;
    if (coverage === 'depends') return { match: 'depends', why: `${text} ${negated ? 'leave out' : 'hold'} ${this.cluster.workloads[index].ref}'s addresses (${this.cluster.addresses.describe(index)})` };
    const inside = coverage === 'yes';
    if (inside === negated) return NO;
    // Said in `why` when the rule decides: the addresses are what made it match.
    return { match: 'yes', why: `${text} ${negated ? 'leave out' : 'hold'} ${this.cluster.workloads[index].ref}'s addresses (${this.cluster.addresses.describe(index)})` };
  }

  /** Whether an EntityRule (ports aside) holds an address outside the cluster. */
  public addressMatches(entity: CalicoEntityRule, policyNamespace: string | undefined, ip: IpAddress): boolean {
    if (entity.services) {
      const service = this.service(entity, policyNamespace);
      if (!service || Object.keys(service.selector).length > 0) return false;
      return (this.cluster.endpoints.get(`${service.namespace}/${service.name}`)?.addresses ?? []).some((a) => { const x = parseIp(a); return x !== undefined && formatIp(x) === formatIp(ip); });
    }
    if (entity.serviceAccounts) return false;
    const scoped = entity.namespaceSelector !== undefined || (policyNamespace !== undefined && (entity.selector !== undefined || entity.notSelector !== undefined));
    if (scoped || entity.selector) {
      const held = this.cluster.networkSets.some((set) => set.nets.some((n) => rangeContains(n, ip))
        && (entity.namespaceSelector
          ? (set.namespace === undefined ? calicoSelectorMatches(entity.namespaceSelector, {}, true) : calicoSelectorMatches(entity.namespaceSelector, this.namespaceLabels(set.namespace)))
          : !scoped || set.namespace === policyNamespace)
        && (!entity.selector || calicoSelectorMatches(entity.selector, setLabels(set), set.namespace === undefined)));
      if (!held) return false;
    }
    if (entity.notSelector && this.cluster.networkSets.some((set) => set.nets.some((n) => rangeContains(n, ip)) && calicoSelectorMatches(entity.notSelector!, setLabels(set), set.namespace === undefined))) return false;
    if (entity.nets && !entity.nets.some((n) => rangeContains(n, ip))) return false;
    if (entity.notNets && entity.notNets.some((n) => rangeContains(n, ip))) return false;
    return true;
  }

  private service(entity: CalicoEntityRule, policyNamespace: string | undefined): ServiceInfo | undefined {
    const ref = `${entity.services!.namespace || policyNamespace || 'default'}/${entity.services!.name}`;
    const service = this.cluster.services.get(ref);
    if (!service && !this.notices.some((n) => n.includes(`Service ${ref} `))) this.notices.push(`a Calico rule names Service ${ref} (services), which is not in the input; the rule matches nothing through it`);
    return service;
  }
}

function setLabels(set: CalicoNetworkSet): Labels {
  return set.namespace === undefined ? set.labels : { ...set.labels, [CALICO_NAMESPACE_LABEL]: set.namespace };
}

function describePorts(entity: CalicoEntityRule): string {
  const text = (list: readonly CalicoPort[]) => list.map((p) => ('name' in p ? p.name : p.from === p.to ? String(p.from) : `${p.from}:${p.to}`)).join(', ');
  return [entity.ports ? text(entity.ports) : '', entity.notPorts ? `not ${text(entity.notPorts)}` : ''].filter(Boolean).join(', ');
}

/** A rule's icmp/notICMP against a packet's ICMP type and code. */
function icmpMatch(icmp: IcmpMatch | undefined, notICMP: IcmpMatch | undefined, packet: IcmpMatch | undefined): Match {
  const fits = (m: IcmpMatch): Coverage => {
    if (m.type === undefined) return 'yes';
    if (packet?.type === undefined) return 'depends';
    if (packet.type !== m.type) return 'no';
    if (m.code === undefined) return 'yes';
    if (packet.code === undefined) return 'depends';
    return packet.code === m.code ? 'yes' : 'no';
  };
  const describe = (m: IcmpMatch) => `type ${m.type}${m.code !== undefined ? ` code ${m.code}` : ''}`;
  if (icmp) {
    const f = fits(icmp);
    if (f !== 'yes') return f === 'no' ? NO : { match: 'depends', why: `the ICMP type and code (the rule matches ICMP ${describe(icmp)}; give icmp / --icmp-type)` };
  }
  if (notICMP) {
    const f = fits(notICMP);
    if (f === 'yes') return NO;
    if (f === 'depends') return { match: 'depends', why: `the ICMP type and code (the rule leaves out ICMP ${describe(notICMP)}; give icmp / --icmp-type)` };
  }
  return YES;
}


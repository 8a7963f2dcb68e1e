/**
 * The tiers around NetworkPolicy, as network-policy-api defines them (ClusterNetworkPolicySpec.Tier
 * and Priority, ClusterNetworkPolicyRuleAction in apis/v1alpha2/clusternetworkpolicy_types.go):
 *
 * 1. Admin tier: policies whose subject selects the pod, by priority (lower first; equal
 *    priorities have no defined order, which lint reports), rules in written order. The first
 *    rule whose peer and port match decides: Accept and Deny are final for that direction
 *    (an egress Accept still leaves the destination's ingress to decide); Pass skips the rest of
 *    the Admin tier for that traffic.
 * 2. NetworkPolicy tier: when a NetworkPolicy isolates the pod in that direction, it decides
 *    (allowed only if a rule allows), and nothing after it is looked at.
 * 3. Baseline tier: only for traffic no NetworkPolicy decided, the first matching rule by
 *    priority decides (BaselineAdminNetworkPolicy after Baseline ClusterNetworkPolicies).
 * 4. Otherwise the Kubernetes default: allowed.
 * Host-network pods are neither subjects nor pod peers. A `networks` peer selects IP addresses
 * wherever they are, pods included (NetworkPeer.Networks: "a Deny to 0.0.0.0/0 denies all IPv4
 * pod-to-pod traffic"): a pod is matched when the input places its addresses inside (see
 * addresses.ts); where the input cannot say, the rule is read as not matching and the verdict
 * says it depends on pod addresses. A `nodes` peer selects Node objects by label: their
 * addresses, and host-network pods, which send from them.
 * The evaluation works on port sets, so a matrix cell is exact: each rule takes the ports it
 * matches out of what is still undecided.
 */
import { Bitset } from './bitset';
import { Endpoint, portsOf } from './compiled-model';
import { TierPeer, TierPolicy, TierRule } from '../dialects/cluster-network-policy/cluster-policy';
import { AddressBook, formatRange } from './addresses';
import { PolicyProtocol, PortSet } from './port-set';
import { SelectorIndex } from './selector-index';
import { Labels, MATCH_ALL, Selector, isEmptySelector, selectorMatches } from './selectors';
import { WorkloadInfo } from '../input/objects';
import { IpAddress, rangeContains } from '../../net/ip';

/** A CIDR-like peer as the verdict names it. */
function peerText(peer: TierPeer): string {
  if (peer.kind === 'networks') return `networks ${peer.ranges.map(formatRange).join(', ')}`;
  if (peer.kind === 'nodes') return 'nodes peer';
  return peer.kind === 'unmodelled' ? `${peer.what} peer` : 'pods';
}

/** A rule with its peers resolved. */
export interface CompiledTierRule {
  readonly policy: TierPolicy;
  readonly rule: TierRule;
  /** Workloads the peers match; `all` when the rule fails closed to everything. */
  readonly workloads: Bitset | 'all' | 'none';
  /** Workloads a CIDR-like peer may or may not hold (their addresses are not in the input). */
  readonly maybe?: Bitset;
  /** Addresses of the nodes its `nodes` peers select. */
  readonly nodeAddresses?: readonly IpAddress[];
}

/** Who decided one side of a connection in a tier. */
export interface TierDecision {
  /** The tier that decided: Admin (before NetworkPolicy) or Baseline (after). */
  readonly tier: 'Admin' | 'Baseline';
  /** The deciding policy, e.g. `ClusterNetworkPolicy deny-metadata`. */
  readonly policy: string;
  /** Its priority (lower decides first). */
  readonly priority: number;
  /** `ingress[0]` or `egress[2]`, with the rule's name when it has one. */
  readonly rule: string;
  /** What the rule did. */
  readonly action: 'Accept' | 'Deny' | 'Pass';
}

type Direction = 'ingress' | 'egress';

/** Tier rules per workload and direction, in evaluation order. */
export class TierIndex {
  private readonly admin: Record<Direction, CompiledTierRule[][]>;
  private readonly baseline: Record<Direction, CompiledTierRule[][]>;

  /** What the tiers could not decide from the input (CIDR-like peers that may hold pods), said once per rule. */
  public readonly notices: string[] = [];

  constructor(policies: readonly TierPolicy[], private readonly workloads: readonly WorkloadInfo[], namespaces: ReadonlyMap<string, Labels>, index: SelectorIndex, private readonly addresses: AddressBook) {
    const empty = () => workloads.map((): CompiledTierRule[] => []);
    this.admin = { ingress: empty(), egress: empty() };
    this.baseline = { ingress: empty(), egress: empty() };
    const sorted = [...policies].sort((a, b) => a.priority - b.priority || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
    // A pods peer without a namespace selector means every namespace here (cluster policies name both).
    const namespacesMatching = (selector: Selector | undefined) => [...namespaces.keys()].filter((ns) => selector === undefined || selectorMatches(selector, namespaces.get(ns)!));
    for (const policy of sorted) {
      const subjects = index.podsIn(namespacesMatching(policy.subject.namespaces), policy.subject.pods);
      if (subjects.length === 0) continue;
      const compile = (rule: TierRule, direction: Direction): CompiledTierRule => {
        // Fail closed: an Accept that cannot be understood matches nothing, a Deny or Pass everything.
        if (rule.failClosed) return { policy, rule, workloads: rule.action === 'Accept' ? 'none' : 'all' };
        const bits = new Bitset(workloads.length);
        const maybe = new Bitset(workloads.length);
        const nodeAddresses: IpAddress[] = [];
        for (const peer of rule.peers ?? []) {
          if (peer.kind === 'pods') {
            for (const w of index.podsIn(namespacesMatching(peer.namespaceSelector), peer.podSelector ?? MATCH_ALL)) bits.add(w);
          } else if (peer.kind === 'networks') {
            const cidrs = peer.ranges.map((range) => ({ range, except: [] }));
            workloads.forEach((_, w) => {
              const coverage = this.addresses.coverage(w, cidrs);
              if (coverage === 'yes') bits.add(w);
              else if (coverage === 'depends') maybe.add(w);
            });
          } else if (peer.kind === 'nodes') {
            this.compileNodes(peer, policy, rule, direction, bits, maybe, nodeAddresses);
          }
        }
        for (const w of bits) maybe.delete(w);
        const label = `${policy.ref} ${direction}[${rule.index}]`;
        const uncertain = [...maybe];
        if (uncertain.length > 0 && !this.noted.has(label)) {
          this.noted.add(label);
          const names = uncertain.slice(0, 4).map((w) => workloads[w].ref).join(', ') + (uncertain.length > 4 ? ` and ${uncertain.length - 4} more` : '');
          this.notices.push(`${label}: whether its ${(rule.peers ?? []).filter((p) => p.kind !== 'pods').map(peerText).join(', ')} hold${uncertain.length === 1 ? 's' : ''} ${names} depends on pod addresses the input does not give (${this.addresses.describe(uncertain[0])}); answers read them as not held. Give --pod-cidr (podCidrs), or Pods with status.podIP`);
        }
        return { policy, rule, workloads: bits, ...(uncertain.length > 0 ? { maybe } : {}), ...(nodeAddresses.length > 0 ? { nodeAddresses } : {}) };
      };
      const target = policy.tier === 'Admin' ? this.admin : this.baseline;
      for (const direction of ['ingress', 'egress'] as const) {
        const rules = policy[direction].map((rule) => compile(rule, direction));
        for (const w of subjects) target[direction][w].push(...rules);
      }
    }
  }

  private readonly noted = new Set<string>();

  /**
   * A `nodes` peer: the input's Node objects its selector picks (their addresses match as
   * outside endpoints), and host-network workloads, which send from node addresses: held when
   * every node of the input is picked, not when none is, else it depends on where they run.
   */
  private compileNodes(peer: Extract<TierPeer, { kind: 'nodes' }>, policy: TierPolicy, rule: TierRule, direction: Direction, bits: Bitset, maybe: Bitset, nodeAddresses: IpAddress[]): void {
    const nodes = this.addresses.nodes;
    const selected = nodes.filter((n) => selectorMatches(peer.selector, n.labels));
    for (const n of selected) nodeAddresses.push(...n.addresses);
    const everyNode = nodes.length > 0 ? selected.length === nodes.length : isEmptySelector(peer.selector) && this.addresses.nodeCidrs.length > 0;
    const noNode = nodes.length > 0 ? selected.length === 0 : false;
    if (nodes.length === 0 && this.addresses.nodeCidrs.length === 0) {
      this.notices.push(`${policy.ref}: ${peer.text.replace(/^spec\./, 'spec.')}: the input has no Node objects and no --node-cidr (nodeCidrs), so node addresses are unknown; the ${direction}[${rule.index}] rule matches no endpoint through it`);
    }
    this.workloads.forEach((w, i) => {
      if (!w.hostNetwork) return;
      if (everyNode) bits.add(i);
      else if (!noNode && (nodes.length > 0 || this.addresses.nodeCidrs.length > 0)) maybe.add(i);
    });
  }

  /** A workload's Admin-tier rules, then its Baseline-tier rules, in evaluation order. */
  public rulesOf(direction: Direction, self: number): { readonly admin: readonly CompiledTierRule[]; readonly baseline: readonly CompiledTierRule[] } {
    return { admin: this.admin[direction][self], baseline: this.baseline[direction][self] };
  }

  /** Whether any tier rule applies to the workload in this direction. */
  public applies(direction: Direction, self: number): boolean {
    return this.admin[direction][self].length > 0 || this.baseline[direction][self].length > 0;
  }

  private matches(compiled: CompiledTierRule, other: Endpoint): boolean {
    if (compiled.workloads === 'all') return true;
    if (compiled.workloads === 'none') return false;
    if (other.kind === 'workload') return compiled.workloads.has(other.index);
    if (compiled.nodeAddresses?.some((a) => a.family === other.ip.family && a.value === other.ip.value)) return true;
    const everyNodeByCidr = this.addresses.nodes.length === 0 && (compiled.rule.peers ?? []).some((p) => p.kind === 'nodes' && isEmptySelector(p.selector));
    if (everyNodeByCidr && this.addresses.nodeCidrs.some((r) => rangeContains(r, other.ip))) return true;
    return (compiled.rule.peers ?? []).some((p) => p.kind === 'networks' && p.ranges.some((r) => rangeContains(r, other.ip)));
  }

  /** Whether a rule may match a workload, depending on pod addresses the input lacks. */
  private mayMatch(compiled: CompiledTierRule, other: Endpoint): boolean {
    return other.kind === 'workload' && compiled.maybe !== undefined && compiled.maybe.has(other.index);
  }

  private ports(compiled: CompiledTierRule, destination: Endpoint): PortSet {
    // Named ports resolve on the destination pod, as in NetworkPolicy: one reading for every dialect.
    return portsOf(compiled.rule, destination.kind === 'workload' ? this.workloads[destination.index] : undefined);
  }

  /**
   * The ports one side lets through, all tiers applied. `networkPolicy` gives that side's
   * verdict between the Admin and Baseline tiers: the ports it decides (every port when a
   * NetworkPolicy isolates the pod; on Calico, those its ordered tiers decide) and, of those,
   * the ports it allows.
   */
  public sidePorts(direction: Direction, self: number, other: Endpoint, networkPolicy: { decided: PortSet; ports: PortSet }): PortSet {
    const destination: Endpoint = direction === 'ingress' ? { kind: 'workload', index: self } : other;
    let undecided = PortSet.ALL;
    let accepted = PortSet.NONE;
    let passed = PortSet.NONE;
    for (const rule of this.admin[direction][self]) {
      if (undecided.isEmpty) break;
      if (!this.matches(rule, other)) continue;
      const matched = this.ports(rule, destination).intersect(undecided);
      if (matched.isEmpty) continue;
      if (rule.rule.action === 'Accept') accepted = accepted.union(matched);
      else if (rule.rule.action === 'Pass') passed = passed.union(matched);
      undecided = undecided.minus(matched);
    }
    const toNetworkPolicy = undecided.union(passed);
    accepted = accepted.union(networkPolicy.ports.intersect(networkPolicy.decided).intersect(toNetworkPolicy));
    let open = toNetworkPolicy.minus(networkPolicy.decided);
    let baselineAccepted = PortSet.NONE;
    for (const rule of this.baseline[direction][self]) {
      if (open.isEmpty) break;
      if (!this.matches(rule, other)) continue;
      const matched = this.ports(rule, destination).intersect(open);
      if (matched.isEmpty) continue;
      // A Pass in the Baseline tier hands the traffic to the default, which allows it.
      if (rule.rule.action !== 'Deny') baselineAccepted = baselineAccepted.union(matched);
      open = open.minus(matched);
    }
    return accepted.union(baselineAccepted).union(open);
  }

  /** The rule that decides one port in a tier, if any; `networkPolicyIsolates` says whether the Baseline tier is reached. */
  public decide(direction: Direction, self: number, other: Endpoint, protocol: PolicyProtocol, port: number, networkPolicyIsolates: boolean): { admin?: TierDecision; baseline?: TierDecision; dependsOn?: string } {
    const destination: Endpoint = direction === 'ingress' ? { kind: 'workload', index: self } : other;
    const find = (rules: readonly CompiledTierRule[]) => rules.find((r) => this.matches(r, other) && this.ports(r, destination).has(protocol, port));
    // A rule before the deciding one that may hold the peer's addresses would decide instead.
    const uncertain = (rules: readonly CompiledTierRule[], decider: CompiledTierRule | undefined) => {
      const stop = decider ? rules.indexOf(decider) : rules.length;
      return rules.slice(0, stop).find((r) => this.mayMatch(r, other) && this.ports(r, destination).has(protocol, port));
    };
    const depends = (rule: CompiledTierRule | undefined) => (rule && other.kind === 'workload'
      ? { dependsOn: `pod addresses: ${rule.policy.ref} ${direction}[${rule.rule.index}] (${rule.rule.action}) holds ${this.workloads[other.index].ref} only if its addresses are in ${(rule.rule.peers ?? []).filter((p) => p.kind !== 'pods').map(peerText).join(', ')}, and ${this.addresses.describe(other.index)}; read as not held` }
      : {});
    const describe = (compiled: CompiledTierRule): TierDecision => ({
      tier: compiled.policy.tier,
      policy: compiled.policy.ref,
      priority: compiled.policy.priority,
      rule: `${direction}[${compiled.rule.index}]${compiled.rule.name ? ` "${compiled.rule.name}"` : ''}`,
      action: compiled.rule.action,
    });
    const admin = find(this.admin[direction][self]);
    const adminDepends = depends(uncertain(this.admin[direction][self], admin));
    if (admin && admin.rule.action !== 'Pass') return { admin: describe(admin), ...adminDepends };
    if (networkPolicyIsolates) return { ...(admin ? { admin: describe(admin) } : {}), ...adminDepends };
    const baseline = find(this.baseline[direction][self]);
    const baselineDepends = adminDepends.dependsOn ? adminDepends : depends(uncertain(this.baseline[direction][self], baseline));
    return { ...(admin ? { admin: describe(admin) } : {}), ...(baseline ? { baseline: describe(baseline) } : {}), ...baselineDepends };
  }
}

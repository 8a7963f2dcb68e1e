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
 * Host-network pods are neither subjects nor pod peers. A `networks` peer matches addresses
 * outside the cluster here (pod addresses are not known before deploy, as for ipBlock).
 * The evaluation works on port sets, so a matrix cell is exact: each rule takes the ports it
 * matches out of what is still undecided.
 */
import { Bitset } from './bitset';
import { Endpoint } from './compiled-model';
import { TierPolicy, TierRule } from './cluster-policy';
import { PolicyProtocol, PortSet } from './port-set';
import { SelectorIndex } from './selector-index';
import { Labels, selectorMatches } from './selectors';
import { WorkloadInfo } from './objects';
import { rangeContains } from '../net/ip';

/** A rule with its peers resolved. */
export interface CompiledTierRule {
  readonly policy: TierPolicy;
  readonly rule: TierRule;
  /** Workloads the peers match; `all` when the rule fails closed to everything. */
  readonly workloads: Bitset | 'all' | 'none';
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

  constructor(policies: readonly TierPolicy[], private readonly workloads: readonly WorkloadInfo[], namespaces: ReadonlyMap<string, Labels>, index: SelectorIndex) {
    const empty = () => workloads.map((): CompiledTierRule[] => []);
    this.admin = { ingress: empty(), egress: empty() };
    this.baseline = { ingress: empty(), egress: empty() };
    const sorted = [...policies].sort((a, b) => a.priority - b.priority || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
    const namespacesMatching = (selector: TierPolicy['subject']['namespaceSelector']) => [...namespaces.keys()].filter((ns) => selectorMatches(selector, namespaces.get(ns)!));
    for (const policy of sorted) {
      const subjects = index.podsIn(namespacesMatching(policy.subject.namespaceSelector), policy.subject.podSelector);
      if (subjects.length === 0) continue;
      const compile = (rule: TierRule): CompiledTierRule => {
        // Fail closed: an Accept that cannot be understood matches nothing, a Deny or Pass everything.
        if (rule.failClosed) return { policy, rule, workloads: rule.action === 'Accept' ? 'none' : 'all' };
        const bits = new Bitset(workloads.length);
        for (const peer of rule.peers) {
          if (peer.kind !== 'pods') continue;
          for (const w of index.podsIn(namespacesMatching(peer.namespaceSelector), peer.podSelector)) bits.add(w);
        }
        return { policy, rule, workloads: bits };
      };
      const target = policy.tier === 'Admin' ? this.admin : this.baseline;
      for (const direction of ['ingress', 'egress'] as const) {
        const rules = policy[direction].map(compile);
        for (const w of subjects) target[direction][w].push(...rules);
      }
    }
  }

  /** Whether any tier rule applies to the workload in this direction. */
  public applies(direction: Direction, self: number): boolean {
    return this.admin[direction][self].length > 0 || this.baseline[direction][self].length > 0;
  }

  private matches(compiled: CompiledTierRule, other: Endpoint): boolean {
    if (compiled.workloads === 'all') return true;
    if (compiled.workloads === 'none') return false;
    if (other.kind === 'workload') return compiled.workloads.has(other.index);
    return compiled.rule.peers.some((p) => p.kind === 'networks' && p.ranges.some((r) => rangeContains(r, other.ip)));
  }

  private ports(compiled: CompiledTierRule, destination: Endpoint): PortSet {
    if (compiled.rule.ports === null) return PortSet.ALL;
    let set = PortSet.NONE;
    for (const port of compiled.rule.ports) {
      if (port.kind === 'range') set = set.union(PortSet.range(port.protocol, port.from, port.to));
      else if (destination.kind === 'workload') {
        // Named ports resolve on the destination pod, as in NetworkPolicy.
        for (const declared of this.workloads[destination.index].ports) {
          if (declared.name === port.name) set = set.union(PortSet.range(declared.protocol, declared.number, declared.number));
        }
      }
    }
    return set;
  }

  /**
   * The ports one side lets through, all tiers applied. `networkPolicy` gives that side's
   * NetworkPolicy verdict: whether it isolates the pod, and the ports its rules allow.
   */
  public sidePorts(direction: Direction, self: number, other: Endpoint, networkPolicy: { isolated: boolean; ports: PortSet }): PortSet {
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
    if (networkPolicy.isolated) return accepted.union(networkPolicy.ports.intersect(toNetworkPolicy));
    let open = toNetworkPolicy;
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
  public decide(direction: Direction, self: number, other: Endpoint, protocol: PolicyProtocol, port: number, networkPolicyIsolates: boolean): { admin?: TierDecision; baseline?: TierDecision } {
    const destination: Endpoint = direction === 'ingress' ? { kind: 'workload', index: self } : other;
    const find = (rules: readonly CompiledTierRule[]) => rules.find((r) => this.matches(r, other) && this.ports(r, destination).has(protocol, port));
    const describe = (compiled: CompiledTierRule): TierDecision => ({
      tier: compiled.policy.tier,
      policy: compiled.policy.ref,
      priority: compiled.policy.priority,
      rule: `${direction}[${compiled.rule.index}]${compiled.rule.name ? ` "${compiled.rule.name}"` : ''}`,
      action: compiled.rule.action,
    });
    const admin = find(this.admin[direction][self]);
    if (admin && admin.rule.action !== 'Pass') return { admin: describe(admin) };
    if (networkPolicyIsolates) return admin ? { admin: describe(admin) } : {};
    const baseline = find(this.baseline[direction][self]);
    return { ...(admin ? { admin: describe(admin) } : {}), ...(baseline ? { baseline: describe(baseline) } : {}) };
  }
}

/**
 * Ordered tiers, as Calico evaluates policy (reference/resources/tier.md "How policy is
 * evaluated"; network-policy/policy-tiers/tiered-policy.md). On a Calico cluster they take the
 * place of the model's NetworkPolicy tier, Kubernetes NetworkPolicies included:
 * - tiers by `order`, lowest first (a tier without order is last; ties by name); only tiers
 *   in which some policy applies to the endpoint in that direction are looked at;
 * - in a tier, policies by `order` (none is last; ties by name), rules in written order;
 *   the first rule that matches decides: Allow and Deny are final for that direction, Pass
 *   skips the rest of the tier, Log records and goes on;
 * - a tier that applies but whose rules all missed ends with its `defaultAction` (Deny unless
 *   the Tier says Pass);
 * - an endpoint no tier applies to, and traffic passed out of its last tier, reaches the
 *   profiles, which on Kubernetes allow (then the Baseline tier of network-policy-api, if any);
 * - Kubernetes NetworkPolicies sit in the default tier at order 1000 with Allow rules, so their
 *   union-of-allows with default deny is that tier's rules plus its end-of-tier deny
 *   (the tiered-policy.md "default tier" section).
 * Port sets make a matrix cell exact over TCP, UDP and SCTP destination ports from any
 * source port; a rule that needs a source port, an ICMP type or another protocol matches only
 * in a check that names them.
 */
import { Bitset } from './bitset';
import { Coverage } from './addresses';
import { CompiledRule, Endpoint } from './compiled-model';
import { PROTOCOLS, PolicyProtocol, PortSet } from './port-set';
import { WorkloadInfo } from '../input/objects';
import { CalicoAction, IcmpMatch, protocolName } from '../dialects/calico/calico-policy';

/** A packet, as a check asks about it. */
export interface Packet {
  /** IANA protocol number (6 TCP, 17 UDP, 132 SCTP, 1 ICMP, 58 ICMPv6, ...). */
  readonly protocol: number;
  /** Destination port (TCP, UDP, SCTP, UDPLite). */
  readonly port?: number;
  /** Source port, when the query names one. */
  readonly sourcePort?: number;
  /** ICMP type and code, when the query names them. */
  readonly icmp?: IcmpMatch;
}

/** Protocol numbers of the model's port-set protocols. */
export const PROTOCOL_NUMBERS: Readonly<Record<PolicyProtocol, number>> = { TCP: 6, UDP: 17, SCTP: 132 };

/** A policy in an ordered tier, as verdicts name it. */
export interface OrderedPolicy {
  /** `GlobalNetworkPolicy deny-metadata`, `NetworkPolicy shop/x` (Calico's), or `shop/web` (a Kubernetes NetworkPolicy). */
  readonly ref: string;
  readonly tier: string;
  /** Its order; none is last. */
  readonly order?: number;
  /** For ties: the name. */
  readonly name: string;
}

/**
 * One rule, compiled against the cluster: whether it matches the other end, the ports it is
 * about toward a destination, and a packet test for checks. `yes`/`no`/`depends` (on addresses
 * or packet details the input or query lacks; read as no, and said).
 */
export interface OrderedRule {
  readonly policy: OrderedPolicy;
  readonly list: 'ingress' | 'egress';
  readonly index: number;
  readonly action: CalicoAction;
  /** Whether the rule matches the other end (`why` for `depends`). */
  peer(other: Endpoint): { readonly match: Coverage; readonly why?: string };
  /**
   * The workloads `peer` answers `yes` for, all at once (`null`: every workload), shared by
   * rules with the same peer: what the matrix tests pairs against.
   */
  matching(): Bitset | null;
  /** TCP/UDP/SCTP destination ports it matches from any source port. */
  ports(destination: Endpoint, family: 4 | 6): PortSet;
  /** Whether it matches a packet toward `destination`. */
  packet(packet: Packet, destination: Endpoint, family: 4 | 6): { readonly match: Coverage; readonly why?: string };
  /**
   * Whether its subject end (an ingress rule's destination, an egress rule's source) holds
   * the workload the policy applies to; a rule that does not is left out for it.
   * @default - every subject
   */
  self?(index: number): Coverage;
}

/** A tier as it applies to one endpoint in one direction. */
interface AppliedTier {
  readonly name: string;
  readonly defaultAction: 'Deny' | 'Pass';
  /** The policies of the tier that apply, in order. */
  readonly policies: readonly OrderedPolicy[];
  readonly rules: readonly OrderedRule[];
}

/** A tier's definition. */
export interface TierDefinition {
  readonly name: string;
  readonly order?: number;
  readonly defaultAction: 'Deny' | 'Pass';
}

/** What decided (or passed) one side in an ordered tier. */
export interface OrderedDecision {
  /** The tier. */
  readonly tier: string;
  /** The policy; for an end-of-tier action, the policies of the tier that applied. */
  readonly policy: string;
  /** Its order. @default - none (last) */
  readonly order?: number;
  /** `ingress[0]`, or `end of tier` for the tier's default action. */
  readonly rule: string;
  /** What it did. */
  readonly action: 'Allow' | 'Deny' | 'Pass';
  /** What made the rule match, when it was pod addresses (`nets ... hold shop/web's addresses (...)`). @default - none */
  readonly because?: string;
}

/** One side's answer from the ordered tiers. */
export interface OrderedVerdict {
  /** The deciding rule, when a tier decided. @default - none: no tier applies, or the traffic passed out of the last one */
  readonly decidedBy?: OrderedDecision;
  /** Pass rules (or Pass-by-default tiers) the traffic went through first. */
  readonly passedBy: readonly OrderedDecision[];
  /** The tiers that applied, in order (empty: no policy applies, the profile allows). */
  readonly tiers: readonly string[];
  /** The policies that applied. */
  readonly policies: readonly string[];
  /** A rule before the decision that may have matched, with why it could not be told. @default - nothing */
  readonly dependsOn?: string;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byOrder = (a: { order?: number; name: string }, b: { order?: number; name: string }) => (a.order ?? Infinity) - (b.order ?? Infinity) || compare(a.name, b.name);

/** How a rule is named in verdicts: `tier security, GlobalNetworkPolicy deny-metadata (order 10) egress[0] Deny`. */
export function describeOrdered(d: OrderedDecision): string {
  return `tier ${d.tier}, ${d.policy}${d.order !== undefined ? ` (order ${d.order})` : ' (no order: last)'} ${d.rule} ${d.action}${d.because ? ` (${d.because})` : ''}`;
}

/** Every workload's applied tiers per direction. */
export class OrderedTiers {
  /** What the tiers could not tell from the input, said once each. */
  public readonly notices: string[] = [];
  private readonly applied: Record<'ingress' | 'egress', AppliedTier[][]>;

  /**
   * @param policies the policies with their subjects (workload indexes) and rules per direction
   *   (`undefined`: the policy does not apply in that direction)
   */
  constructor(
    workloads: readonly WorkloadInfo[],
    tiers: readonly TierDefinition[],
    policies: readonly { policy: OrderedPolicy; subjects: readonly number[] | Bitset; ingress?: readonly OrderedRule[]; egress?: readonly OrderedRule[] }[],
  ) {
    const tierByName = new Map(tiers.map((t) => [t.name, t]));
    const sortedTiers = [...tiers].sort(byOrder);
    const sorted = [...policies].sort((a, b) => byOrder(a.policy, b.policy) || compare(a.policy.ref, b.policy.ref));
    const perWorkload = (direction: 'ingress' | 'egress') => {
      const lists = workloads.map(() => new Map<string, { policies: OrderedPolicy[]; rules: OrderedRule[] }>());
      for (const entry of sorted) {
        const rules = entry[direction];
        if (rules === undefined) continue;
        for (const w of entry.subjects) {
          let tier = lists[w].get(entry.policy.tier);
          if (!tier) { tier = { policies: [], rules: [] }; lists[w].set(entry.policy.tier, tier); }
          tier.policies.push(entry.policy);
          for (const rule of rules) {
            const self = rule.self === undefined ? 'yes' : rule.self(w);
            if (self === 'yes') tier.rules.push(rule);
            // Whether the rule is for this workload depends on addresses the input lacks: read as not, and said.
            else if (self === 'depends') this.notices.push(`${rule.policy.ref} ${rule.list}[${rule.index}]: whether it applies to ${workloads[w].ref} depends on its pod addresses (its ${rule.list === 'ingress' ? 'destination' : 'source'} names nets), which the input does not give; read as not applying. Give --pod-cidr (podCidrs), or Pods with status.podIP`);
          }
        }
      }
      return lists.map((byTier) => sortedTiers.filter((t) => byTier.has(t.name)).map((t): AppliedTier => ({ name: t.name, defaultAction: tierByName.get(t.name)!.defaultAction, ...byTier.get(t.name)! })));
    };
    this.applied = { ingress: perWorkload('ingress'), egress: perWorkload('egress') };
  }

  /** Whether any tier applies to the workload in this direction. */
  public applies(direction: 'ingress' | 'egress', self: number): boolean {
    return this.applied[direction][self].length > 0;
  }

  /** The tiers applying to a workload in one direction, for lint and explanations. */
  public tiersOf(direction: 'ingress' | 'egress', self: number): readonly { name: string; defaultAction: 'Deny' | 'Pass'; policies: readonly OrderedPolicy[]; rules: readonly OrderedRule[] }[] {
    return this.applied[direction][self];
  }

  /**
   * The TCP/UDP/SCTP ports one side lets through (`allowed`), and those no tier decided
   * (`undecided`: no tier applies, or passed out of the last one), which go on to the Baseline
   * tier and the profile.
   */
  public sidePorts(direction: 'ingress' | 'egress', self: number, other: Endpoint): { allowed: PortSet; undecided: PortSet } {
    const destination: Endpoint = direction === 'ingress' ? { kind: 'workload', index: self } : other;
    const family = familyOf(other);
    let flowing = PortSet.ALL;
    let allowed = PortSet.NONE;
    for (const tier of this.applied[direction][self]) {
      let open = flowing;
      let passed = PortSet.NONE;
      for (const rule of tier.rules) {
        if (open.isEmpty) break;
        if (rule.action === 'Log') continue;
        if (rule.peer(other).match !== 'yes') continue;
        const matched = rule.ports(destination, family).intersect(open);
        if (matched.isEmpty) continue;
        if (rule.action === 'Allow') allowed = allowed.union(matched);
        else if (rule.action === 'Pass') passed = passed.union(matched);
        open = open.minus(matched);
      }
      if (tier.defaultAction === 'Pass') passed = passed.union(open);
      flowing = passed;
      if (flowing.isEmpty) break;
    }
    return { allowed, undecided: flowing };
  }

  /** The rule that decides one packet on one side, with the passes before it. */
  public decide(direction: 'ingress' | 'egress', self: number, other: Endpoint, packet: Packet): OrderedVerdict {
    const destination: Endpoint = direction === 'ingress' ? { kind: 'workload', index: self } : other;
    const family = familyOf(other);
    const tiers = this.applied[direction][self];
    const passedBy: OrderedDecision[] = [];
    let dependsOn: string | undefined;
    const decision = (rule: OrderedRule, action: 'Allow' | 'Deny' | 'Pass'): OrderedDecision => ({
      tier: rule.policy.tier, policy: rule.policy.ref, ...(rule.policy.order !== undefined ? { order: rule.policy.order } : {}), rule: `${rule.list}[${rule.index}]`, action,
    });
    const base = { tiers: tiers.map((t) => t.name), policies: tiers.flatMap((t) => t.policies.map((p) => p.ref)) };
    for (const tier of tiers) {
      let passed = false;
      for (const rule of tier.rules) {
        if (rule.action === 'Log') continue;
        const peer = rule.peer(other);
        if (peer.match === 'no') continue;
        const fits = rule.packet(packet, destination, family);
        if (fits.match === 'no') continue;
        if (peer.match === 'depends' || fits.match === 'depends') {
          dependsOn ??= `${describeOrdered(decision(rule, rule.action as 'Allow' | 'Deny' | 'Pass'))} matches only if ${peer.match === 'depends' ? peer.why : fits.why}; read as not matching`;
          continue;
        }
        if (rule.action === 'Pass') {
          passedBy.push(decision(rule, 'Pass'));
          passed = true;
          break;
        }
        const decidedBy = peer.why !== undefined ? { ...decision(rule, rule.action), because: peer.why } : decision(rule, rule.action);
        return { ...base, decidedBy, passedBy, ...(dependsOn ? { dependsOn } : {}) };
      }
      if (passed) continue;
      const end: OrderedDecision = { tier: tier.name, policy: tier.policies.map((p) => p.ref).join(', '), rule: 'end of tier', action: tier.defaultAction };
      if (tier.defaultAction === 'Deny') return { ...base, decidedBy: end, passedBy, ...(dependsOn ? { dependsOn } : {}) };
      passedBy.push(end);
    }
    return { ...base, passedBy, ...(dependsOn ? { dependsOn } : {}) };
  }
}

/** The address family of a connection: an address's own, IPv4 between pods. */
export function familyOf(other: Endpoint): 4 | 6 {
  return other.kind === 'external' ? other.ip.family : 4;
}

/** A packet's protocol as a port-set protocol, when it is one. */
export function portSetProtocol(protocol: number): PolicyProtocol | undefined {
  return PROTOCOLS.find((p) => PROTOCOL_NUMBERS[p] === protocol);
}

/**
 * A Kubernetes NetworkPolicy rule in Calico's default tier. Calico reads an ipBlock as `nets`,
 * which match any address, pods included (the Kubernetes docs leave that to the plugin); a rule
 * without ports matches every protocol (ICMP too), one with ports only their protocols.
 */
export function kubernetesRule(
  compiled: CompiledRule,
  policy: OrderedPolicy,
  list: 'ingress' | 'egress',
  matchesPeer: (rule: CompiledRule, other: Endpoint) => boolean,
  ipBlockCoverage: (rule: CompiledRule, workload: number) => Coverage,
  ports: (rule: CompiledRule, destination: Endpoint) => PortSet,
  describeAddresses: (workload: number) => string,
  ipBlockHolds: (rule: CompiledRule) => Bitset | undefined,
): OrderedRule {
  const peer = (other: Endpoint): { match: Coverage; why?: string } => {
    if (matchesPeer(compiled, other)) return { match: 'yes' };
    if (other.kind !== 'workload') return { match: 'no' };
    const coverage = ipBlockCoverage(compiled, other.index);
    return coverage === 'depends' ? { match: 'depends', why: `its ipBlock holds the pod's addresses (${describeAddresses(other.index)})` } : { match: coverage };
  };
  return {
    policy, list, index: compiled.rule.index, action: 'Allow',
    peer,
    matching: () => {
      if (compiled.workloads === null) return null;
      const held = ipBlockHolds(compiled);
      if (!held) return compiled.workloads;
      const both = Bitset.copyOf(compiled.workloads);
      both.addAll(held);
      return both;
    },
    ports: (destination) => ports(compiled, destination),
    packet: (packet, destination) => {
      if (compiled.rule.ports === null) return { match: 'yes' };
      const protocol = portSetProtocol(packet.protocol);
      if (protocol === undefined || packet.port === undefined) return { match: 'no' };
      return { match: ports(compiled, destination).has(protocol, packet.port) ? 'yes' : 'no' };
    },
  };
}

/** A protocol for messages: `TCP`, `ICMP`, or its number. */
export function packetText(packet: Packet): string {
  const name = protocolName(packet.protocol);
  if (packet.port !== undefined) return `${name} ${packet.port}`;
  if (packet.icmp?.type !== undefined) return `${name} type ${packet.icmp.type}${packet.icmp.code !== undefined ? ` code ${packet.icmp.code}` : ''}`;
  return name;
}

import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { NetkitLint } from './netkit-lint';
import { readClusterPolicy } from '../analysis/dialects/cluster-network-policy/cluster-policy';
import { readCalicoObject } from '../analysis/dialects/calico/calico-policy';
import { NetworkDialect } from '../net/dialect';
import { calicoRules, calicoSubject } from '../policy/calico-guardrails';
import { Cidr } from '../net/cidr';
import { ClusterPeer, ClusterSubject } from '../net/cluster-peer';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../net/names';
import { Port } from '../net/port';
import type {
  AdminNetworkPolicyPortJson, ClusterNetworkPolicyProtocolJson, ClusterPolicyEgressPeerJson, ClusterPolicyJson,
} from '../policy/cluster-policy-json';
import { clusterScoped } from '../private/cluster-scoped';
import { failAt } from '../private/errors';
import { Transaction, atomically, recordUndo } from '../private/transaction';
import { INamespace } from '../workload/namespace-ref';

/** Which network-policy-api objects {@link ClusterGuardrails} writes. */
export enum ClusterPolicyApi {
  /** ClusterNetworkPolicy, `policy.networking.k8s.io/v1alpha2` (network-policy-api v0.2.0). */
  CLUSTER_NETWORK_POLICY_V1ALPHA2 = 'v1alpha2',
  /**
   * AdminNetworkPolicy and BaselineAdminNetworkPolicy, `policy.networking.k8s.io/v1alpha1`,
   * for implementations that have not moved to v1alpha2. The Baseline tier is then one
   * object named `default`, so it holds one Baseline policy at most.
   */
  ADMIN_NETWORK_POLICY_V1ALPHA1 = 'v1alpha1',
}

/** Where a cluster policy sits around the namespaces' own NetworkPolicies. */
export enum GuardrailTier {
  /** Before NetworkPolicy: Accept and Deny are final, no namespace can override them. */
  ADMIN = 'Admin',
  /** After NetworkPolicy: applies only to pods no NetworkPolicy isolates. */
  BASELINE = 'Baseline',
}

/** What a matching rule does. */
export enum GuardrailAction {
  /** Allow the traffic (v1alpha1 writes `Allow`). */
  ACCEPT = 'Accept',
  /** Drop the traffic. */
  DENY = 'Deny',
  /** Admin tier only: skip the remaining Admin rules and let NetworkPolicy (then Baseline) decide. */
  PASS = 'Pass',
}

/** One rule of a guardrail policy. */
export interface GuardrailRule {
  /** The rule's name, shown in the analyzer's reasons. At most 100 characters. @default - unnamed */
  readonly name?: string;
  /** What a match does: allow, deny, or pass to the next tier. */
  readonly action: GuardrailAction;
  /** The other ends: 1 to 25. `ClusterPeer.networks` only in egress rules. */
  readonly peers: ClusterPeer[];
  /** Destination ports (numbers or ranges). @default - every port and protocol */
  readonly ports?: Port[];
}

/** A free-form guardrail policy, see {@link ClusterGuardrails.addPolicy}. */
export interface GuardrailPolicyOptions {
  /** metadata.name. @default - `<namePrefix>-<id>` (v1alpha1 Baseline: always `default`) */
  readonly name?: string;
  /** Admin (before NetworkPolicy) or Baseline (where no NetworkPolicy decided). */
  readonly tier: GuardrailTier;
  /**
   * 0 (first) to 1000. Two policies of one tier with the same priority have no defined order,
   * so each gets its own. Not written for a v1alpha1 Baseline policy, which has none.
   */
  readonly priority: number;
  /** The pods the policy applies to. */
  readonly subject: ClusterSubject;
  /** Rules for traffic into the subject, in order (first match wins). @default - none */
  readonly ingress?: GuardrailRule[];
  /** Rules for traffic out of the subject, in order (first match wins). @default - none */
  readonly egress?: GuardrailRule[];
}

/** Options for {@link ClusterGuardrails.denyCloudMetadata}. */
export interface DenyCloudMetadataOptions {
  /**
   * The metadata endpoints. @default - 169.254.169.254/32 (AWS, Azure, GCP, OpenStack and
   * most others) and fd00:ec2::254/128 (AWS over IPv6)
   */
  readonly addresses?: Cidr[];
  /**
   * Namespaces whose pods keep access (node agents that read instance credentials).
   * Host-network pods are never subject to cluster policies anyway. @default - none
   */
  readonly exemptNamespaces?: string[];
  /** Admin-tier priority. @default 10 */
  readonly priority?: number;
}

/** Options for {@link ClusterGuardrails.allowDnsForAllPods}. */
export interface AllowDnsOptions {
  /** The namespace the DNS pods run in. @default 'kube-system' */
  readonly namespace?: string;
  /** Labels of the DNS pods. @default { 'k8s-app': 'kube-dns' } */
  readonly labels?: Record<string, string>;
  /** The ports the DNS pods listen on (policies match the pod's port). @default - UDP 53 and TCP 53 */
  readonly ports?: Port[];
  /** Admin-tier priority of the egress policy (every pod); the ingress one (the DNS pods) gets the next. @default 20 */
  readonly priority?: number;
}

/** Options for {@link ClusterGuardrails.isolateNamespaces}. */
export interface NamespaceIsolationOptions {
  /** The namespaces to isolate from each other. */
  readonly namespaces: (INamespace | string)[];
  /**
   * Peers every isolated namespace still accepts, such as the ingress controller's or the
   * monitoring namespace. @default - none
   */
  readonly allowFrom?: ClusterPeer[];
  /** Baseline-tier priority of the first namespace's policy; each next one gets the next number. @default 500 */
  readonly priority?: number;
}

/** Props for {@link ClusterGuardrails}. */
export interface ClusterGuardrailsProps {
  /** Which network-policy-api version to write (not with the Calico dialect). @default ClusterPolicyApi.CLUSTER_NETWORK_POLICY_V1ALPHA2 */
  readonly api?: ClusterPolicyApi;
  /**
   * `NetworkDialect.calico({ tier, order })` writes Calico GlobalNetworkPolicies in Calico
   * Tiers (and the Tiers) instead of network-policy-api objects, with the same verdicts.
   * @default NetworkDialect.kubernetes() (network-policy-api)
   */
  readonly dialect?: NetworkDialect;
  /** Prefix of every policy name. @default 'netkit' */
  readonly namePrefix?: string;
  /** Shortcut for {@link ClusterGuardrails.denyCloudMetadata}. @default false */
  readonly denyCloudMetadata?: boolean;
  /** Shortcut for {@link ClusterGuardrails.allowDnsForAllPods}. @default false */
  readonly allowDnsForAllPods?: boolean;
}

const METADATA_ADDRESSES = ['169.254.169.254', 'fd00:ec2::254'];

/**
 * Cluster-wide network rules no namespace can override, written as network-policy-api
 * cluster-scoped policies: ClusterNetworkPolicy (v1alpha2) by default, AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy (v1alpha1) on request.
 *
 * ```ts
 * const guardrails = new ClusterGuardrails(chart, 'guardrails');
 * guardrails.denyCloudMetadata();
 * guardrails.allowDnsForAllPods();
 * guardrails.isolateNamespaces({ namespaces: [shop, payments], allowFrom: [ClusterPeer.namespaceNamed('monitoring')] });
 * ```
 */
export class ClusterGuardrails extends Construct {
  /** The network-policy-api version the policies are written in (unless the dialect is Calico). */
  public readonly api: ClusterPolicyApi;
  /** The dialect: network-policy-api objects, or Calico's. */
  public readonly dialect: NetworkDialect;
  private readonly namePrefix: string;
  private readonly written = new Map<string, { tier: GuardrailTier; priority: number; name: string }>();

  constructor(scope: Construct, id: string, props: ClusterGuardrailsProps = {}) {
    super(scope, id);
    // A constructor that throws leaves nothing behind (lib/private/transaction.ts).
    const transaction = Transaction.begin(this);
    try {
      this.api = props.api ?? ClusterPolicyApi.CLUSTER_NETWORK_POLICY_V1ALPHA2;
      this.dialect = props.dialect ?? NetworkDialect.kubernetes();
      if (this.dialect.isCilium) failAt(this, 'dialect NetworkDialect.cilium() has no cluster-guardrail form here. Leave dialect out (network-policy-api, which Cilium implements) or use NetworkDialect.calico() on Calico.');
      if (this.dialect.isCalico && props.api !== undefined) failAt(this, `api ${props.api} chooses a network-policy-api version, but dialect ${this.dialect} writes Calico GlobalNetworkPolicies. Leave api out.`);
      if (this.dialect.calicoTiers) this.checkCalicoTiers(this.dialect.calicoTiers);
      this.namePrefix = props.namePrefix ?? 'netkit';
      const problem = dns1123LabelProblem(this.namePrefix);
      if (problem) failAt(this, `namePrefix "${this.namePrefix}" ${problem}. Use a short name such as "platform".`);
      NetkitLint.of(this);
      if (props.denyCloudMetadata) this.denyCloudMetadata();
      if (props.allowDnsForAllPods) this.allowDnsForAllPods();
    } catch (error) {
      transaction.rollback();
      throw error;
    }
    transaction.commit();
  }

  /**
   * Denies egress to the cloud metadata endpoint from every pod (Admin tier, so even a
   * NetworkPolicy that allows `0.0.0.0/0` cannot reopen it): pods must not read the node's
   * instance credentials.
   */
  public denyCloudMetadata(options: DenyCloudMetadataOptions = {}): ApiObject {
    const addresses = options.addresses ?? METADATA_ADDRESSES.map((address) => Cidr.host(address));
    const exempt = options.exemptNamespaces ?? [];
    return this.addPolicy('deny-cloud-metadata', {
      tier: GuardrailTier.ADMIN,
      priority: options.priority ?? 10,
      subject: exempt.length > 0 ? ClusterSubject.allNamespacesExcept(...exempt) : ClusterSubject.allNamespaces(),
      egress: [{ name: 'deny-cloud-metadata', action: GuardrailAction.DENY, peers: [ClusterPeer.networks(...addresses)] }],
    });
  }

  /**
   * Lets every pod reach the cluster DNS, whatever the namespaces' own policies say (Admin
   * tier): one policy for the egress of every pod, one for the ingress of the DNS pods.
   */
  public allowDnsForAllPods(options: AllowDnsOptions = {}): ApiObject[] {
    const namespace = options.namespace ?? 'kube-system';
    const labels = options.labels ?? { 'k8s-app': 'kube-dns' };
    const ports = options.ports ?? [Port.udp(53), Port.tcp(53)];
    const priority = options.priority ?? 20;
    return atomically(() => [
      this.addPolicy('allow-dns-egress', {
        tier: GuardrailTier.ADMIN, priority, subject: ClusterSubject.allNamespaces(),
        egress: [{ name: 'allow-dns', action: GuardrailAction.ACCEPT, peers: [ClusterPeer.pods(labels, { namespace })], ports }],
      }),
      this.addPolicy('allow-dns-ingress', {
        tier: GuardrailTier.ADMIN, priority: priority + 1, subject: ClusterSubject.pods(labels, { namespace }),
        ingress: [{ name: 'allow-dns', action: GuardrailAction.ACCEPT, peers: [ClusterPeer.allNamespaces()], ports }],
      }),
    ]);
  }

  /**
   * Isolates namespaces from each other in the Baseline tier: a pod no NetworkPolicy selects
   * accepts traffic only from its own namespace and `allowFrom`. A namespace's own
   * NetworkPolicies still decide for the pods they select. One policy per namespace, because
   * a rule cannot say "the subject's own namespace"; v1alpha1 has a single Baseline object, so
   * it can isolate one namespace only.
   */
  public isolateNamespaces(options: NamespaceIsolationOptions): ApiObject[] {
    const names = [...new Set(options.namespaces.map((n) => (typeof n === 'string' ? n : n.namespaceName)))].sort();
    if (names.length === 0) failAt(this, 'isolateNamespaces: namespaces is empty. Name the namespaces to isolate, e.g. [shop, "payments"].');
    for (const name of names) {
      const problem = dns1123LabelProblem(name);
      if (problem) failAt(this, `isolateNamespaces: namespace "${name}" ${problem}. Namespace names are DNS-1123 labels such as "payments".`);
    }
    if (this.api === ClusterPolicyApi.ADMIN_NETWORK_POLICY_V1ALPHA1 && names.length > 1) {
      failAt(this, `isolateNamespaces: ${names.length} namespaces (${names.join(', ')}), but v1alpha1 has one BaselineAdminNetworkPolicy with one subject, which cannot give each namespace its own "same namespace" rule. Use ClusterPolicyApi.CLUSTER_NETWORK_POLICY_V1ALPHA2, or default-deny NetworkPolicies (SecureNamespace).`);
    }
    const first = options.priority ?? 500;
    return atomically(() => names.map((name, index) => this.addPolicy(`isolate-${name}`, {
      tier: GuardrailTier.BASELINE,
      priority: first + index,
      subject: ClusterSubject.namespaceNamed(name),
      ingress: [
        { name: 'same-namespace', action: GuardrailAction.ACCEPT, peers: [ClusterPeer.namespaceNamed(name)] },
        ...(options.allowFrom && options.allowFrom.length > 0 ? [{ name: 'allowed-namespaces', action: GuardrailAction.ACCEPT, peers: options.allowFrom }] : []),
        { name: 'other-namespaces', action: GuardrailAction.DENY, peers: [ClusterPeer.allNamespaces()] },
      ],
    })));
  }

  /** A free-form policy. Its construct id is `id`; its name `<namePrefix>-<id>` unless given. */
  public addPolicy(id: string, options: GuardrailPolicyOptions): ApiObject {
    return atomically(() => {
      const baselineV1alpha1 = this.api === ClusterPolicyApi.ADMIN_NETWORK_POLICY_V1ALPHA1 && options.tier === GuardrailTier.BASELINE;
      const name = baselineV1alpha1 ? 'default' : options.name ?? `${this.namePrefix}-${id}`;
      const where = `policy "${id}"`;
      if (this.node.tryFindChild(id)) failAt(this, `${where} already exists. Give each policy its own id.`);
      if (baselineV1alpha1 && options.name !== undefined && options.name !== 'default') {
        failAt(this, `${where}: name "${options.name}", but a v1alpha1 BaselineAdminNetworkPolicy must be named "default". Leave name out.`);
      }
      const nameProblem = dns1123SubdomainProblem(name);
      if (nameProblem) failAt(this, `${where}: name "${name}" ${nameProblem}. Use a name such as "${this.namePrefix}-deny-egress".`);
      const byName = [...this.written.values()].find((w) => w.name === name);
      if (byName) failAt(this, `${where}: ${baselineV1alpha1 ? 'v1alpha1 allows one Baseline policy (BaselineAdminNetworkPolicy "default"), and there is one already' : `name "${name}" is taken`}. ${baselineV1alpha1 ? 'Put its rules into one policy, or use ClusterPolicyApi.CLUSTER_NETWORK_POLICY_V1ALPHA2.' : 'Give it another name.'}`);
      this.checkPriority(where, options, baselineV1alpha1);
      const ingress = options.ingress ?? [];
      const egress = options.egress ?? [];
      if (ingress.length + egress.length === 0) failAt(this, `${where} has no rules, so it would change nothing. Give ingress or egress rules.`);
      for (const [direction, rules] of [['ingress', ingress], ['egress', egress]] as const) {
        if (rules.length > 25) failAt(this, `${where}: ${rules.length} ${direction} rules; the CRD allows 25. Split them over two policies.`);
        rules.forEach((rule, index) => this.checkRule(`${where} ${direction}[${index}]${rule.name ? ` (${rule.name})` : ''}`, direction, options.tier, rule));
      }

      if (this.dialect.isCalico) return this.addCalicoPolicy(id, where, name, options, ingress, egress);
      const json = this.toJson(name, options, ingress, egress);
      // The typed builders should make this impossible; the CRD's own rules are the final word.
      const { problems } = readClusterPolicy({ object: json as unknown as Record<string, unknown> });
      if (problems.length > 0) failAt(this, `${where}: the CRD would refuse it: ${problems.join('; ')}.`);
      const object = clusterScoped(new ApiObject(this, id, json));
      recordUndo(() => this.node.tryRemoveChild(id));
      this.written.set(id, { tier: options.tier, priority: options.priority, name });
      recordUndo(() => this.written.delete(id));
      return object;
    });
  }

  /** The Tiers of the Calico dialect: names Calico accepts, the Admin tier before the default tier (1,000,000), the Baseline tier after it. */
  private checkCalicoTiers(tiers: NonNullable<NetworkDialect['calicoTiers']>): void {
    for (const name of [tiers.tier, tiers.baselineTier]) {
      const problem = dns1123LabelProblem(name);
      if (problem) failAt(this, `Calico tier "${name}" ${problem}. Use a name such as "platform".`);
      if (name === 'default') failAt(this, 'Calico tier "default" is where Calico puts every NetworkPolicy; guardrails need their own tiers around it. Choose another name.');
    }
    if (tiers.tier === tiers.baselineTier) failAt(this, `Calico tier "${tiers.tier}" is named for both the Admin and the Baseline guardrails. Give baselineTier its own name.`);
    if (!Number.isFinite(tiers.order) || tiers.order >= 1_000_000) failAt(this, `Calico tier order ${tiers.order} is not before the default tier (1,000,000), so namespaces' NetworkPolicies would decide first and the guardrails could be overridden. Use an order below 1,000,000, e.g. 100.`);
    if (!Number.isFinite(tiers.baselineOrder) || tiers.baselineOrder <= 1_000_000) failAt(this, `Calico baseline tier order ${tiers.baselineOrder} is not after the default tier (1,000,000), so it would decide before namespaces' NetworkPolicies. Use an order above 1,000,000, e.g. 2000000.`);
  }

  /** One guardrail policy as a Calico GlobalNetworkPolicy in its tier, writing the Tier with the first policy in it. */
  private addCalicoPolicy(id: string, where: string, name: string, options: GuardrailPolicyOptions, ingress: GuardrailRule[], egress: GuardrailRule[]): ApiObject {
    const tiers = this.dialect.calicoTiers!;
    const baseline = options.tier === GuardrailTier.BASELINE;
    const tier = baseline ? tiers.baselineTier : tiers.tier;
    const tierId = baseline ? 'calico-baseline-tier' : 'calico-tier';
    if (!this.node.tryFindChild(tierId)) {
      const tierJson = { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: { name: tier }, spec: { order: baseline ? tiers.baselineOrder : tiers.order, defaultAction: 'Pass' } };
      clusterScoped(new ApiObject(this, tierId, tierJson));
      recordUndo(() => this.node.tryRemoveChild(tierId));
    }
    const rules = (list: GuardrailRule[], direction: 'ingress' | 'egress') => list.flatMap((r) => calicoRules({ action: r.action, peers: r.peers.map((p) => p._json), ...(r.ports ? { ports: r.ports } : {}) }, direction));
    const types = [...(ingress.length > 0 ? ['Ingress'] : []), ...(egress.length > 0 ? ['Egress'] : [])];
    const json = {
      apiVersion: 'projectcalico.org/v3',
      kind: 'GlobalNetworkPolicy',
      // Calico before 3.28 requires the tier as a name prefix; later versions accept it.
      metadata: { name: `${tier}.${name}` },
      spec: {
        tier,
        order: options.priority,
        ...calicoSubject(options.subject._json),
        types,
        ...(ingress.length > 0 ? { ingress: rules(ingress, 'ingress') } : {}),
        ...(egress.length > 0 ? { egress: rules(egress, 'egress') } : {}),
      },
    };
    const read = readCalicoObject({ object: json });
    if (read.kind === 'refused') failAt(this, `${where}: Calico's API server would refuse it: ${read.problems.join('; ')}.`);
    const object = clusterScoped(new ApiObject(this, id, json));
    recordUndo(() => this.node.tryRemoveChild(id));
    this.written.set(id, { tier: options.tier, priority: options.priority, name });
    recordUndo(() => this.written.delete(id));
    return object;
  }

  private checkPriority(where: string, options: GuardrailPolicyOptions, baselineV1alpha1: boolean): void {
    const { priority, tier } = options;
    if (!Number.isInteger(priority) || priority < 0 || priority > 1000) {
      failAt(this, `${where}: priority ${priority} is not a whole number from 0 to 1000. Lower numbers run first.`);
    }
    if (baselineV1alpha1) return;
    const tie = [...this.written.values()].find((w) => w.tier === tier && w.priority === priority);
    if (tie) failAt(this, `${where}: priority ${priority} is already used by ${tie.name} in the ${tier} tier, and the reference leaves the order of equal priorities undefined. Give it its own priority.`);
  }

  private checkRule(where: string, direction: 'ingress' | 'egress', tier: GuardrailTier, rule: GuardrailRule): void {
    if (rule.name !== undefined && (rule.name.length === 0 || rule.name.length > 100)) failAt(this, `${where}: a rule name has 1 to 100 characters. Shorten it.`);
    if (rule.peers.length === 0 || rule.peers.length > 25) failAt(this, `${where}: ${rule.peers.length} peers; a rule has 1 to 25. ${rule.peers.length === 0 ? 'Use ClusterPeer.allNamespaces() for every pod.' : 'Split the rule.'}`);
    if (direction === 'ingress') {
      const network = rule.peers.find((p) => p.isEgressOnly);
      if (network) failAt(this, `${where}: ${network.description} is an egress-only peer; ingress rules match pods and namespaces. Move it to an egress rule.`);
    }
    if (tier === GuardrailTier.BASELINE && rule.action === GuardrailAction.PASS) {
      failAt(this, `${where}: Pass in the Baseline tier hands the traffic to the default, which allows it. Use GuardrailAction.ACCEPT to allow it, or DENY.`);
    }
    for (const port of rule.ports ?? []) {
      if (port.number === undefined) failAt(this, `${where}: port ${port} is known only by name; named ports are experimental in network-policy-api (a standard CRD drops them). Give the number.`);
    }
    if (rule.ports !== undefined && (rule.ports.length === 0 || rule.ports.length > 25)) failAt(this, `${where}: ${rule.ports.length} ports; give 1 to 25, or leave ports out for every port.`);
  }

  private toJson(name: string, options: GuardrailPolicyOptions, ingress: GuardrailRule[], egress: GuardrailRule[]): ClusterPolicyJson {
    const subject = options.subject._json;
    const peers = (rule: GuardrailRule): ClusterPolicyEgressPeerJson[] => rule.peers.map((p) => p._json);
    const named = (rule: GuardrailRule) => (rule.name !== undefined ? { name: rule.name } : {});
    if (this.api === ClusterPolicyApi.CLUSTER_NETWORK_POLICY_V1ALPHA2) {
      const protocols = (rule: GuardrailRule) => (rule.ports ? { protocols: rule.ports.map(toProtocol) } : {});
      return {
        apiVersion: 'policy.networking.k8s.io/v1alpha2',
        kind: 'ClusterNetworkPolicy',
        metadata: { name },
        spec: {
          tier: options.tier,
          priority: options.priority,
          subject,
          ...(ingress.length > 0 ? { ingress: ingress.map((r) => ({ ...named(r), action: r.action, from: peers(r), ...protocols(r) })) } : {}),
          ...(egress.length > 0 ? { egress: egress.map((r) => ({ ...named(r), action: r.action, to: peers(r), ...protocols(r) })) } : {}),
        },
      };
    }
    const ports = (rule: GuardrailRule) => (rule.ports ? { ports: rule.ports.map(toAdminPort) } : {});
    const rulesWith = <A extends string>(action: (rule: GuardrailRule) => A) => ({
      ...(ingress.length > 0 ? { ingress: ingress.map((r) => ({ ...named(r), action: action(r), from: peers(r), ...ports(r) })) } : {}),
      ...(egress.length > 0 ? { egress: egress.map((r) => ({ ...named(r), action: action(r), to: peers(r), ...ports(r) })) } : {}),
    });
    if (options.tier === GuardrailTier.BASELINE) {
      // checkRule refused Pass in the Baseline tier, so every action is Accept or Deny.
      const spec = { subject, ...rulesWith((r) => (r.action === GuardrailAction.ACCEPT ? 'Allow' as const : 'Deny' as const)) };
      return { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec };
    }
    const spec = { priority: options.priority, subject, ...rulesWith((r) => (r.action === GuardrailAction.ACCEPT ? 'Allow' as const : r.action)) };
    return { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name }, spec };
  }
}

/** v1alpha2: `{ tcp: { destinationPort: { number } } }` or a range. */
function toProtocol(port: Port): ClusterNetworkPolicyProtocolJson {
  const destinationPort = port.endPort !== undefined ? { range: { start: port.number!, end: port.endPort } } : { number: port.number! };
  return { [port.protocol.toLowerCase()]: { destinationPort } };
}

/** v1alpha1: `{ portNumber: { protocol, port } }` or `{ portRange: { protocol, start, end } }`. */
function toAdminPort(port: Port): AdminNetworkPolicyPortJson {
  return port.endPort !== undefined
    ? { portRange: { protocol: port.protocol, start: port.number!, end: port.endPort } }
    : { portNumber: { protocol: port.protocol, port: port.number! } };
}

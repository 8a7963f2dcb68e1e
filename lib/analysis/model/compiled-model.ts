import { Bitset } from './bitset';
import { AddressBook, AddressOptions, Coverage, NodeInfo, readNode } from './addresses';
import { SourcedObject } from '../input/loader';
import { describeSourced, identityProblem, readWorkloads, resolveDuplicates, unmodelledKindsNotice } from '../input/object-set';
import {
  NAMESPACE_NAME_LABEL, PolicyInfo, PolicyPeer, PolicyRule, WorkloadInfo, nameOf, namespaceOf, readLabels, where,
} from '../input/objects';
import { apiServerProblems } from '../dialects/kubernetes/policy-validation';
import { TierPolicy, isClusterPolicy, readClusterPolicy } from '../dialects/cluster-network-policy/cluster-policy';
import { TierIndex } from './tiers';
import { PROTOCOLS, PolicyProtocol, PortSet } from './port-set';
import { Rule, ModelPolicy } from './rules';
import { ciliumIdentity, isCiliumPolicy, readCiliumPolicy } from '../dialects/cilium/cilium-policy';
import { formatRange, ipBlockText } from './addresses';
import { readPolicy } from '../dialects/kubernetes/network-policy';
import { SelectorIndex } from './selector-index';
import { OrderedPolicy, OrderedRule, OrderedTiers, TierDefinition, kubernetesRule } from './ordered-tiers';
import { CalicoPolicy, CalicoTier, CalicoNetworkSet, DEFAULT_TIER, DEFAULT_TIER_ORDER, KUBERNETES_POLICY_ORDER, isCalicoObject, isCalicoStorageObject, readCalicoObject } from '../dialects/calico/calico-policy';
import { CalicoCompiler } from '../dialects/calico/compile';
import { applyStaged } from '../dialects/calico/staged';
import { Labels, Selector, matchesSomePods, selectorMatches } from './selectors';
import { IpAddress, IpRange, formatIp, parseCidr, parseIp, rangeContains } from '../../net/ip';
import { ServiceAddressField, boundAddresses, readService, serviceAddressBlocks } from '../input/services';

/** A Service: how a name and port reach container ports, or (without a selector) addresses. */
export interface ServiceInfo {
  readonly namespace: string;
  readonly name: string;
  /** Empty for a Service without a selector, whose EndpointSlices are written by hand. */
  readonly selector: Labels;
  readonly ports: readonly { readonly name?: string; readonly port: number; readonly protocol: PolicyProtocol; readonly targetPort: number | string }[];
  /**
   * The virtual addresses kube-proxy translates to its endpoints before any policy sees the
   * packet: `clusterIP`/`clusterIPs`, `externalIPs` and the load balancer's
   * `status.loadBalancer.ingress` IPs (but those of ipMode Proxy), where the input gives them.
   */
  readonly addresses: readonly { readonly ip: string; readonly field: ServiceAddressField }[];
}

/** The endpoints of a selector-less Service, from the EndpointSlices labelled with its name. */
export interface ServiceEndpoints {
  readonly addresses: readonly string[];
  readonly ports: readonly { readonly name?: string; readonly port: number; readonly protocol: PolicyProtocol }[];
}

/**
 * A workload (by index), an address outside the cluster, or a host outside the cluster by DNS
 * name (with the addresses it resolves to, when the query gives them).
 */
export type Endpoint =
  | { readonly kind: 'workload'; readonly index: number }
  | {
    readonly kind: 'external';
    /** The address (for a host named in a query: the first it resolves to, or 0.0.0.0 when unknown). */
    readonly ip: IpAddress;
    readonly text: string;
    /** A host outside the cluster by DNS name, and every address it resolves to (`resolvesTo`). */
    readonly host?: { readonly name: string; readonly ips: readonly IpAddress[] };
    /** A Cilium entity asked about by name (`entity:kube-apiserver`): matched by entity rules only. */
    readonly entity?: string;
  };

/** A policy rule with its peers resolved to workloads. */
export interface CompiledRule {
  readonly policy: number;
  readonly rule: PolicyRule;
  /** Workloads the rule's peers match; null when it matches every peer. */
  readonly workloads: Bitset | null;
  /** Ports when they do not depend on the destination (no named ports). */
  readonly fixedPorts: PortSet | undefined;
}

/**
 * The cluster read from objects, with every policy compiled against every workload once:
 * which policies isolate each workload per direction, and the rules that then apply.
 * Workloads and policies are sorted, so nothing depends on document order.
 */
export class CompiledModel {
  public readonly workloads: WorkloadInfo[] = [];
  public readonly policies: PolicyInfo[] = [];
  public readonly namespaces = new Map<string, Labels>();
  public readonly notices: string[];
  /** The input, one object per identity (duplicates resolved). */
  public readonly objects: readonly SourcedObject[];
  public readonly byRef = new Map<string, number>();
  public readonly byName = new Map<string, number[]>();
  /** `<namespace>/<name>` shared by workloads of several kinds: their kind-qualified refs. */
  public readonly ambiguous = new Map<string, string[]>();
  /** Services, by `<namespace>/<name>`. */
  public readonly services = new Map<string, ServiceInfo>();
  /** Cluster-scoped policies (Admin and Baseline tiers). */
  public readonly tierPolicies: TierPolicy[] = [];
  /**
   * The NetworkPolicy tier's rule sets: NetworkPolicies first (as `policies`), then the allow
   * rule sets of other dialects (Cilium). Isolation and rule entries index into it.
   */
  public readonly unionSets: ModelPolicy[] = [];
  /** The Deny tier's rule sets (Cilium's ingressDeny/egressDeny), which win over every allow. */
  public readonly denySets: ModelPolicy[] = [];
  /** Per workload: the deny rules that apply to it (indexes into `denySets`). */
  public readonly ingressDenyRules: CompiledRule[][] = [];
  public readonly egressDenyRules: CompiledRule[][] = [];
  /** Which policy dialects the input holds (`NetworkPolicy`, `CiliumNetworkPolicy`, ...). */
  public readonly kinds = new Set<string>();

  /** Every rule set the model holds, of every dialect and tier, sorted by reference. */
  public get ruleSets(): readonly ModelPolicy[] {
    return [...this.policies, ...this.tierPolicies];
  }
  /** Their rules per workload, when there are any. */
  public readonly tiers?: TierIndex;
  /** EndpointSlice contents by the `<namespace>/<name>` of the Service they belong to. */
  public readonly endpoints = new Map<string, ServiceEndpoints>();
  /** Per workload: indexes of the policies that isolate it for ingress / egress. */
  public readonly ingressIsolation: number[][];
  public readonly egressIsolation: number[][];
  /** Per workload: the rules of those policies. */
  public readonly ingressRules: CompiledRule[][];
  public readonly egressRules: CompiledRule[][];

  /**
   * On Calico: every policy (Kubernetes NetworkPolicies in the default tier) in ordered tiers,
   * which then take the place of the NetworkPolicy and Deny tiers.
   */
  public readonly ordered?: OrderedTiers;
  /** On Calico: the policies read, the tiers (the input's, the default, and those named but missing) and the network sets. */
  public readonly calico?: { readonly policies: readonly CalicoPolicy[]; readonly tiers: readonly TierDefinition[]; readonly networkSets: readonly CalicoNetworkSet[]; readonly compiler: CalicoCompiler };
  /** ServiceAccount labels by `<namespace>/<name>`. */
  public readonly serviceAccounts = new Map<string, Labels>();

  /** Node objects of the input, with their labels and addresses. */
  public readonly nodes: NodeInfo[] = [];
  /** Where pods and nodes are, as far as the input and the options say. */
  public readonly addresses!: AddressBook;
  private hostNetworkList?: readonly number[];

  /**
   * How far blocks hold a host-network workload's addresses. Those that bind no address of
   * their own all carry the same node addresses, so they share one answer per block list (a
   * cluster with many node agents and many distinct blocks asks often).
   */
  private hostCoverage(w: number, blocks: readonly { readonly range: IpRange; readonly except: readonly IpRange[] }[]): Coverage {
    if ((this.workloads[w].hostAddresses ?? []).length > 0) return this.addresses.coverage(w, blocks);
    let last = this.lastHostCoverage;
    if (last?.blocks !== blocks) {
      last = { blocks, coverage: this.addresses.coverage(w, blocks) };
      this.lastHostCoverage = last;
    }
    return last.coverage;
  }

  private lastHostCoverage?: { readonly blocks: readonly unknown[]; readonly coverage: Coverage };

  /** The host-network workloads, by index (ipBlocks match them by node address). */
  private get hostNetworkWorkloads(): readonly number[] {
    this.hostNetworkList ??= this.workloads.flatMap((w, i) => (w.hostNetwork ? [i] : []));
    return this.hostNetworkList;
  }

  constructor(input: readonly SourcedObject[], notices: readonly string[], options: AddressOptions = {}) {
    this.notices = [...notices];
    // An object whose name or namespace is not a string cannot exist: leave it out, saying why,
    // instead of answering for it under a name it does not have.
    const admitted = input.filter((source) => {
      const problem = identityProblem(source.object);
      if (problem) this.notices.push(`${where(source)}: a ${String(source.object.kind)} is left out: ${problem}`);
      return problem === undefined;
    });
    const resolved = resolveDuplicates(admitted);
    this.notices.push(...resolved.notices);
    const staged = applyStaged(resolved.objects, options.staged === true);
    this.notices.push(...staged.notices);
    const objects = staged.objects;
    this.objects = objects;
    const ciliumSources: SourcedObject[] = [];
    const calicoSources: SourcedObject[] = [];
    const calicoStorage: SourcedObject[] = [];
    for (const source of objects) {
      const kind = source.object.kind;
      if (isCalicoObject(source.object)) {
        calicoSources.push(source);
        continue;
      }
      if (isCalicoStorageObject(source.object)) {
        calicoStorage.push(source);
        continue;
      }
      if (kind === 'ServiceAccount') {
        const name = nameOf(source.object);
        if (name) this.serviceAccounts.set(`${namespaceOf(source.object)}/${name}`, readLabels((source.object.metadata as Record<string, unknown>)?.labels));
        continue;
      }
      if (kind === 'Node') {
        const node = readNode(source.object);
        if (node) this.nodes.push(node);
        continue;
      }
      if (kind === 'Namespace') {
        const name = nameOf(source.object);
        if (name) this.namespaces.set(name, { ...readLabels((source.object.metadata as Record<string, unknown>).labels), [NAMESPACE_NAME_LABEL]: name });
        continue;
      }
      if (kind === 'NetworkPolicy' && typeof source.object.apiVersion === 'string' && source.object.apiVersion.startsWith('networking.k8s.io/')) {
        const rejected = apiServerProblems(source.object);
        if (rejected.length > 0) {
          this.notices.push(`${describeSourced(source.object)} (${where(source)}) is left out: the API server would reject it (${rejected.join('; ')}), so it could not exist in a cluster`);
          continue;
        }
        const policy = readPolicy(source, this.notices);
        if (policy) { this.policies.push(policy); this.kinds.add('NetworkPolicy'); }
        continue;
      }
      if (isCiliumPolicy(source.object)) {
        ciliumSources.push(source);
        continue;
      }
      if (kind === 'Service') {
        const service = readService(source.object);
        if (service) this.services.set(`${service.namespace}/${service.name}`, service);
        continue;
      }
      if (kind === 'EndpointSlice') addEndpointSlice(this.endpoints, source.object);
      if (isClusterPolicy(source.object)) {
        const { policy, problems, unreadVersion } = readClusterPolicy(source);
        if (unreadVersion) {
          this.notices.push(`${describeSourced(source.object)} (${where(source)}) is left out: ${unreadVersion}, so no verdict includes its rules`);
          continue;
        }
        if (!policy) {
          this.notices.push(`${describeSourced(source.object)} (${where(source)}) is left out: its CRD would refuse it (${problems.join('; ')}), so it could not exist in a cluster`);
          continue;
        }
        this.tierPolicies.push(policy);
        this.kinds.add(String(source.object.kind));
        for (const part of policy.unmodelled) this.notices.push(`${policy.ref}: ${part}`);
      }
    }
    const workloads = readWorkloads(objects, this.notices);
    const unmodelled = unmodelledKindsNotice(objects);
    if (unmodelled) this.notices.push(unmodelled);
    workloads.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name) || compare(a.kind, b.kind));
    this.policies.sort((a, b) => compare(a.ref, b.ref));
    // `<namespace>/<name>` when that is unique; when several kinds share a name (a StatefulSet
    // and a Deployment both called db), each is `<namespace>/<kind>/<name>` and the short form
    // is refused with the candidates. The kind-qualified form works for every workload.
    const sharedNames = new Set<string>();
    const seen = new Set<string>();
    for (const w of workloads) {
      const key = `${w.namespace}/${w.name}`;
      if (seen.has(key)) sharedNames.add(key);
      seen.add(key);
    }
    for (const w of workloads) {
      const short = `${w.namespace}/${w.name}`;
      const qualified = `${w.namespace}/${w.kind.toLowerCase()}/${w.name}`;
      const index = this.workloads.length;
      const ref = sharedNames.has(short) ? qualified : short;
      this.byRef.set(qualified, index);
      if (ref === short) this.byRef.set(short, index);
      else this.ambiguous.set(short, [...(this.ambiguous.get(short) ?? []), qualified]);
      const sameName = this.byName.get(w.name);
      if (sameName) sameName.push(index);
      else this.byName.set(w.name, [index]);
      this.workloads.push({ ...w, ref });
      if (!this.namespaces.has(w.namespace)) this.namespaces.set(w.namespace, { [NAMESPACE_NAME_LABEL]: w.namespace });
    }
    for (const p of this.policies) {
      if (!this.namespaces.has(p.namespace)) this.namespaces.set(p.namespace, { [NAMESPACE_NAME_LABEL]: p.namespace });
    }

    const index = new SelectorIndex(this.workloads, this.namespaces);
    this.selectorIndex = index;
    this.addresses = new AddressBook(this.workloads, this.nodes, options);
    this.noteServiceAddressBlocks();
    if (this.tierPolicies.length > 0) {
      this.tiers = new TierIndex(this.tierPolicies, this.workloads, this.namespaces, index, this.addresses);
      this.notices.push(...this.tiers.notices);
    }
    // Cilium, read now that Services and namespaces are known (toServices, namespace labels).
    // Its policies take effect only where Cilium enforces policy: named, or inferred and said.
    if (ciliumSources.length > 0 && options.cni !== undefined && options.cni !== 'cilium') {
      this.notices.push(`${ciliumSources.length} Cilium polic${ciliumSources.length === 1 ? 'y is' : 'ies are'} left out: the network plugin is ${options.cni}, where they have no effect (${ciliumSources.map((s) => describeSourced(s.object)).slice(0, 3).join(', ')}${ciliumSources.length > 3 ? ', ...' : ''})`);
      ciliumSources.length = 0;
    } else if (ciliumSources.length > 0 && options.cni === undefined) {
      this.notices.push('the network plugin is read as Cilium, since the input holds Cilium policies (say --cni / cni to be sure): CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy are enforced beside NetworkPolicy');
    }
    for (const source of ciliumSources) {
      const read = readCiliumPolicy(source, (entry, namespace, at, unmodelled) => this.servicePeers(entry, namespace, at, unmodelled));
      if (read.problems.length > 0) {
        this.notices.push(`${describeSourced(source.object)} (${where(source)}) is left out: its CRD would refuse it (${read.problems.join('; ')}), so it could not exist in a cluster`);
        continue;
      }
      this.kinds.add(String(source.object.kind));
      for (const part of new Set(read.unmodelled)) this.notices.push(`${describeSourced(source.object)}: ${part}`);
      for (const policy of read.policies) (policy.tier === 'Deny' ? this.denySets : this.unionSets).push(policy);
    }
    // Calico: named, or inferred from its policy kinds and said; its policies and the
    // Kubernetes NetworkPolicies then go through ordered tiers (ordered-tiers.ts).
    const calicoPolicyKinds = calicoSources.filter((s) => s.object.kind !== 'NetworkSet' && s.object.kind !== 'GlobalNetworkSet');
    let onCalico = options.cni === 'calico';
    if (calicoPolicyKinds.length > 0 && options.cni !== undefined && options.cni !== 'calico') {
      this.notices.push(`${calicoPolicyKinds.length} Calico object${calicoPolicyKinds.length === 1 ? ' is' : 's are'} left out: the network plugin is ${options.cni}, where they have no effect (${calicoPolicyKinds.map((s) => describeSourced(s.object)).slice(0, 3).join(', ')}${calicoPolicyKinds.length > 3 ? ', ...' : ''})`);
    } else if (calicoPolicyKinds.length > 0 && options.cni === undefined) {
      if (ciliumSources.length > 0) {
        this.notices.push('the input holds both Cilium and Calico policies, and only one plugin enforces policy; read as Cilium, with the Calico objects left out (say --cni calico to read them)');
      } else {
        onCalico = true;
        this.notices.push('the network plugin is read as Calico, since the input holds Calico policies (say --cni / cni to be sure): its tiers, GlobalNetworkPolicies and NetworkPolicies are evaluated in order, Kubernetes NetworkPolicies in the default tier');
      }
    }
    if (calicoStorage.length > 0) {
      this.notices.push(`${calicoStorage.length} object${calicoStorage.length === 1 ? ' is' : 's are'} in Calico's storage form (crd.projectcalico.org), which is Calico's own and not read: write projectcalico.org/v3 (${calicoStorage.map((s) => describeSourced(s.object)).slice(0, 3).join(', ')}${calicoStorage.length > 3 ? ', ...' : ''})`);
    }
    const cilium = [...this.unionSets].sort((a, b) => compare(a.ref, b.ref));
    this.unionSets.length = 0;
    this.unionSets.push(...this.policies, ...cilium);
    this.denySets.sort((a, b) => compare(a.ref, b.ref));

    this.ingressIsolation = this.workloads.map(() => []);
    this.egressIsolation = this.workloads.map(() => []);
    this.ingressRules = this.workloads.map(() => []);
    this.egressRules = this.workloads.map(() => []);
    this.ingressDenyRules.push(...this.workloads.map((): CompiledRule[] => []));
    this.egressDenyRules.push(...this.workloads.map((): CompiledRule[] => []));
    const subjectsOf = (policy: ModelPolicy, own: string | undefined) => (policy.kind === 'NetworkPolicy' || own === undefined && typeof policy.subject.namespaces !== 'string'
      ? (own !== undefined ? index.podsIn([own], policy.subject.pods) : index.podsIn([...this.namespaces.keys()].filter((ns) => selectorMatches(policy.subject.namespaces as Selector, this.namespaces.get(ns)!)), policy.subject.pods))
      : [])
      // Cilium subjects match on identity labels (namespace, service account), never host-network pods.
      .concat(policy.kind === 'NetworkPolicy' ? [] : this.ciliumSelect(policy.subject.pods, own));
    const compileRule = (policyIndex: number, own: string | undefined) => (rule: PolicyRule): CompiledRule => ({
      policy: policyIndex,
      rule,
      workloads: rule.peers === null ? null : this.peerWorkloads(index, rule.peers, own),
      fixedPorts: rule.ports === null ? PortSet.ALL
        : rule.ports.every((p) => typeof p.port !== 'string') ? portsOf(rule, undefined) : undefined,
    });
    // The NetworkPolicy tier: rule sets that isolate their subject and allow the union of their rules.
    const kubernetesPolicies: { policy: ModelPolicy; selected: readonly number[]; ingress?: CompiledRule[]; egress?: CompiledRule[] }[] = [];
    this.unionSets.forEach((policy, policyIndex) => {
      const own = typeof policy.subject.namespaces === 'string' ? policy.subject.namespaces : undefined;
      const selected = policy.kind === 'NetworkPolicy' ? subjectsOf(policy, own) : this.ciliumSelect(policy.subject.pods, own);
      if (policy.kind === 'NetworkPolicy') this.notePartialSelection(policy as PolicyInfo, selected);
      if (selected.length === 0) return;
      const compile = compileRule(policyIndex, own);
      // A NetworkPolicy has rules only for the directions it isolates; a Cilium rule set's
      // allows count even where it leaves default deny off (another policy may turn it on).
      const contributes = (direction: 'ingress' | 'egress') => policy.isolates[direction] || policy.kind !== 'NetworkPolicy';
      const ingress = contributes('ingress') ? policy.ingress.map(compile) : [];
      const egress = contributes('egress') ? policy.egress.map(compile) : [];
      this.noteHostNetworkBlocks(policy.ref, 'ingress', ingress);
      this.noteHostNetworkBlocks(policy.ref, 'egress', egress);
      if (onCalico && policy.kind === 'NetworkPolicy') kubernetesPolicies.push({ policy, selected, ingress: policy.isolates.ingress ? ingress : undefined, egress: policy.isolates.egress ? egress : undefined });
      for (const w of selected) {
        if (policy.isolates.ingress) this.ingressIsolation[w].push(policyIndex);
        if (policy.isolates.egress) this.egressIsolation[w].push(policyIndex);
        for (const rule of ingress) this.ingressRules[w].push(rule);
        for (const rule of egress) this.egressRules[w].push(rule);
      }
    });
    // The Deny tier: its rules apply whether or not the subject is isolated.
    this.denySets.forEach((policy, policyIndex) => {
      const own = typeof policy.subject.namespaces === 'string' ? policy.subject.namespaces : undefined;
      const selected = this.ciliumSelect(policy.subject.pods, own);
      const compile = compileRule(policyIndex, own);
      const ingress = policy.ingress.map(compile);
      const egress = policy.egress.map(compile);
      for (const w of selected) {
        this.ingressDenyRules[w].push(...ingress);
        this.egressDenyRules[w].push(...egress);
      }
    });
    if (onCalico) this.readCalico(calicoSources, kubernetesPolicies);
  }

  /** Calico's objects read and compiled, with the Kubernetes NetworkPolicies, into ordered tiers. */
  private readCalico(sources: readonly SourcedObject[], kubernetesPolicies: readonly { policy: ModelPolicy; selected: readonly number[]; ingress?: CompiledRule[]; egress?: CompiledRule[] }[]): void {
    const policies: CalicoPolicy[] = [];
    const tiers = new Map<string, CalicoTier>();
    const networkSets: CalicoNetworkSet[] = [];
    let hostEndpoints = 0;
    for (const source of sources) {
      const read = readCalicoObject(source);
      if (read.kind === 'refused') {
        this.notices.push(`${describeSourced(source.object)} (${where(source)}) is left out: Calico's API server would refuse it (${read.problems.join('; ')}), so it could not exist in a cluster`);
      } else if (read.kind === 'policy') {
        policies.push(read.policy);
        this.kinds.add(read.policy.kind);
        for (const notice of new Set(read.notices)) this.notices.push(`${read.policy.ref}: ${notice}`);
      } else if (read.kind === 'tier') {
        tiers.set(read.tier.name, read.tier);
      } else if (read.kind === 'networkSet') {
        networkSets.push(read.set);
      } else if (read.kind === 'hostEndpoint') {
        hostEndpoints++;
      }
    }
    if (hostEndpoints > 0) this.notices.push(`${hostEndpoints} HostEndpoint object${hostEndpoints === 1 ? ' is' : 's are'} not modelled: policies that select host endpoints are read for pod endpoints only, and traffic to or from nodes is not judged by them`);
    if (!tiers.has(DEFAULT_TIER)) tiers.set(DEFAULT_TIER, { name: DEFAULT_TIER, order: DEFAULT_TIER_ORDER, defaultAction: 'Deny' });
    for (const policy of policies) {
      if (tiers.has(policy.tier)) continue;
      tiers.set(policy.tier, { name: policy.tier, defaultAction: 'Deny' });
      this.notices.push(`tier ${policy.tier} (of ${policy.ref}) is not in the input: Calico refuses policies in a tier that does not exist; its order is unknown, so it is read as last (after the default tier), ending in Deny`);
    }
    const compiler = new CalicoCompiler({ workloads: this.workloads, namespaces: this.namespaces, serviceAccounts: this.serviceAccounts, networkSets, services: this.services, endpoints: this.endpoints, addresses: this.addresses, workloadsIn: (ns) => this.selectorIndex.inNamespace(ns) });
    const entries: { policy: OrderedPolicy; subjects: readonly number[] | Bitset; ingress?: OrderedRule[]; egress?: OrderedRule[] }[] = [];
    for (const policy of policies.sort((a, b) => compare(a.ref, b.ref))) {
      const ordered: OrderedPolicy = { ref: policy.ref, tier: policy.tier, ...(policy.order !== undefined ? { order: policy.order } : {}), name: policy.name };
      const withSelf = (direction: 'ingress' | 'egress') => compiler.rules(policy, ordered, direction).map((rule, i): OrderedRule => {
        const raw = policy[direction][i];
        return { ...rule, self: (w: number) => compiler.selfMatches(policy, raw, direction, w) };
      });
      entries.push({
        policy: ordered,
        subjects: compiler.subjects(policy),
        ...(policy.types.ingress ? { ingress: withSelf('ingress') } : {}),
        ...(policy.types.egress ? { egress: withSelf('egress') } : {}),
      });
    }
    for (const k of kubernetesPolicies) {
      const ordered: OrderedPolicy = { ref: `Kubernetes NetworkPolicy ${k.policy.ref}`, tier: DEFAULT_TIER, order: KUBERNETES_POLICY_ORDER, name: `knp.default.${k.policy.ref.split('/')[1] ?? k.policy.ref}` };
      const adapt = (direction: 'ingress' | 'egress') => (compiled: CompiledRule) => kubernetesRule(
        compiled, ordered, direction,
        (rule, other) => this.ruleMatchesPeer(rule, other),
        (rule, w) => this.ipBlockCoverage(rule, w),
        (rule, destination) => this.rulePorts(rule, destination),
        (w) => this.addresses.describe(w),
        (rule) => this.ipBlockHolds(rule),
      );
      entries.push({ policy: ordered, subjects: k.selected, ...(k.ingress ? { ingress: k.ingress.map(adapt('ingress')) } : {}), ...(k.egress ? { egress: k.egress.map(adapt('egress')) } : {}) });
    }
    const tierList = [...tiers.values()].map((t): TierDefinition => ({ name: t.name, ...(t.order !== undefined ? { order: t.order } : {}), defaultAction: t.defaultAction }));
    (this as { ordered?: OrderedTiers }).ordered = new OrderedTiers(this.workloads, tierList, entries);
    this.notices.push(...this.ordered!.notices);
    (this as { calico?: CompiledModel['calico'] }).calico = { policies, tiers: tierList, networkSets, compiler };
    this.notices.push(...compiler.notices);
    if (this.tierPolicies.some((p) => p.tier === 'Admin') && tierList.some((t) => t.order !== undefined && t.order < 1000)) {
      this.notices.push(`Calico evaluates tiers ordered below 1000 (${tierList.filter((t) => t.order !== undefined && t.order < 1000).map((t) => t.name).join(', ')}) before the ClusterNetworkPolicy Admin tier (its kube-admin tier is order 1000); netkit evaluates the Admin tier first`);
    }
  }

  /**
   * Says, once per rule, which host-network workloads its ipBlocks may or may not hold: their
   * traffic carries their node's addresses, which the input does not place (answers read the
   * block as not holding them).
   */
  private noteHostNetworkBlocks(policyRef: string, direction: 'ingress' | 'egress', rules: readonly CompiledRule[]): void {
    if (this.hostNetworkWorkloads.length === 0) return;
    const known = this.nodes.length > 0 || this.addresses.nodeCidrs.length > 0;
    for (const compiled of rules) {
      const blocks = (compiled.rule.peers ?? []).filter((p): p is Extract<PolicyPeer, { kind: 'ipBlock' }> => p.kind === 'ipBlock');
      if (blocks.length === 0) continue;
      const cidrs = blocks.map((b) => ({ range: b.cidr, except: b.except }));
      const uncertain = this.hostNetworkWorkloads.filter((w) => !compiled.workloads!.has(w) && this.hostCoverage(w, cidrs) === 'depends');
      if (uncertain.length === 0) continue;
      const names = uncertain.slice(0, 4).map((w) => this.workloads[w].ref).join(', ') + (uncertain.length > 4 ? ` and ${uncertain.length - 4} more` : '');
      this.notices.push(`${policyRef} ${direction}[${compiled.rule.index}]: whether its ipBlock ${blocks.map(ipBlockText).join(', ')} holds the host-network ${uncertain.length === 1 ? 'workload' : 'workloads'} ${names} depends on node addresses (${this.addresses.describe(uncertain[0])}); answers read it as not holding ${uncertain.length === 1 ? 'it' : 'them'}${known ? ', since a node outside the block may run them' : '. Give Node objects or --node-cidr (nodeCidrs) to decide'}`);
    }
  }

  /** How far a Kubernetes ipBlock holds a workload, as Calico reads it (`nets`, pods included). */
  private ipBlockCoverage(compiled: CompiledRule, w: number): Coverage {
    const blocks = (compiled.rule.peers ?? []).filter((p): p is Extract<PolicyPeer, { kind: 'ipBlock' }> => p.kind === 'ipBlock');
    if (blocks.length === 0) return 'no';
    return this.addresses.coverage(w, blocks.map((b) => ({ range: b.cidr, except: b.except })));
  }

  private readonly ipBlockSets = new Map<string, Bitset>();

  /** The workloads a rule's ipBlocks certainly hold ({@link ipBlockCoverage} `yes`), one set per distinct block list. */
  private ipBlockHolds(compiled: CompiledRule): Bitset | undefined {
    const blocks = (compiled.rule.peers ?? []).filter((p): p is Extract<PolicyPeer, { kind: 'ipBlock' }> => p.kind === 'ipBlock');
    if (blocks.length === 0) return undefined;
    const key = blocks.map((b) => [formatRange(b.cidr), ...b.except.map(formatRange)].join(' ')).join('|');
    let held = this.ipBlockSets.get(key);
    if (!held) {
      held = new Bitset(this.workloads.length);
      for (let w = 0; w < this.workloads.length; w++) if (this.ipBlockCoverage(compiled, w) === 'yes') held.add(w);
      this.ipBlockSets.set(key, held);
    }
    return held;
  }

  /** The workloads a Cilium endpoint selector picks: by identity labels, in `namespace` when given; never host-network pods. */
  public ciliumSelect(selector: Selector, namespace: string | undefined): number[] {
    // Thousands of policies: identities are built once, and a namespaced selector looks at its namespace only.
    if (!this.ciliumIdentities) this.ciliumIdentities = this.workloads.map((w) => ciliumIdentity(w.labels, w.namespace, w.serviceAccount, this.namespaces.get(w.namespace) ?? {}));
    const found: number[] = [];
    const consider = (i: number) => {
      if (!this.workloads[i].hostNetwork && selectorMatches(selector, this.ciliumIdentities![i])) found.push(i);
    };
    if (namespace !== undefined) this.selectorIndex.inNamespace(namespace).forEach(consider);
    else for (let i = 0; i < this.workloads.length; i++) consider(i);
    return found;
  }

  private ciliumIdentities?: Record<string, string>[];
  /** Which workloads selectors can match, by label and namespace (selector-index.ts). */
  private selectorIndex!: SelectorIndex;

  /** The workloads a rule's peers match, for every dialect's peer kinds. */
  /**
   * Rules with the same peers (every app of a namespace "to the next tier") share one bitset:
   * computed once, and the matrix can tell rules that match the same workloads by identity.
   * Never mutated once made.
   */
  private readonly peerSets = new Map<string, Bitset>();

  private peerWorkloads(index: SelectorIndex, peers: readonly PolicyPeer[], own: string | undefined): Bitset {
    const key = `${own ?? ''}\u0001${JSON.stringify(peers, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`;
    let shared = this.peerSets.get(key);
    if (shared === undefined) {
      shared = this.peerWorkloadsUncached(index, peers, own);
      this.peerSets.set(key, shared);
    }
    return shared;
  }

  private peerWorkloadsUncached(index: SelectorIndex, peers: readonly PolicyPeer[], own: string | undefined): Bitset {
    const bits = index.peerWorkloads(peers, own ?? '');
    // Host-network pods send from and are reached at their node's addresses, which ipBlocks
    // match as they match any address (the NetworkPolicy docs' common implementation): held
    // when the input places every address they may use inside (Node objects, --node-cidr, or a
    // block of a whole address family); where it may or may not, the verdict says so.
    const blocks = peers.filter((p): p is Extract<PolicyPeer, { kind: 'ipBlock' }> => p.kind === 'ipBlock').map((b) => ({ range: b.cidr, except: b.except }));
    if (blocks.length > 0) for (const w of this.hostNetworkWorkloads) if (this.hostCoverage(w, blocks) === 'yes') bits.add(w);
    for (const peer of peers) {
      if (peer.kind === 'endpoints') for (const w of this.ciliumSelect(peer.selector, peer.namespace)) bits.add(w);
      else if (peer.kind === 'entity') {
        this.workloads.forEach((w, i) => {
          // layer3.rst "Entities based": cluster and all hold every pod; host and remote-node the
          // nodes, with their host-network pods.
          if (peer.name === 'cluster' || peer.name === 'all' || ((peer.name === 'host' || peer.name === 'remote-node') && w.hostNetwork)) bits.add(i);
        });
      }
    }
    return bits;
  }

  /** A Cilium toServices entry as peers: the Service's selector as endpoints, or its EndpointSlice addresses as CIDRs. */
  private servicePeers(entry: Record<string, unknown>, namespace: string | undefined, at: string, unmodelled: string[]): PolicyPeer[] {
    const byName = entry.k8sService as { serviceName?: unknown; namespace?: unknown } | undefined;
    if (!byName || typeof byName.serviceName !== 'string') {
      unmodelled.push(`${at}: a k8sServiceSelector is not modelled; the entry matches nothing`);
      return [];
    }
    const ns = typeof byName.namespace === 'string' ? byName.namespace : namespace ?? 'default';
    const service = this.services.get(`${ns}/${byName.serviceName}`);
    if (!service) {
      unmodelled.push(`${at}: Service ${ns}/${byName.serviceName} is not in the input; the entry matches nothing`);
      return [];
    }
    if (Object.keys(service.selector).length > 0) return [{ kind: 'endpoints', selector: { matchLabels: service.selector, expressions: [] }, namespace: ns }];
    // layer3.rst "Services based": a Service without a selector is its EndpointSlice addresses, as CIDRs.
    return (this.endpoints.get(`${ns}/${service.name}`)?.addresses ?? []).map((a) => parseCidr(`${a}/${a.includes(':') ? 128 : 32}`)).filter((r): r is NonNullable<typeof r> => r !== undefined).map((range) => ({ kind: 'cidr' as const, range, except: [], text: formatRange(range) }));
  }

  /**
   * A workload is one set of pods to this model; a selector that picks single replicas of a
   * StatefulSet (by `statefulset.kubernetes.io/pod-name`) is said, so no answer is silently
   * about the wrong pod.
   */
  private notePartialSelection(policy: PolicyInfo, selected: readonly number[]): void {
    const partial = selected.filter((w) => matchesSomePods(policy.podSelector, this.workloads[w]));
    for (const w of partial) {
      this.notices.push(`NetworkPolicy ${policy.ref} selects only some pods of ${this.workloads[w].ref}; answers for ${this.workloads[w].ref} apply its rules to every pod`);
    }
  }

  private servicesByAddress?: Map<string, ServiceInfo>;

  /**
   * Says which NetworkPolicy ipBlocks and cluster policy networks hold a Service's address
   * (where the input gives it): such a peer reads as if it matched the Service, and does not.
   */
  private noteServiceAddressBlocks(): void {
    const held = serviceAddressBlocks([...this.policies, ...this.tierPolicies], [...this.services.values()], this.workloads);
    for (const h of held) {
      const isNetworkPolicy = h.policy.kind === 'NetworkPolicy';
      this.notices.push(`${isNetworkPolicy ? `NetworkPolicy ${h.policy.ref}` : h.policy.ref} ${h.direction}[${h.rule}]: ${h.problem}; select them with ${isNetworkPolicy ? 'podSelector and namespaceSelector' : 'a pods or namespaces peer'}`);
    }
  }

  /**
   * The Service whose cluster IP, external IP or load-balancer IP this is, if the input gives one, unless a
   * host-network workload binds it (NodeLocal DNSCache: delivered on the node, not translated).
   */
  public serviceAt(ip: string): ServiceInfo | undefined {
    if (!this.servicesByAddress) {
      this.servicesByAddress = new Map();
      const bound = boundAddresses(this.workloads);
      for (const service of this.services.values()) for (const a of service.addresses) if (!bound.has(a.ip) && !this.servicesByAddress.has(a.ip)) this.servicesByAddress.set(a.ip, service);
    }
    return this.servicesByAddress.get(ip);
  }

  /**
   * Single addresses (/32, /128 ipBlocks) that policies name: precise outside endpoints,
   * such as an external service, worth showing in a matrix.
   */
  public hostAddresses(): string[] {
    const found = new Set<string>();
    for (const policy of this.policies) {
      for (const rule of [...policy.ingress, ...policy.egress]) {
        for (const peer of rule.peers ?? []) {
          if (peer.kind === 'ipBlock' && peer.except.length === 0 && peer.cidr.prefix === (peer.cidr.family === 4 ? 32 : 128)) {
            found.add(formatIp({ family: peer.cidr.family, value: peer.cidr.base }));
          }
        }
      }
    }
    // On Calico, single-address nets of its rules and network sets.
    const single = (r: IpRange) => r.prefix === (r.family === 4 ? 32 : 128);
    for (const policy of this.calico?.policies ?? []) {
      for (const rule of [...policy.ingress, ...policy.egress]) {
        for (const net of [...(rule.source.nets ?? []), ...(rule.destination.nets ?? [])]) if (single(net)) found.add(formatIp({ family: net.family, value: net.base }));
      }
    }
    for (const set of this.calico?.networkSets ?? []) for (const net of set.nets) if (single(net)) found.add(formatIp({ family: net.family, value: net.base }));
    return [...found].sort();
  }

  /** An outside address as an endpoint. */
  public externalEndpoint(address: string): Endpoint {
    const ip = parseIp(address)!;
    return { kind: 'external', ip, text: formatIp(ip) };
  }

  /** `<namespace>/<name>` of a workload, or the address. */
  public label(endpoint: Endpoint): string {
    return endpoint.kind === 'workload' ? this.workloads[endpoint.index].ref : endpoint.text;
  }

  /**
   * The ports one side lets through between a workload and another endpoint: every port when
   * no policy isolates it in that direction, else the union of its matching rules' ports.
   */
  public sidePorts(direction: 'ingress' | 'egress', self: number, other: Endpoint): PortSet {
    const denied = this.hasDenyTier ? this.deniedPorts(direction, self, other) : PortSet.NONE;
    if ((direction === 'ingress' ? this.ingressIsolation : this.egressIsolation)[self].length === 0) return PortSet.ALL.minus(denied);
    const destination: Endpoint = direction === 'ingress' ? { kind: 'workload', index: self } : other;
    let set = PortSet.NONE;
    for (const rule of (direction === 'ingress' ? this.ingressRules : this.egressRules)[self]) {
      if (!this.ruleMatchesPeer(rule, other)) continue;
      // A host allowed only by name needs the DNS proxy to have let the pod look it up.
      if (direction === 'egress' && other.kind === 'external' && other.host && onlyByName(rule) && !this.dnsLookupAllowed(self, other.host.name)) continue;
      set = set.union(this.rulePorts(rule, destination));
    }
    return set.minus(denied);
  }

  /**
   * Whether some egress rule of the workload lets it look `name` up through Cilium's DNS proxy
   * (port 53 with a dns rule matching it): toFQDNs learns addresses only from such lookups
   * (layer3.rst "DNS based", layer7.rst "DNS Policy and IP Discovery").
   */
  public dnsLookupAllowed(self: number, name: string): boolean {
    for (const compiled of this.egressRules[self]) {
      for (const spec of compiled.rule.ports ?? []) {
        if ((spec.port === 53 || spec.port === undefined) && (spec.l7?.dns ?? []).some((d) => fqdnMatches(d.text, d.pattern, name))) return true;
      }
    }
    return false;
  }

  /** {@link sidePorts} with the Admin and Baseline tiers applied around the NetworkPolicy tier (on Calico, its ordered tiers). */
  public effectiveSidePorts(direction: 'ingress' | 'egress', self: number, other: Endpoint): PortSet {
    if (this.ordered) {
      const side = this.ordered.sidePorts(direction, self, other);
      if (!this.tiers) return side.allowed.union(side.undecided);
      return this.tiers.sidePorts(direction, self, other, { decided: PortSet.ALL.minus(side.undecided), ports: side.allowed });
    }
    const networkPolicy = this.sidePorts(direction, self, other);
    if (!this.tiers) return networkPolicy;
    const isolated = (direction === 'ingress' ? this.ingressIsolation : this.egressIsolation)[self].length > 0;
    return this.tiers.sidePorts(direction, self, other, { decided: isolated ? PortSet.ALL : PortSet.NONE, ports: networkPolicy });
  }

  private portSignatureIds?: Int32Array;

  /**
   * Per workload, a number for its declared ports: workloads with equal numbers resolve named
   * ports alike, which is all a rule's ports read of a destination.
   */
  public get portSignatures(): Int32Array {
    if (!this.portSignatureIds) {
      const ids = new Map<string, number>();
      this.portSignatureIds = Int32Array.from(this.workloads, (w) => {
        const key = w.ports.map((p) => `${p.name ?? ''}/${p.protocol}/${p.number}`).join(',');
        let id = ids.get(key);
        if (id === undefined) { id = ids.size; ids.set(key, id); }
        return id;
      });
    }
    return this.portSignatureIds;
  }

  /**
   * For the matrix: each rule one side consults about a workload peer, as the set of workloads
   * it matches (`null`: all), in a fixed order. {@link effectiveSidePorts} toward a workload
   * depends on nothing else but, for egress, the destination's declared ports (named ports),
   * so peers that fall in the same sets get the same answer.
   */
  public sideMatchSets(direction: 'ingress' | 'egress', self: number): (Bitset | null)[] {
    const sets: (Bitset | null)[] = [];
    if (this.ordered) {
      for (const tier of this.ordered.tiersOf(direction, self)) for (const rule of tier.rules) if (rule.action !== 'Log') sets.push(rule.matching());
    } else {
      for (const rule of (direction === 'ingress' ? this.ingressRules : this.egressRules)[self]) sets.push(rule.workloads);
      for (const rule of (direction === 'ingress' ? this.ingressDenyRules : this.egressDenyRules)[self] ?? []) sets.push(rule.workloads);
    }
    if (this.tiers) {
      const { admin, baseline } = this.tiers.rulesOf(direction, self);
      for (const rule of [...admin, ...baseline]) sets.push(rule.workloads === 'all' ? null : rule.workloads === 'none' ? new Bitset(0) : rule.workloads);
    }
    return sets;
  }

  /**
   * The workloads one side may let anything through from (ingress) or to (egress); outside
   * this set {@link effectiveSidePorts} is empty. `undefined` when any workload may be: the
   * side is open by default, or a rule that allows names every workload.
   */
  public sideCandidates(direction: 'ingress' | 'egress', self: number): Bitset | undefined {
    const found = new Bitset(this.workloads.length);
    const add = (set: Bitset | null | 'all' | 'none') => {
      if (set === null || set === 'all') return false;
      if (set !== 'none') found.addAll(set);
      return true;
    };
    if (this.ordered) {
      // Traffic no Allow or Pass rule matches stops at the first tier that ends in Deny; with none, it reaches the profile (allowed).
      const tiers = this.ordered.tiersOf(direction, self);
      if (!tiers.some((t) => t.defaultAction === 'Deny')) return undefined;
      for (const tier of tiers) for (const rule of tier.rules) if ((rule.action === 'Allow' || rule.action === 'Pass') && !add(rule.matching())) return undefined;
    } else {
      // Not isolated: the NetworkPolicy tier does not decide, and the default allows.
      if ((direction === 'ingress' ? this.ingressIsolation : this.egressIsolation)[self].length === 0) return undefined;
      for (const rule of (direction === 'ingress' ? this.ingressRules : this.egressRules)[self]) if (!add(rule.workloads)) return undefined;
    }
    // What the middle tier decides, the Baseline tier never sees; an Admin Accept still lets through.
    if (this.tiers) for (const rule of this.tiers.rulesOf(direction, self).admin) if (rule.rule.action === 'Accept' && !add(rule.workloads)) return undefined;
    return found;
  }

  /** Whether a rule's peers include the endpoint. */
  public ruleMatchesPeer(compiled: CompiledRule, peer: Endpoint): boolean {
    if (compiled.workloads === null) return true;
    if (peer.kind === 'workload') return compiled.workloads.has(peer.index);
    return compiled.rule.peers!.some((p) => externalMatches(p, peer));
  }

  /** Whether the input holds Deny-tier rule sets (then answers go pair by pair, as with cluster tiers). */
  public get hasDenyTier(): boolean {
    return this.denySets.length > 0;
  }

  /** The ports a workload's Deny-tier rules take away toward (or from) another endpoint. */
  public deniedPorts(direction: 'ingress' | 'egress', self: number, other: Endpoint): PortSet {
    const destination: Endpoint = direction === 'ingress' ? { kind: 'workload', index: self } : other;
    let set = PortSet.NONE;
    for (const rule of (direction === 'ingress' ? this.ingressDenyRules : this.egressDenyRules)[self] ?? []) {
      if (this.ruleMatchesPeer(rule, other)) set = set.union(this.rulePorts(rule, destination));
    }
    return set;
  }

  /**
   * Whether a rule allows one port toward a destination: `rulePorts(...).has(...)` without
   * building the set (a check asks this of every rule of both sides).
   */
  public ruleAllowsPort(compiled: CompiledRule, destination: Endpoint, protocol: PolicyProtocol, port: number): boolean {
    if (compiled.fixedPorts !== undefined) return compiled.fixedPorts.has(protocol, port);
    const declaredPorts = destination.kind === 'workload' ? this.workloads[destination.index].ports : [];
    for (const spec of compiled.rule.ports ?? []) {
      if (spec.protocol !== undefined && spec.protocol !== protocol) continue;
      if (spec.port === undefined) return true;
      if (typeof spec.port === 'number') {
        if (port >= spec.port && port <= (spec.endPort ?? spec.port)) return true;
        continue;
      }
      // A name resolves on the destination (portsOf: every declared port of that name and protocol).
      for (const declared of declaredPorts) if (declared.name === spec.port && declared.protocol === protocol && declared.number === port) return true;
    }
    return false;
  }

  /** The ports a rule allows toward a destination. */
  public rulePorts(compiled: CompiledRule, destination: Endpoint): PortSet {
    return compiled.fixedPorts ?? portsOf(compiled.rule, destination.kind === 'workload' ? this.workloads[destination.index] : undefined);
  }
}


/** Adds an EndpointSlice's ready addresses and ports to its Service's endpoints. */
function addEndpointSlice(endpoints: Map<string, ServiceEndpoints>, object: Record<string, unknown>): void {
  const metadata = object.metadata as Record<string, unknown> | undefined;
  const serviceName = readLabels(metadata?.labels)['kubernetes.io/service-name'];
  if (!serviceName || (object.addressType !== 'IPv4' && object.addressType !== 'IPv6')) return;
  const key = `${namespaceOf(object)}/${serviceName}`;
  const addresses: string[] = [];
  for (const endpoint of Array.isArray(object.endpoints) ? object.endpoints : []) {
    const ready = (endpoint as { conditions?: { ready?: unknown } })?.conditions?.ready;
    if (ready === false) continue; // not-ready endpoints receive no Service traffic
    for (const address of Array.isArray(endpoint?.addresses) ? endpoint.addresses : []) {
      const ip = typeof address === 'string' ? parseIp(address) : undefined;
      if (ip) addresses.push(formatIp(ip));
    }
  }
  const ports = (Array.isArray(object.ports) ? object.ports : []).flatMap((raw: unknown) => {
    const port = raw as Record<string, unknown>;
    if (typeof port?.port !== 'number') return [];
    const protocol = (['TCP', 'UDP', 'SCTP'].includes(String(port.protocol)) ? port.protocol : 'TCP') as PolicyProtocol;
    return [{ ...(typeof port.name === 'string' ? { name: port.name } : {}), port: port.port, protocol }];
  });
  const before = endpoints.get(key);
  endpoints.set(key, {
    addresses: [...new Set([...(before?.addresses ?? []), ...addresses])].sort(),
    ports: [...(before?.ports ?? []), ...ports.filter((p) => !before?.ports.some((b) => b.name === p.name && b.port === p.port && b.protocol === p.protocol))],
  });
}

/** The ports a rule allows toward `destination` (named ports resolve on it). */
/**
 * The ports a rule of any dialect is about, toward a destination: numbers and ranges as
 * written, names resolved on the destination pod's declared ports (nothing toward an address).
 */
export function portsOf(rule: Rule, destination: WorkloadInfo | undefined): PortSet {
  if (rule.ports === null) return PortSet.ALL;
  let set = PortSet.NONE;
  for (const spec of rule.ports) {
    const protocols = spec.protocol ? [spec.protocol] : PROTOCOLS;
    if (spec.port === undefined) for (const p of protocols) set = set.union(PortSet.range(p, 1, 65535));
    else if (typeof spec.port === 'number') for (const p of protocols) set = set.union(PortSet.range(p, spec.port, spec.endPort ?? spec.port));
    else {
      for (const declared of destination?.ports ?? []) {
        if (declared.name === spec.port && (spec.protocol === undefined || declared.protocol === spec.protocol)) set = set.union(PortSet.range(declared.protocol, declared.number, declared.number));
      }
    }
  }
  return set;
}

/** Whether a rule reaches hosts by name only (Cilium toFQDNs). */
export function onlyByName(compiled: CompiledRule): boolean {
  const peers = compiled.rule.peers ?? [];
  return peers.some((p) => p.kind === 'fqdn') && peers.every((p) => p.kind === 'fqdn' || p.kind === 'unmodelled');
}

/**
 * Whether a peer holds an endpoint outside the cluster: an ipBlock, a Cilium CIDR or a
 * `networks` range by its address (a host named in a query by every address it resolves to),
 * Cilium's world and all entities, and toFQDNs by the host's name.
 */
function externalMatches(p: PolicyPeer, peer: Extract<Endpoint, { kind: 'external' }>): boolean {
  // An entity's addresses are not in the input: only entity rules can be judged (policy/language.rst
  // "Entities Based": host and remote-node are in cluster; kube-apiserver is its own identity).
  if (peer.entity !== undefined) return p.kind === 'entity' && (p.name === peer.entity || p.name === 'all' || (p.name === 'cluster' && peer.entity !== 'kube-apiserver'));
  const ips = peer.host ? peer.host.ips : [peer.ip];
  const every = (test: (ip: IpAddress) => boolean) => ips.length > 0 && ips.every(test);
  switch (p.kind) {
    case 'ipBlock': return every((ip) => ipBlockMatches(p, ip));
    case 'cidr': return every((ip) => rangeContains(p.range, ip) && !p.except.some((e) => rangeContains(e, ip)));
    case 'entity': return p.name === 'world' || p.name === 'all';
    case 'fqdn': return peer.host !== undefined && fqdnMatches(p.text, p.pattern, peer.host.name);
    default: return false;
  }
}

/**
 * A toFQDNs or DNS-rule match (layer3.rst "DNS based"): a name exactly, or a pattern where `*`
 * alone is every name, `*` within a label is any run of DNS characters but `.`, and a leading
 * `**.` is any chain of subdomains.
 */
export function fqdnMatches(text: string, pattern: boolean, name: string): boolean {
  const host = name.toLowerCase().replace(/\.$/, '');
  const wanted = text.toLowerCase().replace(/\.$/, '');
  if (!pattern) return host === wanted;
  if (wanted === '*') return true;
  const deep = wanted.startsWith('**.');
  const body = (deep ? wanted.slice(3) : wanted).split('*').map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&')).join('[a-z0-9-]*');
  return new RegExp(`^${deep ? '(?:[a-z0-9-]+\\.)+' : ''}${body}$`).test(host);
}

function ipBlockMatches(peer: Extract<PolicyPeer, { kind: 'ipBlock' }>, ip: IpAddress): boolean {
  return rangeContains(peer.cidr, ip) && !peer.except.some((e) => rangeContains(e, ip));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import { readPolicy } from '../analysis/dialects/kubernetes/network-policy';
import { SourcedObject } from '../analysis/input/loader';
import { DuplicateObject, describeSourced, isOperatorWorkload, readWorkloads, resolveDuplicates, unmodelledKindsNotice } from '../analysis/input/object-set';
import {
  NAMESPACE_NAME_LABEL, PolicyInfo, WorkloadInfo, nameOf, namespaceOf, podTemplateOf, readLabels, where,
} from '../analysis/input/objects';
import { policyProblems } from '../analysis/dialects/kubernetes/policy-validation';
import { isClusterPolicy, readClusterPolicy } from '../analysis/dialects/cluster-network-policy/cluster-policy';
import { Labels, isRecord, labelsSelectWorkload, workloadMatches } from '../analysis/model/selectors';
import { ObjectMemo } from './object-memo';

/** Plain-object access with types, for rules that read arbitrary manifests. */
export type Json = Record<string, unknown>;

/** Reads `obj.a.b.c` when every step is a mapping, else undefined. */
export function dig(object: unknown, ...path: string[]): unknown {
  let current: unknown = object;
  for (let i = 0; i < path.length; i++) {
    if (!isRecord(current) || !Object.prototype.hasOwnProperty.call(current, path[i])) return undefined;
    current = current[path[i]];
  }
  return current;
}

const NONE: readonly Json[] = Object.freeze([]);

/**
 * `obj.a.b` as a list of mappings (non-mappings dropped), or []. Read-only: when every item is
 * a mapping (nearly always) it is the object's own list, not a copy.
 */
export function records(object: unknown, ...path: string[]): readonly Json[] {
  const value = dig(object, ...path);
  if (!Array.isArray(value)) return NONE;
  for (let i = 0; i < value.length; i++) if (!isRecord(value[i])) return value.filter(isRecord);
  return value as Json[];
}

/** Pods that serve the cluster's DNS, as egress rules must reach them. */
export interface DnsTarget {
  /** The namespace the DNS pods run in. */
  readonly namespace: string;
  /** Labels of the DNS pods; `{}` for any pod of the namespace. */
  readonly podLabels: Labels;
  /** The port they answer on (UDP, and TCP for large answers). */
  readonly port: number;
}

/**
 * Where cluster DNS runs on common distributions: CoreDNS or kube-dns in kube-system on 53, and
 * OpenShift's DNS daemon set in openshift-dns on 5353. (An ipBlock rule on 53, e.g. for
 * NodeLocal DNSCache's 169.254.20.10, is recognised whatever these say.)
 */
export const DEFAULT_DNS_TARGETS: readonly DnsTarget[] = [
  { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 },
  { namespace: 'openshift-dns', podLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' }, port: 5353 },
];

/** A range of ports, both ends included. */
export interface PortRange {
  /** The first port. */
  readonly min: number;
  /** The last port. */
  readonly max: number;
}

/** Cluster facts some rules need. */
export interface LintContextOptions {
  /** The API server's --service-node-port-range. */
  readonly nodePortRange: PortRange;
  /** The cluster's DNS servers. */
  readonly dns: readonly DnsTarget[];
  /** Rule ids turned off: a rule that another would repeat defers to it only while that one runs. */
  readonly disabledRules: ReadonlySet<string>;
  /**
   * Whether the input holds every object of each namespace it touches. When false (the
   * default), a rule that needs pods stays silent about a namespace with none in the input.
   */
  readonly wholeNamespaces: boolean;
  /** Which workloads workload-not-egress-isolated checks. */
  readonly egressIsolation: EgressIsolationScope;
  /** Polaris's reading of isolation: a selecting policy with at least one ingress and one egress rule. */
  readonly requireRulesBothWays: boolean;
  /** The strict profile: every LoadBalancer is exposure, source ranges or not. */
  readonly everyLoadBalancerIsExposure: boolean;
  /**
   * Namespaces the cluster's own components run in, which rules about default deny and
   * isolation do not advise (their add-ons seldom tolerate it).
   */
  readonly systemNamespaces: ReadonlySet<string>;
  /** The cluster's network plugin, when declared. @default - not declared */
  readonly cni?: 'cilium' | 'calico' | 'standard';
  /** What is derived from single objects, shared with another lint run over the same objects. @default - this run's own */
  readonly memo?: ObjectMemo;
}

/** The namespaces Kubernetes itself creates and runs components in. */
export const DEFAULT_SYSTEM_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Where workload-not-egress-isolated looks: in namespaces that deny ingress by default (where
 * a missing egress policy is an oversight, not a choice), everywhere, or nowhere.
 */
export enum EgressIsolationScope {
  /** Only in namespaces that deny ingress by default (the default). */
  DEFAULT_DENY_NAMESPACES = 'default-deny-namespaces',
  /** Every workload. */
  EVERYWHERE = 'everywhere',
  /** Nowhere: the rule is silent. */
  OFF = 'off',
}

/** How sure a rule can be that the pods it looks for are all in the input. */
export type PodCertainty =
  | {
    /** Every pod of the namespace is in the input. */
    readonly certain: true;
  }
  | {
    /** Pods may be missing from the input. */
    readonly certain: false;
    /** Say nothing: the namespace has no pods in the input at all. */
    readonly silent: true;
  }
  | {
    /** Pods may be missing from the input. */
    readonly certain: false;
    /** Report, with the caveat. */
    readonly silent: false;
    /** Why the finding may be wrong, appended to its message. */
    readonly caveat: string;
  };

/** Kubernetes defaults. */
export const DEFAULT_CONTEXT_OPTIONS: LintContextOptions = {
  nodePortRange: { min: 30000, max: 32767 },
  dns: DEFAULT_DNS_TARGETS,
  disabledRules: new Set(),
  wholeNamespaces: false,
  egressIsolation: EgressIsolationScope.DEFAULT_DENY_NAMESPACES,
  requireRulesBothWays: false,
  everyLoadBalancerIsExposure: false,
  systemNamespaces: new Set(DEFAULT_SYSTEM_NAMESPACES),
};

/** API groups whose kinds create no pods (so their objects do not make pods uncertain). */
const PODLESS_GROUPS = ['cert-manager.io', 'gateway.networking.k8s.io', 'monitoring.coreos.com', 'policy.networking.k8s.io', 'networking.k8s.io', 'acme.cert-manager.io'];

/** A workload with its raw pod spec, for rules about containers and probes. */
export interface LintWorkload extends WorkloadInfo {
  /** The object it was read from. */
  readonly object: Json;
  /** Its pod spec (`spec`, `spec.template.spec` or a CronJob's job template's). */
  readonly podSpec: Json;
  /** The pod template's labels. */
  readonly podLabels: Labels;
  /** Its containers (`containers`; init containers are read where a rule needs them). */
  readonly containers: readonly Json[];
  /** Made by an operator from a custom resource: no pod spec is in the input. @default false */
  readonly operatorMade?: boolean;
}

/**
 * Everything the rules need, indexed once: objects by kind, workloads with their pod
 * specs, Services, NetworkPolicies with API defaults applied, and namespaces.
 */
export class LintContext {
  /** The objects a cluster would hold: one per identity, the last copy given. */
  public readonly objects: readonly SourcedObject[];
  /** Every workload read from the objects. */
  public readonly workloads: LintWorkload[] = [];
  /** Every NetworkPolicy read from the objects. */
  public readonly policies: PolicyInfo[] = [];
  /** Namespaces declared by a Namespace object, with labels (the name label included). */
  public readonly declaredNamespaces = new Map<string, Labels>();
  /** Every namespace some object lives in. */
  public readonly usedNamespaces = new Set<string>();
  private readonly byKind = new Map<string, Json[]>();
  private readonly sources = new Map<Json, SourcedObject>();
  private readonly workloadsByNamespace = new Map<string, LintWorkload[]>();
  private readonly policiesByNamespace = new Map<string, PolicyInfo[]>();
  private readonly services = new Map<string, Json>();
  private readonly workloadNames = new Map<Json, string>();
  private customByNamespace?: Map<string, string[]>;
  /** Each NetworkPolicy's value problems (policy-rejected-by-api-server's findings), read once. */
  private readonly rejectedPolicies = new Map<Json, string[]>();
  /** The workloads each Service selects, matched once for the several rules that ask. */
  private readonly selectedBy = new Map<Json, LintWorkload[] | undefined>();
  private byLabel?: Map<string, LintWorkload[]>;
  /** The policies selecting each workload, and the policies that select some workload (matched per namespace on first ask). */
  private readonly selecting = new Map<LintWorkload, readonly PolicyInfo[]>();
  private readonly selectingSome = new Set<PolicyInfo>();
  private readonly matchedNamespaces = new Set<string>();
  /** What was read with a caveat (duplicates replaced, kinds not modelled). */
  public readonly notices: string[] = [];
  /** Objects given more than once; `objects` holds the last copy of each. */
  public readonly duplicates: readonly DuplicateObject[];
  /** What rules derive from single objects, kept by object. */
  public readonly memo: ObjectMemo;

  constructor(
    input: readonly SourcedObject[],
    /** The cluster facts the rules are told. */
    public readonly options: LintContextOptions = DEFAULT_CONTEXT_OPTIONS,
  ) {
    // The objects a cluster would hold: one per identity, the last one given (as the analyzer reads them).
    this.memo = options.memo ?? new ObjectMemo();
    const resolved = resolveDuplicates(input);
    this.duplicates = resolved.duplicates;
    this.notices.push(...resolved.notices);
    const objects = resolved.objects;
    this.objects = objects;
    for (const source of input) this.sources.set(source.object, source);
    for (const source of objects) {
      const object = source.object;
      const kind = String(object.kind);
      const sameKind = this.byKind.get(kind);
      if (sameKind) sameKind.push(object);
      else this.byKind.set(kind, [object]);
      if (kind === 'Namespace') {
        const name = nameOf(object);
        if (name) this.declaredNamespaces.set(name, { ...readLabels(dig(object, 'metadata', 'labels')), [NAMESPACE_NAME_LABEL]: name });
        continue;
      }
      this.usedNamespaces.add(namespaceOf(object));
      if (kind === 'NetworkPolicy') {
        // A policy the API server would refuse is reported by policy-rejected-by-api-server alone.
        const problems = this.memo.of('policy-problems', object, () => policyProblems(object));
        this.rejectedPolicies.set(object, problems.values);
        if (problems.apiServer.length > 0) continue;
        const policy = readPolicy(source, this.notices);
        if (policy) {
          this.policies.push(policy);
          const list = this.policiesByNamespace.get(policy.namespace);
          if (list) list.push(policy);
          else this.policiesByNamespace.set(policy.namespace, [policy]);
        }
        continue;
      }
      if (kind === 'Service') {
        const name = nameOf(object);
        const key = `${namespaceOf(object)}/${name}`;
        if (name && !this.services.has(key)) this.services.set(key, object);
      }
    }
    // Parts of cluster policies that are read but not modelled are said once, here too.
    for (const source of objects) {
      if (!isClusterPolicy(source.object)) continue;
      const { policy, unreadVersion } = readClusterPolicy(source);
      if (unreadVersion) this.notices.push(`${describeSourced(source.object)} (${where(source)}) is not checked: ${unreadVersion}`);
      for (const part of policy?.unmodelled ?? []) this.notices.push(`${policy!.ref}: ${part}`);
    }
    const workloads = readWorkloads(objects, this.notices);
    const unmodelled = unmodelledKindsNotice(objects);
    if (unmodelled) this.notices.push(unmodelled);
    for (const workload of workloads) {
      const object = workload.source!.object;
      this.workloadNames.set(object, workload.name);
      // An operator-made workload has no pod spec in the input: rules about containers skip it.
      const podSpec = workload.operatorMade ? {} : podTemplateOf(object)!.spec;
      const lintWorkload: LintWorkload = {
        ...workload,
        ref: `${workload.namespace}/${workload.name}`,
        object,
        podSpec,
        podLabels: workload.labels,
        containers: records(podSpec, 'containers'),
      };
      this.workloads.push(lintWorkload);
      const list = this.workloadsByNamespace.get(workload.namespace);
      if (list) list.push(lintWorkload);
      else this.workloadsByNamespace.set(workload.namespace, [lintWorkload]);
    }
  }

  /** Objects of a kind, in input order. */
  public ofKind(kind: string): Json[] {
    return this.byKind.get(kind) ?? [];
  }

  /** Why the API server would refuse a NetworkPolicy's values (not its types): empty when admitted. */
  public policyValueProblems(policy: Json): string[] {
    return this.rejectedPolicies.get(policy) ?? [];
  }

  /** The workloads a Service selects; undefined when it has no selector (manual endpoints). */
  public serviceWorkloads(service: Json): LintWorkload[] | undefined {
    if (this.selectedBy.has(service)) return this.selectedBy.get(service);
    const selector = readLabels(dig(service, 'spec', 'selector'));
    const pairs = Object.keys(selector);
    let selected: LintWorkload[] | undefined;
    if (pairs.length > 0) {
      // Only workloads with a pod carrying the selector's first label can match: look those up.
      const candidates = this.workloadsWithLabel(namespaceOf(service), pairs[0], selector[pairs[0]]);
      selected = candidates.filter((w) => labelsSelectWorkload(selector, w));
    }
    this.selectedBy.set(service, selected);
    return selected;
  }

  /** Workloads of a namespace some pod of which has the label `key=value` (indexed on first use). */
  private workloadsWithLabel(namespace: string, key: string, value: string): LintWorkload[] {
    if (!this.byLabel) {
      this.byLabel = new Map();
      for (const workload of this.workloads) {
        const seen = new Set<string>();
        for (const labels of workload.podLabelSets ?? [workload.labels]) {
          for (const name of Object.keys(labels)) {
            const id = `${workload.namespace}\u0000${name}\u0000${labels[name]}`;
            if (seen.has(id)) continue;
            seen.add(id);
            const list = this.byLabel.get(id);
            if (list) list.push(workload);
            else this.byLabel.set(id, [workload]);
          }
        }
      }
    }
    return this.byLabel.get(`${namespace}\u0000${key}\u0000${value}`) ?? [];
  }

  /** Workloads in a namespace. */
  public workloadsIn(namespace: string): LintWorkload[] {
    return this.workloadsByNamespace.get(namespace) ?? [];
  }

  /** A Service by namespace and name. */
  public service(namespace: string, name: string): Json | undefined {
    return this.services.get(`${namespace}/${name}`);
  }

  /** NetworkPolicies in a namespace. */
  public policiesIn(namespace: string): PolicyInfo[] {
    return this.policiesByNamespace.get(namespace) ?? [];
  }

  /**
   * The NetworkPolicies of a workload's namespace whose podSelector selects some pod of it, in
   * `policiesIn` order: `policiesIn(ns).filter((p) => workloadMatches(p.podSelector, w))`,
   * matched once for the several rules that ask.
   */
  public policiesSelecting(workload: LintWorkload): readonly PolicyInfo[] {
    this.matchNamespace(workload.namespace);
    return this.selecting.get(workload) ?? [];
  }

  /** Whether a NetworkPolicy's podSelector selects some workload of its namespace in the input. */
  public selectsSomeWorkload(policy: PolicyInfo): boolean {
    this.matchNamespace(policy.namespace);
    return this.selectingSome.has(policy);
  }

  /**
   * Matches a namespace's policies against its workloads. A policy whose selector requires a
   * label is tried only on workloads with a pod carrying its first required label; the others
   * (no matchLabels) on every workload.
   */
  private matchNamespace(namespace: string): void {
    if (this.matchedNamespaces.has(namespace)) return;
    this.matchedNamespaces.add(namespace);
    const policies = this.policiesIn(namespace);
    const byFirstLabel = new Map<string, number[]>();
    const everywhere: number[] = [];
    policies.forEach((policy, index) => {
      const first = Object.keys(policy.podSelector.matchLabels)[0];
      if (first === undefined) {
        everywhere.push(index);
        return;
      }
      const id = `${first}\u0000${policy.podSelector.matchLabels[first]}`;
      const list = byFirstLabel.get(id);
      if (list) list.push(index);
      else byFirstLabel.set(id, [index]);
    });
    for (const workload of this.workloadsIn(namespace)) {
      const candidates = new Set<number>(everywhere);
      for (const labels of workload.podLabelSets ?? [workload.labels]) {
        for (const name of Object.keys(labels)) for (const index of byFirstLabel.get(`${name}\u0000${labels[name]}`) ?? []) candidates.add(index);
      }
      const selected = [...candidates].sort((a, b) => a - b).map((index) => policies[index]).filter((policy) => workloadMatches(policy.podSelector, workload));
      this.selecting.set(workload, selected);
      for (const policy of selected) this.selectingSome.add(policy);
    }
  }

  /** Labels of a namespace: declared ones, or just the implied name label. */
  public namespaceLabels(namespace: string): Labels {
    return this.declaredNamespaces.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace };
  }

  /** Every namespace the input knows of. */
  public knownNamespaces(): string[] {
    return [...new Set([...this.declaredNamespaces.keys(), ...this.usedNamespaces])].sort();
  }

  /**
   * The one rule for partial input, shared by every rule whose truth depends on pods that may
   * live elsewhere (policy-selects-nothing, policy-peer-matches-nothing, service-selector-no-match):
   * a namespace with no workload in the input is not judged unless `wholeNamespaces` says the
   * input is complete; a namespace holding custom resources (whose operators may create pods)
   * is judged at info level, with the resources named.
   */
  public podCertainty(namespace: string): PodCertainty {
    if (this.workloadsIn(namespace).length === 0 && !this.options.wholeNamespaces) return { certain: false, silent: true };
    const custom = this.customResourcesIn(namespace);
    if (custom.length === 0) return { certain: true };
    return { certain: false, silent: false, caveat: ` (namespace ${namespace} holds custom resources, ${custom.slice(0, 3).join(', ')}${custom.length > 3 ? ', ...' : ''}, whose operators may create matching pods)` };
  }

  /** `Kind/name` of the custom resources in a namespace that may stand for pods netkit cannot see. */
  public customResourcesIn(namespace: string): string[] {
    if (!this.customByNamespace) {
      // Indexed on first use, in one pass: rules ask for every namespace.
      this.customByNamespace = new Map();
      for (const { object } of this.objects) {
        const apiVersion = String(object.apiVersion);
        const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
        if (!group.includes('.') || group.endsWith('.k8s.io') || PODLESS_GROUPS.includes(group) || isOperatorWorkload(object)) continue;
        const list = this.customByNamespace.get(namespaceOf(object));
        const entry = `${String(object.kind)}/${nameOf(object) ?? '<unnamed>'}`;
        if (list) list.push(entry);
        else this.customByNamespace.set(namespaceOf(object), [entry]);
      }
      for (const list of this.customByNamespace.values()) list.sort();
    }
    return this.customByNamespace.get(namespace) ?? [];
  }

  /** Where an object came from. */
  public sourceOf(object: Json): SourcedObject | undefined {
    return this.sources.get(object);
  }

  /** The object's name, or the stand-in an unnamed workload is linted under. */
  public displayName(object: Json): string {
    return nameOf(object) ?? this.workloadNames.get(object) ?? `<unnamed ${String(object.kind)} in ${where(this.sources.get(object))}>`;
  }
}

export { nameOf, namespaceOf };

import { InputError, LoadLimits, SourcedObject, collect, loadYaml } from './loader';
import {
  NAMESPACE_NAME_LABEL, PolicyInfo, PolicyPeer, PolicyRule, WorkloadInfo, nameOf, readLabels, readPolicy, readWorkload,
} from './objects';
import { PolicyProtocol, PortSet } from './port-set';
import { Labels, Selector, isEmptySelector, selectorMatches } from './selectors';
import { closestMatches } from './suggest';
import { IpAddress, formatIp, parseIp, rangeContains } from '../net/ip';

/** A question: may `from` open a connection to `to` on `port`? */
export interface TrafficQuery {
  /** `<namespace>/<name>` of a workload, a workload name when unique, or an IP address. */
  readonly from: string;
  /** Same forms as `from`. */
  readonly to: string;
  /** The destination port (the container port the packet arrives on). */
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: PolicyProtocol;
}

/** A policy rule that allows the traffic. */
export interface AllowingRule {
  /** `<namespace>/<name>` of the NetworkPolicy. */
  readonly policy: string;
  /** Index of the rule in its `ingress` or `egress` list. */
  readonly rule: number;
}

/** One side's verdict: the source's egress or the destination's ingress. */
export interface SideVerdict {
  /** False when this side is outside the cluster (an IP address), where no policy applies. */
  readonly applies: boolean;
  /** Whether some policy selecting the pod isolates it for this direction. */
  readonly isolated: boolean;
  /** The policies that isolate it. */
  readonly isolatedBy: readonly string[];
  /** Whether this side lets the traffic through. */
  readonly allowed: boolean;
  /** The rules that allow it (empty when not isolated or denied). */
  readonly allowedBy: readonly AllowingRule[];
}

/** The answer to a {@link TrafficQuery}. */
export interface TrafficVerdict {
  readonly allowed: boolean;
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: PolicyProtocol;
  readonly egress: SideVerdict;
  readonly ingress: SideVerdict;
  /** One paragraph a human can read. */
  readonly why: string;
}

/** One cell of the reachability matrix. */
export interface MatrixCell {
  readonly from: string;
  readonly to: string;
  /** Allowed ports, compressed: `all`, `TCP 8080`, `TCP 6379-6400, UDP 53`, ... */
  readonly ports: string;
}

/** Every ordered pair of endpoints with what may flow between them. */
export interface Matrix {
  /** Workloads, then the representative external endpoints. */
  readonly endpoints: readonly string[];
  /** Pairs with at least one allowed port; every other pair is fully denied. */
  readonly cells: readonly MatrixCell[];
}

/** Options for {@link NetworkModel.matrix}. */
export interface MatrixOptions {
  /** External addresses to include as endpoints. @default ['203.0.113.7'] — a public test address */
  readonly externalEndpoints?: string[];
}

/** An unknown workload in a query; the message lists close matches. */
export class UnknownEndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownEndpointError';
  }
}

type Endpoint = { readonly kind: 'workload'; readonly index: number } | { readonly kind: 'external'; readonly ip: IpAddress; readonly text: string };

interface CompiledRule {
  readonly policy: number;
  readonly rule: PolicyRule;
  /** Workload indexes the rule's peers match; null when it matches every peer. */
  readonly workloads: ReadonlySet<number> | null;
  /** Ports when independent of the destination (no named ports); else computed per destination. */
  readonly fixedPorts: PortSet | undefined;
}

/**
 * A NetworkPolicy reachability engine over plain Kubernetes objects (no cdk8s needed).
 *
 * Laws (networking.k8s.io/v1, as the API reference defines them):
 * - A connection is allowed only when the source's egress and the destination's ingress
 *   both allow it. A pod that no policy of a direction selects is not isolated for it.
 * - Policies are unions: any rule of any isolating policy that matches allows.
 * - `policyTypes` defaults as the API server sets it: Ingress always, Egress only when
 *   `egress` has a rule (so `egress: []` alone isolates nothing).
 * - A missing or empty `from`/`to` matches every peer (in or outside the cluster); missing
 *   or empty `ports` matches every port and protocol.
 * - A peer with podSelector and namespaceSelector is their AND; a podSelector alone means the
 *   policy's own namespace; `namespaceSelector: {}` is every namespace.
 * - ipBlock peers match addresses outside the cluster only: pod IPs are not known before
 *   deploy, so this model never matches a pod by ipBlock.
 * - A named port resolves on the destination pod; a name it does not declare matches
 *   nothing (so does a named port toward an external address).
 * - hostNetwork pods share the node's network: NetworkPolicy behaviour for them is left
 *   undefined by Kubernetes and most CNIs do not enforce it. This model treats them as never
 *   isolated and never matched by pod or namespace selectors (only by rules without peers).
 * - Policies select pods only in their own namespace. Results do not depend on the order of
 *   documents or policies.
 */
export class NetworkModel {
  /** Reads multi-document YAML text (one string or several). */
  public static fromYaml(texts: string | readonly string[], limits?: LoadLimits): NetworkModel {
    const list = typeof texts === 'string' ? [texts] : texts;
    const objects: SourcedObject[] = [];
    const notices: string[] = [];
    list.forEach((text, i) => {
      const loaded = loadYaml(text, list.length > 1 ? `<input ${i + 1}>` : '<input>', limits);
      objects.push(...loaded.objects);
      notices.push(...loaded.notices);
    });
    return new NetworkModel(objects, notices);
  }

  /** Reads plain objects (e.g. parsed manifests). */
  public static fromObjects(objects: readonly unknown[]): NetworkModel {
    const sourced: SourcedObject[] = [];
    const notices: string[] = [];
    for (const object of objects) collect(object, undefined, undefined, sourced, notices);
    return new NetworkModel(sourced, notices);
  }

  /** Reads already-sourced objects (as the CLI loads them from files). */
  public static fromSources(objects: readonly SourcedObject[], notices: readonly string[] = []): NetworkModel {
    return new NetworkModel(objects, notices);
  }

  /** Reads a cdk8s chart (anything with `toJson()` returning its objects). */
  public static fromChart(chart: { toJson(): unknown[] }): NetworkModel {
    return NetworkModel.fromObjects(chart.toJson());
  }

  /** Workloads, sorted by reference. */
  public readonly workloads: readonly WorkloadInfo[];
  /** NetworkPolicies, sorted by reference. */
  public readonly policies: readonly PolicyInfo[];
  /** Namespace labels, the implied `kubernetes.io/metadata.name` included. */
  public readonly namespaces: ReadonlyMap<string, Labels>;
  /** Documents skipped while loading, and why. */
  public readonly notices: readonly string[];

  private readonly byRef = new Map<string, number>();
  private readonly byName = new Map<string, number[]>();
  private readonly ingressIsolation: number[][];
  private readonly egressIsolation: number[][];
  private readonly ingressRules: CompiledRule[][];
  private readonly egressRules: CompiledRule[][];

  private constructor(objects: readonly SourcedObject[], notices: readonly string[]) {
    const allNotices = [...notices];
    const namespaces = new Map<string, Record<string, string>>();
    const workloads: Omit<WorkloadInfo, 'ref'>[] = [];
    const policies: PolicyInfo[] = [];
    for (const source of objects) {
      const kind = source.object.kind;
      if (kind === 'Namespace') {
        const name = nameOf(source.object);
        if (name) namespaces.set(name, { ...readLabels((source.object.metadata as Record<string, unknown>).labels), [NAMESPACE_NAME_LABEL]: name });
        continue;
      }
      if (kind === 'NetworkPolicy' && typeof source.object.apiVersion === 'string' && source.object.apiVersion.startsWith('networking.k8s.io/')) {
        const policy = readPolicy(source, allNotices);
        if (policy) policies.push(policy);
        continue;
      }
      const workload = readWorkload(source);
      if (workload) workloads.push(workload);
    }
    // Sorting makes every result independent of document order.
    workloads.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name) || compare(a.kind, b.kind));
    policies.sort((a, b) => compare(a.ref, b.ref));
    const finalWorkloads: WorkloadInfo[] = [];
    for (const w of workloads) {
      let ref = `${w.namespace}/${w.name}`;
      if (this.byRef.has(ref)) ref = `${w.namespace}/${w.kind.toLowerCase()}/${w.name}`;
      if (this.byRef.has(ref)) {
        allNotices.push(`skipped a second ${w.kind} ${w.namespace}/${w.name}`);
        continue;
      }
      this.byRef.set(ref, finalWorkloads.length);
      const sameName = this.byName.get(w.name) ?? [];
      sameName.push(finalWorkloads.length);
      this.byName.set(w.name, sameName);
      finalWorkloads.push({ ...w, ref });
      if (!namespaces.has(w.namespace)) namespaces.set(w.namespace, { [NAMESPACE_NAME_LABEL]: w.namespace });
    }
    for (const p of policies) {
      if (!namespaces.has(p.namespace)) namespaces.set(p.namespace, { [NAMESPACE_NAME_LABEL]: p.namespace });
    }
    this.workloads = finalWorkloads;
    this.policies = policies;
    this.namespaces = namespaces;
    this.notices = allNotices;

    const index = new SelectorIndex(finalWorkloads, namespaces);
    this.ingressIsolation = finalWorkloads.map(() => []);
    this.egressIsolation = finalWorkloads.map(() => []);
    this.ingressRules = finalWorkloads.map(() => []);
    this.egressRules = finalWorkloads.map(() => []);
    policies.forEach((policy, policyIndex) => {
      const selected = index.podsIn([policy.namespace], policy.podSelector).filter((w) => !finalWorkloads[w].hostNetwork);
      if (selected.length === 0) return;
      const compile = (rule: PolicyRule): CompiledRule => ({
        policy: policyIndex,
        rule,
        workloads: rule.peers === null ? null : index.peerWorkloads(rule.peers, policy.namespace),
        fixedPorts: rule.ports === null ? PortSet.ALL
          : rule.ports.every((p) => typeof p.port !== 'string') ? portsOf(rule, undefined) : undefined,
      });
      const ingress = policy.isolatesIngress ? policy.ingress.map(compile) : [];
      const egress = policy.isolatesEgress ? policy.egress.map(compile) : [];
      for (const w of selected) {
        if (policy.isolatesIngress) {
          this.ingressIsolation[w].push(policyIndex);
          this.ingressRules[w].push(...ingress);
        }
        if (policy.isolatesEgress) {
          this.egressIsolation[w].push(policyIndex);
          this.egressRules[w].push(...egress);
        }
      }
    });
  }

  /** Answers one query, with the policies and rules that decided it. */
  public check(query: TrafficQuery): TrafficVerdict {
    const protocol = query.protocol ?? 'TCP';
    if (!Number.isInteger(query.port) || query.port < 1 || query.port > 65535) {
      throw new UnknownEndpointError(`port ${query.port} is not a port number (1-65535).`);
    }
    const from = this.resolve(query.from, 'from');
    const to = this.resolve(query.to, 'to');
    const egress = this.side(from, to, 'egress', protocol, query.port);
    const ingress = this.side(to, from, 'ingress', protocol, query.port);
    const verdict = {
      allowed: egress.allowed && ingress.allowed,
      from: this.label(from),
      to: this.label(to),
      port: query.port,
      protocol,
      egress,
      ingress,
    };
    return { ...verdict, why: this.explain(verdict, from, to) };
  }

  /** What may flow between every ordered pair of workloads and the external endpoints. */
  public matrix(options: MatrixOptions = {}): Matrix {
    const externals = (options.externalEndpoints ?? ['203.0.113.7']).map((text) => {
      const ip = parseIp(text);
      if (!ip) throw new UnknownEndpointError(`external endpoint "${text}" is not an IP address.`);
      return { kind: 'external' as const, ip, text: formatIp(ip) };
    });
    const endpoints: Endpoint[] = [...this.workloads.map((_, index) => ({ kind: 'workload' as const, index })), ...externals];
    const cells: MatrixCell[] = [];
    for (const from of endpoints) {
      for (const to of endpoints) {
        if (from.kind === 'external' && to.kind === 'external') continue;
        const ingress = this.allowedPorts(to, from, 'ingress');
        if (ingress.isEmpty) continue;
        const allowed = ingress.intersect(this.allowedPorts(from, to, 'egress'));
        if (!allowed.isEmpty) cells.push({ from: this.label(from), to: this.label(to), ports: allowed.toString() });
      }
    }
    return { endpoints: endpoints.map((e) => this.label(e)), cells };
  }

  /** The workload for a reference, or undefined. */
  public workload(ref: string): WorkloadInfo | undefined {
    const index = this.byRef.get(ref);
    return index === undefined ? undefined : this.workloads[index];
  }

  private resolve(ref: string, role: string): Endpoint {
    const ip = parseIp(ref);
    if (ip) return { kind: 'external', ip, text: formatIp(ip) };
    const exact = this.byRef.get(ref);
    if (exact !== undefined) return { kind: 'workload', index: exact };
    const byName = this.byName.get(ref);
    if (byName?.length === 1) return { kind: 'workload', index: byName[0] };
    const refs = this.workloads.map((w) => w.ref);
    const close = closestMatches(ref, refs, 3);
    const hint = byName && byName.length > 1
      ? ` "${ref}" names several workloads: ${byName.map((i) => refs[i]).join(', ')}; give the namespace.`
      : close.length > 0 ? ` Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : refs.length === 0 ? ' The input has no workloads.' : '';
    throw new UnknownEndpointError(`unknown ${role} "${ref}": no workload <namespace>/<name> or IP address by that name.${hint}`);
  }

  private label(endpoint: Endpoint): string {
    return endpoint.kind === 'workload' ? this.workloads[endpoint.index].ref : endpoint.text;
  }

  /** Ports `self` allows toward/from `other` in one direction (egress: self is the source). */
  private allowedPorts(self: Endpoint, other: Endpoint, direction: 'ingress' | 'egress'): PortSet {
    if (self.kind === 'external') return PortSet.ALL;
    const isolated = (direction === 'ingress' ? this.ingressIsolation : this.egressIsolation)[self.index];
    if (isolated.length === 0) return PortSet.ALL;
    const destination = direction === 'ingress' ? self : other;
    let result = PortSet.NONE;
    for (const compiled of (direction === 'ingress' ? this.ingressRules : this.egressRules)[self.index]) {
      if (!this.ruleMatchesPeer(compiled, other)) continue;
      result = result.union(compiled.fixedPorts ?? portsOf(compiled.rule, destination.kind === 'workload' ? this.workloads[destination.index] : undefined));
      if (result === PortSet.ALL) break;
    }
    return result;
  }

  private ruleMatchesPeer(compiled: CompiledRule, peer: Endpoint): boolean {
    if (compiled.workloads === null) return true;
    if (peer.kind === 'workload') return compiled.workloads.has(peer.index);
    return compiled.rule.peers!.some((p) => p.kind === 'ipBlock' && ipBlockMatches(p, peer.ip));
  }

  private side(self: Endpoint, other: Endpoint, direction: 'ingress' | 'egress', protocol: PolicyProtocol, port: number): SideVerdict {
    if (self.kind === 'external') return { applies: false, isolated: false, isolatedBy: [], allowed: true, allowedBy: [] };
    const isolatedBy = (direction === 'ingress' ? this.ingressIsolation : this.egressIsolation)[self.index].map((i) => this.policies[i].ref);
    if (isolatedBy.length === 0) return { applies: true, isolated: false, isolatedBy, allowed: true, allowedBy: [] };
    const destination = direction === 'ingress' ? self : other;
    const destinationWorkload = destination.kind === 'workload' ? this.workloads[destination.index] : undefined;
    const allowedBy: AllowingRule[] = [];
    for (const compiled of (direction === 'ingress' ? this.ingressRules : this.egressRules)[self.index]) {
      if (!this.ruleMatchesPeer(compiled, other)) continue;
      const ports = compiled.fixedPorts ?? portsOf(compiled.rule, destinationWorkload);
      if (ports.has(protocol, port)) allowedBy.push({ policy: this.policies[compiled.policy].ref, rule: compiled.rule.index });
    }
    return { applies: true, isolated: true, isolatedBy, allowed: allowedBy.length > 0, allowedBy };
  }

  private explain(v: Omit<TrafficVerdict, 'why'>, from: Endpoint, to: Endpoint): string {
    const target = `${v.protocol} ${v.port}`;
    const sideText = (side: SideVerdict, direction: 'egress' | 'ingress', self: Endpoint, other: Endpoint): string => {
      const selfName = this.label(self);
      const otherName = this.label(other);
      const Dir = direction === 'egress' ? 'Egress' : 'Ingress';
      if (!side.applies) return `${Dir}: ${selfName} is outside the cluster, where no NetworkPolicy applies.`;
      if (self.kind === 'workload' && this.workloads[self.index].hostNetwork) {
        return `${Dir}: ${selfName} uses hostNetwork; NetworkPolicy does not isolate host-network pods (treated as not isolated).`;
      }
      if (!side.isolated) return `${Dir}: ${selfName} is not isolated for ${direction} (no NetworkPolicy with policyType ${Dir} selects it), so ${direction} is open.`;
      const isolated = `${selfName} is isolated for ${direction} by ${side.isolatedBy.join(', ')}`;
      if (side.allowed) {
        const rules = side.allowedBy.map((r) => `${r.policy} ${direction}[${r.rule}]`).join(', ');
        return `${Dir}: ${isolated}; ${rules} allow${side.allowedBy.length === 1 ? 's' : ''} ${otherName} on ${target}.`;
      }
      const external = other.kind === 'external' ? ` (as an address outside the cluster, ${otherName} can match only ipBlock peers)` : '';
      return `${Dir}: ${isolated}, and no ${direction} rule of those policies matches ${otherName} on ${target}${external}.`;
    };
    const head = `${v.allowed ? 'ALLOWED' : 'DENIED'}: ${v.from} -> ${v.to} on ${target}.`;
    return [head, sideText(v.egress, 'egress', from, to), sideText(v.ingress, 'ingress', to, from)].join(' ');
  }
}

/** The ports a rule allows toward `destination` (named ports resolve on it). */
function portsOf(rule: PolicyRule, destination: WorkloadInfo | undefined): PortSet {
  if (rule.ports === null) return PortSet.ALL;
  let set = PortSet.NONE;
  for (const spec of rule.ports) {
    if (spec.port === undefined) set = set.union(PortSet.range(spec.protocol, 1, 65535));
    else if (typeof spec.port === 'number') set = set.union(PortSet.range(spec.protocol, spec.port, spec.endPort ?? spec.port));
    else {
      for (const declared of destination?.ports ?? []) {
        if (declared.name === spec.port && declared.protocol === spec.protocol) set = set.union(PortSet.range(spec.protocol, declared.number, declared.number));
      }
    }
  }
  return set;
}

function ipBlockMatches(peer: Extract<PolicyPeer, { kind: 'ipBlock' }>, ip: IpAddress): boolean {
  return rangeContains(peer.cidr, ip) && !peer.except.some((e) => rangeContains(e, ip));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Finds the workloads a selector matches without scanning every pod: an inverted index
 * from `key=value` to workloads narrows matchLabels selectors to their rarest label.
 */
class SelectorIndex {
  private readonly postings = new Map<string, number[]>();
  private readonly byNamespace = new Map<string, number[]>();

  constructor(private readonly workloads: readonly WorkloadInfo[], private readonly namespaces: ReadonlyMap<string, Labels>) {
    workloads.forEach((w, i) => {
      if (w.hostNetwork) return;
      const list = this.byNamespace.get(w.namespace) ?? [];
      list.push(i);
      this.byNamespace.set(w.namespace, list);
      for (const key of Object.keys(w.labels)) {
        const postingKey = `${key}\u0000${w.labels[key]}`;
        const posting = this.postings.get(postingKey) ?? [];
        posting.push(i);
        this.postings.set(postingKey, posting);
      }
    });
  }

  /** Non-hostNetwork workloads in these namespaces whose pod labels match. */
  public podsIn(namespaces: readonly string[], selector: Selector): number[] {
    if (selector.invalid) return [];
    const keys = Object.keys(selector.matchLabels);
    let candidates: readonly number[];
    if (keys.length > 0) {
      let best: number[] | undefined;
      for (const key of keys) {
        const posting = this.postings.get(`${key}\u0000${selector.matchLabels[key]}`) ?? [];
        if (!best || posting.length < best.length) best = posting;
      }
      const allowed = new Set(namespaces);
      candidates = best!.filter((i) => allowed.has(this.workloads[i].namespace));
    } else {
      candidates = namespaces.flatMap((ns) => this.byNamespace.get(ns) ?? []);
    }
    return isEmptySelector(selector) ? [...candidates] : candidates.filter((i) => selectorMatches(selector, this.workloads[i].labels));
  }

  /** The workloads any of the peers matches, for a policy in `policyNamespace`. */
  public peerWorkloads(peers: readonly PolicyPeer[], policyNamespace: string): Set<number> {
    const result = new Set<number>();
    for (const peer of peers) {
      if (peer.kind !== 'pods') continue;
      const namespaces = peer.namespaceSelector === undefined
        ? [policyNamespace]
        : [...this.namespaces.keys()].filter((ns) => selectorMatches(peer.namespaceSelector!, this.namespaces.get(ns)!));
      for (const w of this.podsIn(namespaces, peer.podSelector ?? { matchLabels: {}, expressions: [] })) result.add(w);
    }
    return result;
  }
}

export { InputError };

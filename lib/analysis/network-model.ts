import { CompiledModel, Endpoint, ServiceInfo } from './compiled-model';
import { InputError, LoadLimits, SourcedObject, collect, loadYaml } from './loader';
import { Matrix, computeMatrix } from './matrix';
import { PolicyInfo, WorkloadInfo } from './objects';
import { PolicyProtocol } from './port-set';
import { Labels } from './selectors';
import { closestMatches } from './suggest';
import { formatIp, parseIp } from '../net/ip';

export { Matrix, MatrixCell } from './matrix';

/** A question: may `from` open a connection to `to` on `port`? */
export interface TrafficQuery {
  /** `<namespace>/<name>` of a workload, a workload name when unique, or an IP address. */
  readonly from: string;
  /** Same forms as `from`, or a Service `<namespace>/<name>` that selects one workload. */
  readonly to: string;
  /**
   * The destination port: the container port the packet arrives on, or, when `to` names
   * a Service, one of its ports (translated to the container port behind it).
   */
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
  /** The source workload or address. */
  readonly from: string;
  /** The destination workload (a Service named in the query is resolved to it) or address. */
  readonly to: string;
  /** The container port checked: the query's port, or the one a Service port leads to. */
  readonly port: number;
  readonly protocol: PolicyProtocol;
  readonly egress: SideVerdict;
  readonly ingress: SideVerdict;
  /** One paragraph a human can read. */
  readonly why: string;
}

/** Options for {@link NetworkModel.matrix}. */
export interface MatrixOptions {
  /**
   * External addresses to include as endpoints.
   * @default ['203.0.113.7'] (a public test address standing for "the internet") plus every
   *          single address (/32, /128 ipBlock) a policy names
   */
  readonly externalEndpoints?: string[];
}

/** An unknown workload in a query; the message lists close matches. */
export class UnknownEndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownEndpointError';
  }
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
  private readonly compiled: CompiledModel;

  private constructor(objects: readonly SourcedObject[], notices: readonly string[]) {
    this.compiled = new CompiledModel(objects, notices);
    this.workloads = this.compiled.workloads;
    this.policies = this.compiled.policies;
    this.namespaces = this.compiled.namespaces;
    this.notices = this.compiled.notices;
  }

  /** Answers one query, with the policies and rules that decided it. */
  public check(query: TrafficQuery): TrafficVerdict {
    const protocol = query.protocol ?? 'TCP';
    if (!Number.isInteger(query.port) || query.port < 1 || query.port > 65535) {
      throw new UnknownEndpointError(`port ${query.port} is not a port number (1-65535).`);
    }
    const from = this.resolve(query.from, 'from').endpoint;
    const target = this.resolve(query.to, 'to');
    const to = target.endpoint;
    // Named through a Service: its port leads to a container port on the selected workload.
    // A Service that shares the workload's name counts too when the port is not a container
    // port but one of the Service's (`--to shop/web --port 80` for web's Service port 80).
    let port = query.port;
    let via = '';
    const sameNamed = to.kind === 'workload' && !target.service ? this.compiled.services.get(this.workloads[to.index].ref) : undefined;
    const service = target.service ?? (sameNamed && to.kind === 'workload'
      && !this.workloads[to.index].ports.some((p) => p.number === query.port && p.protocol === protocol)
      && Object.entries(sameNamed.selector).every(([k, v]) => this.workloads[to.index].labels[k] === v) ? sameNamed : undefined);
    if (service && to.kind === 'workload') {
      const targetService = service;
      const servicePort = targetService.ports.find((p) => p.port === query.port && p.protocol === protocol);
      if (servicePort) {
        const targetPort = servicePort.targetPort;
        const resolved = typeof targetPort === 'number' ? targetPort
          : this.workloads[to.index].ports.find((p) => p.name === targetPort && p.protocol === protocol)?.number;
        if (resolved === undefined) {
          throw new UnknownEndpointError(`Service ${targetService.namespace}/${targetService.name} port ${query.port} targets port "${String(targetPort)}", which ${this.workloads[to.index].ref} does not declare, so traffic to it goes nowhere.`);
        }
        port = resolved;
        via = ` (through Service ${targetService.namespace}/${targetService.name} port ${query.port}, container port ${resolved})`;
      }
    }
    if (from.kind === 'external' && to.kind === 'external') {
      throw new UnknownEndpointError(`from ${query.from} and to ${query.to} are both addresses outside the cluster, where no NetworkPolicy applies. Name a workload as <namespace>/<name> on at least one end.`);
    }
    const egress = this.side(from, to, 'egress', protocol, port);
    const ingress = this.side(to, from, 'ingress', protocol, port);
    const verdict = {
      allowed: egress.allowed && ingress.allowed,
      from: this.label(from),
      to: this.label(to),
      port,
      protocol,
      egress,
      ingress,
    };
    return { ...verdict, why: this.explain(verdict, from, to, via) };
  }

  /** What may flow between every ordered pair of workloads and the external endpoints. */
  public matrix(options: MatrixOptions = {}): Matrix {
    const addresses = options.externalEndpoints ?? [...new Set(['203.0.113.7', ...this.compiled.hostAddresses()])];
    const externals = addresses.map((text): Endpoint => {
      const ip = parseIp(text);
      if (!ip) throw new UnknownEndpointError(`external endpoint "${text}" is not an IP address.`);
      return { kind: 'external', ip, text: formatIp(ip) };
    });
    return computeMatrix(this.compiled, externals);
  }

  /** The workload for a reference, or undefined. */
  public workload(ref: string): WorkloadInfo | undefined {
    const index = this.compiled.byRef.get(ref);
    return index === undefined ? undefined : this.workloads[index];
  }

  private resolve(ref: string, role: string): { endpoint: Endpoint; service?: ServiceInfo } {
    const ip = parseIp(ref);
    if (ip) return { endpoint: { kind: 'external', ip, text: formatIp(ip) } };
    const exact = this.compiled.byRef.get(ref);
    if (exact !== undefined) return { endpoint: { kind: 'workload', index: exact } };
    const byName = this.compiled.byName.get(ref);
    if (byName?.length === 1) return { endpoint: { kind: 'workload', index: byName[0] } };
    // No workload by that name: a Service by that name leads to the workload it selects.
    const service = this.compiled.services.get(ref);
    if (service) {
      const selected = this.workloads.flatMap((w, i) => (w.namespace === service.namespace && Object.entries(service.selector).every(([k, v]) => w.labels[k] === v) ? [i] : []));
      if (selected.length === 1) return { endpoint: { kind: 'workload', index: selected[0] }, service };
      throw new UnknownEndpointError(selected.length === 0
        ? `Service ${ref} selects no workload in the input, so nothing answers behind it.`
        : `Service ${ref} selects several workloads (${selected.map((i) => this.workloads[i].ref).join(', ')}); name one of them.`);
    }
    const refs = this.workloads.map((w) => w.ref);
    const close = closestMatches(ref, refs, 3);
    const hint = byName && byName.length > 1
      ? ` "${ref}" names several workloads: ${byName.map((i) => refs[i]).join(', ')}; give the namespace.`
      : close.length > 0 ? ` Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : refs.length === 0 ? ' The input has no workloads.' : '';
    throw new UnknownEndpointError(`unknown ${role} "${ref}": no workload <namespace>/<name> or IP address by that name.${hint}`);
  }

  private label(endpoint: Endpoint): string {
    return this.compiled.label(endpoint);
  }

  private side(self: Endpoint, other: Endpoint, direction: 'ingress' | 'egress', protocol: PolicyProtocol, port: number): SideVerdict {
    if (self.kind === 'external') return { applies: false, isolated: false, isolatedBy: [], allowed: true, allowedBy: [] };
    const isolatedBy = (direction === 'ingress' ? this.compiled.ingressIsolation : this.compiled.egressIsolation)[self.index].map((i) => this.policies[i].ref);
    if (isolatedBy.length === 0) return { applies: true, isolated: false, isolatedBy, allowed: true, allowedBy: [] };
    const destination = direction === 'ingress' ? self : other;
    const allowedBy: AllowingRule[] = [];
    for (const compiled of (direction === 'ingress' ? this.compiled.ingressRules : this.compiled.egressRules)[self.index]) {
      if (!this.compiled.ruleMatchesPeer(compiled, other)) continue;
      const ports = this.compiled.rulePorts(compiled, destination);
      if (ports.has(protocol, port)) allowedBy.push({ policy: this.policies[compiled.policy].ref, rule: compiled.rule.index });
    }
    return { applies: true, isolated: true, isolatedBy, allowed: allowedBy.length > 0, allowedBy };
  }

  /** @param via how a Service port led to the container port, if it did (empty otherwise) */
  private explain(v: Omit<TrafficVerdict, 'why'>, from: Endpoint, to: Endpoint, via: string): string {
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
    const head = `${v.allowed ? 'ALLOWED' : 'DENIED'}: ${v.from} -> ${v.to} on ${target}${via}.`;
    return [head, sideText(v.egress, 'egress', from, to), sideText(v.ingress, 'ingress', to, from)].join(' ');
  }
}

export { InputError };

import { CompiledModel, CompiledRule, Endpoint, ServiceEndpoints, ServiceInfo, fqdnMatches, onlyByName, portsOf } from '../model/compiled-model';
import { HttpRule, L7Rules, RulePeer } from '../model/rules';
import { InputError, LoadLimits, SourcedObject, collect, loadYaml } from '../input/loader';
import { Matrix, computeMatrix } from './matrix';
import { compactCellsOf, withCompactCells } from './matrix-cells';
import { Bitset } from '../model/bitset';
import { INTERNET_STAND_IN, PublicPath, publicPaths } from './public-paths';
import { DiffFingerprints, NetworkDiff, diffModels } from './diff';
import { TierDecision } from '../model/tiers';
import { OrderedVerdict, Packet, PROTOCOL_NUMBERS, describeOrdered, portSetProtocol } from '../model/ordered-tiers';
import { CALICO_PROTOCOLS, protocolName, readCalicoProtocol } from '../dialects/calico/calico-policy';
import { WorkloadExposure, exposureOf } from './exposure';
import { SurfaceItem, surfaceOf } from './surface';
import { PolicyInfo, STANDARD_WORKLOAD_KINDS, WorkloadInfo, parseProtocol } from '../input/objects';
import { PolicyProtocol, PortSet } from '../model/port-set';
import { Labels, labelsSelectWorkload } from '../model/selectors';
import { closestMatches } from './suggest';
import { formatIp, parseIp } from '../../net/ip';
import { ipBlockText } from '../model/addresses';
import { SERVICE_ADDRESS_WORDS } from '../input/services';
import { portNameProblem } from '../../net/names';

export { Matrix, MatrixCell } from './matrix';
export { PublicPath, PathHop, INTERNET_STAND_IN } from './public-paths';

/** An empty object spread into verdicts, allocated once. */
const NOTHING: Readonly<Record<string, never>> = Object.freeze({});
const NO_RULES: readonly CompiledRule[] = Object.freeze([]);

/** Cilium entities a query can name besides world: single identities, not groups. */
const QUERY_ENTITIES = ['kube-apiserver', 'host', 'remote-node', 'ingress', 'health', 'init', 'unmanaged'];
export { NetworkDiff, ConnectionChange, LatentWidening, SurfaceDiff, AddedRemoved, DiffFingerprints, SideFingerprints } from './diff';
export { TierDecision } from '../model/tiers';
export { OrderedVerdict, OrderedDecision } from '../model/ordered-tiers';
export { SurfaceItem } from './surface';
export { WorkloadExposure, InternetRoute, InternetReachability, PUBLIC_ANNOTATION, reachabilityOf } from './exposure';

/** What the model is told beyond the objects. */
export interface ModelOptions {
  /**
   * The cluster's pod CIDRs: every pod address is in one. CIDR-like peers (a ClusterNetworkPolicy
   * `networks` peer, an ipBlock) that hold them all, or none, then decide without pod addresses.
   * @default - not known: the input's `status.podIP`s, else the verdict says it depends on them
   */
  readonly podCidrs?: readonly string[];
  /**
   * The CIDRs node addresses are in, for `nodes` peers and host-network pods when the input has
   * no Node objects.
   * @default - not known: the input's Node objects, if any
   */
  readonly nodeCidrs?: readonly string[];
  /**
   * The network plugin that enforces policy: `cilium` reads CiliumNetworkPolicy and
   * CiliumClusterwideNetworkPolicy beside NetworkPolicy; `standard` reads NetworkPolicy (and
   * the network-policy-api kinds) only, and says so for any Cilium policy in the input.
   * @default - inferred from the kinds present, with a notice
   */
  readonly cni?: 'cilium' | 'calico' | 'standard';
  /**
   * Whether Calico's staged policies (StagedNetworkPolicy, StagedGlobalNetworkPolicy,
   * StagedKubernetesNetworkPolicy) are evaluated as if enforced: the offline preview of what
   * they would do. Off, they are left out with a notice (Calico never enforces them).
   * @default false
   */
  readonly staged?: boolean;
}

/** A protocol a query may name: TCP, UDP, SCTP, and on Calico ICMP, ICMPv6, UDPLite or a number 1-255. */
export type QueryProtocol = PolicyProtocol | 'ICMP' | 'ICMPv6' | 'UDPLite' | `${number}`;

/** An ICMP type and code. */
export interface IcmpQuery {
  /** The ICMP type (0-254), e.g. 8 for an echo request. @default - any type */
  readonly type?: number;
  /** The ICMP code (0-255); needs `type`. @default - any code */
  readonly code?: number;
}

/** A question: may `from` open a connection to `to` on `port`? */
export interface TrafficQuery {
  /**
   * `<namespace>/<name>` of a workload, `<namespace>/<kind>/<name>` (any case of kind), a
   * workload name when unique, a Service that selects one workload, or an IP address.
   */
  readonly from: string;
  /**
   * Same forms as `from`; a Service without a selector is answered for the addresses of its
   * EndpointSlices.
   */
  readonly to: string;
  /**
   * The destination port: a number, or a port name resolved on the destination (a container
   * port name, or a Service port name when `to` names a Service). When `to` names a Service,
   * a number is one of its ports and is translated to the container port behind it.
   * @default - none: required but for ICMP, ICMPv6 and other protocols without ports (Calico)
   */
  readonly port?: number | string;
  /**
   * TCP, UDP or SCTP, in any case; where Calico policies are read, also ICMP, ICMPv6, UDPLite
   * or a protocol number (then `port` is left out, except for UDPLite).
   * @default 'TCP'
   */
  readonly protocol?: PolicyProtocol | string;
  /** The source port, for Calico rules that match source ports. @default - not named: such rules are read as not matching, and the verdict says so */
  readonly sourcePort?: number;
  /** ICMP type and code, for Calico rules that match them (protocol ICMP or ICMPv6). @default - not named: such rules are read as not matching, and the verdict says so */
  readonly icmp?: IcmpQuery;
  /**
   * Whether a port that the destination workload does not declare, but a Service of the same
   * name does, is translated through that Service (`--to shop/web --port 80` checks container
   * port 8080). Naming the workload with its kind (`shop/deployment/web`) also turns this off.
   * @default true
   */
  readonly serviceTranslation?: boolean;
  /** An HTTP request on the connection, answered against Cilium's layer 7 rules. @default - none: a port with layer 7 rules is allowed "for some requests" */
  readonly http?: HttpRequest;
  /**
   * A DNS lookup of this name (the query then is about port 53 of a DNS server): Cilium's DNS
   * proxy answers names its `dns` rules match and refuses the rest.
   * @default - no name: a port with DNS rules is allowed "for some requests"
   */
  readonly dns?: string;
  /** The addresses `to` resolves to, when `to` is a host name (given for any other `to`, it is refused). @default - none known */
  readonly resolvesTo?: readonly string[];
}

/** A policy rule that allows the traffic. */
export interface AllowingRule {
  /** `<namespace>/<name>` of the NetworkPolicy. */
  readonly policy: string;
  /** Index of the rule in its `ingress` or `egress` list. */
  readonly rule: number;
  /** The list, when not `ingress`/`egress` (Cilium's `egressDeny`). @default - the direction */
  readonly list?: string;
}

/** An HTTP request, for Cilium's layer 7 rules. */
export interface HttpRequest {
  /** The method, e.g. `GET`. */
  readonly method: string;
  /** The path, e.g. `/v1/charges`. */
  readonly path: string;
  /** The Host header. @default - none */
  readonly host?: string;
  /** Headers sent, as `Name: value`. @default - none */
  readonly headers?: readonly string[];
}

/** What a verdict about a Cilium entity leaves out, in words (empty for other endpoints). */
function entityNote(from: Endpoint, to: Endpoint): string {
  const entity = from.kind === 'external' && from.entity !== undefined ? from : to.kind === 'external' && to.entity !== undefined ? to : undefined;
  return entity ? ` Only Cilium entity rules (${entity.entity}, cluster, all) were matched against ${entity.text}: its addresses are not in the input, so address rules (ipBlock, toCIDR) that may hold them were not; ask by its address too.` : '';
}

/**
 * The request or lookup a query named, when no layer 7 rule on an allowed connection looked at
 * it: said, so that the answer is not taken for a judgement of the request.
 */
function unreadRequestNote(verdict: Omit<TrafficVerdict, 'why'>, request: L7Request): string {
  const read = (side: SideVerdict) => side.matchedL7 !== undefined || side.someRequestsOnly !== undefined;
  if (!verdict.allowed || read(verdict.egress) || read(verdict.ingress)) return '';
  const asked = [request.http ? `the request ${request.http.method} ${request.http.path}` : '', request.dns ? `the lookup of ${request.dns}` : ''].filter(Boolean);
  if (asked.length === 0) return '';
  return ` No layer 7 rule applies to ${verdict.protocol} ${verdict.port}, so ${asked.join(' and ')} ${asked.length === 1 ? 'passes' : 'pass'} as every request on the connection does.`;
}

/** Whether a rule has layer 7 rules on any of its ports. */
function hasL7(compiled: CompiledRule): boolean {
  const ports = compiled.rule.ports;
  if (ports === null) return false;
  for (let i = 0; i < ports.length; i++) if (ports[i].l7 !== undefined) return true;
  return false;
}

/** A workload's rules with ipBlock peers, each with those peers. */
type IpBlockRules = readonly (readonly [CompiledRule, readonly Extract<RulePeer, { kind: 'ipBlock' }>[]])[];

/** What a query asks of layer 7: an HTTP request, or a DNS lookup of a name. */
interface L7Request {
  readonly http?: HttpRequest;
  readonly dns?: string;
  /** The source port (Calico rules may match it). */
  readonly sourcePort?: number;
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
  /** The cluster-scoped policy rule that decided this side. @default - none (no Admin or Baseline rule decided) */
  readonly decidedBy?: TierDecision;
  /** An Admin-tier Pass that handed this traffic to the NetworkPolicy tier. @default - none */
  readonly passedBy?: TierDecision;
  /**
   * What the answer depends on that the input does not say: a CIDR-like peer that holds the
   * other end only if its addresses are inside (pod addresses are not in the input), or an
   * ipBlock holding a pod's address, which NetworkPolicy leaves to the network plugin.
   * @default - nothing
   */
  readonly dependsOn?: string;
  /** The Deny-tier rule that denied this side (Cilium ingressDeny/egressDeny, which win over every allow). @default - none */
  readonly deniedBy?: AllowingRule;
  /**
   * The layer 7 rules that decide, when the allowing rules admit only some requests on the port
   * and the query names none: the side is then allowed "for some requests".
   * @default - none (every request on the port, or the query's request, decided)
   */
  readonly someRequestsOnly?: readonly string[];
  /** The layer 7 rule that admitted the query's request or lookup (Cilium HTTP or DNS rules). @default - none */
  readonly matchedL7?: string;
  /**
   * On Calico: the tiers that applied, the Pass rules the traffic went through, and the rule
   * (or a tier's end-of-tier default action) that decided.
   * @default - none (not a Calico cluster)
   */
  readonly ordered?: OrderedVerdict;
}

/** The answer to a {@link TrafficQuery}. */
export interface TrafficVerdict {
  /** Whether the connection is allowed: both sides (and every cluster policy tier) let it through. */
  readonly allowed: boolean;
  /** The source workload or address. */
  readonly from: string;
  /** The destination workload (a Service named in the query is resolved to it) or address. */
  readonly to: string;
  /** The container port checked: the query's port, or the one a Service port leads to (0 for ICMP and other protocols without ports). */
  readonly port: number;
  /** The protocol checked. */
  readonly protocol: QueryProtocol;
  /** The ICMP type and code checked. @default - none */
  readonly icmp?: IcmpQuery;
  /** The source port checked. @default - any */
  readonly sourcePort?: number;
  /** The source's side: what its egress policies say. */
  readonly egress: SideVerdict;
  /** The destination's side: what its ingress policies say. */
  readonly ingress: SideVerdict;
  /** One paragraph a human can read. */
  readonly why: string;
  /** True when `allowed` holds only for some requests on the port (layer 7 rules decide the rest). @default - false */
  readonly someRequestsOnly?: boolean;
}

/**
 * Whether the fingerprints of {@link NetworkModel.diffFingerprints} hold an object per workload
 * instead of whole: workload objects (read into WorkloadInfo), Namespaces (their labels),
 * NetworkPolicies and Cilium policies (read into the rule sets of the sides they apply to).
 */
function capturedPerWorkload(apiVersion: unknown, kind: unknown): boolean {
  if (typeof kind !== 'string') return false;
  if (STANDARD_WORKLOAD_KINDS.has(kind)) return apiVersion === 'apps/v1' || apiVersion === 'batch/v1' || apiVersion === 'v1';
  if (kind === 'Namespace') return apiVersion === 'v1';
  if (kind === 'NetworkPolicy') return apiVersion === 'networking.k8s.io/v1';
  return (kind === 'CiliumNetworkPolicy' || kind === 'CiliumClusterwideNetworkPolicy') && apiVersion === 'cilium.io/v2';
}

/** Options for {@link NetworkModel.matrix}. */
export interface MatrixOptions {
  /**
   * External addresses to include as endpoints.
   * @default ['203.0.113.7'] (a public test address standing for "the internet") plus every
   *          single address (/32, /128 ipBlock) a policy names
   */
  readonly externalEndpoints?: string[];
  /**
   * Host names to include as destinations (outside endpoints known by name, as Cilium's
   * toFQDNs matchName allows them).
   * @default - every name a policy allows exactly when `externalEndpoints` is not given; none when it is
   */
  readonly hosts?: string[];
  /**
   * Only the cells whose source is one of `sources` or whose destination is one of
   * `destinations` (workload references or outside endpoints of this matrix; any other name is
   * an error). A review of a change compares only the cells it can reach.
   * @default - every cell
   */
  readonly touching?: MatrixPart;
  /**
   * Keep the cells as numbers until `cells` is first read: a writer that streams a large matrix
   * from them (`netkit matrix --format json`) never makes millions of objects. Reading `cells`
   * afterwards costs more memory than the default.
   * @default false
   */
  readonly lazyCells?: boolean;
}

/** The rows and columns of a part of the matrix. */
export interface MatrixPart {
  /** Sources whose every cell is wanted (workload references or outside endpoints). */
  readonly sources: readonly string[];
  /** Destinations whose every cell is wanted. */
  readonly destinations: readonly string[];
}

/** A query that cannot be answered as asked: the message says why and what to ask instead. */
export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

/** An unknown or ambiguous endpoint in a query; the message lists close matches or candidates. */
export class UnknownEndpointError extends QueryError {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownEndpointError';
  }
}

/** What a query's `to` names. */
type Target = (
  | { readonly kind: 'endpoint'; readonly endpoint: Endpoint; readonly service?: ServiceInfo; readonly kindQualified: boolean }
  | { readonly kind: 'addresses'; readonly service: ServiceInfo; readonly endpoints: ServiceEndpoints }
) & {
  /** The Service address the query named (a cluster IP, external IP or load-balancer IP), translated before policy applies. */
  readonly serviceAddress?: string;
};

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
 *   undefined by Kubernetes, whose docs name the most common reading: their traffic is the
 *   node's. This model treats them as never isolated and never matched by pod or namespace
 *   selectors; rules without peers match them, and ipBlocks holding an address they bind for
 *   pods (NodeLocal DNSCache's `-localip`) or every node address the input places (Node
 *   objects, `nodeCidrs`, else only a whole address family). A block that may hold them is read
 *   as not matching, and the verdict and a notice say so.
 * - Policies select pods only in their own namespace. Results do not depend on the order of
 *   documents or policies.
 */
export class NetworkModel {
  /** Reads multi-document YAML text (one string or several). */
  public static fromYaml(texts: string | readonly string[], limits?: LoadLimits & ModelOptions): NetworkModel {
    const list = typeof texts === 'string' ? [texts] : texts;
    const objects: SourcedObject[] = [];
    const notices: string[] = [];
    list.forEach((text, i) => {
      const loaded = loadYaml(text, list.length > 1 ? `<input ${i + 1}>` : '<input>', limits);
      objects.push(...loaded.objects);
      notices.push(...loaded.notices);
    });
    return new NetworkModel(objects, notices, limits);
  }

  /** Reads plain objects (e.g. parsed manifests). */
  public static fromObjects(objects: readonly unknown[], options: ModelOptions = {}): NetworkModel {
    const sourced: SourcedObject[] = [];
    const notices: string[] = [];
    for (const object of objects) collect(object, undefined, undefined, sourced, notices);
    return new NetworkModel(sourced, notices, options);
  }

  /** Reads already-sourced objects (as the CLI loads them from files). */
  public static fromSources(objects: readonly SourcedObject[], notices: readonly string[] = [], options: ModelOptions = {}): NetworkModel {
    return new NetworkModel(objects, notices, options);
  }

  /** Reads a cdk8s chart (anything with `toJson()` returning its objects). */
  public static fromChart(chart: { toJson(): unknown[] }, options: ModelOptions = {}): NetworkModel {
    return NetworkModel.fromObjects(chart.toJson(), options);
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
  /** Per workload, filled when first asked (dense arrays: a sparse one would turn into a slow dictionary). */
  private readonly ingressIpBlockRules: (IpBlockRules | undefined)[];
  private readonly egressIpBlockRules: (IpBlockRules | undefined)[];

  private constructor(objects: readonly SourcedObject[], notices: readonly string[], private readonly options: ModelOptions = {}) {
    this.compiled = new CompiledModel(objects, notices, { podCidrs: options.podCidrs, nodeCidrs: options.nodeCidrs, cni: options.cni, staged: options.staged });
    this.workloads = this.compiled.workloads;
    this.ingressIpBlockRules = new Array<IpBlockRules | undefined>(this.workloads.length).fill(undefined);
    this.egressIpBlockRules = new Array<IpBlockRules | undefined>(this.workloads.length).fill(undefined);
    this.policies = this.compiled.policies;
    this.namespaces = this.compiled.namespaces;
    this.notices = this.compiled.notices;
  }

  /** The policy kinds the model read (`NetworkPolicy`, `CiliumNetworkPolicy`, `GlobalNetworkPolicy`, ...). */
  public get policyKinds(): ReadonlySet<string> {
    return this.compiled.kinds;
  }

  /** Whether a protocol other than TCP, UDP and SCTP is judged here (ICMP and others, by Calico policies). */
  public judgesProtocol(protocol: string): boolean {
    return parseProtocol(protocol) !== undefined || (this.compiled.ordered !== undefined && readCalicoProtocol(protocol) !== undefined);
  }

  /** Answers one query, with the policies and rules that decided it. */
  public check(query: TrafficQuery): TrafficVerdict {
    const protocol = parseProtocol(String(query.protocol ?? 'TCP'));
    if (!protocol) return this.checkOtherProtocol(query);
    if (query.icmp !== undefined) throw new QueryError(`icmp is given, but the protocol is ${protocol}: ICMP type and code go with protocol ICMP or ICMPv6.`);
    this.checkSourcePort(query.sourcePort);
    if (query.port === undefined) throw new QueryError(`port is required for ${protocol}: a port number (1-65535) or a port name.`);
    if (typeof query.port === 'number' ? !Number.isInteger(query.port) || query.port < 1 || query.port > 65535 : typeof query.port !== 'string' || portNameProblem(query.port) !== undefined) {
      throw new QueryError(`port ${JSON.stringify(query.port)} is not a port number (1-65535) or a port name.`);
    }
    const from = this.resolveEndpoint(query.from, 'from');
    const target = this.resolveTarget(query.to, 'to', query.resolvesTo);
    if (target.kind === 'addresses') return this.checkAddresses(from, target.service, target.endpoints, query.port, protocol);
    const to = target.endpoint;
    let port: number;
    let via = '';
    const service = target.service ?? this.sameNamedService(to, query, target.kindQualified, protocol);
    if (target.serviceAddress !== undefined && service && !this.servicePort(service, query.port, protocol)) {
      // The address exists only as the Service: a port it does not expose leads nowhere.
      throw new QueryError(`${target.serviceAddress} is the ${this.addressField(service, target.serviceAddress)} of Service ${service.namespace}/${service.name}, which has no ${protocol} port ${typeof query.port === 'number' ? query.port : `named "${query.port}"`} (it has: ${service.ports.map((p) => `${p.protocol} ${p.port}${p.name ? ` (${p.name})` : ''}`).join(', ') || 'no ports'}), so nothing answers there.`);
    }
    if (service && to.kind === 'workload') {
      const translated = this.throughService(service, to.index, query.port, protocol, target.serviceAddress);
      if (translated) {
        port = translated.port;
        via = translated.via;
      } else {
        port = this.portOnDestination(to, query.port, protocol);
      }
    } else {
      port = this.portOnDestination(to, query.port, protocol);
    }
    if (from.kind === 'external' && to.kind === 'external') {
      throw new QueryError(`from ${query.from} and to ${query.to} are both addresses outside the cluster, where no NetworkPolicy applies. Name a workload as <namespace>/<name> on at least one end.`);
    }
    return this.verdict(from, to, port, protocol, via, { http: query.http, dns: query.dns, sourcePort: query.sourcePort });
  }

  private checkSourcePort(sourcePort: number | undefined): void {
    if (sourcePort !== undefined && (!Number.isInteger(sourcePort) || sourcePort < 1 || sourcePort > 65535)) throw new QueryError(`sourcePort ${JSON.stringify(sourcePort)} is not a port number (1-65535).`);
  }

  /** ICMP, ICMPv6, UDPLite or a protocol number: only Calico policies filter them. */
  private checkOtherProtocol(query: TrafficQuery): TrafficVerdict {
    const number = readCalicoProtocol(String(query.protocol));
    if (number === undefined || !this.compiled.ordered) {
      throw new QueryError(`protocol ${JSON.stringify(query.protocol)} is not TCP, UDP or SCTP${this.compiled.ordered ? `, nor one Calico names (${Object.keys(CALICO_PROTOCOLS).join(', ')}) or a number 1-255` : ' (NetworkPolicy knows no other; ICMP is not filtered by it; Calico policies filter ICMP and others, and none is read here: give Calico policies, or say --cni calico / cni: \'calico\')'}. Use one of those, in any case.`);
    }
    const name = protocolName(number);
    const protocol = name as QueryProtocol;
    const isIcmp = number === 1 || number === 58;
    if (query.icmp !== undefined && !isIcmp) throw new QueryError(`icmp is given, but the protocol is ${name}: ICMP type and code go with protocol ICMP or ICMPv6.`);
    for (const [field, max] of [['type', 254], ['code', 255]] as const) {
      const v = query.icmp?.[field];
      if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > max)) throw new QueryError(`icmp.${field} ${JSON.stringify(v)} is not 0-${max}.`);
    }
    if (query.icmp?.code !== undefined && query.icmp.type === undefined) throw new QueryError('icmp.code is given without icmp.type.');
    this.checkSourcePort(query.sourcePort);
    let port = 0;
    if (number === 136) {
      if (typeof query.port !== 'number' || !Number.isInteger(query.port) || query.port < 1 || query.port > 65535) throw new QueryError(`port ${JSON.stringify(query.port)} is not a port number (1-65535); UDPLite has ports.`);
      port = query.port;
    } else if (query.port !== undefined) {
      throw new QueryError(`port ${JSON.stringify(query.port)} is given, but ${name} has no ports. Leave port out.`);
    }
    const from = this.resolveEndpoint(query.from, 'from');
    const target = this.resolveTarget(query.to, 'to', query.resolvesTo);
    if (target.kind === 'addresses') throw new QueryError(`${query.to} is a Service without a selector; ask about one of its addresses for ${name}.`);
    const to = target.endpoint;
    if (from.kind === 'external' && to.kind === 'external') throw new QueryError(`from ${query.from} and to ${query.to} are both addresses outside the cluster. Name a workload on at least one end.`);
    const packet: Packet = { protocol: number, ...(port ? { port } : {}), ...(query.sourcePort !== undefined ? { sourcePort: query.sourcePort } : {}), ...(query.icmp ? { icmp: query.icmp } : {}) };
    const egress = this.orderedSide(from, to, 'egress', packet);
    const ingress = this.orderedSide(to, from, 'ingress', packet);
    const verdict: { -readonly [K in keyof TrafficVerdict]: TrafficVerdict[K] } = { allowed: egress.allowed && ingress.allowed, from: this.label(from), to: this.label(to), port, protocol, egress, ingress, why: '' };
    if (query.icmp) verdict.icmp = query.icmp;
    if (query.sourcePort !== undefined) verdict.sourcePort = query.sourcePort;
    verdict.why = this.explain(verdict, from, to, '');
    return verdict;
  }

  /**
   * One side on Calico: the Admin tier (network-policy-api) first, then the ordered tiers; what
   * they leave undecided goes to the Baseline tier, then the profile, which allows.
   */
  private orderedSide(self: Endpoint, other: Endpoint, direction: 'ingress' | 'egress', packet: Packet): SideVerdict {
    if (self.kind === 'external') return { applies: false, isolated: false, isolatedBy: [], allowed: true, allowedBy: [] };
    const ordered = this.compiled.ordered!.decide(direction, self.index, other, packet);
    const protocol = portSetProtocol(packet.protocol);
    const tiers = protocol && packet.port !== undefined ? this.compiled.tiers?.decide(direction, self.index, other, protocol, packet.port, ordered.decidedBy !== undefined) : undefined;
    const isolatedBy = ordered.policies;
    const dependsOn = tiers?.dependsOn ?? ordered.dependsOn;
    const base: { -readonly [K in keyof SideVerdict]: SideVerdict[K] } = { applies: true, isolated: ordered.decidedBy !== undefined, isolatedBy, allowed: true, allowedBy: [], ordered };
    if (dependsOn !== undefined) base.dependsOn = dependsOn;
    if (tiers?.admin && tiers.admin.action !== 'Pass') return { ...base, allowed: tiers.admin.action === 'Accept', decidedBy: tiers.admin };
    if (tiers?.admin) base.passedBy = tiers.admin;
    const decided = ordered.decidedBy;
    if (decided) {
      base.allowed = decided.action === 'Allow';
      if (decided.action === 'Allow') base.allowedBy = [{ policy: decided.policy, rule: Number(/\[(\d+)\]/.exec(decided.rule)?.[1] ?? 0) }];
      return base;
    }
    if (tiers?.baseline) return { ...base, allowed: tiers.baseline.action !== 'Deny', decidedBy: tiers.baseline };
    return base;
  }

  private verdict(from: Endpoint, to: Endpoint, port: number, protocol: PolicyProtocol, via: string, request: L7Request = {}): TrafficVerdict {
    const egress = this.side(from, to, 'egress', protocol, port, request);
    const ingress = this.side(to, from, 'ingress', protocol, port, request);
    const allowed = egress.allowed && ingress.allowed;
    const some = allowed && (egress.someRequestsOnly !== undefined || ingress.someRequestsOnly !== undefined);
    const verdict: Omit<TrafficVerdict, 'why'> = some
      ? { allowed, from: this.label(from), to: this.label(to), port, protocol, egress, ingress, someRequestsOnly: true }
      : { allowed, from: this.label(from), to: this.label(to), port, protocol, egress, ingress };
    if (request.sourcePort !== undefined) (verdict as { sourcePort?: number }).sourcePort = request.sourcePort;
    // Calico's application layer rules are not modelled (a notice says so): there, say nothing of the request.
    (verdict as { why?: string }).why = this.explain(verdict, from, to, via) + entityNote(from, to) + (this.compiled.ordered ? '' : unreadRequestNote(verdict, request));
    return verdict as TrafficVerdict;
  }

  /**
   * Layer 7 (Cilium, layer7.rst): when every rule that allows the port carries HTTP rules, a
   * request is allowed if one of them matches (method, path and host as anchored extended
   * regexes, headers present); without a request the side is allowed "for some requests".
   * Toward a host allowed only by toFQDNs, the address is learned only through the DNS proxy
   * (layer3.rst "DNS based"): some egress rule must let the pod look the name up (port 53 with
   * a dns rule matching it), or the connection never happens.
   */
  private layer7(base: SideVerdict, allowing: readonly CompiledRule[], direction: 'ingress' | 'egress', self: number, other: Endpoint, destination: Endpoint, protocol: PolicyProtocol, port: number, l7Request: L7Request): SideVerdict {
    if (direction === 'egress' && other.kind === 'external' && other.host) {
      const byName = allowing.every(onlyByName);
      if (byName && !this.compiled.dnsLookupAllowed(self, other.host.name)) {
        return { ...base, allowed: false, allowedBy: [], dependsOn: `the DNS proxy: ${base.allowedBy.map((r) => `${r.policy} ${direction}[${r.rule}]`).join(', ')} allow${base.allowedBy.length === 1 ? 's' : ''} ${other.host.name} by name (toFQDNs), but no egress rule of ${this.workloads[self].ref} lets it look the name up (port 53 with a dns rule matching it), so its address is never learned and the connection is dropped` };
      }
    }
    // Most rules carry no layer 7 part: then the ports alone decided.
    if (!allowing.some(hasL7)) return base;
    const l7Of = (compiled: CompiledRule) => {
      const specs = (compiled.rule.ports ?? []).filter((spec) => portsOf({ ...compiled.rule, ports: [spec] }, destination.kind === 'workload' ? this.workloads[destination.index] : undefined).has(protocol, port));
      // A port spec without L7 rules admits every request (layer7.rst).
      return specs.length === 0 || specs.some((spec) => !spec.l7?.http && !spec.l7?.dns) ? undefined : specs;
    };
    const rules = allowing.map(l7Of);
    if (rules.some((r) => r === undefined)) return base;
    const specs = rules.flatMap((r) => r!);
    const dns = specs.flatMap((spec) => spec.l7?.dns ?? []);
    if (dns.length > 0 && specs.every((spec) => !spec.l7?.http)) return this.dnsLayer(base, dns, protocol, port, l7Request.dns);
    const http = specs.flatMap((spec) => spec.l7?.http ?? []);
    const request = l7Request.http;
    const describe = (h: HttpRule) => [h.method ? `method ${h.method}` : '', h.path ? `path ${h.path}` : '', h.host ? `host ${h.host}` : '', ...(h.headers ?? []).map((x) => `header ${x}`)].filter(Boolean).join(' ') || 'any request';
    if (!request) return { ...base, someRequestsOnly: http.map(describe) };
    const match = (pattern: string | undefined, value: string | undefined) => pattern === undefined || (value !== undefined && new RegExp(`^(?:${pattern})$`).test(value));
    const matched = http.find((h) => match(h.method, request.method) && match(h.path, request.path) && match(h.host, request.host)
      && (h.headers ?? []).every((needed) => (request.headers ?? []).some((sent) => sent.toLowerCase() === needed.toLowerCase() || sent.toLowerCase().startsWith(`${needed.toLowerCase()}:`))));
    if (matched) return { ...base, someRequestsOnly: undefined, matchedL7: `${request.method} ${request.path} matches the HTTP rule ${describe(matched)}` };
    return { ...base, allowed: false, allowedBy: [], dependsOn: `layer 7: ${request.method} ${request.path} matches none of the HTTP rules on ${protocol} ${port} (${http.map(describe).join('; ')}); Cilium answers it with 403` };
  }

  /**
   * DNS rules (layer7.rst "DNS Policy and IP Discovery"): the DNS proxy answers lookups of the
   * names the rules match and refuses the others; `matchPattern: "*"` is every name.
   */
  private dnsLayer(base: SideVerdict, dns: NonNullable<L7Rules['dns']>, protocol: PolicyProtocol, port: number, name: string | undefined): SideVerdict {
    const describe = (d: { text: string; pattern: boolean }) => `${d.pattern ? 'matchPattern' : 'matchName'} ${d.text}`;
    if (name === undefined) {
      return dns.some((d) => d.pattern && d.text === '*') ? base : { ...base, someRequestsOnly: dns.map((d) => `DNS lookups of ${describe(d)}`) };
    }
    const matched = dns.find((d) => fqdnMatches(d.text, d.pattern, name));
    if (matched) return { ...base, matchedL7: `the lookup of ${name} matches the DNS rule ${describe(matched)}` };
    return { ...base, allowed: false, allowedBy: [], dependsOn: `layer 7: the lookup of ${name} matches none of the DNS rules on ${protocol} ${port} (${dns.map(describe).join('; ')}); Cilium's DNS proxy refuses it` };
  }

  /** A host named without its addresses, where an address rule on the port could hold them. */
  private unresolvedHost(direction: 'ingress' | 'egress', self: number, other: Endpoint, destination: Endpoint, protocol: PolicyProtocol, port: number): string | undefined {
    if (other.kind !== 'external' || !other.host || other.host.ips.length > 0) return undefined;
    for (const compiled of (direction === 'ingress' ? this.compiled.ingressRules : this.compiled.egressRules)[self]) {
      const blocks = (compiled.rule.peers ?? []).filter((p) => p.kind === 'ipBlock' || p.kind === 'cidr');
      if (blocks.length === 0 || !this.compiled.ruleAllowsPort(compiled, destination, protocol, port)) continue;
      return `the addresses ${other.host.name} resolves to: ${this.compiled.unionSets[compiled.policy].ref} ${direction}[${compiled.rule.index}] allows addresses (${blocks.map((b) => ('text' in b ? b.text : '')).join(', ')}), and the query gives none; read as not held (give resolvesTo, or --resolves-to)`;
    }
    return undefined;
  }

  /**
   * A selector-less Service is its EndpointSlices' addresses: the traffic is allowed only when
   * it is allowed to every one of them (a client cannot choose which one it gets).
   */
  private checkAddresses(from: Endpoint, service: ServiceInfo, endpoints: ServiceEndpoints, asked: number | string, protocol: PolicyProtocol): TrafficVerdict {
    const ref = `${service.namespace}/${service.name}`;
    if (from.kind === 'external') throw new QueryError(`Service ${ref} has no selector: its endpoints are addresses outside the cluster, and so is ${this.label(from)}. Name a workload on at least one end.`);
    const servicePort = service.ports.find((p) => p.protocol === protocol && (typeof asked === 'number' ? p.port === asked : p.name === asked));
    let port: number;
    if (servicePort) {
      // Without a selector, a Service port leads to the EndpointSlice port of the same name.
      const endpointPort = endpoints.ports.find((p) => p.protocol === protocol && (p.name ?? '') === (servicePort.name ?? ''));
      if (!endpointPort) throw new QueryError(`Service ${ref} port ${servicePort.port}${servicePort.name ? ` (${servicePort.name})` : ''} has no EndpointSlice port of the same name, so traffic to it goes nowhere.`);
      port = endpointPort.port;
    } else if (typeof asked === 'number') {
      port = asked;
    } else {
      const names = service.ports.flatMap((p) => (p.name ? [p.name] : []));
      throw new QueryError(`Service ${ref} has no ${protocol} port named "${asked}" (it has: ${names.join(', ') || 'no named ports'}).`);
    }
    const verdicts = endpoints.addresses.map((address) => this.verdict(from, this.external(address), port, protocol, ''));
    const allowed = verdicts.every((v) => v.allowed);
    const decisive = verdicts.find((v) => !v.allowed) ?? verdicts[0];
    const head = `${allowed ? 'ALLOWED' : 'DENIED'}: ${this.label(from)} -> Service ${ref} (no selector; its EndpointSlices hold ${endpoints.addresses.join(', ')}) on ${protocol} ${port}${allowed ? '' : `: denied to ${verdicts.filter((v) => !v.allowed).map((v) => v.to).join(', ')}`}.`;
    return { ...decisive, allowed, why: [head, ...verdicts.map((v) => v.why)].join('\n') };
  }

  /** A Service of the destination's name that selects it, when the query leaves translation on. */
  private sameNamedService(to: Endpoint, query: TrafficQuery, kindQualified: boolean, protocol: PolicyProtocol): ServiceInfo | undefined {
    if (to.kind !== 'workload' || kindQualified || query.serviceTranslation === false || typeof query.port !== 'number') return undefined;
    const workload = this.workloads[to.index];
    const service = this.compiled.services.get(`${workload.namespace}/${workload.name}`);
    if (!service || Object.keys(service.selector).length === 0) return undefined;
    if (workload.ports.some((p) => p.number === query.port && p.protocol === protocol)) return undefined; // container ports win
    return labelsSelectWorkload(service.selector, workload) ? service : undefined;
  }

  /** A Service's port by number or name, for one protocol. */
  private servicePort(service: ServiceInfo, asked: number | string, protocol: PolicyProtocol): ServiceInfo['ports'][number] | undefined {
    return service.ports.find((p) => p.protocol === protocol && (typeof asked === 'number' ? p.port === asked : p.name === asked));
  }

  /** `cluster IP`, `external IP` or `load-balancer IP`: what a Service address is. */
  private addressField(service: ServiceInfo, address: string): string {
    return SERVICE_ADDRESS_WORDS[service.addresses.find((a) => a.ip === address)?.field ?? 'clusterIP'];
  }

  /** A Service port (by number or name) translated to the container port behind it, if it is one. */
  private throughService(service: ServiceInfo, index: number, asked: number | string, protocol: PolicyProtocol, address?: string): { port: number; via: string } | undefined {
    const servicePort = this.servicePort(service, asked, protocol);
    if (!servicePort) return undefined;
    const workload = this.workloads[index];
    const targetPort = servicePort.targetPort;
    const resolved = typeof targetPort === 'number' ? targetPort : workload.ports.find((p) => p.name === targetPort && p.protocol === protocol)?.number;
    if (resolved === undefined) {
      throw new QueryError(`Service ${service.namespace}/${service.name} port ${servicePort.port} targets port "${String(targetPort)}", which ${workload.ref} does not declare, so traffic to it goes nowhere.`);
    }
    const at = address !== undefined ? ` at its ${this.addressField(service, address)} ${address}, which kube-proxy translates to a pod before any policy sees it` : '';
    return { port: resolved, via: ` (through Service ${service.namespace}/${service.name} port ${servicePort.port}${at}, container port ${resolved})` };
  }

  /** The port number on the destination: a number as given, a name resolved on its containers. */
  private portOnDestination(to: Endpoint, asked: number | string, protocol: PolicyProtocol): number {
    if (typeof asked === 'number') return asked;
    if (to.kind !== 'workload') throw new QueryError(`port "${asked}" is a name, and ${this.label(to)} is an address outside the cluster, where no name resolves. Give the port number.`);
    const workload = this.workloads[to.index];
    const found = workload.ports.find((p) => p.name === asked && p.protocol === protocol);
    if (found) return found.number;
    const names = workload.ports.filter((p) => p.name !== undefined && p.protocol === protocol).map((p) => p.name!);
    const close = closestMatches(asked, names, 2);
    throw new QueryError(`${workload.ref} declares no ${protocol} port named "${asked}" (it declares: ${names.join(', ') || 'no named ports'}).${close.length > 0 ? ` Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : ''}`);
  }

  /** What may flow between every ordered pair of workloads and the external endpoints. */
  public matrix(options: MatrixOptions = {}): Matrix {
    // A Service's own address is not outside the cluster: its traffic is its pods' (a notice says
    // which policies name one), so it is no column of its own.
    const addresses = options.externalEndpoints ?? [...new Set([INTERNET_STAND_IN, ...this.compiled.hostAddresses().filter((a) => !this.compiled.serviceAt(a))])];
    const externals = addresses.map((text): Endpoint => {
      const ip = parseIp(text);
      if (!ip) throw new UnknownEndpointError(`external endpoint "${text}" is not an IP address.`);
      const service = this.compiled.serviceAt(formatIp(ip));
      if (service) throw new UnknownEndpointError(`external endpoint "${text}" is the ${this.addressField(service, formatIp(ip))} of Service ${service.namespace}/${service.name}, not an address outside the cluster: its traffic is that of the Service's pods, which are in the matrix.`);
      return { kind: 'external', ip, text: formatIp(ip) };
    });
    // Hosts that policies name (Cilium toFQDNs matchName) are outside endpoints too, as destinations.
    const hosts = options.hosts ?? (options.externalEndpoints === undefined ? this.namedHosts() : []);
    const hostEndpoints = hosts.map((name): Endpoint => ({ kind: 'external', ip: { family: 4, value: 0n }, text: name, host: { name, ips: [] } }));
    const all = [...externals, ...hostEndpoints];
    const outside = new Map(all.map((e, k) => [(e as { text: string }).text, this.workloads.length + k]));
    const known = (refs: readonly string[], role: string) => refs.map((ref) => {
      const index = this.compiled.byRef.get(ref) ?? outside.get(ref);
      if (index === undefined) throw new UnknownEndpointError(`matrix touching.${role}: "${ref}" is neither a workload of the input (<namespace>/<name>) nor one of the matrix's outside endpoints (${[...outside.keys()].join(', ') || 'none'}).`);
      return index;
    });
    const scope = options.touching && { rows: [...new Set(known(options.touching.sources, 'sources'))].sort((a, b) => a - b), columns: new Set(known(options.touching.destinations, 'destinations')) };
    const matrix = computeMatrix(this.compiled, all, scope, options.lazyCells ?? false);
    if (hosts.length === 0) {
      const compact = compactCellsOf(matrix);
      // Keep the cells as numbers until read (a large matrix written as JSON never makes them objects).
      if (compact && options.externalEndpoints === undefined) return withCompactCells({ endpoints: matrix.endpoints }, compact, { internet: INTERNET_STAND_IN });
      return options.externalEndpoints === undefined ? { ...matrix, internet: INTERNET_STAND_IN } : matrix;
    }
    const sources = new Set(hosts);
    const cells = matrix.cells.filter((c) => !sources.has(c.from));
    return options.externalEndpoints === undefined ? { ...matrix, cells, internet: INTERNET_STAND_IN } : matrix;
  }

  /** Host names the rule sets allow by exact name (Cilium toFQDNs matchName), sorted. */
  private namedHosts(): string[] {
    const found = new Set<string>();
    for (const set of this.compiled.unionSets) {
      for (const rule of set.egress) for (const peer of rule.peers ?? []) if (peer.kind === 'fqdn' && !peer.pattern) found.add(peer.text);
    }
    return [...found].sort();
  }

  /**
   * The public paths that Ingresses and HTTPRoutes open: internet -> ingress controller (or
   * Gateway proxies) -> backend, each hop answered as {@link check} answers it. A hop whose
   * edge is not in the input is explained (`clusterFixtures()` adds a stand-in controller).
   */
  public publicPaths(): PublicPath[] {
    return publicPaths(this.compiled.objects, this);
  }

  /** The workloads (`<namespace>/<name>`) a Service selects; `[]` when the input lacks it or it selects none. */
  public serviceBackends(namespace: string, name: string): string[] {
    const service = this.compiled.services.get(`${namespace}/${name}`);
    if (!service || Object.keys(service.selector).length === 0) return [];
    return this.workloads.filter((w) => w.namespace === namespace && labelsSelectWorkload(service.selector, w)).map((w) => w.ref);
  }

  /**
   * What each workload is open to beyond the input: the internet (LoadBalancer and NodePort
   * Services, Ingress and HTTPRoute paths, host ports), every namespace or namespaces created
   * later, and its egress to the internet.
   */
  public exposure(): WorkloadExposure[] {
    return exposureOf(this.compiled, this, INTERNET_STAND_IN);
  }

  /**
   * The ports one side alone admits, whatever the other side says: what `self`'s ingress
   * admits from `other`, or what its egress admits toward `other` (every port when `self` is
   * not isolated that way). Cluster policy tiers are applied. The review uses it to find
   * latent widening: rules that admit more while the other side still blocks.
   */
  public sidePorts(direction: 'ingress' | 'egress', self: string, other: string): PortSet {
    const index = this.compiled.byRef.get(self);
    if (index === undefined) throw new UnknownEndpointError(`unknown workload "${self}".`);
    const peer = parseIp(other) ? this.external(other) : this.resolveEndpoint(other, direction === 'ingress' ? 'from' : 'to');
    return this.compiled.effectiveSidePorts(direction, index, peer);
  }

  /**
   * What one side's verdicts depend on besides its peers' labels: the policies that isolate
   * the workload that way (with their specs) and the cluster policies. Equal signatures in two
   * revisions mean that side's rules did not change.
   */
  public sideSignature(direction: 'ingress' | 'egress', ref: string): string {
    const index = this.compiled.byRef.get(ref);
    if (index === undefined) return '';
    const isolating = (direction === 'ingress' ? this.compiled.ingressIsolation : this.compiled.egressIsolation)[index];
    const specs = isolating.map((i) => `${this.compiled.unionSets[i].ref}=${JSON.stringify(this.compiled.unionSets[i].source?.object.spec ?? null)}`).sort();
    // On Calico, the Calico policies applying to it (with every tier definition) are part of its side.
    const calico = this.compiled.calico ? [
      ...this.compiled.ordered!.tiersOf(direction, index).flatMap((t) => t.policies.map((p) => `${p.ref}=${JSON.stringify(this.compiled.calico!.policies.find((c) => c.ref === p.ref)?.source?.object.spec ?? null)}`)),
      JSON.stringify(this.compiled.calico.tiers),
    ] : [];
    return [...specs, ...calico, ...this.compiled.tierPolicies.map((p) => JSON.stringify(p, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)))].join('\n');
  }

  private readonly matchSets = new Map<string, (Bitset | null)[]>();

  /**
   * A key for what one side's answers about `other` depend on: equal keys for the same
   * `self` and direction mean equal verdicts for that side on every port (the same rules hold
   * `other`, and it declares the same ports). The review caches explanations by it.
   */
  public sideClass(direction: 'ingress' | 'egress', self: string, other: string): string {
    const index = this.compiled.byRef.get(self);
    const peer = this.compiled.byRef.get(other);
    if (index === undefined || peer === undefined) return `endpoint ${other}`;
    const key = `${direction} ${index}`;
    let sets = this.matchSets.get(key);
    if (!sets) { sets = this.compiled.sideMatchSets(direction, index); this.matchSets.set(key, sets); }
    const signature = this.compiled.portSignatures[peer];
    let mask = '';
    for (const set of sets) mask += set === null || set.has(peer) ? '1' : '0';
    return `${signature}:${mask}`;
  }

  private fingerprintsMade?: DiffFingerprints;

  /**
   * What this revision's cells are made of, in parts a review compares with another
   * revision's, so that it looks only at cells a change can reach: per workload, what other
   * sides' rules see of it (its {@link WorkloadInfo} and namespace labels) and the rule sets
   * that apply to each of its sides (NetworkPolicies and Cilium policies, as read); and
   * everything else the model reads (every other object, the options, which plugin's objects
   * are present). Equal parts mean equal answers.
   */
  public diffFingerprints(): DiffFingerprints {
    if (this.fingerprintsMade) return this.fingerprintsMade;
    const json = (value: unknown) => JSON.stringify(value, (key, v: unknown) => (key === 'source' ? undefined : typeof v === 'bigint' ? v.toString() : v));
    const peers = new Map<string, string>();
    for (const w of this.workloads) peers.set(w.ref, json([w, this.namespaces.get(w.namespace) ?? null]));
    const unionTexts = this.compiled.unionSets.map((p) => `${p.ref}=${json(p)}`);
    const denyTexts = this.compiled.denySets.map((p) => `deny ${p.ref}=${json(p)}`);
    const side = (isolation: readonly (readonly number[])[], rules: readonly (readonly { policy: number }[])[], deny: readonly (readonly { policy: number }[])[]) => {
      const found = new Map<string, string>();
      this.workloads.forEach((w, i) => {
        const union = new Set<number>([...isolation[i], ...rules[i].map((r) => r.policy)]);
        const denied = new Set<number>((deny[i] ?? []).map((r) => r.policy));
        found.set(w.ref, [...[...union].map((k) => unionTexts[k]).sort(), ...[...denied].map((k) => denyTexts[k]).sort(), `isolated by ${isolation[i].length}`].join('\n'));
      });
      return found;
    };
    const global: string[] = [];
    let ciliumPresent = false;
    for (const { object } of this.compiled.objects) {
      const o = object as { apiVersion?: unknown; kind?: unknown };
      if (typeof o.apiVersion === 'string' && o.apiVersion.startsWith('cilium.io/')) ciliumPresent = true;
      if (capturedPerWorkload(o.apiVersion, o.kind)) continue;
      global.push(json(object));
    }
    global.sort();
    // Which plugin's objects are present decides how the input is read when no plugin is named.
    global.push(json({ options: this.options, ciliumPresent }));
    this.fingerprintsMade = {
      global: global.join('\n'),
      peers,
      sides: {
        ingress: side(this.compiled.ingressIsolation, this.compiled.ingressRules, this.compiled.ingressDenyRules),
        egress: side(this.compiled.egressIsolation, this.compiled.egressRules, this.compiled.egressDenyRules),
      },
    };
    return this.fingerprintsMade;
  }

  /** The ways in this revision declares, whatever the policies say: NodePorts, LoadBalancers, externalIPs, host ports, routes. */
  public surface(): SurfaceItem[] {
    return surfaceOf(this.compiled.objects);
  }

  /** What changes from `before` to `after`: connections opened, closed or changed, and why. */
  public static diff(before: NetworkModel, after: NetworkModel): NetworkDiff {
    return diffModels(before, after);
  }

  /** The workload for a reference, or undefined. */
  public workload(ref: string): WorkloadInfo | undefined {
    const index = this.compiled.byRef.get(ref);
    return index === undefined ? undefined : this.workloads[index];
  }

  private external(text: string): Endpoint {
    const ip = parseIp(text)!;
    return { kind: 'external', ip, text: formatIp(ip) };
  }

  /** A source (or destination) that must be one endpoint. */
  private resolveEndpoint(ref: string, role: string): Endpoint {
    const target = this.resolveTarget(ref, role);
    if (target.serviceAddress !== undefined) {
      throw new QueryError(`${role} ${ref} is the ${this.addressField(target.service!, target.serviceAddress)} of Service ${target.service!.namespace}/${target.service!.name}, which only receives connections (kube-proxy translates it to a pod); name the client that connects.`);
    }
    if (target.kind === 'addresses') {
      throw new QueryError(`${role} ${ref} is a Service without a selector (addresses outside the cluster); it can only be a destination.`);
    }
    return target.endpoint;
  }

  private resolveTarget(ref: string, role = 'to', resolvesTo: readonly string[] = []): Target {
    for (const text of resolvesTo) if (!parseIp(text)) throw new QueryError(`resolvesTo "${text}" is not an IP address.`);
    const target = this.resolveTargetRef(ref, role, resolvesTo);
    // Addresses given for a target that is not a host name would be passed over without a word.
    if (resolvesTo.length > 0 && !(target.kind === 'endpoint' && target.endpoint.kind === 'external' && target.endpoint.host)) {
      throw new QueryError(`resolvesTo is read only when ${role} is a host name such as api.stripe.com; "${ref}" is not one. Leave resolvesTo (--resolves-to) out.`);
    }
    return target;
  }

  private resolveTargetRef(ref: string, role: string, resolvesTo: readonly string[]): Target {
    const ip = parseIp(ref);
    if (ip) {
      // A Service's own address (cluster, external or load-balancer IP) is translated to one of its pods before policy applies.
      const service = this.compiled.serviceAt(formatIp(ip));
      if (service) return { ...this.serviceTarget(service, `${service.namespace}/${service.name}`), serviceAddress: formatIp(ip) };
      return { kind: 'endpoint', endpoint: { kind: 'external', ip, text: formatIp(ip) }, kindQualified: false };
    }
    if (ref.startsWith('entity:')) {
      // The world entity is any address outside the cluster: the matrix's internet stand-in.
      if (ref === 'entity:world') return this.resolveTarget(INTERNET_STAND_IN, role);
      const entity = ref.slice('entity:'.length);
      if (!QUERY_ENTITIES.includes(entity)) {
        throw new UnknownEndpointError(`${role} "${ref}": the entities a query can name are world, ${QUERY_ENTITIES.join(', ')} (cluster and all are groups: ask about one member).`);
      }
      return { kind: 'endpoint', endpoint: { kind: 'external', ip: parseIp('0.0.0.0')!, text: ref, entity }, kindQualified: false };
    }
    if (ref.startsWith('service:')) {
      const service = this.findService(ref.slice('service:'.length), role);
      if (!service) throw new UnknownEndpointError(`unknown ${role} "${ref}": no Service by that name.`);
      return this.serviceTarget(service, `${service.namespace}/${service.name}`);
    }
    const parts = ref.split('/');
    // Kinds are matched in any case: shop/StatefulSet/db and shop/statefulset/db are one workload.
    const normalized = parts.length === 3 ? `${parts[0]}/${parts[1].toLowerCase()}/${parts[2]}` : ref;
    const exact = this.compiled.byRef.get(normalized);
    if (exact !== undefined) return { kind: 'endpoint', endpoint: { kind: 'workload', index: exact }, kindQualified: parts.length === 3 };
    const candidates = this.compiled.ambiguous.get(ref);
    if (candidates) throw new UnknownEndpointError(`${role} "${ref}" names several workloads: ${candidates.join(', ')}. Name one of them with its kind.`);
    const byName = parts.length === 1 ? this.compiled.byName.get(ref) : undefined;
    if (byName?.length === 1) return { kind: 'endpoint', endpoint: { kind: 'workload', index: byName[0] }, kindQualified: false };
    if (byName && byName.length > 1) {
      throw new UnknownEndpointError(`${role} "${ref}" names several workloads: ${byName.map((i) => this.workloads[i].ref).join(', ')}. Give the namespace (and the kind when they share one).`);
    }
    // No workload by that name: a Service by that name (with its namespace, or alone when
    // unique) leads to the workload it selects, or to its EndpointSlices' addresses.
    const service = this.findService(ref, role);
    if (service) return this.serviceTarget(service, `${service.namespace}/${service.name}`);
    // A host outside the cluster by DNS name (api.stripe.com), with the addresses it resolves to.
    if (!ref.includes('/') && ref.includes('.') && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\.?$/i.test(ref)) {
      const ips = resolvesTo.map((text) => {
        const parsed = parseIp(text);
        if (!parsed) throw new QueryError(`resolvesTo "${text}" is not an IP address.`);
        return parsed;
      });
      const name = ref.toLowerCase().replace(/\.$/, '');
      return { kind: 'endpoint', endpoint: { kind: 'external', ip: ips[0] ?? { family: 4, value: 0n }, text: name, host: { name, ips } }, kindQualified: false };
    }
    const refs = this.workloads.map((w) => w.ref);
    const close = closestMatches(ref, refs, 3);
    const hint = close.length > 0 ? ` Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : refs.length === 0 ? ' The input has no workloads.' : '';
    throw new UnknownEndpointError(`unknown ${role} "${ref}": no workload <namespace>/<name>, Service or IP address by that name.${hint}`);
  }

  private findService(ref: string, role: string): ServiceInfo | undefined {
    const direct = this.compiled.services.get(ref);
    if (direct || ref.includes('/')) return direct;
    const named = [...this.compiled.services.values()].filter((s) => s.name === ref);
    if (named.length > 1) throw new UnknownEndpointError(`${role} "${ref}" names Services in several namespaces: ${named.map((s) => `${s.namespace}/${s.name}`).sort().join(', ')}. Give the namespace.`);
    return named[0];
  }

  private serviceTarget(service: ServiceInfo, ref: string): Target {
    if (Object.keys(service.selector).length === 0) {
      const endpoints = this.compiled.endpoints.get(ref);
      if (!endpoints || endpoints.addresses.length === 0) {
        throw new UnknownEndpointError(`Service ${ref} has no selector and the input holds no EndpointSlice (labelled kubernetes.io/service-name: ${service.name}) with ready addresses for it, so nothing answers behind it.`);
      }
      return { kind: 'addresses', service, endpoints };
    }
    const selected = this.workloads.flatMap((w, i) => (w.namespace === service.namespace && labelsSelectWorkload(service.selector, w) ? [i] : []));
    if (selected.length === 1) return { kind: 'endpoint', endpoint: { kind: 'workload', index: selected[0] }, service, kindQualified: false };
    throw new UnknownEndpointError(selected.length === 0
      ? `Service ${ref} selects no workload in the input, so nothing answers behind it.`
      : `Service ${ref} selects several workloads (${selected.map((i) => this.workloads[i].ref).join(', ')}); name one of them.`);
  }

  private label(endpoint: Endpoint): string {
    return this.compiled.label(endpoint);
  }

  private side(self: Endpoint, other: Endpoint, direction: 'ingress' | 'egress', protocol: PolicyProtocol, port: number, request: L7Request = {}): SideVerdict {
    if (self.kind === 'external') return { applies: false, isolated: false, isolatedBy: [], allowed: true, allowedBy: [] };
    if (this.compiled.ordered) return this.orderedSide(self, other, direction, request.sourcePort === undefined ? { protocol: PROTOCOL_NUMBERS[protocol], port } : { protocol: PROTOCOL_NUMBERS[protocol], port, sourcePort: request.sourcePort });
    const isolatedBy = (direction === 'ingress' ? this.compiled.ingressIsolation : this.compiled.egressIsolation)[self.index].map((i) => this.compiled.unionSets[i].ref);
    const tiers = this.compiled.tiers?.decide(direction, self.index, other, protocol, port, isolatedBy.length > 0);
    const tierDepends = tiers?.dependsOn ? { dependsOn: tiers.dependsOn } : NOTHING;
    // The Admin tier decides before any NetworkPolicy (Accept and Deny are final; Pass goes on).
    if (tiers?.admin && tiers.admin.action !== 'Pass') {
      return { applies: true, isolated: isolatedBy.length > 0, isolatedBy, allowed: tiers.admin.action === 'Accept', allowedBy: [], decidedBy: tiers.admin, ...tierDepends };
    }
    const passedBy = tiers?.admin ? { passedBy: tiers.admin } : NOTHING;
    // The Deny tier (Cilium deny rules) wins over every allow, isolated or not (deny.rst).
    const destinationOfSide = direction === 'ingress' ? self : other;
    const denyRules = this.compiled.hasDenyTier ? (direction === 'ingress' ? this.compiled.ingressDenyRules : this.compiled.egressDenyRules)[self.index] : undefined;
    for (const compiled of denyRules ?? NO_RULES) {
      if (!this.compiled.ruleMatchesPeer(compiled, other) || !this.compiled.ruleAllowsPort(compiled, destinationOfSide, protocol, port)) continue;
      const deniedBy = { policy: this.compiled.denySets[compiled.policy].ref, rule: compiled.rule.index, list: compiled.rule.list ?? direction };
      return { applies: true, isolated: isolatedBy.length > 0, isolatedBy, allowed: false, allowedBy: [], deniedBy, ...passedBy };
    }
    if (isolatedBy.length === 0) {
      // Only traffic no NetworkPolicy decided reaches the Baseline tier.
      if (tiers?.baseline) return { applies: true, isolated: false, isolatedBy, allowed: tiers.baseline.action !== 'Deny', allowedBy: [], decidedBy: tiers.baseline, ...passedBy, ...tierDepends };
      return { applies: true, isolated: false, isolatedBy, allowed: true, allowedBy: [], ...passedBy, ...tierDepends };
    }
    const destination = direction === 'ingress' ? self : other;
    const allowedBy: AllowingRule[] = [];
    const allowing: CompiledRule[] = [];
    for (const compiled of (direction === 'ingress' ? this.compiled.ingressRules : this.compiled.egressRules)[self.index]) {
      if (!this.compiled.ruleMatchesPeer(compiled, other)) continue;
      if (this.compiled.ruleAllowsPort(compiled, destination, protocol, port)) {
        allowedBy.push({ policy: this.compiled.unionSets[compiled.policy].ref, rule: compiled.rule.index });
        allowing.push(compiled);
      }
    }
    const ipBlockDepends = allowedBy.length === 0 ? this.ipBlockHoldingPod(direction, self.index, other, destination, protocol, port) ?? this.unresolvedHost(direction, self.index, other, destination, protocol, port) : undefined;
    // Optional fields set only when present (no spreads: every check builds two of these).
    const base: { -readonly [K in keyof SideVerdict]: SideVerdict[K] } = { applies: true, isolated: true, isolatedBy, allowed: allowedBy.length > 0, allowedBy };
    if (tiers?.admin) base.passedBy = tiers.admin;
    const dependsOn = ipBlockDepends ?? tiers?.dependsOn;
    if (dependsOn !== undefined) base.dependsOn = dependsOn;
    if (allowing.length === 0) return base;
    return this.layer7(base, allowing, direction, self.index, other, destination, protocol, port, request);
  }

  /**
   * An ipBlock rule whose block holds (or may hold) a pod's address: whether it matches that
   * pod's traffic is the network plugin's choice. The NetworkPolicy docs ("Behavior of to and
   * from selectors") mean ipBlock for cluster-external addresses, since pod IPs are ephemeral;
   * netkit answers as if it does not match, and says so here. A host-network pod's traffic is its
   * node's: the model matches blocks that hold every address it may use, and a block that may
   * hold some is said here.
   */
  private ipBlockHoldingPod(direction: 'ingress' | 'egress', self: number, other: Endpoint, destination: Endpoint, protocol: PolicyProtocol, port: number): string | undefined {
    if (other.kind !== 'workload') return undefined;
    const hostNetwork = this.workloads[other.index].hostNetwork;
    const rules = this.ipBlockRules(direction, self);
    for (let i = 0; i < rules.length; i++) {
      const compiled = rules[i][0];
      if (!this.compiled.ruleAllowsPort(compiled, destination, protocol, port)) continue;
      const blocks = rules[i][1];
      const coverage = this.compiled.addresses.coverage(other.index, blocks.map((b) => ({ range: b.cidr, except: b.except })));
      if (coverage === 'no') continue;
      const otherName = this.workloads[other.index].ref;
      if (hostNetwork) {
        const rule = `${this.policies[compiled.policy].ref} ${direction}[${compiled.rule.index}] ipBlock ${blocks.map(ipBlockText).join(', ')}`;
        const known = this.compiled.addresses.nodes.length > 0 || this.compiled.addresses.nodeCidrs.length > 0;
        return known
          ? `the node ${otherName} runs on: ${rule} holds some of the node addresses its traffic may carry (${this.compiled.addresses.describe(other.index)}), and netkit reads it as not matching, since it may run on a node outside the block`
          : `where ${otherName} runs: ${rule} may hold the node address its traffic carries (${this.compiled.addresses.describe(other.index)}), and netkit reads it as not matching; give Node objects or --node-cidr (nodeCidrs) to decide`;
      }
      return `the network plugin: ${this.policies[compiled.policy].ref} ${direction}[${compiled.rule.index}] ipBlock ${blocks.map((b) => b.text).join(', ')} ${coverage === 'yes' ? 'holds' : 'may hold'} ${otherName}'s addresses (${this.compiled.addresses.describe(other.index)}); whether an ipBlock matches pod traffic is left to the network plugin, and netkit reads it as not matching`;
    }
    return undefined;
  }

  /** A workload's rules with ipBlock peers, and those peers, found once per workload and direction: every denied check asks. */
  private ipBlockRules(direction: 'ingress' | 'egress', self: number): IpBlockRules {
    const cache = direction === 'ingress' ? this.ingressIpBlockRules : this.egressIpBlockRules;
    let found = cache[self];
    if (found === undefined) {
      const rules: (readonly [CompiledRule, readonly Extract<RulePeer, { kind: 'ipBlock' }>[]])[] = [];
      for (const compiled of (direction === 'ingress' ? this.compiled.ingressRules : this.compiled.egressRules)[self]) {
        const blocks = (compiled.rule.peers ?? []).filter((p): p is Extract<RulePeer, { kind: 'ipBlock' }> => p.kind === 'ipBlock');
        if (blocks.length > 0) rules.push([compiled, blocks]);
      }
      cache[self] = rules;
      found = rules;
    }
    return found;
  }

  /** One side's words on Calico: the deciding rule or end of tier, with the passes before it. */
  private orderedText(side: SideVerdict, ordered: OrderedVerdict, Dir: string, direction: string, selfName: string, otherName: string, target: string, adminPass: string, tier: (d: TierDecision) => string): string {
    const passes = ordered.passedBy.length > 0 ? ` after ${ordered.passedBy.map((p) => (p.rule === 'end of tier' ? `tier ${p.tier} passed it on by its default action` : describeOrdered(p))).join(', then ')}` : '';
    const decided = ordered.decidedBy;
    if (decided && decided.rule === 'end of tier') {
      return `${Dir}: in tier ${decided.tier}, ${decided.policy} appl${decided.policy.includes(', ') ? 'y' : 'ies'} to ${selfName} for ${direction}${adminPass}${passes}, and no rule of the tier matches ${otherName} on ${target}, so the tier's default action Deny denies it (end of tier).`;
    }
    if (decided) return `${Dir}: decided by ${describeOrdered(decided)}${adminPass}${passes}: ${decided.action === 'Allow' ? 'allowed' : 'denied'}.`;
    const rest = side.decidedBy ? `the Baseline tier decides: ${tier(side.decidedBy)}, ${side.decidedBy.action === 'Deny' ? 'denied' : 'allowed'}` : "the profile allows it (Calico's Kubernetes profiles allow)";
    if (ordered.tiers.length === 0) return `${Dir}: no Calico policy applies to ${selfName} for ${direction}${adminPass}, so ${rest}.`;
    return `${Dir}: ${otherName} on ${target} passed out of ${selfName}'s last tier${adminPass}${passes}, so ${rest}.`;
  }

  /** @param via how a Service port led to the container port, if it did (empty otherwise) */
  private explain(v: Omit<TrafficVerdict, 'why'>, from: Endpoint, to: Endpoint, via: string): string {
    const icmp = v.icmp?.type !== undefined ? ` type ${v.icmp.type}${v.icmp.code !== undefined ? ` code ${v.icmp.code}` : ''}` : '';
    const target = `${v.protocol}${v.port ? ` ${v.port}` : icmp}${v.sourcePort !== undefined ? ` from source port ${v.sourcePort}` : ''}`;
    const sideText = (side: SideVerdict, direction: 'egress' | 'ingress', self: Endpoint, other: Endpoint): string => {
      const selfName = this.label(self);
      const otherName = this.label(other);
      const Dir = direction === 'egress' ? 'Egress' : 'Ingress';
      if (!side.applies) return `${Dir}: ${selfName} is outside the cluster, where no NetworkPolicy applies.`;
      if (self.kind === 'workload' && this.workloads[self.index].hostNetwork) {
        return `${Dir}: ${selfName} uses hostNetwork; NetworkPolicy does not isolate host-network pods (treated as not isolated).`;
      }
      const tier = (d: TierDecision) => `${d.tier} tier ${d.policy} (priority ${d.priority}) ${d.rule} ${d.action}`;
      if (side.ordered && side.decidedBy?.tier !== 'Admin') return this.orderedText(side, side.ordered, Dir, direction, selfName, otherName, target, side.passedBy ? ` (the ${tier(side.passedBy)} passed it on)` : '', tier);
      if (side.deniedBy) {
        return `${Dir}: denied by ${side.deniedBy.policy} ${side.deniedBy.list ?? direction}[${side.deniedBy.rule}], a deny rule, which wins over every allow.`;
      }
      if (side.decidedBy?.tier === 'Admin') {
        return `${Dir}: decided by the ${tier(side.decidedBy)}: ${side.decidedBy.action === 'Accept' ? 'accepted' : 'denied'} before any NetworkPolicy is looked at.`;
      }
      const passed = side.passedBy ? ` (the ${tier(side.passedBy)} passed it on)` : '';
      if (!side.isolated && side.decidedBy) {
        return `${Dir}: no NetworkPolicy isolates ${selfName}${passed}, so the Baseline tier decides: ${tier(side.decidedBy)}, ${side.decidedBy.action === 'Deny' ? 'denied' : 'allowed'}.`;
      }
      if (!side.isolated) return `${Dir}: ${selfName} is not isolated for ${direction} (no NetworkPolicy with policyType ${Dir} selects it${this.compiled.tiers ? ', and no cluster policy rule matches' : ''})${passed}, so ${direction} is open.`;
      const isolated = `${selfName} is isolated for ${direction} by ${side.isolatedBy.join(', ')}${passed}`;
      const onHost = other.kind === 'workload' && this.workloads[other.index].hostNetwork;
      const hostAddresses = onHost ? this.workloads[other.index].hostAddresses : undefined;
      const reached = hostAddresses ? ` (${otherName} runs on the host network and is reached at ${hostAddresses.map(formatIp).join(', ')}, which ipBlock peers match)`
        : onHost ? ` (${otherName} runs on the host network: its traffic carries its node's addresses, which only ipBlock peers match)` : '';
      if (side.allowed) {
        const rules = side.allowedBy.map((r) => `${r.policy} ${direction}[${r.rule}]`).join(', ');
        const some = side.someRequestsOnly ? `, for some requests only: its layer 7 rules allow ${side.someRequestsOnly.join('; ')}` : side.matchedL7 ? `; at layer 7, ${side.matchedL7}` : '';
        return `${Dir}: ${isolated}; ${rules} allow${side.allowedBy.length === 1 ? 's' : ''} ${otherName} on ${target}${reached}${some}.`;
      }
      const external = other.kind === 'external' ? ` (as an address outside the cluster, ${otherName} can match only ipBlock peers)` : reached;
      return `${Dir}: ${isolated}, and no ${direction} rule of those policies matches ${otherName} on ${target}${external}.`;
    };
    const head = `${v.allowed ? (v.someRequestsOnly ? 'ALLOWED for some requests' : 'ALLOWED') : 'DENIED'}: ${v.from} -> ${v.to} on ${target}${via}.`;
    const depends = [v.egress.dependsOn, v.ingress.dependsOn].filter((d): d is string => d !== undefined).map((d) => `Depends on ${d}.`);
    return [head, sideText(v.egress, 'egress', from, to), sideText(v.ingress, 'ingress', to, from), ...depends].join(' ');
  }
}

export { InputError };

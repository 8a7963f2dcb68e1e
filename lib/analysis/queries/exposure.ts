/**
 * What each workload is open to beyond the input: the internet (through LoadBalancer and
 * NodePort Services, Ingress and HTTPRoute paths, host ports), every namespace or namespaces
 * the input does not hold (selectors that future namespaces may match), and its own egress to
 * the internet. The audit question "what is reachable from outside?" in one place.
 */
import { CompiledModel } from '../model/compiled-model';
import { nameOf, namespaceOf, readLabels, servingContainers } from '../input/objects';
import { INTERNET_STAND_IN, PublicPath } from './public-paths';
import { isEmptySelector, isRecord, labelsSelectWorkload, describeSelector } from '../model/selectors';
import { NAMESPACE_NAME_LABEL } from '../input/objects';
import { parseLooseCidr } from '../dialects/kubernetes/policy-validation';
import { formatIp } from '../../net/ip';
import { isStandIn } from '../input/cluster-fixtures';

/** The annotation that marks a workload (or the Service or route exposing it) public on purpose. */
export const PUBLIC_ANNOTATION = 'netkit.io/public';

/** Whether the internet reaches a workload: through some open way in, through none, or not known from the input. */
export type InternetReachability = 'reachable' | 'not reachable' | 'unknown';

/** A route's status in the exposure vocabulary that exposure, matrix, report and the matchers share. */
export function reachabilityOf(status: InternetRoute['status']): InternetReachability {
  return status === 'open' ? 'reachable' : status === 'closed' ? 'not reachable' : 'unknown';
}

/** One way in from the internet. */
export interface InternetRoute {
  /** `Service shop/web (LoadBalancer)`, `Ingress shop/edge`, `hostPort`. */
  readonly via: string;
  /** Ports, sources, host and path. */
  readonly detail: string;
  /** `open`: the policies let the traffic through; `closed`: they do not; `unknown`: a hop is missing from the input. */
  readonly status: 'open' | 'closed' | 'unknown';
  /** Why the status is `unknown`: the hop the input lacks, and how to add it. @default - none (the status is known) */
  readonly problem?: string;
  /** Whether this exposure is declared public (a route, an opt-in suppression, or the annotation). */
  readonly declared: boolean;
}

/** One workload's exposure. */
export interface WorkloadExposure {
  /** The workload, `<namespace>/<name>`. */
  readonly workload: string;
  /** Ways in from the internet, open or not. */
  readonly internet: readonly InternetRoute[];
  /**
   * `reachable` when some way in is open; else `unknown` when some way in cannot be followed in
   * the input (no ingress controller or Gateway proxy: `--with-cluster` adds a stand-in); else
   * `not reachable`.
   */
  readonly reachability: InternetReachability;
  /** Whether some way in from the internet is open (`reachability === 'reachable'`). */
  readonly public: boolean;
  /** Whether every open way in is declared public. */
  readonly publicByDesign: boolean;
  /** Peers beyond the input that may connect: every pod, every namespace, future namespaces. */
  readonly clusterWide: readonly string[];
  /** Ports it may send to the internet (`''` when none). */
  readonly internetEgress: string;
}

/** What exposure needs from the model. */
export interface ExposureModel {
  check(query: { from: string; to: string; port: number | string; protocol?: string }): { allowed: boolean };
  publicPaths(): PublicPath[];
}

const acknowledged = (object: Record<string, unknown>, rules: string[]) => {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  if (annotations[PUBLIC_ANNOTATION] !== undefined) return true;
  const ignored = typeof annotations['netkit.io/ignore'] === 'string' ? (annotations['netkit.io/ignore'] as string).split(',').map((r) => r.trim()) : [];
  return rules.some((r) => ignored.includes(r)) && typeof annotations['netkit.io/ignore-reason'] === 'string';
};

/** Every workload's exposure, sorted by workload. */
export function exposureOf(compiled: CompiledModel, model: ExposureModel, internet: string): WorkloadExposure[] {
  const paths = model.publicPaths();
  const routes = new Map<string, InternetRoute[]>();
  const add = (ref: string, route: InternetRoute) => routes.set(ref, [...(routes.get(ref) ?? []), route]);
  const safe = (from: string, to: string, port: number | string) => {
    try {
      return model.check({ from, to, port }).allowed;
    } catch {
      return false;
    }
  };

  // LoadBalancer and NodePort Services: anyone who reaches the load balancer or a node.
  for (const { object } of compiled.objects) {
    if (object.kind !== 'Service' || !isRecord(object.spec)) continue;
    const type = object.spec.type;
    if (type !== 'LoadBalancer' && type !== 'NodePort') continue;
    const namespace = namespaceOf(object);
    const selector = readLabels(object.spec.selector);
    if (Object.keys(selector).length === 0) continue;
    const ranges = Array.isArray(object.spec.loadBalancerSourceRanges) ? object.spec.loadBalancerSourceRanges.map(String) : [];
    const ports = (Array.isArray(object.spec.ports) ? object.spec.ports : []).filter(isRecord).filter((p) => typeof p.port === 'number');
    // An address the load balancer admits: the first of its source ranges, else any.
    const firstRange = ranges.length > 0 ? parseLooseCidr(ranges[0]) : undefined;
    const client = type === 'LoadBalancer' && firstRange ? formatIp({ family: firstRange.family, value: firstRange.base + (firstRange.prefix < (firstRange.family === 4 ? 32 : 128) ? 1n : 0n) }) : internet;
    const declared = acknowledged(object, ['loadbalancer-without-source-ranges', 'nodeport-exposure']);
    compiled.workloads.forEach((w) => {
      if (w.namespace !== namespace || !labelsSelectWorkload(selector, w)) return;
      const portText = ports.map((p) => `${String(p.protocol ?? 'TCP')} ${String(p.port)}${type === 'NodePort' && typeof p.nodePort === 'number' ? ` (node port ${p.nodePort})` : ''}`).join(', ');
      const open = ports.some((p) => safe(client, `${namespace}/${nameOf(object)}`, p.port as number));
      add(w.ref, {
        via: `Service ${namespace}/${nameOf(object)} (${String(type)})`,
        detail: `${portText}${type === 'LoadBalancer' ? `, from ${ranges.length > 0 ? ranges.join(', ') : 'any address'}` : ', on every node'}`,
        status: open ? 'open' : 'closed',
        declared: declared || acknowledged(w.source!.object, ['loadbalancer-without-source-ranges', 'nodeport-exposure']),
      });
    });
  }

  // Ingress and HTTPRoute paths: the route itself declares the workload public. Without the
  // edge in the input the route still names its backends: their exposure is unknown, not absent.
  for (const path of paths) {
    const backends = path.backend ? [path.backend] : path.status === 'unknown' ? path.backends : [];
    for (const backend of backends) {
      add(backend, { via: path.via, detail: `${path.route} (Service ${path.service})`, status: path.status, declared: true, ...(path.status === 'unknown' && path.problem ? { problem: path.problem } : {}) });
    }
  }

  // Host ports and host networking: the node's addresses, where NetworkPolicy does not reach.
  compiled.workloads.forEach((w) => {
    const template = w.source && podSpecOf(w.source.object);
    const hostPorts = template ? servingContainers(template).flatMap((c) => (Array.isArray(c.ports) ? c.ports : []).filter(isRecord).filter((p) => typeof p.hostPort === 'number' && p.hostPort !== 0).map((p) => `${String(p.protocol ?? 'TCP')} ${String(p.hostPort)}`)) : [];
    if (w.hostNetwork) add(w.ref, { via: 'hostNetwork', detail: 'every port it listens on, on the node\'s addresses', status: 'open', declared: acknowledged(w.source!.object, ['host-network']) });
    else if (hostPorts.length > 0) add(w.ref, { via: 'hostPort', detail: `${hostPorts.join(', ')} on the node's addresses`, status: 'open', declared: acknowledged(w.source!.object, ['host-port']) });
  });

  // Stand-ins that `--with-cluster` or clusterFixtures() add are the cluster's, not the user's exposure.
  return compiled.workloads.flatMap((w, index) => {
    if (w.source && isStandIn(w.source.object)) return [];
    const internetRoutes = routes.get(w.ref) ?? [];
    const open = internetRoutes.filter((r) => r.status === 'open');
    const egress = compiled.effectiveSidePorts('egress', index, compiled.externalEndpoint(internet));
    return [{
      workload: w.ref,
      internet: internetRoutes,
      reachability: open.length > 0 ? 'reachable' : internetRoutes.some((r) => r.status === 'unknown') ? 'unknown' : 'not reachable',
      public: open.length > 0,
      publicByDesign: open.length > 0 && open.every((r) => r.declared),
      clusterWide: clusterWide(compiled, index),
      internetEgress: egress.isEmpty ? '' : egress.toString(),
    }];
  });
}

function podSpecOf(object: Record<string, unknown>): Record<string, unknown> | undefined {
  if (object.kind === 'Pod') return isRecord(object.spec) ? object.spec : undefined;
  const spec = isRecord(object.spec) ? object.spec : {};
  const template = isRecord(spec.template) ? spec.template : isRecord(spec.jobTemplate) && isRecord(spec.jobTemplate.spec) ? spec.jobTemplate.spec.template : undefined;
  return isRecord(template) && isRecord(template.spec) ? template.spec : undefined;
}

/**
 * Peers beyond the input that may connect in: anything, when no policy isolates the workload;
 * rules without peers; peers in every namespace; and namespace selectors that do not pin one
 * namespace by name, which namespaces created later may match.
 */
function clusterWide(compiled: CompiledModel, index: number): string[] {
  if (compiled.ordered) return orderedClusterWide(compiled, index);
  if (compiled.ingressIsolation[index].length === 0) return ['not isolated for ingress: every pod in every namespace may connect'];
  const found: string[] = [];
  for (const rule of compiled.ingressRules[index]) {
    const where = `${compiled.unionSets[rule.policy].ref} ingress[${rule.rule.index}]`;
    if (rule.rule.peers === null) { found.push(`${where} admits every pod and address`); continue; }
    for (const peer of rule.rule.peers) {
      if (peer.kind !== 'pods' || peer.namespaceSelector === undefined) continue;
      if (isEmptySelector(peer.namespaceSelector)) found.push(`${where} admits pods in every namespace`);
      else if (peer.namespaceSelector.matchLabels[NAMESPACE_NAME_LABEL] === undefined) {
        found.push(`${where} admits pods in namespaces labelled ${describeSelector(peer.namespaceSelector)}, including ones created later`);
      }
    }
  }
  return [...new Set(found)];
}

/**
 * On Calico: not isolated when no tier applies; else each Allow rule that holds an address
 * outside the cluster (the internet stand-in), which no namespace of the input bounds.
 */
function orderedClusterWide(compiled: CompiledModel, index: number): string[] {
  const tiers = compiled.ordered!.tiersOf('ingress', index);
  if (tiers.length === 0) return ['not isolated for ingress: no Calico policy or NetworkPolicy applies to it, so every pod and address may connect'];
  const outside = compiled.externalEndpoint(INTERNET_STAND_IN);
  const found: string[] = [];
  for (const tier of tiers) {
    for (const rule of tier.rules) {
      if (rule.action === 'Allow' && rule.peer(outside).match === 'yes') found.push(`tier ${tier.name}, ${rule.policy.ref} ingress[${rule.index}] admits addresses outside the cluster`);
    }
  }
  return [...new Set(found)];
}

import { IConstruct } from 'constructs';
import { ExternalTrafficPolicy, ServiceExposure, SessionAffinity } from './service-exposure';
import { Peer } from '../net/peer';
import { Port } from '../net/port';
import { failAt } from '../private/errors';

/** The Service fields an exposure decides, plus who the pods must then accept. */
export interface RenderedExposure {
  readonly spec: {
    type: string;
    externalTrafficPolicy?: string;
    loadBalancerSourceRanges?: string[];
    loadBalancerClass?: string;
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIp: { timeoutSeconds: number } };
  };
  readonly annotations: Record<string, string>;
  readonly nodePorts: ReadonlyMap<Port, number>;
  /** Peers the pods must accept for the exposure to work (the load balancer's clients). */
  readonly allowedSources: Peer[];
  /** Lint rules the user's explicit opt-in answers, with the reason written into the YAML. */
  readonly acknowledged: Record<string, string>;
  /** A non-default node-port range the cluster uses, if one was given. */
  readonly nodePortRange?: { min: number; max: number };
}

/** Service port numbers: the main port may be remapped; no two Service ports may collide. */
export function checkServicePorts(scope: IConstruct, ports: readonly Port[], mainServicePort: number | undefined): Map<Port, number> {
  if (mainServicePort !== undefined && (!Number.isInteger(mainServicePort) || mainServicePort < 1 || mainServicePort > 65535)) {
    failAt(scope, `servicePort ${mainServicePort} is not a valid port number. Use a whole number from 1 to 65535, or omit it to use ${ports[0].number}.`);
  }
  const result = new Map<Port, number>();
  const seen = new Map<string, Port>();
  ports.forEach((port, index) => {
    const number = index === 0 && mainServicePort !== undefined ? mainServicePort : port.number!;
    const key = `${port.protocol}/${number}`;
    const clash = seen.get(key);
    if (clash) failAt(scope, `the Service would expose ${port.protocol} ${number} twice (for ${clash} and ${port}). Pick another servicePort.`);
    seen.set(key, port);
    result.set(port, number);
  });
  return result;
}

/** Validates an exposure for this app and renders its Service fields. */
export function renderExposure(scope: IConstruct, exposure: ServiceExposure, ports: readonly Port[], affinity: SessionAffinity | undefined): RenderedExposure {
  const spec: RenderedExposure['spec'] = { type: exposure.type };
  const annotations: Record<string, string> = {};
  const nodePorts = new Map<Port, number>();
  const allowedSources: Peer[] = [];
  const acknowledged: Record<string, string> = {};
  let nodePortRange: { min: number; max: number } | undefined;
  const exposureSpec = exposure._spec;
  if (exposureSpec.type === 'NodePort') {
    const { nodePort, range } = exposureSpec.options;
    const min = range?.min ?? 30000;
    const max = range?.max ?? 32767;
    acknowledged['nodeport-exposure'] = 'explicit opt-in: ServiceExposure.nodePort()';
    if (range) nodePortRange = { min, max };
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) {
      failAt(scope, `node port range ${min}-${max} is not a valid range. Give the cluster's --service-node-port-range, e.g. { min: 30000, max: 32767 }.`);
    }
    if (nodePort !== undefined) {
      if (!Number.isInteger(nodePort) || nodePort < min || nodePort > max) {
        failAt(scope, `nodePort ${nodePort} is outside ${min}-${max} (the API server rejects it). Omit nodePort to let Kubernetes choose one, or pick a port in range.`);
      }
      nodePorts.set(ports[0], nodePort);
    }
  }
  if (exposureSpec.type === 'LoadBalancer') {
    const o = exposureSpec.options;
    const ranges = o.sourceRanges ?? [];
    if (ranges.length === 0 && !o.allowFromAnywhere) {
      failAt(scope, 'a LoadBalancer with no sourceRanges is open to the whole internet. Give sourceRanges (e.g. [Cidr.of(\'203.0.113.0/24\')]), or set allowFromAnywhere: true if it is meant to be public.');
    }
    if (ranges.length > 0 && o.allowFromAnywhere) {
      failAt(scope, 'sourceRanges and allowFromAnywhere contradict each other. Keep sourceRanges to restrict the load balancer, or remove them to open it.');
    }
    for (const range of ranges) {
      if (range.exceptions.length > 0) failAt(scope, `loadBalancerSourceRanges cannot express exceptions (${range}). Give plain CIDRs.`);
    }
    spec.externalTrafficPolicy = o.externalTrafficPolicy ?? ExternalTrafficPolicy.LOCAL;
    if (ranges.length > 0) spec.loadBalancerSourceRanges = ranges.map((r) => r.cidr);
    if (o.loadBalancerClass !== undefined) spec.loadBalancerClass = o.loadBalancerClass;
    Object.assign(annotations, o.annotations ?? {});
    allowedSources.push(...(o.allowFromAnywhere ? [Peer.anywhere()] : ranges.map((r) => Peer.cidr(r))));
    if (o.allowFromAnywhere) acknowledged['loadbalancer-without-source-ranges'] = 'explicit opt-in: allowFromAnywhere';
  }
  if (affinity?.timeoutSeconds !== undefined) {
    const timeout = affinity.timeoutSeconds;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 86400) {
      failAt(scope, `session affinity timeout ${timeout}s is outside 1-86400 (the API server rejects it). Pick a timeout in range, e.g. SessionAffinity.clientIp(10800).`);
    }
    spec.sessionAffinity = 'ClientIP';
    spec.sessionAffinityConfig = { clientIp: { timeoutSeconds: timeout } };
  }
  return { spec, annotations, nodePorts, allowedSources, acknowledged, ...(nodePortRange ? { nodePortRange } : {}) };
}

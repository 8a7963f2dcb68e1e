import type { ServiceInfo } from '../model/compiled-model';
import type { WorkloadInfo } from './objects';
import type { ModelPolicy } from '../model/rules';
import { nameOf, namespaceOf, readLabels } from './objects';
import { PolicyProtocol } from '../model/port-set';
import { formatIp, parseIp, rangeContains } from '../../net/ip';
import { ipBlockText } from '../model/addresses';

/** Where a Service address comes from: `spec.clusterIP(s)`, `spec.externalIPs`, `status.loadBalancer.ingress`. */
export type ServiceAddressField = 'clusterIP' | 'externalIPs' | 'loadBalancer';

/** How a Service address is named in answers. */
export const SERVICE_ADDRESS_WORDS: Record<ServiceAddressField, string> = { clusterIP: 'cluster IP', externalIPs: 'external IP', loadBalancer: 'load-balancer IP' };

/** A Service as the analyzer reads it (ExternalName Services are DNS aliases: none). */
export function readService(object: Record<string, unknown>): ServiceInfo | undefined {
  const name = nameOf(object);
  const spec = object.spec as Record<string, unknown> | undefined;
  const selector = readLabels(spec?.selector);
  if (!name || spec?.type === 'ExternalName') return undefined;
  const ports = (Array.isArray(spec?.ports) ? spec!.ports : []).flatMap((raw: unknown) => {
    const port = raw as Record<string, unknown>;
    if (typeof port?.port !== 'number') return [];
    const protocol = (['TCP', 'UDP', 'SCTP'].includes(String(port.protocol)) ? port.protocol : 'TCP') as PolicyProtocol;
    const target = typeof port.targetPort === 'number' || typeof port.targetPort === 'string' ? port.targetPort : port.port;
    return [{ ...(typeof port.name === 'string' ? { name: port.name } : {}), port: port.port, protocol, targetPort: target }];
  });
  const addresses: { ip: string; field: ServiceAddressField }[] = [];
  const add = (value: unknown, field: ServiceAddressField) => {
    const ip = typeof value === 'string' ? parseIp(value) : undefined; // "None" (headless) and "" are no address
    if (ip && !addresses.some((a) => a.ip === formatIp(ip))) addresses.push({ ip: formatIp(ip), field });
  };
  add(spec?.clusterIP, 'clusterIP');
  for (const value of Array.isArray(spec?.clusterIPs) ? spec!.clusterIPs : []) add(value, 'clusterIP');
  for (const value of Array.isArray(spec?.externalIPs) ? spec!.externalIPs : []) add(value, 'externalIPs');
  // kube-proxy also answers a load balancer's address inside the cluster, unless ipMode Proxy
  // sends the traffic through the load balancer itself.
  const status = object.status as { loadBalancer?: { ingress?: unknown } } | undefined;
  for (const entry of Array.isArray(status?.loadBalancer?.ingress) ? status!.loadBalancer!.ingress as unknown[] : []) {
    const e = entry as { ip?: unknown; ipMode?: unknown } | null;
    if (e && e.ipMode !== 'Proxy') add(e.ip, 'loadBalancer');
  }
  return { namespace: namespaceOf(object), name, selector, ports, addresses };
}

/**
 * The Services among these objects that carry an address of their own (`kubectl get -o yaml`
 * keeps them; cdk8s and most charts leave them to the API server), read: the others are not
 * read at all, so rules that look only for addresses cost nothing on synthesized input.
 */
export function addressedServices(services: readonly Record<string, unknown>[]): ServiceInfo[] {
  return services.filter((object) => {
    const spec = object.spec as Record<string, unknown> | undefined;
    const status = object.status as { loadBalancer?: { ingress?: unknown } } | undefined;
    return spec?.clusterIP !== undefined || spec?.clusterIPs !== undefined || spec?.externalIPs !== undefined || status?.loadBalancer?.ingress !== undefined;
  }).map(readService).filter((s): s is ServiceInfo => s !== undefined && s.addresses.length > 0);
}

/**
 * Addresses host-network pods bind on every node for pods to send to (NodeLocal DNSCache's
 * `-localip`, which in kube-proxy iptables mode includes the kube-dns Service address): packets
 * to them are delivered on the node, not translated to a Service's pods.
 */
export function boundAddresses(workloads: readonly WorkloadInfo[]): Set<string> {
  return new Set(workloads.flatMap((w) => (w.hostNetwork ? (w.hostAddresses ?? []).map(formatIp) : [])));
}

/** An address peer (a NetworkPolicy ipBlock, a cluster policy's networks) that holds some Service's address. */
export interface ServiceAddressBlock<P extends ModelPolicy = ModelPolicy> {
  /** The policy. */
  readonly policy: P;
  /** Which rule list. */
  readonly direction: 'ingress' | 'egress';
  /** The rule's index in it. */
  readonly rule: number;
  /** The peer as written: `ipBlock 10.96.0.0/12`, `networks 10.96.0.0/12`. */
  readonly block: string;
  /** One clause: the peer, the Services whose addresses it holds, and why it does not allow them. */
  readonly problem: string;
}

/**
 * The address peers (NetworkPolicy ipBlocks, cluster policies' networks) that hold a Service's
 * cluster IP, external IP or load-balancer IP: kube-proxy translates those addresses to one of
 * the Service's pods before any policy sees the packet, so the peer reads as if it matched the
 * Service and does not match its pods. Addresses a host-network workload binds (a NodeLocal
 * DNSCache's) are delivered on the node instead, and are left out. Each distinct peer is tested
 * once against every address.
 */
export function serviceAddressBlocks<P extends ModelPolicy>(policies: readonly P[], services: readonly ServiceInfo[], workloads: readonly WorkloadInfo[]): ServiceAddressBlock<P>[] {
  const bound = boundAddresses(workloads);
  const virtual = services.flatMap((service) => service.addresses.filter((a) => !bound.has(a.ip)).map((a) => ({ text: `${service.namespace}/${service.name} (${SERVICE_ADDRESS_WORDS[a.field]} ${a.ip})`, ip: parseIp(a.ip)! })));
  if (virtual.length === 0) return [];
  const heldBy = new Map<string, string[]>();
  const found: ServiceAddressBlock<P>[] = [];
  for (const policy of policies) {
    for (const direction of ['ingress', 'egress'] as const) {
      for (const rule of policy[direction]) {
        for (const peer of rule.peers ?? []) {
          const blocks = peer.kind === 'ipBlock' ? [{ cidr: peer.cidr, except: peer.except }] : peer.kind === 'networks' ? peer.ranges.map((cidr) => ({ cidr, except: [] })) : undefined;
          if (!blocks) continue;
          const block = peer.kind === 'ipBlock' ? `ipBlock ${ipBlockText(peer)}` : `networks ${(peer as { text: readonly string[] }).text.join(', ')}`;
          let names = heldBy.get(block);
          if (!names) {
            names = virtual.filter((v) => blocks.some((b) => rangeContains(b.cidr, v.ip) && !b.except.some((e) => rangeContains(e, v.ip)))).map((v) => v.text);
            heldBy.set(block, names);
          }
          if (names.length === 0) continue;
          const listed = `${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`;
          found.push({ policy, direction, rule: rule.index, block, problem: `${block} holds the address of Service ${listed}, which kube-proxy translates to a pod before policy applies, so the peer does not match ${names.length === 1 ? "that Service's" : "those Services'"} pods` });
        }
      }
    }
  }
  return found;
}

import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { KeyedRules } from './network-policy';
import { NAMESPACE_NAME_LABEL, Peer, PolicyPeerJson } from '../net/peer';
import { Port } from '../net/port';
import { HttpRule } from '../analysis/model/rules';

export { HttpRule };

/** Cilium's label for a pod's namespace (policy-language.rst "Namespaces"). */
const CILIUM_NAMESPACE_LABEL = 'k8s:io.kubernetes.pod.namespace';
/** Cilium's prefix for the labels of a pod's namespace. */
const CILIUM_NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';

/** A Cilium port entry (`toPorts[].ports[]`): the port is a string in the CRD. */
export interface CiliumPortJson {
  /** A number or a port name, as a string; `0` means every port. */
  readonly port: string;
  /** TCP, UDP, SCTP or ANY. */
  readonly protocol: string;
  /** The last port of a range. @default - `port` alone */
  readonly endPort?: number;
}

/** The Cilium form of ports: numbers as strings, names kept, every port as `0`. */
export function ciliumPorts(ports: readonly Port[]): CiliumPortJson[] {
  return ports.map((p) => ({
    port: p.number !== undefined ? String(p.number) : p.name ?? '0',
    protocol: p.protocol,
    ...(p.endPort !== undefined ? { endPort: p.endPort } : {}),
  }));
}

/**
 * A NetworkPolicy peer written as Cilium peer fields: pods become an endpoint selector with
 * the namespace as `k8s:io.kubernetes.pod.namespace` (or namespace labels under
 * `io.cilium.k8s.namespace.labels.`), address blocks become `CIDRSet`.
 */
export function ciliumPeerFields(peers: readonly PolicyPeerJson[], direction: 'from' | 'to', policyNamespace: string): Record<string, unknown> {
  const endpoints: Record<string, unknown>[] = [];
  const cidrs: Record<string, unknown>[] = [];
  for (const peer of peers) {
    if (peer.ipBlock) {
      cidrs.push({ cidr: peer.ipBlock.cidr, ...(peer.ipBlock.except?.length ? { except: peer.ipBlock.except } : {}) });
      continue;
    }
    const labels: Record<string, string> = { ...(peer.podSelector?.matchLabels ?? {}) };
    const namespaceLabels = peer.namespaceSelector?.matchLabels;
    if (peer.namespaceSelector === undefined) {
      labels[CILIUM_NAMESPACE_LABEL] = policyNamespace;
    } else {
      for (const [key, value] of Object.entries(namespaceLabels ?? {})) {
        if (key === NAMESPACE_NAME_LABEL) labels[CILIUM_NAMESPACE_LABEL] = value;
        else labels[`${CILIUM_NAMESPACE_LABELS_PREFIX}${key}`] = value;
      }
    }
    // Without a namespace label a CNP selector means the policy's own namespace
    // (policy/language.rst "Namespaces"): every namespace needs the label to exist.
    const anyNamespace = !(CILIUM_NAMESPACE_LABEL in labels);
    endpoints.push({ matchLabels: labels, ...(anyNamespace ? { matchExpressions: [{ key: CILIUM_NAMESPACE_LABEL, operator: 'Exists' }] } : {}) });
  }
  const fields: Record<string, unknown> = {};
  if (endpoints.length > 0) fields[`${direction}Endpoints`] = endpoints;
  if (cidrs.length > 0) fields[`${direction}CIDRSet`] = cidrs;
  return fields;
}

/** A DNS name or pattern a workload may look up and then reach. */
export interface FqdnJson {
  /** An exact name. @default - none */
  readonly matchName?: string;
  /** A pattern (`*` one label). @default - none */
  readonly matchPattern?: string;
}

/** Props for {@link ManagedCiliumPolicy}. */
export interface ManagedCiliumPolicyProps {
  /** metadata.name */
  readonly name: string;
  /** metadata.namespace */
  readonly namespace: string;
  /** Labels of the endpoints (pods) the policy applies to, in its namespace. */
  readonly endpointLabels: Readonly<Record<string, string>>;
  /** The DNS servers the workload looks names up with, for the DNS-proxy rule of `toFQDNs`. */
  readonly dnsServers: readonly Peer[];
}

/**
 * A cilium.io/v2 CiliumNetworkPolicy for what NetworkPolicy cannot say about one workload:
 * egress to hosts by name and HTTP rules on ingress. It only adds allows: the workload's
 * NetworkPolicy already isolates it, and Cilium unions the allows of both
 * (policy/intro.rst "Policy Enforcement Modes").
 *
 * Every name in `lookups` also gets the DNS rule `toFQDNs` depends on: Cilium learns a
 * name's addresses only from lookups its DNS proxy sees (policy/language.rst "DNS based"),
 * so the rule lets exactly those names be looked up through the namespace's DNS servers.
 */
export class ManagedCiliumPolicy extends ApiObject {
  /** Ingress rules, in Cilium's JSON. */
  public readonly ingressRules = new KeyedRules<Record<string, unknown>>();
  /** Egress rules, in Cilium's JSON. */
  public readonly egressRules = new KeyedRules<Record<string, unknown>>();
  /** Names the workload may look up through the DNS proxy. */
  public readonly lookups = new KeyedRules<FqdnJson>();

  constructor(scope: Construct, id: string, props: ManagedCiliumPolicyProps) {
    super(scope, id, {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: props.name, namespace: props.namespace },
      spec: Lazy.any({ produce: () => this.renderSpec(props) }),
    });
  }

  private renderSpec(props: ManagedCiliumPolicyProps): Record<string, unknown> {
    const spec: Record<string, unknown> = { endpointSelector: { matchLabels: { ...props.endpointLabels } } };
    if (!this.ingressRules.isEmpty) spec.ingress = this.ingressRules.values();
    const egress = this.egressRules.values();
    if (!this.lookups.isEmpty) {
      const dnsPorts = ciliumPorts([Port.udp(53), Port.tcp(53)]);
      const rules = { dns: this.lookups.values() };
      for (const server of props.dnsServers) {
        egress.push({ ...ciliumPeerFields(server.toPolicyPeers(props.namespace), 'to', props.namespace), toPorts: [{ ports: dnsPorts, rules }] });
      }
    }
    if (egress.length > 0) spec.egress = egress;
    return spec;
  }
}

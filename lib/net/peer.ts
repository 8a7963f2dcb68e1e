import { Port } from './port';
import { Cidr, IpBlockJson } from './cidr';
import { checkNamespaceName, hostProblem, labelsProblem } from './names';
import { failValue } from '../private/errors';

/** The label every namespace carries with its own name (set by the API server since 1.21). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The JSON shape of a NetworkPolicy peer (networking.k8s.io/v1 NetworkPolicyPeer). */
export interface PolicyPeerJson {
  /** Pods by label (in the policy's namespace, or in `namespaceSelector`'s). @default - none */
  readonly podSelector?: {
    /** Labels the pods must carry. @default - every pod */
    matchLabels?: Record<string, string>;
  };
  /** Namespaces by label. @default - none */
  readonly namespaceSelector?: {
    /** Labels the namespaces must carry. @default - every namespace */
    matchLabels?: Record<string, string>;
  };
  /** Addresses outside the pod network. @default - none */
  readonly ipBlock?: IpBlockJson;
}

/** Something whose pods a policy can select: one of our workload constructs. */
export interface IPeerWorkload {
  /** The namespace the workload's pods run in. */
  readonly namespaceName: string;
  /** Labels that select exactly this workload's pods. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** The workload's name, for keys and messages. */
  readonly name: string;
}

/** Options for {@link Peer.clusterDns}. */
export interface ClusterDnsOptions {
  /** The namespace the DNS pods run in. @default 'kube-system' */
  readonly namespace?: string;
  /** Labels of the DNS pods. @default { 'k8s-app': 'kube-dns' } (CoreDNS keeps this label for compatibility) */
  readonly labels?: Record<string, string>;
}

/** Options for {@link Peer.ingressController}. */
export interface IngressControllerOptions {
  /** The namespace the controller runs in. @default 'ingress-nginx' */
  readonly namespace?: string;
  /** Labels of the controller pods. @default { 'app.kubernetes.io/name': 'ingress-nginx' } */
  readonly labels?: Record<string, string>;
}

/** Options for {@link Peer.kubeApiServer}. */
export interface KubeApiServerOptions {
  /** The API server endpoint addresses (the `kubernetes` EndpointSlice in `default`). */
  readonly addresses: string[];
  /** The port the endpoints listen on. @default 6443 */
  readonly port?: number;
}

/** Private and link-local IPv4 ranges: RFC 1918 plus 169.254/16, where cloud metadata endpoints live. */
export const PRIVATE_IPV4_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'];
/** Unique-local and link-local IPv6 ranges. */
export const PRIVATE_IPV6_RANGES = ['fc00::/7', 'fe80::/10'];

/** A host by DNS name, or a pattern of names, as {@link Peer.fqdn} and {@link Peer.fqdnPattern} hold it. */
export interface FqdnSpec {
  /** The name (`api.stripe.com`) or pattern (`*.stripe.com`). */
  readonly text: string;
  /** Whether `text` is a pattern (`matchPattern`) rather than a name (`matchName`). */
  readonly pattern: boolean;
}

type PeerKind = 'pods' | 'namespace' | 'all-namespaces' | 'workload' | 'cidr' | 'anywhere' | 'fqdn';

/**
 * The other end of a connection, as a NetworkPolicy sees it: pods by labels, namespaces
 * by labels, one of our workloads, or IP blocks.
 *
 * ```ts
 * Peer.namespace({ purpose: 'monitoring' });
 * Peer.pods({ role: 'backup' }, { namespace: 'ops' });
 * Peer.cidr(Cidr.of('10.0.0.0/8').except('10.0.1.0/24'));
 * Peer.internet();             // 0.0.0.0/0 and ::/0 except private ranges
 * Peer.clusterDns();           // kube-system pods labelled k8s-app=kube-dns
 * ```
 */
export class Peer {
  /**
   * Pods with these labels, in the policy's own namespace or, with `namespace`, in the
   * named namespace (matched by its `kubernetes.io/metadata.name` label).
   */
  public static pods(labels: Record<string, string>, options: { namespace?: string } = {}): Peer {
    const where = `Peer.pods(${JSON.stringify(labels)})`;
    checkLabels(where, labels, true);
    if (options.namespace !== undefined) checkNamespaceName(where, options.namespace);
    const ns = options.namespace;
    const labelText = describeLabels(labels);
    return new Peer('pods', `pods.${ns ?? ''}.${labelKey(labels)}`, ns ? `pods ${labelText} in namespace ${ns}` : `pods ${labelText}`,
      (policyNamespace) => [podsIn(labels, ns, policyNamespace)]);
  }

  /** Every pod in the namespaces that carry these labels. */
  public static namespace(labels: Record<string, string>): Peer {
    const where = `Peer.namespace(${JSON.stringify(labels)})`;
    checkLabels(where, labels, true);
    return new Peer('namespace', `ns.${labelKey(labels)}`, `namespaces ${describeLabels(labels)}`,
      () => [{ namespaceSelector: { matchLabels: { ...labels } } }]);
  }

  /** Every pod in the namespace with this name. */
  public static namespaceNamed(name: string): Peer {
    checkNamespaceName(`Peer.namespaceNamed(${JSON.stringify(name)})`, name);
    return new Peer('namespace', `ns.${name}`, `namespace ${name}`,
      () => [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } } }]);
  }

  /** Every pod in every namespace (not addresses outside the cluster). */
  public static allNamespaces(): Peer {
    return new Peer('all-namespaces', 'all-namespaces', 'all pods in all namespaces', () => [{ namespaceSelector: {} }]);
  }

  /** The pods of one of our workloads (an ExposedApp or HeadlessStateful). */
  public static workload(workload: IPeerWorkload): Peer {
    return new Peer('workload', `app.${workload.namespaceName}.${workload.name}`, `${workload.namespaceName}/${workload.name}`,
      (policyNamespace) => [podsIn(workload.selectorLabels, workload.namespaceName, policyNamespace)]);
  }

  /** An IP block. ipBlock peers match addresses outside the pod network (pod IPs change). */
  public static cidr(block: Cidr): Peer {
    if (block.cidr.endsWith('/0') && block.exceptions.length === 0) {
      failValue(`Peer.cidr(${block.cidr})`, 'this block is every address. Say so with Peer.anywhere() (a named opt-in), or use Peer.internet() to keep private ranges and cloud metadata out.');
    }
    return new Peer('cidr', `cidr.${block.toString()}`, `IP block ${block.toString()}`, () => [{ ipBlock: block.toIpBlock() }]);
  }

  /** Several IP blocks, any of which matches. */
  public static cidrs(blocks: Cidr[]): Peer {
    if (blocks.length === 0) failValue('Peer.cidrs([])', 'no blocks given. Give at least one Cidr.');
    const peers = blocks.map((b) => Peer.cidr(b));
    return new Peer('cidr', `cidrs.${blocks.map(String).sort().join('+')}`, `IP blocks ${blocks.map(String).join(', ')}`,
      (ns) => peers.flatMap((p) => p.toPolicyPeers(ns)));
  }

  /** A single IP address (a /32 or /128 block). */
  public static ipAddress(address: string): Peer {
    return Peer.cidr(Cidr.host(address));
  }

  /**
   * Public addresses: 0.0.0.0/0 and ::/0 except the private and link-local ranges
   * ({@link PRIVATE_IPV4_RANGES}, {@link PRIVATE_IPV6_RANGES}). Excluding 169.254/16 keeps
   * pods away from cloud metadata endpoints.
   */
  public static internet(): Peer {
    const v4 = Cidr.anyIpv4().except(...PRIVATE_IPV4_RANGES);
    const v6 = Cidr.anyIpv6().except(...PRIVATE_IPV6_RANGES);
    return new Peer('cidr', 'internet', 'the internet (public IPv4 and IPv6 addresses)',
      () => [{ ipBlock: v4.toIpBlock() }, { ipBlock: v6.toIpBlock() }]);
  }

  /**
   * Every IPv4 and IPv6 address, private ranges and cloud metadata included. A deliberate,
   * named opt-in: prefer {@link Peer.internet} or a narrower {@link Peer.cidr}.
   */
  public static anywhere(): Peer {
    return new Peer('anywhere', 'anywhere', 'any IP address (0.0.0.0/0 and ::/0)',
      () => [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }]);
  }

  /** The cluster DNS pods: `kube-system` pods labelled `k8s-app: kube-dns` unless told otherwise. */
  public static clusterDns(options: ClusterDnsOptions = {}): Peer {
    const namespace = options.namespace ?? 'kube-system';
    const labels = options.labels ?? { 'k8s-app': 'kube-dns' };
    const where = 'Peer.clusterDns()';
    checkNamespaceName(where, namespace);
    checkLabels(where, labels, true);
    return new Peer('pods', `dns.${namespace}.${labelKey(labels)}`, `cluster DNS (pods ${describeLabels(labels)} in ${namespace})`,
      (policyNamespace) => [podsIn(labels, namespace, policyNamespace)]);
  }

  /**
   * NodeLocal DNSCache on its link-local address. In kube-proxy iptables mode the cache also
   * answers on the kube-dns Service address, which pods keep using and which no DNAT rewrites,
   * so a policy must allow that address too: pass `kubeDnsAddress`.
   * @param address default 169.254.20.10
   */
  public static nodeLocalDns(address = '169.254.20.10', options: { kubeDnsAddress?: string } = {}): Peer {
    const blocks = [Cidr.host(address), ...(options.kubeDnsAddress !== undefined ? [Cidr.host(options.kubeDnsAddress)] : [])];
    const addresses = blocks.map((b) => b.cidr.replace(/\/\d+$/, ''));
    return new Peer('cidr', `dns.${addresses.join('+')}`, `NodeLocal DNSCache at ${addresses.join(' and ')}`, () => blocks.map((b) => ({ ipBlock: b.toIpBlock() })));
  }

  /**
   * The Kubernetes API server, for pods that call it (operators, controllers, Patroni). After
   * kube-proxy translates the `kubernetes.default` Service address, packets go to the API
   * server's own endpoint addresses and port (often 6443, or 443 on managed clusters), so
   * those are what an egress rule must allow. There is no portable selector for them: read
   * them from the `kubernetes` EndpointSlice in `default`
   * (`kubectl get endpointslice -n default -l kubernetes.io/service-name=kubernetes -o yaml`).
   * The port comes with the peer: `allowEgressTo(Peer.kubeApiServer({ ... }))` needs no other.
   */
  public static kubeApiServer(options: KubeApiServerOptions): Peer {
    const where = 'Peer.kubeApiServer()';
    const addresses = options.addresses ?? [];
    if (addresses.length === 0) {
      failValue(where, 'no addresses given. Give the API server endpoint addresses, from the kubernetes EndpointSlice in namespace default (kubectl get endpointslice -n default -l kubernetes.io/service-name=kubernetes).');
    }
    const port = options.port ?? 6443;
    const blocks = addresses.map((a) => {
      try {
        return Cidr.host(a);
      } catch {
        return failValue(where, `"${a}" is not an IP address. Give the endpoint addresses of the API server (an EndpointSlice lists IPs, not names).`);
      }
    });
    const ports = [Port.tcp(port, 'kube-api')];
    return new Peer('cidr', `kube-api.${blocks.map(String).sort().join('+')}`, `the Kubernetes API server (${addresses.join(', ')} on TCP ${port})`,
      () => blocks.map((b) => ({ ipBlock: b.toIpBlock() })), ports, undefined, 'kube-apiserver');
  }

  /** The pods of an ingress controller; defaults fit ingress-nginx's official chart. */
  public static ingressController(options: IngressControllerOptions = {}): Peer {
    const namespace = options.namespace ?? 'ingress-nginx';
    const labels = options.labels ?? { 'app.kubernetes.io/name': 'ingress-nginx' };
    const where = 'Peer.ingressController()';
    checkNamespaceName(where, namespace);
    checkLabels(where, labels, true);
    return new Peer('pods', `ingress.${namespace}.${labelKey(labels)}`, `ingress controller (pods ${describeLabels(labels)} in ${namespace})`,
      (policyNamespace) => [podsIn(labels, namespace, policyNamespace)]);
  }

  /**
   * A host outside the cluster by its DNS name (Cilium `toFQDNs` `matchName`). Only a
   * namespace with `NetworkDialect.cilium()` can write it: NetworkPolicy matches addresses.
   */
  public static fqdn(name: string): Peer {
    const where = `Peer.fqdn(${JSON.stringify(name)})`;
    const problem = hostProblem(name);
    if (problem || name.startsWith('*')) failValue(where, `"${name}" ${problem ?? 'has a wildcard'}; give a DNS name such as api.stripe.com, or use Peer.fqdnPattern("*.stripe.com").`);
    return new Peer('fqdn', `fqdn.${name}`, `host ${name}`, () => failValue(where, `NetworkPolicy cannot name a host: it matches addresses. Use a SecureNamespace with dialect: NetworkDialect.cilium(), or Peer.cidr(...) with the host's address ranges.`), [], { text: name, pattern: false });
  }

  /**
   * Hosts whose DNS names match a pattern (Cilium `toFQDNs` `matchPattern`): `*` is one label
   * (`*.stripe.com` matches api.stripe.com, not stripe.com), `**.` any chain of subdomains.
   */
  public static fqdnPattern(pattern: string): Peer {
    const where = `Peer.fqdnPattern(${JSON.stringify(pattern)})`;
    if (!/^(\*\*\.)?[a-z0-9*]([a-z0-9*-]*[a-z0-9*])?(\.[a-z0-9*]([a-z0-9*-]*[a-z0-9*])?)*$/.test(pattern) || pattern === '*') {
      failValue(where, `"${pattern}" is not a DNS name pattern: use lowercase letters, digits, '-', '.' and '*' (one label), e.g. "*.stripe.com"; "*" alone would allow every host.`);
    }
    return new Peer('fqdn', `fqdn.${pattern}`, `hosts ${pattern}`, () => failValue(where, 'NetworkPolicy cannot name hosts: it matches addresses. Use a SecureNamespace with dialect: NetworkDialect.cilium().'), [], { text: pattern, pattern: true });
  }

  private constructor(
    private readonly kind: PeerKind,
    /** A stable key, used to de-duplicate and order policy rules. */
    public readonly key: string,
    private readonly description: string,
    private readonly render: (policyNamespace: string) => PolicyPeerJson[],
    /** The ports the peer comes with (the API server's), used when an intent names none. */
    public readonly defaultPorts: readonly Port[] = [],
    /** For a host by name: the name or pattern. @default - not a host by name */
    public readonly fqdnSpec?: FqdnSpec,
    /** The Cilium entity this peer is (`kube-apiserver`), written as `toEntities` in the Cilium dialect. @default - none */
    public readonly ciliumEntity?: string,
  ) {}

  /** True for {@link Peer.fqdn} and {@link Peer.fqdnPattern}: hosts by DNS name, which only Cilium can write. */
  public get isFqdn(): boolean {
    return this.kind === 'fqdn';
  }

  /** True for IP-block peers, which match addresses and never pods. */
  public get isAddressBlock(): boolean {
    return this.kind === 'cidr' || this.kind === 'anywhere';
  }

  /** True for {@link Peer.anywhere}: traffic from or to every address. */
  public get isAnywhere(): boolean {
    return this.kind === 'anywhere';
  }

  /** The NetworkPolicy peers, for a policy that lives in `policyNamespace`. */
  public toPolicyPeers(policyNamespace: string): PolicyPeerJson[] {
    return this.render(policyNamespace);
  }

  /** The peer as a person reads it, e.g. `pods {app=web} in namespace shop`. */
  public toString(): string {
    return this.description;
  }
}

function podsIn(labels: Readonly<Record<string, string>>, namespace: string | undefined, policyNamespace: string): PolicyPeerJson {
  const podSelector = { matchLabels: { ...labels } };
  if (namespace === undefined || namespace === policyNamespace) return { podSelector };
  // Both selectors in one peer: pods with these labels AND in that namespace.
  return { podSelector, namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } } };
}

function checkLabels(where: string, labels: Record<string, string>, required: boolean): void {
  if (required && Object.keys(labels).length === 0) {
    failValue(where, 'no labels given, which would match every pod. Give at least one label, or use Peer.allNamespaces() if you mean everything.');
  }
  const problem = labelsProblem(labels);
  if (problem) failValue(where, `${problem}. Fix the label.`);
}


function labelKey(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

function describeLabels(labels: Readonly<Record<string, string>>): string {
  return `{${labelKey(labels)}}`;
}

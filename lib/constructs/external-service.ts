import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { INamespace, resolveNamespace } from '../workload/namespace-ref';
import { NetkitLint } from './netkit-lint';
import { Cidr } from '../net/cidr';
import { serviceFqdn } from '../net/dns';
import { formatIp, parseCidr, parseIp, rangeContains } from '../net/ip';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../net/names';
import { Peer } from '../net/peer';
import { Port } from '../net/port';
import { ExternalEgressRule, IExternalEgress } from '../policy/workload-network';
import { nameFixHint } from '../private/construct-name';
import { failAt } from '../private/errors';
import { Transaction } from '../private/transaction';
import { checkContainerPorts } from '../workload/pod';

/** Props shared by both forms. */
interface ExternalServiceCommonProps {
  /** The Service name. @default - the construct id */
  readonly name?: string;
  /** @default - the chart's namespace, else `default` */
  readonly namespace?: INamespace | string;
}

/** Props for {@link ExternalService.fromHostname}. */
export interface ExternalHostnameProps extends ExternalServiceCommonProps {
  /** The outside name clients reach, e.g. `db.example.com`. Not an IP address. */
  readonly hostname: string;
  /** Ports clients use; for documentation and for `connectTo`'s error message. @default - none */
  readonly ports?: Port[];
}

/** Props for {@link ExternalService.fromAddresses}. */
export interface ExternalAddressesProps extends ExternalServiceCommonProps {
  /** IPv4 and/or IPv6 addresses outside the cluster. */
  readonly addresses: string[];
  /** Ports the Service and its EndpointSlices expose (at least one). */
  readonly ports: Port[];
}

// EndpointSlice validation refuses these (loopback, link-local, multicast).
const FORBIDDEN_RANGES = ['127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/4', '::1/128', 'fe80::/10', 'ff00::/8', '0.0.0.0/8'].map((c) => parseCidr(c)!);

/**
 * A Service for something outside the cluster, in one of two forms:
 * - `fromHostname`: `type: ExternalName`, a CNAME to an outside name;
 * - `fromAddresses`: a selector-less Service backed by EndpointSlices of IP addresses, for
 *   when a CNAME will not do (an IP, TLS names, a port remap).
 *
 * NetworkPolicy sees IP addresses, never names: `connectTo` an address-form service opens
 * exactly its addresses and ports; the hostname form cannot be expressed and says so.
 */
export class ExternalService extends Construct implements IExternalEgress {
  /** An ExternalName Service: clients resolving `<name>.<ns>.svc` get a CNAME to `hostname`. */
  public static fromHostname(scope: Construct, id: string, props: ExternalHostnameProps): ExternalService {
    return new ExternalService(scope, id, props, 'hostname');
  }

  /** A selector-less Service whose endpoints are the given IP addresses. */
  public static fromAddresses(scope: Construct, id: string, props: ExternalAddressesProps): ExternalService {
    return new ExternalService(scope, id, props, 'addresses');
  }

  /** The Service's `metadata.name`. */
  public readonly name: string;
  /** The namespace it lives in. */
  public readonly namespaceName: string;
  /** The Service object. */
  public readonly service: k8s.KubeService;
  /** One EndpointSlice per address family (address form only). */
  public readonly endpointSlices: k8s.KubeEndpointSlice[] = [];
  /** The declared ports. */
  public readonly ports: readonly Port[];
  /** The addresses (address form), canonical. */
  public readonly addresses: readonly string[];
  /** The outside name (hostname form). */
  public readonly hostname?: string;

  private constructor(scope: Construct, id: string, props: ExternalHostnameProps | ExternalAddressesProps, form: 'hostname' | 'addresses') {
    super(scope, id);
    // A constructor that throws leaves nothing behind (lib/private/transaction.ts).
    const transaction = Transaction.begin(this);
    try {
      const name = props.name ?? id;
      const nameProblem = dns1123LabelProblem(name);
      if (nameProblem || !/^[a-z]/.test(name)) failAt(this, `name "${name}" ${nameProblem ?? 'must start with a letter'}. Service names are DNS-1035 labels such as "billing-db".${nameFixHint(props.name, name)}`);
      const namespace = resolveNamespace(this, props.namespace);
      let addresses: string[] = [];
      let ports: Port[] = [];
      let hostname: string | undefined;
      if (form === 'hostname') {
        const p = props as ExternalHostnameProps;
        hostname = p.hostname?.replace(/\.$/, '');
        if (hostname === undefined || parseIp(hostname)) {
          failAt(this, `hostname ${JSON.stringify(p.hostname)} is an IP address, but ExternalName is a CNAME: clients would get a name that never resolves as an A record. Use ExternalService.fromAddresses for IP addresses.`);
        }
        const problem = hostname.includes('*') ? 'contains a wildcard' : dns1123SubdomainProblem(hostname);
        if (problem) failAt(this, `hostname "${p.hostname}" ${problem}. Give a DNS name such as db.example.com.`);
        ports = p.ports && p.ports.length > 0 ? checkContainerPorts(this, p.ports) : [];
      } else {
        const p = props as ExternalAddressesProps;
        if (!p.addresses || p.addresses.length === 0) failAt(this, 'addresses is empty. Give at least one IP address, e.g. ["203.0.113.10"].');
        for (const address of p.addresses) {
          const ip = parseIp(address);
          if (!ip) failAt(this, `address "${address}" is not an IP address. Use fromHostname for names.`);
          if (FORBIDDEN_RANGES.some((r) => rangeContains(r, ip))) {
            failAt(this, `address ${address} is loopback, link-local or multicast, which EndpointSlices may not point at. Use the service's routable address.`);
          }
          const canonical = formatIp(ip);
          if (!addresses.includes(canonical)) addresses.push(canonical);
        }
        ports = checkContainerPorts(this, p.ports);
      }

      NetkitLint.of(this);
      this.name = name;
      this.namespaceName = namespace.namespaceName;
      this.ports = ports;
      this.addresses = addresses;
      this.hostname = hostname;
      const servicePorts = ports.map((p) => ({ name: p.name, port: p.number!, protocol: p.protocol }));
      this.service = new k8s.KubeService(this, 'service', {
        metadata: { name, namespace: this.namespaceName },
        spec: form === 'hostname'
          ? { type: 'ExternalName', externalName: hostname, ...(servicePorts.length > 0 ? { ports: servicePorts } : {}) }
          : { type: 'ClusterIP', ports: servicePorts.map((p) => ({ ...p, targetPort: k8s.IntOrString.fromNumber(p.port) })) },
      });
      for (const family of [4, 6] as const) {
        const familyAddresses = addresses.filter((a) => parseIp(a)!.family === family);
        if (familyAddresses.length === 0) continue;
        this.endpointSlices.push(new k8s.KubeEndpointSlice(this, `endpoints-ipv${family}`, {
          metadata: {
            name: `${name}-ipv${family}`,
            namespace: this.namespaceName,
            // The service-name label ties the slice to the Service; managed-by keeps the
            // EndpointSlice controller from garbage-collecting a slice it did not create.
            labels: { 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'cdk8s-netkit' },
          },
          addressType: `IPv${family}`,
          endpoints: familyAddresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
          ports: servicePorts,
        }));
      }
    } catch (error) {
      transaction.rollback();
      throw error;
    }
    transaction.commit();
  }

  /** The Service's DNS name inside the cluster. */
  public get fqdn(): string {
    return serviceFqdn(this.name, this.namespaceName);
  }

  /**
   * The addresses and ports a client must be allowed to reach: the host by name for the
   * hostname form, which only a namespace with `NetworkDialect.cilium()` can write.
   */
  public egressRule(_asker: IConstruct): ExternalEgressRule {
    if (this.hostname !== undefined) return { peer: Peer.fqdn(this.hostname), ports: [...this.ports], destination: this.node.path };
    const blocks = this.addresses.map((a) => Cidr.host(a));
    return { peer: blocks.length === 1 ? Peer.cidr(blocks[0]) : Peer.cidrs(blocks), ports: [...this.ports] };
  }
}

import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { NetkitLint } from './netkit-lint';
import { ServiceWorkload } from './service-workload';
import { ServiceExposure, SessionAffinity } from '../workload/service-exposure';
import { WorkloadProps } from '../workload/workload-props';
import { serviceFqdn } from '../net/dns';
import { Port } from '../net/port';
import { ManagedNetworkPolicy, PolicyType } from '../policy/network-policy';
import { ServiceBinding } from '../policy/service-backend';
import { PortRef, WorkloadNetwork } from '../policy/workload-network';
import { failAt } from '../private/errors';
import { Transaction } from '../private/transaction';
import { checkServicePorts, renderExposure } from '../workload/service-spec';
import {
  acknowledgeAnnotations, checkContainerPorts, containerProps, finishWorkload, podProps, resolveWorkload, serviceAccountFor,
} from '../workload/pod';


/** Props for {@link ExposedApp}. */
export interface ExposedAppProps extends WorkloadProps {
  /**
   * The container ports. The first is the main port: the readiness probe, `url` and
   * `connectTo` default to it. Give each a name when there are several (the Service
   * refers to them by name).
   */
  readonly ports: Port[];
  /**
   * The Service port for the main container port; every other port keeps its number.
   * @default - the main container port's number
   */
  readonly servicePort?: number;
  /**
   * How the Service is reached.
   * @default ServiceExposure.clusterIp() — internal only, as the Kubernetes docs recommend
   *          for everything that does not face users.
   */
  readonly exposure?: ServiceExposure;
  /** @default SessionAffinity.none() */
  readonly sessionAffinity?: SessionAffinity;
  /**
   * Prefer endpoints in the client's zone (annotation `service.kubernetes.io/topology-mode: Auto`).
   * @default false
   */
  readonly topologyAwareRouting?: boolean;
  /**
   * Run in the node's network namespace. Opt-in: the pod then bypasses pod NetworkPolicy
   * isolation on most CNIs and can see every node interface.
   * @default false
   */
  readonly hostNetwork?: boolean;
  /** @default 2 — one pod can be drained without an outage */
  readonly replicas?: number;
}

/**
 * One stateless app: a Deployment, its Service, and a NetworkPolicy that lets the pods
 * accept only declared peers on declared ports and send only to declared targets and DNS.
 *
 * ```ts
 * const api = new ExposedApp(chart, 'api', { namespace: ns, image: 'acme/api:1.4.2', ports: [Port.tcp(8080, 'http')] });
 * web.connectTo(api);        // egress on web, ingress on api, port "http"
 * ```
 */
export class ExposedApp extends ServiceWorkload {
  /** The app name (metadata.name of every object). */
  public readonly name: string;
  /** The namespace. */
  public readonly namespaceName: string;
  /** Labels that select exactly this app's pods. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** The container ports; the first is the main one. */
  public readonly ports: readonly Port[];
  /** The cdk8s-plus Deployment, for fields this construct does not model. */
  public readonly deployment: kplus.Deployment;
  /** The Service object. */
  public readonly service: k8s.KubeService;
  /** The app's NetworkPolicy. */
  public readonly networkPolicy: ManagedNetworkPolicy;
  /** The app's intents. */
  public readonly network: WorkloadNetwork;
  /** Its own ServiceAccount, with `serviceAccount: true`; bind Roles to it. */
  public readonly serviceAccount?: k8s.KubeServiceAccount;
  /** The cluster domain its DNS names use (CoreDnsConfig checks it serves this one). */
  public readonly clusterDomain: string;
  private readonly servicePorts: ReadonlyMap<Port, number>;

  constructor(scope: Construct, id: string, props: ExposedAppProps) {
    super(scope, id);
    // A constructor that throws leaves nothing behind (lib/private/transaction.ts).
    const transaction = Transaction.begin(this);
    try {
      // Every check runs before the first object is created, so a bad prop leaves nothing behind.
      const hostNetwork = props.hostNetwork ?? false;
      const workload = resolveWorkload(this, id, props, hostNetwork);
      const ports = checkContainerPorts(this, props.ports);
      const replicas = props.replicas ?? 2;
      if (!Number.isInteger(replicas) || replicas < 0) failAt(this, `replicas ${replicas} must be a whole number of at least 0.`);
      const servicePorts = checkServicePorts(this, ports, props.servicePort);
      const serviceSpec = renderExposure(this, props.exposure ?? ServiceExposure.clusterIp(), ports, props.sessionAffinity);
      const container = containerProps(this, workload, props, ports);

      const lint = NetkitLint.of(this);
      if (serviceSpec.nodePortRange) lint.configure({ nodePortRange: serviceSpec.nodePortRange });
      this.name = workload.name;
      this.namespaceName = workload.namespace.namespaceName;
      this.clusterDomain = workload.clusterDomain;
      this.ports = ports;
      this.servicePorts = servicePorts;
      this.selectorLabels = workload.selectorLabels;

      this.deployment = new kplus.Deployment(this, 'deployment', {
        metadata: {
          name: this.name,
          namespace: this.namespaceName,
          labels: workload.objectLabels,
          ...(hostNetwork ? { annotations: acknowledgeAnnotations({ 'host-network': 'explicit opt-in: hostNetwork: true' }) } : {}),
        },
        ...podProps(workload, props),
        replicas,
        containers: [container],
      });
      this.serviceAccount = serviceAccountFor(this, workload, props);
      finishWorkload(this.deployment, workload, { serviceAccount: this.serviceAccount });

      this.service = new k8s.KubeService(this, 'service', {
        metadata: {
          name: this.name,
          namespace: this.namespaceName,
          labels: workload.objectLabels,
          annotations: {
            ...serviceSpec.annotations,
            ...(props.topologyAwareRouting ? { 'service.kubernetes.io/topology-mode': 'Auto' } : {}),
            ...acknowledgeAnnotations(serviceSpec.acknowledged),
          },
        },
        spec: {
          ...serviceSpec.spec,
          selector: { ...this.selectorLabels },
          ports: ports.map((p) => ({
            name: p.name,
            port: servicePorts.get(p)!,
            targetPort: p.name ? k8s.IntOrString.fromString(p.name) : k8s.IntOrString.fromNumber(p.number!),
            protocol: p.protocol,
            nodePort: serviceSpec.nodePorts.get(p),
          })),
        },
      });

      this.networkPolicy = new ManagedNetworkPolicy(this, 'network-policy', {
        name: this.name, namespace: this.namespaceName, podSelector: this.selectorLabels, policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS],
      });
      this.network = new WorkloadNetwork(this, this.networkPolicy, ports, { dialect: workload.namespace.dialect, dnsServers: workload.namespace.dnsServers });
      this.network.allowDns(workload.dnsServers);
      for (const source of serviceSpec.allowedSources) this.network.allowFrom(source);
    } catch (error) {
      transaction.rollback();
      throw error;
    }
    transaction.commit();
  }

  /** The Service's DNS name, e.g. `api.production.svc.cluster.local`. */
  public get fqdn(): string {
    return serviceFqdn(this.name, this.namespaceName, this.clusterDomain);
  }

  /** The Service name (same as the app name). */
  public get serviceName(): string {
    return this.name;
  }

  /** The Service port for a declared port (default: the main one). */
  public serviceBinding(port?: PortRef, asker?: IConstruct): ServiceBinding {
    const chosen = port === undefined ? this.ports[0] : this.network.resolvePorts([port], asker)[0];
    return { servicePort: this.servicePorts.get(chosen)!, port: chosen };
  }

  /**
   * A URL for the Service, e.g. `http://api.production.svc.cluster.local:80`.
   * @param scheme default 'http'
   * @param port a declared port or its name; default the main port
   */
  public url(scheme = 'http', port?: PortRef): string {
    return `${scheme}://${this.fqdn}:${this.serviceBinding(port).servicePort}`;
  }
}

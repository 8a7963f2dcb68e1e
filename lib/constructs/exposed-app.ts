import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NetkitLint } from './netkit-lint';
import { INamespace, resolveNamespace } from './namespace-ref';
import { Probe } from './probe';
import { checkServicePorts, renderExposure } from '../private/service-spec';
import { ServiceExposure, SessionAffinity } from './service-exposure';
import { DEFAULT_CLUSTER_DOMAIN, DnsConfig, DnsPolicy, clusterDomainProblem, serviceFqdn } from '../net/dns';
import { dns1123LabelProblem, labelsProblem } from '../net/names';
import { Peer } from '../net/peer';
import { Port } from '../net/port';
import { ManagedNetworkPolicy, PolicyType } from '../policy/network-policy';
import { INetworkedWorkload, PortRef, WorkloadNetwork } from '../policy/workload-network';
import { IGNORE_ANNOTATION, IGNORE_REASON_ANNOTATION } from '../lint/engine';
import { failAt } from '../private/errors';
import { restrictedContainerSecurity, restrictedPodSecurity } from '../private/pod-security';

/** The label every workload of ours selects its pods by. */
export const APP_NAME_LABEL = 'app.kubernetes.io/name';

/** Props for {@link ExposedApp}. */
export interface ExposedAppProps {
  /** Container image, pinned by tag or digest. */
  readonly image: string;
  /**
   * The container ports. The first is the main port: the readiness probe, `url` and
   * `connectTo` default to it. Give each a name when there are several (the Service
   * refers to them by name).
   */
  readonly ports: Port[];
  /**
   * The app's name: Deployment, Service and NetworkPolicy `metadata.name`, and the
   * `app.kubernetes.io/name` label its pods are selected by. A DNS-1035 label.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace. A {@link SecureNamespace} also supplies the DNS servers to allow.
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: INamespace | string;
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
   * Gates Service traffic on the pod being ready.
   * @default Probe.tcp() on the main port
   */
  readonly readiness?: Probe;
  /** Restarts the container when it fails. @default - none (a bad liveness probe restarts healthy pods) */
  readonly liveness?: Probe;
  /** Holds readiness and liveness back while the app starts. @default - none */
  readonly startup?: Probe;
  /**
   * DNS policy and resolver options.
   * @default DnsConfig.clusterFirst(), or clusterFirstWithHostNet() with hostNetwork
   */
  readonly dns?: DnsConfig;
  /**
   * Run in the node's network namespace. Opt-in: the pod then bypasses pod NetworkPolicy
   * isolation on most CNIs and can see every node interface.
   * @default false
   */
  readonly hostNetwork?: boolean;
  /** @default 2 — one pod can be drained without an outage */
  readonly replicas?: number;
  /** Environment variables. @default - none */
  readonly env?: Record<string, string>;
  /** Container arguments. @default - the image's */
  readonly args?: string[];
  /** Container command. @default - the image's entrypoint */
  readonly command?: string[];
  /** Extra labels for the pods and objects. @default - none */
  readonly labels?: Record<string, string>;
  /** CPU and memory. @default - cdk8s-plus-28's defaults */
  readonly resources?: kplus.ContainerResources;
  /** The user id to run as (restricted Pod Security requires non-root). @default - the image's user, checked non-root at start */
  readonly runAsUser?: number;
  /** Mount a service-account token. @default false — most apps never call the API server */
  readonly serviceAccountToken?: boolean;
  /** The cluster domain for FQDNs. @default 'cluster.local' */
  readonly clusterDomain?: string;
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
export class ExposedApp extends Construct implements INetworkedWorkload {
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
  private readonly clusterDomain: string;
  private readonly servicePorts: ReadonlyMap<Port, number>;

  constructor(scope: Construct, id: string, props: ExposedAppProps) {
    super(scope, id);
    // Every check runs before the first object is created, so a bad prop leaves nothing behind.
    const name = props.name ?? id;
    checkAppName(this, name);
    const namespace = resolveNamespace(this, props.namespace);
    const ports = checkContainerPorts(this, props.ports);
    const replicas = props.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 0) failAt(this, `replicas ${replicas} must be a whole number of at least 0.`);
    if (typeof props.image !== 'string' || props.image.trim() === '' || /\s/.test(props.image)) {
      failAt(this, `image ${JSON.stringify(props.image)} is not an image reference. Give one such as "acme/api:1.4.2".`);
    }
    const extraLabels = props.labels ?? {};
    const labelProblem = labelsProblem(extraLabels);
    if (labelProblem) failAt(this, `${labelProblem}. Label values are at most 63 characters of letters, digits, '-', '_' and '.'.`);
    if (extraLabels[APP_NAME_LABEL] !== undefined) failAt(this, `labels may not set ${APP_NAME_LABEL}; it is the app name ("${name}") and selects the pods. Use the name prop.`);
    this.clusterDomain = props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    const domainProblem = clusterDomainProblem(this.clusterDomain);
    if (domainProblem) failAt(this, domainProblem);
    const hostNetwork = props.hostNetwork ?? false;
    const dns = props.dns ?? (hostNetwork ? DnsConfig.clusterFirstWithHostNet() : DnsConfig.clusterFirst());
    if (hostNetwork && dns.policy === DnsPolicy.CLUSTER_FIRST) {
      failAt(this, 'a hostNetwork pod with dnsPolicy ClusterFirst uses the node\'s resolvers, not the cluster DNS. Use DnsConfig.clusterFirstWithHostNet().');
    }
    const servicePorts = checkServicePorts(this, ports, props.servicePort);
    const exposure = props.exposure ?? ServiceExposure.clusterIp();
    const serviceSpec = renderExposure(this, exposure, ports, props.sessionAffinity);
    const readiness = props.readiness ?? Probe.tcp();
    const probes = {
      readiness: this.probeFor(readiness, ports),
      liveness: props.liveness ? this.probeFor(props.liveness, ports) : undefined,
      startup: props.startup ? this.probeFor(props.startup, ports) : undefined,
    };

    const lint = NetkitLint.of(this);
    if (serviceSpec.nodePortRange) lint.configure({ nodePortRange: serviceSpec.nodePortRange });
    this.name = name;
    this.namespaceName = namespace.namespaceName;
    this.ports = ports;
    this.servicePorts = servicePorts;
    this.selectorLabels = { [APP_NAME_LABEL]: name };
    const objectLabels = { ...extraLabels, ...this.selectorLabels };

    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata: {
        name,
        namespace: this.namespaceName,
        labels: objectLabels,
        ...(hostNetwork ? { annotations: acknowledgeAnnotations({ 'host-network': 'explicit opt-in: hostNetwork: true' }) } : {}),
      },
      podMetadata: { labels: objectLabels },
      // Our own stable label, not cdk8s-plus's hashed cdk8s.io/metadata.addr.
      select: false,
      replicas,
      automountServiceAccountToken: props.serviceAccountToken ?? false,
      hostNetwork,
      securityContext: restrictedPodSecurity(props.runAsUser),
      containers: [{
        name,
        image: props.image,
        ports: ports.map((p) => ({ number: p.number!, name: p.name, protocol: p.protocol as unknown as kplus.Protocol })),
        readiness: probes.readiness,
        liveness: probes.liveness,
        startup: probes.startup,
        envVariables: envFrom(props.env),
        args: props.args,
        command: props.command,
        resources: props.resources,
        securityContext: restrictedContainerSecurity(props.runAsUser),
      }],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.selectorLabels as Record<string, string> }));
    applyDns(this.deployment, dns);
    ApiObject.of(this.deployment).addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));

    this.service = new k8s.KubeService(this, 'service', {
      metadata: {
        name,
        namespace: this.namespaceName,
        labels: objectLabels,
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
      name, namespace: this.namespaceName, podSelector: this.selectorLabels, policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS],
    });
    this.network = new WorkloadNetwork(this, this.networkPolicy, ports);
    this.network.allowDns([...namespace.dnsServers, ...dns.nameservers.map((ip) => Peer.ipAddress(ip))]);
    for (const source of serviceSpec.allowedSources) this.network.allowFrom(source);
  }

  /**
   * Both sides of a connection from this app to `target`: egress here, ingress there,
   * on `port` (a declared port of the target, or its name).
   * @param port default: every port the target accepts
   */
  public connectTo(target: INetworkedWorkload, port?: PortRef): void {
    this.network.connectTo(target, port === undefined ? [] : [port]);
  }

  /** Lets `peer` reach this app on `ports` (declared ports; default all of them). */
  public allowFrom(peer: Peer, ...ports: PortRef[]): void {
    this.network.allowFrom(peer, ports);
  }

  /** Lets this app send to `peer` on `ports` (at least one). */
  public allowEgressTo(peer: Peer, ...ports: Port[]): void {
    this.network.allowEgressTo(peer, ports);
  }

  /** The Service's DNS name, e.g. `api.production.svc.cluster.local`. */
  public get fqdn(): string {
    return serviceFqdn(this.name, this.namespaceName, this.clusterDomain);
  }

  /** The Service name (same as the app name). */
  public get serviceName(): string {
    return this.name;
  }

  /**
   * A URL for the Service, e.g. `http://api.production.svc.cluster.local:80`.
   * @param scheme default 'http'
   * @param port a declared port or its name; default the main port
   */
  public url(scheme = 'http', port?: PortRef): string {
    const chosen = port === undefined ? this.ports[0] : this.network.resolvePorts([port])[0];
    return `${scheme}://${this.fqdn}:${this.servicePorts.get(chosen)}`;
  }

  private probeFor(probe: Probe, ports: readonly Port[]): kplus.Probe {
    if (!probe.usesPort) return probe._toKplus(undefined);
    const requested = probe.requestedPort;
    const port = requested === undefined ? ports[0]
      : ports.find((p) => (typeof requested === 'string' ? p.name === requested : p.number === requested.number && p.protocol === requested.protocol));
    if (!port) failAt(this, `a probe asks for ${String(requested)}, which is not a declared port (${ports.map(String).join(', ')}). Probe a declared port.`);
    return probe._toKplus(port.number);
  }
}

function checkAppName(scope: Construct, name: string): void {
  const problem = dns1123LabelProblem(name);
  if (problem) failAt(scope, `name "${name}" ${problem}. App names become Service names; use one like "shop-api".`);
  if (!/^[a-z]/.test(name)) failAt(scope, `name "${name}" must start with a letter, because it is also the Service name (a DNS-1035 label). Use one like "api-2".`);
}

function checkContainerPorts(scope: Construct, ports: Port[] | undefined): Port[] {
  if (!ports || ports.length === 0) failAt(scope, 'ports is empty; an app needs at least one port to expose. Add one, e.g. Port.tcp(8080, "http").');
  const seenNumbers = new Set<string>();
  const seenNames = new Set<string>();
  for (const port of ports) {
    if (!port.isSingleNumbered) failAt(scope, `${port} cannot be a container port; give a single number, e.g. Port.tcp(8080, "http").`);
    const numberKey = `${port.protocol}/${port.number}`;
    if (seenNumbers.has(numberKey)) failAt(scope, `${port} is declared twice. Declare each port once.`);
    seenNumbers.add(numberKey);
    if (port.name !== undefined) {
      if (seenNames.has(port.name)) failAt(scope, `port name "${port.name}" is used twice. Give each port its own name.`);
      seenNames.add(port.name);
    } else if (ports.length > 1) {
      failAt(scope, `${port} has no name, and a Service with several ports needs a name on each. Name it, e.g. Port.tcp(${port.number}, "metrics").`);
    }
  }
  return [...ports];
}

/**
 * Lint suppressions for findings the user opted into by name, so the committed YAML says
 * why an exposure is intended and `netkit check` agrees with synth.
 */
function acknowledgeAnnotations(acknowledged: Record<string, string>): Record<string, string> {
  const rules = Object.keys(acknowledged).sort();
  if (rules.length === 0) return {};
  return { [IGNORE_ANNOTATION]: rules.join(','), [IGNORE_REASON_ANNOTATION]: rules.map((r) => acknowledged[r]).join('; ') };
}

function envFrom(env: Record<string, string> | undefined): Record<string, kplus.EnvValue> | undefined {
  if (!env) return undefined;
  const result: Record<string, kplus.EnvValue> = {};
  for (const key of Object.keys(env).sort()) result[key] = kplus.EnvValue.fromValue(env[key]);
  return result;
}

/** Writes dnsPolicy/dnsConfig as our DnsConfig renders them (cdk8s-plus has no ndots shorthand). */
function applyDns(deployment: kplus.Deployment, dns: DnsConfig): void {
  const json = dns.toJson();
  const patches = [JsonPatch.replace('/spec/template/spec/dnsPolicy', json.dnsPolicy)];
  if (json.dnsConfig) patches.push(JsonPatch.add('/spec/template/spec/dnsConfig', json.dnsConfig));
  ApiObject.of(deployment).addJsonPatch(...patches);
}

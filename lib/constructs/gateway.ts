import { ApiObject } from 'cdk8s';
import type { IGateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import type { IHTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { Construct } from 'constructs';
import { IssuerRef } from './certificate';
import { INamespace, resolveNamespace } from '../workload/namespace-ref';
import { NetkitLint } from './netkit-lint';
import { dns1123LabelProblem, dns1123SubdomainProblem, hostProblem, labelsProblem } from '../net/names';
import { Peer } from '../net/peer';
import { Port } from '../net/port';
import { ManagedNetworkPolicy, PolicyType } from '../policy/network-policy';
import { IServiceBackend } from '../policy/service-backend';
import { nameFixHint } from '../private/construct-name';
import { failAt } from '../private/errors';
import { Transaction } from '../private/transaction';

/** The Gateway API group. */
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** Which namespaces' routes may attach to a listener. */
export class AllowedRoutes {
  /** Routes in the Gateway's namespace only (the Gateway API default). */
  public static sameNamespace(): AllowedRoutes {
    return new AllowedRoutes({ from: 'Same' });
  }

  /** Routes in namespaces with these labels. */
  public static fromNamespaces(labels: Record<string, string>): AllowedRoutes {
    return new AllowedRoutes({ from: 'Selector', selector: { matchLabels: { ...labels } } });
  }

  /** Routes in every namespace. */
  public static allNamespaces(): AllowedRoutes {
    return new AllowedRoutes({ from: 'All' });
  }

  /** @internal */
  public readonly _namespaces: { from: 'All' | 'Same' | 'Selector'; selector?: { matchLabels: Record<string, string> } };

  private constructor(namespaces: { from: 'All' | 'Same' | 'Selector'; selector?: { matchLabels: Record<string, string> } }) {
    this._namespaces = namespaces;
  }
}

/** An HTTPS listener. */
export interface HttpsListener {
  /** @default 'https', or 'https-<n>' for the n-th listener */
  readonly name?: string;
  /** Only requests for this host (a wildcard allowed as the left-most label). @default - every host */
  readonly hostname?: string;
  /** @default 443 */
  readonly port?: number;
  /**
   * TLS Secrets in the Gateway's namespace: the named opt-in for Secrets you create yourself.
   * Without them the Gateway's `issuer` must issue `<gateway>-tls` (cert-manager's gateway-shim).
   * @default ['<gateway>-tls'], issued by the Gateway's `issuer`; required when it has none
   */
  readonly certificateSecrets?: string[];
  /** @default AllowedRoutes.sameNamespace() */
  readonly allowedRoutes?: AllowedRoutes;
}

/** Props for {@link Gateway}. */
export interface GatewayProps {
  /** The GatewayClass (`spec.gatewayClassName`). */
  readonly className: string;
  /** @default - the construct id */
  readonly name?: string;
  /** @default - the chart's namespace, else `default` */
  readonly namespace?: INamespace | string;
  /** HTTPS listeners (TLS terminated at the Gateway). At least one. */
  readonly listeners: HttpsListener[];
  /**
   * Add an HTTP listener on port 80 whose only route redirects to HTTPS (301).
   * @default true
   */
  readonly httpRedirect?: boolean;
  /** Let cert-manager's gateway-shim issue the listener certificates. @default - every listener names its `certificateSecrets` */
  readonly issuer?: IssuerRef;
  /**
   * The Gateway's data-plane pods, which route backends accept traffic from.
   * @default pods labelled `gateway.networking.k8s.io/gateway-name: <name>` in the Gateway's namespace
   *          (the label Istio and other implementations put on per-Gateway proxies)
   */
  readonly dataPlane?: GatewayDataPlane;
}

/** Where a Gateway's proxies run, and who may reach them. */
export interface GatewayDataPlane {
  /** @default - the Gateway's namespace */
  readonly namespace?: string;
  /** @default { 'gateway.networking.k8s.io/gateway-name': <gateway name> } */
  readonly labels?: Record<string, string>;
  /**
   * Clients the proxies accept on the listener ports. Applies when the proxies run in the
   * Gateway's own namespace, where this construct writes their NetworkPolicy.
   * @default [Peer.anywhere()] — a Gateway is the edge; narrow it for internal gateways
   */
  readonly allowFrom?: Peer[];
}

/**
 * A gateway.networking.k8s.io/v1 Gateway: HTTPS listeners with certificate references,
 * the routes each may accept, and (by default) an HTTP listener that only redirects.
 */
export class Gateway extends Construct {
  /** The Gateway's `metadata.name`. */
  public readonly name: string;
  /** The namespace it lives in. */
  public readonly namespaceName: string;
  /** The Gateway object. */
  public readonly gateway: ApiObject;
  /** The HTTP-to-HTTPS redirect route, if any. */
  public readonly redirectRoute?: ApiObject;
  /** The data-plane pods, as a policy peer. */
  public readonly dataPlanePeer: Peer;
  /**
   * The proxies' NetworkPolicy (ingress on the listener ports, egress to DNS and to route
   * backends), written when they run in the Gateway's namespace. In another namespace,
   * which this chart does not own, nothing is written there.
   */
  public readonly dataPlanePolicy?: ManagedNetworkPolicy;
  /** Listener names and which namespaces may attach. */
  private readonly listenerRoutes: Map<string, { from: 'All' | 'Same' | 'Selector'; selector?: { matchLabels: Record<string, string> } }>;

  constructor(scope: Construct, id: string, props: GatewayProps) {
    super(scope, id);
    // A constructor that throws leaves nothing behind (lib/private/transaction.ts).
    const transaction = Transaction.begin(this);
    try {
      const name = props.name ?? id;
      const nameProblem = dns1123SubdomainProblem(name);
      if (nameProblem) failAt(this, `name "${name}" ${nameProblem}. Use a name like "edge".${nameFixHint(props.name, name)}`);
      const classProblem = typeof props.className === 'string' ? dns1123SubdomainProblem(props.className) : 'is missing';
      if (classProblem) failAt(this, `className ${JSON.stringify(props.className)} ${classProblem}. Give the GatewayClass name.`);
      const namespace = resolveNamespace(this, props.namespace);
      if (!props.listeners || props.listeners.length === 0) failAt(this, 'listeners is empty; a Gateway needs at least one. Add { hostname: "shop.example.com" }.');
      const listeners: NonNullable<IGateway['spec']['listeners']> = [];
      this.listenerRoutes = new Map();
      props.listeners.forEach((listener, i) => {
        const listenerName = listener.name ?? (i === 0 ? 'https' : `https-${i}`);
        const problem = dns1123LabelProblem(listenerName);
        if (problem) failAt(this, `listener name "${listenerName}" ${problem}.`);
        if (this.listenerRoutes.has(listenerName)) failAt(this, `listener name "${listenerName}" is used twice. Give each listener its own name.`);
        if (listener.hostname !== undefined) {
          const hostIssue = hostProblem(listener.hostname);
          if (hostIssue) failAt(this, `listener ${listenerName} hostname "${listener.hostname}" ${hostIssue}.`);
        }
        const port = listener.port ?? 443;
        if (!Number.isInteger(port) || port < 1 || port > 65535) failAt(this, `listener ${listenerName} port ${port} is not 1-65535.`);
        if (!listener.certificateSecrets && !props.issuer) {
          failAt(this, `listener ${listenerName} has no certificate: nothing would create the Secret "${name}-tls" it needs. Set issuer: IssuerRef.cluster('letsencrypt-prod') on the Gateway (cert-manager's gateway-shim issues it), or certificateSecrets: ['${name}-tls'] for a Secret you create.`);
        }
        const secrets = listener.certificateSecrets ?? [`${name}-tls`];
        if (secrets.length === 0) failAt(this, `listener ${listenerName} has no certificate Secret; an HTTPS listener needs one.`);
        for (const secret of secrets) {
          const secretProblem = dns1123SubdomainProblem(secret);
          if (secretProblem) failAt(this, `listener ${listenerName} secret "${secret}" ${secretProblem}.`);
        }
        const allowed = (listener.allowedRoutes ?? AllowedRoutes.sameNamespace())._namespaces;
        if (allowed.selector) {
          const labelProblem = labelsProblem(allowed.selector.matchLabels);
          if (labelProblem) failAt(this, `listener ${listenerName} allowedRoutes: ${labelProblem}.`);
        }
        this.listenerRoutes.set(listenerName, allowed);
        listeners.push({
          name: listenerName,
          protocol: 'HTTPS',
          port,
          ...(listener.hostname ? { hostname: listener.hostname } : {}),
          tls: { mode: 'Terminate', certificateRefs: secrets.map((s) => ({ kind: 'Secret', group: '', name: s })) },
          allowedRoutes: { namespaces: allowed, kinds: [{ group: GATEWAY_GROUP, kind: 'HTTPRoute' }] },
        });
      });
      const redirect = props.httpRedirect ?? true;
      if (redirect) {
        if (this.listenerRoutes.has('http')) failAt(this, 'listener name "http" is reserved for the HTTPS redirect. Rename the listener or set httpRedirect: false.');
        listeners.push({ name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: GATEWAY_GROUP, kind: 'HTTPRoute' }] } });
      }
      const dataPlaneLabels = props.dataPlane?.labels ?? { [`${GATEWAY_GROUP}/gateway-name`]: name };
      const dataPlaneNamespace = props.dataPlane?.namespace ?? namespace.namespaceName;
      this.dataPlanePeer = Peer.pods(dataPlaneLabels, { namespace: dataPlaneNamespace });
      const clientPeers = props.dataPlane?.allowFrom ?? [Peer.anywhere()];
      if (clientPeers.length === 0) failAt(this, 'dataPlane.allowFrom is empty, so no client could reach the Gateway. Omit it to accept every address, or name the clients.');

      NetkitLint.of(this);
      this.name = name;
      this.namespaceName = namespace.namespaceName;
      const gateway: IGateway = {
        apiVersion: `${GATEWAY_GROUP}/v1`,
        kind: 'Gateway',
        metadata: {
          name,
          namespace: this.namespaceName,
          ...(props.issuer ? { annotations: { [props.issuer.kind === 'ClusterIssuer' ? 'cert-manager.io/cluster-issuer' : 'cert-manager.io/issuer']: props.issuer.name } } : {}),
        },
        spec: { gatewayClassName: props.className, listeners },
      };
      this.gateway = new ApiObject(this, 'gateway', gateway);
      if (dataPlaneNamespace === this.namespaceName) {
        this.dataPlanePolicy = new ManagedNetworkPolicy(this, 'data-plane-policy', {
          name: `${name}-data-plane`, namespace: this.namespaceName, podSelector: dataPlaneLabels, policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS],
        });
        const listenerPorts = [...new Set(listeners.map((l) => l.port))].sort((a, b) => a - b).map((p) => Port.tcp(p));
        for (const peer of clientPeers) {
          this.dataPlanePolicy.ingressRules.set(`clients-${peer.key}`, { peers: peer.toPolicyPeers(this.namespaceName), ports: listenerPorts.map((p) => p.toPolicyPort()) });
        }
        const dnsPorts = [Port.udp(53), Port.tcp(53)].map((p) => p.toPolicyPort());
        for (const server of namespace.dnsServers) {
          this.dataPlanePolicy.egressRules.set(`dns-${server.key}`, { peers: server.toPolicyPeers(this.namespaceName), ports: dnsPorts });
        }
      }
      if (redirect) {
        const route: IHTTPRoute = {
          apiVersion: `${GATEWAY_GROUP}/v1`,
          kind: 'HTTPRoute',
          metadata: { name: `${name}-https-redirect`, namespace: this.namespaceName },
          spec: {
            parentRefs: [{ group: GATEWAY_GROUP, kind: 'Gateway', name, sectionName: 'http' }],
            rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
          },
        };
        this.redirectRoute = new ApiObject(this, 'https-redirect', route);
      }
    } catch (error) {
      transaction.rollback();
      throw error;
    }
    transaction.commit();
  }

  /**
   * Lets the proxies send to a route backend on its port (the egress half of the route;
   * the backend writes the ingress half).
   * @internal
   */
  public _allowBackend(backend: IServiceBackend, port: Port): void {
    if (!this.dataPlanePolicy) return;
    const peer = Peer.workload(backend);
    this.dataPlanePolicy.egressRules.set(`backend-${peer.key}-${port.key}`, { peers: peer.toPolicyPeers(this.namespaceName), ports: [port.toPolicyPort()] });
  }

  /** The HTTPS listener names. */
  public get listenerNames(): string[] {
    return [...this.listenerRoutes.keys()];
  }

  /**
   * Why a route in `namespace` (with `labels`) may not attach to `sectionName` (or to any
   * listener), or undefined when it may.
   * @internal
   */
  public _attachmentProblem(namespace: string, labels: Readonly<Record<string, string>>, sectionName: string | undefined): string | undefined {
    const names = sectionName === undefined ? this.listenerNames : [sectionName];
    if (sectionName !== undefined && !this.listenerRoutes.has(sectionName)) {
      return `Gateway ${this.name} has no HTTPS listener "${sectionName}" (it has: ${this.listenerNames.join(', ')})`;
    }
    const allowed = names.some((n) => {
      const rule = this.listenerRoutes.get(n)!;
      if (rule.from === 'All') return true;
      if (rule.from === 'Same') return namespace === this.namespaceName;
      return Object.entries(rule.selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    });
    return allowed ? undefined : `Gateway ${this.namespaceName}/${this.name} does not accept routes from namespace ${namespace}. Set the listener's allowedRoutes, or put the route in ${this.namespaceName}`;
  }
}

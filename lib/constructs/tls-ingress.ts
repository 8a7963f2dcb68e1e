import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { ICertificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { Construct } from 'constructs';
import { Certificate } from './certificate';
import { HttpRouteOptions, IHttpExposure, PathType } from './http-exposure';
import { INamespace, resolveNamespace } from '../workload/namespace-ref';
import { NetkitLint } from './netkit-lint';
import { NginxOptions, nginxAnnotations } from './nginx-options';
import { dns1123SubdomainProblem, hostProblem, portNameProblem } from '../net/names';
import { IngressControllerOptions, Peer } from '../net/peer';
import { IServiceBackend } from '../policy/service-backend';
import { PortRef } from '../policy/workload-network';
import { nameFixHint } from '../private/construct-name';
import { failAt } from '../private/errors';
import { Transaction, atomically, recordUndo } from '../private/transaction';
import { acknowledgeAnnotations } from '../workload/pod';

/** An Ingress backend: one of our workloads, or a Service we do not manage. */
export class IngressBackend {
  /** One of our workloads, on a declared port (default its main port). */
  public static of(workload: IServiceBackend, port?: PortRef): IngressBackend {
    return new IngressBackend(workload, port, undefined);
  }

  /** A Service by name and port (number or name). No NetworkPolicy is written for it. */
  public static service(name: string, port: number | string): IngressBackend {
    return new IngressBackend(undefined, undefined, { name, port });
  }

  private constructor(
    /** @internal */ public readonly _workload: IServiceBackend | undefined,
    /** @internal */ public readonly _port: PortRef | undefined,
    /** @internal */ public readonly _service: { name: string; port: number | string } | undefined,
  ) {}
}

/** One path of a rule. */
export interface IngressPath {
  /** @default '/' */
  readonly path?: string;
  /** @default PathType.PREFIX */
  readonly pathType?: PathType;
  /** Where matching requests go: a workload construct, or `IngressBackend.service(...)`. */
  readonly backend: IServiceBackend | IngressBackend;
}

/** A host and its paths. */
export interface IngressRule {
  /** The DNS name (a wildcard only as the whole left-most label). */
  readonly host: string;
  /** Its paths, each to one backend. */
  readonly paths: IngressPath[];
}

/** Props for {@link TlsIngress}. */
export interface TlsIngressProps {
  /** The IngressClass, written as `spec.ingressClassName` (never the deprecated annotation). */
  readonly className: string;
  /** @default - the construct id */
  readonly name?: string;
  /** Must be the backends' namespace (an Ingress reaches Services in its own namespace only). @default - the chart's, else `default` */
  readonly namespace?: INamespace | string;
  /** Hosts and paths. More can be added with `addRoute` or `app.exposeVia(ingress, ...)`. @default - none */
  readonly rules?: IngressRule[];
  /** Where requests that match no rule go. @default - the controller's default backend */
  readonly defaultBackend?: IServiceBackend | IngressBackend;
  /**
   * Where the certificate comes from. Every host is covered by one TLS entry. Required unless
   * `allowPlainHttp`: a TLS entry naming a Secret that nothing creates serves the controller's
   * fake certificate, so netkit never guesses one. `Certificate.existingSecret(name)` is the
   * named opt-in for a Secret you create yourself.
   * @default - none: construction fails and names the choices
   */
  readonly certificate?: Certificate;
  /**
   * Serve plain HTTP only: no TLS entry. A deliberate, named opt-out.
   * @default false
   */
  readonly allowPlainHttp?: boolean;
  /**
   * Typed ingress-nginx annotations. With an nginx class, HTTP is redirected to HTTPS
   * unless `sslRedirect: false`.
   * @default - only the HTTPS redirect for nginx classes
   */
  readonly nginx?: NginxOptions;
  /** Other annotations, written as given (for other controllers). @default - none */
  readonly annotations?: Record<string, string>;
  /**
   * The controller's pods, which backends accept traffic from (on their backend port only).
   * @default ingress-nginx: namespace `ingress-nginx`, labels `app.kubernetes.io/name: ingress-nginx`
   */
  readonly controller?: IngressControllerOptions;
}

interface Route {
  readonly host: string | undefined;
  readonly path: string;
  readonly pathType: PathType;
  readonly serviceName: string;
  readonly port: { number?: number; name?: string };
}

/**
 * A networking.k8s.io/v1 Ingress with TLS on every host, cert-manager integration, typed
 * ingress-nginx annotations, and NetworkPolicy that lets the controller reach each backend
 * on its backend port and nothing else.
 *
 * ```ts
 * new TlsIngress(chart, 'edge', { namespace: ns, className: 'nginx',
 *   certificate: Certificate.clusterIssuer('letsencrypt-prod'),
 *   rules: [{ host: 'shop.example.com', paths: [{ path: '/api', backend: api }, { path: '/', backend: web }] }] });
 * ```
 */
export class TlsIngress extends Construct implements IHttpExposure {
  /** The Ingress's `metadata.name`. */
  public readonly name: string;
  /** The namespace it lives in. */
  public readonly namespaceName: string;
  /** The Ingress object. */
  public readonly ingress: k8s.KubeIngress;
  /** The cert-manager Certificate, with `Certificate.explicit`. */
  public readonly certificate?: ApiObject;
  /** The TLS Secret's name (undefined with allowPlainHttp). */
  public readonly secretName?: string;
  private readonly routes: Route[] = [];
  private readonly controllerPeer: Peer;

  constructor(scope: Construct, id: string, props: TlsIngressProps) {
    super(scope, id);
    // A constructor that throws leaves nothing behind (lib/private/transaction.ts).
    const transaction = Transaction.begin(this);
    try {
      const name = props.name ?? id;
      const nameProblem = dns1123SubdomainProblem(name);
      if (nameProblem) failAt(this, `name "${name}" ${nameProblem}. Use a name like "shop-edge".${nameFixHint(props.name, name)}`);
      const classProblem = typeof props.className === 'string' ? dns1123SubdomainProblem(props.className) : 'is missing';
      if (classProblem) failAt(this, `className ${JSON.stringify(props.className)} ${classProblem}. Give the IngressClass name, e.g. "nginx".`);
      const namespace = resolveNamespace(this, props.namespace);
      if (props.allowPlainHttp && props.certificate) failAt(this, 'allowPlainHttp and certificate contradict each other. Remove allowPlainHttp to serve TLS.');
      if (!props.allowPlainHttp && !props.certificate) {
        failAt(this, `no certificate: nothing would create the TLS Secret "${name}-tls" it needs. Say where it comes from: certificate: Certificate.clusterIssuer('letsencrypt-prod') (cert-manager), Certificate.explicit({ issuer }), or Certificate.existingSecret('${name}-tls') for a Secret you create; or allowPlainHttp: true for plain HTTP.`);
      }
      const certificate = props.certificate?._spec;
      const secretName = certificate ? (certificate.secretName ?? `${name}-tls`) : undefined;
      if (secretName !== undefined) {
        const problem = dns1123SubdomainProblem(secretName);
        if (problem) failAt(this, `secret name "${secretName}" ${problem}. Use a name like "shop-tls".`);
      }
      const isNginx = props.className.includes('nginx');
      const nginx = nginxAnnotations(props.nginx ?? {}, certificate !== undefined && isNginx);
      if (nginx.problem) failAt(this, `nginx: ${nginx.problem}.`);
      this.controllerPeer = Peer.ingressController(props.controller);

      NetkitLint.of(this);
      this.name = name;
      this.namespaceName = namespace.namespaceName;
      this.secretName = secretName;
      const annotations: Record<string, string> = {
        ...nginx.annotations,
        ...(certificate?.kind === 'annotation' ? { [certificate.issuer.kind === 'ClusterIssuer' ? 'cert-manager.io/cluster-issuer' : 'cert-manager.io/issuer']: certificate.issuer.name } : {}),
        ...(props.allowPlainHttp ? acknowledgeAnnotations({ 'ingress-without-tls': 'explicit opt-in: allowPlainHttp' }) : {}),
        ...props.annotations,
      };
      const defaultBackend = props.defaultBackend ? this.bind(props.defaultBackend) : undefined;
      // The API server refuses an Ingress with neither rules nor a default backend; routes may
      // still be added after construction, so this is checked at synth.
      this.node.addValidation({
        validate: () => (this.routes.length === 0 && !defaultBackend
          ? [`${this.node.path}: the Ingress has no rules and no defaultBackend, which the API server refuses. Add a route (app.exposeVia(ingress, { host })) or remove the TlsIngress.`]
          : []),
      });

      this.ingress = new k8s.KubeIngress(this, 'ingress', {
        metadata: { name, namespace: this.namespaceName, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
        // Rendered at synth so routes added later are included; the typed props cannot say "lazy".
        spec: Lazy.any({ produce: () => this.renderSpec(props.className, defaultBackend) }) as unknown as k8s.IngressSpec,
      });
      if (certificate?.kind === 'explicit') {
        const issuer = certificate.options.issuer;
        this.certificate = new ApiObject(this, 'certificate', {
          apiVersion: 'cert-manager.io/v1',
          kind: 'Certificate',
          metadata: { name: secretName, namespace: this.namespaceName },
          spec: Lazy.any({
            produce: (): ICertificate['spec'] => ({
              secretName: secretName!,
              dnsNames: this.hosts(),
              issuerRef: { name: issuer.name, kind: issuer.kind, group: 'cert-manager.io' },
              ...(certificate.options.duration ? { duration: certificate.options.duration } : {}),
              ...(certificate.options.renewBefore ? { renewBefore: certificate.options.renewBefore } : {}),
            }),
          }),
        });
      }
      for (const rule of props.rules ?? []) {
        for (const path of rule.paths) {
          const backend = path.backend instanceof IngressBackend ? path.backend : IngressBackend.of(path.backend);
          this.addBackendRoute(backend, { host: rule.host, path: path.path, pathType: path.pathType });
        }
      }
    } catch (error) {
      transaction.rollback();
      throw error;
    }
    transaction.commit();
  }

  /** Routes `host` + `path` to one of our workloads and lets the controller reach it on that port. */
  public addRoute(backend: IServiceBackend, options: HttpRouteOptions): void {
    atomically(() => this.addBackendRoute(IngressBackend.of(backend, options.port), options));
  }

  /** The hosts of every rule, sorted. */
  public hosts(): string[] {
    return [...new Set(this.routes.map((r) => r.host).filter((h): h is string => h !== undefined))].sort();
  }

  private addBackendRoute(backend: IngressBackend, options: Omit<HttpRouteOptions, 'port'>): void {
    const host = options.host;
    const hostIssue = hostProblem(host);
    if (hostIssue) failAt(this, `host "${host}" ${hostIssue}.`);
    const path = options.path ?? '/';
    const pathType = options.pathType ?? PathType.PREFIX;
    if (!path.startsWith('/')) failAt(this, `path "${path}" must start with "/". Write it like "/api".`);
    const target = this.resolveBackend(backend);
    const clash = this.routes.find((r) => r.host === host && r.path === path && r.pathType === pathType);
    if (clash) {
      if (clash.serviceName === target.serviceName && JSON.stringify(clash.port) === JSON.stringify(target.port)) return;
      failAt(this, `${host}${path} (${pathType}) already routes to Service ${clash.serviceName}; it cannot also route to ${target.serviceName}. Use another path, or an HttpRoute with weights to split traffic.`);
    }
    // Every check has passed: now open the controller's way to the backend.
    target.open();
    const route = { host, path, pathType, serviceName: target.serviceName, port: target.port };
    this.routes.push(route);
    recordUndo(() => this.routes.splice(this.routes.indexOf(route), 1));
  }

  /** Checks a backend, opens the controller's way to it, and returns its Service and port. */
  private bind(backend: IServiceBackend | IngressBackend): { serviceName: string; port: { number?: number; name?: string } } {
    const target = this.resolveBackend(backend);
    target.open();
    return { serviceName: target.serviceName, port: target.port };
  }

  /**
   * Checks a backend and returns its Service and port, plus `open()`, which writes the
   * backend's ingress rule for the controller; nothing is written until `open()` is called.
   */
  private resolveBackend(backend: IServiceBackend | IngressBackend): { serviceName: string; port: { number?: number; name?: string }; open: () => void } {
    const resolved = backend instanceof IngressBackend ? backend : IngressBackend.of(backend);
    if (resolved._service) {
      const { name, port } = resolved._service;
      const problem = dns1123SubdomainProblem(name) ?? (typeof port === 'string' ? portNameProblem(port) : (!Number.isInteger(port) || port < 1 || port > 65535 ? 'port is not 1-65535' : undefined));
      if (problem) failAt(this, `backend Service ${name}:${port}: ${problem}.`);
      return { serviceName: name, port: typeof port === 'number' ? { number: port } : { name: port }, open: () => undefined };
    }
    const workload = resolved._workload!;
    if (workload.namespaceName !== this.namespaceName) {
      failAt(this, `backend ${workload.node.path} is in namespace ${workload.namespaceName}, but an Ingress reaches Services in its own namespace (${this.namespaceName}) only. Put the TlsIngress in ${workload.namespaceName}.`);
    }
    const binding = workload.serviceBinding(resolved._port, this);
    return {
      serviceName: workload.serviceName,
      port: { number: binding.servicePort },
      open: () => workload.network.allowFrom(this.controllerPeer, [binding.port]),
    };
  }

  private renderSpec(className: string, defaultBackend: { serviceName: string; port: { number?: number; name?: string } } | undefined): k8s.IngressSpec {
    const hosts: string[] = [];
    for (const route of this.routes) if (route.host !== undefined && !hosts.includes(route.host)) hosts.push(route.host);
    const backendOf = (b: { serviceName: string; port: { number?: number; name?: string } }): k8s.IngressBackend => ({ service: { name: b.serviceName, port: b.port } });
    return {
      ingressClassName: className,
      ...(defaultBackend ? { defaultBackend: backendOf(defaultBackend) } : {}),
      // Without hosts (a default backend only), the entry covers whatever the request names.
      ...(this.secretName !== undefined ? { tls: [hosts.length > 0 ? { hosts: [...hosts].sort(), secretName: this.secretName } : { secretName: this.secretName }] } : {}),
      rules: hosts.map((host) => ({
        host,
        http: { paths: this.routes.filter((r) => r.host === host).map((r) => ({ path: r.path, pathType: r.pathType, backend: backendOf(r) })) },
      })),
    };
  }
}

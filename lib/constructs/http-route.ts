import { ApiObject, Lazy } from 'cdk8s';
import type { IHTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { Construct } from 'constructs';
import { GATEWAY_GROUP, Gateway } from './gateway';
import { HttpRouteOptions, IHttpExposure, PathType } from './http-exposure';
import { INamespace, resolveNamespace } from '../workload/namespace-ref';
import { NetkitLint } from './netkit-lint';
import { dns1123SubdomainProblem, hostProblem } from '../net/names';
import { IServiceBackend } from '../policy/service-backend';
import { PortRef } from '../policy/workload-network';
import { nameFixHint } from '../private/construct-name';
import { failAt } from '../private/errors';
import { Transaction, atomically, recordUndo } from '../private/transaction';

/** One weighted backend of a route rule. */
export interface WeightedBackend {
  /** The workload construct whose Service gets the requests. */
  readonly backend: IServiceBackend;
  /** Relative weight, 0-1,000,000 (the Gateway API range). @default 1 */
  readonly weight?: number;
  /** A declared port of the backend, or its name. @default - its main port */
  readonly port?: PortRef;
}

/** A path match and the backends that share its traffic. */
export interface HttpRouteRule {
  /** @default '/' */
  readonly path?: string;
  /** PREFIX is written as `PathPrefix`, EXACT as `Exact`, IMPLEMENTATION_SPECIFIC as `RegularExpression`. @default PathType.PREFIX */
  readonly pathType?: PathType;
  /** One or more backends; with several, requests are split by weight. */
  readonly backends: WeightedBackend[];
}

/** Props for {@link HttpRoute}. */
export interface HttpRouteProps {
  /** The Gateway to attach to. */
  readonly gateway: Gateway;
  /** A listener of that Gateway. @default - every listener that accepts the route */
  readonly sectionName?: string;
  /** @default - the construct id */
  readonly name?: string;
  /** Must be the backends' namespace. @default - the chart's, else `default` */
  readonly namespace?: INamespace | string;
  /** Host names (wildcards as the left-most label). More are added by `addRoute`. @default - the listener's */
  readonly hostnames?: string[];
  /** @default - none; add with `addRule` or `app.exposeVia(route, ...)` */
  readonly rules?: HttpRouteRule[];
}

const MATCH_TYPES: Record<PathType, 'PathPrefix' | 'Exact' | 'RegularExpression'> = {
  [PathType.PREFIX]: 'PathPrefix',
  [PathType.EXACT]: 'Exact',
  [PathType.IMPLEMENTATION_SPECIFIC]: 'RegularExpression',
};

type RenderedRule = NonNullable<IHTTPRoute['spec']['rules']>[number];

/**
 * A gateway.networking.k8s.io/v1 HTTPRoute: hostnames, path matches and weighted backends
 * (traffic splitting), attached to a Gateway. Each backend accepts traffic from the
 * Gateway's data-plane pods on its backend port only.
 *
 * ```ts
 * new HttpRoute(chart, 'shop', { gateway, hostnames: ['shop.example.com'], rules: [
 *   { path: '/', backends: [{ backend: webV1, weight: 90 }, { backend: webV2, weight: 10 }] }] });
 * ```
 */
export class HttpRoute extends Construct implements IHttpExposure {
  /** The HTTPRoute's `metadata.name`. */
  public readonly name: string;
  /** The namespace it lives in. */
  public readonly namespaceName: string;
  /** The HTTPRoute object. */
  public readonly route: ApiObject;
  private readonly gateway: Gateway;
  private readonly hostnames: string[] = [];
  private readonly rules: { key: string; rendered: RenderedRule }[] = [];

  constructor(scope: Construct, id: string, props: HttpRouteProps) {
    super(scope, id);
    // A constructor that throws leaves nothing behind (lib/private/transaction.ts).
    const transaction = Transaction.begin(this);
    try {
      const name = props.name ?? id;
      const nameProblem = dns1123SubdomainProblem(name);
      if (nameProblem) failAt(this, `name "${name}" ${nameProblem}. Use a name like "shop".${nameFixHint(props.name, name)}`);
      const namespace: INamespace = resolveNamespace(this, props.namespace);
      const attachment = props.gateway._attachmentProblem(namespace.namespaceName, namespace.namespaceLabels, props.sectionName);
      if (attachment) failAt(this, `${attachment}.`);
      NetkitLint.of(this);
      this.name = name;
      this.namespaceName = namespace.namespaceName;
      this.gateway = props.gateway;
      for (const host of props.hostnames ?? []) this.addHostname(host);
      const parentRef = {
        group: GATEWAY_GROUP, kind: 'Gateway', name: props.gateway.name,
        ...(props.gateway.namespaceName !== this.namespaceName ? { namespace: props.gateway.namespaceName } : {}),
        ...(props.sectionName ? { sectionName: props.sectionName } : {}),
      };
      this.route = new ApiObject(this, 'route', {
        apiVersion: `${GATEWAY_GROUP}/v1`,
        kind: 'HTTPRoute',
        metadata: { name, namespace: this.namespaceName },
        spec: Lazy.any({
          produce: (): IHTTPRoute['spec'] => ({
            parentRefs: [parentRef],
            ...(this.hostnames.length > 0 ? { hostnames: [...this.hostnames] } : {}),
            rules: this.rules.map((r) => r.rendered),
          }),
        }),
      });
      for (const rule of props.rules ?? []) this.addRule(rule);
    } catch (error) {
      transaction.rollback();
      throw error;
    }
    transaction.commit();
  }

  /** Adds a path match whose traffic the backends share by weight. */
  public addRule(rule: HttpRouteRule): void {
    atomically(() => this.addRuleNow(rule));
  }

  private addRuleNow(rule: HttpRouteRule): void {
    const path = rule.path ?? '/';
    const pathType = rule.pathType ?? PathType.PREFIX;
    if (!path.startsWith('/')) failAt(this, `path "${path}" must start with "/". Write it like "/api".`);
    if (rule.backends.length === 0) failAt(this, `the rule for ${path} has no backends. Give at least one.`);
    const key = `${pathType}|${path}`;
    if (this.rules.some((r) => r.key === key)) failAt(this, `${path} (${pathType}) is already routed by this HTTPRoute. Put every backend for it in one rule, with weights.`);
    const backendRefs = rule.backends.map((b) => {
      const weight = b.weight ?? 1;
      if (!Number.isInteger(weight) || weight < 0 || weight > 1000000) failAt(this, `weight ${weight} for ${b.backend.node.path} is not 0-1000000.`);
      if (b.backend.namespaceName !== this.namespaceName) {
        failAt(this, `backend ${b.backend.node.path} is in namespace ${b.backend.namespaceName}; a route reaches its own namespace (${this.namespaceName}) without a ReferenceGrant. Put the HttpRoute in ${b.backend.namespaceName}.`);
      }
      const binding = b.backend.serviceBinding(b.port, this);
      return { backend: b.backend, binding, weight, explicitWeight: b.weight !== undefined };
    });
    if (backendRefs.every((b) => b.weight === 0)) failAt(this, `every backend for ${path} has weight 0, so the rule would return 500 for every request. Give one a weight.`);
    // Open the data plane's way only once every check has passed.
    for (const b of backendRefs) {
      b.backend.network.allowFrom(this.gateway.dataPlanePeer, [b.binding.port]);
      this.gateway._allowBackend(b.backend, b.binding.port);
    }
    recordUndo(() => this.rules.splice(this.rules.findIndex((r) => r.key === key), 1));
    this.rules.push({
      key,
      rendered: {
        matches: [{ path: { type: MATCH_TYPES[pathType], value: path } }],
        backendRefs: backendRefs.map((b) => ({ group: '', kind: 'Service', name: b.backend.serviceName, port: b.binding.servicePort, ...(b.explicitWeight ? { weight: b.weight } : {}) })),
      },
    });
  }

  /** Routes `host` + `path` to one backend (used by `app.exposeVia(route, ...)`). */
  public addRoute(backend: IServiceBackend, options: HttpRouteOptions): void {
    atomically(() => {
      this.checkHostname(options.host);
      this.addRuleNow({ path: options.path, pathType: options.pathType, backends: [{ backend, port: options.port }] });
      this.addHostname(options.host);
    });
  }

  private addHostname(host: string): void {
    this.checkHostname(host);
    if (this.hostnames.includes(host)) return;
    this.hostnames.push(host);
    recordUndo(() => this.hostnames.splice(this.hostnames.indexOf(host), 1));
  }

  private checkHostname(host: string): void {
    const problem = hostProblem(host);
    if (problem) failAt(this, `hostname "${host}" ${problem}.`);
  }
}

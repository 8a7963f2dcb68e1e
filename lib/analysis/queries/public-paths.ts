/**
 * The public paths an Ingress or an HTTPRoute opens: internet -> the ingress controller (or
 * the Gateway's proxies) -> the backend workload, each hop answered by the analyzer. The edge
 * pods are found by label: ingress controllers by their well-known `app.kubernetes.io/name`,
 * Gateway proxies by `gateway.networking.k8s.io/gateway-name`, the label Gateway API
 * implementations put on the pods they deploy.
 */
import { SourcedObject } from '../input/loader';
import { nameOf, namespaceOf } from '../input/objects';
import { isRecord } from '../model/selectors';

/** The stand-in for "any address on the internet" in matrices, graphs and paths. */
export const INTERNET_STAND_IN = '203.0.113.7';

/** `app.kubernetes.io/name` values of widely used ingress controllers. */
const INGRESS_CONTROLLER_NAMES = ['ingress-nginx', 'traefik', 'haproxy-ingress', 'kong', 'contour', 'ingress-controller'];

/** One hop of a public path, as the analyzer answers it. */
export interface PathHop {
  /** Where the hop starts: `internet`, or the edge workload. */
  readonly from: string;
  /** Where it ends: the edge workload, or the backend. */
  readonly to: string;
  /** The port asked, as `TCP 443` (a Service port is followed to the container port). */
  readonly port: string;
  /** Whether the policies allow this hop. */
  readonly allowed: boolean;
}

/** A route from outside the cluster to a workload. */
export interface PublicPath {
  /** `Ingress shop/edge` or `HTTPRoute shop/web`. */
  readonly via: string;
  /** `host/path` (`*` for any host). */
  readonly route: string;
  /** `namespace/service:port`. */
  readonly service: string;
  /** The edge workload (controller or proxy). @default - none (the input lacks it) */
  readonly edge?: string;
  /** The backend workload the edge reaches. @default - none (the hop was not answered) */
  readonly backend?: string;
  /** Every workload the Service selects, also when the edge is missing (the route still names them). */
  readonly backends: readonly string[];
  /** internet -> edge, then edge -> backend; missing hops are explained in `problem`. */
  readonly hops: readonly PathHop[];
  /** Why a hop could not be answered (the edge or backend is not in the input). @default - none (every hop answered) */
  readonly problem?: string;
  /** `open`: traffic flows the whole way; `closed`: a hop denies it; `unknown`: a hop cannot be answered (see `problem`). */
  readonly status: 'open' | 'closed' | 'unknown';
}

/** What public paths need from the model. */
export interface PathModel {
  readonly workloads: readonly { readonly ref: string; readonly namespace: string; readonly labels: Readonly<Record<string, string>> }[];
  check(query: { from: string; to: string; port: number | string }): { allowed: boolean; port: number; protocol: string; to: string };
  /** The workloads a Service selects (`[]` when it is not in the input or selects none). */
  serviceBackends(namespace: string, name: string): string[];
}

interface Route {
  readonly via: string;
  readonly namespace: string;
  readonly route: string;
  readonly serviceName: string;
  readonly servicePort: number | string;
  readonly edges: readonly string[];
  readonly edgeMissing: string;
  readonly listenerPort: number;
}

/** Every public path of the Ingresses and HTTPRoutes in `objects`. */
export function publicPaths(objects: readonly SourcedObject[], model: PathModel): PublicPath[] {
  const routes: Route[] = [];
  const controllers = model.workloads.filter((w) => INGRESS_CONTROLLER_NAMES.includes(w.labels['app.kubernetes.io/name'] ?? '')).map((w) => w.ref);
  const gateways = new Map<string, Record<string, unknown>>();
  for (const { object } of objects) if (object.kind === 'Gateway') gateways.set(`${namespaceOf(object)}/${nameOf(object)}`, object);
  for (const { object } of objects) {
    if (object.kind === 'Ingress') routes.push(...ingressRoutes(object, controllers));
    if (object.kind === 'HTTPRoute') routes.push(...httpRouteRoutes(object, gateways, model));
  }
  return routes.map((route) => answer(route, model)).sort((a, b) => (a.route < b.route ? -1 : a.route > b.route ? 1 : a.via < b.via ? -1 : 1));
}

function answer(route: Route, model: PathModel): PublicPath {
  const service = `${route.namespace}/${route.serviceName}:${route.servicePort}`;
  const base = { via: route.via, route: route.route, service, backends: model.serviceBackends(route.namespace, route.serviceName) };
  if (route.edges.length === 0) return { ...base, hops: [], problem: route.edgeMissing, status: 'unknown' };
  const edge = route.edges[0];
  const hops: PathHop[] = [];
  const first = model.check({ from: INTERNET_STAND_IN, to: edge, port: route.listenerPort });
  hops.push({ from: 'internet', to: edge, port: `${first.protocol} ${first.port}`, allowed: first.allowed });
  let second;
  try {
    second = model.check({ from: edge, to: `${route.namespace}/${route.serviceName}`, port: route.servicePort });
  } catch (error) {
    return { ...base, edge, hops, problem: (error as Error).message, status: first.allowed ? 'unknown' : 'closed' };
  }
  hops.push({ from: edge, to: second.to, port: `${second.protocol} ${second.port}`, allowed: second.allowed });
  return { ...base, edge, backend: second.to, hops, status: hops.every((h) => h.allowed) ? 'open' : 'closed' };
}

function ingressRoutes(ingress: Record<string, unknown>, controllers: readonly string[]): Route[] {
  const namespace = namespaceOf(ingress);
  const spec = isRecord(ingress.spec) ? ingress.spec : {};
  const tls = Array.isArray(spec.tls) ? spec.tls.filter(isRecord) : [];
  const tlsFor = (host: string | undefined) => tls.some((t) => !Array.isArray(t.hosts) || t.hosts.length === 0 || (host !== undefined && t.hosts.includes(host)));
  const via = `Ingress ${namespace}/${nameOf(ingress)}`;
  const common = {
    via, namespace, edges: controllers,
    edgeMissing: 'no ingress controller in the input (pods labelled app.kubernetes.io/name: ingress-nginx, traefik, ...); netkit matrix --with-cluster adds a stand-in ingress-nginx',
  };
  const routes: Route[] = [];
  const add = (backend: unknown, host: string | undefined, path: string) => {
    const service = isRecord(backend) && isRecord(backend.service) ? backend.service : undefined;
    const port = service && isRecord(service.port) ? (typeof service.port.number === 'number' ? service.port.number : service.port.name) : undefined;
    if (!service || typeof service.name !== 'string' || (typeof port !== 'number' && typeof port !== 'string')) return;
    routes.push({ ...common, route: `${host ?? '*'}${path}`, serviceName: service.name, servicePort: port, listenerPort: tlsFor(host) ? 443 : 80 });
  };
  if (spec.defaultBackend !== undefined) add(spec.defaultBackend, undefined, ' (default backend)');
  for (const rule of Array.isArray(spec.rules) ? spec.rules.filter(isRecord) : []) {
    const host = typeof rule.host === 'string' ? rule.host : undefined;
    const paths = isRecord(rule.http) && Array.isArray(rule.http.paths) ? rule.http.paths.filter(isRecord) : [];
    for (const path of paths) add(path.backend, host, typeof path.path === 'string' ? path.path : '/');
  }
  return routes;
}

function httpRouteRoutes(route: Record<string, unknown>, gateways: Map<string, Record<string, unknown>>, model: PathModel): Route[] {
  const namespace = namespaceOf(route);
  const spec = isRecord(route.spec) ? route.spec : {};
  const hostnames = Array.isArray(spec.hostnames) && spec.hostnames.length > 0 ? spec.hostnames.map(String) : ['*'];
  const routes: Route[] = [];
  for (const parent of Array.isArray(spec.parentRefs) ? spec.parentRefs.filter(isRecord) : []) {
    const gatewayNamespace = typeof parent.namespace === 'string' ? parent.namespace : namespace;
    const gatewayName = String(parent.name);
    const gateway = gateways.get(`${gatewayNamespace}/${gatewayName}`);
    const listeners = gateway && isRecord(gateway.spec) && Array.isArray(gateway.spec.listeners) ? gateway.spec.listeners.filter(isRecord) : [];
    const listener = listeners.find((l) => l.name === parent.sectionName) ?? listeners.find((l) => l.protocol === 'HTTPS') ?? listeners[0];
    const edges = model.workloads.filter((w) => w.namespace === gatewayNamespace && w.labels['gateway.networking.k8s.io/gateway-name'] === gatewayName).map((w) => w.ref);
    for (const rule of Array.isArray(spec.rules) ? spec.rules.filter(isRecord) : []) {
      const matches = Array.isArray(rule.matches) && rule.matches.length > 0 ? rule.matches.filter(isRecord) : [{}];
      const paths = matches.map((m) => (isRecord(m.path) && typeof m.path.value === 'string' ? m.path.value : '/'));
      for (const backend of Array.isArray(rule.backendRefs) ? rule.backendRefs.filter(isRecord) : []) {
        if ((backend.kind ?? 'Service') !== 'Service' || typeof backend.name !== 'string' || typeof backend.port !== 'number') continue;
        for (const host of hostnames) {
          for (const path of paths) {
            routes.push({
              via: `HTTPRoute ${namespace}/${nameOf(route)}`, namespace, route: `${host}${path}`, serviceName: backend.name, servicePort: backend.port, edges,
              edgeMissing: `no proxy pods of Gateway ${gatewayNamespace}/${gatewayName} in the input (the implementation deploys them labelled gateway.networking.k8s.io/gateway-name: ${gatewayName})`,
              listenerPort: typeof listener?.port === 'number' ? listener.port : 443,
            });
          }
        }
      }
    }
  }
  return routes;
}

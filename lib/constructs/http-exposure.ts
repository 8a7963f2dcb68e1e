import { IServiceBackend } from '../policy/service-backend';
import { PortRef } from '../policy/workload-network';

/** How a path is matched (networking.k8s.io/v1 HTTPIngressPath.pathType). */
export enum PathType {
  /** Matches by path element: `/api` matches `/api` and `/api/v1`, not `/apis`. */
  PREFIX = 'Prefix',
  /** Matches the path exactly (case-sensitive). */
  EXACT = 'Exact',
  /** Left to the controller (ingress-nginx: regex with `use-regex`). */
  IMPLEMENTATION_SPECIFIC = 'ImplementationSpecific',
}

/** Where an app is exposed on an Ingress or HTTPRoute. */
export interface HttpRouteOptions {
  /** The host name, e.g. `shop.example.com` or `*.example.com`. */
  readonly host: string;
  /** @default '/' */
  readonly path?: string;
  /** @default PathType.PREFIX */
  readonly pathType?: PathType;
  /** The backend's declared port (or its name). @default - its main port */
  readonly port?: PortRef;
}

/** Something an app can be exposed through: a TlsIngress or an HttpRoute. */
export interface IHttpExposure {
  /** Routes `host` + `path` to the backend, and lets the edge's pods reach it on that port only. */
  addRoute(backend: IServiceBackend, options: HttpRouteOptions): void;
}

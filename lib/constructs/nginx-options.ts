import { Cidr } from '../net/cidr';

/** Protocols ingress-nginx can speak to a backend. */
/** The annotations {@link nginxAnnotations} writes, or why it cannot. */
export interface NginxAnnotations {
  /** ingress-nginx annotations, by key. */
  readonly annotations: Record<string, string>;
  /** What is wrong with the options, when something is. @default - nothing */
  readonly problem?: string;
}

/** How ingress-nginx talks to the backend. */
export enum BackendProtocol {
  /** Plain HTTP to the backend. */
  HTTP = 'HTTP',
  /** TLS to the backend. */
  HTTPS = 'HTTPS',
  /** gRPC over plain HTTP/2. */
  GRPC = 'GRPC',
  /** gRPC over TLS. */
  GRPCS = 'GRPCS',
}

/** A canary Ingress: a share of traffic, or requests carrying a header, go to this Ingress's backends. */
export interface CanaryOptions {
  /** Percent of requests (0-100). @default - none */
  readonly weight?: number;
  /** Requests with this header set to `always` (or to `headerValue`) go to the canary. @default - none */
  readonly header?: string;
  /** @default - 'always' semantics */
  readonly headerValue?: string;
}

/** HTTP Strict Transport Security, sent with every response. */
export interface HstsOptions {
  /** @default 31536000 (one year) */
  readonly maxAgeSeconds?: number;
  /** @default true */
  readonly includeSubdomains?: boolean;
  /** @default false — preload lists are hard to leave */
  readonly preload?: boolean;
}

/**
 * Typed ingress-nginx annotations (https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/).
 * Values are validated; the annotation names are written for you.
 */
export interface NginxOptions {
  /** Rewrite the matched path, e.g. `/$2`; regex paths are enabled with it (`use-regex`). @default - none */
  readonly rewriteTarget?: string;
  /** Largest request body, e.g. `8m`. @default - the controller's (1m) */
  readonly proxyBodySize?: string;
  /** Seconds. @default - the controller's (5 / 60 / 60) */
  readonly timeouts?: {
    /** Seconds to open a connection to the backend, 1-3600. @default - the controller's (5) */
    readonly connect?: number;
    /** Seconds between two writes to the backend, 1-3600. @default - the controller's (60) */
    readonly send?: number;
    /** Seconds between two reads from the backend, 1-3600. @default - the controller's (60) */
    readonly read?: number;
  };
  /** Per-client-IP limits. @default - none */
  readonly rateLimit?: {
    /** Requests per second per client address. @default - no limit */
    readonly rps?: number;
    /** Concurrent connections per client address. @default - no limit */
    readonly connections?: number;
  };
  /** Basic authentication from an htpasswd Secret. @default - none */
  readonly basicAuth?: {
    /** The Secret holding an `auth` key in htpasswd format. */
    readonly secretName: string;
    /** The realm the browser shows. @default - the controller's */
    readonly realm?: string;
  };
  /** @default BackendProtocol.HTTP */
  readonly backendProtocol?: BackendProtocol;
  /** Only these client ranges may use the Ingress. @default - everyone */
  readonly allowSourceRanges?: Cidr[];
  /** Make this a canary of another Ingress with the same hosts and paths. @default - not a canary */
  readonly canary?: CanaryOptions;
  /**
   * Send HSTS. Written as a configuration snippet, which ingress-nginx accepts only with
   * `allow-snippet-annotations: true`; otherwise set `hsts` in the controller ConfigMap.
   * @default - none
   */
  readonly hsts?: HstsOptions;
  /** Redirect HTTP to HTTPS (ssl-redirect and force-ssl-redirect). @default true */
  readonly sslRedirect?: boolean;
}

const PREFIX = 'nginx.ingress.kubernetes.io/';
const SIZE = /^\d+[kKmMgG]?$/;

/** Renders the options as annotations; returns the problem (for a construct error) if any. */
export function nginxAnnotations(options: NginxOptions, tls: boolean): NginxAnnotations {
  const a: Record<string, string> = {};
  const fail = (problem: string) => ({ annotations: {}, problem });
  if (tls && (options.sslRedirect ?? true)) {
    a[`${PREFIX}ssl-redirect`] = 'true';
    a[`${PREFIX}force-ssl-redirect`] = 'true';
  }
  if (options.rewriteTarget !== undefined) {
    a[`${PREFIX}rewrite-target`] = options.rewriteTarget;
    a[`${PREFIX}use-regex`] = 'true';
  }
  if (options.proxyBodySize !== undefined) {
    if (!SIZE.test(options.proxyBodySize)) return fail(`proxyBodySize "${options.proxyBodySize}" is not a size such as "8m" or "512k"`);
    a[`${PREFIX}proxy-body-size`] = options.proxyBodySize;
  }
  for (const [key, value] of Object.entries(options.timeouts ?? {})) {
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1 || value > 3600) return fail(`timeouts.${key} ${value} is not 1-3600 seconds`);
    a[`${PREFIX}proxy-${key}-timeout`] = String(value);
  }
  const limits = options.rateLimit ?? {};
  if (limits.rps !== undefined) {
    if (!Number.isInteger(limits.rps) || limits.rps < 1) return fail(`rateLimit.rps ${limits.rps} must be a whole number of at least 1`);
    a[`${PREFIX}limit-rps`] = String(limits.rps);
  }
  if (limits.connections !== undefined) {
    if (!Number.isInteger(limits.connections) || limits.connections < 1) return fail(`rateLimit.connections ${limits.connections} must be a whole number of at least 1`);
    a[`${PREFIX}limit-connections`] = String(limits.connections);
  }
  if (options.basicAuth) {
    a[`${PREFIX}auth-type`] = 'basic';
    a[`${PREFIX}auth-secret`] = options.basicAuth.secretName;
    a[`${PREFIX}auth-realm`] = options.basicAuth.realm ?? 'Authentication required';
  }
  if (options.backendProtocol !== undefined) a[`${PREFIX}backend-protocol`] = options.backendProtocol;
  if (options.allowSourceRanges !== undefined) {
    if (options.allowSourceRanges.length === 0) return fail('allowSourceRanges is empty, which would refuse everyone; omit it to allow every client');
    if (options.allowSourceRanges.some((r) => r.exceptions.length > 0)) return fail('allowSourceRanges cannot express exceptions; give plain CIDRs');
    a[`${PREFIX}whitelist-source-range`] = options.allowSourceRanges.map((r) => r.cidr).join(',');
  }
  if (options.canary) {
    const { weight, header, headerValue } = options.canary;
    if (weight === undefined && header === undefined) return fail('canary needs a weight or a header');
    a[`${PREFIX}canary`] = 'true';
    if (weight !== undefined) {
      if (!Number.isInteger(weight) || weight < 0 || weight > 100) return fail(`canary weight ${weight} is not 0-100`);
      a[`${PREFIX}canary-weight`] = String(weight);
    }
    if (header !== undefined) a[`${PREFIX}canary-by-header`] = header;
    if (headerValue !== undefined) a[`${PREFIX}canary-by-header-value`] = headerValue;
  }
  if (options.hsts) {
    const maxAge = options.hsts.maxAgeSeconds ?? 31536000;
    if (!Number.isInteger(maxAge) || maxAge < 0) return fail(`hsts.maxAgeSeconds ${maxAge} must be a whole number of at least 0`);
    const value = [`max-age=${maxAge}`, ...((options.hsts.includeSubdomains ?? true) ? ['includeSubDomains'] : []), ...(options.hsts.preload ? ['preload'] : [])].join('; ');
    a[`${PREFIX}configuration-snippet`] = `more_set_headers "Strict-Transport-Security: ${value}";`;
  }
  return { annotations: a };
}

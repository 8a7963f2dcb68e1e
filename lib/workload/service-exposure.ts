import { Cidr } from '../net/cidr';

/** Node-port range settings: the API server's `--service-node-port-range`. */
export interface NodePortRange {
  /** @default 30000 */
  readonly min: number;
  /** @default 32767 */
  readonly max: number;
}

/** Options for {@link ServiceExposure.nodePort}. */
export interface NodePortOptions {
  /**
   * The node port for the main port.
   * @default - Kubernetes picks a free one in the range
   */
  readonly nodePort?: number;
  /**
   * The cluster's node-port range, if it was configured differently.
   * @default { min: 30000, max: 32767 } — the Kubernetes default
   */
  readonly range?: NodePortRange;
}

/** How a LoadBalancer routes external traffic (core/v1 ServiceSpec.externalTrafficPolicy). */
export enum ExternalTrafficPolicy {
  /** Only to pods on the receiving node; keeps the client's source IP, so ipBlock policies work. */
  LOCAL = 'Local',
  /** To any pod; the source IP is rewritten to a node's, so ipBlock policies see node IPs. */
  CLUSTER = 'Cluster',
}

/** Options for {@link ServiceExposure.loadBalancer}. */
export interface LoadBalancerOptions {
  /**
   * Client ranges the load balancer accepts (`loadBalancerSourceRanges`); pods also accept
   * ingress from these ranges. Required unless `allowFromAnywhere` is set.
   * @default - none; then `allowFromAnywhere` must be true
   */
  readonly sourceRanges?: Cidr[];
  /**
   * Opens the load balancer to every address. A deliberate, named opt-in for public endpoints.
   * @default false
   */
  readonly allowFromAnywhere?: boolean;
  /**
   * @default ExternalTrafficPolicy.LOCAL — preserves client IPs, so the NetworkPolicy's
   *          ipBlock rules for the source ranges match what the pods see.
   */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
  /** Cloud provider annotations, written as given (e.g. internal LB flags). @default - none */
  readonly annotations?: Record<string, string>;
  /** `spec.loadBalancerClass`, to pick a non-default implementation. @default - the cluster default */
  readonly loadBalancerClass?: string;
}

/** @internal */
export type ExposureSpec =
  | { readonly type: 'ClusterIP' }
  | { readonly type: 'NodePort'; readonly options: NodePortOptions }
  | { readonly type: 'LoadBalancer'; readonly options: LoadBalancerOptions };

/**
 * How an app's Service is reached. ClusterIP is the default; NodePort and LoadBalancer
 * are explicit opt-ins because they open the app beyond the cluster.
 */
export class ServiceExposure {
  /** Reachable inside the cluster only. */
  public static clusterIp(): ServiceExposure {
    return new ServiceExposure({ type: 'ClusterIP' });
  }

  /**
   * A port on every node. Pods still accept only declared peers: add `allowFrom` for the
   * clients (their traffic arrives from node addresses unless externalTrafficPolicy is Local).
   */
  public static nodePort(options: NodePortOptions = {}): ServiceExposure {
    return new ServiceExposure({ type: 'NodePort', options });
  }

  /** A cloud load balancer, restricted to `sourceRanges` unless `allowFromAnywhere` is set. */
  public static loadBalancer(options: LoadBalancerOptions): ServiceExposure {
    return new ServiceExposure({ type: 'LoadBalancer', options });
  }

  /** @internal */
  public readonly _spec: ExposureSpec;

  private constructor(spec: ExposureSpec) {
    this._spec = spec;
  }

  /** The Service type. */
  public get type(): 'ClusterIP' | 'NodePort' | 'LoadBalancer' {
    return this._spec.type;
  }
}

/** How a Service spreads a client's connections (core/v1 ServiceSpec.sessionAffinity). */
export class SessionAffinity {
  /** No affinity (the Kubernetes default). */
  public static none(): SessionAffinity {
    return new SessionAffinity(undefined);
  }

  /**
   * Sends a client's connections to the same pod for `timeoutSeconds` (1-86400).
   * @param timeoutSeconds default 10800 (3 hours), the Kubernetes default
   */
  public static clientIp(timeoutSeconds = 10800): SessionAffinity {
    return new SessionAffinity(timeoutSeconds);
  }

  private constructor(
    /** The ClientIP timeout in seconds; undefined for none. */
    public readonly timeoutSeconds: number | undefined,
  ) {}
}

import * as kplus from 'cdk8s-plus-28';
import { INamespace } from './namespace-ref';
import { Probe } from './probe';
import { DnsConfig } from '../net/dns';

/** Props every workload construct shares: the container, its health checks and its DNS. */
export interface WorkloadProps {
  /** Container image, pinned by tag or digest. */
  readonly image: string;
  /**
   * The workload's name: `metadata.name` of its objects and the `app.kubernetes.io/name`
   * label its pods are selected by. A DNS-1035 label.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace. A {@link SecureNamespace} also supplies the DNS servers to allow.
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: INamespace | string;
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
  /** Environment variables. @default - none */
  readonly env?: Record<string, string>;
  /** Container arguments. @default - the image's */
  readonly args?: string[];
  /** Container command. @default - the image's entrypoint */
  readonly command?: string[];
  /** Extra labels for the pods and objects. @default - none */
  readonly labels?: Record<string, string>;
  /**
   * CPU and memory requests and limits.
   * @default DEFAULT_RESOURCES — requests 100m CPU and 128Mi memory, a 256Mi memory limit and
   *          no CPU limit: enough for a small service, a memory ceiling that protects the node,
   *          and no CPU throttling (the request already buys a fair share under contention).
   *          cdk8s-plus-28's own default (1 CPU / 512Mi requested) would reserve a core per pod.
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * The user id to run as. Never 0: the pod runs with `runAsNonRoot: true`, which the kubelet
   * enforces (and Pod Security `restricted` requires).
   * @default - the image's user, checked non-root by the kubelet at start
   */
  readonly runAsUser?: number;
  /**
   * Run under a ServiceAccount of its own (named after the workload, written beside it) with
   * its API token mounted: for apps that call the Kubernetes API (operators, controllers,
   * Patroni). Bind the Roles it needs to `serviceAccountName`, and allow egress to the API
   * server with `allowEgressTo(Peer.kubeApiServer(...))`.
   * @default false — most apps never call the API server: no token is mounted
   */
  readonly serviceAccount?: boolean;
  /**
   * Mount the namespace's `default` ServiceAccount token. Prefer `serviceAccount`, which gives
   * the workload an identity of its own.
   * @default false
   */
  readonly serviceAccountToken?: boolean;
  /** The cluster domain for FQDNs. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /**
   * Directories the container may write to, each an emptyDir volume, since the root
   * filesystem is read-only. `[]` for none.
   * @default ['/tmp'] — most runtimes and libraries write temporary files there
   */
  readonly writablePaths?: string[];
}

import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { nameFixHint } from '../private/construct-name';
import { failAt } from '../private/errors';
import { restrictedContainerSecurity, restrictedPodSecurity } from './pod-security';
import { INamespace, resolveNamespace } from './namespace-ref';
import { Probe } from './probe';
import { WorkloadProps } from './workload-props';
import { IGNORE_ANNOTATION, IGNORE_REASON_ANNOTATION } from '../lint/engine';
import { imageIsPinned } from '../lint/helpers';
import { DEFAULT_CLUSTER_DOMAIN, DnsConfig, DnsPolicy, clusterDomainProblem } from '../net/dns';
import { dns1123LabelProblem, labelsProblem } from '../net/names';
import { Peer } from '../net/peer';
import { Port, Protocol } from '../net/port';

/** Our Protocol as cdk8s-plus's enum (same values, different types). */
export const KPLUS_PROTOCOL: Record<Protocol, kplus.Protocol> = {
  [Protocol.TCP]: kplus.Protocol.TCP,
  [Protocol.UDP]: kplus.Protocol.UDP,
  [Protocol.SCTP]: kplus.Protocol.SCTP,
};

/** The label every workload of ours selects its pods by. */
export const APP_NAME_LABEL = 'app.kubernetes.io/name';

/**
 * Requests and limits for a small service (the `resources` default): 100m CPU and 128Mi
 * requested, 256Mi memory limit, no CPU limit (requests already share CPU fairly; a limit
 * only throttles).
 */
export const DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100) },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
};

/**
 * IfNotPresent for a pinned image (its content cannot change, so a cached copy is right and
 * nodes keep working when the registry is down), Always for `:latest` or no tag.
 */
export function pullPolicyFor(image: string): kplus.ImagePullPolicy {
  return imageIsPinned(image) ? kplus.ImagePullPolicy.IF_NOT_PRESENT : kplus.ImagePullPolicy.ALWAYS;
}

/** A workload's props, validated and resolved. */
export interface ResolvedWorkload {
  readonly name: string;
  readonly namespace: INamespace;
  readonly clusterDomain: string;
  readonly selectorLabels: Record<string, string>;
  readonly objectLabels: Record<string, string>;
  readonly dns: DnsConfig;
  readonly hostNetwork: boolean;
  /** Writable directories and the emptyDir volume name for each. */
  readonly writablePaths: { readonly path: string; readonly volume: string }[];
  /**
   * DNS servers the workload's own policy must allow: the namespace's, unless a
   * namespace-wide policy already does, plus any dnsConfig nameservers.
   */
  readonly dnsServers: Peer[];
}

/** Validates the shared props (before any object is created) and resolves defaults. */
export function resolveWorkload(scope: Construct, id: string, props: WorkloadProps, hostNetwork = false): ResolvedWorkload {
  const name = props.name ?? id;
  const nameProblem = dns1123LabelProblem(name);
  if (nameProblem) failAt(scope, `name "${name}" ${nameProblem}. Names become Service names; use one like "shop-api".${nameFixHint(props.name, name)}`);
  if (!/^[a-z]/.test(name)) failAt(scope, `name "${name}" must start with a letter, because it is also a Service name (a DNS-1035 label). Use one like "api-2".${nameFixHint(props.name, name)}`);
  const namespace = resolveNamespace(scope, props.namespace);
  if (typeof props.image !== 'string' || props.image.trim() === '' || /\s/.test(props.image)) {
    failAt(scope, `image ${JSON.stringify(props.image)} is not an image reference. Give one such as "acme/api:1.4.2".`);
  }
  if (props.runAsUser !== undefined && (!Number.isInteger(props.runAsUser) || props.runAsUser <= 0 || props.runAsUser > 2147483647)) {
    failAt(scope, `runAsUser ${props.runAsUser} is not a non-root user id: the pod runs with runAsNonRoot: true, so the kubelet refuses to start it as root (and Pod Security restricted forbids it). Use the image's non-root user id, e.g. 1000, or omit runAsUser to use the image's user.`);
  }
  const extraLabels = props.labels ?? {};
  const labelProblem = labelsProblem(extraLabels);
  if (labelProblem) failAt(scope, `${labelProblem}. Label values are at most 63 characters of letters, digits, '-', '_' and '.'.`);
  if (extraLabels[APP_NAME_LABEL] !== undefined) failAt(scope, `labels may not set ${APP_NAME_LABEL}; it is the workload name ("${name}") and selects the pods. Use the name prop.`);
  const clusterDomain = props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const domainProblem = clusterDomainProblem(clusterDomain);
  if (domainProblem) failAt(scope, domainProblem);
  const dns = props.dns ?? (hostNetwork ? DnsConfig.clusterFirstWithHostNet() : DnsConfig.clusterFirst());
  if (hostNetwork && dns.policy === DnsPolicy.CLUSTER_FIRST) {
    failAt(scope, 'a hostNetwork pod with dnsPolicy ClusterFirst uses the node\'s resolvers, not the cluster DNS. Use DnsConfig.clusterFirstWithHostNet().');
  }
  // Anything the namespace's Pod Security level refuses would be rejected at apply: refuse it here.
  const enforced = namespace.namespaceLabels['pod-security.kubernetes.io/enforce'];
  if (hostNetwork && (enforced === 'baseline' || enforced === 'restricted')) {
    failAt(scope, `hostNetwork is refused by Pod Security "${enforced}", which namespace ${namespace.namespaceName} enforces (control "Host Namespaces"). Run it in a namespace with podSecurity: PodSecurityLevel.PRIVILEGED, or drop hostNetwork.`);
  }
  const selectorLabels = { [APP_NAME_LABEL]: name };
  const writablePaths = checkWritablePaths(scope, props.writablePaths ?? ['/tmp']);
  return {
    writablePaths,
    name,
    namespace,
    clusterDomain,
    selectorLabels,
    objectLabels: { ...extraLabels, ...selectorLabels },
    dns,
    hostNetwork,
    dnsServers: [...(namespace.allowsDnsForAllPods ? [] : namespace.dnsServers), ...dns.nameservers.map((ip) => Peer.ipAddress(ip))],
  };
}

function checkWritablePaths(scope: Construct, paths: readonly string[]): { path: string; volume: string }[] {
  const result: { path: string; volume: string }[] = [];
  for (const path of paths) {
    if (typeof path !== 'string' || !/^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/.test(path) || path.includes('//') || path.split('/').includes('..')) {
      failAt(scope, `writable path ${JSON.stringify(path)} is not an absolute directory path. Write it like "/tmp" or "/var/cache/app".`);
    }
    // The volume name is the path as a DNS label: /var/cache/nginx -> var-cache-nginx.
    const volume = path.slice(1).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '') || 'root';
    if (result.some((r) => r.path === path)) failAt(scope, `writable path ${path} is listed twice. List each once.`);
    if (result.some((r) => r.volume === volume)) failAt(scope, `writable paths ${result.find((r) => r.volume === volume)!.path} and ${path} map to the same volume name "${volume}". Rename one directory.`);
    result.push({ path, volume });
  }
  return result;
}

/** Container ports: single numbers, no duplicates, a name on each when there are several. */
export function checkContainerPorts(scope: Construct, ports: readonly Port[] | undefined, what = 'ports'): Port[] {
  if (!ports || ports.length === 0) failAt(scope, `${what} is empty; at least one port is needed. Add one, e.g. Port.tcp(8080, "http").`);
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

/** The cdk8s-plus probe for a declared port. */
export function probeFor(scope: Construct, probe: Probe, ports: readonly Port[]): kplus.Probe {
  if (!probe.usesPort) return probe._toKplus(undefined);
  if (ports.length === 0) failAt(scope, 'a probe checks a port, but the workload declares none. Declare the port it listens on (ports), or use Probe.exec([...]).');
  const requested = probe.requestedPort;
  const port = requested === undefined ? ports[0]
    : ports.find((p) => (typeof requested === 'string' ? p.name === requested : p.number === requested.number && p.protocol === requested.protocol));
  if (!port) failAt(scope, `a probe asks for ${String(requested)}, which is not a declared port (${ports.map(String).join(', ')}). Probe a declared port.`);
  return probe._toKplus(port.number);
}

/**
 * The one container of a workload, with restricted security and validated probes.
 * @param options.listens false for workloads that serve no port (workers, jobs): no readiness
 *        probe is invented for them
 */
export function containerProps(scope: Construct, workload: ResolvedWorkload, props: WorkloadProps, ports: readonly Port[], extraEnv: Record<string, string> = {}, options: { listens?: boolean } = {}): kplus.ContainerProps {
  const readiness = props.readiness ?? ((options.listens ?? true) ? Probe.tcp() : undefined);
  return {
    name: workload.name,
    image: props.image,
    ports: ports.map((p) => ({ number: p.number!, name: p.name, protocol: KPLUS_PROTOCOL[p.protocol] })),
    readiness: readiness ? probeFor(scope, readiness, ports) : undefined,
    liveness: props.liveness ? probeFor(scope, props.liveness, ports) : undefined,
    startup: props.startup ? probeFor(scope, props.startup, ports) : undefined,
    envVariables: envFrom({ ...extraEnv, ...props.env }),
    args: props.args,
    command: props.command,
    resources: props.resources ?? DEFAULT_RESOURCES,
    imagePullPolicy: pullPolicyFor(props.image),
    securityContext: restrictedContainerSecurity(props.runAsUser),
    // Created here, after every check: emptyDir volumes for the writable directories.
    volumeMounts: workload.writablePaths.map((w) => ({ path: w.path, volume: kplus.Volume.fromEmptyDir(scope, `writable-${w.volume}`, w.volume) })),
  };
}

/**
 * Pod-level props shared by every workload kind.
 * @param fsGroup the group volumes are made writable for (StatefulSets with storage)
 */
export function podProps(workload: ResolvedWorkload, props: WorkloadProps, fsGroup?: number) {
  return {
    podMetadata: { labels: workload.objectLabels },
    // Our own stable label, not cdk8s-plus's hashed cdk8s.io/metadata.addr.
    select: false,
    automountServiceAccountToken: (props.serviceAccount ?? false) || (props.serviceAccountToken ?? false),
    hostNetwork: workload.hostNetwork,
    securityContext: restrictedPodSecurity(props.runAsUser, fsGroup),
  };
}

/**
 * The workload's own ServiceAccount, when it asks for one (`serviceAccount: true`): named after
 * it, in its namespace. Its token is mounted by the pod, not by the account's default.
 */
export function serviceAccountFor(scope: Construct, workload: ResolvedWorkload, props: WorkloadProps): k8s.KubeServiceAccount | undefined {
  if (!props.serviceAccount) return undefined;
  return new k8s.KubeServiceAccount(scope, 'service-account', {
    metadata: { name: workload.name, namespace: workload.namespace.namespaceName, labels: workload.objectLabels },
    automountServiceAccountToken: false,
  });
}

/**
 * Finishes a cdk8s-plus workload: selects pods by our stable label, drops the hashed
 * address label cdk8s-plus adds, writes dnsPolicy/dnsConfig as DnsConfig renders them, and
 * names the workload's own ServiceAccount when it has one.
 */
export function finishWorkload(workload: kplus.Deployment | kplus.StatefulSet | kplus.CronJob, resolved: ResolvedWorkload, options: { serviceAccount?: k8s.KubeServiceAccount; fsGroup?: number } = {}): void {
  const serviceAccount = options.serviceAccount;
  const template = workload instanceof kplus.CronJob ? '/spec/jobTemplate/spec/template' : '/spec/template';
  if (!(workload instanceof kplus.CronJob)) workload.select(kplus.LabelSelector.of({ labels: resolved.selectorLabels }));
  const dns = resolved.dns.toJson();
  const patches = [
    JsonPatch.remove(`${template}/metadata/labels/cdk8s.io~1metadata.addr`),
    JsonPatch.replace(`${template}/spec/dnsPolicy`, dns.dnsPolicy),
  ];
  if (dns.dnsConfig) patches.push(JsonPatch.add(`${template}/spec/dnsConfig`, dns.dnsConfig));
  if (serviceAccount) patches.push(JsonPatch.add(`${template}/spec/serviceAccountName`, serviceAccount.name));
  // cdk8s-plus writes fsGroupChangePolicy even without an fsGroup, where it means nothing.
  if (options.fsGroup === undefined) patches.push(JsonPatch.remove(`${template}/spec/securityContext/fsGroupChangePolicy`));
  ApiObject.of(workload).addJsonPatch(...patches);
}

/**
 * Lint suppressions for findings the user opted into by name, so the committed YAML says
 * why an exposure is intended and `netkit check` agrees with synth.
 */
export function acknowledgeAnnotations(acknowledged: Record<string, string>): Record<string, string> {
  const rules = Object.keys(acknowledged).sort();
  if (rules.length === 0) return {};
  return { [IGNORE_ANNOTATION]: rules.join(','), [IGNORE_REASON_ANNOTATION]: rules.map((r) => acknowledged[r]).join('; ') };
}

function envFrom(env: Record<string, string>): Record<string, kplus.EnvValue> | undefined {
  const keys = Object.keys(env).sort();
  if (keys.length === 0) return undefined;
  const result: Record<string, kplus.EnvValue> = {};
  for (const key of keys) result[key] = kplus.EnvValue.fromValue(env[key]);
  return result;
}

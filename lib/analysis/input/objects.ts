import { SourcedObject } from './loader';
import { PROTOCOLS, PolicyProtocol } from '../model/port-set';
import { Rule, RulePeer, RulePort, ModelPolicy } from '../model/rules';
import { Labels, Selector, isRecord, setOwn } from '../model/selectors';
import { IpAddress, parseIp } from '../../net/ip';
import { podStatusAddresses } from '../model/addresses';

/** The label the API server puts on every namespace with its name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A container port of a workload. */
export interface ContainerPortInfo {
  /** The port's name, for named-port rules. @default - unnamed */
  readonly name?: string;
  /** The container port number. */
  readonly number: number;
  /** Its protocol. */
  readonly protocol: PolicyProtocol;
}

/** A workload: the pods one controller (or a bare Pod) runs. */
export interface WorkloadInfo {
  /** `<namespace>/<name>`. */
  readonly ref: string;
  /** The namespace it runs in. */
  readonly namespace: string;
  /** The controller's (or bare Pod's) name. */
  readonly name: string;
  /** The controller's kind: Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, ... */
  readonly kind: string;
  /**
   * The labels every pod carries: the template's, plus those its controller adds the same to
   * each pod (a Job's `job-name` and `batch.kubernetes.io/job-name`). Labels whose values are
   * not known before deploy (`pod-template-hash`, `controller-uid`) are not guessed.
   */
  readonly labels: Labels;
  /**
   * Each pod's labels, when the controller labels pods one by one (a StatefulSet's
   * `statefulset.kubernetes.io/pod-name: <name>-<i>` and `apps.kubernetes.io/pod-index`).
   * @default - every pod carries `labels` alone
   */
  readonly podLabelSets?: readonly Labels[];
  /** The ports its serving containers declare. */
  readonly ports: readonly ContainerPortInfo[];
  /** The service account its pods run as. @default 'default' */
  readonly serviceAccount?: string;
  /** Whether its pods use the node's network (no NetworkPolicy applies to them). */
  readonly hostNetwork: boolean;
  /**
   * For a host-network workload, addresses it binds on every node that pods send to directly,
   * so ipBlock peers reach it there: NodeLocal DNSCache's `-localip` (its link-local address,
   * and the kube-dns Service address in iptables mode). Node addresses are not in the input.
   * @default - none
   */
  readonly hostAddresses?: readonly IpAddress[];
  /**
   * Its pods' addresses, where the input records them (`status.podIP`/`podIPs` of Pod objects,
   * as `kubectl get -o yaml` writes them, grouped under their controller).
   * @default - none known
   */
  readonly podAddresses?: readonly IpAddress[];
  /** The object it was read from. @default - none (a stand-in) */
  readonly source?: SourcedObject;
}

/** A NetworkPolicy peer, parsed (the model's {@link RulePeer}). */
export type PolicyPeer = RulePeer;
/** A NetworkPolicy port, parsed. `port` undefined: every port of the protocol. */
export type PolicyPortSpec = RulePort;
/** One ingress or egress rule. `peers`/`ports` null: every peer / every port. */
export type PolicyRule = Rule;

/**
 * A NetworkPolicy with its defaults applied as the API server applies them: a rule set of the
 * `NetworkPolicy` tier, with the fields of the object it was read from.
 */
export interface PolicyInfo extends ModelPolicy {
  /** `<namespace>/<name>`. */
  readonly ref: string;
  /** Its namespace. */
  readonly namespace: string;
  /** Its name. */
  readonly name: string;
  /** The pods it applies to. */
  readonly podSelector: Selector;
  /** Whether it isolates them for ingress (`policyTypes`, defaulted as the API server does). */
  readonly isolatesIngress: boolean;
  /** Whether it isolates them for egress. */
  readonly isolatesEgress: boolean;
  /** Its ingress rules. */
  readonly ingress: readonly PolicyRule[];
  /** Its egress rules. */
  readonly egress: readonly PolicyRule[];
}

/** Built-in kinds whose pods come from `spec.template`. */
const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController']);
/** Every built-in kind that runs pods (other kinds with a pod template are read too, with a notice). */
export const STANDARD_WORKLOAD_KINDS: ReadonlySet<string> = new Set([...POD_TEMPLATE_KINDS, 'Pod', 'CronJob']);
/** Kinds that have `spec.template` but no pod template in it. */
const NOT_POD_TEMPLATES = new Set(['PodTemplate']);

/** The namespace an object lives in (`default` when unset). */
export function namespaceOf(object: Record<string, unknown>): string {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  return typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
}

/** The object's metadata.name, or undefined. */
export function nameOf(object: Record<string, unknown>): string | undefined {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  return typeof metadata.name === 'string' && metadata.name !== '' ? metadata.name : undefined;
}

/** A string-valued label map, ignoring anything that is not. */
export function readLabels(raw: unknown): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!isRecord(raw)) return labels;
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') setOwn(labels, key, String(value));
  }
  return labels;
}

/** The pod template (metadata + spec) of a workload object, or undefined for other kinds. */
export function podTemplateOf(object: Record<string, unknown>): { metadata: Record<string, unknown>; spec: Record<string, unknown> } | undefined {
  const kind = object.kind;
  const spec = isRecord(object.spec) ? object.spec : undefined;
  let template: unknown;
  if (kind === 'Pod') template = object;
  else if (typeof kind === 'string' && POD_TEMPLATE_KINDS.has(kind)) template = spec?.template;
  else if (kind === 'CronJob') template = isRecord(spec?.jobTemplate) && isRecord(spec.jobTemplate.spec) ? spec.jobTemplate.spec.template : undefined;
  // Any other controller with a pod template (Argo Rollout, OpenShift DeploymentConfig, ...).
  else if (typeof kind === 'string' && !NOT_POD_TEMPLATES.has(kind) && isRecord(spec?.template) && isRecord(spec.template.spec) && Array.isArray(spec.template.spec.containers)) template = spec.template;
  else return undefined;
  if (!isRecord(template)) return { metadata: {}, spec: {} };
  return {
    metadata: isRecord(template.metadata) ? template.metadata : {},
    spec: isRecord(template.spec) ? template.spec : {},
  };
}

/**
 * The containers whose ports a pod serves: `spec.containers`, and init containers with
 * `restartPolicy: Always` (native sidecars, which keep running). An ordinary init container
 * has exited before the pod is ready, so its ports (and their names) serve nothing; the
 * kubelet resolves named ports on these containers only.
 */
export function servingContainers(podSpec: Record<string, unknown>): Record<string, unknown>[] {
  const containers = Array.isArray(podSpec.containers) ? podSpec.containers.filter(isRecord) : [];
  const sidecars = Array.isArray(podSpec.initContainers) ? podSpec.initContainers.filter((c) => isRecord(c) && c.restartPolicy === 'Always') : [];
  return [...containers, ...sidecars] as Record<string, unknown>[];
}

/**
 * Reads a workload from a Pod or a pod-template controller; undefined for other kinds.
 * @param standInName the name to use when the object has none
 */
export function readWorkload(source: SourcedObject, standInName?: string): Omit<WorkloadInfo, 'ref'> | undefined {
  const template = podTemplateOf(source.object);
  const name = nameOf(source.object) ?? standInName;
  if (!template || !name) return undefined;
  const ports: ContainerPortInfo[] = [];
  for (const container of servingContainers(template.spec)) {
    if (!Array.isArray(container.ports)) continue;
    for (const port of container.ports) {
      if (!isRecord(port)) continue;
      // containerPort is an int32: a quoted "8080" is refused by the API server, not read as 8080.
      const number = port.containerPort;
      if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65535) continue;
      const protocol = readProtocol(port.protocol) ?? 'TCP';
      ports.push({ number, protocol, ...(typeof port.name === 'string' ? { name: port.name } : {}) });
    }
  }
  return {
    namespace: namespaceOf(source.object),
    name,
    kind: String(source.object.kind),
    ...controllerLabels(source.object, name, readLabels(template.metadata.labels)),
    ports,
    hostNetwork: template.spec.hostNetwork === true,
    serviceAccount: typeof template.spec.serviceAccountName === 'string' ? template.spec.serviceAccountName : typeof template.spec.serviceAccount === 'string' ? template.spec.serviceAccount : 'default',
    ...(template.spec.hostNetwork === true ? hostAddressesOf(template.spec) : {}),
    ...(source.object.kind === 'Pod' && podStatusAddresses(source.object).length > 0 ? { podAddresses: podStatusAddresses(source.object) } : {}),
    source,
  };
}

/** `-localip 169.254.20.10,10.96.0.10` (or `-localip=...`) of k8s-dns-node-cache, the addresses it binds. */
function hostAddressesOf(podSpec: Record<string, unknown>): { hostAddresses?: IpAddress[] } {
  const addresses: IpAddress[] = [];
  for (const container of servingContainers(podSpec)) {
    const words = [...(Array.isArray(container.command) ? container.command : []), ...(Array.isArray(container.args) ? container.args : [])].map(String);
    words.forEach((word, i) => {
      const value = word === '-localip' || word === '--localip' ? words[i + 1] : /^--?localip=/.test(word) ? word.slice(word.indexOf('=') + 1) : undefined;
      for (const text of value?.split(',') ?? []) {
        const ip = parseIp(text.trim());
        if (ip) addresses.push(ip);
      }
    });
  }
  return addresses.length > 0 ? { hostAddresses: addresses } : {};
}

/** Most replicas whose per-pod labels are spelled out (beyond, selectors see the first ones). */
const MAX_POD_LABEL_SETS = 1000;

/** The labels controllers add to the pods they create, as documented for each controller. */
function controllerLabels(object: Record<string, unknown>, name: string, template: Labels): { labels: Labels; podLabelSets?: Labels[] } {
  const spec = isRecord(object.spec) ? object.spec : {};
  if (object.kind === 'Job') {
    // https://kubernetes.io/docs/reference/labels-annotations-taints/#batchkubernetesiojob-name
    return { labels: { ...template, 'batch.kubernetes.io/job-name': name, 'job-name': name } };
  }
  if (object.kind === 'StatefulSet') {
    // https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#pod-name-label
    const replicas = typeof spec.replicas === 'number' && Number.isInteger(spec.replicas) && spec.replicas >= 0 ? Math.min(spec.replicas, MAX_POD_LABEL_SETS) : 1;
    const sets = Array.from({ length: replicas }, (_, i) => ({ ...template, 'statefulset.kubernetes.io/pod-name': `${name}-${i}`, 'apps.kubernetes.io/pod-index': String(i) }));
    return { labels: template, podLabelSets: sets };
  }
  return { labels: template };
}

/** A protocol exactly as a manifest writes it (the API server is case-sensitive); undefined for anything else. */
export function readProtocol(raw: unknown): PolicyProtocol | undefined {
  return typeof raw === 'string' && (PROTOCOLS as readonly string[]).includes(raw) ? raw as PolicyProtocol : undefined;
}

/**
 * A protocol as a user types it (`tcp`, `Udp`), upper-cased; undefined for anything that is
 * not TCP, UDP or SCTP. (In manifests the API server is case-sensitive: see readProtocol.)
 */
export function parseProtocol(text: string): PolicyProtocol | undefined {
  return readProtocol(typeof text === 'string' ? text.toUpperCase() : text);
}

/** `file:line` of a source, for messages. */
export function where(source: SourcedObject | undefined): string {
  if (!source?.file) return 'input';
  return source.line ? `${source.file}:${source.line}` : source.file;
}

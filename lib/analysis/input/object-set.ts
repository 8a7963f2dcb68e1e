/**
 * The objects a cluster would hold after `kubectl apply` of the input, shared by the
 * analyzer and lint so that every command reads the same objects and gives the same notices:
 * duplicates resolved (the last one wins), and workloads found wherever a pod template is,
 * with pods and replica sets grouped under the controller that owns them.
 */
import { SourcedObject } from './loader';
import { ContainerPortInfo, STANDARD_WORKLOAD_KINDS, WorkloadInfo, nameOf, namespaceOf, podTemplateOf, readLabels, readWorkload, where } from './objects';
import { isRecord } from '../model/selectors';
import { podStatusAddresses } from '../model/addresses';
import { IpAddress } from '../../net/ip';

/** Kinds without a namespace (`metadata.namespace` is ignored or refused for them). */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'StorageClass',
  'IngressClass', 'GatewayClass', 'PriorityClass', 'RuntimeClass', 'CSIDriver', 'CSINode', 'VolumeAttachment',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'APIService', 'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration', 'ClusterIssuer',
  'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy', 'CiliumClusterwideNetworkPolicy',
  'GlobalNetworkPolicy', 'StagedGlobalNetworkPolicy', 'GlobalNetworkSet', 'Tier', 'HostEndpoint',
]);

/** An object given more than once: the copy kept (the last) and the ones it replaced. */
export interface DuplicateObject {
  /** `Kind namespace/name` (or `Kind name` for cluster-scoped kinds). */
  readonly description: string;
  /** The copy kept: the last one given, as kubectl apply would leave it. */
  readonly kept: SourcedObject;
  /** The earlier copies it replaces. */
  readonly replaced: readonly SourcedObject[];
}

/** The API group of an apiVersion (`apps/v1` -> `apps`, `v1` -> core). */
function groupOf(apiVersion: unknown): string {
  const text = String(apiVersion);
  return text.includes('/') ? text.slice(0, text.lastIndexOf('/')) : '';
}

/** `Kind namespace/name`, or `Kind name` for a cluster-scoped kind. */
export function describeSourced(object: Record<string, unknown>): string {
  const kind = String(object.kind);
  const name = nameOf(object) ?? '<unnamed>';
  return CLUSTER_SCOPED_KINDS.has(kind) ? `${kind} ${name}` : `${kind} ${namespaceOf(object)}/${name}`;
}

/**
 * Why the API server would refuse an object whose `metadata.name` or `metadata.namespace` is
 * not a string, as YAML 1.1 reads some unquoted names: `y`, `yes`, `on`, `no`, `off` become
 * booleans and `1e3`, `0x1F`, `010` numbers. Undefined when both are strings or absent.
 */
export function identityProblem(object: Record<string, unknown>): string | undefined {
  const metadata = object.metadata;
  if (metadata === null || typeof metadata !== 'object') return undefined;
  for (const field of ['namespace', 'name'] as const) {
    const value = (metadata as Record<string, unknown>)[field];
    if (value === undefined || value === null || typeof value === 'string') continue;
    const reading = typeof value === 'boolean'
      ? `the boolean ${String(value)} (YAML 1.1 reads an unquoted ${value ? 'y, yes, on or true' : 'n, no, off or false'} as one)`
      : typeof value === 'number' ? `the number ${String(value)} (YAML reads an unquoted number, also 1e3, 0x1F or 010, as one)` : `a ${Array.isArray(value) ? 'list' : typeof value}`;
    return `metadata.${field} is ${reading}, not a string, so the API server refuses the object; quote it in the YAML (${field}: "...")`;
  }
  return undefined;
}

/**
 * Resolves duplicates as `kubectl apply` does: one object per API group, kind, namespace and
 * name (versions are views of one object), and the last one applied is what stays. Objects
 * without a name are kept as they are.
 */
export function resolveDuplicates(objects: readonly SourcedObject[]): { objects: SourcedObject[]; duplicates: DuplicateObject[]; notices: string[] } {
  const last = new Map<string, number>();
  const keys = objects.map((source, index) => {
    const name = nameOf(source.object);
    if (!name) return undefined;
    const kind = String(source.object.kind);
    const key = `${groupOf(source.object.apiVersion)}\u0000${kind}\u0000${CLUSTER_SCOPED_KINDS.has(kind) ? '' : namespaceOf(source.object)}\u0000${name}`;
    last.set(key, index);
    return key;
  });
  const kept: SourcedObject[] = [];
  const replacedBy = new Map<number, SourcedObject[]>();
  objects.forEach((source, index) => {
    const key = keys[index];
    const winner = key === undefined ? index : last.get(key)!;
    if (winner === index) { kept.push(source); return; }
    const list = replacedBy.get(winner);
    if (list) list.push(source);
    else replacedBy.set(winner, [source]);
  });
  const duplicates = [...replacedBy.entries()].sort((a, b) => a[0] - b[0]).map(([winner, replaced]) => ({
    description: describeSourced(objects[winner].object), kept: objects[winner], replaced,
  }));
  const notices = duplicates.map((d) => `${d.description} is defined ${d.replaced.length + 1} times (${[...d.replaced, d.kept].map((s) => where(s)).join(', ')}); the last one is used, as kubectl apply would leave it`);
  return { objects: kept, duplicates, notices };
}

/** A workload with the object it came from. */
export type SourcedWorkload = Omit<WorkloadInfo, 'ref'> & {
  /** For a workload an operator creates from a custom resource: no pod spec is in the input. */
  readonly operatorMade?: boolean;
};

/**
 * Custom resources of prometheus-operator whose pods are named and labelled in a documented
 * way (its API and operator docs): each becomes a StatefulSet `<prefix>-<name>` whose pods
 * carry these labels and serve these ports.
 */
const OPERATOR_WORKLOADS: Record<string, { prefix: string; labels: (name: string) => Record<string, string>; ports: ContainerPortInfo[] }> = {
  Prometheus: {
    prefix: 'prometheus',
    labels: (name) => ({ 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/managed-by': 'prometheus-operator', 'app.kubernetes.io/instance': name, prometheus: name, 'operator.prometheus.io/name': name }),
    ports: [{ name: 'web', number: 9090, protocol: 'TCP' }, { name: 'reloader-web', number: 8080, protocol: 'TCP' }],
  },
  Alertmanager: {
    prefix: 'alertmanager',
    labels: (name) => ({ 'app.kubernetes.io/name': 'alertmanager', 'app.kubernetes.io/managed-by': 'prometheus-operator', 'app.kubernetes.io/instance': name, alertmanager: name }),
    ports: [{ name: 'web', number: 9093, protocol: 'TCP' }, { name: 'mesh-tcp', number: 9094, protocol: 'TCP' }, { name: 'mesh-udp', number: 9094, protocol: 'UDP' }, { name: 'reloader-web', number: 8080, protocol: 'TCP' }],
  },
  ThanosRuler: {
    prefix: 'thanos-ruler',
    labels: (name) => ({ 'app.kubernetes.io/name': 'thanos-ruler', 'app.kubernetes.io/managed-by': 'prometheus-operator', 'app.kubernetes.io/instance': name, 'thanos-ruler': name }),
    ports: [{ name: 'grpc', number: 10901, protocol: 'TCP' }, { name: 'web', number: 10902, protocol: 'TCP' }, { name: 'reloader-web', number: 8080, protocol: 'TCP' }],
  },
};

/** Whether an object is a custom resource an operator turns into pods netkit knows. */
export function isOperatorWorkload(object: Record<string, unknown>): boolean {
  return String(object.apiVersion).startsWith('monitoring.coreos.com/') && Object.prototype.hasOwnProperty.call(OPERATOR_WORKLOADS, String(object.kind));
}

function operatorWorkload(source: SourcedObject, notices: string[]): SourcedWorkload | undefined {
  const object = source.object;
  const shape = OPERATOR_WORKLOADS[String(object.kind)];
  const name = nameOf(object);
  if (!name) return undefined;
  const spec = isRecord(object.spec) ? object.spec : {};
  const extra = isRecord(spec.podMetadata) ? readLabels(spec.podMetadata.labels) : {};
  const labels = { ...extra, ...shape.labels(name) };
  const setName = `${shape.prefix}-${name}`;
  const replicas = typeof spec.replicas === 'number' && Number.isInteger(spec.replicas) && spec.replicas >= 0 ? Math.min(spec.replicas, 1000) : 1;
  // Named as reach takes it: `ns/name`, or kind-qualified where another workload shares the name.
  notices.push(`${describeSourced(object)} is read as workload ${namespaceOf(object)}/${setName} (${namespaceOf(object)}/${String(object.kind).toLowerCase()}/${setName} where another workload has that name), the StatefulSet prometheus-operator creates for it (pods labelled ${Object.entries(shape.labels(name)).map(([k, v]) => `${k}=${v}`).join(', ')}; ports ${shape.ports.map((p) => `${p.protocol} ${p.number}`).join(', ')})`);
  return {
    namespace: namespaceOf(object),
    name: setName,
    kind: String(object.kind),
    labels,
    podLabelSets: Array.from({ length: replicas }, (_, i) => ({ ...labels, 'statefulset.kubernetes.io/pod-name': `${setName}-${i}`, 'apps.kubernetes.io/pod-index': String(i) })),
    ports: shape.ports,
    hostNetwork: false,
    source,
    operatorMade: true,
  };
}

/**
 * Every workload in the objects: Pods, the standard controllers, and any other object with a
 * pod template at `spec.template` (Argo Rollouts, OpenShift DeploymentConfigs, ...; named in
 * a notice). A Pod or ReplicaSet whose controller (ownerReference) is in the input is grouped
 * under it, as `kubectl get all` dumps hold all three.
 */
export function readWorkloads(objects: readonly SourcedObject[], notices: string[]): SourcedWorkload[] {
  const present = new Set<string>();
  for (const { object } of objects) {
    const name = nameOf(object);
    if (name) present.add(`${namespaceOf(object)}\u0000${String(object.kind)}\u0000${name}`);
  }
  const unnamed = new Map<string, number>();
  const workloads: SourcedWorkload[] = [];
  const genericKinds = new Set<string>();
  // Pod addresses of Pods grouped under a controller (ReplicaSet pods under their ReplicaSet,
  // ReplicaSets under their Deployment: addresses climb to the top controller below).
  const groupedAddresses = new Map<string, IpAddress[]>();
  const parentOf = new Map<string, string>();
  for (const { object } of objects) {
    const owner = controllerOwner(object);
    const name = nameOf(object);
    if (owner && name) parentOf.set(`${namespaceOf(object)}\u0000${String(object.kind)}\u0000${name}`, `${namespaceOf(object)}\u0000${owner.kind}\u0000${owner.name}`);
  }
  for (const source of objects) {
    if (isOperatorWorkload(source.object)) {
      const workload = operatorWorkload(source, notices);
      if (workload) workloads.push(workload);
      continue;
    }
    if (!podTemplateOf(source.object)) continue;
    const owner = controllerOwner(source.object);
    if (owner && present.has(`${namespaceOf(source.object)}\u0000${owner.kind}\u0000${owner.name}`)) {
      notices.push(`${describeSourced(source.object)} is grouped under its controller ${owner.kind} ${namespaceOf(source.object)}/${owner.name}, which the input holds`);
      const key = `${namespaceOf(source.object)}\u0000${owner.kind}\u0000${owner.name}`;
      groupedAddresses.set(key, [...(groupedAddresses.get(key) ?? []), ...podStatusAddresses(source.object)]);
      continue;
    }
    const kind = String(source.object.kind);
    let standIn: string | undefined;
    if (!nameOf(source.object)) {
      // The API server needs a name (generateName is for `kubectl create`), but a manifest
      // template without one still deserves to be checked: give it a name that says so.
      const count = (unnamed.get(kind) ?? 0) + 1;
      unnamed.set(kind, count);
      standIn = `<unnamed ${kind} #${count} in ${where(source)}>`;
      notices.push(`${where(source)}: a ${kind} without metadata.name is read as ${standIn}`);
    }
    const workload = readWorkload(source, standIn);
    if (!workload) continue;
    if (!STANDARD_WORKLOAD_KINDS.has(kind)) genericKinds.add(`${kind} (${String(source.object.apiVersion)})`);
    workloads.push(workload);
  }
  // Climb each group's addresses to the workload that stands for it.
  for (const [key, addresses] of [...groupedAddresses]) {
    let top = key;
    for (let hops = 0; parentOf.has(top) && present.has(parentOf.get(top)!) && hops < 10; hops++) top = parentOf.get(top)!;
    if (top !== key) {
      groupedAddresses.delete(key);
      groupedAddresses.set(top, [...(groupedAddresses.get(top) ?? []), ...addresses]);
    }
  }
  for (let i = 0; i < workloads.length; i++) {
    const w = workloads[i];
    const addresses = groupedAddresses.get(`${w.namespace}\u0000${w.kind}\u0000${w.name}`);
    if (addresses && addresses.length > 0) workloads[i] = { ...w, podAddresses: [...(w.podAddresses ?? []), ...addresses] };
  }
  for (const kind of [...genericKinds].sort()) {
    notices.push(`read ${kind} objects as workloads from their pod template at spec.template; the pods their controller makes are assumed to carry the template's labels and ports`);
  }
  return workloads;
}

/** The controller ownerReference of an object, if any. */
function controllerOwner(object: Record<string, unknown>): { kind: string; name: string } | undefined {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const owners = Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences : [];
  for (const owner of owners) {
    if (isRecord(owner) && owner.controller === true && typeof owner.kind === 'string' && typeof owner.name === 'string') return { kind: owner.kind, name: owner.name };
  }
  return undefined;
}

/** Kinds the analyzer reads (workloads are found by their pod template). */
const ANALYZED_KINDS = new Set(['Namespace', 'NetworkPolicy', 'Service', 'EndpointSlice', 'ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy',
  'GlobalNetworkPolicy', 'StagedNetworkPolicy', 'StagedGlobalNetworkPolicy', 'StagedKubernetesNetworkPolicy', 'Tier', 'NetworkSet', 'GlobalNetworkSet', 'HostEndpoint']);
/**
 * Kinds the lint rules read, or that carry no traffic rule of their own (configuration,
 * access control, storage, scaling): a notice about them would be noise.
 */
const NO_TRAFFIC_EFFECT = new Set([
  'ConfigMap', 'Secret', 'ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolumeClaim',
  'PersistentVolume', 'StorageClass', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'VerticalPodAutoscaler', 'LimitRange',
  'ResourceQuota', 'PriorityClass', 'RuntimeClass', 'CustomResourceDefinition', 'Certificate', 'Issuer', 'ClusterIssuer',
  'CertificateRequest', 'Ingress', 'IngressClass', 'Gateway', 'GatewayClass', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant',
  'Endpoints', 'ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'PodTemplate', 'Event', 'Lease', 'ControllerRevision',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService', 'CSIDriver', 'VolumeSnapshot',
  'VolumeSnapshotClass', 'Node', 'CertificateSigningRequest',
]);

/**
 * One notice naming the kinds in the input that are not modelled, so that no answer is
 * silently missing their effect. Kinds that may allow or deny traffic (policies of CNIs and
 * meshes) say so.
 */
export function unmodelledKindsNotice(objects: readonly SourcedObject[]): string | undefined {
  const kinds = new Map<string, string>();
  for (const { object } of objects) {
    const kind = String(object.kind);
    if (ANALYZED_KINDS.has(kind) || NO_TRAFFIC_EFFECT.has(kind) || podTemplateOf(object) || isOperatorWorkload(object)) continue;
    kinds.set(`${kind} (${String(object.apiVersion)})`, kind);
  }
  if (kinds.size === 0) return undefined;
  const policies = [...kinds.entries()].filter(([, kind]) => /Policy$/.test(kind)).map(([text]) => text).sort();
  const others = [...kinds.keys()].filter((text) => !policies.includes(text)).sort();
  const parts = [
    ...(policies.length > 0 ? [`${policies.join(', ')}: policies that may allow or deny traffic, which these answers do not include`] : []),
    ...(others.length > 0 ? [`${others.join(', ')}: read for nothing but schema and duplicates`] : []),
  ];
  return `kinds not modelled: ${parts.join('; ')}`;
}

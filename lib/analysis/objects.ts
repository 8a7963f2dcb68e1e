import { SourcedObject } from './loader';
import { PROTOCOLS, PolicyProtocol } from './port-set';
import { Labels, MATCH_ALL, Selector, isRecord, parseSelector, setOwn } from './selectors';
import { IpRange, addressBits, parseIp } from '../net/ip';

/** The label the API server puts on every namespace with its name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A container port of a workload. */
export interface ContainerPortInfo {
  readonly name?: string;
  readonly number: number;
  readonly protocol: PolicyProtocol;
}

/** A workload: the pods one controller (or a bare Pod) runs. */
export interface WorkloadInfo {
  /** `<namespace>/<name>`. */
  readonly ref: string;
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  /** The pod template's labels. */
  readonly labels: Labels;
  readonly ports: readonly ContainerPortInfo[];
  readonly hostNetwork: boolean;
  readonly source?: SourcedObject;
}

/** A NetworkPolicy peer, parsed. */
export type PolicyPeer =
  | { readonly kind: 'pods'; readonly podSelector?: Selector; readonly namespaceSelector?: Selector }
  | { readonly kind: 'ipBlock'; readonly cidr: IpRange; readonly except: readonly IpRange[]; readonly text: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/** A NetworkPolicy port, parsed. `port` undefined: every port of the protocol. */
export interface PolicyPortSpec {
  readonly protocol: PolicyProtocol;
  readonly port?: number | string;
  readonly endPort?: number;
}

/** One ingress or egress rule. `peers`/`ports` null: every peer / every port. */
export interface PolicyRule {
  readonly index: number;
  readonly peers: readonly PolicyPeer[] | null;
  readonly ports: readonly PolicyPortSpec[] | null;
}

/** A NetworkPolicy with its defaults applied as the API server applies them. */
export interface PolicyInfo {
  /** `<namespace>/<name>`. */
  readonly ref: string;
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: Selector;
  readonly isolatesIngress: boolean;
  readonly isolatesEgress: boolean;
  readonly ingress: readonly PolicyRule[];
  readonly egress: readonly PolicyRule[];
  readonly source?: SourcedObject;
}

const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController']);

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
  else return undefined;
  if (!isRecord(template)) return { metadata: {}, spec: {} };
  return {
    metadata: isRecord(template.metadata) ? template.metadata : {},
    spec: isRecord(template.spec) ? template.spec : {},
  };
}

/** Reads a workload from a Pod or a pod-template controller; undefined for other kinds. */
export function readWorkload(source: SourcedObject): Omit<WorkloadInfo, 'ref'> | undefined {
  const template = podTemplateOf(source.object);
  const name = nameOf(source.object);
  if (!template || !name) return undefined;
  const ports: ContainerPortInfo[] = [];
  for (const listName of ['containers', 'initContainers']) {
    const list = template.spec[listName];
    if (!Array.isArray(list)) continue;
    for (const container of list) {
      if (!isRecord(container) || !Array.isArray(container.ports)) continue;
      for (const port of container.ports) {
        if (!isRecord(port)) continue;
        const number = Number(port.containerPort);
        if (!Number.isInteger(number) || number < 1 || number > 65535) continue;
        const protocol = readProtocol(port.protocol) ?? 'TCP';
        ports.push({ number, protocol, ...(typeof port.name === 'string' ? { name: port.name } : {}) });
      }
    }
  }
  return {
    namespace: namespaceOf(source.object),
    name,
    kind: String(source.object.kind),
    labels: readLabels(template.metadata.labels),
    ports,
    hostNetwork: template.spec.hostNetwork === true,
    source,
  };
}

function readProtocol(raw: unknown): PolicyProtocol | undefined {
  return typeof raw === 'string' && (PROTOCOLS as readonly string[]).includes(raw) ? raw as PolicyProtocol : undefined;
}

/**
 * Reads a NetworkPolicy with the API server's defaulting: without `policyTypes`, Ingress
 * always and Egress only when `egress` has at least one rule; a missing or empty
 * `from`/`to` is every peer; missing or empty `ports` is every port; protocol TCP.
 */
export function readPolicy(source: SourcedObject, notices: string[]): PolicyInfo | undefined {
  const name = nameOf(source.object);
  if (!name) {
    notices.push(`${where(source)}: skipped a NetworkPolicy without metadata.name`);
    return undefined;
  }
  const namespace = namespaceOf(source.object);
  const spec = isRecord(source.object.spec) ? source.object.spec : {};
  const rawIngress = Array.isArray(spec.ingress) ? spec.ingress : [];
  const rawEgress = Array.isArray(spec.egress) ? spec.egress : [];
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes.filter((t): t is string => typeof t === 'string') : [];
  const isolatesIngress = types.length === 0 ? true : types.includes('Ingress');
  const isolatesEgress = types.length === 0 ? rawEgress.length > 0 : types.includes('Egress');
  return {
    ref: `${namespace}/${name}`,
    namespace,
    name,
    podSelector: spec.podSelector === undefined ? MATCH_ALL : parseSelector(spec.podSelector),
    isolatesIngress,
    isolatesEgress,
    ingress: isolatesIngress ? rawIngress.map((rule, index) => readRule(rule, index, 'from')) : [],
    egress: isolatesEgress ? rawEgress.map((rule, index) => readRule(rule, index, 'to')) : [],
    source,
  };
}

function readRule(raw: unknown, index: number, peerField: 'from' | 'to'): PolicyRule {
  if (!isRecord(raw)) return { index, peers: null, ports: null };
  const rawPeers = raw[peerField];
  const rawPorts = raw.ports;
  const peers = Array.isArray(rawPeers) && rawPeers.length > 0 ? rawPeers.map(readPeer) : null;
  const ports = Array.isArray(rawPorts) && rawPorts.length > 0 ? rawPorts.map(readPort) : null;
  return { index, peers, ports };
}

function readPeer(raw: unknown): PolicyPeer {
  if (!isRecord(raw)) return { kind: 'invalid', reason: 'peer is not a mapping' };
  if (raw.ipBlock !== undefined) {
    if (raw.podSelector !== undefined || raw.namespaceSelector !== undefined) {
      return { kind: 'invalid', reason: 'ipBlock cannot be combined with selectors' };
    }
    const block = isRecord(raw.ipBlock) ? raw.ipBlock : {};
    const cidr = typeof block.cidr === 'string' ? parseCidrLoose(block.cidr) : undefined;
    if (!cidr) return { kind: 'invalid', reason: `ipBlock cidr ${JSON.stringify(block.cidr)} is not a CIDR` };
    const except = Array.isArray(block.except) ? block.except.map((e) => (typeof e === 'string' ? parseCidrLoose(e) : undefined)) : [];
    if (except.some((e) => e === undefined)) return { kind: 'invalid', reason: 'ipBlock except holds an invalid CIDR' };
    return { kind: 'ipBlock', cidr, except: except as IpRange[], text: String(block.cidr) };
  }
  if (raw.podSelector === undefined && raw.namespaceSelector === undefined) {
    return { kind: 'invalid', reason: 'peer has no podSelector, namespaceSelector or ipBlock' };
  }
  return {
    kind: 'pods',
    ...(raw.podSelector !== undefined ? { podSelector: parseSelector(raw.podSelector) } : {}),
    ...(raw.namespaceSelector !== undefined ? { namespaceSelector: parseSelector(raw.namespaceSelector) } : {}),
  };
}

/** The API server (before 1.33) accepts host bits in an ipBlock; the network part is what matches. */
function parseCidrLoose(text: string): IpRange | undefined {
  const [address, prefixText, ...rest] = text.split('/');
  const ip = parseIp(address);
  if (!ip || rest.length > 0 || !/^\d{1,3}$/.test(prefixText ?? '')) return undefined;
  const bits = addressBits(ip.family);
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  const shift = BigInt(bits - prefix);
  return { family: ip.family, base: (ip.value >> shift) << shift, prefix };
}

function readPort(raw: unknown): PolicyPortSpec {
  if (!isRecord(raw)) return { protocol: 'TCP' };
  const protocol = readProtocol(raw.protocol) ?? 'TCP';
  const port = typeof raw.port === 'number' || typeof raw.port === 'string' ? raw.port : undefined;
  const endPort = typeof raw.endPort === 'number' && typeof port === 'number' ? raw.endPort : undefined;
  return { protocol, ...(port !== undefined ? { port } : {}), ...(endPort !== undefined ? { endPort } : {}) };
}

/** `file:line` of a source, for messages. */
export function where(source: SourcedObject | undefined): string {
  if (!source?.file) return 'input';
  return source.line ? `${source.file}:${source.line}` : source.file;
}

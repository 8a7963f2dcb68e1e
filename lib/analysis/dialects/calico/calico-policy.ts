/**
 * Calico's policy kinds (projectcalico.org/v3), read as Calico's API server would accept them.
 * The laws, with the Calico documentation section each comes from (reference/resources/):
 * - networkpolicy.md / globalnetworkpolicy.md "Spec": `order` (lower first; omitted is last),
 *   `selector` (default all()), `types` (see {@link defaultTypes}), `serviceAccountSelector`,
 *   GlobalNetworkPolicy's `namespaceSelector`; `doNotTrack`, `preDNAT`, `applyOnForward` are for
 *   host endpoints only.
 * - networkpolicy.md "Rule": `action` Allow, Deny, Log, Pass; `protocol`/`notProtocol` by name
 *   (TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite) or number 1-255; `icmp`/`notICMP` {type, code};
 *   `ipVersion` 4 or 6; `source`, `destination`; `http` (application layer policy).
 * - networkpolicy.md "EntityRule": `nets`, `notNets`, `selector`, `notSelector`,
 *   `namespaceSelector`, `ports`, `notPorts` (numbers, "a:b" ranges, names; only with protocol
 *   TCP, UDP or SCTP), `serviceAccounts` {names, selector}, `services` {name, namespace}.
 * - tier.md: `order` (lower first; omitted is last), `defaultAction` Deny (default) or Pass.
 * - networkset.md / globalnetworkset.md: labelled `nets` that rule selectors pick as peers.
 * - stagednetworkpolicy.md, stagedglobalnetworkpolicy.md, stagedkubernetesnetworkpolicy.md:
 *   preview only, never enforced; `stagedAction` Set (default) or Delete.
 */
import { SourcedObject } from '../../input/loader';
import { nameOf, namespaceOf, readLabels } from '../../input/objects';
import { isRecord } from '../../model/selectors';
import { IpRange, cidrProblem, parseCidr } from '../../../net/ip';
import { CALICO_ALL, CalicoSelector, SelectorSyntaxError, parseCalicoSelector } from './selector';

export const CALICO_API = 'projectcalico.org/v3';
export const CALICO_POLICY_KINDS = ['NetworkPolicy', 'GlobalNetworkPolicy', 'StagedNetworkPolicy', 'StagedGlobalNetworkPolicy', 'StagedKubernetesNetworkPolicy'] as const;
const CALICO_KINDS = new Set<string>([...CALICO_POLICY_KINDS, 'Tier', 'NetworkSet', 'GlobalNetworkSet', 'HostEndpoint']);

/** Labels Calico gives every pod endpoint, namespace and service account (networkpolicy.md "Selectors"). */
export const CALICO_NAMESPACE_LABEL = 'projectcalico.org/namespace';
export const CALICO_NAME_LABEL = 'projectcalico.org/name';
export const CALICO_SERVICE_ACCOUNT_LABEL = 'projectcalico.org/serviceaccount';
export const CALICO_ORCHESTRATOR_LABEL = 'projectcalico.org/orchestrator';

/** IANA numbers of the protocols Calico names. */
export const CALICO_PROTOCOLS: Readonly<Record<string, number>> = { TCP: 6, UDP: 17, ICMP: 1, ICMPv6: 58, SCTP: 132, UDPLite: 136 };
const PORT_PROTOCOLS = new Set([6, 17, 132, 136]);

/** The default tier, where Kubernetes NetworkPolicies and policies without `tier` live. */
export const DEFAULT_TIER = 'default';
/** The default tier's fixed order (tiered-policy.md "The default tier: always last"). */
export const DEFAULT_TIER_ORDER = 1_000_000;
/** The order Calico gives a Kubernetes NetworkPolicy in the default tier. */
export const KUBERNETES_POLICY_ORDER = 1000;

/** Whether an object is a projectcalico.org/v3 kind netkit reads. */
export function isCalicoObject(object: Record<string, unknown>): boolean {
  return object.apiVersion === CALICO_API && CALICO_KINDS.has(String(object.kind));
}

/** Whether an object is Calico's storage form (crd.projectcalico.org/v1), which users do not write. */
export function isCalicoStorageObject(object: Record<string, unknown>): boolean {
  return typeof object.apiVersion === 'string' && object.apiVersion.startsWith('crd.projectcalico.org/');
}

/** A port, a range `a:b`, or a name resolved on the destination endpoint. */
export type CalicoPort = { readonly from: number; readonly to: number } | { readonly name: string };

/** One end of a rule (EntityRule). Absent fields do not restrict. */
export interface CalicoEntityRule {
  readonly nets?: readonly IpRange[];
  readonly notNets?: readonly IpRange[];
  readonly selector?: CalicoSelector;
  readonly notSelector?: CalicoSelector;
  readonly namespaceSelector?: CalicoSelector;
  readonly serviceAccounts?: { readonly names?: readonly string[]; readonly selector?: CalicoSelector };
  readonly services?: { readonly name: string; readonly namespace: string };
  readonly ports?: readonly CalicoPort[];
  readonly notPorts?: readonly CalicoPort[];
}

/** The action of a rule, as Calico names it. */
export type CalicoAction = 'Allow' | 'Deny' | 'Log' | 'Pass';

/** ICMP type and code. */
export interface IcmpMatch {
  readonly type?: number;
  readonly code?: number;
}

/** One rule, as written. */
export interface CalicoRule {
  readonly index: number;
  readonly action: CalicoAction;
  readonly protocol?: number;
  readonly notProtocol?: number;
  readonly icmp?: IcmpMatch;
  readonly notICMP?: IcmpMatch;
  readonly ipVersion?: 4 | 6;
  readonly source: CalicoEntityRule;
  readonly destination: CalicoEntityRule;
  /** A part netkit does not model (an `http` match): the rule then matches nothing, and a notice says so. */
  readonly unmodelled?: string;
}

/** A Calico policy (or a Kubernetes NetworkPolicy as Calico holds it), read. */
export interface CalicoPolicy {
  /** How verdicts name it: `GlobalNetworkPolicy deny-metadata`, `NetworkPolicy shop/allow-web`. */
  readonly ref: string;
  readonly kind: string;
  readonly name: string;
  /** Its namespace; none for the global kinds. */
  readonly namespace?: string;
  readonly tier: string;
  /** `spec.order`; none is last. */
  readonly order?: number;
  readonly selector: CalicoSelector;
  readonly serviceAccountSelector?: CalicoSelector;
  /** A GlobalNetworkPolicy's `namespaceSelector`. */
  readonly namespaceSelector?: CalicoSelector;
  readonly types: { readonly ingress: boolean; readonly egress: boolean };
  readonly ingress: readonly CalicoRule[];
  readonly egress: readonly CalicoRule[];
  /** For the staged kinds: what enforcing it would do. */
  readonly staged?: 'Set' | 'Delete';
  readonly source?: SourcedObject;
}

/** A Tier. */
export interface CalicoTier {
  readonly name: string;
  readonly order?: number;
  readonly defaultAction: 'Deny' | 'Pass';
}

/** A NetworkSet or GlobalNetworkSet: labelled addresses. */
export interface CalicoNetworkSet {
  readonly ref: string;
  /** Its namespace; none for a GlobalNetworkSet. */
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly nets: readonly IpRange[];
}

/** What reading one object gave. */
export type CalicoRead =
  | { readonly kind: 'policy'; readonly policy: CalicoPolicy; readonly notices: string[] }
  | { readonly kind: 'tier'; readonly tier: CalicoTier }
  | { readonly kind: 'networkSet'; readonly set: CalicoNetworkSet }
  | { readonly kind: 'hostEndpoint' }
  | { readonly kind: 'refused'; readonly problems: string[] }
  | { readonly kind: 'kubernetesStaged'; readonly object: Record<string, unknown>; readonly staged: 'Set' | 'Delete' };

/**
 * `types` when omitted (networkpolicy.md, the footnote to `types`): Ingress when there are no
 * egress rules; Egress when there are egress rules and no ingress rules; both when both.
 */
export function defaultTypes(hasIngress: boolean, hasEgress: boolean): { ingress: boolean; egress: boolean } {
  if (!hasEgress) return { ingress: true, egress: false };
  return { ingress: hasIngress, egress: true };
}

const list = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isRecord) : []);

/** Reads one projectcalico.org/v3 object. */
export function readCalicoObject(source: SourcedObject): CalicoRead {
  const object = source.object;
  const kind = String(object.kind);
  const spec = isRecord(object.spec) ? object.spec : {};
  const name = nameOf(object) ?? '';
  const problems: string[] = [];
  if (kind === 'Tier') {
    const order = readOrder(spec.order, 'spec.order', problems);
    const defaultAction = spec.defaultAction === undefined ? 'Deny' : spec.defaultAction;
    if (defaultAction !== 'Deny' && defaultAction !== 'Pass') problems.push(`spec.defaultAction ${JSON.stringify(spec.defaultAction)} is not Deny or Pass`);
    if (problems.length > 0) return { kind: 'refused', problems };
    return { kind: 'tier', tier: { name, ...(order !== undefined ? { order } : {}), defaultAction: defaultAction as 'Deny' | 'Pass' } };
  }
  if (kind === 'NetworkSet' || kind === 'GlobalNetworkSet') {
    const nets = readNets(spec.nets, 'spec.nets', problems);
    if (problems.length > 0) return { kind: 'refused', problems };
    const namespace = kind === 'NetworkSet' ? namespaceOf(object) : undefined;
    const metadata = isRecord(object.metadata) ? object.metadata : {};
    return { kind: 'networkSet', set: { ref: `${kind} ${namespace ? `${namespace}/` : ''}${name}`, ...(namespace ? { namespace } : {}), labels: readLabels(metadata.labels), nets } };
  }
  if (kind === 'HostEndpoint') return { kind: 'hostEndpoint' };
  const staged = kind.startsWith('Staged') ? (spec.stagedAction === undefined ? 'Set' : spec.stagedAction) : undefined;
  if (staged !== undefined && staged !== 'Set' && staged !== 'Delete') return { kind: 'refused', problems: [`spec.stagedAction ${JSON.stringify(spec.stagedAction)} is not Set or Delete`] };
  if (kind === 'StagedKubernetesNetworkPolicy') return { kind: 'kubernetesStaged', object, staged: staged as 'Set' | 'Delete' };
  const global = kind === 'GlobalNetworkPolicy' || kind === 'StagedGlobalNetworkPolicy';
  const namespace = global ? undefined : namespaceOf(object);
  const notices: string[] = [];
  const selector = readSelector(spec.selector, 'spec.selector', problems) ?? CALICO_ALL;
  const serviceAccountSelector = readSelector(spec.serviceAccountSelector, 'spec.serviceAccountSelector', problems);
  const namespaceSelector = global ? readSelector(spec.namespaceSelector, 'spec.namespaceSelector', problems) : undefined;
  if (!global && spec.namespaceSelector !== undefined) problems.push('spec.namespaceSelector is only valid in a GlobalNetworkPolicy');
  const order = readOrder(spec.order, 'spec.order', problems);
  const tierName = spec.tier === undefined || spec.tier === '' ? DEFAULT_TIER : String(spec.tier);
  const ingress = list(spec.ingress).map((raw, index) => readRule(raw, index, `spec.ingress[${index}]`, problems));
  const egress = list(spec.egress).map((raw, index) => readRule(raw, index, `spec.egress[${index}]`, problems));
  let types = defaultTypes(ingress.length > 0, egress.length > 0);
  if (spec.types !== undefined) {
    if (!Array.isArray(spec.types) || spec.types.some((t) => t !== 'Ingress' && t !== 'Egress')) problems.push(`spec.types ${JSON.stringify(spec.types)} is not a list of Ingress and Egress`);
    else types = { ingress: spec.types.includes('Ingress'), egress: spec.types.includes('Egress') };
    // Calico's validation refuses rules for a direction the policy does not apply to.
    if (!types.ingress && ingress.length > 0) problems.push('spec.ingress has rules but spec.types does not list Ingress');
    if (!types.egress && egress.length > 0) problems.push('spec.egress has rules but spec.types does not list Egress');
  }
  for (const field of ['doNotTrack', 'preDNAT', 'applyOnForward'] as const) {
    if (spec[field] === true) notices.push(`spec.${field} applies to host endpoints only, which are not modelled; the policy is read for its pod endpoints`);
  }
  for (const rule of [...ingress, ...egress]) if (rule.unmodelled) notices.push(rule.unmodelled);
  // Pod addresses' family is not in the input: between pods, IPv4 is assumed.
  if ([...ingress, ...egress].some((r) => r.ipVersion === 6)) notices.push('a rule with ipVersion 6 matches traffic to and from addresses by their family, but between pods netkit reads IPv4 (pod address families are not in the input), so it matches no pod-to-pod traffic here');
  if (problems.length > 0) return { kind: 'refused', problems };
  const ref = `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
  return {
    kind: 'policy',
    notices,
    policy: {
      ref, kind, name, ...(namespace ? { namespace } : {}), tier: tierName, ...(order !== undefined ? { order } : {}), selector,
      ...(serviceAccountSelector ? { serviceAccountSelector } : {}), ...(namespaceSelector ? { namespaceSelector } : {}),
      types, ingress, egress, ...(staged ? { staged: staged as 'Set' | 'Delete' } : {}), source,
    },
  };
}

function readOrder(raw: unknown, at: string, problems: string[]): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.push(`${at} ${JSON.stringify(raw)} is not a number`);
    return undefined;
  }
  return value;
}

function readSelector(raw: unknown, at: string, problems: string[]): CalicoSelector | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') {
    problems.push(`${at} is not a string (Calico selectors are expressions such as "app == 'web'")`);
    return undefined;
  }
  try {
    return parseCalicoSelector(raw);
  } catch (error) {
    if (error instanceof SelectorSyntaxError) {
      problems.push(`${at}: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}

function readNets(raw: unknown, at: string, problems: string[]): IpRange[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push(`${at} is not a list of CIDRs`);
    return [];
  }
  return raw.flatMap((text, i) => {
    // A bare address is a /32 (/128) to Calico.
    const cidr = typeof text === 'string' && !text.includes('/') ? `${text}/${text.includes(':') ? 128 : 32}` : String(text);
    const problem = cidrProblem(cidr);
    const range = problem === undefined ? parseCidr(cidr) : undefined;
    if (!range) {
      problems.push(`${at}[${i}] ${JSON.stringify(text)} is not a CIDR${problem ? ` (it ${problem})` : ''}`);
      return [];
    }
    return [range];
  });
}

/** A protocol by name (any case, as Calico accepts) or number 1-255. */
export function readCalicoProtocol(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isInteger(raw) && raw >= 1 && raw <= 255 ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  if (/^\d+$/.test(raw)) return readCalicoProtocol(Number(raw));
  const key = Object.keys(CALICO_PROTOCOLS).find((k) => k.toLowerCase() === raw.toLowerCase());
  return key === undefined ? undefined : CALICO_PROTOCOLS[key];
}

/** The name of a protocol number, for messages. */
export function protocolName(number: number): string {
  return Object.keys(CALICO_PROTOCOLS).find((k) => CALICO_PROTOCOLS[k] === number) ?? String(number);
}

function readPorts(raw: unknown, at: string, problems: string[]): CalicoPort[] {
  if (!Array.isArray(raw)) {
    problems.push(`${at} is not a list`);
    return [];
  }
  return raw.flatMap((value, i): CalicoPort[] => {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535) return [{ from: value, to: value }];
    if (typeof value === 'string') {
      const range = /^(\d+):(\d+)$/.exec(value);
      if (range) {
        const [from, to] = [Number(range[1]), Number(range[2])];
        if (from <= to && to <= 65535) return [{ from, to }];
      } else if (/^\d+$/.test(value) && Number(value) <= 65535) {
        return [{ from: Number(value), to: Number(value) }];
      } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(value) && value.length <= 15) {
        return [{ name: value }];
      }
    }
    problems.push(`${at}[${i}] ${JSON.stringify(value)} is not a port, a range "first:last" or a port name`);
    return [];
  });
}

function readEntity(raw: unknown, at: string, problems: string[]): CalicoEntityRule {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) {
    problems.push(`${at} is not a mapping`);
    return {};
  }
  const entity: { -readonly [K in keyof CalicoEntityRule]: CalicoEntityRule[K] } = {};
  if (raw.nets !== undefined) entity.nets = readNets(raw.nets, `${at}.nets`, problems);
  if (raw.notNets !== undefined) entity.notNets = readNets(raw.notNets, `${at}.notNets`, problems);
  const selector = readSelector(raw.selector, `${at}.selector`, problems);
  if (selector && raw.selector !== '') entity.selector = selector;
  const notSelector = readSelector(raw.notSelector, `${at}.notSelector`, problems);
  if (notSelector && raw.notSelector !== '') entity.notSelector = notSelector;
  const namespaceSelector = readSelector(raw.namespaceSelector, `${at}.namespaceSelector`, problems);
  if (namespaceSelector && raw.namespaceSelector !== '') entity.namespaceSelector = namespaceSelector;
  if (raw.ports !== undefined) entity.ports = readPorts(raw.ports, `${at}.ports`, problems);
  if (raw.notPorts !== undefined) entity.notPorts = readPorts(raw.notPorts, `${at}.notPorts`, problems);
  if (raw.serviceAccounts !== undefined) {
    const sa = isRecord(raw.serviceAccounts) ? raw.serviceAccounts : {};
    const names = Array.isArray(sa.names) ? sa.names.map(String) : undefined;
    const saSelector = readSelector(sa.selector, `${at}.serviceAccounts.selector`, problems);
    entity.serviceAccounts = { ...(names ? { names } : {}), ...(saSelector ? { selector: saSelector } : {}) };
  }
  if (raw.services !== undefined) {
    const services = isRecord(raw.services) ? raw.services : {};
    if (typeof services.name !== 'string' || services.name === '') problems.push(`${at}.services.name is required`);
    else entity.services = { name: services.name, namespace: typeof services.namespace === 'string' ? services.namespace : '' };
    // networkpolicy.md "EntityRule": services cannot be combined with selectors, nets or service accounts.
    if (['selector', 'notSelector', 'namespaceSelector', 'nets', 'notNets', 'serviceAccounts'].some((f) => raw[f] !== undefined)) problems.push(`${at}.services cannot be combined with selectors, nets or serviceAccounts`);
  }
  return entity;
}

function readIcmp(raw: unknown, at: string, problems: string[]): IcmpMatch | undefined {
  if (raw === undefined || raw === null) return undefined;
  const icmp = isRecord(raw) ? raw : {};
  const byte = (v: unknown, field: string, max: number) => {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) problems.push(`${at}.${field} ${JSON.stringify(v)} is not 0-${max}`);
    return typeof v === 'number' ? v : undefined;
  };
  const type = byte(icmp.type, 'type', 254);
  const code = byte(icmp.code, 'code', 255);
  if (code !== undefined && type === undefined) problems.push(`${at}.code needs a type`);
  return { ...(type !== undefined ? { type } : {}), ...(code !== undefined ? { code } : {}) };
}

function readRule(raw: Record<string, unknown>, index: number, at: string, problems: string[]): CalicoRule {
  const action = raw.action;
  if (action !== 'Allow' && action !== 'Deny' && action !== 'Log' && action !== 'Pass') problems.push(`${at}.action ${JSON.stringify(action)} is not Allow, Deny, Log or Pass`);
  const protocol = raw.protocol === undefined ? undefined : readCalicoProtocol(raw.protocol);
  if (raw.protocol !== undefined && protocol === undefined) problems.push(`${at}.protocol ${JSON.stringify(raw.protocol)} is not TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or 1-255`);
  const notProtocol = raw.notProtocol === undefined ? undefined : readCalicoProtocol(raw.notProtocol);
  if (raw.notProtocol !== undefined && notProtocol === undefined) problems.push(`${at}.notProtocol ${JSON.stringify(raw.notProtocol)} is not a protocol`);
  const ipVersion = raw.ipVersion;
  if (ipVersion !== undefined && ipVersion !== 4 && ipVersion !== 6) problems.push(`${at}.ipVersion ${JSON.stringify(ipVersion)} is not 4 or 6`);
  const source = readEntity(raw.source, `${at}.source`, problems);
  const destination = readEntity(raw.destination, `${at}.destination`, problems);
  const icmp = readIcmp(raw.icmp, `${at}.icmp`, problems);
  const notICMP = readIcmp(raw.notICMP, `${at}.notICMP`, problems);
  const usesPorts = [source, destination].some((e) => e.ports !== undefined || e.notPorts !== undefined);
  if (usesPorts && (protocol === undefined || !PORT_PROTOCOLS.has(protocol))) problems.push(`${at}: ports are only valid with protocol TCP, UDP, SCTP or UDPLite`);
  if ((icmp || notICMP) && protocol !== 1 && protocol !== 58) problems.push(`${at}: icmp and notICMP are only valid with protocol ICMP or ICMPv6`);
  const unmodelled = raw.http !== undefined ? `${at}.http (application layer policy) is not modelled; the rule is read as matching nothing` : undefined;
  return {
    index, action: action as CalicoAction, source, destination,
    ...(protocol !== undefined ? { protocol } : {}), ...(notProtocol !== undefined ? { notProtocol } : {}),
    ...(icmp ? { icmp } : {}), ...(notICMP ? { notICMP } : {}), ...(ipVersion === 4 || ipVersion === 6 ? { ipVersion } : {}),
    ...(unmodelled ? { unmodelled } : {}),
  };
}

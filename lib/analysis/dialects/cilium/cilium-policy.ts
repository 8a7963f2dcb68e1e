/**
 * Cilium's policies, cilium.io/v2 CiliumNetworkPolicy (namespaced; `spec` and `specs`) and
 * CiliumClusterwideNetworkPolicy, read into the rule model as Cilium enforces them beside
 * Kubernetes NetworkPolicy. The laws, with the Cilium documentation section each comes from
 * (Documentation/security/policy/):
 * - intro.rst "Policy Enforcement Modes" (default mode): a rule that selects an endpoint and has
 *   an ingress (egress) section puts it into default deny for that direction; the rule model's
 *   NetworkPolicy tier isolates exactly so. `enableDefaultDeny` (the Rule API reference) turns
 *   that off per direction; unset, it is on for each direction that has rules.
 * - layer3.rst "Endpoints based": allows combine as a union, and a connection needs the
 *   sender's egress and the receiver's ingress, as for NetworkPolicy (one union tier for both).
 * - deny.rst: deny rules take precedence over allow rules of every kind (the model's Deny tier).
 * - kubernetes.rst "Namespaces": a CiliumNetworkPolicy's endpointSelector selects pods of its own
 *   namespace; fromEndpoints/toEndpoints stay in that namespace unless they name one with
 *   `io.kubernetes.pod.namespace`; `io.cilium.k8s.namespace.labels.*` works only in a
 *   CiliumClusterwideNetworkPolicy (ignored in a CiliumNetworkPolicy); a clusterwide policy's
 *   selectors span every namespace. "ServiceAccounts": `io.cilium.k8s.policy.serviceaccount`.
 * - layer3.rst "Entities based": world, cluster, host, remote-node, kube-apiserver, ingress,
 *   health, init, unmanaged, all.
 * - layer3.rst "IP/CIDR based": CIDR rules never match pods or nodes of the cluster.
 * - layer3.rst "DNS based": toFQDNs (matchName, matchPattern with `*` and `**.`) is learned
 *   through the DNS proxy, which needs its own rule allowing the lookup (layer7.rst "DNS Policy
 *   and IP Discovery"); toFQDNs cannot stand beside other L3 peers in one rule.
 * - layer3.rst "Services based": toServices by name or label selector becomes the Service's
 *   selector as an endpoint selector.
 * - layer4.rst: toPorts with port (number or name), endPort, protocol TCP/UDP/SCTP/ANY; a rule
 *   with toPorts and no L3 peer is about every peer; a rule with neither matches nothing.
 * - layer7.rst: http rules (method, path, host: extended regexes; headers) and dns rules on a
 *   port; a request is allowed if one rule matches.
 * Fields outside the model (nodeSelector host policies, icmps, authentication, kafka, fromRequires,
 * toGroups, CIDR groups, ...) are named in a notice, and their rule is read as matching nothing.
 */
import { SourcedObject } from '../../input/loader';
import { nameOf, namespaceOf } from '../../input/objects';
import { PolicyProtocol } from '../../model/port-set';
import { HttpRule, L7Rules, ModelPolicy, Rule, RulePeer, RulePort } from '../../model/rules';
import { MATCH_ALL, Selector, isRecord, parseSelector } from '../../model/selectors';
import { cidrProblem, parseCidr } from '../../../net/ip';

/** Cilium's identity label keys that are not pod labels. */
export const CILIUM_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const CILIUM_SERVICE_ACCOUNT_LABEL = 'io.cilium.k8s.policy.serviceaccount';
export const CILIUM_NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';

/** The Cilium entities (layer3.rst "Entities based"). */
export const CILIUM_ENTITIES = ['world', 'cluster', 'host', 'remote-node', 'kube-apiserver', 'ingress', 'health', 'init', 'unmanaged', 'all'] as const;

/** Whether an object is one of Cilium's policy kinds. */
export function isCiliumPolicy(object: Record<string, unknown>): boolean {
  return typeof object.apiVersion === 'string' && object.apiVersion.startsWith('cilium.io/') && (object.kind === 'CiliumNetworkPolicy' || object.kind === 'CiliumClusterwideNetworkPolicy');
}

/** What reading one Cilium policy object gave: its rule sets (allow and deny), refusals and unmodelled parts. */
export interface CiliumRead {
  /** Rule sets: the allows in the NetworkPolicy tier, the denies in the Deny tier. */
  readonly policies: ModelPolicy[];
  /** Why the CRD would refuse the object (then `policies` is empty). */
  readonly problems: string[];
}

const list = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isRecord) : []);

/**
 * A selector over Cilium identity labels: `k8s:`/`any:` prefixes dropped, where it pins a
 * namespace, and whether it names the namespace label at all (in matchLabels or
 * matchExpressions: then Cilium does not hold it to the policy's namespace).
 */
function readEndpointSelector(raw: unknown, clusterwide: boolean, at: string, unmodelled: string[]): { selector: Selector; namespace?: string; namesNamespace: boolean } {
  const strip = (key: string) => key.replace(/^(k8s|any):/, '');
  const record = isRecord(raw) ? raw : {};
  const matchLabels: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(isRecord(record.matchLabels) ? record.matchLabels : {})) {
    const k = strip(key);
    if (k.startsWith('reserved:')) { unmodelled.push(`${at}: the label ${key} selects a reserved identity, which is not modelled; read as matching nothing`); matchLabels['netkit.io/unmodelled'] = 'x'; continue; }
    if (!clusterwide && k.startsWith(CILIUM_NAMESPACE_LABELS_PREFIX)) { unmodelled.push(`${at}: ${key} is ignored in a CiliumNetworkPolicy (kubernetes.rst "Namespaces": namespace labels work only in a CiliumClusterwideNetworkPolicy)`); continue; }
    matchLabels[k] = value;
  }
  const matchExpressions = list(record.matchExpressions).map((e) => ({ ...e, key: strip(String(e.key)) }));
  const selector = parseSelector({ matchLabels, matchExpressions });
  const pinned = typeof matchLabels[CILIUM_NAMESPACE_LABEL] === 'string' ? matchLabels[CILIUM_NAMESPACE_LABEL] as string : undefined;
  const namesNamespace = CILIUM_NAMESPACE_LABEL in matchLabels || matchExpressions.some((e) => e.key === CILIUM_NAMESPACE_LABEL);
  return { selector, ...(pinned ? { namespace: pinned } : {}), namesNamespace };
}

/** The Cilium identity labels of a pod: its labels plus namespace, service account and namespace labels. */
export function ciliumIdentity(labels: Readonly<Record<string, string>>, namespace: string, serviceAccount: string | undefined, namespaceLabels: Readonly<Record<string, string>>): Record<string, string> {
  const identity: Record<string, string> = { ...labels, [CILIUM_NAMESPACE_LABEL]: namespace, [CILIUM_SERVICE_ACCOUNT_LABEL]: serviceAccount ?? 'default' };
  for (const [k, v] of Object.entries(namespaceLabels)) identity[`${CILIUM_NAMESPACE_LABELS_PREFIX}${k}`] = v;
  return identity;
}

const PROTOCOLS: Record<string, readonly PolicyProtocol[]> = { TCP: ['TCP'], UDP: ['UDP'], SCTP: ['SCTP'], ANY: ['TCP', 'UDP', 'SCTP'] };

function readPorts(raw: Record<string, unknown>, at: string, problems: string[], unmodelled: string[]): RulePort[] | null {
  const toPorts = list(raw.toPorts);
  if (toPorts.length === 0) return null;
  const ports: RulePort[] = [];
  toPorts.forEach((entry, i) => {
    const where = `${at}.toPorts[${i}]`;
    const rules = isRecord(entry.rules) ? entry.rules : undefined;
    let l7: L7Rules | undefined;
    if (rules) {
      const http = list(rules.http).map((h): HttpRule => ({
        ...(typeof h.method === 'string' && h.method !== '' ? { method: h.method } : {}),
        ...(typeof h.path === 'string' && h.path !== '' ? { path: h.path } : {}),
        ...(typeof h.host === 'string' && h.host !== '' ? { host: h.host } : {}),
        ...(Array.isArray(h.headers) && h.headers.length > 0 ? { headers: h.headers.map(String) } : {}),
      }));
      const dns = list(rules.dns).map((d) => (typeof d.matchPattern === 'string' ? { text: d.matchPattern, pattern: true } : { text: String(d.matchName), pattern: false }));
      for (const key of Object.keys(rules)) if (key !== 'http' && key !== 'dns') unmodelled.push(`${where}.rules.${key}: L7 ${key} rules are not modelled; the port is read as allowing every request`);
      if (http.length > 0 || dns.length > 0) l7 = { ...(http.length > 0 ? { http } : {}), ...(dns.length > 0 ? { dns } : {}) };
    }
    const portList = list(entry.ports);
    if (portList.length === 0) { ports.push({ ...(l7 ? { l7 } : {}) }); return; }
    for (const p of portList) {
      const protocol = String(p.protocol ?? 'ANY').toUpperCase();
      const protocols = PROTOCOLS[protocol];
      if (!protocols) { problems.push(`${where}.ports: protocol ${JSON.stringify(p.protocol)} is not TCP, UDP, SCTP or ANY`); continue; }
      // Cilium writes ports as strings ("80"); a name is a named port of the destination.
      const text = String(p.port ?? '0');
      const number = /^\d+$/.test(text) ? Number(text) : undefined;
      const endPort = typeof p.endPort === 'number' ? p.endPort : undefined;
      for (const proto of protocols) {
        if (number === 0) ports.push({ protocol: proto, ...(l7 ? { l7 } : {}) });
        else if (number !== undefined) ports.push({ protocol: proto, port: number, ...(endPort ? { endPort } : {}), ...(l7 ? { l7 } : {}) });
        else ports.push({ protocol: proto, port: text, ...(l7 ? { l7 } : {}) });
      }
    }
  });
  return ports;
}

const FIELDS_FROM = ['fromEndpoints', 'fromEntities', 'fromCIDR', 'fromCIDRSet', 'toPorts', 'fromRequires', 'icmps', 'authentication', 'fromGroups', 'fromNodes'];
const FIELDS_TO = ['toEndpoints', 'toEntities', 'toCIDR', 'toCIDRSet', 'toFQDNs', 'toServices', 'toPorts', 'toRequires', 'icmps', 'authentication', 'toGroups', 'toNodes'];
const UNMODELLED_FIELDS = ['fromRequires', 'toRequires', 'icmps', 'authentication', 'fromGroups', 'toGroups', 'fromNodes', 'toNodes'];

function readRule(raw: Record<string, unknown>, index: number, label: string, direction: 'ingress' | 'egress', deny: boolean, namespace: string | undefined, clusterwide: boolean, problems: string[], unmodelled: string[], services: ServiceLookup): Rule {
  const at = `${label}[${index}]`;
  const from = direction === 'ingress' ? 'from' : 'to';
  const known = direction === 'ingress' ? FIELDS_FROM : FIELDS_TO;
  let matchesNothing = false;
  for (const key of Object.keys(raw)) {
    // The API server prunes fields its structural schema does not know: the rule keeps the rest.
    if (!known.includes(key)) unmodelled.push(`${at}: unknown field "${key}" (the API server prunes it)`);
    else if (UNMODELLED_FIELDS.includes(key)) { unmodelled.push(`${at}.${key} is not modelled; the rule is read as matching nothing`); matchesNothing = true; }
  }
  const peers: RulePeer[] = [];
  for (const sel of list(raw[`${from}Endpoints`])) {
    const read = readEndpointSelector(sel, clusterwide, `${at}.${from}Endpoints`, unmodelled);
    // A namespaced policy's peers stay in its namespace unless they name the namespace label
    // (kubernetes.rst "Namespaces"; Cilium's getEndpointSelector adds the policy's namespace only
    // when the selector has no such key, in matchLabels or matchExpressions). One that pins a
    // namespace is looked for there only (its selector holds the namespace label too).
    const scope = read.namespace ?? (read.namesNamespace ? undefined : namespace);
    peers.push({ kind: 'endpoints', selector: read.selector, ...(scope !== undefined ? { namespace: scope } : {}) });
  }
  for (const entity of Array.isArray(raw[`${from}Entities`]) ? (raw[`${from}Entities`] as unknown[]).map(String) : []) {
    if (!(CILIUM_ENTITIES as readonly string[]).includes(entity)) problems.push(`${at}.${from}Entities: "${entity}" is not a Cilium entity (${CILIUM_ENTITIES.join(', ')})`);
    else peers.push({ kind: 'entity', name: entity });
  }
  const cidr = (text: string, except: string[], where: string) => {
    const problem = cidrProblem(text);
    const range = problem ? undefined : parseCidr(text);
    if (!range) { problems.push(`${where}: "${text}" is not a CIDR`); return; }
    peers.push({ kind: 'cidr', range, except: except.map((e) => parseCidr(e)).filter((e): e is NonNullable<typeof e> => e !== undefined), text });
  };
  for (const text of Array.isArray(raw[`${from}CIDR`]) ? (raw[`${from}CIDR`] as unknown[]).map(String) : []) cidr(text, [], `${at}.${from}CIDR`);
  for (const set of list(raw[`${from}CIDRSet`])) {
    if (typeof set.cidr === 'string') cidr(set.cidr, Array.isArray(set.except) ? set.except.map(String) : [], `${at}.${from}CIDRSet`);
    else { unmodelled.push(`${at}.${from}CIDRSet: a CIDR group reference is not modelled; the entry matches nothing`); }
  }
  if (direction === 'egress') {
    const fqdns = list(raw.toFQDNs);
    for (const f of fqdns) {
      if (typeof f.matchName === 'string') peers.push({ kind: 'fqdn', text: f.matchName.replace(/\.$/, '').toLowerCase(), pattern: false });
      else if (typeof f.matchPattern === 'string') peers.push({ kind: 'fqdn', text: f.matchPattern.replace(/\.$/, '').toLowerCase(), pattern: true });
    }
    if (fqdns.length > 0 && peers.some((p) => p.kind !== 'fqdn')) problems.push(`${at}: toFQDNs cannot stand beside other L3 peers in one rule (layer3.rst "DNS based")`);
    for (const service of list(raw.toServices)) peers.push(...services(service, namespace, `${at}.toServices`, unmodelled));
  }
  const ports = readPorts(raw, at, problems, unmodelled);
  const hasPeerField = Object.keys(raw).some((k) => k !== 'toPorts' && k !== 'icmps' && k !== 'authentication');
  // No L3 peer: with toPorts, every peer (layer4.rst); with nothing at all, no peer.
  const allPeers = !hasPeerField && ports !== null;
  const none = matchesNothing || (!hasPeerField && ports === null);
  return {
    index,
    ...(deny ? { list: `${direction}Deny` } : {}),
    action: deny ? 'Deny' : 'Accept',
    peers: allPeers ? null : none ? [{ kind: 'unmodelled', what: 'nothing' }] : peers,
    ports,
  };
}

/** Resolves a toServices entry to peers: a Service's selector as endpoints, or none (with a notice). */
export type ServiceLookup = (entry: Record<string, unknown>, namespace: string | undefined, at: string, unmodelled: string[]) => RulePeer[];

/**
 * Reads one CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy: each of its rules (`spec`
 * and every entry of `specs`) becomes an allow rule set (NetworkPolicy tier) and, when it has
 * ingressDeny/egressDeny, a deny rule set (Deny tier).
 */
export function readCiliumPolicy(source: SourcedObject, services: ServiceLookup): CiliumRead & { unmodelled: string[] } {
  const object = source.object;
  const clusterwide = object.kind === 'CiliumClusterwideNetworkPolicy';
  const name = nameOf(object);
  const problems: string[] = [];
  const unmodelled: string[] = [];
  if (!name) return { policies: [], problems: ['metadata.name: Required value'], unmodelled };
  const namespace = clusterwide ? undefined : namespaceOf(object);
  const ref = `${String(object.kind)} ${namespace ? `${namespace}/` : ''}${name}`;
  const specs = [...(isRecord(object.spec) ? [{ spec: object.spec, at: 'spec' }] : []), ...list(object.specs).map((spec, i) => ({ spec, at: `specs[${i}]` }))];
  if (specs.length === 0) problems.push('spec or specs: Required value');
  const policies: ModelPolicy[] = [];
  for (const { spec, at } of specs) {
    if (spec.nodeSelector !== undefined) { unmodelled.push(`${at}.nodeSelector: host policies (nodeSelector) are not modelled; this rule is left out`); continue; }
    if (spec.endpointSelector === undefined) { problems.push(`${at}: one of endpointSelector or nodeSelector is required`); continue; }
    const subjectRead = readEndpointSelector(spec.endpointSelector, clusterwide, `${at}.endpointSelector`, unmodelled);
    if (!clusterwide && subjectRead.namespace !== undefined && subjectRead.namespace !== namespace) {
      unmodelled.push(`${at}.endpointSelector names namespace ${subjectRead.namespace}, but a CiliumNetworkPolicy selects only pods of its own namespace (${namespace}) (kubernetes.rst "Namespaces")`);
    }
    const defaults = isRecord(spec.enableDefaultDeny) ? spec.enableDefaultDeny : {};
    const rules = (field: string, direction: 'ingress' | 'egress', deny: boolean) => list(spec[field]).map((r, i) => readRule(r, i, `${at}.${field}`, direction, deny, namespace, clusterwide, problems, unmodelled, services));
    const ingress = rules('ingress', 'ingress', false);
    const egress = rules('egress', 'egress', false);
    const ingressDeny = rules('ingressDeny', 'ingress', true);
    const egressDeny = rules('egressDeny', 'egress', true);
    const has = (field: string) => Array.isArray(spec[field]) && (spec[field] as unknown[]).length > 0;
    // enableDefaultDeny, unset: on for each direction that has rules (the Rule API reference).
    const isolates = {
      ingress: typeof defaults.ingress === 'boolean' ? defaults.ingress : has('ingress') || has('ingressDeny'),
      egress: typeof defaults.egress === 'boolean' ? defaults.egress : has('egress') || has('egressDeny'),
    };
    const subject = { namespaces: namespace ?? MATCH_ALL, pods: subjectRead.selector };
    const label = specs.length > 1 || at !== 'spec' ? `${ref} ${at}` : ref;
    policies.push({ ref: label, kind: String(object.kind), tier: 'NetworkPolicy', priority: 0, subject, isolates, ingress, egress, unmodelled, source });
    if (ingressDeny.length + egressDeny.length > 0) {
      policies.push({ ref: label, kind: String(object.kind), tier: 'Deny', priority: 0, subject, isolates: { ingress: false, egress: false }, ingress: ingressDeny, egress: egressDeny, unmodelled, source });
    }
  }
  if (problems.length > 0) return { policies: [], problems, unmodelled };
  return { policies, problems, unmodelled };
}

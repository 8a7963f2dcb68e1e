/**
 * Cluster-scoped network policies of Kubernetes SIG Network's network-policy-api, read into one
 * shape for the analyzer:
 * - ClusterNetworkPolicy, policy.networking.k8s.io/v1alpha2 (apis/v1alpha2/clusternetworkpolicy_types.go):
 *   `spec.tier` Admin or Baseline, `spec.priority` 0-1000, `spec.subject` (namespaces | pods),
 *   rules with actions Accept, Deny, Pass, peers (namespaces | pods; egress also networks, and
 *   the experimental nodes and domainNames), and `protocols` (tcp/udp/sctp destinationPort
 *   number or range, or the experimental destinationNamedPort).
 * - AdminNetworkPolicy and BaselineAdminNetworkPolicy, policy.networking.k8s.io/v1alpha1
 *   (apis/v1alpha1/adminnetworkpolicy_types.go, baselineadminnetworkpolicy_types.go): the
 *   Admin tier with priorities and Allow/Deny/Pass, and the Baseline tier (one object named
 *   `default`, Allow/Deny); `ports` as portNumber, namedPort or portRange.
 * The CRDs' validation rules are checked here: a policy they would refuse cannot exist and is
 * left out with a notice, as NetworkPolicies the API server refuses are.
 */
import { SourcedObject } from '../../input/loader';
import { nameOf } from '../../input/objects';
import { parseLooseCidr, selectorProblems } from '../kubernetes/policy-validation';
import { PolicyProtocol } from '../../model/port-set';
import { Rule, RuleAction, RulePeer, RulePort, ModelPolicy, TierName } from '../../model/rules';
import { MATCH_ALL, Selector, isRecord, parseSelector } from '../../model/selectors';
import { IpRange } from '../../../net/ip';
import { portNameProblem } from '../../../net/names';

/** The tiers a cluster policy stands in, around the NetworkPolicy tier. */
export type Tier = Extract<TierName, 'Admin' | 'Baseline'>;
/** What a matching rule does (v1alpha1's Allow reads as Accept). */
export type TierAction = RuleAction;
/** A peer of a cluster policy rule (pods always carry both selectors here). */
export type TierPeer = RulePeer;
/** A rule of a cluster policy (its peers are never `null`: the CRD requires at least one). */
export type TierRule = Rule;
/**
 * A cluster-scoped policy, whatever its kind and version: a rule set of the Admin or Baseline
 * tier (BaselineAdminNetworkPolicy has no priority: 1001, after Baseline ClusterNetworkPolicies).
 */
export type TierPolicy = ModelPolicy & { readonly tier: Tier; readonly subject: { readonly namespaces: Selector; readonly pods: Selector }; readonly source: SourcedObject };

const GROUP = 'policy.networking.k8s.io/';

/** Whether an object is one of the cluster-scoped policy kinds. */
/** The network-policy-api versions netkit reads. */
const KNOWN_VERSIONS = ['v1alpha1', 'v1alpha2'];

export function isClusterPolicy(object: Record<string, unknown>): boolean {
  const apiVersion = String(object.apiVersion);
  return apiVersion.startsWith(GROUP) && ['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'].includes(String(object.kind));
}

/**
 * Reads a cluster policy, or returns why the API server (its CRD's validation) would refuse it.
 */
export function readClusterPolicy(source: SourcedObject): { policy?: TierPolicy; problems: string[]; unreadVersion?: string } {
  const object = source.object;
  const kind = String(object.kind);
  const version = String(object.apiVersion).slice(GROUP.length);
  const problems: string[] = [];
  const unmodelled: string[] = [];
  const name = nameOf(object);
  if (!name) return { problems: ['metadata.name: Required value'] };
  const spec = isRecord(object.spec) ? object.spec : undefined;
  if (!spec) return { problems: ['spec: Required value'] };
  // network-policy-api serves AdminNetworkPolicy and BaselineAdminNetworkPolicy in v1alpha1 and
  // ClusterNetworkPolicy (which replaced both) in v1alpha2 only: another of those two versions
  // has no such kind, and the API server refuses it. A later version is one netkit cannot read yet.
  const served = kind === 'ClusterNetworkPolicy' ? 'v1alpha2' : 'v1alpha1';
  if (version !== served) {
    if (KNOWN_VERSIONS.includes(version)) return { problems: [`apiVersion ${String(object.apiVersion)}: no such kind in that version (${kind} is served as ${GROUP}${served})`] };
    return { problems: [], unreadVersion: `${String(object.apiVersion)} is a network-policy-api version netkit does not read (it reads ClusterNetworkPolicy v1alpha2, AdminNetworkPolicy and BaselineAdminNetworkPolicy v1alpha1)` };
  }
  const v1alpha2 = kind === 'ClusterNetworkPolicy';

  let tier: Tier;
  let priority: number;
  if (kind === 'ClusterNetworkPolicy') {
    if (spec.tier !== 'Admin' && spec.tier !== 'Baseline') problems.push(`spec.tier: Unsupported value: ${JSON.stringify(spec.tier)}: supported values: "Admin", "Baseline"`);
    tier = spec.tier === 'Baseline' ? 'Baseline' : 'Admin';
    priority = checkPriority(spec.priority, problems);
  } else if (kind === 'AdminNetworkPolicy') {
    tier = 'Admin';
    priority = checkPriority(spec.priority, problems);
  } else {
    tier = 'Baseline';
    priority = 1001;
    // BaselineAdminNetworkPolicy is a singleton: the CRD admits only the name "default".
    if (name !== 'default') problems.push(`metadata.name: Invalid value: "${name}": only one object with name "default" is allowed`);
  }
  const subject = readSubject(spec.subject, problems);
  const readRules = (direction: 'ingress' | 'egress') => {
    const raw = spec[direction];
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) { problems.push(`spec.${direction}: is not a list`); return []; }
    if (raw.length > 25) problems.push(`spec.${direction}: Too many: ${raw.length}: must have at most 25 items`);
    return raw.map((rule, index) => readRule(rule, index, direction, kind, v1alpha2, problems, unmodelled));
  };
  const ingress = readRules('ingress');
  const egress = readRules('egress');
  if (problems.length > 0) return { problems };
  return { policy: { ref: `${kind} ${name}`, kind, tier, priority, subject: subject!, isolates: { ingress: false, egress: false }, ingress, egress, unmodelled, source }, problems };
}

function checkPriority(raw: unknown, problems: string[]): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > 1000) {
    problems.push(`spec.priority: Invalid value: ${JSON.stringify(raw)}: must be a whole number from 0 to 1000`);
    return 1000;
  }
  return raw;
}

/** Subject: exactly one of namespaces / pods (v1alpha1: the same names). */
function readSubject(raw: unknown, problems: string[]): TierPolicy['subject'] | undefined {
  if (!isRecord(raw)) { problems.push('spec.subject: Required value'); return undefined; }
  const keys = Object.keys(raw).filter((k) => raw[k] !== undefined && raw[k] !== null);
  if (keys.length !== 1 || !['namespaces', 'pods'].includes(keys[0])) {
    problems.push(`spec.subject: must set exactly one of namespaces, pods (it sets ${keys.join(', ') || 'none'})`);
    return undefined;
  }
  if (keys[0] === 'namespaces') {
    problems.push(...selectorProblems(raw.namespaces, 'spec.subject.namespaces'));
    return { namespaces: parseSelector(raw.namespaces), pods: MATCH_ALL };
  }
  const pods = isRecord(raw.pods) ? raw.pods : {};
  problems.push(...selectorProblems(pods.namespaceSelector, 'spec.subject.pods.namespaceSelector'), ...selectorProblems(pods.podSelector, 'spec.subject.pods.podSelector'));
  return { namespaces: parseSelector(pods.namespaceSelector), pods: parseSelector(pods.podSelector) };
}

function readRule(raw: unknown, index: number, direction: 'ingress' | 'egress', kind: string, v1alpha2: boolean, problems: string[], unmodelled: string[]): TierRule {
  const at = `spec.${direction}[${index}]`;
  const fallback: TierRule = { index, action: 'Deny', peers: [], failClosed: false, ports: null };
  if (!isRecord(raw)) { problems.push(`${at}: is not a mapping`); return fallback; }
  const actions = kind === 'ClusterNetworkPolicy' ? ['Accept', 'Deny', 'Pass'] : kind === 'AdminNetworkPolicy' ? ['Allow', 'Deny', 'Pass'] : ['Allow', 'Deny'];
  if (!actions.includes(raw.action as string)) problems.push(`${at}.action: Unsupported value: ${JSON.stringify(raw.action)}: supported values: ${actions.map((a) => `"${a}"`).join(', ')}`);
  const action: TierAction = raw.action === 'Allow' || raw.action === 'Accept' ? 'Accept' : raw.action === 'Pass' ? 'Pass' : 'Deny';
  if (typeof raw.name === 'string' && raw.name.length > 100) problems.push(`${at}.name: Too long: may not be more than 100 characters`);
  const peerField = direction === 'ingress' ? 'from' : 'to';
  const rawPeers = raw[peerField];
  if (!Array.isArray(rawPeers) || rawPeers.length === 0) problems.push(`${at}.${peerField}: Required value: at least one peer`);
  else if (rawPeers.length > 25) problems.push(`${at}.${peerField}: Too many: ${rawPeers.length}: must have at most 25 items`);
  let failClosed = false;
  const peers: TierPeer[] = [];
  (Array.isArray(rawPeers) ? rawPeers : []).forEach((peer, p) => {
    const where = `${at}.${peerField}[${p}]`;
    if (!isRecord(peer)) { problems.push(`${where}: is not a mapping`); return; }
    const keys = Object.keys(peer).filter((k) => peer[k] !== undefined && peer[k] !== null);
    const allowed = direction === 'ingress' ? ['namespaces', 'pods'] : ['namespaces', 'pods', 'nodes', 'networks', ...(v1alpha2 ? ['domainNames'] : [])];
    if (keys.length === 0) { failClosed = true; return; } // unknown option: fail closed (see TierRule.peers)
    if (keys.length > 1) { problems.push(`${where}: must set exactly one of ${allowed.join(', ')}`); return; }
    const key = keys[0];
    if (!allowed.includes(key)) { failClosed = true; unmodelled.push(`${where}: peer field ${key} is unknown to this version; read as failing closed`); return; }
    if (key === 'namespaces') {
      problems.push(...selectorProblems(peer.namespaces, `${where}.namespaces`));
      peers.push({ kind: 'pods', namespaceSelector: parseSelector(peer.namespaces), podSelector: MATCH_ALL });
    } else if (key === 'pods') {
      const pods = isRecord(peer.pods) ? peer.pods : {};
      problems.push(...selectorProblems(pods.namespaceSelector, `${where}.pods.namespaceSelector`), ...selectorProblems(pods.podSelector, `${where}.pods.podSelector`));
      peers.push({ kind: 'pods', namespaceSelector: parseSelector(pods.namespaceSelector), podSelector: parseSelector(pods.podSelector) });
    } else if (key === 'networks') {
      const list = Array.isArray(peer.networks) ? peer.networks.map(String) : [];
      if (list.length === 0 || list.length > 25) problems.push(`${where}.networks: must have 1 to 25 CIDRs`);
      const ranges = list.map((cidr) => {
        const range = parseLooseCidr(cidr);
        if (!range) problems.push(`${where}.networks: Invalid value: "${cidr}": Invalid CIDR format provided`);
        return range;
      }).filter((r): r is IpRange => r !== undefined);
      peers.push({ kind: 'networks', ranges, text: list });
    } else if (key === 'nodes') {
      // Matched against the input's Node objects (or --node-cidr) by the tier index, which says
      // so when it has neither.
      problems.push(...selectorProblems(peer.nodes, `${where}.nodes`));
      peers.push({ kind: 'nodes', selector: parseSelector(peer.nodes), text: `${where}.nodes` });
    } else {
      // domainNames: answers are by address, not by name.
      peers.push({ kind: 'unmodelled', what: key });
      unmodelled.push(`${where}: ${key} peers are not modelled (connections are answered by address, not by name); the rule matches no endpoint here`);
      if (key === 'domainNames' && action !== 'Accept') problems.push(`${where}.domainNames: only Accept rules may use domainNames`);
    }
  });
  const ports = readPorts(raw, at, v1alpha2, problems, peers);
  return { index, ...(typeof raw.name === 'string' ? { name: raw.name } : {}), action, peers, failClosed, ports };
}

function readPorts(raw: Record<string, unknown>, at: string, v1alpha2: boolean, problems: string[], peers: TierPeer[]): RulePort[] | null {
  const field = v1alpha2 ? 'protocols' : 'ports';
  const list = raw[field];
  if (list === undefined || list === null) return null;
  if (!Array.isArray(list) || list.length === 0 || list.length > 25) { problems.push(`${at}.${field}: must have 1 to 25 items`); return null; }
  const ports: RulePort[] = [];
  list.forEach((entry, i) => {
    const where = `${at}.${field}[${i}]`;
    if (!isRecord(entry)) { problems.push(`${where}: is not a mapping`); return; }
    const keys = Object.keys(entry).filter((k) => entry[k] !== undefined && entry[k] !== null);
    if (keys.length !== 1) { problems.push(`${where}: must set exactly one field (it sets ${keys.join(', ') || 'none'})`); return; }
    const key = keys[0];
    const number = (value: unknown, what: string) => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) { problems.push(`${what}: Invalid value: ${JSON.stringify(value)}: must be 1-65535`); return 1; }
      return value;
    };
    const named = (name: unknown) => {
      if (typeof name !== 'string' || portNameProblem(name)) { problems.push(`${where}: Invalid value: ${JSON.stringify(name)}: not a port name`); return; }
      if (peers.some((p) => p.kind === 'networks' || p.kind === 'nodes' || p.kind === 'unmodelled')) problems.push(`${where}: networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames`);
      ports.push({ port: name }); // any protocol: the one the destination declares it with
    };
    if (v1alpha2) {
      if (key === 'destinationNamedPort') { named(entry.destinationNamedPort); return; }
      const protocol = ({ tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' } as Record<string, PolicyProtocol>)[key];
      if (!protocol) { problems.push(`${where}: unknown field ${key}`); return; }
      const destination = isRecord(entry[key]) ? (entry[key] as Record<string, unknown>).destinationPort : undefined;
      if (!isRecord(destination)) { problems.push(`${where}.${key}.destinationPort: Required value`); return; }
      if (isRecord(destination.range)) {
        const from = number(destination.range.start, `${where}.${key}.destinationPort.range.start`);
        const to = number(destination.range.end, `${where}.${key}.destinationPort.range.end`);
        if (from >= to) problems.push(`${where}.${key}.destinationPort.range: Start port must be less than End port`);
        ports.push({ protocol, port: from, endPort: to });
      } else {
        const port = number(destination.number, `${where}.${key}.destinationPort.number`);
        ports.push({ protocol, port });
      }
      return;
    }
    const protocolOf = (value: unknown): PolicyProtocol => (value === undefined ? 'TCP' : ['TCP', 'UDP', 'SCTP'].includes(value as string) ? value as PolicyProtocol : (problems.push(`${where}: Unsupported protocol ${JSON.stringify(value)}`), 'TCP'));
    if (key === 'portNumber' && isRecord(entry.portNumber)) {
      const port = number(entry.portNumber.port, `${where}.portNumber.port`);
      ports.push({ protocol: protocolOf(entry.portNumber.protocol), port });
    } else if (key === 'portRange' && isRecord(entry.portRange)) {
      const from = number(entry.portRange.start, `${where}.portRange.start`);
      const to = number(entry.portRange.end, `${where}.portRange.end`);
      if (from >= to) problems.push(`${where}.portRange: Start port must be less than End port`);
      ports.push({ protocol: protocolOf(entry.portRange.protocol), port: from, endPort: to });
    } else if (key === 'namedPort') {
      named(entry.namedPort);
    } else {
      problems.push(`${where}: unknown field ${key}`);
    }
  });
  return ports;
}

/**
 * networking.k8s.io/v1 NetworkPolicy, read into the rule model as the API reference defines it
 * (NetworkPolicySpec, NetworkPolicyPeer, NetworkPolicyPort): rule sets of the `NetworkPolicy`
 * tier that isolate the pods they select per `policyTypes` and allow the union of their rules.
 */
import { SourcedObject } from '../../input/loader';
import { PolicyInfo, PolicyPeer, PolicyPortSpec, PolicyRule, nameOf, namespaceOf, readProtocol, where } from '../../input/objects';
import { MATCH_ALL, isRecord, parseSelector } from '../../model/selectors';
import { parseLooseCidr } from './policy-validation';
import { IpRange } from '../../../net/ip';

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
  const podSelector = spec.podSelector === undefined ? MATCH_ALL : parseSelector(spec.podSelector);
  return {
    ref: `${namespace}/${name}`,
    kind: 'NetworkPolicy',
    tier: 'NetworkPolicy',
    priority: 0,
    subject: { namespaces: namespace, pods: podSelector },
    isolates: { ingress: isolatesIngress, egress: isolatesEgress },
    unmodelled: [],
    namespace,
    name,
    podSelector,
    isolatesIngress,
    isolatesEgress,
    ingress: isolatesIngress ? rawIngress.map((rule, index) => readRule(rule, index, 'from')) : [],
    egress: isolatesEgress ? rawEgress.map((rule, index) => readRule(rule, index, 'to')) : [],
    source,
  };
}

function readRule(raw: unknown, index: number, peerField: 'from' | 'to'): PolicyRule {
  if (!isRecord(raw)) return { index, action: 'Accept', peers: null, ports: null };
  const rawPeers = raw[peerField];
  const rawPorts = raw.ports;
  const peers = Array.isArray(rawPeers) && rawPeers.length > 0 ? rawPeers.map(readPeer) : null;
  const ports = Array.isArray(rawPorts) && rawPorts.length > 0 ? rawPorts.map(readPort) : null;
  return { index, action: 'Accept', peers, ports };
}

function readPeer(raw: unknown): PolicyPeer {
  if (!isRecord(raw)) return { kind: 'invalid', reason: 'peer is not a mapping' };
  if (raw.ipBlock !== undefined) {
    if (raw.podSelector !== undefined || raw.namespaceSelector !== undefined) {
      return { kind: 'invalid', reason: 'ipBlock cannot be combined with selectors' };
    }
    const block = isRecord(raw.ipBlock) ? raw.ipBlock : {};
    const cidr = typeof block.cidr === 'string' ? parseLooseCidr(block.cidr) : undefined;
    if (!cidr) return { kind: 'invalid', reason: `ipBlock cidr ${JSON.stringify(block.cidr)} is not a CIDR` };
    const except = Array.isArray(block.except) ? block.except.map((e) => (typeof e === 'string' ? parseLooseCidr(e) : undefined)) : [];
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

function readPort(raw: unknown): PolicyPortSpec {
  if (!isRecord(raw)) return { protocol: 'TCP' };
  const protocol = readProtocol(raw.protocol) ?? 'TCP';
  const port = typeof raw.port === 'number' || typeof raw.port === 'string' ? raw.port : undefined;
  const endPort = typeof raw.endPort === 'number' && typeof port === 'number' ? raw.endPort : undefined;
  return { protocol, ...(port !== undefined ? { port } : {}), ...(endPort !== undefined ? { endPort } : {}) };
}

/**
 * Observed traffic turned around: the least set of intents that allows exactly the observed
 * flows the manifests deny today, as netkit TypeScript a user pastes into their app and as
 * NetworkPolicy YAML. Only the side that denies gets a rule (egress of the source, ingress of
 * the destination); rules name one peer (a workload by its labels, or one address) and the
 * observed ports (by the destination's port name where it declares one). Nothing is wider than
 * the flows, but for traffic from (or to) the internet at large: more than
 * {@link INTERNET_AT_LARGE} public addresses on one port become `Peer.internet()`, with a notice.
 */
import { FlowInput, readFlows } from '../input/flows';
import { NAMESPACE_NAME_LABEL, WorkloadInfo } from '../input/objects';
import type { NetworkModel } from './network-model';
import { FlowMatcher } from './replay';
import { formatIp, parseIp, rangeContains, parseCidr } from '../../net/ip';
import { PRIVATE_IPV4_RANGES, PRIVATE_IPV6_RANGES } from '../../net/peer';

/** More distinct public addresses than this on one workload port read as "the internet at large". */
export const INTERNET_AT_LARGE = 16;

/** One suggested intent. */
export interface SuggestedIntent {
  /** The workload the intent is written on (`<namespace>/<name>`). */
  readonly workload: string;
  /** `connectTo` (both sides deny), `allowFrom` (the destination's ingress) or `allowEgressTo` (the source's egress). */
  readonly intent: 'connectTo' | 'allowFrom' | 'allowEgressTo';
  /** The other end: a workload, an address, a host name (Cilium), or `internet`. */
  readonly peer: string;
  /** The ports, as `TCP 8080` (with the destination's name for it, if any). */
  readonly ports: readonly string[];
  /** Observed records this intent allows. */
  readonly flows: number;
  /** The line of netkit TypeScript. */
  readonly typescript: string;
}

/** What `suggestIntents` gives. */
export interface SuggestResult {
  /** Intents grouped per workload, in a stable order. */
  readonly intents: readonly SuggestedIntent[];
  /** The same as NetworkPolicy objects. */
  readonly policies: readonly Record<string, unknown>[];
  /** What a reader should know: flows left out (unmatched), internet-at-large widening. */
  readonly notices: readonly string[];
}

/** Options for {@link suggestIntents}. */
export interface SuggestOptions {
  /**
   * `cilium` writes hosts the flows name (Hubble `destination_names`) as `Peer.fqdn`.
   * @default - `cilium` when the manifests hold Cilium policies, else `kubernetes`
   */
  readonly dialect?: 'kubernetes' | 'cilium';
}

interface PortUse { readonly protocol: string; readonly port: number; readonly name?: string }
interface Rule { workload: number; direction: 'ingress' | 'egress'; peer: Peer; ports: Map<string, PortUse>; flows: number }
type Peer = { kind: 'workload'; index: number } | { kind: 'address'; ip: string } | { kind: 'host'; name: string } | { kind: 'internet' };

const PRIVATE = [...PRIVATE_IPV4_RANGES, ...PRIVATE_IPV6_RANGES].map((c) => parseCidr(c)!);
const isPublic = (ip: string) => { const a = parseIp(ip); return a !== undefined && !PRIVATE.some((r) => rangeContains(r, a)); };

/** The least intents that allow the observed flows the model denies. */
export function suggestIntents(model: NetworkModel, records: FlowInput | string, options: SuggestOptions = {}): SuggestResult {
  const input = typeof records === 'string' ? readFlows(records) : records;
  const dialect = options.dialect ?? ([...model.policyKinds].some((k) => k.startsWith('Cilium')) ? 'cilium' : 'kubernetes');
  const matcher = new FlowMatcher(model);
  const index = new Map(model.workloads.map((w, i) => [w.ref, i]));
  const rules = new Map<string, Rule>();
  const notices: string[] = [];
  let unmatched = 0;
  for (const flow of input.flows) {
    const from = matcher.resolve(flow.from);
    const to = matcher.resolve(flow.to);
    if (!('ref' in from) || !('ref' in to) || flow.port === undefined || !['TCP', 'UDP', 'SCTP'].includes(flow.protocol)) { unmatched += flow.count; continue; }
    let verdict;
    try { verdict = model.check({ from: from.ref, to: to.ref, port: flow.port, protocol: flow.protocol, serviceTranslation: false }); } catch { unmatched += flow.count; continue; }
    if (verdict.allowed) continue;
    const fromIndex = index.get(from.ref);
    const toIndex = index.get(to.ref);
    const peerOf = (ref: string, i: number | undefined, names?: readonly string[]): Peer => (i !== undefined ? { kind: 'workload', index: i }
      : dialect === 'cilium' && names && names.length > 0 ? { kind: 'host', name: names[0].replace(/\.$/, '') } : { kind: 'address', ip: ref });
    const add = (workload: number, direction: 'ingress' | 'egress', peer: Peer, destination: WorkloadInfo | undefined) => {
      const key = `${workload}|${direction}|${JSON.stringify(peer)}`;
      let rule = rules.get(key);
      if (!rule) { rule = { workload, direction, peer, ports: new Map(), flows: 0 }; rules.set(key, rule); }
      const name = destination?.ports.find((p) => p.number === flow.port && p.protocol === flow.protocol && p.name)?.name;
      rule.ports.set(`${flow.protocol}/${flow.port}`, { protocol: flow.protocol, port: flow.port!, ...(name ? { name } : {}) });
      rule.flows += flow.count;
    };
    const destination = toIndex !== undefined ? model.workloads[toIndex] : undefined;
    if (fromIndex !== undefined && !verdict.egress.allowed) add(fromIndex, 'egress', peerOf(to.ref, toIndex, flow.to.names), destination);
    if (toIndex !== undefined && !verdict.ingress.allowed) add(toIndex, 'ingress', peerOf(from.ref, fromIndex), destination);
  }
  if (unmatched > 0) notices.push(`${unmatched} observed record(s) are left out: an end matches no workload of the manifests, or the protocol has no port (netkit replay lists them with the reason)`);
  widenToInternet(rules, model, notices);
  const unlabelled = new Set([...rules.values()].filter((r) => Object.keys(model.workloads[r.workload].labels).length === 0).map((r) => model.workloads[r.workload].ref));
  if (unlabelled.size > 0) notices.push(`no NetworkPolicy is written for ${[...unlabelled].join(', ')}: without labels, a podSelector cannot pick it alone; the TypeScript intents still apply`);
  if ([...rules.values()].some((r) => r.peer.kind === 'host')) notices.push('rules to hosts by name (Peer.fqdn) are in the TypeScript only: NetworkPolicy cannot name hosts (the Cilium dialect writes them as CiliumNetworkPolicy)');
  const intents = toIntents([...rules.values()], model);
  return { intents, policies: toPolicies([...rules.values()], model), notices };
}

/** More than INTERNET_AT_LARGE public addresses on one workload port and direction: one internet rule instead. */
function widenToInternet(rules: Map<string, Rule>, model: NetworkModel, notices: string[]): void {
  const groups = new Map<string, Rule[]>();
  for (const rule of rules.values()) {
    if (rule.peer.kind !== 'address' || !isPublic(rule.peer.ip)) continue;
    const key = `${rule.workload}|${rule.direction}|${[...rule.ports.keys()].sort().join(',')}`;
    groups.set(key, [...(groups.get(key) ?? []), rule]);
  }
  for (const group of groups.values()) {
    if (group.length <= INTERNET_AT_LARGE) continue;
    const first = group[0];
    for (const rule of group) rules.delete(`${rule.workload}|${rule.direction}|${JSON.stringify(rule.peer)}`);
    const internet: Rule = { workload: first.workload, direction: first.direction, peer: { kind: 'internet' }, ports: first.ports, flows: group.reduce((n, r) => n + r.flows, 0) };
    rules.set(`${first.workload}|${first.direction}|internet`, internet);
    notices.push(`${model.workloads[first.workload].ref} ${first.direction === 'ingress' ? 'is reached from' : 'reaches'} ${group.length} public addresses on ${[...first.ports.values()].map(portText).join(', ')}: read as the internet at large, so the suggestion is Peer.internet() (public addresses); narrow it if those addresses are known`);
  }
}

const portText = (p: PortUse) => `${p.protocol} ${p.port}${p.name ? ` (${p.name})` : ''}`;

function variableNames(model: NetworkModel): Map<number, string> {
  const camel = (text: string) => text.replace(/[-_.]+([a-z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/^[^a-zA-Z_$]/, '_$&');
  const byName = new Map<string, number>();
  for (const w of model.workloads) byName.set(w.name, (byName.get(w.name) ?? 0) + 1);
  return new Map(model.workloads.map((w, i) => [i, camel(byName.get(w.name)! > 1 ? `${w.namespace}-${w.name}` : w.name)]));
}

function toIntents(rules: Rule[], model: NetworkModel): SuggestedIntent[] {
  const vars = variableNames(model);
  const portRef = (p: PortUse) => (p.name ? `'${p.name}'` : `Port.${p.protocol.toLowerCase()}(${p.port})`);
  const portValue = (p: PortUse) => `Port.${p.protocol.toLowerCase()}(${p.port}${p.name ? `, '${p.name}'` : ''})`;
  const peerText = (peer: Peer) => (peer.kind === 'workload' ? model.workloads[peer.index].ref : peer.kind === 'address' ? peer.ip : peer.kind === 'host' ? peer.name : 'internet');
  const peerCode = (peer: Peer) => (peer.kind === 'workload' ? `Peer.workload(${vars.get(peer.index)})` : peer.kind === 'address' ? `Peer.ipAddress('${peer.ip}')` : peer.kind === 'host' ? `Peer.fqdn('${peer.name}')` : 'Peer.internet()');
  // A workload pair whose both sides deny becomes one connectTo on the source.
  const paired = new Set<Rule>();
  const intents: SuggestedIntent[] = [];
  for (const rule of rules) {
    if (rule.direction !== 'egress' || rule.peer.kind !== 'workload') continue;
    const target = rule.peer.index;
    const back = rules.find((r) => r.direction === 'ingress' && r.workload === target && r.peer.kind === 'workload' && r.peer.index === rule.workload
      && [...r.ports.keys()].sort().join() === [...rule.ports.keys()].sort().join());
    if (!back) continue;
    paired.add(rule).add(back);
    for (const p of rule.ports.values()) {
      intents.push({ workload: model.workloads[rule.workload].ref, intent: 'connectTo', peer: model.workloads[target].ref, ports: [portText(p)], flows: rule.flows, typescript: `${vars.get(rule.workload)}.connectTo(${vars.get(target)}, ${portRef(p)});` });
    }
  }
  for (const rule of rules) {
    if (paired.has(rule)) continue;
    const ports = [...rule.ports.values()];
    const self = vars.get(rule.workload);
    const typescript = rule.direction === 'ingress'
      ? `${self}.allowFrom(${peerCode(rule.peer)}, ${ports.map(portRef).join(', ')});`
      : `${self}.allowEgressTo(${peerCode(rule.peer)}, ${ports.map(portValue).join(', ')});`;
    intents.push({ workload: model.workloads[rule.workload].ref, intent: rule.direction === 'ingress' ? 'allowFrom' : 'allowEgressTo', peer: peerText(rule.peer), ports: ports.map(portText), flows: rule.flows, typescript });
  }
  return intents.sort((a, b) => (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : a.typescript < b.typescript ? -1 : 1));
}

function toPolicies(rules: Rule[], model: NetworkModel): Record<string, unknown>[] {
  const grouped = new Map<string, Rule[]>();
  for (const rule of rules) grouped.set(`${rule.workload}|${rule.direction}`, [...(grouped.get(`${rule.workload}|${rule.direction}`) ?? []), rule]);
  const policies: Record<string, unknown>[] = [];
  for (const [key, group] of [...grouped.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [index, direction] = key.split('|') as [string, 'ingress' | 'egress'];
    const w = model.workloads[Number(index)];
    if (Object.keys(w.labels).length === 0) continue; // no podSelector could pick it alone (said by suggestIntents)
    const peer = (p: Peer): Record<string, unknown>[] => {
      if (p.kind === 'workload') {
        const other = model.workloads[p.index];
        return [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: other.namespace } }, podSelector: { matchLabels: { ...other.labels } } }];
      }
      if (p.kind === 'address') return [{ ipBlock: { cidr: `${formatIp(parseIp(p.ip)!)}/${p.ip.includes(':') ? 128 : 32}` } }];
      if (p.kind === 'internet') return [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_IPV4_RANGES } }, { ipBlock: { cidr: '::/0', except: PRIVATE_IPV6_RANGES } }];
      return [];
    };
    const rulesJson = group.filter((r) => r.peer.kind !== 'host').map((r) => ({
      [direction === 'ingress' ? 'from' : 'to']: peer(r.peer),
      ports: [...r.ports.values()].map((p) => ({ protocol: p.protocol, port: direction === 'ingress' && p.name ? p.name : p.port })),
    }));
    if (rulesJson.length === 0) continue;
    policies.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `netkit-suggested-${w.name}-${direction}`, namespace: w.namespace },
      spec: { podSelector: { matchLabels: { ...w.labels } }, policyTypes: [direction === 'ingress' ? 'Ingress' : 'Egress'], [direction]: rulesJson },
    });
  }
  return policies;
}

import { describe, expect, test } from 'vitest';
import { NetworkModel, TrafficQuery } from '../../lib';
import { Obj, namespace, policy, workload } from '../helpers/k8s';

/**
 * Semantic cases written from the networking.k8s.io/v1 API reference. Each case is a
 * cluster plus queries with the expected verdict, covering both sides of every boundary.
 */
interface Case {
  readonly name: string;
  readonly objects: Obj[];
  readonly allowed: TrafficQuery[];
  readonly denied: TrafficQuery[];
}

const web = (ns = 'a', extra: Record<string, string> = {}) => workload(ns, 'web', { app: 'web', ...extra }, { ports: [{ name: 'http', containerPort: 8080 }] });
const db = (ns = 'a') => workload(ns, 'db', { app: 'db' }, { ports: [{ name: 'pg', containerPort: 5432 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] });
const q = (from: string, to: string, port: number, protocol?: 'TCP' | 'UDP' | 'SCTP'): TrafficQuery => ({ from, to, port, protocol });
const denyIngress = (ns: string) => policy(ns, 'deny-in', { podSelector: {}, policyTypes: ['Ingress'] });
const denyEgress = (ns: string) => policy(ns, 'deny-out', { podSelector: {}, policyTypes: ['Egress'] });

const cases: Case[] = [
  { name: 'without policies every pod is non-isolated and everything flows', objects: [web(), db()],
    allowed: [q('a/web', 'a/db', 5432), q('a/db', 'a/web', 1), q('a/web', '203.0.113.1', 443), q('203.0.113.1', 'a/web', 8080)], denied: [] },
  { name: 'podSelector {} with no ingress rules isolates every pod of its namespace for ingress', objects: [web(), db(), denyIngress('a')],
    allowed: [q('a/web', '198.51.100.1', 80)], denied: [q('a/web', 'a/db', 5432), q('a/db', 'a/web', 8080), q('198.51.100.1', 'a/web', 8080)] },
  { name: 'a policy never reaches into another namespace', objects: [web('a'), db('b'), denyIngress('a')],
    allowed: [q('a/web', 'b/db', 5432)], denied: [q('b/db', 'a/web', 8080)] },
  { name: 'a podSelector isolates only the pods it selects', objects: [web(), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } } })],
    allowed: [q('a/db', 'a/web', 8080)], denied: [q('a/web', 'a/db', 5432)] },
  { name: 'no policyTypes and no egress rules: Ingress only, egress stays open', objects: [web(), db(), policy('a', 'p', { podSelector: {}, ingress: [] })],
    allowed: [q('a/web', '203.0.113.1', 443)], denied: [q('a/web', 'a/db', 5432)] },
  { name: 'no policyTypes and an egress rule: Egress is isolated too', objects: [web(), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'web' } }, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] })],
    allowed: [q('a/web', 'a/db', 53, 'UDP')], denied: [q('a/web', 'a/db', 5432), q('a/web', '203.0.113.1', 443)] },
  { name: 'egress: [] without policyTypes does not isolate egress', objects: [web(), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'web' } }, egress: [], ingress: [{}] })],
    allowed: [q('a/web', 'a/db', 5432), q('a/web', '203.0.113.1', 443), q('a/db', 'a/web', 8080)], denied: [] },
  { name: 'policyTypes [Egress] with no rules denies all egress', objects: [web(), db(), denyEgress('a')],
    allowed: [q('203.0.113.1', 'a/web', 8080)], denied: [q('a/web', 'a/db', 5432), q('a/web', '203.0.113.1', 443)] },
  { name: 'policyTypes [Egress] ignores ingress rules and leaves ingress open', objects: [web(), db(), policy('a', 'p', { podSelector: {}, policyTypes: ['Egress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'none' } } }] }], egress: [{}] })],
    allowed: [q('a/web', 'a/db', 5432), q('198.51.100.9', 'a/db', 5432)], denied: [] },
  { name: 'a rule without from matches every source, in or outside the cluster', objects: [web(), db('b'), policy('a', 'p', { podSelector: {}, ingress: [{ ports: [{ port: 8080 }] }] })],
    allowed: [q('b/db', 'a/web', 8080), q('203.0.113.1', 'a/web', 8080)], denied: [q('b/db', 'a/web', 8081)] },
  { name: 'from: [] is the same as no from', objects: [web(), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [], ports: [{ port: 8080 }] }] })],
    allowed: [q('a/db', 'a/web', 8080)], denied: [q('a/db', 'a/web', 9090)] },
  { name: 'a rule without ports matches every port and protocol', objects: [web(), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] })],
    allowed: [q('a/web', 'a/db', 5432), q('a/web', 'a/db', 1, 'UDP'), q('a/web', 'a/db', 65535, 'SCTP')], denied: [q('203.0.113.1', 'a/db', 5432)] },
  { name: 'ports: [] is the same as no ports', objects: [web(), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [] }] })],
    allowed: [q('a/web', 'a/db', 1234)], denied: [] },
  { name: 'a podSelector peer alone means the policy\'s own namespace', objects: [web('a'), web('b'), db('a'), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] })],
    allowed: [q('a/web', 'a/db', 5432)], denied: [q('b/web', 'a/db', 5432)] },
  { name: 'a namespaceSelector peer alone admits every pod of matching namespaces', objects: [namespace('b', { team: 'x' }), namespace('c', { team: 'y' }), web('b'), workload('c', 'other', { app: 'other' }), db('a'), policy('a', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } } }] }] })],
    allowed: [q('b/web', 'a/db', 5432)], denied: [q('c/other', 'a/db', 5432), q('a/db', 'a/db', 5432)] },
  { name: 'namespaceSelector {} is every namespace but not addresses outside the cluster', objects: [web('b'), db('a'), policy('a', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] })],
    allowed: [q('b/web', 'a/db', 5432), q('a/db', 'a/db', 5432)], denied: [q('203.0.113.1', 'a/db', 5432)] },
  { name: 'podSelector and namespaceSelector in one peer are an AND', objects: [namespace('b', { team: 'x' }), web('a'), web('b'), workload('b', 'job', { app: 'job' }), db('a'), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } }, podSelector: { matchLabels: { app: 'web' } } }] }] })],
    allowed: [q('b/web', 'a/db', 5432)], denied: [q('a/web', 'a/db', 5432), q('b/job', 'a/db', 5432)] },
  { name: 'two peers are an OR', objects: [namespace('b', { team: 'x' }), web('a'), web('b'), workload('b', 'job', { app: 'job' }), db('a'), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } } }, { podSelector: { matchLabels: { app: 'web' } } }] }] })],
    allowed: [q('b/web', 'a/db', 5432), q('a/web', 'a/db', 5432), q('b/job', 'a/db', 5432)], denied: [q('a/db', 'a/db', 5432)] },
  { name: 'matchExpressions In', objects: [web('a', { tier: 'front' }), workload('a', 'batch', { tier: 'back' }), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }] } }] }] })],
    allowed: [q('a/web', 'a/db', 5432)], denied: [q('a/batch', 'a/db', 5432)] },
  { name: 'matchExpressions NotIn also matches pods without the key', objects: [web('a', { tier: 'front' }), workload('a', 'batch', { tier: 'back' }), workload('a', 'plain', { x: 'y' }), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['back'] }] } }] }] })],
    allowed: [q('a/web', 'a/db', 5432), q('a/plain', 'a/db', 5432)], denied: [q('a/batch', 'a/db', 5432)] },
  { name: 'matchExpressions Exists', objects: [web('a', { tier: 'front' }), workload('a', 'plain', { x: 'y' }), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }] }] })],
    allowed: [q('a/web', 'a/db', 5432)], denied: [q('a/plain', 'a/db', 5432)] },
  { name: 'matchExpressions DoesNotExist', objects: [web('a', { tier: 'front' }), workload('a', 'plain', { x: 'y' }), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } }] }] })],
    allowed: [q('a/plain', 'a/db', 5432)], denied: [q('a/web', 'a/db', 5432)] },
  { name: 'matchExpressions on namespace labels', objects: [namespace('b', { env: 'prod' }), namespace('c', { env: 'dev' }), web('b'), web('c'), db('a'), policy('a', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] } }] }] })],
    allowed: [q('b/web', 'a/db', 5432)], denied: [q('c/web', 'a/db', 5432)] },
  { name: 'an undeclared namespace still carries kubernetes.io/metadata.name', objects: [web('b'), db('a'), policy('a', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } }] }] })],
    allowed: [q('b/web', 'a/db', 5432)], denied: [q('a/db', 'a/db', 5432)] },
  { name: 'ipBlock admits addresses in its CIDR', objects: [db(), policy('a', 'p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }] }] })],
    allowed: [q('203.0.113.0', 'a/db', 5432), q('203.0.113.255', 'a/db', 5432)], denied: [q('203.0.114.0', 'a/db', 5432), q('203.0.112.255', 'a/db', 5432)] },
  { name: 'ipBlock except carves addresses out', objects: [db(), policy('a', 'p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }] })],
    allowed: [q('10.0.255.255', 'a/db', 5432), q('10.2.0.0', 'a/db', 5432)], denied: [q('10.1.0.0', 'a/db', 5432), q('10.1.255.255', 'a/db', 5432)] },
  { name: 'ipBlock works for IPv6', objects: [db(), policy('a', 'p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:ff::/48'] } }] }] })],
    allowed: [q('2001:db8::1', 'a/db', 5432)], denied: [q('2001:db8:ff::1', 'a/db', 5432), q('2001:db9::1', 'a/db', 5432), q('203.0.113.1', 'a/db', 5432)] },
  { name: 'ipBlock never matches pods, even 0.0.0.0/0', objects: [web(), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })],
    allowed: [q('198.51.100.1', 'a/db', 5432)], denied: [q('a/web', 'a/db', 5432)] },
  { name: 'a named port resolves on the destination pod', objects: [web(), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 'pg' }] }] })],
    allowed: [q('a/web', 'a/db', 5432)], denied: [q('a/web', 'a/db', 5433)] },
  { name: 'a name the destination does not declare matches nothing', objects: [web(), db(), policy('a', 'p', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] })],
    allowed: [q('a/db', 'a/web', 8080)], denied: [q('a/web', 'a/db', 5432), q('a/web', 'a/db', 8080)] },
  { name: 'a named port in an egress rule resolves on the destination', objects: [web(), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'pg' }] }] })],
    allowed: [q('a/web', 'a/db', 5432)], denied: [q('a/web', 'a/db', 8080), q('a/web', '203.0.113.1', 5432)] },
  { name: 'endPort ranges are inclusive at both ends', objects: [web(), workload('a', 'redis', { app: 'redis' }), policy('a', 'p', { podSelector: { matchLabels: { app: 'redis' } }, ingress: [{ ports: [{ port: 6379, endPort: 6400 }] }] })],
    allowed: [q('a/web', 'a/redis', 6379), q('a/web', 'a/redis', 6400), q('a/web', 'a/redis', 6390)], denied: [q('a/web', 'a/redis', 6378), q('a/web', 'a/redis', 6401)] },
  { name: 'a UDP rule does not allow TCP on the same port', objects: [web(), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] })],
    allowed: [q('a/web', 'a/db', 53, 'UDP')], denied: [q('a/web', 'a/db', 53, 'TCP')] },
  { name: 'a port without protocol is TCP', objects: [web(), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 5432 }] }] })],
    allowed: [q('a/web', 'a/db', 5432, 'TCP')], denied: [q('a/web', 'a/db', 5432, 'UDP'), q('a/web', 'a/db', 5432, 'SCTP')] },
  { name: 'SCTP is its own protocol', objects: [web(), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 3868, protocol: 'SCTP' }] }] })],
    allowed: [q('a/web', 'a/db', 3868, 'SCTP')], denied: [q('a/web', 'a/db', 3868, 'TCP')] },
  { name: 'a protocol without a port is every port of that protocol', objects: [web(), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ protocol: 'UDP' }] }] })],
    allowed: [q('a/web', 'a/db', 1, 'UDP'), q('a/web', 'a/db', 65535, 'UDP')], denied: [q('a/web', 'a/db', 80, 'TCP')] },
  { name: 'policies are a union: either allowing policy lets traffic in', objects: [web(), workload('a', 'job', { app: 'job' }), db(),
    policy('a', 'p1', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] }),
    policy('a', 'p2', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'job' } } }], ports: [{ port: 5432 }] }] })],
    allowed: [q('a/web', 'a/db', 5432), q('a/job', 'a/db', 5432), q('a/web', 'a/db', 1)], denied: [q('a/job', 'a/db', 1)] },
  { name: 'a deny-all policy does not subtract from another policy\'s allow', objects: [web(), db(), denyIngress('a'), policy('a', 'allow', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] })],
    allowed: [q('a/web', 'a/db', 5432)], denied: [q('a/db', 'a/web', 8080)] },
  { name: 'egress allowed but ingress denied is denied', objects: [web(), db(), policy('a', 'out', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{}] }), denyIngress('a')],
    allowed: [], denied: [q('a/web', 'a/db', 5432)] },
  { name: 'ingress allowed but egress denied is denied', objects: [web(), db(), denyEgress('a'), policy('a', 'in', { podSelector: {}, ingress: [{}] })],
    allowed: [q('203.0.113.1', 'a/db', 5432)], denied: [q('a/web', 'a/db', 5432)] },
  { name: 'egress to an address outside the cluster needs an ipBlock or an open rule', objects: [web(), policy('a', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }] }, { to: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ port: 443 }] }] })],
    allowed: [q('a/web', '192.0.2.10', 443)], denied: [q('a/web', '192.0.2.10', 80), q('a/web', '198.51.100.1', 443)] },
  { name: 'a hostNetwork pod is not isolated by policies that select it', objects: [workload('a', 'agent', { app: 'agent' }, { hostNetwork: true }), web(), denyIngress('a'), denyEgress('a')],
    allowed: [q('a/agent', '203.0.113.1', 443), q('203.0.113.1', 'a/agent', 9100)], denied: [q('a/agent', 'a/web', 8080)] },
  { name: 'a hostNetwork pod is not matched by pod selectors as a peer', objects: [workload('a', 'agent', { app: 'agent' }, { hostNetwork: true }), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'agent' } } }] }, { from: [{ ipBlock: { cidr: '192.0.2.0/24' } }] }] })],
    allowed: [], denied: [q('a/agent', 'a/db', 5432)] },
  { name: 'every workload kind is read from its pod template', objects: [
    workload('a', 'p', { app: 'x' }, { kind: 'Pod' }), workload('a', 's', { app: 'x' }, { kind: 'StatefulSet' }), workload('a', 'd', { app: 'x' }, { kind: 'DaemonSet' }),
    workload('a', 'r', { app: 'x' }, { kind: 'ReplicaSet' }), workload('a', 'j', { app: 'x' }, { kind: 'Job' }), workload('a', 'c', { app: 'x' }, { kind: 'CronJob' }),
    workload('a', 'o', { app: 'other' }), policy('a', 'p', { podSelector: { matchLabels: { app: 'x' } }, ingress: [] })],
    allowed: [q('a/p', 'a/o', 80)], denied: ['p', 's', 'd', 'r', 'j', 'c'].map((n) => q('a/o', `a/${n}`, 80)) },
  { name: 'objects without a namespace are in default', objects: [workload(undefined, 'web', { app: 'web' }), workload(undefined, 'db', { app: 'db' }), denyIngress('default')],
    allowed: [], denied: [q('default/web', 'default/db', 5432)] },
  // The API server refuses these policies, so they cannot exist and isolate nothing.
  { name: 'a policy with an invalid selector operator cannot exist', objects: [web(), db(), policy('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'Like', values: ['w'] }] } }] }] })],
    allowed: [q('a/web', 'a/db', 5432)], denied: [] },
  { name: 'a policy whose podSelector has In without values cannot exist', objects: [web(), db(), policy('a', 'p', { podSelector: { matchExpressions: [{ key: 'app', operator: 'In' }] } })],
    allowed: [q('a/web', 'a/db', 5432)], denied: [] },
];

describe('NetworkPolicy semantics', () => {
  test.each(cases)('$name', ({ objects, allowed, denied }) => {
    const model = NetworkModel.fromObjects(objects);
    for (const query of allowed) expect(model).toAllowTraffic(query);
    for (const query of denied) expect(model).toDenyTraffic(query);
    // The same answers whatever the order of the documents.
    const reversed = NetworkModel.fromObjects([...objects].reverse());
    for (const query of [...allowed, ...denied]) expect(reversed.check(query).allowed).toBe(model.check(query).allowed);
  });

  test('there are at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });
});

describe('explanations', () => {
  const model = NetworkModel.fromObjects([web(), db(), denyIngress('a'),
    policy('a', 'allow', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'pg' }] }] })]);

  test('an allowed verdict names the isolating policies and the allowing rule', () => {
    const verdict = model.check({ from: 'a/web', to: 'a/db', port: 5432 });
    expect(verdict.ingress).toEqual({ applies: true, isolated: true, isolatedBy: ['a/allow', 'a/deny-in'], allowed: true, allowedBy: [{ policy: 'a/allow', rule: 0 }] });
    expect(verdict.egress).toEqual({ applies: true, isolated: false, isolatedBy: [], allowed: true, allowedBy: [] });
    expect(verdict.why).toBe('ALLOWED: a/web -> a/db on TCP 5432. Egress: a/web is not isolated for egress (no NetworkPolicy with policyType Egress selects it), so egress is open. Ingress: a/db is isolated for ingress by a/allow, a/deny-in; a/allow ingress[0] allows a/web on TCP 5432.');
  });

  test('a denied verdict says which side denied it', () => {
    expect(model.check({ from: 'a/db', to: 'a/web', port: 8080 }).why).toBe('DENIED: a/db -> a/web on TCP 8080. Egress: a/db is not isolated for egress (no NetworkPolicy with policyType Egress selects it), so egress is open. Ingress: a/web is isolated for ingress by a/deny-in, and no ingress rule of those policies matches a/db on TCP 8080.');
  });

  test('an unknown workload lists close matches', () => {
    expect(() => model.check({ from: 'a/wbe', to: 'a/db', port: 1 })).toThrow('unknown from "a/wbe": no workload <namespace>/<name>, Service or IP address by that name. Did you mean "a/web"?');
    expect(() => model.check({ from: 'a/web', to: 'zzz/yyyyyyyy', port: 1 })).toThrow('unknown to "zzz/yyyyyyyy": no workload <namespace>/<name>, Service or IP address by that name.');
  });

  test('a query between two outside addresses is refused', () => {
    expect(() => model.check({ from: '198.51.100.1', to: '203.0.113.1', port: 443 })).toThrow('from 198.51.100.1 and to 203.0.113.1 are both addresses outside the cluster, where no NetworkPolicy applies. Name a workload as <namespace>/<name> on at least one end.');
  });

  test('a unique workload name works without its namespace', () => {
    expect(model.check({ from: 'web', to: 'db', port: 5432 }).allowed).toBe(true);
  });
});

describe('queries through a Service', () => {
  const objects = [
    workload('a', 'release-web-7d9', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] }),
    workload('a', 'client', { app: 'client' }),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'a' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }, { port: 9000, targetPort: 'admin' }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nothing', namespace: 'a' }, spec: { selector: { app: 'none' }, ports: [{ port: 80 }] } },
    policy('a', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 8080 }] }] }),
  ];
  const model = NetworkModel.fromObjects(objects);

  test('a Service name and port lead to the workload and container port behind them', () => {
    const verdict = model.check({ from: 'a/client', to: 'a/web', port: 80 });
    expect(verdict).toMatchObject({ allowed: true, to: 'a/release-web-7d9', port: 8080 });
    expect(verdict.why).toMatch(/^ALLOWED: a\/client -> a\/release-web-7d9 on TCP 8080 \(through Service a\/web port 80, container port 8080\)\. /);
    expect(model.check({ from: 'a/release-web-7d9', to: 'a/web', port: 80 }).allowed).toBe(false);
  });

  test('a Service named like its workload translates its ports, and container ports win', () => {
    const same = NetworkModel.fromObjects([
      workload('a', 'api', { app: 'api' }, { ports: [{ name: 'http', containerPort: 8080 }] }),
      workload('a', 'client', { app: 'client' }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'a' }, spec: { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 'http' }, { port: 8080, targetPort: 9999 }] } },
      policy('a', 'api', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ ports: [{ port: 'http' }] }] }),
    ]);
    expect(same.check({ from: 'a/client', to: 'a/api', port: 80 })).toMatchObject({ allowed: true, port: 8080 });
    expect(same.check({ from: 'a/client', to: 'a/api', port: 8080 })).toMatchObject({ allowed: true, port: 8080 });
  });

  test('a Service that leads nowhere says so', () => {
    expect(() => model.check({ from: 'a/client', to: 'a/web', port: 9000 })).toThrow('Service a/web port 9000 targets port "admin", which a/release-web-7d9 does not declare, so traffic to it goes nowhere.');
    expect(() => model.check({ from: 'a/client', to: 'a/nothing', port: 80 })).toThrow('Service a/nothing selects no workload in the input, so nothing answers behind it.');
  });
});

describe('matrix', () => {
  test('includes every single address a policy names, beside the representative one', () => {
    const model = NetworkModel.fromObjects([web(), policy('a', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '198.51.100.5/32' } }, { ipBlock: { cidr: '2001:db8::5/128' } }, { ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ port: 443 }] }] })]);
    expect(model.matrix().endpoints).toEqual(['a/web', '203.0.113.7', '198.51.100.5', '2001:db8::5']);
    expect(model.matrix().cells).toContainEqual({ from: 'a/web', to: '198.51.100.5', ports: 'TCP 443' });
  });

  test('lists allowed ports per ordered pair, compressed', () => {
    const model = NetworkModel.fromObjects([web(), db(), workload('a', 'redis', { app: 'redis' }), denyIngress('a'),
      policy('a', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'pg' }, { port: 53, protocol: 'UDP' }] }] }),
      policy('a', 'redis', { podSelector: { matchLabels: { app: 'redis' } }, ingress: [{ ports: [{ port: 6379, endPort: 6400 }] }] })]);
    const matrix = model.matrix();
    expect(matrix.endpoints).toEqual(['a/db', 'a/redis', 'a/web', '203.0.113.7']);
    expect(matrix.cells).toEqual([
      { from: 'a/db', to: 'a/redis', ports: 'TCP 6379-6400' },
      { from: 'a/db', to: '203.0.113.7', ports: 'all' },
      { from: 'a/redis', to: 'a/redis', ports: 'TCP 6379-6400' },
      { from: 'a/redis', to: '203.0.113.7', ports: 'all' },
      { from: 'a/web', to: 'a/db', ports: 'TCP 5432, UDP 53' },
      { from: 'a/web', to: 'a/redis', ports: 'TCP 6379-6400' },
      { from: 'a/web', to: '203.0.113.7', ports: 'all' },
      { from: '203.0.113.7', to: 'a/redis', ports: 'TCP 6379-6400' },
    ]);
  });
});

/**
 * The NetworkPolicy docs leave host-network pods to the plugin, whose most common reading is that
 * their traffic is the node's: pod and namespace selectors never match them, ipBlocks match the
 * node addresses. netkit places those addresses from Node objects or --node-cidr (nodeCidrs);
 * where it cannot, the block is read as not holding them and the answer says so.
 */
describe('host-network pods and ipBlocks', () => {
  const agent = workload('infra', 'agent', { app: 'agent' }, { kind: 'DaemonSet', hostNetwork: true, ports: [{ containerPort: 9100 }] });
  const scraper = workload('mon', 'scraper', { app: 'scraper' }, { ports: [{ containerPort: 9090 }] });
  const scraperPolicy = (ingress: string, egress: string) => policy('mon', 'scraper', {
    podSelector: { matchLabels: { app: 'scraper' } }, policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ ipBlock: { cidr: ingress } }] }], egress: [{ to: [{ ipBlock: { cidr: egress } }], ports: [{ port: 9100 }] }],
  });
  const node = (name: string, ip: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses: [{ type: 'InternalIP', address: ip }] } });

  test('a block of every address holds them without knowing the nodes', () => {
    const model = NetworkModel.fromObjects([agent, scraper, scraperPolicy('0.0.0.0/0', '0.0.0.0/0')]);
    const out = model.check({ from: 'mon/scraper', to: 'infra/agent', port: 9100 });
    expect(out.allowed).toBe(true);
    expect(out.why).toContain("mon/scraper egress[0] allows infra/agent on TCP 9100 (infra/agent runs on the host network: its traffic carries its node's addresses, which only ipBlock peers match)");
    expect(model.check({ from: 'infra/agent', to: 'mon/scraper', port: 9090 }).allowed).toBe(true);
    expect(model.check({ from: 'mon/scraper', to: 'infra/agent', port: 9101 }).allowed).toBe(false);
    expect(model.matrix().cells).toContainEqual({ from: 'mon/scraper', to: 'infra/agent', ports: 'TCP 9100' });
  });

  test('a narrower block decides by the node CIDRs: held, not held, or partly held and said', () => {
    const objects = [agent, scraper, scraperPolicy('10.0.0.0/16', '10.0.0.0/16')];
    const held = NetworkModel.fromObjects(objects, { nodeCidrs: ['10.0.0.0/20'] });
    expect(held.check({ from: 'mon/scraper', to: 'infra/agent', port: 9100 }).allowed).toBe(true);
    expect(held.check({ from: 'infra/agent', to: 'mon/scraper', port: 9090 }).allowed).toBe(true);
    expect(held.notices).toEqual([]);
    const outside = NetworkModel.fromObjects(objects, { nodeCidrs: ['192.168.0.0/16'] });
    expect(outside.check({ from: 'infra/agent', to: 'mon/scraper', port: 9090 }).why).not.toContain('Depends');
    expect(outside.check({ from: 'infra/agent', to: 'mon/scraper', port: 9090 }).allowed).toBe(false);
    const partly = NetworkModel.fromObjects(objects, { nodeCidrs: ['10.0.0.0/8'] });
    const verdict = partly.check({ from: 'infra/agent', to: 'mon/scraper', port: 9090 });
    expect(verdict.allowed).toBe(false);
    expect(verdict.why).toContain('Depends on the node infra/agent runs on: mon/scraper ingress[0] ipBlock 10.0.0.0/16 holds some of the node addresses its traffic may carry (it runs on the host network, at node addresses in 10.0.0.0/8 (--node-cidr)), and netkit reads it as not matching, since it may run on a node outside the block.');
    expect(partly.notices).toContain('mon/scraper ingress[0]: whether its ipBlock 10.0.0.0/16 holds the host-network workload infra/agent depends on node addresses (it runs on the host network, at node addresses in 10.0.0.0/8 (--node-cidr)); answers read it as not holding it, since a node outside the block may run them');
  });

  test('with neither Node objects nor node CIDRs, a narrower block is read as not holding them, and both the answer and a notice say so', () => {
    const model = NetworkModel.fromObjects([agent, scraper, scraperPolicy('10.0.0.0/16', '0.0.0.0/0')]);
    const verdict = model.check({ from: 'infra/agent', to: 'mon/scraper', port: 9090 });
    expect(verdict.allowed).toBe(false);
    expect(verdict.why).toContain('Depends on where infra/agent runs: mon/scraper ingress[0] ipBlock 10.0.0.0/16 may hold the node address its traffic carries (it runs on the host network, and the input has no Node objects and no --node-cidr), and netkit reads it as not matching; give Node objects or --node-cidr (nodeCidrs) to decide.');
    expect(model.notices).toEqual(['mon/scraper ingress[0]: whether its ipBlock 10.0.0.0/16 holds the host-network workload infra/agent depends on node addresses (it runs on the host network, and the input has no Node objects and no --node-cidr); answers read it as not holding it. Give Node objects or --node-cidr (nodeCidrs) to decide']);
  });

  test('Node objects place the addresses: every node inside holds, none inside does not', () => {
    const policyObject = scraperPolicy('10.0.0.0/16', '10.0.0.0/16');
    const inside = NetworkModel.fromObjects([agent, scraper, policyObject, node('n1', '10.0.1.5'), node('n2', '10.0.2.7')]);
    expect(inside.check({ from: 'infra/agent', to: 'mon/scraper', port: 9090 }).allowed).toBe(true);
    expect(inside.check({ from: 'mon/scraper', to: 'infra/agent', port: 9100 }).allowed).toBe(true);
    const apart = NetworkModel.fromObjects([agent, scraper, policyObject, node('n1', '192.168.1.5')]);
    expect(apart.check({ from: 'infra/agent', to: 'mon/scraper', port: 9090 }).allowed).toBe(false);
    expect(apart.notices).toEqual([]);
    // Some nodes inside: it depends, and the answer names a few nodes, not thousands.
    const many = NetworkModel.fromObjects([agent, scraper, policyObject, ...Array.from({ length: 50 }, (_, i) => node(`n${i}`, i < 10 ? `10.0.1.${i}` : `192.168.1.${i}`))]);
    const verdict = many.check({ from: 'infra/agent', to: 'mon/scraper', port: 9090 });
    expect(verdict.allowed).toBe(false);
    expect(verdict.why).toContain("(it runs on the host network of the input's nodes (n0: 10.0.1.0; n1: 10.0.1.1; n2: 10.0.1.2; and 47 more))");
  });

  test('on Calico, a Kubernetes NetworkPolicy ipBlock holds them the same way', () => {
    const objects = [agent, scraper, scraperPolicy('10.0.0.0/16', '10.0.0.0/16')];
    expect(NetworkModel.fromObjects(objects, { cni: 'calico', nodeCidrs: ['10.0.0.0/20'] }).check({ from: 'infra/agent', to: 'mon/scraper', port: 9090 }).allowed).toBe(true);
    expect(NetworkModel.fromObjects(objects, { cni: 'calico', nodeCidrs: ['192.168.0.0/16'] }).check({ from: 'infra/agent', to: 'mon/scraper', port: 9090 }).allowed).toBe(false);
    const partly = NetworkModel.fromObjects(objects, { cni: 'calico', nodeCidrs: ['10.0.0.0/8'] }).check({ from: 'infra/agent', to: 'mon/scraper', port: 9090 });
    expect(partly.allowed).toBe(false);
    expect(partly.why).toContain('Depends on');
  });
});

/**
 * kube-proxy translates a Service's cluster IP (and external IPs) to one of its pods before
 * NetworkPolicy sees the packet: the address is the Service, never an outside endpoint.
 */
describe("a Service's own addresses", () => {
  const api = workload('a', 'api', { app: 'api' }, { ports: [{ name: 'http', containerPort: 8080 }] });
  const client = workload('a', 'web', { app: 'web' });
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'a' }, spec: { clusterIP: '10.96.12.34', clusterIPs: ['10.96.12.34', 'fd00:10:96::1234'], externalIPs: ['198.51.100.20'], selector: { app: 'api' }, ports: [{ port: 80, targetPort: 'http' }] } };
  const byAddress = policy('a', 'web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.96.0.0/12' } }, { ipBlock: { cidr: '10.96.12.34/32' } }], ports: [{ port: 80 }] }] });

  test('a query to the cluster IP answers for the pods behind it, as kube-proxy delivers it', () => {
    const model = NetworkModel.fromObjects([api, client, service, byAddress]);
    const verdict = model.check({ from: 'a/web', to: '10.96.12.34', port: 80 });
    expect(verdict).toMatchObject({ allowed: false, to: 'a/api', port: 8080 });
    expect(verdict.why).toContain('(through Service a/api port 80 at its cluster IP 10.96.12.34, which kube-proxy translates to a pod before any policy sees it, container port 8080)');
    expect(model.check({ from: 'a/web', to: 'fd00:10:96::1234', port: 80 })).toMatchObject({ allowed: false, to: 'a/api' });
    expect(model.check({ from: 'a/web', to: '198.51.100.20', port: 80 }).why).toContain('at its external IP 198.51.100.20');
    // An address near it is outside the cluster, as before.
    expect(model.check({ from: 'a/web', to: '10.96.12.35', port: 80 })).toMatchObject({ allowed: true, to: '10.96.12.35' });
    const allowedPods = NetworkModel.fromObjects([api, client, service, policy('a', 'web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8080 }] }] })]);
    expect(allowedPods.check({ from: 'a/web', to: '10.96.12.34', port: 80 })).toMatchObject({ allowed: true, to: 'a/api', port: 8080 });
  });

  test("a load balancer's address is the Service too, unless its ipMode is Proxy", () => {
    const lb = (ipMode?: string) => ({ ...service, spec: { type: 'LoadBalancer', selector: { app: 'api' }, ports: [{ port: 80, targetPort: 'http' }] }, status: { loadBalancer: { ingress: [{ ip: '203.0.113.50', ...(ipMode ? { ipMode } : {}) }, { hostname: 'lb.example.com' }] } } });
    expect(NetworkModel.fromObjects([api, client, lb()]).check({ from: 'a/web', to: '203.0.113.50', port: 80 })).toMatchObject({ to: 'a/api', port: 8080 });
    expect(NetworkModel.fromObjects([api, client, lb()]).check({ from: 'a/web', to: '203.0.113.50', port: 80 }).why).toContain('at its load-balancer IP 203.0.113.50');
    expect(NetworkModel.fromObjects([api, client, lb('Proxy')]).check({ from: 'a/web', to: '203.0.113.50', port: 80 })).toMatchObject({ to: '203.0.113.50', port: 80 });
  });

  test('a port the Service does not expose, or the address as a source, is refused', () => {
    const model = NetworkModel.fromObjects([api, client, service]);
    expect(() => model.check({ from: 'a/web', to: '10.96.12.34', port: 8080 })).toThrow('10.96.12.34 is the cluster IP of Service a/api, which has no TCP port 8080 (it has: TCP 80), so nothing answers there.');
    expect(() => model.check({ from: '10.96.12.34', to: 'a/web', port: 80 })).toThrow('from 10.96.12.34 is the cluster IP of Service a/api, which only receives connections (kube-proxy translates it to a pod); name the client that connects.');
  });

  test('the matrix shows no column for it, refuses it as an outside endpoint, and a notice names each ipBlock that holds it', () => {
    const model = NetworkModel.fromObjects([api, client, service, byAddress]);
    expect(model.matrix().endpoints).toEqual(['a/api', 'a/web', '203.0.113.7']);
    expect(() => model.matrix({ externalEndpoints: ['10.96.12.34'] })).toThrow('external endpoint "10.96.12.34" is the cluster IP of Service a/api, not an address outside the cluster');
    expect(model.notices).toEqual([
      "NetworkPolicy a/web egress[0]: ipBlock 10.96.0.0/12 holds the address of Service a/api (cluster IP 10.96.12.34), which kube-proxy translates to a pod before policy applies, so the peer does not match that Service's pods; select them with podSelector and namespaceSelector",
      "NetworkPolicy a/web egress[0]: ipBlock 10.96.12.34/32 holds the address of Service a/api (cluster IP 10.96.12.34), which kube-proxy translates to a pod before policy applies, so the peer does not match that Service's pods; select them with podSelector and namespaceSelector",
    ]);
    // A block whose except carves the address out does not hold it (same cidr, other except).
    const carved = policy('a', 'web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.96.0.0/12' } }] }, { to: [{ ipBlock: { cidr: '10.96.0.0/12', except: ['10.96.12.0/24'] } }] }] });
    expect(NetworkModel.fromObjects([api, client, service, carved]).notices).toEqual(["NetworkPolicy a/web egress[0]: ipBlock 10.96.0.0/12 holds the address of Service a/api (cluster IP 10.96.12.34), which kube-proxy translates to a pod before policy applies, so the peer does not match that Service's pods; select them with podSelector and namespaceSelector"]);
    const carvedFirst = policy('a', 'web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.96.0.0/12', except: ['10.96.12.0/24'] } }] }, { to: [{ ipBlock: { cidr: '10.96.0.0/12' } }] }] });
    expect(NetworkModel.fromObjects([api, client, service, carvedFirst]).notices).toHaveLength(1);
    // An address a NodeLocal DNSCache binds is delivered on the node: the cache answers there.
    const cache = workload('kube-system', 'node-local-dns', { 'k8s-app': 'node-local-dns' }, { kind: 'DaemonSet', hostNetwork: true, ports: [{ containerPort: 53, protocol: 'UDP' }] });
    cache.spec.template.spec.containers[0].args = ['-localip', '169.254.20.10,10.96.0.10'];
    const kubeDns = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system' }, spec: { clusterIP: '10.96.0.10', selector: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] } };
    const coredns = workload('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, { ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] });
    const toCache = policy('a', 'web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '169.254.20.10/32' } }, { ipBlock: { cidr: '10.96.0.10/32' } }], ports: [{ port: 53, protocol: 'UDP' }] }] });
    const withCache = NetworkModel.fromObjects([client, cache, kubeDns, coredns, toCache]);
    expect(withCache.notices).toEqual([]);
    expect(withCache.check({ from: 'a/web', to: '10.96.0.10', port: 53, protocol: 'UDP' })).toMatchObject({ allowed: true, to: '10.96.0.10' });
    expect(withCache.check({ from: 'a/web', to: 'kube-system/node-local-dns', port: 53, protocol: 'UDP' }).allowed).toBe(true);
    // Without the cache, the same address is the Service, and the block does not reach CoreDNS.
    const withoutCache = NetworkModel.fromObjects([client, kubeDns, coredns, toCache]);
    expect(withoutCache.check({ from: 'a/web', to: '10.96.0.10', port: 53, protocol: 'UDP' })).toMatchObject({ allowed: false, to: 'kube-system/coredns' });
    expect(withoutCache.notices).toHaveLength(1);
    // Without addresses in the input (as cdk8s writes Services), nothing changes.
    const { clusterIP: _a, clusterIPs: _b, externalIPs: _c, ...spec } = service.spec;
    expect(NetworkModel.fromObjects([api, client, { ...service, spec }, byAddress]).notices).toEqual([]);
  });
});

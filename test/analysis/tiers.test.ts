/**
 * Cluster-scoped policies, case by case from network-policy-api's reference
 * (apis/v1alpha2/clusternetworkpolicy_types.go, apis/v1alpha1/*_types.go): tiers, priorities,
 * Accept/Deny/Pass, the interplay with NetworkPolicy isolation, and both API versions.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { NetworkModel, lintReport } from '../../lib';
import { Obj, namespace, policy, workload } from '../helpers/k8s';

type Q = { from: string; to: string; port: number; protocol?: string };
const q = (from: string, to: string, port: number, protocol?: string): Q => ({ from, to, port, ...(protocol ? { protocol } : {}) });

const cnp = (name: string, tier: 'Admin' | 'Baseline', priority: number, subject: Obj, rules: { ingress?: Obj[]; egress?: Obj[] }): Obj =>
  ({ apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name }, spec: { tier, priority, subject, ...rules } });
const anp = (name: string, priority: number, subject: Obj, rules: { ingress?: Obj[]; egress?: Obj[] }): Obj =>
  ({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name }, spec: { priority, subject, ...rules } });
const banp = (subject: Obj, rules: { ingress?: Obj[]; egress?: Obj[] }): Obj =>
  ({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec: { subject, ...rules } });

const allNamespaces = { namespaces: {} };
const ns = (name: string) => ({ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
const podsIn = (name: string, labels: Record<string, string>) => ({ pods: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } }, podSelector: { matchLabels: labels } } });
const tcp = (port: number) => ({ tcp: { destinationPort: { number: port } } });

/** Two namespaces with a web and a db, and a third with a tool. */
const cluster = (): Obj[] => [
  namespace('a', { env: 'prod' }), namespace('b', { env: 'prod' }), namespace('ops', { env: 'tools' }),
  workload('a', 'web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] }),
  workload('a', 'db', { app: 'db' }, { ports: [{ name: 'pg', containerPort: 5432 }, { name: 'metrics', containerPort: 9187 }] }),
  workload('b', 'api', { app: 'api' }, { ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }),
  workload('ops', 'tool', { app: 'tool' }),
];
const allowAllIngress = (n: string, labels: Record<string, string>) => policy(n, `allow-${labels.app}`, { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'], ingress: [{}] });
const denyAll = (n: string) => policy(n, 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

interface Case { name: string; objects: Obj[]; allowed: Q[]; denied: Q[] }
const cases: Case[] = [
  { name: 'an Admin Deny beats a NetworkPolicy that allows (ingress)',
    objects: [...cluster(), allowAllIngress('a', { app: 'db' }), cnp('deny-db', 'Admin', 10, ns('a'), { ingress: [{ action: 'Deny', from: [ns('ops')] }] })],
    allowed: [q('a/web', 'a/db', 5432)], denied: [q('ops/tool', 'a/db', 5432)] },
  { name: 'an Admin Deny beats a NetworkPolicy that allows (egress)',
    objects: [...cluster(), policy('ops', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] }), cnp('no-prod', 'Admin', 10, ns('ops'), { egress: [{ action: 'Deny', to: [ns('a')] }] })],
    allowed: [q('ops/tool', 'b/api', 8080)], denied: [q('ops/tool', 'a/web', 8080)] },
  { name: 'an Admin Accept lets traffic in through a default deny',
    objects: [...cluster(), denyAll('a'), cnp('ops-in', 'Admin', 5, ns('a'), { ingress: [{ action: 'Accept', from: [ns('ops')] }] })],
    allowed: [q('ops/tool', 'a/db', 5432)], denied: [q('b/api', 'a/db', 5432)] },
  { name: 'an egress Accept still leaves the destination\'s ingress to decide',
    objects: [...cluster(), denyAll('a'), cnp('ops-out', 'Admin', 5, ns('ops'), { egress: [{ action: 'Accept', to: [ns('a')] }] })],
    allowed: [], denied: [q('ops/tool', 'a/db', 5432)] },
  { name: 'a Pass hands the decision to NetworkPolicy, which denies',
    objects: [...cluster(), denyAll('a'), cnp('pass', 'Admin', 5, allNamespaces, { ingress: [{ action: 'Pass', from: [ns('ops')] }] }), cnp('accept', 'Admin', 50, allNamespaces, { ingress: [{ action: 'Accept', from: [ns('ops')] }] })],
    allowed: [q('ops/tool', 'b/api', 8080)], denied: [q('ops/tool', 'a/web', 8080)] },
  { name: 'a Pass to a pod no NetworkPolicy isolates reaches the Baseline tier',
    objects: [...cluster(), cnp('pass', 'Admin', 5, allNamespaces, { ingress: [{ action: 'Pass', from: [ns('ops')] }] }), cnp('base', 'Baseline', 5, allNamespaces, { ingress: [{ action: 'Deny', from: [ns('ops')] }] })],
    allowed: [q('a/web', 'a/db', 5432)], denied: [q('ops/tool', 'a/db', 5432)] },
  { name: 'a lower priority number goes first: Deny at 10 beats Accept at 20',
    objects: [...cluster(), cnp('accept', 'Admin', 20, ns('a'), { ingress: [{ action: 'Accept', from: [ns('ops')] }] }), cnp('deny', 'Admin', 10, ns('a'), { ingress: [{ action: 'Deny', from: [ns('ops')] }] })],
    allowed: [], denied: [q('ops/tool', 'a/db', 5432)] },
  { name: 'an Accept at 10 is final: a Deny at 20 is never reached',
    objects: [...cluster(), cnp('accept', 'Admin', 10, ns('a'), { ingress: [{ action: 'Accept', from: [ns('ops')] }] }), cnp('deny', 'Admin', 20, ns('a'), { ingress: [{ action: 'Deny', from: [allNamespaces] }] })],
    allowed: [q('ops/tool', 'a/db', 5432)], denied: [q('b/api', 'a/db', 5432)] },
  { name: 'rules apply in written order: Accept before Deny',
    objects: [...cluster(), cnp('order', 'Admin', 10, ns('a'), { ingress: [{ action: 'Accept', from: [ns('ops')] }, { action: 'Deny', from: [allNamespaces] }] })],
    allowed: [q('ops/tool', 'a/db', 5432)], denied: [q('a/web', 'a/db', 5432)] },
  { name: 'rules apply in written order: Deny before Accept',
    objects: [...cluster(), cnp('order', 'Admin', 10, ns('a'), { ingress: [{ action: 'Deny', from: [allNamespaces] }, { action: 'Accept', from: [ns('ops')] }] })],
    allowed: [], denied: [q('ops/tool', 'a/db', 5432), q('a/web', 'a/db', 5432)] },
  { name: 'the Baseline tier denies pods no NetworkPolicy isolates',
    objects: [...cluster(), cnp('isolate', 'Baseline', 10, allNamespaces, { ingress: [{ action: 'Deny', from: [ns('ops')] }] })],
    allowed: [q('b/api', 'a/db', 5432)], denied: [q('ops/tool', 'a/db', 5432)] },
  { name: 'the Baseline tier does not apply to a pod a NetworkPolicy isolates',
    objects: [...cluster(), allowAllIngress('a', { app: 'db' }), cnp('isolate', 'Baseline', 10, allNamespaces, { ingress: [{ action: 'Deny', from: [ns('ops')] }] })],
    allowed: [q('ops/tool', 'a/db', 5432)], denied: [q('ops/tool', 'a/web', 8080)] },
  { name: 'a Baseline Accept before a Baseline Deny',
    objects: [...cluster(), cnp('dns', 'Baseline', 1, allNamespaces, { ingress: [{ action: 'Accept', from: [ns('ops')], protocols: [tcp(5432)] }] }), cnp('rest', 'Baseline', 2, allNamespaces, { ingress: [{ action: 'Deny', from: [ns('ops')] }] })],
    allowed: [q('ops/tool', 'a/db', 5432)], denied: [q('ops/tool', 'a/db', 9187)] },
  { name: 'no tier rule matches: the Kubernetes default allows',
    objects: [...cluster(), cnp('unrelated', 'Admin', 10, ns('b'), { ingress: [{ action: 'Deny', from: [ns('ops')] }] })],
    allowed: [q('ops/tool', 'a/db', 5432), q('a/web', 'b/api', 8080)], denied: [q('ops/tool', 'b/api', 8080)] },
  { name: 'a subject by pods: namespace AND pod labels',
    objects: [...cluster(), cnp('db-only', 'Admin', 10, podsIn('a', { app: 'db' }), { ingress: [{ action: 'Deny', from: [ns('ops')] }] })],
    allowed: [q('ops/tool', 'a/web', 8080)], denied: [q('ops/tool', 'a/db', 5432)] },
  { name: 'a peer by pods: namespace AND pod labels',
    objects: [...cluster(), cnp('from-web', 'Admin', 10, ns('a'), { ingress: [{ action: 'Deny', from: [podsIn('a', { app: 'web' })] }] })],
    allowed: [q('ops/tool', 'a/db', 5432)], denied: [q('a/web', 'a/db', 5432)] },
  { name: 'a peer by namespace labels',
    objects: [...cluster(), cnp('no-tools', 'Admin', 10, allNamespaces, { ingress: [{ action: 'Deny', from: [{ namespaces: { matchLabels: { env: 'tools' } } }] }] })],
    allowed: [q('b/api', 'a/db', 5432)], denied: [q('ops/tool', 'a/db', 5432), q('ops/tool', 'b/api', 8080)] },
  { name: 'a port number leaves other ports to the next tier',
    objects: [...cluster(), cnp('no-pg', 'Admin', 10, ns('a'), { ingress: [{ action: 'Deny', from: [allNamespaces], protocols: [tcp(5432)] }] })],
    allowed: [q('a/web', 'a/db', 9187)], denied: [q('a/web', 'a/db', 5432)] },
  { name: 'a port range',
    objects: [...cluster(), cnp('range', 'Admin', 10, ns('a'), { ingress: [{ action: 'Deny', from: [allNamespaces], protocols: [{ tcp: { destinationPort: { range: { start: 5000, end: 6000 } } } }] }] })],
    allowed: [q('a/web', 'a/db', 9187)], denied: [q('a/web', 'a/db', 5432)] },
  { name: 'a UDP rule does not match TCP',
    objects: [...cluster(), cnp('udp', 'Admin', 10, ns('b'), { ingress: [{ action: 'Deny', from: [allNamespaces], protocols: [{ udp: { destinationPort: { number: 53 } } }] }] })],
    allowed: [q('a/web', 'b/api', 53, 'TCP')], denied: [q('a/web', 'b/api', 53, 'UDP')] },
  { name: 'a named port resolves on the destination pod',
    objects: [...cluster(), cnp('named', 'Admin', 10, ns('a'), { ingress: [{ action: 'Deny', from: [allNamespaces], protocols: [{ destinationNamedPort: 'metrics' }] }] })],
    allowed: [q('a/web', 'a/db', 5432)], denied: [q('a/web', 'a/db', 9187)] },
  { name: 'networks: cloud metadata is denied although a NetworkPolicy allows every address',
    objects: [...cluster(), policy('a', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }), cnp('metadata', 'Admin', 1, allNamespaces, { egress: [{ action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] }] })],
    allowed: [q('a/web', '203.0.113.7', 443)], denied: [q('a/web', '169.254.169.254', 80), q('b/api', '169.254.169.254', 80)] },
  { name: 'networks hold pods too: a Deny to 0.0.0.0/0 denies all IPv4 pod-to-pod traffic (NetworkPeer.Networks)',
    objects: [...cluster(), cnp('ten', 'Admin', 1, ns('a'), { egress: [{ action: 'Deny', to: [{ networks: ['0.0.0.0/0'] }] }] })],
    allowed: [q('b/api', 'a/web', 8080)], denied: [q('a/web', 'b/api', 8080), q('a/web', '203.0.113.7', 443)] },
  { name: 'host-network pods are never subjects',
    objects: [...cluster(), workload('a', 'agent', { app: 'agent' }, { hostNetwork: true, ports: [{ containerPort: 9100 }] }), cnp('deny', 'Admin', 1, ns('a'), { ingress: [{ action: 'Deny', from: [allNamespaces] }] })],
    allowed: [q('ops/tool', 'a/agent', 9100)], denied: [q('ops/tool', 'a/web', 8080)] },
  { name: 'a Pass skips every later Admin rule: the NetworkPolicy tier, then the default, decides',
    objects: [...cluster(), denyAll('b'), allowAllIngress('a', { app: 'db' }), cnp('pass', 'Admin', 1, allNamespaces, { ingress: [{ action: 'Pass', from: [ns('ops')] }] }), cnp('deny', 'Admin', 2, allNamespaces, { ingress: [{ action: 'Deny', from: [ns('ops')] }] })],
    allowed: [q('ops/tool', 'a/db', 5432), q('ops/tool', 'a/web', 8080)], denied: [q('ops/tool', 'b/api', 8080)] },
  { name: 'an egress Accept and the destination\'s Admin Deny: denied',
    objects: [...cluster(), cnp('out', 'Admin', 1, ns('ops'), { egress: [{ action: 'Accept', to: [allNamespaces] }] }), cnp('in', 'Admin', 2, ns('a'), { ingress: [{ action: 'Deny', from: [ns('ops')] }] })],
    allowed: [q('ops/tool', 'b/api', 8080)], denied: [q('ops/tool', 'a/db', 5432)] },
  { name: 'fail closed: a Deny with a peer it cannot read denies everything',
    objects: [...cluster(), cnp('future', 'Admin', 1, ns('a'), { ingress: [{ action: 'Deny', from: [{}] }] })],
    allowed: [q('a/db', 'b/api', 8080)], denied: [q('b/api', 'a/web', 8080)] },
  { name: 'fail closed: an Accept with a peer it cannot read matches nothing',
    objects: [...cluster(), denyAll('a'), cnp('future', 'Admin', 1, ns('a'), { ingress: [{ action: 'Accept', from: [{}] }] })],
    allowed: [], denied: [q('b/api', 'a/web', 8080)] },
  { name: 'v1alpha1: AdminNetworkPolicy Allow is final, Deny denies',
    objects: [...cluster(), denyAll('a'), anp('ops', 10, { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } } }, { ingress: [{ action: 'Allow', from: [ns('ops')], ports: [{ portNumber: { port: 5432, protocol: 'TCP' } }] }, { action: 'Deny', from: [allNamespaces] }] })],
    allowed: [q('ops/tool', 'a/db', 5432)], denied: [q('ops/tool', 'a/db', 9187), q('b/api', 'a/db', 5432)] },
  { name: 'v1alpha1: ports as portRange and namedPort',
    objects: [...cluster(), anp('ports', 10, ns('a'), { ingress: [{ action: 'Deny', from: [allNamespaces], ports: [{ portRange: { protocol: 'TCP', start: 5000, end: 6000 } }, { namedPort: 'metrics' }] }] })],
    allowed: [q('a/db', 'a/web', 8080)], denied: [q('a/web', 'a/db', 5432), q('a/web', 'a/db', 9187)] },
  { name: 'v1alpha1: BaselineAdminNetworkPolicy default denies pods no NetworkPolicy isolates',
    objects: [...cluster(), allowAllIngress('a', { app: 'db' }), banp(allNamespaces, { ingress: [{ action: 'Deny', from: [ns('ops')] }] })],
    allowed: [q('ops/tool', 'a/db', 5432)], denied: [q('ops/tool', 'a/web', 8080), q('ops/tool', 'b/api', 8080)] },
  { name: 'Baseline ClusterNetworkPolicies by priority, then the BaselineAdminNetworkPolicy',
    objects: [...cluster(), cnp('accept-ops', 'Baseline', 100, ns('b'), { ingress: [{ action: 'Accept', from: [ns('ops')] }] }), banp(allNamespaces, { ingress: [{ action: 'Deny', from: [ns('ops')] }] })],
    allowed: [q('ops/tool', 'b/api', 8080)], denied: [q('ops/tool', 'a/web', 8080)] },
];

describe('cluster-scoped policy tiers', () => {
  test('at least 30 cases from the reference', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  test.each(cases)('$name', ({ objects, allowed, denied }) => {
    const model = NetworkModel.fromObjects(objects);
    for (const query of allowed) {
      const verdict = model.check(query);
      expect(verdict.allowed, verdict.why).toBe(true);
    }
    for (const query of denied) {
      const verdict = model.check(query);
      expect(verdict.allowed, verdict.why).toBe(false);
    }
    // The matrix agrees with single checks.
    const cells = new Map(model.matrix({ externalEndpoints: ['203.0.113.7', '169.254.169.254'] }).cells.map((c) => [`${c.from}>${c.to}`, c.ports]));
    for (const query of [...allowed, ...denied]) {
      const text = cells.get(`${query.from}>${query.to}`);
      const verdict = model.check(query);
      expect(text !== undefined && (text === 'all' || text.split(', ').some((part) => { const m = /^(TCP|UDP|SCTP) (all|(\d+)(?:-(\d+))?)$/.exec(part)!; return m[1] === (query.protocol ?? 'TCP') && (m[2] === 'all' || (query.port >= Number(m[3]) && query.port <= Number(m[4] ?? m[3]))); })), `${query.from} -> ${query.to} ${query.port}: matrix ${text}`).toBe(verdict.allowed);
    }
  });

  test('the why names the tier, policy, priority and rule', () => {
    const model = NetworkModel.fromObjects(cases[0].objects);
    expect(model.check(q('ops/tool', 'a/db', 5432)).why).toBe('DENIED: ops/tool -> a/db on TCP 5432. Egress: ops/tool is not isolated for egress (no NetworkPolicy with policyType Egress selects it, and no cluster policy rule matches), so egress is open. Ingress: decided by the Admin tier ClusterNetworkPolicy deny-db (priority 10) ingress[0] Deny: denied before any NetworkPolicy is looked at.');
    const baseline = NetworkModel.fromObjects(cases[10].objects);
    expect(baseline.check(q('ops/tool', 'a/db', 5432)).why).toContain('Ingress: no NetworkPolicy isolates a/db, so the Baseline tier decides: Baseline tier ClusterNetworkPolicy isolate (priority 10) ingress[0] Deny, denied.');
  });

  test('a policy its CRD would refuse is left out, saying why; experimental peers are named', () => {
    const model = NetworkModel.fromObjects([...cluster(),
      cnp('bad', 'Admin', 1001, ns('a'), { ingress: [{ action: 'Deny', from: [allNamespaces] }] }),
      cnp('nodes', 'Admin', 5, ns('a'), { egress: [{ action: 'Deny', to: [{ nodes: {} }] }] })]);
    expect(model.check(q('b/api', 'a/web', 8080)).allowed).toBe(true);
    expect(model.notices).toEqual([
      'ClusterNetworkPolicy bad (input) is left out: its CRD would refuse it (spec.priority: Invalid value: 1001: must be a whole number from 0 to 1000), so it could not exist in a cluster',
      'ClusterNetworkPolicy nodes: spec.egress[0].to[0].nodes: the input has no Node objects and no --node-cidr (nodeCidrs), so node addresses are unknown; the egress[0] rule matches no endpoint through it',
    ]);
  });

  test('a version netkit does not read is said to be unread, not refused; a kind in a version without it is refused', () => {
    const later = { ...cnp('later', 'Admin', 10, ns('a'), { ingress: [{ action: 'Deny', from: [allNamespaces] }] }), apiVersion: 'policy.networking.k8s.io/v1beta1' };
    const misplaced = { ...anp('old', 10, ns('a'), { ingress: [{ action: 'Deny', from: [allNamespaces] }] }), apiVersion: 'policy.networking.k8s.io/v1alpha2' };
    const model = NetworkModel.fromObjects([...cluster(), later, misplaced]);
    expect(model.check(q('b/api', 'a/web', 8080)).allowed).toBe(true);
    expect(model.notices).toEqual([
      'ClusterNetworkPolicy later (input) is left out: policy.networking.k8s.io/v1beta1 is a network-policy-api version netkit does not read (it reads ClusterNetworkPolicy v1alpha2, AdminNetworkPolicy and BaselineAdminNetworkPolicy v1alpha1), so no verdict includes its rules',
      'AdminNetworkPolicy old (input) is left out: its CRD would refuse it (apiVersion policy.networking.k8s.io/v1alpha2: no such kind in that version (AdminNetworkPolicy is served as policy.networking.k8s.io/v1alpha1)), so it could not exist in a cluster',
    ]);
    const report = lintReport([...cluster(), later, misplaced]);
    expect(report.findings.filter((f) => f.rule === 'cluster-policy-rejected').map((f) => f.object.name)).toEqual(['old']);
    expect(report.notices).toContain('ClusterNetworkPolicy later (input) is not checked: policy.networking.k8s.io/v1beta1 is a network-policy-api version netkit does not read (it reads ClusterNetworkPolicy v1alpha2, AdminNetworkPolicy and BaselineAdminNetworkPolicy v1alpha1)');
  });

  test('v1alpha1 and v1alpha2 objects that say the same give the same verdicts', () => {
    const v2 = [...cluster(), cnp('p', 'Admin', 10, ns('a'), { ingress: [{ action: 'Accept', from: [ns('ops')], protocols: [tcp(5432)] }, { action: 'Deny', from: [allNamespaces] }] }), cnp('b', 'Baseline', 1, allNamespaces, { ingress: [{ action: 'Deny', from: [ns('a')] }] })];
    const v1 = [...cluster(), anp('p', 10, ns('a'), { ingress: [{ action: 'Allow', from: [ns('ops')], ports: [{ portNumber: { protocol: 'TCP', port: 5432 } }] }, { action: 'Deny', from: [allNamespaces] }] }), banp(allNamespaces, { ingress: [{ action: 'Deny', from: [ns('a')] }] })];
    expect(NetworkModel.fromObjects(v1).matrix()).toEqual(NetworkModel.fromObjects(v2).matrix());
  });
});

/**
 * A deliberately naive evaluator of the tiers, written from the reference on raw objects with
 * no shared code: each side walks Admin rules by (priority, name, order), then NetworkPolicy,
 * then Baseline, then the default.
 */
function naiveTiers(objects: Obj[], from: { ns: string; labels: Record<string, string>; ports: Obj[] }, to: { ns: string; labels: Record<string, string>; ports: Obj[] }, port: number, protocol: string): boolean {
  const nsLabels = (n: string) => ({ ...(objects.find((o) => o.kind === 'Namespace' && o.metadata.name === n)?.metadata.labels ?? {}), 'kubernetes.io/metadata.name': n });
  const sel = (s: Obj | undefined, labels: Record<string, string>) => Object.entries(s?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const inSet = (spec: Obj, pod: { ns: string; labels: Record<string, string> }) => (spec.namespaces ? sel(spec.namespaces, nsLabels(pod.ns)) : sel(spec.pods.namespaceSelector, nsLabels(pod.ns)) && sel(spec.pods.podSelector, pod.labels));
  const portOk = (rule: Obj, dest: { ports: Obj[] }) => !rule.protocols || rule.protocols.some((p: Obj) => {
    if (p.destinationNamedPort) return dest.ports.some((d) => d.name === p.destinationNamedPort && d.containerPort === port && (d.protocol ?? 'TCP') === protocol);
    const key = Object.keys(p)[0];
    if (key.toUpperCase() !== protocol) return false;
    const d = p[key].destinationPort;
    return d.range ? port >= d.range.start && port <= d.range.end : port === d.number;
  });
  const policies = objects.filter((o) => o.kind === 'ClusterNetworkPolicy').sort((a, b) => a.spec.priority - b.spec.priority || (a.metadata.name < b.metadata.name ? -1 : 1));
  const side = (self: typeof from, other: typeof to, direction: 'ingress' | 'egress'): boolean => {
    const dest = direction === 'ingress' ? self : other;
    const walk = (tier: string): string | undefined => {
      for (const p of policies.filter((x) => x.spec.tier === tier && inSet(x.spec.subject, self))) {
        for (const rule of p.spec[direction] ?? []) {
          if ((rule.from ?? rule.to).some((peer: Obj) => inSet(peer, other)) && portOk(rule, dest)) return rule.action;
        }
      }
      return undefined;
    };
    const admin = walk('Admin');
    if (admin === 'Accept') return true;
    if (admin === 'Deny') return false;
    const nps = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === self.ns && sel(o.spec.podSelector, self.labels) && (o.spec.policyTypes ?? ['Ingress']).includes(direction === 'ingress' ? 'Ingress' : 'Egress'));
    if (nps.length > 0) return nps.some((o) => (o.spec[direction] ?? []).some((r: Obj) => !(r.from ?? r.to)?.length || (r.from ?? r.to).some((peer: Obj) => sel(peer.podSelector, other.labels) && (peer.namespaceSelector ? sel(peer.namespaceSelector, nsLabels(other.ns)) : other.ns === self.ns))));
    return walk('Baseline') !== 'Deny';
  };
  return side(from, to, 'egress') && side(to, from, 'ingress');
}

describe('tiers agree with a naive evaluator', () => {
  const NS = ['a', 'b'];
  const labelsArb = fc.dictionary(fc.constantFrom('app'), fc.constantFrom('x', 'y'), { maxKeys: 1 });
  const setArb = fc.oneof(
    fc.record({ namespaces: fc.record({ matchLabels: fc.dictionary(fc.constantFrom('kubernetes.io/metadata.name'), fc.constantFrom(...NS), { maxKeys: 1 }) }) }),
    fc.record({ pods: fc.record({ namespaceSelector: fc.constant({}), podSelector: fc.record({ matchLabels: labelsArb }) }) }),
  );
  const ruleArb = (field: 'from' | 'to') => fc.record({
    action: fc.constantFrom('Accept', 'Deny', 'Pass'),
    [field]: fc.array(setArb, { minLength: 1, maxLength: 2 }),
    protocols: fc.option(fc.array(fc.oneof(fc.record({ tcp: fc.record({ destinationPort: fc.record({ number: fc.constantFrom(80, 443) }) }) }), fc.record({ destinationNamedPort: fc.constant('web') })), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  }, { requiredKeys: ['action', field] });
  const cnpArb = fc.record({ tier: fc.constantFrom('Admin', 'Baseline'), priority: fc.integer({ min: 0, max: 3 }), subject: setArb, ingress: fc.array(ruleArb('from'), { maxLength: 2 }), egress: fc.array(ruleArb('to'), { maxLength: 2 }) });
  const worldArb = fc.record({
    pods: fc.array(fc.record({ ns: fc.constantFrom(...NS), labels: labelsArb }), { minLength: 1, maxLength: 4 }),
    policies: fc.array(cnpArb, { maxLength: 3 }),
    isolate: fc.array(fc.record({ ns: fc.constantFrom(...NS), selector: labelsArb, allowFrom: labelsArb }), { maxLength: 2 }),
  });

  test('on random clusters, for every pair and port', () => {
    fc.assert(fc.property(worldArb, ({ pods, policies, isolate }) => {
      const ports = [{ name: 'web', containerPort: 80 }, { containerPort: 443 }];
      const objects: Obj[] = [...NS.map((n) => namespace(n)),
        ...pods.map((p, i) => workload(p.ns, `w${i}`, p.labels, { ports })),
        ...policies.map((p, i) => cnp(`c${i}`, p.tier as 'Admin', p.priority, p.subject, { ingress: p.ingress.map((r) => (p.tier === 'Baseline' && r.action === 'Pass' ? { ...r, action: 'Deny' } : r)), egress: p.egress.map((r) => (p.tier === 'Baseline' && r.action === 'Pass' ? { ...r, action: 'Deny' } : r)) })),
        ...isolate.map((p, i) => policy(p.ns, `np${i}`, { podSelector: { matchLabels: p.selector }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: p.allowFrom } }] }] }))];
      const model = NetworkModel.fromObjects(objects);
      pods.forEach((a, i) => pods.forEach((b, j) => {
        for (const port of [80, 443, 8080]) {
          const expected = naiveTiers(objects, { ...a, ports }, { ...b, ports }, port, 'TCP');
          const actual = model.check({ from: `${a.ns}/w${i}`, to: `${b.ns}/w${j}`, port });
          if (actual.allowed !== expected) throw new Error(`w${i} -> w${j} ${port}: engine ${actual.allowed}, naive ${expected}\n${actual.why}`);
        }
      }));
    }), { seed: 15, numRuns: Number(process.env.NETKIT_FUZZ_RUNS ?? 150) });
  });
});

describe('CIDR-like peers and pods, stated (network-policy-api NetworkPeer: networks select IPs wherever they are; nodes select Node objects)', () => {
  const deny10 = cnp('private', 'Admin', 1, ns('a'), { egress: [{ action: 'Deny', to: [{ networks: ['10.0.0.0/8'] }] }] });
  const withIp = (w: Obj, ip: string): Obj[] => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${w.metadata.name}-0`, namespace: w.metadata.namespace, ownerReferences: [{ kind: w.kind, name: w.metadata.name, controller: true }] }, spec: w.spec.template.spec, status: { podIP: ip, podIPs: [{ ip }] } };
    return [w, pod];
  };

  test("a networks peer that holds a Service's cluster IP is said: kube-proxy translates it to a pod first", () => {
    const kubeDns = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system' }, spec: { clusterIP: '10.96.0.10', selector: { 'k8s-app': 'kube-dns' }, ports: [{ port: 53, protocol: 'UDP' }] } };
    const model = NetworkModel.fromObjects([...cluster(), kubeDns, cnp('dns', 'Admin', 1, allNamespaces, { egress: [{ action: 'Accept', to: [{ networks: ['10.96.0.10/32'] }] }] })]);
    expect(model.notices).toContain("ClusterNetworkPolicy dns egress[0]: networks 10.96.0.10/32 holds the address of Service kube-system/kube-dns (cluster IP 10.96.0.10), which kube-proxy translates to a pod before policy applies, so the peer does not match that Service's pods; select them with a pods or namespaces peer");
  });

  test('pod addresses not in the input: the verdict reads the networks peer as not holding the pod, and says it depends', () => {
    const model = NetworkModel.fromObjects([...cluster(), deny10]);
    const verdict = model.check(q('a/web', 'b/api', 8080));
    expect(verdict.allowed).toBe(true);
    expect(verdict.egress.dependsOn).toBe('pod addresses: ClusterNetworkPolicy private egress[0] (Deny) holds b/api only if its addresses are in networks 10.0.0.0/8, and the input holds no address of its pods (no status.podIP, no --pod-cidr); read as not held');
    expect(verdict.why).toContain('Depends on pod addresses: ClusterNetworkPolicy private egress[0] (Deny) holds b/api only if');
    expect(model.notices).toContain('ClusterNetworkPolicy private egress[0]: whether its networks 10.0.0.0/8 hold a/db, a/web, b/api, ops/tool depends on pod addresses the input does not give (the input holds no address of its pods (no status.podIP, no --pod-cidr)); answers read them as not held. Give --pod-cidr (podCidrs), or Pods with status.podIP');
  });

  test('a Pod\'s status.podIP decides, grouped under its controller', () => {
    const objects = cluster().flatMap((o) => (o.metadata?.name === 'api' ? withIp(o, '10.1.2.3') : o.metadata?.name === 'db' ? withIp(o, '192.168.0.9') : [o]));
    const model = NetworkModel.fromObjects([...objects, deny10]);
    expect(model.check(q('a/web', 'b/api', 8080))).toMatchObject({ allowed: false, egress: { decidedBy: { policy: 'ClusterNetworkPolicy private', action: 'Deny' } } });
    const db = model.check(q('a/web', 'a/db', 5432));
    expect(db.allowed).toBe(true);
    expect(db.egress.dependsOn).toBeUndefined();
  });

  test('--pod-cidr: inside the peer, outside it, or across it', () => {
    const objects = [...cluster(), deny10];
    expect(NetworkModel.fromObjects(objects, { podCidrs: ['10.244.0.0/16'] }).check(q('a/web', 'b/api', 8080)).allowed).toBe(false);
    const outside = NetworkModel.fromObjects(objects, { podCidrs: ['192.168.0.0/16'] }).check(q('a/web', 'b/api', 8080));
    expect(outside).toMatchObject({ allowed: true });
    expect(outside.egress.dependsOn).toBeUndefined();
    const across = NetworkModel.fromObjects(objects, { podCidrs: ['10.244.0.0/16', '192.168.0.0/16'] }).check(q('a/web', 'b/api', 8080));
    expect(across.allowed).toBe(true);
    expect(across.egress.dependsOn).toContain('its pods are somewhere in 10.244.0.0/16, 192.168.0.0/16 (--pod-cidr)');
    expect(() => NetworkModel.fromObjects(objects, { podCidrs: ['10.244.0.1/16'] })).toThrow('"10.244.0.1/16" is not a CIDR such as 10.244.0.0/16: it has host bits set');
  });

  test('nodes peers match the input\'s Node addresses and host-network pods; without Nodes the notice says what is missing', () => {
    const node = (name: string, labels: Record<string, string>, ip: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, status: { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] } });
    const agent = workload('a', 'agent', { app: 'agent' }, { hostNetwork: true, ports: [{ containerPort: 9100 }] });
    const denyNodes = cnp('nodes', 'Admin', 1, ns('ops'), { egress: [{ action: 'Deny', to: [{ nodes: { matchLabels: { role: 'worker' } } }] }] });
    const all = NetworkModel.fromObjects([...cluster(), agent, node('n1', { role: 'worker' }, '10.0.0.11'), node('n2', { role: 'worker' }, '10.0.0.12'), denyNodes]);
    expect(all.check(q('ops/tool', '10.0.0.11', 10250)).allowed).toBe(false);
    expect(all.check(q('ops/tool', '10.0.0.99', 10250)).allowed).toBe(true);
    expect(all.check(q('ops/tool', 'a/agent', 9100)).allowed).toBe(false);
    expect(all.check(q('ops/tool', 'a/web', 8080)).allowed).toBe(true);
    const some = NetworkModel.fromObjects([...cluster(), agent, node('n1', { role: 'worker' }, '10.0.0.11'), node('n0', { role: 'control-plane' }, '10.0.0.10'), denyNodes]);
    const agentVerdict = some.check(q('ops/tool', 'a/agent', 9100));
    expect(agentVerdict.allowed).toBe(true);
    expect(agentVerdict.egress.dependsOn).toContain('a/agent only if its addresses are in nodes peer, and it runs on the host network of the input\'s nodes (n1: 10.0.0.11; n0: 10.0.0.10)');
  });

  test('an ipBlock holding a pod\'s address: NetworkPolicy leaves it to the plugin, and the verdict says so', () => {
    const objects = cluster().flatMap((o) => (o.metadata?.name === 'api' ? withIp(o, '10.1.2.3') : [o]));
    const egress = policy('a', 'to-ten', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 8080 }] }] });
    const verdict = NetworkModel.fromObjects([...objects, egress]).check(q('a/web', 'b/api', 8080));
    expect(verdict.allowed).toBe(false);
    expect(verdict.why).toContain('Depends on the network plugin: a/to-ten egress[0] ipBlock 10.0.0.0/8 holds b/api\'s addresses (its pods are at 10.1.2.3 (status.podIP or Calico\'s podIP annotations)); whether an ipBlock matches pod traffic is left to the network plugin, and netkit reads it as not matching.');
  });
});

test('link-local, loopback and the cloud metadata addresses never hold a pod: no notice, no depends (a host-network -localip still counts)', () => {
  const metadata = cnp('metadata', 'Admin', 1, allNamespaces, { egress: [{ action: 'Deny', to: [{ networks: ['169.254.169.254/32', 'fd00:ec2::254/128'] }] }] });
  const model = NetworkModel.fromObjects([...cluster(), metadata]);
  expect(model.notices).toEqual([]);
  expect(model.check(q('a/web', 'b/api', 8080)).egress.dependsOn).toBeUndefined();
  const cache = workload('kube-system', 'node-local-dns', { 'k8s-app': 'node-local-dns' }, { hostNetwork: true, ports: [{ containerPort: 53, protocol: 'UDP' }] });
  cache.spec.template.spec.containers[0].args = ['-localip', '169.254.20.10'];
  const denyCache = cnp('cache', 'Admin', 1, ns('a'), { egress: [{ action: 'Deny', to: [{ networks: ['169.254.20.10/32'] }] }] });
  expect(NetworkModel.fromObjects([...cluster(), cache, denyCache]).check(q('a/web', 'kube-system/node-local-dns', 53, 'UDP')).allowed).toBe(false);
});

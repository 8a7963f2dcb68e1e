/**
 * A review compares only the cells a change can reach (NetworkModel.diffFingerprints: each
 * workload as a peer, each of its sides, and everything else). On random revisions and small
 * random edits of every kind a GitOps change makes (relabel a workload or a namespace, change
 * its ports or service account, edit, add or drop a policy, add or drop a workload, add a
 * Service or a cluster-wide policy), the scoped diff must equal the diff of every cell.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { NetworkModel } from '../../lib';
import { DiffModel, diffModels } from '../../lib/analysis/queries/diff';
import { Obj, namespace, policy, workload } from '../helpers/k8s';

const RUNS = Number(process.env.NETKIT_FUZZ_RUNS ?? 60);

const labels = fc.record({ app: fc.constantFrom('a', 'b', 'c'), tier: fc.constantFrom('x', 'y') });
const peer = fc.constantFrom<Obj>(
  { podSelector: { matchLabels: { app: 'a' } } },
  { podSelector: { matchLabels: { tier: 'y' } } },
  { namespaceSelector: { matchLabels: { team: 'blue' } } },
  { namespaceSelector: {}, podSelector: { matchLabels: { app: 'c' } } },
  { ipBlock: { cidr: '10.0.0.0/8' } },
);
const ports = fc.constantFrom<Obj[] | undefined>(undefined, [{ port: 80 }], [{ port: 'http' }], [{ port: 8000, endPort: 8100 }]);
const rule = fc.record({ peers: fc.array(peer, { minLength: 1, maxLength: 2 }), ports });
const policyArb = fc.record({ ns: fc.constantFrom('n1', 'n2'), app: fc.constantFrom('a', 'b', 'c', '*'), ingress: fc.array(rule, { maxLength: 2 }), egress: fc.option(fc.array(rule, { maxLength: 2 }), { nil: undefined }) });
const workloadArb = fc.record({ ns: fc.constantFrom('n1', 'n2'), labels, named: fc.boolean(), sa: fc.constantFrom('default', 'robot') });

type Revision = { workloads: { ns: string; labels: { app: string; tier: string }; named: boolean; sa: string }[]; policies: { ns: string; app: string; ingress: { peers: Obj[]; ports?: Obj[] }[]; egress?: { peers: Obj[]; ports?: Obj[] }[] }[]; teams: Record<string, string>; extras: string[] };

/** Objects beside workloads and NetworkPolicies; a revision holds each at most once. */
const EXTRAS = ['service', 'cilium-deny', 'cilium-deny-on-80', 'cilium-deny-c', 'cilium-allow', 'calico-deny', 'admin-deny'];

const edit = fc.oneof(
  fc.record({ kind: fc.constant('relabel'), at: fc.nat(), labels }),
  fc.record({ kind: fc.constant('ports'), at: fc.nat() }),
  fc.record({ kind: fc.constant('service-account'), at: fc.nat() }),
  fc.record({ kind: fc.constant('namespace-label'), ns: fc.constantFrom('n1', 'n2'), team: fc.constantFrom('blue', 'red') }),
  fc.record({ kind: fc.constant('add-policy'), policy: policyArb }),
  fc.record({ kind: fc.constant('drop-policy'), at: fc.nat() }),
  fc.record({ kind: fc.constant('edit-policy'), at: fc.nat(), rule }),
  fc.record({ kind: fc.constant('add-workload'), workload: workloadArb }),
  fc.record({ kind: fc.constant('drop-workload'), at: fc.nat() }),
  fc.record({ kind: fc.constant('extra'), what: fc.constantFrom(...EXTRAS) }),
  fc.record({ kind: fc.constant('drop-extra'), at: fc.nat() }),
);

function applyEdit(r: Revision, e: { kind: string; [k: string]: unknown }): Revision {
  const next: Revision = { workloads: [...r.workloads], policies: [...r.policies], teams: { ...r.teams }, extras: [...r.extras] };
  const pick = <T>(list: T[], at: unknown) => (list.length === 0 ? -1 : (at as number) % list.length);
  if (e.kind === 'relabel') { const i = pick(next.workloads, e.at); if (i >= 0) next.workloads[i] = { ...next.workloads[i], labels: e.labels as Revision['workloads'][0]['labels'] }; }
  if (e.kind === 'ports') { const i = pick(next.workloads, e.at); if (i >= 0) next.workloads[i] = { ...next.workloads[i], named: !next.workloads[i].named }; }
  if (e.kind === 'service-account') { const i = pick(next.workloads, e.at); if (i >= 0) next.workloads[i] = { ...next.workloads[i], sa: next.workloads[i].sa === 'robot' ? 'default' : 'robot' }; }
  if (e.kind === 'namespace-label') next.teams[e.ns as string] = e.team as string;
  if (e.kind === 'add-policy') next.policies.push(e.policy as Revision['policies'][0]);
  if (e.kind === 'drop-policy') { const i = pick(next.policies, e.at); if (i >= 0) next.policies.splice(i, 1); }
  if (e.kind === 'edit-policy') { const i = pick(next.policies, e.at); if (i >= 0) next.policies[i] = { ...next.policies[i], ingress: [...next.policies[i].ingress, e.rule as Revision['policies'][0]['ingress'][0]] }; }
  if (e.kind === 'add-workload') next.workloads.push(e.workload as Revision['workloads'][0]);
  if (e.kind === 'drop-workload') { const i = pick(next.workloads, e.at); if (i >= 0) next.workloads.splice(i, 1); }
  if (e.kind === 'extra' && !next.extras.includes(e.what as string)) next.extras.push(e.what as string);
  if (e.kind === 'drop-extra') { const i = pick(next.extras, e.at); if (i >= 0) next.extras.splice(i, 1); }
  return next;
}

function objectsOf(r: Revision, dialect: string): Obj[] {
  const objects: Obj[] = [namespace('n1', { team: r.teams.n1 }), namespace('n2', { team: r.teams.n2 })];
  r.workloads.forEach((w, i) => {
    const made = workload(w.ns, `w${i}`, w.labels, { ports: [{ ...(w.named ? { name: 'http' } : {}), containerPort: 80 }, { containerPort: 8080 }] });
    made.spec.template.spec.serviceAccountName = w.sa;
    objects.push(made);
  });
  r.policies.forEach((p, i) => {
    const selector = p.app === '*' ? {} : { matchLabels: { app: p.app } };
    const rules = (list: { peers: Obj[]; ports?: Obj[] }[], key: 'from' | 'to') => list.map((x) => ({ [key]: x.peers, ...(x.ports ? { ports: x.ports } : {}) }));
    objects.push(policy(p.ns, `p${i}`, { podSelector: selector, policyTypes: ['Ingress', ...(p.egress ? ['Egress'] : [])], ingress: rules(p.ingress, 'from'), ...(p.egress ? { egress: rules(p.egress, 'to') } : {}) }));
  });
  for (const extra of r.extras) {
    if (extra === 'service') objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'n1' }, spec: { selector: { app: 'a' }, ports: [{ port: 80 }] } });
    // cilium-deny-on-80 narrows the same policy's deny rule: only its rules change.
    const denyPorts = r.extras.includes('cilium-deny-on-80') ? { toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] } : {};
    if (extra === 'cilium-deny' && dialect === 'cilium') objects.push({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'deny-b' }, spec: { endpointSelector: { matchLabels: { tier: 'x' } }, ingressDeny: [{ fromEndpoints: [{ matchLabels: { app: 'b' } }], ...denyPorts }] } });
    if (extra === 'cilium-deny-c' && dialect === 'cilium') objects.push({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'deny-c' }, spec: { endpointSelector: {}, egressDeny: [{ toEndpoints: [{ matchLabels: { app: 'c' } }], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }] } });
    // An allow that does not turn default deny on (another policy may).
    if (extra === 'cilium-allow' && dialect === 'cilium') objects.push({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'allow-a', namespace: 'n1' }, spec: { endpointSelector: { matchLabels: { app: 'a' } }, enableDefaultDeny: { ingress: false }, ingress: [{ fromEndpoints: [{ matchLabels: { tier: 'y' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }] } });
    if (extra === 'calico-deny' && dialect === 'calico') objects.push({ apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: { name: 'deny-b' }, spec: { order: 5, selector: "tier == 'x'", ingress: [{ action: 'Deny', source: { selector: "app == 'b'" } }, { action: 'Pass' }] } });
    if (extra === 'admin-deny') objects.push({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name: 'deny-b' }, spec: { priority: 1, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'b' } } } }] }] } });
  }
  return objects;
}

/** The same model without its fingerprints: the review then compares every cell. */
const everyCell = (m: NetworkModel): DiffModel => ({
  workloads: m.workloads, namespaces: m.namespaces, policies: m.policies,
  matrix: (o) => m.matrix(o), check: (q) => m.check(q), sidePorts: (d, s, o) => m.sidePorts(d, s, o), sideSignature: (d, r) => m.sideSignature(d, r), surface: () => m.surface(),
  sideClass: (d, s, o) => m.sideClass(d, s, o),
});

describe('the diff of the cells a change can reach', () => {
  test('equals the diff of every cell, on random revisions and edits (NetworkPolicy, Cilium, Calico)', () => {
    const base = fc.record({
      workloads: fc.array(workloadArb, { minLength: 2, maxLength: 7 }),
      policies: fc.array(policyArb, { maxLength: 4 }),
      teams: fc.record({ n1: fc.constantFrom('blue', 'red'), n2: fc.constantFrom('blue', 'red') }),
      extras: fc.subarray(EXTRAS),
    });
    fc.assert(fc.property(base, fc.array(edit, { minLength: 1, maxLength: 3 }), fc.constantFrom('standard', 'cilium', 'calico'), (revision, edits, dialect) => {
      const edited = edits.reduce(applyEdit, revision as Revision);
      const cni = dialect as 'standard' | 'cilium' | 'calico';
      const a = NetworkModel.fromObjects(objectsOf(revision as Revision, dialect), { cni });
      const b = NetworkModel.fromObjects(objectsOf(edited, dialect), { cni });
      const scoped = NetworkModel.diff(a, b);
      const full = diffModels(everyCell(a), everyCell(b));
      expect(scoped.changes).toEqual(full.changes);
      expect(scoped.workloads).toEqual(full.workloads);
    }), { seed: 2812, numRuns: RUNS * 3 });
  });

  test('a Cilium deny rule that narrows to one port reaches the cells of the workloads it applies to', () => {
    const revision = (denyOn80: boolean) => NetworkModel.fromObjects([
      namespace('n1', { team: 'blue' }),
      workload('n1', 'db', { app: 'db', tier: 'x' }, { ports: [{ containerPort: 80 }, { containerPort: 8080 }] }),
      workload('n1', 'api', { app: 'b', tier: 'y' }),
      { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'db-in', namespace: 'n1' }, spec: { endpointSelector: { matchLabels: { app: 'db' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'b' } }] }] } },
      { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'deny-b' }, spec: { endpointSelector: { matchLabels: { tier: 'x' } }, ingressDeny: [{ fromEndpoints: [{ matchLabels: { app: 'b' } }], ...(denyOn80 ? { toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] } : {}) }] } },
    ], { cni: 'cilium' });
    const [a, b] = [revision(false), revision(true)];
    expect(a.diffFingerprints().global).toBe(b.diffFingerprints().global);
    const changes = NetworkModel.diff(a, b).changes;
    expect(changes.map((c) => [c.from, c.to, c.change])).toEqual([['n1/api', 'n1/db', 'added']]);
    expect(changes).toEqual(diffModels(everyCell(a), everyCell(b)).changes);
  });

  test('part of the matrix: only the cells touching the names given, and a name the revision lacks is an error', () => {
    const m = NetworkModel.fromObjects([namespace('n1', { team: 'blue' }), workload('n1', 'web', { app: 'a' }), workload('n1', 'api', { app: 'b' }), workload('n1', 'db', { app: 'c' })]);
    const part = m.matrix({ externalEndpoints: ['203.0.113.7'], touching: { sources: ['n1/web'], destinations: ['203.0.113.7'] } });
    const whole = m.matrix({ externalEndpoints: ['203.0.113.7'] });
    expect(part.cells).toEqual(whole.cells.filter((c) => c.from === 'n1/web' || c.to === '203.0.113.7'));
    expect(() => m.matrix({ touching: { sources: ['n1/wbe'], destinations: [] } })).toThrow('matrix touching.sources: "n1/wbe" is neither a workload of the input (<namespace>/<name>) nor one of the matrix\'s outside endpoints (203.0.113.7).');
  });

  test('a change that touches nothing the cells read compares no cell', () => {
    const objects: Obj[] = [namespace('n1', { team: 'blue' }), workload('n1', 'web', { app: 'a' }), policy('n1', 'deny', { podSelector: {}, policyTypes: ['Ingress'] })];
    const a = NetworkModel.fromObjects(objects);
    const b = NetworkModel.fromObjects([...objects, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n1' }, data: { x: '1' } }]);
    // A ConfigMap is part of the global fingerprint (conservative): every cell is compared, none differs.
    expect(a.diffFingerprints().global).not.toBe(b.diffFingerprints().global);
    expect(NetworkModel.diff(a, b).changes).toEqual([]);
    const relabelled = NetworkModel.fromObjects([namespace('n1', { team: 'blue' }), workload('n1', 'web', { app: 'b' }), policy('n1', 'deny', { podSelector: {}, policyTypes: ['Ingress'] })]);
    expect(a.diffFingerprints().global).toBe(relabelled.diffFingerprints().global);
    expect([...a.diffFingerprints().peers.keys()]).toEqual(['n1/web']);
    expect(a.diffFingerprints().peers.get('n1/web')).not.toBe(relabelled.diffFingerprints().peers.get('n1/web'));
  });
});

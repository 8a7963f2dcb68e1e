import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { NetworkModel, PortSet } from '../../lib';
import { namespace, policy, workload, Obj } from '../helpers/k8s';
import { DiffModel, diffModels } from '../../lib/analysis/queries/diff';

const RUNS = Number(process.env.NETKIT_FUZZ_RUNS ?? 60);

const service = (ns: string, name: string, spec: Obj, annotations?: Record<string, string>): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) }, spec });

/** A small revision: web -> api on 8080, a default deny, DNS left out for brevity. */
function base(): Obj[] {
  return [
    namespace('shop', { team: 'shop' }),
    workload('shop', 'web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] }),
    workload('shop', 'api', { app: 'api' }, { ports: [{ name: 'http', containerPort: 8080 }, { name: 'admin', containerPort: 9000 }] }),
    policy('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('shop', 'web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8080 }] }] }),
    policy('shop', 'api', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }] }),
  ];
}

const diff = (before: Obj[], after: Obj[]) => NetworkModel.diff(NetworkModel.fromObjects(before), NetworkModel.fromObjects(after));
const replace = (objects: Obj[], name: string, kind: string, next: Obj) => objects.map((o) => (o.metadata.name === name && o.kind === kind ? next : o));

describe('NetworkModel.diff on hand-made revision pairs', () => {
  test('the same revision twice: nothing changed', () => {
    expect(diff(base(), base())).toEqual({ changes: [], latent: [], surface: { added: [], removed: [] }, workloads: { added: [], removed: [] }, namespaces: { added: [], removed: [] }, widened: false });
  });

  test('a policy widened to another port: changed, with the rule that now allows it', () => {
    const widened = replace(base(), 'api', 'NetworkPolicy', policy('shop', 'api', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }, { port: 9000 }] }] }));
    const withEgress = replace(widened, 'web', 'NetworkPolicy', policy('shop', 'web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8080 }, { port: 9000 }] }] }));
    const result = diff(base(), withEgress);
    expect(result.changes).toEqual([{
      change: 'changed', from: 'shop/web', to: 'shop/api', before: 'TCP 8080', after: 'TCP 8080, TCP 9000', widened: 'TCP 9000', narrowed: '',
      reasons: ['TCP 9000 now allowed by shop/web egress[0] and shop/api ingress[0]'],
    }]);
    expect(result.widened).toBe(true);
  });

  test('a rule removed: removed, with what became of the rule', () => {
    const narrowed = replace(base(), 'api', 'NetworkPolicy', policy('shop', 'api', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] }));
    const result = diff(base(), narrowed);
    expect(result.changes).toEqual([{
      change: 'removed', from: 'shop/web', to: 'shop/api', before: 'TCP 8080', after: '', widened: '', narrowed: 'TCP 8080',
      reasons: ['TCP 8080 no longer allowed: shop/web egress[0] changed, shop/api ingress[0] changed'],
    }]);
    expect(result.widened).toBe(false);
  });

  test('a namespace label changed so that a selector matches more', () => {
    const objects = [...base(), namespace('ops', { role: 'tools' }), workload('ops', 'debug', { app: 'debug' }),
      policy('shop', 'from-ops', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { trusted: 'yes' } } }], ports: [{ port: 9000 }] }] })];
    const relabelled = replace(objects, 'ops', 'Namespace', namespace('ops', { role: 'tools', trusted: 'yes' }));
    const result = diff(objects, relabelled);
    expect(result.changes.map((c) => `${c.change} ${c.from} -> ${c.to} +${c.widened}`)).toEqual(['added ops/debug -> shop/api +TCP 9000']);
    expect(result.changes[0].reasons).toEqual(['TCP 9000 now allowed by ops/debug not being isolated for egress and shop/from-ops ingress[0]']);
  });

  test('latent widening: a rule that admits more while the other side still blocks, by a rule change or a peer relabelled', () => {
    const egressIsolated = [...base(), policy('shop', 'web-egress', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8080 }] }] })];
    const wider = replace(egressIsolated, 'api', 'NetworkPolicy', policy('shop', 'api', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }, { port: 9000 }] }] }));
    const result = diff(egressIsolated, wider);
    expect(result.changes).toEqual([]);
    expect(result.latent).toEqual([{ direction: 'ingress', workload: 'shop/api', peers: ['shop/web'], ports: 'TCP 9000', reasons: ['TCP 9000 by shop/api ingress[0]'], blockedBy: 'the egress of shop/web' }]);
    // The same rule, but the peer now carries the label it selects: latent through the peer.
    const relabel = (objects: Record<string, unknown>[]) => objects.map((o) => (o.kind === 'Deployment' && (o.metadata as { name: string }).name === 'api' ? JSON.parse(JSON.stringify(o).replace(/"app":"api"/g, '"app":"api","tier":"x"')) : o));
    const selectsTier = [...egressIsolated, policy('shop', 'web-ingress', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { tier: 'x' } } }] }] })];
    const relabelled = diff(selectsTier, relabel(selectsTier));
    expect(relabelled.latent.map((l) => `${l.workload} ${l.direction} ${l.peers.join(',')} ${l.ports}`)).toEqual(['shop/web ingress shop/api all']);
  });

  test('a workload added and one removed are listed, with their connections', () => {
    const result = diff(base(), [...base().filter((o) => o.metadata.name !== 'web' || o.kind !== 'Deployment'), workload('shop', 'worker', { app: 'worker' })]);
    expect(result.workloads).toEqual({ added: ['shop/worker'], removed: ['shop/web'] });
    expect(result.changes.find((c) => c.from === 'shop/web')?.reasons).toEqual(['shop/web was removed']);
  });

  test('a Service turned LoadBalancer shows in exposure, and a policy admitting the internet in diff', () => {
    const before = [...base(), service('shop', 'api', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 'http' }] })];
    const lb = [...base().filter((o) => o.metadata.name !== 'api' || o.kind !== 'NetworkPolicy'),
      service('shop', 'api', { type: 'LoadBalancer', selector: { app: 'api' }, ports: [{ port: 80, targetPort: 'http' }] }),
      policy('shop', 'api', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 8080 }] }] })];
    const result = diff(before, lb);
    expect(result.changes.map((c) => `${c.change} ${c.from} -> ${c.to}`)).toEqual(['added 203.0.113.7 -> shop/api', 'removed shop/web -> shop/api']);
    const exposure = NetworkModel.fromObjects(lb).exposure().find((e) => e.workload === 'shop/api')!;
    expect(exposure).toMatchObject({ public: true, publicByDesign: false });
    expect(exposure.internet).toEqual([{ via: 'Service shop/api (LoadBalancer)', detail: 'TCP 80, from any address', status: 'open', declared: false }]);
    expect(NetworkModel.fromObjects(before).exposure().find((e) => e.workload === 'shop/api')!.public).toBe(false);
  });

  test('an Ingress path added: a public path, declared by the route', () => {
    const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'edge', namespace: 'shop' }, spec: { ingressClassName: 'nginx', rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/admin', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 9000 } } } }] } }] } };
    const controller = [namespace('ingress-nginx'), workload('ingress-nginx', 'controller', { 'app.kubernetes.io/name': 'ingress-nginx' }, { ports: [{ containerPort: 443 }] })];
    const admin = policy('shop', 'admin', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 9000 }] }] });
    const before = [...base(), ...controller, service('shop', 'api', { selector: { app: 'api' }, ports: [{ name: 'admin', port: 9000, targetPort: 'admin' }] })];
    const after = [...before, ingress, admin];
    const result = diff(before, after);
    expect(result.changes.map((c) => `${c.change} ${c.from} -> ${c.to} +${c.widened}`)).toEqual(['added ingress-nginx/controller -> shop/api +TCP 9000']);
    const exposure = NetworkModel.fromObjects(after).exposure().find((e) => e.workload === 'shop/api')!;
    expect(exposure.internet).toEqual([{ via: 'Ingress shop/edge', detail: 'shop.example.com/admin (Service shop/api:9000)', status: 'open', declared: true }]);
    expect(exposure).toMatchObject({ public: true, publicByDesign: true });
  });
});

describe('exposure beyond the input', () => {
  test('selectors future namespaces may match, rules without peers, and egress to the internet', () => {
    const objects = [...base(),
      policy('shop', 'metrics', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { purpose: 'monitoring' } } }], ports: [{ port: 9000 }] }] }),
      policy('shop', 'out', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] }] })];
    const api = NetworkModel.fromObjects(objects).exposure().find((e) => e.workload === 'shop/api')!;
    expect(api.clusterWide).toEqual(['shop/metrics ingress[0] admits pods in namespaces labelled {purpose=monitoring}, including ones created later']);
    expect(api.internetEgress).toBe('TCP 443');
    expect(NetworkModel.fromObjects(objects).exposure().find((e) => e.workload === 'shop/web')!.internetEgress).toBe('');
  });
});

describe('diff properties', () => {
  const labels = fc.dictionary(fc.constantFrom('app', 'tier'), fc.constantFrom('a', 'b'), { maxKeys: 1 });
  const rule = fc.record({ from: fc.array(fc.record({ podSelector: fc.record({ matchLabels: labels }) }), { maxLength: 1 }), ports: fc.array(fc.record({ port: fc.constantFrom(80, 443, 8080) }), { maxLength: 2 }) }, { requiredKeys: [] });
  const revision = fc.record({
    workloads: fc.uniqueArray(fc.record({ name: fc.constantFrom('w1', 'w2', 'w3', 'w4'), labels, ns: fc.constantFrom('a', 'b') }), { maxLength: 4, selector: (w) => `${w.ns}/${w.name}` }),
    policies: fc.array(fc.record({ ns: fc.constantFrom('a', 'b'), selector: labels, ingress: fc.array(rule, { maxLength: 2 }) }), { maxLength: 3 }),
  });
  const objectsOf = (r: { workloads: { name: string; labels: Record<string, string>; ns: string }[]; policies: { ns: string; selector: Record<string, string>; ingress: Obj[] }[] }) => [
    ...r.workloads.map((w) => workload(w.ns, w.name, w.labels, { ports: [{ containerPort: 80 }, { containerPort: 443 }] })),
    ...r.policies.map((p, i) => policy(p.ns, `p${i}`, { podSelector: { matchLabels: p.selector }, ingress: p.ingress })),
  ];

  test('explanations asked once per side class are those asked pair by pair (NetworkPolicy and Calico)', () => {
    // Many near-identical workloads, so that peers share side classes and reasons differ between them.
    const names = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6'];
    const wide = fc.record({
      workloads: fc.uniqueArray(fc.record({ name: fc.constantFrom(...names), labels, ns: fc.constantFrom('a', 'b') }), { minLength: 3, maxLength: 8, selector: (w) => `${w.ns}/${w.name}` }),
      policies: fc.array(fc.record({ ns: fc.constantFrom('a', 'b'), selector: labels, ingress: fc.array(rule, { maxLength: 3 }), egress: fc.array(rule.map((r) => ({ to: r.from, ports: r.ports })), { maxLength: 2 }) }), { maxLength: 4 }),
    });
    const objects = (r: typeof wide extends fc.Arbitrary<infer T> ? T : never) => [
      ...r.workloads.map((w) => workload(w.ns, w.name, w.labels, { ports: [{ name: 'http', containerPort: 80 }, { containerPort: 443 }] })),
      ...r.policies.map((p, i) => policy(p.ns, `p${i}`, { podSelector: { matchLabels: p.selector }, policyTypes: ['Ingress', ...(p.egress.length > 0 ? ['Egress'] : [])], ingress: p.ingress, ...(p.egress.length > 0 ? { egress: p.egress } : {}) })),
    ];
    // The same model without sideClass: the review then asks every pair.
    const pairByPair = (m: NetworkModel): DiffModel => ({
      workloads: m.workloads, namespaces: m.namespaces, policies: m.policies,
      matrix: (o) => m.matrix(o), check: (q) => m.check(q), sidePorts: (d, s, o) => m.sidePorts(d, s, o), sideSignature: (d, r) => m.sideSignature(d, r), surface: () => m.surface(),
    });
    fc.assert(fc.property(wide, wide, fc.constantFrom('standard', 'calico'), (ra, rb, cni) => {
      const a = NetworkModel.fromObjects(objects(ra), { cni: cni as 'standard' });
      const b = NetworkModel.fromObjects(objects(rb), { cni: cni as 'standard' });
      expect(NetworkModel.diff(a, b)).toEqual(diffModels(pairByPair(a), pairByPair(b)));
    }), { seed: 7, numRuns: RUNS });
  });

  test('diff(A, A) is empty, and diff(A, B) is the matrix difference computed independently', () => {
    fc.assert(fc.property(revision, revision, (ra, rb) => {
      const a = NetworkModel.fromObjects(objectsOf(ra));
      const b = NetworkModel.fromObjects(objectsOf(rb));
      expect(NetworkModel.diff(a, a).changes).toEqual([]);
      // Independently: both matrices on the same outside endpoints, compared cell by cell.
      const outside = ['203.0.113.7'];
      const cells = (m: NetworkModel) => new Map(m.matrix({ externalEndpoints: outside }).cells.map((c) => [`${c.from}>${c.to}`, c.ports]));
      const ca = cells(a);
      const cb = cells(b);
      const expected = [...new Set([...ca.keys(), ...cb.keys()])].filter((k) => (ca.get(k) ?? '') !== (cb.get(k) ?? '')).sort();
      const actual = NetworkModel.diff(a, b).changes.map((c) => `${c.from}>${c.to}`).sort();
      expect(actual).toEqual(expected);
      for (const change of NetworkModel.diff(a, b).changes) {
        const before = PortSet.parse(change.before);
        const after = PortSet.parse(change.after);
        expect(after.minus(before).toString()).toBe(change.widened || 'none');
        expect(before.minus(after).toString()).toBe(change.narrowed || 'none');
      }
    }), { seed: 42, numRuns: RUNS });
  });
});

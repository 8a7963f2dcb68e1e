import fc from 'fast-check';
import { describe, test } from 'vitest';
import { NetworkModel } from '../../lib';
import { expectChecksAgreeWith, expectMatrixAgreesWithChecks } from '../helpers/matrix';
import { NaiveEndpoint, NaiveEntity, NaivePod, NaivePolicy, NaiveRule, NaiveSelector, NaiveTier, naiveCalicoAllowed, renderSelector } from './naive-calico';
import { namespace, workload } from '../helpers/k8s';

const RUNS = Number(process.env.NETKIT_FUZZ_RUNS ?? 120);
const NAMESPACES = ['a', 'b'];
const KEYS = ['app', 'tier'];
const VALUES = ['x', 'y'];
const PORTS = [53, 80, 8080];
const PROTOCOLS = ['TCP', 'UDP'] as const;
const ADDRESSES = ['10.1.2.3', '203.0.113.7'];
const TIERS = ['security', 'platform', 'default'];

const leaf: fc.Arbitrary<NaiveSelector> = fc.oneof(
  fc.constant<NaiveSelector>({ all: true }),
  fc.record({ key: fc.constantFrom(...KEYS, 'projectcalico.org/namespace'), op: fc.constantFrom('==' as const, '!=' as const), value: fc.constantFrom(...VALUES, ...NAMESPACES) }),
  fc.record({ key: fc.constantFrom(...KEYS), op: fc.constantFrom('has' as const, '!has' as const) }),
  fc.record({ key: fc.constantFrom(...KEYS), op: fc.constant('in' as const), values: fc.subarray(VALUES, { minLength: 1 }) }),
);
const selector: fc.Arbitrary<NaiveSelector> = fc.oneof(
  { weight: 3, arbitrary: leaf },
  { weight: 1, arbitrary: fc.tuple(leaf, leaf).map(([a, b]): NaiveSelector => ({ and: [a, b] })) },
  { weight: 1, arbitrary: fc.tuple(leaf, leaf).map(([a, b]): NaiveSelector => ({ or: [a, b] })) },
);
// Mostly one field or none, so that rules often match and their order decides.
const namespaceSelector = fc.oneof(fc.constant<NaiveSelector>({ all: true }), fc.record({ key: fc.constant('team'), op: fc.constant('==' as const), value: fc.constantFrom(...VALUES) }));
const entity = (withPorts: boolean): fc.Arbitrary<NaiveEntity> => fc.tuple(
  fc.oneof(
    { weight: 3, arbitrary: fc.constant<NaiveEntity>({}) },
    { weight: 2, arbitrary: selector.map((s): NaiveEntity => ({ selector: s })) },
    { weight: 1, arbitrary: selector.map((s): NaiveEntity => ({ notSelector: s })) },
    { weight: 1, arbitrary: fc.tuple(namespaceSelector, fc.option(selector, { nil: undefined })).map(([n, s]): NaiveEntity => ({ namespaceSelector: n, ...(s ? { selector: s } : {}) })) },
    { weight: 1, arbitrary: fc.constantFrom('10.0.0.0/8', '203.0.113.0/24').map((net): NaiveEntity => ({ nets: [net] })) },
  ),
  withPorts ? fc.option(fc.subarray(PORTS, { minLength: 1 }), { nil: undefined }) : fc.constant(undefined),
).map(([e, ports]) => (ports ? { ...e, ports } : e));
const rule: fc.Arbitrary<NaiveRule> = fc.record({
  action: fc.constantFrom('Allow' as const, 'Deny' as const, 'Pass' as const, 'Log' as const),
  protocol: fc.option(fc.constantFrom(...PROTOCOLS), { nil: undefined }),
  source: entity(false),
  destination: entity(true),
}).map((r) => (r.protocol === undefined ? { ...r, destination: { ...r.destination, ports: undefined } } : r));
const cluster = fc.record({
  teams: fc.array(fc.constantFrom(...VALUES), { minLength: 2, maxLength: 2 }),
  pods: fc.array(fc.record({ ns: fc.constantFrom(...NAMESPACES), labels: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 }) }), { minLength: 1, maxLength: 4 }),
  tiers: fc.record({ security: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), platform: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), passSecurity: fc.boolean(), passPlatform: fc.boolean() }),
  policies: fc.array(fc.record({
    global: fc.boolean(), ns: fc.constantFrom(...NAMESPACES), tier: fc.constantFrom(...TIERS), order: fc.option(fc.constantFrom(1, 2), { nil: undefined }),
    selector, types: fc.subarray(['Ingress', 'Egress'] as ('Ingress' | 'Egress')[], { minLength: 1 }),
    ingress: fc.array(rule, { maxLength: 3 }), egress: fc.array(rule, { maxLength: 3 }),
  }), { minLength: 1, maxLength: 4 }),
});

const entityYaml = (e: NaiveEntity) => ({
  ...(e.selector ? { selector: renderSelector(e.selector) } : {}), ...(e.notSelector ? { notSelector: renderSelector(e.notSelector) } : {}),
  ...(e.namespaceSelector ? { namespaceSelector: renderSelector(e.namespaceSelector) } : {}), ...(e.nets ? { nets: e.nets } : {}), ...(e.ports ? { ports: e.ports } : {}),
});
const ruleYaml = (r: NaiveRule) => ({ action: r.action, ...(r.protocol ? { protocol: r.protocol } : {}), source: entityYaml(r.source), destination: entityYaml(r.destination) });

describe('the model agrees with a naive Calico evaluator', () => {
  test('on random clusters of tiers (orders, Pass and Deny defaults), GlobalNetworkPolicies and NetworkPolicies, for every pair, port and protocol', () => {
    fc.assert(fc.property(cluster, ({ teams, pods: raw, tiers: t, policies: rawPolicies }) => {
      const pods: NaivePod[] = raw.map((p, i) => ({ ns: p.ns, name: `w${i}`, labels: p.labels }));
      const namespaces = Object.fromEntries(NAMESPACES.map((ns, i) => [ns, { team: teams[i] }]));
      const tiers: NaiveTier[] = [
        { name: 'security', ...(t.security !== undefined ? { order: t.security * 100 } : {}), defaultAction: t.passSecurity ? 'Pass' : 'Deny' },
        { name: 'platform', ...(t.platform !== undefined ? { order: t.platform * 100 } : {}), defaultAction: t.passPlatform ? 'Pass' : 'Deny' },
        { name: 'default', order: 1_000_000, defaultAction: 'Deny' },
      ];
      // Rules for a direction the policy's types leave out are refused by the API server: drop them.
      const policies: NaivePolicy[] = rawPolicies.map((p, i) => ({ ...p, name: `p${i}`, ingress: p.types.includes('Ingress') ? p.ingress : [], egress: p.types.includes('Egress') ? p.egress : [] }));
      const objects = [
        ...NAMESPACES.map((ns, i) => namespace(ns, { team: teams[i] })),
        ...pods.map((p) => workload(p.ns, p.name, p.labels)),
        ...tiers.filter((x) => x.name !== 'default').map((x) => ({ apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: { name: x.name }, spec: { ...(x.order !== undefined ? { order: x.order } : {}), defaultAction: x.defaultAction } })),
        ...policies.map((p) => ({
          apiVersion: 'projectcalico.org/v3', kind: p.global ? 'GlobalNetworkPolicy' : 'NetworkPolicy', metadata: { name: p.name, ...(p.global ? {} : { namespace: p.ns }) },
          spec: { tier: p.tier, ...(p.order !== undefined ? { order: p.order } : {}), selector: renderSelector(p.selector), types: p.types, ingress: p.ingress.map(ruleYaml), egress: p.egress.map(ruleYaml) },
        })),
      ];
      // Pod addresses are in 100.64.0.0/16, outside every generated net.
      const model = NetworkModel.fromObjects(objects, { cni: 'calico', podCidrs: ['100.64.0.0/16'] });
      const refused = model.notices.filter((n) => n.includes('is left out'));
      if (refused.length > 0) throw new Error(`generated policies refused: ${refused.join('\n')}`);
      const endpoints: [string, NaiveEndpoint][] = [...pods.map((p): [string, NaiveEndpoint] => [`${p.ns}/${p.name}`, { pod: p }]), ...ADDRESSES.map((ip): [string, NaiveEndpoint] => [ip, { ip }])];
      expectChecksAgreeWith(model, endpoints, (end) => 'ip' in end, PORTS, PROTOCOLS, (from, to, port, protocol) => naiveCalicoAllowed(from, to, protocol as 'TCP' | 'UDP', port, tiers, policies, namespaces), () => JSON.stringify(objects.slice(NAMESPACES.length + pods.length), null, 1));
      // The matrix (port sets through the ordered tiers) agrees with single checks.
      expectMatrixAgreesWithChecks(model, endpoints.map(([ref]) => ref), ADDRESSES, PORTS, PROTOCOLS);
    }), { seed: 20261202, numRuns: RUNS });
  });
});

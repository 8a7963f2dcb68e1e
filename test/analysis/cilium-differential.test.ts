import fc from 'fast-check';
import { describe, test } from 'vitest';
import { NetworkModel } from '../../lib';
import { expectChecksAgreeWith, expectMatrixAgreesWithChecks } from '../helpers/matrix';
import { CiliumEndpoint, CiliumPod, naiveCiliumAllowed } from './naive-cilium';
import { namespace, workload } from '../helpers/k8s';

const RUNS = Number(process.env.NETKIT_FUZZ_RUNS ?? 120);
const NAMESPACES = ['a', 'b'];
const KEYS = ['app', 'tier'];
const VALUES = ['x', 'y'];
const PORTS = [53, 80, 443, 8080];
const PROTOCOLS = ['TCP', 'UDP'];
const ADDRESSES = ['10.1.2.3', '203.0.113.7'];

const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 });
// Selectors over Cilium identities: pod labels, with k8s: prefixes or not, namespace, service account, namespace labels.
const identityLabel = fc.oneof(
  fc.tuple(fc.constantFrom(...KEYS, ...KEYS.map((k) => `k8s:${k}`)), fc.constantFrom(...VALUES)),
  fc.tuple(fc.constant('k8s:io.kubernetes.pod.namespace'), fc.constantFrom(...NAMESPACES)),
  fc.tuple(fc.constant('io.cilium.k8s.policy.serviceaccount'), fc.constantFrom('default', 'api')),
  fc.tuple(fc.constant('io.cilium.k8s.namespace.labels.team'), fc.constantFrom(...VALUES)),
);
const selector = fc.record({
  matchLabels: fc.array(identityLabel, { maxLength: 2 }).map((pairs) => Object.fromEntries(pairs)),
  matchExpressions: fc.array(fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'), values: fc.constant(['x']) }).map((e) => (e.operator === 'Exists' || e.operator === 'DoesNotExist' ? { key: e.key, operator: e.operator } : e)), { maxLength: 1 }),
}, { requiredKeys: [] });
const ports = fc.array(fc.record({
  ports: fc.array(fc.oneof(
    fc.record({ port: fc.constantFrom('53', '80', '8080', 'http'), protocol: fc.constantFrom('TCP', 'UDP', 'ANY') }),
    fc.record({ port: fc.constant('50'), endPort: fc.constantFrom(100, 9000), protocol: fc.constantFrom('TCP', 'ANY') }),
  ), { minLength: 1, maxLength: 2 }),
}), { minLength: 1, maxLength: 1 });
const peers = (prefix: 'from' | 'to') => fc.record({
  [`${prefix}Endpoints`]: fc.array(selector, { minLength: 1, maxLength: 2 }),
  [`${prefix}Entities`]: fc.subarray(['world', 'cluster', 'all'], { minLength: 1, maxLength: 1 }),
  [`${prefix}CIDR`]: fc.constantFrom(['10.0.0.0/8'], ['203.0.113.0/24']),
  [`${prefix}CIDRSet`]: fc.constant([{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }]),
  toPorts: ports,
}, { requiredKeys: [] });
const spec = fc.record({
  endpointSelector: selector,
  ingress: fc.array(peers('from'), { maxLength: 2 }),
  egress: fc.array(peers('to'), { maxLength: 2 }),
  ingressDeny: fc.array(peers('from'), { maxLength: 1 }),
  egressDeny: fc.array(peers('to'), { maxLength: 1 }),
  enableDefaultDeny: fc.record({ ingress: fc.boolean(), egress: fc.boolean() }, { requiredKeys: [] }),
}, { requiredKeys: ['endpointSelector'] });
const cluster = fc.record({
  teams: fc.array(fc.constantFrom(...VALUES), { minLength: 2, maxLength: 2 }),
  pods: fc.array(fc.record({ ns: fc.constantFrom(...NAMESPACES), labels, sa: fc.constantFrom('default', 'api'), named: fc.boolean() }), { minLength: 1, maxLength: 4 }),
  policies: fc.array(fc.record({ clusterwide: fc.boolean(), ns: fc.constantFrom(...NAMESPACES), spec }), { minLength: 1, maxLength: 3 }),
});

describe('the model agrees with a naive Cilium evaluator', () => {
  test('on random clusters of CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy, for every pair, port and protocol', () => {
    fc.assert(fc.property(cluster, ({ teams, pods: raw, policies }) => {
      const pods: CiliumPod[] = raw.map((p, i) => ({ ns: p.ns, name: `w${i}`, labels: p.labels, sa: p.sa, ports: p.named ? [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] : [] }));
      const objects = [
        ...NAMESPACES.map((ns, i) => namespace(ns, { team: teams[i] })),
        ...pods.map((p) => { const w = workload(p.ns, p.name, p.labels, { ports: p.ports }); w.spec.template.spec.serviceAccountName = p.sa; return w; }),
        ...policies.map((p, i) => (p.clusterwide
          ? { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: `c${i}` }, spec: p.spec }
          : { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: `p${i}`, namespace: p.ns }, spec: p.spec })),
      ];
      const model = NetworkModel.fromObjects(objects, { cni: 'cilium' });
      const endpoints: [string, CiliumEndpoint][] = [...pods.map((p): [string, CiliumEndpoint] => [`${p.ns}/${p.name}`, { pod: p }]), ...ADDRESSES.map((ip): [string, CiliumEndpoint] => [ip, { ip }])];
      expectChecksAgreeWith(model, endpoints, (end) => 'ip' in end, PORTS, PROTOCOLS, (from, to, port, protocol) => naiveCiliumAllowed(objects, from, to, port, protocol), () => JSON.stringify(objects.filter((o) => o.kind.startsWith('Cilium')), null, 1));
      // The matrix (pairwise under deny rules) agrees with single checks.
      expectMatrixAgreesWithChecks(model, endpoints.map(([ref]) => ref), ADDRESSES, PORTS, PROTOCOLS);
    }), { seed: 20261202, numRuns: RUNS });
  });
});

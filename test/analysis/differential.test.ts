import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { NetworkModel } from '../../lib';
import { naiveAllowed, NaiveEndpoint, NaiveWorkload } from './naive-oracle';
import { namespace, policy, workload } from '../helpers/k8s';

const RUNS = Number(process.env.NETKIT_FUZZ_RUNS ?? 150);
const NAMESPACES = ['a', 'b', 'c'];
const KEYS = ['app', 'tier', 'team'];
const VALUES = ['x', 'y', 'z'];
const PORTS = [53, 80, 443, 5432, 8080];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const PORT_NAMES = ['http', 'pg', 'dns'];
const ADDRESSES = ['10.1.2.3', '203.0.113.7', '192.168.1.1', '2001:db8::5'];
const CIDRS: [string, string[]][] = [['10.0.0.0/8', ['10.1.0.0/16']], ['0.0.0.0/0', ['10.0.0.0/8']], ['203.0.113.0/24', []], ['2001:db8::/32', []]];

const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 });
const expression = fc.oneof(
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('In', 'NotIn'), values: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 2 }) }),
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
);
const selector = fc.record({ matchLabels: labels, matchExpressions: fc.array(expression, { maxLength: 1 }) }, { requiredKeys: [] });
const peer = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({ namespaceSelector: selector }),
  fc.record({ podSelector: selector, namespaceSelector: selector }),
  fc.constantFrom(...CIDRS).map(([cidr, except]) => ({ ipBlock: except.length ? { cidr, except } : { cidr } })),
);
const policyPort = fc.oneof(
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS), port: fc.constantFrom(...PORTS) }, { requiredKeys: ['port'] }),
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS), port: fc.constantFrom(...PORT_NAMES) }, { requiredKeys: ['port'] }),
  fc.record({ port: fc.constantFrom(50, 400, 5000), endPort: fc.constantFrom(100, 6000, 9000) }).filter((p) => p.endPort >= p.port),
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS) }),
);
const rule = (field: 'from' | 'to') => fc.record({ [field]: fc.array(peer, { maxLength: 2 }), ports: fc.array(policyPort, { maxLength: 2 }) }, { requiredKeys: [] });
const policySpec = fc.record({
  podSelector: selector,
  policyTypes: fc.option(fc.subarray(['Ingress', 'Egress'], { minLength: 1 }), { nil: undefined }),
  ingress: fc.option(fc.array(rule('from'), { maxLength: 2 }), { nil: undefined }),
  egress: fc.option(fc.array(rule('to'), { maxLength: 2 }), { nil: undefined }),
}, { requiredKeys: ['podSelector'] });
const containerPort = fc.record({ name: fc.option(fc.constantFrom(...PORT_NAMES), { nil: undefined }), containerPort: fc.constantFrom(...PORTS), protocol: fc.constantFrom(...PROTOCOLS) });
const cluster = fc.record({
  namespaceLabels: fc.array(labels, { minLength: 3, maxLength: 3 }),
  workloads: fc.array(fc.record({ ns: fc.constantFrom(...NAMESPACES), labels, ports: fc.uniqueArray(containerPort, { maxLength: 3, selector: (p) => p.name ?? `${p.containerPort}/${p.protocol}` }) }), { minLength: 1, maxLength: 5 }),
  policies: fc.array(fc.record({ ns: fc.constantFrom(...NAMESPACES), spec: policySpec }), { maxLength: 5 }),
});

describe('the engine agrees with a naive evaluator', () => {
  test('on random clusters, for every pair, port and protocol', () => {
    fc.assert(fc.property(cluster, ({ namespaceLabels, workloads, policies }) => {
      const pods: NaiveWorkload[] = workloads.map((w, i) => ({ ns: w.ns, name: `w${i}`, labels: w.labels, ports: w.ports.map((p) => (p.name ? p : { containerPort: p.containerPort, protocol: p.protocol })) }));
      const objects = [
        ...NAMESPACES.map((ns, i) => namespace(ns, namespaceLabels[i])),
        ...pods.map((p) => workload(p.ns, p.name, p.labels, { ports: p.ports })),
        ...policies.map((p, i) => policy(p.ns, `p${i}`, p.spec)),
      ];
      const model = NetworkModel.fromObjects(objects);
      const endpoints: [string, NaiveEndpoint][] = [...pods.map((p): [string, NaiveEndpoint] => [`${p.ns}/${p.name}`, { pod: p }]), ...ADDRESSES.map((ip): [string, NaiveEndpoint] => [ip, { ip }])];
      for (const [fromRef, from] of endpoints) {
        for (const [toRef, to] of endpoints) {
          if ('ip' in from && 'ip' in to) continue;
          for (const port of PORTS) {
            for (const protocol of PROTOCOLS) {
              const expected = naiveAllowed(objects, from, to, port, protocol);
              const actual = model.check({ from: fromRef, to: toRef, port, protocol: protocol as 'TCP' });
              if (actual.allowed !== expected) throw new Error(`${fromRef} -> ${toRef} ${protocol} ${port}: engine ${actual.allowed}, oracle ${expected}\n${actual.why}`);
            }
          }
        }
      }
      // The matrix agrees with single checks.
      const matrix = model.matrix({ externalEndpoints: ADDRESSES });
      const cellOf = new Map(matrix.cells.map((c) => [`${c.from}|${c.to}`, c.ports]));
      for (const [fromRef] of endpoints) {
        for (const [toRef] of endpoints) {
          if (ADDRESSES.includes(fromRef) && ADDRESSES.includes(toRef)) continue;
          const anyAllowed = PORTS.some((port) => PROTOCOLS.some((protocol) => model.check({ from: fromRef, to: toRef, port, protocol: protocol as 'TCP' }).allowed));
          if (anyAllowed && !cellOf.has(`${fromRef}|${toRef}`)) throw new Error(`matrix misses ${fromRef} -> ${toRef}`);
        }
      }
    }), { seed: 20261123, numRuns: RUNS });
  });

  test('results do not depend on the order of documents', () => {
    fc.assert(fc.property(cluster, fc.integer({ min: 0, max: 1000 }), ({ workloads, policies }, shuffleSeed) => {
      const objects = [
        ...workloads.map((w, i) => workload(w.ns, `w${i}`, w.labels, { ports: w.ports.map((p) => (p.name ? p : { containerPort: p.containerPort, protocol: p.protocol })) })),
        ...policies.map((p, i) => policy(p.ns, `p${i}`, p.spec)),
      ];
      const shuffled = [...objects].sort((a, b) => ((a.metadata.name.charCodeAt(1) * 31 + shuffleSeed) % 7) - ((b.metadata.name.charCodeAt(1) * 31 + shuffleSeed) % 7)).reverse();
      expect(NetworkModel.fromObjects(shuffled).matrix()).toEqual(NetworkModel.fromObjects(objects).matrix());
    }), { seed: 7, numRuns: Math.min(RUNS, 100) });
  });
});

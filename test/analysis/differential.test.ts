import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { NetworkModel } from '../../lib';
import { naiveAllowed, NaiveEndpoint, NaiveWorkload } from './naive-oracle';
import { expectChecksAgreeWith, expectMatrixAgreesWithChecks } from '../helpers/matrix';
import { namespace, policy, workload } from '../helpers/k8s';

const RUNS = Number(process.env.NETKIT_FUZZ_RUNS ?? 150);
const NAMESPACES = ['a', 'b', 'c'];
const KEYS = ['app', 'tier', 'team'];
const VALUES = ['x', 'y', 'z'];
const PORTS = [53, 80, 443, 5432, 8080];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const PORT_NAMES = ['http', 'pg', 'dns'];
const ADDRESSES = ['10.1.2.3', '203.0.113.7', '192.168.1.1', '2001:db8::5'];
const CIDRS: [string, string[]][] = [['10.0.0.0/8', ['10.1.0.0/16']], ['0.0.0.0/0', ['10.0.0.0/8']], ['203.0.113.0/24', []], ['2001:db8::/32', []], ['0.0.0.0/0', []]];

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
      expectChecksAgreeWith(model, endpoints, (end) => 'ip' in end, PORTS, PROTOCOLS, (from, to, port, protocol) => naiveAllowed(objects, from, to, port, protocol), () => '');
      // The matrix (the bitmask path, visiting only the sources an isolated destination names) agrees with single checks, port by port.
      expectMatrixAgreesWithChecks(model, endpoints.map(([ref]) => ref), ADDRESSES, PORTS, PROTOCOLS);
    }), { seed: 20261123, numRuns: RUNS });
  });

  test('with host-network workloads, whose traffic ipBlocks match at their nodes\' addresses', () => {
    const hostCase = fc.record({
      hostNetwork: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
      nodeCidrs: fc.constantFrom([], ['10.2.0.0/16'], ['10.1.0.0/16'], ['203.0.113.0/25'], ['10.2.0.0/16', '192.168.0.0/16'], ['2001:db8:1::/48']),
    });
    fc.assert(fc.property(cluster, hostCase, ({ namespaceLabels, workloads, policies }, { hostNetwork, nodeCidrs }) => {
      const pods: NaiveWorkload[] = workloads.map((w, i) => ({ ns: w.ns, name: `w${i}`, labels: w.labels, ports: w.ports.map((p) => (p.name ? p : { containerPort: p.containerPort, protocol: p.protocol })), hostNetwork: hostNetwork[i] }));
      const objects = [
        ...NAMESPACES.map((ns, i) => namespace(ns, namespaceLabels[i])),
        ...pods.map((p) => workload(p.ns, p.name, p.labels, { ports: p.ports, hostNetwork: p.hostNetwork })),
        ...policies.map((p, i) => policy(p.ns, `p${i}`, p.spec)),
      ];
      const model = NetworkModel.fromObjects(objects, { nodeCidrs });
      const endpoints: [string, NaiveEndpoint][] = [...pods.map((p): [string, NaiveEndpoint] => [`${p.ns}/${p.name}`, { pod: p }]), ...ADDRESSES.map((ip): [string, NaiveEndpoint] => [ip, { ip }])];
      expectChecksAgreeWith(model, endpoints, (end) => 'ip' in end, PORTS, PROTOCOLS, (from, to, port, protocol) => naiveAllowed(objects, from, to, port, protocol, nodeCidrs), () => '');
      expectMatrixAgreesWithChecks(model, endpoints.map(([ref]) => ref), ADDRESSES, PORTS, PROTOCOLS);
    }), { seed: 20261202, numRuns: RUNS });
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

  test('through typed lists, duplicates (the last wins), init containers and protocols in any case', () => {
    const extras = fc.record({
      // Each replaces policy `index` with another spec, given later: kubectl apply keeps the last.
      replacements: fc.array(fc.record({ index: fc.nat(), spec: policySpec }), { maxLength: 2 }),
      // Per workload: init container ports, served only when the init container is a sidecar.
      // (always named: only named ports differ between a sidecar and an ordinary init container)
      init: fc.array(fc.record({ sidecar: fc.boolean(), ports: fc.uniqueArray(fc.record({ name: fc.constantFrom(...PORT_NAMES), containerPort: fc.constantFrom(...PORTS), protocol: fc.constantFrom(...PROTOCOLS) }), { maxLength: 2, selector: (p) => p.name }) }), { minLength: 5, maxLength: 5 }),
      lowerCase: fc.boolean(),
    });
    fc.assert(fc.property(cluster, extras, ({ namespaceLabels, workloads, policies }, { replacements, init, lowerCase }) => {
      const pods = workloads.map((w, i) => ({ ns: w.ns, name: `w${i}`, labels: w.labels, ports: w.ports, init: init[i] }));
      // Container and init port names may clash; keep a pod's names unique, as the API server does.
      for (const p of pods) {
        const names = new Set(p.ports.map((port) => port.name).filter(Boolean));
        p.init = { ...p.init, ports: p.init.ports.filter((port) => !port.name || !names.has(port.name)) };
      }
      const deploymentItems = pods.map((p) => {
        const { apiVersion, kind, ...rest } = workload(p.ns, p.name, p.labels, { ports: p.ports });
        rest.spec.template.spec.initContainers = [{ name: 'init', image: 'x:1', ...(p.init.sidecar ? { restartPolicy: 'Always' } : {}), ports: p.init.ports }];
        void apiVersion; void kind;
        return rest;
      });
      const written = [...policies.map((p, i) => ({ name: `p${i}`, ns: p.ns, spec: p.spec }))];
      for (const r of replacements) if (written.length > 0) written.push({ ...written[r.index % policies.length], spec: r.spec });
      const text = [
        { apiVersion: 'v1', kind: 'NamespaceList', items: NAMESPACES.map((ns, i) => ({ metadata: namespace(ns, namespaceLabels[i]).metadata })) },
        { apiVersion: 'apps/v1', kind: 'DeploymentList', items: deploymentItems },
        { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicyList', items: written.map((p) => ({ metadata: { name: p.name, namespace: p.ns }, spec: p.spec })) },
      ].map((list) => JSON.stringify(list)).join('\n---\n');
      const model = NetworkModel.fromYaml(text);
      // The oracle sees plain objects: the last copy of each policy, sidecar ports as ports.
      const lastCopies = written.filter((p, i) => !written.slice(i + 1).some((q) => q.name === p.name && q.ns === p.ns));
      const oracleObjects = [...NAMESPACES.map((ns, i) => namespace(ns, namespaceLabels[i])), ...lastCopies.map((p) => policy(p.ns, p.name, p.spec))];
      const naivePods: NaiveWorkload[] = pods.map((p) => ({ ns: p.ns, name: p.name, labels: p.labels, ports: [...p.ports, ...(p.init.sidecar ? p.init.ports : [])] }));
      for (const from of naivePods) {
        for (const to of naivePods) {
          for (const port of PORTS) {
            for (const protocol of PROTOCOLS) {
              const expected = naiveAllowed(oracleObjects, { pod: from }, { pod: to }, port, protocol);
              const actual = model.check({ from: `${from.ns}/${from.name}`, to: `${to.ns}/deployment/${to.name}`, port, protocol: lowerCase ? protocol.toLowerCase() : protocol });
              if (actual.allowed !== expected) throw new Error(`${from.name} -> ${to.name} ${protocol} ${port}: engine ${actual.allowed}, oracle ${expected}\n${actual.why}`);
            }
          }
        }
      }
    }), { seed: 20261127, numRuns: RUNS });
  });
});

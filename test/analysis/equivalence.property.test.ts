/**
 * The matrix answers sources in equivalence classes (the same egress rules: rules matching the
 * same workloads, by shared peer sets, with the same ports) and skips sources an isolated
 * destination never names. On random clusters of many near-identical workloads, whose policies
 * repeat the same peers with small differences (ports, named or numbered, CIDRs), it must give
 * exactly what single checks give, for NetworkPolicy, Cilium and Calico alike.
 */
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { NetworkModel } from '../../lib';
import { Obj, namespace, policy, workload } from '../helpers/k8s';
import { expectMatrixAgreesWithChecks } from '../helpers/matrix';

const RUNS = Number(process.env.NETKIT_FUZZ_RUNS ?? 60);
const NAMESPACES = ['a', 'b'];
const PORTS = [53, 80, 8080];
const PROTOCOLS = ['TCP', 'UDP'];
const ADDRESSES = ['10.1.2.3', '203.0.113.7'];

const peer = fc.constantFrom<Obj>(
  { podSelector: { matchLabels: { tier: 't1' } } },
  { podSelector: { matchLabels: { tier: 't2' } } },
  { namespaceSelector: { matchLabels: { team: 'x' } } },
  { namespaceSelector: {}, podSelector: { matchLabels: { app: 'y' } } },
  { ipBlock: { cidr: '10.0.0.0/8' } },
);
const ports = fc.constantFrom<Obj[] | undefined>(undefined, [{ port: 80 }], [{ port: 8080 }], [{ port: 'http' }], [{ port: 53, protocol: 'UDP' }], [{ port: 50, endPort: 100 }]);
const cluster = fc.record({
  workloads: fc.array(fc.record({ ns: fc.constantFrom(...NAMESPACES), app: fc.constantFrom('x', 'y'), tier: fc.constantFrom('t1', 't2'), named: fc.boolean() }), { minLength: 4, maxLength: 9 }),
  rules: fc.array(fc.record({ egress: fc.array(fc.record({ to: fc.array(peer, { minLength: 1, maxLength: 2 }), ports }), { maxLength: 2 }), ingress: fc.array(fc.record({ from: fc.array(peer, { minLength: 1, maxLength: 2 }), ports }), { maxLength: 2 }) }), { minLength: 9, maxLength: 9 }),
  dialect: fc.constantFrom('kubernetes', 'cilium', 'calico'),
});

describe('the matrix in equivalence classes', () => {
  test('agrees with single checks on clusters of near-identical workloads, every dialect', () => {
    fc.assert(fc.property(cluster, ({ workloads, rules, dialect }) => {
      const objects: Obj[] = [namespace('a', { team: 'x' }), namespace('b', { team: 'z' })];
      workloads.forEach((w, i) => {
        objects.push(workload(w.ns, `w${i}`, { app: w.app, tier: w.tier, id: `w${i}` }, { ports: [{ ...(w.named ? { name: 'http' } : {}), containerPort: 8080 }, { containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }] }));
        const r = rules[i];
        // Each workload its own policy; the peers and ports repeat across workloads.
        objects.push(policy(w.ns, `p${i}`, { podSelector: { matchLabels: { id: `w${i}` } }, policyTypes: ['Ingress', 'Egress'], ingress: r.ingress.map((x) => ({ from: x.from, ...(x.ports ? { ports: x.ports } : {}) })), egress: r.egress.map((x) => ({ to: x.to, ...(x.ports ? { ports: x.ports } : {}) })) }));
      });
      if (dialect === 'cilium') {
        objects.push({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'extra', namespace: 'a' }, spec: { endpointSelector: { matchLabels: { tier: 't1' } }, egress: [{ toEndpoints: [{ matchLabels: { app: 'x' } }], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }] } });
      }
      if (dialect === 'calico') {
        objects.push({ apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: { name: 'no-y-to-t2' }, spec: { order: 10, selector: "tier == 't2'", ingress: [{ action: 'Deny', protocol: 'TCP', source: { selector: "app == 'y'" }, destination: { ports: [8080] } }, { action: 'Pass' }] } });
      }
      const model = NetworkModel.fromObjects(objects, { cni: dialect === 'kubernetes' ? 'standard' : dialect, podCidrs: ['100.64.0.0/16'] });
      const refs = [...workloads.map((w, i) => `${w.ns}/w${i}`), ...ADDRESSES];
      expectMatrixAgreesWithChecks(model, refs, ADDRESSES, PORTS, PROTOCOLS);
    }), { seed: 20261202, numRuns: RUNS });
  });
});

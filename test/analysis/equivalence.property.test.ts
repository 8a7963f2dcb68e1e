/**
 * The matrix answers sources in equivalence classes (the same egress rules: rules matching the
 * same workloads, by shared peer sets, with the same ports) and skips sources an isolated
 * destination never names. On random clusters of many near-identical workloads, whose policies
 * repeat the same peers with small differences (ports, named or numbered, CIDRs), it must give
 * exactly what single checks give, for NetworkPolicy, Cilium and Calico alike. With tiers
 * (ClusterNetworkPolicy Admin/Baseline, Calico's ordered tiers, Cilium deny rules) the matrix
 * asks each side only about peers its Allow and Pass rules name and answers peers by the mask
 * of rule sets holding them: the random tiers below end in Deny or Pass, with Accept, Deny and
 * Pass rules, so that both shortcuts are put to the test.
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
  dialect: fc.constantFrom('kubernetes', 'cilium', 'calico', 'cluster-tiers', 'calico-tiers', 'cilium-deny'),
  tierRules: fc.array(fc.record({ action: fc.constantFrom('Accept', 'Deny', 'Pass'), peer: fc.constantFrom('t1', 't2', 'x', 'y', 'ns-a', 'net'), port: fc.constantFrom(undefined, 80, 8080, 'http') }), { maxLength: 4 }),
  subject: fc.constantFrom('all', 't1', 'ns-b'),
  tierEnd: fc.constantFrom<'Deny' | 'Pass'>('Deny', 'Pass'),
  baseline: fc.boolean(),
});

type TierRule = { action: string; peer: string; port: number | string | undefined };

/** A ClusterNetworkPolicy peer for one of the random peer names. */
function clusterPeer(peer: string): Obj {
  if (peer === 'net') return { networks: ['10.0.0.0/8'] };
  if (peer === 'ns-a') return { namespaces: { matchLabels: { team: 'x' } } };
  const labels = peer.startsWith('t') ? { tier: peer } : { app: peer };
  return { pods: { namespaceSelector: {}, podSelector: { matchLabels: labels } } };
}

/** Calico's selector text for one of the random peer names. */
function calicoPeer(peer: string): Obj {
  if (peer === 'net') return { nets: ['10.0.0.0/8'] };
  if (peer === 'ns-a') return { namespaceSelector: "team == 'x'" };
  return { selector: peer.startsWith('t') ? `tier == '${peer}'` : `app == '${peer}'` };
}

/** The random tier rules in each dialect's words. */
function tierObjects(dialect: string, rules: readonly TierRule[], subject: string, tierEnd: 'Deny' | 'Pass', baseline: boolean): Obj[] {
  if (dialect === 'cluster-tiers') {
    const subjectOf = subject === 'all' ? { namespaces: {} } : subject === 'ns-b' ? { namespaces: { matchLabels: { team: 'z' } } } : { pods: { namespaceSelector: {}, podSelector: { matchLabels: { tier: 't1' } } } };
    const ports = (port: TierRule['port']) => (port === undefined ? {} : { ports: [typeof port === 'number' ? { portNumber: { port, protocol: 'TCP' } } : { namedPort: port }] });
    const rule = (r: TierRule, direction: 'from' | 'to') => ({ action: r.action === 'Accept' ? 'Allow' : r.action, [direction]: [clusterPeer(r.peer)], ...ports(r.port) });
    const objects: Obj[] = [{ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name: 'admin' }, spec: { priority: 5, subject: subjectOf, ingress: rules.map((r) => rule(r, 'from')), egress: rules.filter((_, i) => i % 2 === 0).map((r) => rule(r, 'to')) } }];
    if (baseline) objects.push({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec: { subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] } });
    return objects;
  }
  if (dialect === 'calico-tiers') {
    const selector = subject === 'all' ? 'all()' : subject === 'ns-b' ? "projectcalico.org/namespace == 'b'" : "tier == 't1'";
    const ports = (port: TierRule['port']) => (port === undefined ? {} : { ports: [port] });
    const rule = (r: TierRule, end: 'source' | 'destination') => ({ action: r.action === 'Accept' ? 'Allow' : r.action, ...(r.port !== undefined ? { protocol: 'TCP' } : {}), [end]: calicoPeer(r.peer), ...(end === 'source' ? { destination: ports(r.port) } : {}), ...(end === 'destination' ? { destination: { ...calicoPeer(r.peer), ...ports(r.port) } } : {}) });
    return [
      { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: { name: 'security' }, spec: { order: 100, defaultAction: tierEnd } },
      { apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: { name: 'security.rules' }, spec: { tier: 'security', order: 10, selector, types: ['Ingress', 'Egress'], ingress: rules.map((r) => rule(r, 'source')), egress: rules.filter((_, i) => i % 2 === 0).map((r) => rule(r, 'destination')) } },
      // The same peers in a namespaced policy reach its namespace only.
      { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name: 'security.local', namespace: 'b' }, spec: { tier: 'security', order: 5, selector: 'all()', types: ['Ingress'], ingress: rules.filter((r) => r.action !== 'Deny').map((r) => rule({ ...r, action: 'Deny' }, 'source')) } },
      ...(baseline ? [{ apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: { name: 'last-word' }, spec: { order: 2000, selector: "app == 'y'", types: ['Ingress'], ingress: [{ action: 'Allow', source: { selector: "tier == 't2'" } }] } }] : []),
    ];
  }
  // Cilium: deny rules take ports away whatever allows them.
  const deny = rules.filter((r) => r.action === 'Deny' && r.peer !== 'net' && r.peer !== 'ns-a');
  return deny.length === 0 ? [] : [{ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'deny' }, spec: { endpointSelector: subject === 't1' ? { matchLabels: { tier: 't1' } } : {}, ingressDeny: deny.map((r) => ({ fromEndpoints: [{ matchLabels: r.peer.startsWith('t') ? { tier: r.peer } : { app: r.peer } }], ...(typeof r.port === 'number' ? { toPorts: [{ ports: [{ port: String(r.port), protocol: 'TCP' }] }] } : {}) })) } }];
}

describe('the matrix in equivalence classes', () => {
  test('agrees with single checks on clusters of near-identical workloads, every dialect', () => {
    fc.assert(fc.property(cluster, ({ workloads, rules, dialect, tierRules, subject, tierEnd, baseline }) => {
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
      objects.push(...(['cluster-tiers', 'calico-tiers', 'cilium-deny'].includes(dialect) ? tierObjects(dialect, tierRules, subject, tierEnd, baseline) : []));
      const cni = dialect === 'kubernetes' || dialect === 'cluster-tiers' ? 'standard' : dialect.split('-')[0] as 'cilium' | 'calico';
      const model = NetworkModel.fromObjects(objects, { cni, podCidrs: ['100.64.0.0/16'] });
      const refs = [...workloads.map((w, i) => `${w.ns}/w${i}`), ...ADDRESSES];
      expectMatrixAgreesWithChecks(model, refs, ADDRESSES, PORTS, PROTOCOLS);
    }), { seed: 20261202, numRuns: RUNS });
  });
});

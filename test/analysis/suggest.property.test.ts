/**
 * netkit suggest, as a property: on random default-deny clusters and random observed traffic,
 * the manifests plus the suggested NetworkPolicies allow every observed flow, and unobserved
 * (pair, port) combinations stay denied on both sides: the suggestion is no wider than the flows.
 */
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { NetworkModel, readFlows, replayFlows, suggestIntents } from '../../lib';
import { Obj, namespace, policy, workload } from '../helpers/k8s';

const RUNS = Number(process.env.NETKIT_FUZZ_RUNS ?? 60);
const NAMESPACES = ['a', 'b'];
const PORTS = [80, 443, 8080];
const ADDRESSES = ['203.0.113.7', '198.51.100.9'];

const cluster = fc.record({
  apps: fc.array(fc.record({ ns: fc.constantFrom(...NAMESPACES), named: fc.boolean() }), { minLength: 2, maxLength: 5 }),
  flows: fc.array(fc.record({ from: fc.nat(6), to: fc.nat(6), port: fc.constantFrom(...PORTS), protocol: fc.constantFrom('TCP', 'UDP') }), { minLength: 1, maxLength: 8 }),
  probes: fc.array(fc.record({ from: fc.nat(6), to: fc.nat(6), port: fc.constantFrom(...PORTS, 22), protocol: fc.constantFrom('TCP', 'UDP') }), { minLength: 5, maxLength: 12 }),
});

describe('netkit suggest', () => {
  test('manifests plus the suggestion allow every observed flow, and nothing else the probes try', () => {
    fc.assert(fc.property(cluster, ({ apps, flows, probes }) => {
      const refs = apps.map((a, i) => `${a.ns}/app${i}`);
      const objects: Obj[] = [
        ...NAMESPACES.map((ns) => namespace(ns)),
        ...NAMESPACES.map((ns) => policy(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })),
        ...apps.map((a, i) => workload(a.ns, `app${i}`, { app: `app${i}` }, { ports: PORTS.map((p) => ({ ...(a.named ? { name: `p${p}` } : {}), containerPort: p })) })),
      ];
      // Ends: a workload, or (for indexes past the apps) an address outside the cluster.
      const endOf = (n: number) => (n < refs.length ? refs[n] : ADDRESSES[n % ADDRESSES.length]);
      const observed = flows.map((f) => ({ from: endOf(f.from), to: endOf(f.to), port: f.port, protocol: f.protocol }))
        .filter((f) => !(ADDRESSES.includes(f.from) && ADDRESSES.includes(f.to)));
      if (observed.length === 0) return;
      const csv = ['from,to,port,protocol', ...observed.map((f) => `${f.from},${f.to},${f.port},${f.protocol}`)].join('\n');
      const before = NetworkModel.fromObjects(objects);
      const suggestion = suggestIntents(before, readFlows(csv));
      const after = NetworkModel.fromObjects([...objects, ...suggestion.policies]);
      const replay = replayFlows(after, csv);
      const notAllowed = replay.flows.filter((f) => f.verdict !== 'allowed');
      if (notAllowed.length > 0) throw new Error(`not allowed after the suggestion: ${notAllowed.map((f) => `${f.from} -> ${f.to} ${f.protocol} ${f.port}: ${f.why}`).join('\n')}\n${JSON.stringify(suggestion.policies, null, 1)}`);
      const seen = new Set(observed.map((f) => `${f.from}|${f.to}|${f.port}|${f.protocol}`));
      for (const p of probes) {
        const probe = { from: endOf(p.from), to: endOf(p.to), port: p.port, protocol: p.protocol };
        if (ADDRESSES.includes(probe.from) && ADDRESSES.includes(probe.to)) continue;
        if (seen.has(`${probe.from}|${probe.to}|${probe.port}|${probe.protocol}`)) continue;
        // Each side on its own: a rule wider than the flows shows even where the other side still blocks.
        const verdict = after.check({ ...probe, serviceTranslation: false });
        const opened = [verdict.egress, verdict.ingress].filter((side) => side.applies && side.allowed);
        if (opened.length > 0) throw new Error(`unobserved ${probe.from} -> ${probe.to} ${probe.protocol} ${probe.port} is let through by a side after the suggestion: ${verdict.why}`);
      }
    }), { seed: 20261202, numRuns: RUNS });
  });
});

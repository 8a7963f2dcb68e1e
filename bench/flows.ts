/**
 * Observed traffic for the replay benchmark: `records` flow records with about `distinct`
 * distinct flows among the bench apps (team-<n>/app-<i>, 50 per namespace) and addresses
 * outside the cluster, as netkit CSV or as Hubble JSON lines.
 */
import { appendFileSync, writeFileSync } from 'node:fs';

const APPS_PER_NAMESPACE = 50;

interface BenchFlow { from: string; to: string; port: number }

function distinctFlows(apps: number, distinct: number): BenchFlow[] {
  const ref = (i: number) => `team-${Math.floor(i / APPS_PER_NAMESPACE)}/app-${i}`;
  const flows: BenchFlow[] = [];
  // Deterministic spread: app i talks to app (i * 7 + k) on 8080, a few go outside.
  for (let k = 0; flows.length < distinct; k++) {
    for (let i = 0; i < apps && flows.length < distinct; i++) {
      if ((i + k) % 10 === 0) flows.push({ from: ref(i), to: `203.0.113.${(k % 250) + 1}`, port: 443 });
      else flows.push({ from: ref(i), to: ref((i * 7 + k + 1) % apps), port: k % 3 === 0 ? 9090 : 8080 });
    }
  }
  return flows;
}

/** netkit CSV: each distinct flow repeated, records interleaved as a capture would hold them. */
export function flowsCsv(apps: number, distinct: number, records: number): string {
  const flows = distinctFlows(apps, distinct);
  const lines = ['from,to,port,protocol'];
  for (let r = 0; r < records; r++) {
    const f = flows[(r * 7919) % flows.length];
    lines.push(`${f.from},${f.to},${f.port},TCP`);
  }
  return `${lines.join('\n')}\n`;
}

/** Hubble JSON lines (`hubble observe -o json`), the same flows, written to `file` in batches (a million lines is more than a string may hold). */
export function writeFlowsHubble(file: string, apps: number, distinct: number, records: number): void {
  writeFileSync(file, '');
  for (let start = 0; start < records; start += 100_000) appendFileSync(file, flowsHubble(apps, distinct, Math.min(100_000, records - start), start));
}

/** Hubble JSON lines (`hubble observe -o json`), the same flows, records `first`.. on. */
export function flowsHubble(apps: number, distinct: number, records: number, first = 0): string {
  const flows = distinctFlows(apps, distinct);
  const end = (ref: string) => {
    if (!ref.includes('/')) return { identity: 2, labels: ['reserved:world'] };
    const [namespace, name] = ref.split('/');
    return { ID: 1000 + Number(name.slice(4)), identity: 20000 + Number(name.slice(4)), namespace, labels: [`k8s:app.kubernetes.io/name=${name}`, `k8s:io.cilium.k8s.policy.serviceaccount=default`, `k8s:io.kubernetes.pod.namespace=${namespace}`], pod_name: `${name}-7d9f8b6c5-x2x4q`, workloads: [{ name, kind: 'Deployment' }] };
  };
  const lines: string[] = [];
  for (let r = first; r < first + records; r++) {
    const f = flows[(r * 7919) % flows.length];
    lines.push(JSON.stringify({
      flow: {
        time: '2026-12-01T10:00:00.000000000Z', verdict: 'FORWARDED',
        IP: { source: '10.244.1.10', destination: f.to.includes('/') ? '10.244.2.20' : f.to, ipVersion: 'IPv4' },
        l4: { TCP: { source_port: 40000 + (r % 20000), destination_port: f.port, flags: { SYN: true } } },
        source: end(f.from), destination: end(f.to), Type: 'L3_L4', node_name: 'node-1', traffic_direction: 'EGRESS', is_reply: false,
      },
      node_name: 'node-1', time: '2026-12-01T10:00:00.000000000Z',
    }));
  }
  return `${lines.join('\n')}\n`;
}

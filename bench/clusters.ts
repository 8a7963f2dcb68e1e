/**
 * Synthetic clusters for the analyzer benchmark: N workloads in namespaces of 50, and N
 * NetworkPolicies mixing pod selectors, namespace selectors, expressions, ipBlocks, named
 * ports and ranges, the shapes real repos hold.
 */
export function syntheticCluster(workloads: number): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  const tiers = ['web', 'api', 'db', 'cache', 'worker'];
  const namespaces = Math.ceil(workloads / 50);
  for (let n = 0; n < namespaces; n++) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${n}`, labels: { team: `team-${n % 7}`, env: n % 2 ? 'prod' : 'staging' } } });
  }
  for (let i = 0; i < workloads; i++) {
    const ns = `ns-${Math.floor(i / 50)}`;
    const tier = tiers[i % tiers.length];
    const labels = { 'app.kubernetes.io/name': `app-${i}`, tier, shard: `s${i % 13}` };
    objects.push({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `app-${i}`, namespace: ns },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'x:1', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] }] } } },
    });
    const next = tiers[(i + 1) % tiers.length];
    objects.push({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `app-${i}`, namespace: ns },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': `app-${i}` } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [{ podSelector: { matchLabels: { tier: next } } }], ports: [{ port: 'http' }] },
          { from: [{ namespaceSelector: { matchLabels: { team: `team-${i % 7}` } }, podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: [tier, next] }] } }], ports: [{ port: 8000, endPort: 8100 }] },
          { from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 9090 }] },
        ],
        egress: [
          { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }] },
          { to: [{ podSelector: { matchLabels: { tier: next } } }, { namespaceSelector: { matchLabels: { env: 'prod' } } }], ports: [{ port: 'http' }] },
        ],
      },
    });
  }
  return objects;
}

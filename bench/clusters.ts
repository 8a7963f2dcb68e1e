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

/** The dialects the bench's cluster is written in: the same intents, each in its own objects. */
export type BenchDialect = 'networkpolicy' | 'cluster-tiers' | 'cilium' | 'calico';

/** The `--cni` (and NetworkModel `cni`) each variant is read with. */
export const BENCH_CNI: Record<BenchDialect, 'standard' | 'cilium' | 'calico'> = { 'networkpolicy': 'standard', 'cluster-tiers': 'standard', 'cilium': 'cilium', 'calico': 'calico' };

/**
 * The synthetic cluster in one dialect:
 * - `networkpolicy`: {@link syntheticCluster} as it is;
 * - `cluster-tiers`: plus an AdminNetworkPolicy (metadata service denied, kube-system passed on)
 *   and a BaselineAdminNetworkPolicy (ingress from other namespaces denied);
 * - `cilium`: a CiliumNetworkPolicy per workload (endpoint selectors in its namespace and in
 *   the namespaces next to it, named, in place of namespace selectors; CIDR sets, port ranges)
 *   and a clusterwide egress deny to the metadata service;
 * - `calico`: a Calico NetworkPolicy per workload in tier `apps` (selectors, namespace
 *   selectors, nets/notNets, named ports and ranges) and a GlobalNetworkPolicy in tier
 *   `security` that denies the metadata service and passes the rest.
 */
export function dialectCluster(workloads: number, dialect: BenchDialect): Record<string, unknown>[] {
  const base = syntheticCluster(workloads);
  if (dialect === 'networkpolicy') return base;
  if (dialect === 'cluster-tiers') {
    return [...base,
      { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name: 'platform' }, spec: { priority: 10, subject: { namespaces: {} },
        ingress: [{ name: 'from-kube-system', action: 'Pass', from: [{ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }] }],
        egress: [{ name: 'no-metadata', action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] }] } },
      { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec: { subject: { namespaces: {} },
        ingress: [{ name: 'no-strangers', action: 'Deny', from: [{ namespaces: {} }] }] } },
    ];
  }
  const tiers = ['web', 'api', 'db', 'cache', 'worker'];
  const kept = base.filter((o) => o.kind !== 'NetworkPolicy');
  const policies: Record<string, unknown>[] = [];
  for (let i = 0; i < workloads; i++) {
    const ns = `ns-${Math.floor(i / 50)}`;
    const tier = tiers[i % tiers.length];
    const next = tiers[(i + 1) % tiers.length];
    const team = `team-${i % 7}`;
    // Cilium peers in other namespaces name them: the namespace before and after this one.
    const namespaceCount = Math.ceil(workloads / 50);
    const here = Math.floor(i / 50);
    const neighbour = `ns-${(here + namespaceCount - 1) % namespaceCount}`;
    const upstream = `ns-${(here + 1) % namespaceCount}`;
    if (dialect === 'cilium') {
      policies.push({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: `app-${i}`, namespace: ns }, spec: {
        endpointSelector: { matchLabels: { 'app.kubernetes.io/name': `app-${i}` } },
        ingress: [
          { fromEndpoints: [{ matchLabels: { tier: next } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] },
          { fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': neighbour }, matchExpressions: [{ key: 'tier', operator: 'In', values: [tier, next] }] }], toPorts: [{ ports: [{ port: '8000', endPort: 8100, protocol: 'TCP' }] }] },
          { fromCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }], toPorts: [{ ports: [{ port: '9090', protocol: 'TCP' }] }] },
        ],
        egress: [
          { toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns' } }], toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }] }] },
          { toEndpoints: [{ matchLabels: { tier: next } }, { matchLabels: { 'k8s:io.kubernetes.pod.namespace': upstream } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] },
        ],
      } });
    } else {
      policies.push({ apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name: `apps.app-${i}`, namespace: ns }, spec: {
        tier: 'apps', order: 100, selector: `app.kubernetes.io/name == 'app-${i}'`, types: ['Ingress', 'Egress'],
        ingress: [
          { action: 'Allow', protocol: 'TCP', source: { selector: `tier == '${next}'` }, destination: { ports: ['http'] } },
          { action: 'Allow', protocol: 'TCP', source: { namespaceSelector: `team == '${team}'`, selector: `tier in {'${tier}', '${next}'}` }, destination: { ports: ['8000:8100'] } },
          { action: 'Allow', protocol: 'TCP', source: { nets: ['10.0.0.0/8'], notNets: ['10.1.0.0/16'] }, destination: { ports: [9090] } },
        ],
        egress: [
          { action: 'Allow', protocol: 'UDP', destination: { namespaceSelector: "projectcalico.org/name == 'kube-system'", selector: "k8s-app == 'kube-dns'", ports: [53] } },
          { action: 'Allow', protocol: 'TCP', destination: { selector: `tier == '${next}'`, ports: ['http'] } },
          { action: 'Allow', protocol: 'TCP', destination: { namespaceSelector: "env == 'prod'", selector: 'all()', ports: ['http'] } },
        ],
      } });
    }
  }
  if (dialect === 'cilium') {
    policies.push({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'no-metadata' }, spec: { endpointSelector: {}, egressDeny: [{ toCIDR: ['169.254.169.254/32'] }] } });
  } else {
    policies.push(
      { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: { name: 'security' }, spec: { order: 10 } },
      { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: { name: 'apps' }, spec: { order: 100 } },
      { apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: { name: 'security.no-metadata' }, spec: { tier: 'security', order: 10, selector: 'all()', types: ['Egress'], egress: [{ action: 'Deny', destination: { nets: ['169.254.169.254/32'] } }, { action: 'Pass' }] } },
    );
  }
  return [...kept, ...policies];
}

/**
 * A second revision of the cluster: `wide` opens every workload of ns-1 to all ingress (a
 * change of 500,000 connections at 10,000 workloads); `one-policy` is the everyday change, one
 * workload's policy letting it send to one more port (8081, which some peers' ingress admits).
 */
export function revisedCluster(objects: readonly Record<string, unknown>[], change: 'wide' | 'one-policy'): Record<string, unknown>[] {
  if (change === 'wide') {
    return [...objects, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'widened', namespace: 'ns-1' }, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] } }];
  }
  return objects.map((o) => {
    const meta = o.metadata as { name: string; namespace?: string };
    if (o.kind !== 'NetworkPolicy' || meta.name !== 'app-7' || meta.namespace !== 'ns-0') return o;
    const spec = o.spec as { egress: { ports: unknown[] }[] };
    return { ...o, spec: { ...spec, egress: [spec.egress[0], { ...spec.egress[1], ports: [...spec.egress[1].ports, { port: 8081 }] }] } };
  });
}

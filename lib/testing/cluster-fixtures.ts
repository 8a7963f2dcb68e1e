/**
 * Objects every real cluster has but a chart does not contain, for analyzer tests that
 * need the far end to exist: CoreDNS in kube-system, an ingress-nginx controller, and a
 * Prometheus in a namespace labelled `purpose: monitoring`.
 */
export function clusterFixtures(): Record<string, unknown>[] {
  const deployment = (namespace: string, name: string, labels: Record<string, string>, ports: Record<string, unknown>[]) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name, image: `${name}:test`, ports }] } },
    },
  });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
    deployment('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, [
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
    ]),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ingress-nginx' } },
    deployment('ingress-nginx', 'ingress-nginx-controller', { 'app.kubernetes.io/name': 'ingress-nginx' }, [
      { name: 'http', containerPort: 80 }, { name: 'https', containerPort: 443 },
    ]),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring', labels: { purpose: 'monitoring' } } },
    deployment('monitoring', 'prometheus', { 'app.kubernetes.io/name': 'prometheus' }, [{ name: 'web', containerPort: 9090 }]),
  ];
}

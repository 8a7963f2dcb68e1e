/** The annotation on every object {@link clusterFixtures} adds: exposure never reports them as the user's. */
export const STAND_IN_ANNOTATION = 'netkit.io/stand-in';

/** Whether `object` is one of the stand-ins {@link clusterFixtures} adds. */
export function isStandIn(object: Record<string, unknown>): boolean {
  const metadata = object.metadata as { annotations?: Record<string, unknown> } | undefined;
  return typeof metadata?.annotations?.[STAND_IN_ANNOTATION] === 'string';
}

/** Which stand-ins {@link clusterFixtures} adds. Every one is on unless turned off. */
export interface ClusterFixtureOptions {
  /** CoreDNS in kube-system (`k8s-app: kube-dns`, UDP and TCP 53). @default true */
  readonly dns?: boolean;
  /** An ingress-nginx controller in `ingress-nginx`, behind a LoadBalancer Service. @default true */
  readonly ingressController?: boolean;
  /** A Prometheus in a namespace labelled `purpose: monitoring`. @default true */
  readonly monitoring?: boolean;
}

/**
 * Objects every real cluster has but an app's manifests do not contain, so that DNS, the
 * public path through the ingress controller, and scraping can be proven: CoreDNS in
 * kube-system, an ingress-nginx controller with its LoadBalancer Service, and a Prometheus in
 * a namespace labelled `purpose: monitoring`. Choose which with `options`; objects of yours
 * with the same identity replace them (the last one given wins, with a notice), so put yours
 * after the fixtures.
 */
export function clusterFixtures(options: ClusterFixtureOptions = {}): Record<string, unknown>[] {
  const deployment = (namespace: string, name: string, labels: Record<string, string>, ports: Record<string, unknown>[]) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name, image: `${name}:test`, ports }] } },
    },
  });
  const objects: Record<string, unknown>[] = [];
  if (options.dns !== false) {
    objects.push(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
      deployment('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, [
        { name: 'dns', containerPort: 53, protocol: 'UDP' },
        { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
      ]),
    );
  }
  if (options.ingressController !== false) {
    const labels = { 'app.kubernetes.io/name': 'ingress-nginx' };
    objects.push(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ingress-nginx' } },
      deployment('ingress-nginx', 'ingress-nginx-controller', labels, [{ name: 'http', containerPort: 80 }, { name: 'https', containerPort: 443 }]),
      {
        apiVersion: 'v1', kind: 'Service', metadata: { name: 'ingress-nginx-controller', namespace: 'ingress-nginx' },
        spec: { type: 'LoadBalancer', selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'https', port: 443, targetPort: 'https' }] },
      },
    );
  }
  if (options.monitoring !== false) {
    objects.push(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring', labels: { purpose: 'monitoring' } } },
      deployment('monitoring', 'prometheus', { 'app.kubernetes.io/name': 'prometheus' }, [{ name: 'web', containerPort: 9090 }]),
    );
  }
  const annotations = { [STAND_IN_ANNOTATION]: 'netkit cluster fixture: what a real cluster has and the input lacks' };
  return objects.map((object) => ({ ...object, metadata: { ...(object.metadata as object), annotations } }));
}

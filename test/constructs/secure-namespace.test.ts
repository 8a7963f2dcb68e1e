import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { describe, expect, test } from 'vitest';
import { ExposedApp, Peer, PodSecurityLevel, Port, SecureNamespace } from '../../lib';
import { modelWithCluster, newChart, objectsOf, yamlSnapshot } from '../helpers/charts';
import { validateAgainstSchema } from '../helpers/schema';

function namespaceWithApp(props: ConstructorParameters<typeof SecureNamespace>[2] = {}) {
  const chart = newChart();
  const ns = new SecureNamespace(chart, 'prod', { name: 'production', labels: { env: 'prod' }, ...props });
  // A plain cdk8s-plus Deployment with no policy of its own, so the namespace's policies alone
  // decide; cdk8s-plus's default security context lacks what Pod Security restricted requires.
  new kplus.Deployment(chart, 'api', {
    metadata: { name: 'api', namespace: ns.namespaceName },
    containers: [{
      image: 'acme/api:1',
      ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'metrics' }],
      securityContext: { capabilities: { drop: [kplus.Capability.ALL] }, seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT } },
    }],
  });
  return { chart, ns };
}

describe('SecureNamespace', () => {
  test('a pod that fails its Pod Security level fails synth, naming the controls', () => {
    const chart = newChart();
    const ns = new SecureNamespace(chart, 'prod', { name: 'production' });
    new kplus.Deployment(chart, 'plain', { metadata: { name: 'plain', namespace: ns.namespaceName }, containers: [{ image: 'acme/api:1', portNumber: 8080 }] });
    expect(() => chart.toJson()).toThrow('error [pod-security-violation] Deployment production/plain: its pods fail Pod Security "restricted" (v1.28), which namespace production enforces, so the API server refuses them: Seccomp: container main has no RuntimeDefault or Localhost seccomp profile; Capabilities: container main does not drop ALL capabilities.');
  });

  test('a Namespace in a Chart with a namespace stays cluster-scoped', () => {
    const scoped = new Chart(new App(), 'scoped', { namespace: 'elsewhere' });
    new SecureNamespace(scoped, 'prod', { name: 'production' });
    const objects = scoped.toJson() as any[];
    expect(objects.find((o) => o.kind === 'Namespace').metadata.namespace).toBeUndefined();
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').map((o: any) => o.metadata.namespace)).toEqual(['production', 'production']);
  });

  test('writes the namespace, default deny and DNS egress', () => {
    const chart = newChart();
    new SecureNamespace(chart, 'prod', { name: 'production', labels: { env: 'prod' } });
    expect(yamlSnapshot(chart)).toMatchSnapshot();
    validateAgainstSchema(chart.toJson());
  });

  test('denies ingress and egress for every pod with podSelector {}', () => {
    const chart = newChart();
    new SecureNamespace(chart, 'prod', { name: 'production' });
    const deny = objectsOf(chart, 'NetworkPolicy')['default-deny'];
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('labels the namespace with Pod Security restricted, pinned to v1.28', () => {
    const chart = newChart();
    new SecureNamespace(chart, 'prod', { name: 'production', labels: { env: 'prod' } });
    const labels = objectsOf(chart, 'Namespace').production.metadata.labels;
    expect(labels).toMatchObject({ 'env': 'prod', 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.28' });
  });

  test('the Pod Security level is configurable', () => {
    const chart = newChart();
    new SecureNamespace(chart, 'prod', { podSecurity: PodSecurityLevel.BASELINE, podSecurityVersion: 'latest' });
    expect(objectsOf(chart, 'Namespace').prod.metadata.labels['pod-security.kubernetes.io/warn']).toBe('baseline');
  });

  test('every pod keeps DNS to kube-dns on UDP and TCP 53, and nothing else leaves', () => {
    const { chart } = namespaceWithApp();
    const model = modelWithCluster(chart);
    expect(model).toAllowTraffic({ from: 'production/api', to: 'kube-system/coredns', port: 53, protocol: 'UDP' });
    expect(model).toAllowTraffic({ from: 'production/api', to: 'kube-system/coredns', port: 53, protocol: 'TCP' });
    expect(model).toDenyTraffic({ from: 'production/api', to: 'kube-system/coredns', port: 9153 });
    expect(model).toDenyTraffic({ from: 'production/api', to: '203.0.113.7', port: 443 });
    expect(model).toDenyTraffic({ from: 'monitoring/prometheus', to: 'production/api', port: 9090 });
  });

  test('the DNS target can be NodeLocal DNSCache', () => {
    const chart = newChart();
    new SecureNamespace(chart, 'prod', { dnsServers: [Peer.nodeLocalDns(), Peer.clusterDns()] });
    const egress = objectsOf(chart, 'NetworkPolicy')['allow-dns'].spec.egress;
    expect(egress.map((rule: any) => rule.to)).toEqual([
      [{ ipBlock: { cidr: '169.254.20.10/32' } }],
      [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ]);
  });

  test('allowFrom lets a monitoring namespace scrape named metrics ports only', () => {
    const { chart } = namespaceWithApp({ allowFrom: [{ peer: Peer.namespace({ purpose: 'monitoring' }), ports: [Port.named('metrics')] }] });
    expect(objectsOf(chart, 'NetworkPolicy')['allow-from-peers'].spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { purpose: 'monitoring' } } }], ports: [{ port: 'metrics', protocol: 'TCP' }] }],
    });
    const model = modelWithCluster(chart);
    expect(model).toAllowTraffic({ from: 'monitoring/prometheus', to: 'production/api', port: 9090 });
    expect(model).toDenyTraffic({ from: 'monitoring/prometheus', to: 'production/api', port: 8080 });
  });

  test('allowWithinNamespace is an explicit opt-in for pod-to-pod traffic', () => {
    const chart = newChart();
    const ns = new SecureNamespace(chart, 'prod', { allowWithinNamespace: true });
    new ExposedApp(chart, 'a', { namespace: ns, image: 'a:1', ports: [Port.tcp(80, 'http')] });
    new ExposedApp(chart, 'b', { namespace: ns, image: 'b:1', ports: [Port.tcp(80, 'http')] });
    expect(objectsOf(chart, 'NetworkPolicy')['allow-within-namespace'].spec.ingress).toEqual([{ from: [{ podSelector: {} }] }]);
    // The apps' own least-privilege policies still isolate them; the namespace opt-in is a union.
    expect(modelWithCluster(chart)).toAllowTraffic({ from: 'prod/a', to: 'prod/b', port: 80 });
  });

  test('a repeated allowFrom writes one rule', () => {
    const chart = newChart();
    const ns = new SecureNamespace(chart, 'prod');
    ns.allowFrom(Peer.namespaceNamed('ops'), Port.tcp(22));
    ns.allowFrom(Peer.namespaceNamed('ops'), Port.tcp(22));
    expect(objectsOf(chart, 'NetworkPolicy')['allow-from-peers'].spec.ingress).toHaveLength(1);
  });
});

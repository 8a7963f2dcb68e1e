import { ApiObject, JsonPatch } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import {
  Cidr, DnsConfig, ExposedApp, ExternalTrafficPolicy, Peer, PodSecurityLevel, Port, Probe, SecureNamespace, ServiceExposure, SessionAffinity,
} from '../../lib';
import { modelWithCluster, newChart, objectsOf, yamlSnapshot, yamlText } from '../helpers/charts';
import { validateAgainstSchema } from '../helpers/schema';

function appChart(props: Partial<ConstructorParameters<typeof ExposedApp>[2]> = {}) {
  const chart = newChart();
  const ns = new SecureNamespace(chart, 'shop');
  const app = new ExposedApp(chart, 'api', { namespace: ns, image: 'acme/api:1.4.2', ports: [Port.tcp(8080, 'http')], ...props });
  return { chart, ns, app };
}

describe('ExposedApp', () => {
  test('writes a Deployment, a ClusterIP Service and a least-privilege policy', () => {
    const { chart } = appChart();
    expect(yamlSnapshot(chart)).toMatchSnapshot();
    validateAgainstSchema(chart.toJson());
  });

  test('names every object after the app and selects pods by a stable label, not a hash', () => {
    const { chart } = appChart();
    const deployment = objectsOf(chart, 'Deployment').api;
    expect(deployment.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'api' } });
    expect(deployment.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'api' });
    expect(objectsOf(chart, 'Service').api.spec.selector).toEqual({ 'app.kubernetes.io/name': 'api' });
    expect(objectsOf(chart, 'NetworkPolicy').api.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'api' } });
    expect(JSON.stringify(chart.toJson())).not.toContain('cdk8s.io/metadata.addr');
  });

  test('the Service targets container ports by name; the main Service port is configurable', () => {
    const { chart } = appChart({ ports: [Port.tcp(8080, 'http'), Port.udp(5353, 'mdns')], servicePort: 80 });
    expect(objectsOf(chart, 'Service').api.spec.ports).toEqual([
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
      { name: 'mdns', port: 5353, protocol: 'UDP', targetPort: 'mdns' },
    ]);
  });

  test('a single unnamed port is targeted by number', () => {
    const { chart } = appChart({ ports: [Port.tcp(8080)] });
    expect(objectsOf(chart, 'Service').api.spec.ports).toEqual([{ port: 8080, protocol: 'TCP', targetPort: 8080 }]);
  });

  test('pods pass Pod Security restricted and mount no service-account token', () => {
    const { chart } = appChart();
    const pod = objectsOf(chart, 'Deployment').api.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true,
      runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('the read-only root filesystem gets a writable /tmp, or the directories asked for', () => {
    const pod = (props: Partial<ConstructorParameters<typeof ExposedApp>[2]>) => objectsOf(appChart(props).chart, 'Deployment').api.spec.template.spec;
    expect(pod({}).volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    const custom = pod({ writablePaths: ['/tmp', '/var/cache/nginx'] });
    expect(custom.containers[0].volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }, { mountPath: '/var/cache/nginx', name: 'var-cache-nginx' }]);
    expect(custom.volumes).toEqual([{ name: 'tmp', emptyDir: {} }, { name: 'var-cache-nginx', emptyDir: {} }]);
    expect(pod({ writablePaths: [] }).volumes).toBeUndefined();
  });

  test('readiness defaults to TCP on the main port; HTTP, liveness and startup are configurable', () => {
    expect(objectsOf(appChart().chart, 'Deployment').api.spec.template.spec.containers[0].readinessProbe)
      .toEqual({ failureThreshold: 3, tcpSocket: { port: 8080 } });
    const { chart } = appChart({
      ports: [Port.tcp(8080, 'http'), Port.tcp(8081, 'admin')],
      readiness: Probe.http('/ready', { periodSeconds: 5 }),
      liveness: Probe.http('/live', { port: 'admin', failureThreshold: 5 }),
      startup: Probe.exec(['/bin/check']),
    });
    const container = objectsOf(chart, 'Deployment').api.spec.template.spec.containers[0];
    expect(container.readinessProbe).toEqual({ failureThreshold: 3, periodSeconds: 5, httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' } });
    expect(container.livenessProbe).toEqual({ failureThreshold: 5, httpGet: { path: '/live', port: 8081, scheme: 'HTTP' } });
    expect(container.startupProbe.exec).toEqual({ command: ['/bin/check'] });
  });

  test('NodePort is an opt-in with a validated node port', () => {
    const { chart } = appChart({ exposure: ServiceExposure.nodePort({ nodePort: 30080 }) });
    const service = objectsOf(chart, 'Service').api;
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.ports[0].nodePort).toBe(30080);
    validateAgainstSchema(chart.toJson());
    const wide = appChart({ exposure: ServiceExposure.nodePort({ nodePort: 20080, range: { min: 20000, max: 32767 } }) });
    expect(objectsOf(wide.chart, 'Service').api.spec.ports[0].nodePort).toBe(20080);
  });

  test('a LoadBalancer is restricted to its source ranges, and the pods accept exactly those', () => {
    const { chart } = appChart({
      exposure: ServiceExposure.loadBalancer({
        sourceRanges: [Cidr.of('203.0.113.0/24')],
        annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing' },
      }),
    });
    expect(yamlSnapshot(chart)).toMatchSnapshot();
    const service = objectsOf(chart, 'Service').api;
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['203.0.113.0/24'] });
    expect(service.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing' });
    const model = modelWithCluster(chart);
    expect(model).toAllowTraffic({ from: '203.0.113.7', to: 'shop/api', port: 8080 });
    expect(model).toDenyTraffic({ from: '198.51.100.1', to: 'shop/api', port: 8080 });
    validateAgainstSchema(chart.toJson());
  });

  test('a public LoadBalancer needs allowFromAnywhere, and then admits every address', () => {
    const { chart } = appChart({ exposure: ServiceExposure.loadBalancer({ allowFromAnywhere: true, externalTrafficPolicy: ExternalTrafficPolicy.CLUSTER }) });
    expect(objectsOf(chart, 'Service').api.spec.externalTrafficPolicy).toBe('Cluster');
    expect(objectsOf(chart, 'Service').api.spec.loadBalancerSourceRanges).toBeUndefined();
    expect(modelWithCluster(chart)).toAllowTraffic({ from: '198.51.100.1', to: 'shop/api', port: 8080 });
  });

  test('session affinity and topology-aware routing', () => {
    const { chart } = appChart({ sessionAffinity: SessionAffinity.clientIp(600), topologyAwareRouting: true });
    const service = objectsOf(chart, 'Service').api;
    expect(service.spec.sessionAffinity).toBe('ClientIP');
    expect(service.spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 600 } });
    expect(service.metadata.annotations).toEqual({ 'service.kubernetes.io/topology-mode': 'Auto' });
    validateAgainstSchema(chart.toJson());
  });

  test('DNS options are written, and custom nameservers are allowed as DNS egress', () => {
    const { chart } = appChart({ dns: DnsConfig.clusterFirst({ ndots: 2, nameservers: ['192.0.2.53'] }) });
    const pod = objectsOf(chart, 'Deployment').api.spec.template.spec;
    expect(pod.dnsPolicy).toBe('ClusterFirst');
    expect(pod.dnsConfig).toEqual({ nameservers: ['192.0.2.53'], options: [{ name: 'ndots', value: '2' }] });
    const model = modelWithCluster(chart);
    expect(model).toAllowTraffic({ from: 'shop/api', to: '192.0.2.53', port: 53, protocol: 'UDP' });
    expect(model).toDenyTraffic({ from: 'shop/api', to: '192.0.2.53', port: 80 });
  });

  test('hostNetwork is an opt-in and defaults DNS to ClusterFirstWithHostNet', () => {
    const chart = newChart();
    const ns = new SecureNamespace(chart, 'agents', { podSecurity: PodSecurityLevel.PRIVILEGED });
    new ExposedApp(chart, 'api', { namespace: ns, image: 'acme/api:1.4.2', ports: [Port.tcp(8080, 'http')], hostNetwork: true });
    const pod = objectsOf(chart, 'Deployment').api.spec.template.spec;
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe('ClusterFirstWithHostNet');
  });

  test('hostNetwork in a namespace that enforces baseline or restricted is refused at construction', () => {
    expect(() => appChart({ hostNetwork: true })).toThrow('test/api: hostNetwork is refused by Pod Security "restricted", which namespace shop enforces (control "Host Namespaces"). Run it in a namespace with podSecurity: PodSecurityLevel.PRIVILEGED, or drop hostNetwork.');
  });

  test('runAsUser 0 is refused: runAsNonRoot is always written, and the kubelet would not start the pod', () => {
    expect(() => appChart({ runAsUser: 0 })).toThrow('test/api: runAsUser 0 is not a non-root user id: the pod runs with runAsNonRoot: true, so the kubelet refuses to start it as root (and Pod Security restricted forbids it). Use the image\'s non-root user id, e.g. 1000, or omit runAsUser to use the image\'s user.');
  });

  test('resources a small service can live with, and pulls by pinning', () => {
    const container = objectsOf(appChart().chart, 'Deployment').api.spec.template.spec.containers[0];
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    const latest = objectsOf(appChart({ image: 'acme/api:latest' }).chart, 'Deployment').api.spec.template.spec.containers[0];
    expect(latest.imagePullPolicy).toBe('Always');
    const untagged = objectsOf(appChart({ image: 'registry.local:5000/acme/api' }).chart, 'Deployment').api.spec.template.spec.containers[0];
    expect(untagged.imagePullPolicy).toBe('Always');
    const digest = objectsOf(appChart({ image: 'acme/api@sha256:' + 'a'.repeat(64) }).chart, 'Deployment').api.spec.template.spec.containers[0];
    expect(digest.imagePullPolicy).toBe('IfNotPresent');
  });

  test('serviceAccount: its own ServiceAccount, named, with the token mounted', () => {
    const { chart, app } = appChart({ serviceAccount: true });
    const pod = objectsOf(chart, 'Deployment').api.spec.template.spec;
    expect(pod.serviceAccountName).toBe('api');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(objectsOf(chart, 'ServiceAccount').api.metadata).toEqual({ name: 'api', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'api' } });
    expect(app.serviceAccount?.name).toBe('api');
    const plain = objectsOf(appChart().chart, 'Deployment').api.spec.template.spec;
    expect(plain.automountServiceAccountToken).toBe(false);
    expect(plain.serviceAccountName).toBeUndefined();
  });

  test('discovery: service name, FQDN and URL', () => {
    const { app } = appChart({ ports: [Port.tcp(8080, 'http'), Port.tcp(9090, 'metrics')], servicePort: 80 });
    expect(app.serviceName).toBe('api');
    expect(app.fqdn).toBe('api.shop.svc.cluster.local');
    expect(app.url()).toBe('http://api.shop.svc.cluster.local:80');
    expect(app.url('http', 'metrics')).toBe('http://api.shop.svc.cluster.local:9090');
    expect(appChart({ clusterDomain: 'corp.internal' }).app.fqdn).toBe('api.shop.svc.corp.internal');
  });

  test('the escape hatch reaches fields we do not model', () => {
    const { chart, app } = appChart();
    ApiObject.of(app.service).addJsonPatch(JsonPatch.add('/spec/ipFamilyPolicy', 'PreferDualStack'));
    expect(objectsOf(chart, 'Service').api.spec.ipFamilyPolicy).toBe('PreferDualStack');
  });

  test('DNS egress is written once: by the SecureNamespace, or by the app when it stands alone', () => {
    const inNamespace = objectsOf(appChart().chart, 'NetworkPolicy');
    expect(inNamespace.api.spec.egress).toBeUndefined();
    expect(inNamespace['allow-dns'].spec.egress[0].ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
    const chart = newChart();
    new ExposedApp(chart, 'solo', { namespace: 'legacy', image: 'a:1', ports: [Port.tcp(80, 'http')] });
    expect(objectsOf(chart, 'NetworkPolicy').solo.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
    }]);
    expect(modelWithCluster(chart)).toAllowTraffic({ from: 'legacy/solo', to: 'kube-system/coredns', port: 53, protocol: 'UDP' });
  });

  test('the chart namespace applies when no namespace is given', () => {
    const chart = newChart();
    const app = new ExposedApp(chart, 'solo', { image: 'a:1', ports: [Port.tcp(80, 'http')] });
    expect(app.namespaceName).toBe('default');
    expect(objectsOf(chart, 'Service').solo.metadata.namespace).toBe('default');
  });
});

describe('ExposedApp intents', () => {
  function shop() {
    const chart = newChart();
    const ns = new SecureNamespace(chart, 'shop');
    const db = new ExposedApp(chart, 'db', { namespace: ns, image: 'postgres:16', ports: [Port.tcp(5432, 'postgres')] });
    const api = new ExposedApp(chart, 'api', { namespace: ns, image: 'acme/api:1', ports: [Port.tcp(8080, 'http'), Port.tcp(9090, 'metrics')] });
    const web = new ExposedApp(chart, 'web', { namespace: ns, image: 'acme/web:1', ports: [Port.tcp(8080, 'http')] });
    return { chart, ns, db, api, web };
  }

  test('connectTo writes egress on the client and ingress on the server, by port name', () => {
    const { chart, api, web } = shop();
    web.connectTo(api, 'http');
    const policies = objectsOf(chart, 'NetworkPolicy');
    expect(policies.web.spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } }], ports: [{ port: 'http', protocol: 'TCP' }] });
    expect(policies.api.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }], ports: [{ port: 'http', protocol: 'TCP' }] }]);
  });

  test('web reaches api on its named port, and nothing else does', () => {
    const { chart, db, api, web } = shop();
    web.connectTo(api, 'http');
    api.connectTo(db);
    const model = modelWithCluster(chart);
    expect(model).toAllowTraffic({ from: 'shop/web', to: 'shop/api', port: 8080 });
    expect(model).toDenyTraffic({ from: 'shop/web', to: 'shop/api', port: 9090 });
    expect(model).toAllowTraffic({ from: 'shop/api', to: 'shop/db', port: 5432 });
    expect(model).toDenyTraffic({ from: 'shop/web', to: 'shop/db', port: 5432 });
    expect(model).toDenyTraffic({ from: 'shop/db', to: 'shop/api', port: 8080 });
    expect(model).toDenyTraffic({ from: 'shop/api', to: 'shop/web', port: 8080 });
    expect(model).toDenyTraffic({ from: 'ingress-nginx/ingress-nginx-controller', to: 'shop/web', port: 8080 });
  });

  test('connectTo across namespaces matches the namespace by kubernetes.io/metadata.name', () => {
    const chart = newChart();
    const front = new SecureNamespace(chart, 'front');
    const back = new SecureNamespace(chart, 'back');
    const api = new ExposedApp(chart, 'api', { namespace: back, image: 'a:1', ports: [Port.tcp(8080, 'http')] });
    const web = new ExposedApp(chart, 'web', { namespace: front, image: 'w:1', ports: [Port.tcp(8080, 'http')] });
    web.connectTo(api);
    const policies = chart.toJson().filter((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'api') as any[];
    expect(policies[0].spec.ingress[0].from).toEqual([{
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'front' } },
    }]);
    const model = modelWithCluster(chart);
    expect(model).toAllowTraffic({ from: 'front/web', to: 'back/api', port: 8080 });
    expect(model).toDenyTraffic({ from: 'back/api', to: 'front/web', port: 8080 });
  });

  test('repeating an intent changes nothing, and intent order does not change the YAML', () => {
    const first = shop();
    first.web.connectTo(first.api);
    first.api.connectTo(first.db);
    first.web.connectTo(first.api);
    const second = shop();
    second.api.connectTo(second.db);
    second.web.connectTo(second.api);
    expect(yamlText(first.chart)).toBe(yamlText(second.chart));
  });

  test('allowFrom and allowEgressTo open one side only', () => {
    const { chart, api } = shop();
    api.allowFrom(Peer.namespace({ purpose: 'monitoring' }), 'metrics');
    api.allowEgressTo(Peer.internet(), Port.tcp(443));
    const model = modelWithCluster(chart);
    expect(model).toAllowTraffic({ from: 'monitoring/prometheus', to: 'shop/api', port: 9090 });
    expect(model).toDenyTraffic({ from: 'monitoring/prometheus', to: 'shop/api', port: 8080 });
    expect(model).toAllowTraffic({ from: 'shop/api', to: '203.0.113.7', port: 443 });
    expect(model).toDenyTraffic({ from: 'shop/api', to: '10.1.2.3', port: 443 });
    expect(model).toDenyTraffic({ from: 'shop/api', to: '169.254.169.254', port: 443 });
    expect(model).toDenyTraffic({ from: 'shop/api', to: '203.0.113.7', port: 80 });
  });

  test('egress ports are written by number, so a named Port still reaches an address', () => {
    const { chart, api } = shop();
    api.allowEgressTo(Peer.internet(), Port.tcp(443, 'https'));
    expect(objectsOf(chart, 'NetworkPolicy').api.spec.egress).toContainEqual(expect.objectContaining({ ports: [{ port: 443, protocol: 'TCP' }] }));
    expect(modelWithCluster(chart)).toAllowTraffic({ from: 'shop/api', to: '203.0.113.7', port: 443 });
  });

  test('a failed connectTo leaves no half-open connection behind', () => {
    const { chart, api, web } = shop();
    const before = JSON.stringify(chart.toJson());
    expect(() => web.connectTo(api, Port.tcp(7000))).toThrow('test/web: TCP 7000 is not a port test/api accepts (it accepts: TCP 8080 (http), TCP 9090 (metrics)). Declare the port on that workload, or use one of those.');
    expect(JSON.stringify(chart.toJson())).toBe(before);
  });

  test('synthesizing twice gives byte-identical YAML', () => {
    const build = () => {
      const s = shop();
      s.web.connectTo(s.api);
      s.api.connectTo(s.db);
      return yamlText(s.chart);
    };
    expect(build()).toBe(build());
  });
});

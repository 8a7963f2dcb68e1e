/**
 * Lint precision, second round: false errors and warnings nobody acts on, found by running
 * netkit over public manifests it was never tuned to. Each case is the shape that was reported
 * wrongly, next to the shape that still must be reported.
 */
import { describe, expect, test } from 'vitest';
import { Finding, NetworkModel, Severity, lint } from '../../lib';
import { Obj, namespace, workload } from '../helpers/k8s';

const service = (ns: string, name: string, spec: Obj, labels: Record<string, string> = {}): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, labels }, spec });
const of = (findings: Finding[], rule: string) => findings.filter((f) => f.rule === rule);
const containers = (w: Obj, list: Obj[]) => { w.spec.template.spec.containers = list; return w; };

describe('false errors', () => {
  test('prometheus-operator Services target the port names the operator gives its containers', () => {
    const alertmanager = { apiVersion: 'monitoring.coreos.com/v1', kind: 'Alertmanager', metadata: { name: 'main', namespace: 'monitoring' }, spec: { replicas: 3, podMetadata: { labels: { 'app.kubernetes.io/part-of': 'kube-prometheus' } } } };
    const svc = service('monitoring', 'alertmanager-main', { selector: { 'app.kubernetes.io/name': 'alertmanager', 'app.kubernetes.io/part-of': 'kube-prometheus' }, ports: [{ name: 'web', port: 9093, targetPort: 'web' }, { name: 'reloader-web', port: 8080, targetPort: 'reloader-web' }] });
    const findings = lint([alertmanager, svc]);
    expect(of(findings, 'service-target-port-undeclared')).toEqual([]);
    // A name the operator does not give is still an error.
    const typo = service('monitoring', 'am', { selector: { 'app.kubernetes.io/name': 'alertmanager' }, ports: [{ name: 'web', port: 9093, targetPort: 'wbe' }] });
    expect(of(lint([alertmanager, typo]), 'service-target-port-undeclared').map((f) => f.severity)).toEqual(['error']);
  });

  test('a Namespace declared twice where the second copy only adds labels is a warning that says so', () => {
    const plain = namespace('shop');
    const labelled = namespace('shop', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const [finding] = of(lint([plain, labelled]), 'duplicate-object');
    expect(finding.severity).toBe(Severity.WARNING);
    expect(finding.message).toBe('is defined again at input, which adds pod-security.kubernetes.io/enforce=restricted; the copies apply cleanly and the last one is what the cluster holds, but Argo CD and kustomize refuse duplicate objects');
    // Copies that differ in what they say beyond labels: one is lost, an error.
    const a = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' }, data: { mode: 'a' } };
    const b = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' }, data: { mode: 'b' } };
    expect(of(lint([a, b]), 'duplicate-object').map((f) => f.severity)).toEqual([Severity.ERROR]);
  });
});

test('an Ingress whose backend Service is not in the input may be served from elsewhere: a warning; an error with the whole input', () => {
  const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'grafana', namespace: 'monitoring' }, spec: { ingressClassName: 'nginx', rules: [{ host: 'grafana.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'grafana', port: { name: 'http' } } } }] } }] } };
  expect(of(lint([ingress]), 'ingress-backend-missing').map((f) => f.severity)).toEqual([Severity.WARNING]);
  expect(of(lint([ingress], { wholeNamespaces: true }), 'ingress-backend-missing').map((f) => f.severity)).toEqual([Severity.ERROR]);
  // A Service that exists without the port: requests cannot work, an error either way.
  const svc = service('monitoring', 'grafana', { selector: { app: 'grafana' }, ports: [{ name: 'web', port: 3000 }] });
  expect(of(lint([ingress, svc]), 'ingress-backend-missing').map((f) => f.severity)).toEqual([Severity.ERROR]);
});

describe('one finding per decision, severity by consequence', () => {
  test('a CNI agent that is privileged and adds NET_RAW: one info naming the choice, not one warning per container', () => {
    const agent = containers(workload('kube-system', 'cni-agent', { app: 'agent' }, { kind: 'DaemonSet' }), [
      { name: 'agent', image: 'cni/agent:1.0', securityContext: { privileged: true } },
      { name: 'mount', image: 'cni/agent:1.0', securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } } },
    ]);
    const findings = of(lint([agent]), 'drop-net-raw-capability');
    expect(findings.map((f) => `${f.severity}: ${f.message}`)).toEqual(['info: keeps NET_RAW by choice: agent (privileged), mount (adds NET_RAW); it can forge packets on the node\'s network, which node agents such as CNIs and mesh init containers need']);
    const careless = containers(workload('a', 'web', { app: 'web' }), [{ name: 'web', image: 'w:1' }, { name: 'log', image: 'l:1' }]);
    expect(of(lint([careless]), 'drop-net-raw-capability').map((f) => `${f.severity}: ${f.message}`)).toEqual(['warning: containers web, log do not drop NET_RAW, which the runtime grants by default']);
  });

  test('unpinned images: one finding per workload', () => {
    const w = containers(workload('a', 'web', { app: 'web' }), [{ name: 'web', image: 'acme/web' }, { name: 'proxy', image: 'envoy:latest' }]);
    expect(of(lint([w]), 'image-not-pinned').map((f) => f.message)).toEqual(['containers web ("acme/web"), proxy ("envoy:latest") run images that are not pinned to a version']);
  });

  test('system namespaces are not advised to default-deny unless asked', () => {
    const dns = workload('kube-system', 'coredns', { 'k8s-app': 'kube-dns' });
    const app = workload('shop', 'web', { app: 'web' });
    expect(of(lint([dns, app]), 'namespace-without-default-deny').map((f) => f.message.split(' has')[0])).toEqual(['namespace shop']);
    expect(of(lint([dns, app], { systemNamespaces: [] }), 'namespace-without-default-deny')).toHaveLength(2);
    expect(of(lint([dns, app], { systemNamespaces: ['shop'] }), 'namespace-without-default-deny').map((f) => f.message.split(' has')[0])).toEqual(['namespace kube-system']);
    // With the namespace rule off, workload-not-isolated speaks for it, and skips them too.
    expect(of(lint([dns, app], { disable: ['namespace-without-default-deny'] }), 'workload-not-isolated')).toHaveLength(1);
  });
});

describe('readiness where users are served', () => {
  test('a Service that only exposes metrics, by its port names or its ServiceMonitor, asks no readiness probe', () => {
    const exporter = workload('monitoring', 'exporter', { app: 'exporter' }, { ports: [{ name: 'metrics', containerPort: 9100 }] });
    const byName = service('monitoring', 'exporter', { selector: { app: 'exporter' }, ports: [{ name: 'http-metrics', port: 9100, targetPort: 'metrics' }] });
    expect(of(lint([exporter, byName]), 'readiness-probe-missing')).toEqual([]);
    const ksm = workload('monitoring', 'ksm', { app: 'ksm' }, { ports: [{ name: 'https-main', containerPort: 8443 }] });
    const ksmService = service('monitoring', 'ksm', { selector: { app: 'ksm' }, ports: [{ name: 'https-main', port: 8443, targetPort: 'https-main' }] }, { app: 'ksm' });
    const monitor = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'ksm', namespace: 'monitoring' }, spec: { selector: { matchLabels: { app: 'ksm' } }, endpoints: [{ port: 'https-main' }] } };
    expect(of(lint([ksm, ksmService]), 'readiness-probe-missing')).toHaveLength(1);
    expect(of(lint([ksm, ksmService, monitor]), 'readiness-probe-missing')).toEqual([]);
    // A Service users call still needs one.
    const api = workload('shop', 'api', { app: 'api' }, { ports: [{ name: 'http', containerPort: 8080 }] });
    expect(of(lint([api, service('shop', 'api', { selector: { app: 'api' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] })]), 'readiness-probe-missing')).toHaveLength(1);
  });

  test('a sidecar proxy in front of the app is ready when its upstream is: not reported', () => {
    const pod = containers(workload('shop', 'api', { app: 'api' }), [
      { name: 'api', image: 'acme/api:1', ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { httpGet: { port: 'http', path: '/ready' } } },
      { name: 'kube-rbac-proxy', image: 'quay.io/brancz/kube-rbac-proxy:v0.18.0', args: ['--secure-listen-address=:8443', '--upstream=http://127.0.0.1:8080/'], ports: [{ name: 'https', containerPort: 8443 }] },
    ]);
    expect(of(lint([pod, service('shop', 'api', { selector: { app: 'api' }, ports: [{ name: 'https', port: 443, targetPort: 'https' }] })]), 'readiness-probe-missing')).toEqual([]);
  });
});

describe('legacy networking annotations say what they no longer do', () => {
  test('the old default-deny annotation on a Namespace, tolerate-unready-endpoints on a Service, the beta pod hostname', () => {
    const ns = { ...namespace('legacy'), metadata: { name: 'legacy', annotations: { 'net.beta.kubernetes.io/network-policy': '{"ingress":{"isolation":"DefaultDeny"}}' } } };
    const svc: Obj = { ...service('legacy', 'peers', { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] }), metadata: { name: 'peers', namespace: 'legacy', annotations: { 'service.alpha.kubernetes.io/tolerate-unready-endpoints': 'true' } } };
    const fixed = { ...svc, spec: { ...svc.spec, publishNotReadyAddresses: true } };
    const pod = workload('legacy', 'db', { app: 'db' });
    pod.spec.template.metadata.annotations = { 'pod.beta.kubernetes.io/hostname': 'db-0' };
    const findings = of(lint([ns, svc, pod]), 'legacy-networking-annotation');
    expect(findings.map((f) => `${f.object.kind} ${f.severity}: ${f.message.split(';')[0]}`).sort()).toEqual([
      'Deployment warning: the pod template\'s annotation pod.beta.kubernetes.io/hostname was the beta way to set the pod\'s hostname, and with it its DNS name under a headless Service',
      'Namespace warning: annotation net.beta.kubernetes.io/network-policy was the beta way (Kubernetes 1.3-1.6) to deny ingress by default in the namespace',
      'Service warning: annotation service.alpha.kubernetes.io/tolerate-unready-endpoints used to publish endpoints of pods that are not ready',
    ]);
    expect(of(lint([fixed]), 'legacy-networking-annotation').map((f) => f.severity)).toEqual([Severity.INFO]);
  });
});

describe('every name netkit prints is a name reach accepts', () => {
  test('an operator-made workload beside a StatefulSet of the same name', () => {
    const alertmanager = { apiVersion: 'monitoring.coreos.com/v1', kind: 'Alertmanager', metadata: { name: 'main', namespace: 'monitoring' }, spec: {} };
    const real = workload('monitoring', 'alertmanager-main', { alertmanager: 'main' }, { kind: 'StatefulSet' });
    for (const objects of [[alertmanager], [alertmanager, real]]) {
      const model = NetworkModel.fromObjects(objects);
      const printed = [
        ...model.matrix().endpoints.filter((e) => e.includes('/')),
        ...model.notices.flatMap((n) => [...n.matchAll(/workload ([a-z0-9-]+\/[a-z0-9-]+) \(([a-z0-9-]+\/[a-z]+\/[a-z0-9-]+) where/g)].flatMap((m) => (objects.length === 2 ? [m[2]] : [m[1], m[2]]))),
        ...model.exposure().map((e) => e.workload),
      ];
      expect(printed.length).toBeGreaterThan(0);
      for (const ref of printed) expect(() => model.check({ from: ref, to: '203.0.113.7', port: 443 }), ref).not.toThrow();
    }
  });
});

/**
 * What kube-linter, kube-score and Polaris check about networking, each written from the
 * rule's documentation (not copied fixtures): a failing and a passing case per behaviour.
 */
import { describe, expect, test } from 'vitest';
import { EgressIsolationScope, Finding, LintOptions, lint } from '../../lib';
import { Obj, policy, workload } from '../helpers/k8s';

const service = (ns: string, name: string, spec: Obj, labels?: Record<string, string>): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, ...(labels ? { labels } : {}) }, spec });
const rule = (objects: Obj[], id: string, options?: LintOptions): Finding[] => lint(objects, options).filter((f) => f.rule === id);
const withContainer = (w: Obj, extra: Obj) => { Object.assign(w.spec.template.spec.containers[0], extra); return w; };

describe('unnamed objects are linted under a stand-in name, not skipped', () => {
  test('a Deployment without metadata.name still gets its probe checked', () => {
    const unnamed = withContainer(workload('a', 'x', { app: 'x' }, { ports: [{ containerPort: 8080 }] }), { readinessProbe: { httpGet: { port: 'http' } } });
    delete unnamed.metadata.name;
    const [finding] = rule([unnamed], 'probe-port-undeclared');
    expect(finding.object.name).toBe('<unnamed Deployment #1 in input>');
  });
});

describe('probes on ports the container does not serve', () => {
  test('a numeric probe port no container declares works: one info per container, naming every probe that uses it', () => {
    const declared = withContainer(workload('a', 'web', { app: 'web' }, { ports: [{ containerPort: 8080 }] }), { livenessProbe: { tcpSocket: { port: 8080 } } });
    const undeclared = withContainer(workload('a', 'web', { app: 'web' }, { ports: [{ containerPort: 8080 }] }), { livenessProbe: { tcpSocket: { port: 9090 } } });
    expect(rule([declared], 'probe-port-undeclared')).toEqual([]);
    expect(rule([undeclared], 'probe-port-undeclared').map((f) => `${f.severity}: ${f.message}`)).toEqual(['info: the liveness probe of container main uses port 9090, which no container declares; the probe works (the kubelet connects to the number), but tools that read declared ports do not see it']);
    const three = withContainer(workload('a', 'web', { app: 'web' }, { ports: [{ containerPort: 8080 }] }), { readinessProbe: { httpGet: { port: 9090, path: '/' } }, livenessProbe: { httpGet: { port: 9090, path: '/' } }, startupProbe: { tcpSocket: { port: 9090 } } });
    expect(rule([three], 'probe-port-undeclared').map((f) => f.message)).toEqual(['readiness, liveness and startup probes of container main use port 9090, which no container declares; the probe works (the kubelet connects to the number), but tools that read declared ports do not see it']);
    const named = withContainer(workload('a', 'web', { app: 'web' }, { ports: [{ containerPort: 8080 }] }), { readinessProbe: { httpGet: { port: 'http', path: '/' } }, livenessProbe: { httpGet: { port: 'http', path: '/' } } });
    expect(rule([named], 'probe-port-undeclared').map((f) => `${f.severity}: ${f.message}`)).toEqual(['error: readiness and liveness probes of container main use port "http", which the container does not declare, so the probe fails']);
  });

  test('a named probe port declared for UDP is an error: probes connect over TCP', () => {
    const udp = withContainer(workload('a', 'dns', { app: 'dns' }, { ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] }), { readinessProbe: { tcpSocket: { port: 'dns' } } });
    const tcp = withContainer(workload('a', 'dns', { app: 'dns' }, { ports: [{ name: 'dns-tcp', containerPort: 53, protocol: 'TCP' }] }), { readinessProbe: { tcpSocket: { port: 'dns-tcp' } } });
    expect(rule([udp], 'probe-port-undeclared').map((f) => f.severity)).toEqual(['error']);
    expect(rule([tcp], 'probe-port-undeclared')).toEqual([]);
  });
});

describe('isolation both ways, by choice', () => {
  const app = workload('a', 'web', { app: 'web' });
  const denyIngress = policy('a', 'deny', { podSelector: {}, policyTypes: ['Ingress'] });
  const denyBoth = policy('a', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

  test('by default, egress isolation is checked where ingress is denied by default', () => {
    expect(rule([app, denyIngress], 'workload-not-egress-isolated').map((f) => f.message)).toEqual(['no NetworkPolicy isolates its pods for egress, so it may connect anywhere, though namespace a denies ingress by default']);
    expect(rule([app, denyBoth], 'workload-not-egress-isolated')).toEqual([]);
    expect(rule([app], 'workload-not-egress-isolated')).toEqual([]);
  });

  test('everywhere, or off', () => {
    expect(rule([app], 'workload-not-egress-isolated', { egressIsolation: EgressIsolationScope.EVERYWHERE })).toHaveLength(1);
    expect(rule([app, denyIngress], 'workload-not-egress-isolated', { egressIsolation: EgressIsolationScope.OFF })).toEqual([]);
  });

  test("Polaris's reading: a selecting policy needs at least one rule each way", () => {
    const options: LintOptions = { requireRulesBothWays: true, disable: ['namespace-without-default-deny'] };
    const both = policy('a', 'web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'], ingress: [{ ports: [{ port: 80 }] }], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] });
    expect(rule([app, denyBoth], 'workload-not-isolated', options)).toHaveLength(1);
    expect(rule([app, both], 'workload-not-isolated', options)).toEqual([]);
    expect(rule([app, denyBoth], 'workload-not-isolated', { disable: ['namespace-without-default-deny'] })).toEqual([]);
  });
});

describe('one rule for partial input', () => {
  const stray = service('b', 'orphan', { selector: { app: 'gone' }, ports: [{ port: 80 }] });

  test('a namespace with no workload in the input is not judged, unless the input is the whole namespace', () => {
    expect(rule([stray], 'service-selector-no-match')).toEqual([]);
    expect(rule([stray], 'service-selector-no-match', { wholeNamespaces: true })).toHaveLength(1);
    const lonePolicy = policy('b', 'p', { podSelector: { matchLabels: { app: 'gone' } } });
    expect(rule([lonePolicy], 'policy-selects-nothing')).toEqual([]);
    expect(rule([lonePolicy], 'policy-selects-nothing', { wholeNamespaces: true })).toHaveLength(1);
  });
});

describe('container-side checks', () => {
  test('SSH declared as a container port, not only on a Service', () => {
    expect(rule([workload('a', 'box', { app: 'box' }, { ports: [{ containerPort: 22 }] })], 'sensitive-port-exposed').map((f) => f.message)).toEqual(['it serves 22 (SSH)']);
    expect(rule([workload('a', 'box', { app: 'box' }, { ports: [{ containerPort: 2222 }] })], 'sensitive-port-exposed')).toEqual([]);
  });

  test('one finding per workload, naming the Service in front of it; a Service alone only for what no workload declares', () => {
    const box = workload('a', 'box', { app: 'box' }, { ports: [{ name: 'ssh', containerPort: 22 }] });
    const front = service('a', 'box', { selector: { app: 'box' }, ports: [{ name: 'ssh', port: 22, targetPort: 'ssh' }] });
    expect(rule([box, front], 'sensitive-port-exposed').map((f) => `${f.object.kind}: ${f.message}`)).toEqual(['Deployment: it serves 22 (SSH), exposed by Service a/box']);
    const orphan = service('a', 'jump', { selector: { app: 'elsewhere' }, ports: [{ port: 22 }] });
    expect(rule([orphan], 'sensitive-port-exposed').map((f) => `${f.object.kind}: ${f.message}`)).toEqual(['Service: it exposes port 22 (SSH)']);
  });

  test('port 10250 is the kubelet\'s on the node, not a pod\'s: metrics-server serving it is no finding', () => {
    const metrics = workload('kube-system', 'metrics-server', { k8s: 'ms' }, { ports: [{ name: 'https', containerPort: 10250 }] });
    const svc = service('kube-system', 'metrics-server', { selector: { k8s: 'ms' }, ports: [{ name: 'https', port: 443, targetPort: 'https' }] });
    expect(rule([metrics, svc], 'sensitive-port-exposed')).toEqual([]);
  });

  test('a Service targetPort must be 1-65535 or a port name', () => {
    const target = (targetPort: unknown) => service('a', 's', { selector: { app: 'x' }, ports: [{ port: 80, targetPort }] });
    expect(rule([target(123456)], 'invalid-port-name').map((f) => f.message)).toEqual(['targetPort 123456 is not a port number (1-65535)']);
    expect(rule([target('Not_A_Name')], 'invalid-port-name')).toHaveLength(1);
    expect(rule([target(8080)], 'invalid-port-name')).toEqual([]);
    expect(rule([target('http')], 'invalid-port-name')).toEqual([]);
  });

  test('a port name used twice in one pod', () => {
    const twice = workload('a', 'web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] });
    twice.spec.template.spec.containers.push({ name: 'side', image: 'x:1', ports: [{ name: 'http', containerPort: 9090 }] });
    expect(rule([twice], 'invalid-port-name').map((f) => f.message)).toEqual(['container port name "http" is used twice in the pod (names are unique across its containers)']);
  });

  test('NET_RAW must be dropped (drop ALL does it)', () => {
    expect(rule([workload('a', 'web', { app: 'web' })], 'drop-net-raw-capability').map((f) => f.message)).toEqual(['container main does not drop NET_RAW, which the runtime grants by default']);
    expect(rule([withContainer(workload('a', 'web', { app: 'web' }), { securityContext: { capabilities: { drop: ['NET_RAW'] } } })], 'drop-net-raw-capability')).toEqual([]);
  });

  test('a ServiceMonitor matches Services by their labels; a PodMonitor matches pods', () => {
    const monitor = (kind: string, labels: Record<string, string>) => ({ apiVersion: 'monitoring.coreos.com/v1', kind, metadata: { name: 'm', namespace: 'a' }, spec: { selector: { matchLabels: labels } } });
    const app = workload('a', 'web', { app: 'web' });
    const labelled = service('a', 'web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] }, { team: 'shop' });
    expect(rule([app, labelled, monitor('ServiceMonitor', { team: 'shop' })], 'monitor-selects-nothing')).toEqual([]);
    // The Service's selector is not its labels: a classic mistake.
    expect(rule([app, labelled, monitor('ServiceMonitor', { app: 'web' })], 'monitor-selects-nothing')).toHaveLength(1);
    expect(rule([app, monitor('PodMonitor', { app: 'web' })], 'monitor-selects-nothing')).toEqual([]);
    expect(rule([app, monitor('PodMonitor', { app: 'api' })], 'monitor-selects-nothing')).toHaveLength(1);
  });
});

describe('strictness profiles', () => {
  test('every LoadBalancer as exposure, off by default', () => {
    const lb = service('a', 'lb', { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'], ports: [{ port: 443 }] });
    expect(rule([lb], 'loadbalancer-without-source-ranges')).toEqual([]);
    expect(rule([lb], 'loadbalancer-without-source-ranges', { everyLoadBalancerIsExposure: true })).toHaveLength(1);
  });
});

describe('two noisy findings fixed', () => {
  const ingress = (name: string, port: Obj, pathType?: string) => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'a' },
    spec: { ingressClassName: 'nginx', rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', ...(pathType ? { pathType } : {}), backend: { service: { name: 'web', port } } }] } }] },
  });
  const web = service('a', 'web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] });

  test('the same Service port by number and by name is one backend', () => {
    expect(rule([web, ingress('one', { number: 80 }, 'Prefix'), ingress('two', { name: 'http' }, 'Prefix')], 'ingress-duplicate-path')).toEqual([]);
    const clash = rule([web, service('a', 'web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }, { name: 'admin', port: 81 }] }), ingress('one', { number: 80 }), ingress('two', { name: 'admin' })], 'ingress-duplicate-path');
    expect(clash.map((f) => f.message)).toEqual(['shop.example.com/ (no pathType) is also routed by Ingress a/one to another backend (web:80, here web:81)']);
  });

  test('a Service port without a number is schema-invalid, not a duplicate', () => {
    const broken = service('a', 's', { ports: [{ name: 'a', targetPort: 80 }, { name: 'b', targetPort: 81 }] });
    expect(rule([broken], 'duplicate-service-port')).toEqual([]);
    expect(rule([broken], 'schema-invalid')).toHaveLength(1);
  });
});

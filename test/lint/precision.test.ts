/**
 * Lint precision: every error real, one finding per decision. Each case is written from the
 * Kubernetes documentation of the behaviour, with the input that used to be a false
 * positive as a passing case.
 */
import { describe, expect, test } from 'vitest';
import { Finding, NetworkModel, formatFinding, lint } from '../../lib';
import { Obj, namespace, policy, workload } from '../helpers/k8s';

const service = (ns: string, name: string, spec: Obj): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec });
const of = (findings: Finding[], rule: string) => findings.filter((f) => f.rule === rule);
const withPod = (w: Obj, change: (podSpec: Obj) => void) => {
  change(w.kind === 'CronJob' ? w.spec.jobTemplate.spec.template.spec : w.spec.template.spec);
  return w;
};

describe('no false errors', () => {
  test('status, as kubectl get -o yaml and kompose write it, is a field of kinds that have one', () => {
    const deployment = { ...workload('a', 'web', { app: 'web' }), status: {} };
    const svc = { ...service('a', 'web', { selector: { app: 'web' }, ports: [{ port: 80 }] }), status: { loadBalancer: {} } };
    expect(of(lint([deployment, svc]), 'unknown-field')).toEqual([]);
    // A ConfigMap has no status: there it is a real mistake.
    expect(of(lint([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'a' }, status: {} }]), 'unknown-field')).toHaveLength(1);
  });

  test('nodePort: 0 means "not set", and the API server allocates one', () => {
    const nodePort = (value: number) => service('a', 'web', { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: value }] });
    expect(of(lint([nodePort(0)]), 'nodeport-out-of-range')).toEqual([]);
    expect(of(lint([nodePort(80)]), 'nodeport-out-of-range')).toHaveLength(1);
  });

  test('a StatefulSet whose Service is not in the input is a warning that says what per-pod DNS needs', () => {
    const set = { ...workload('a', 'db', { app: 'db' }, { kind: 'StatefulSet' }) };
    set.spec.serviceName = 'db';
    const [finding] = of(lint([set]), 'statefulset-service');
    expect(finding.severity).toBe('warning');
    expect(finding.message).toBe('its serviceName "db" names no Service in namespace a in the input; its pods get stable DNS names (db-0.db.a.svc) only once a headless Service of that name selects them');
    const notHeadless = of(lint([set, service('a', 'db', { selector: { app: 'db' }, ports: [{ port: 5432 }] })]), 'statefulset-service');
    expect(notHeadless.map((f) => f.severity)).toEqual(['warning']);
    expect(notHeadless[0].message).toContain('an ordinary ClusterIP Service (clusterIP is not None): the pods run and the Service load-balances, but they get no per-pod DNS names (db-0.db.a.svc)');
  });

  describe('DNS egress that is not kube-system:53', () => {
    const app = workload('a', 'web', { app: 'web' });
    const egressTo = (peer: Obj, port: number) => policy('a', 'p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [peer], ports: [{ port, protocol: 'UDP' }] }] });

    test("OpenShift's DNS (openshift-dns, port 5353) is recognised", () => {
      const openshift = egressTo({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } }, podSelector: { matchLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } } }, 5353);
      expect(of(lint([app, openshift]), 'egress-without-dns')).toEqual([]);
    });

    test("NodeLocal DNSCache's link-local address is recognised", () => {
      expect(of(lint([app, egressTo({ ipBlock: { cidr: '169.254.20.10/32' } }, 53)]), 'egress-without-dns')).toEqual([]);
    });

    describe('where a NodeLocal DNSCache in the input answers lookups on the node', () => {
      const cache = (localip: string) => {
        const w = workload('kube-system', 'node-local-dns', { 'k8s-app': 'node-local-dns' }, { kind: 'DaemonSet', hostNetwork: true, ports: [{ containerPort: 53, protocol: 'UDP' }] });
        w.spec.template.spec.containers[0].args = ['-localip', localip, '-conf', '/etc/Corefile'];
        return w;
      };
      const toDnsPods = egressTo({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }, 53);

      test('egress to the DNS pods alone is a warning that names the addresses to allow', () => {
        const [finding, ...rest] = of(lint([app, cache('169.254.20.10,10.96.0.10'), toDnsPods]), 'egress-without-dns');
        expect(rest).toEqual([]);
        expect(finding.severity).toBe('warning');
        expect(finding.object).toMatchObject({ kind: 'Deployment', namespace: 'a', name: 'web' });
        expect(finding.message).toBe('it is isolated for egress by a/p, whose DNS egress reaches the DNS pods, but NodeLocal DNSCache kube-system/node-local-dns answers lookups on each node at 169.254.20.10, 10.96.0.10, which no rule allows: its lookups go to the cache, not to a DNS pod, and most network plugins drop them (the upstream nodelocaldns README asks for an ipBlock)');
        expect(finding.fix).toBe("Allow UDP and TCP 53 to the cache's addresses as well: SecureNamespace's dnsServers: [cache.peer, Peer.clusterDns()], or an egress ipBlock on 169.254.20.10/32, 10.96.0.10/32.");
      });

      test('an ipBlock holding one of its addresses, or DNS egress to anywhere, is enough; so are other resolvers', () => {
        const both = policy('a', 'p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '169.254.20.10/32' } }, { namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }] }] });
        expect(of(lint([app, cache('169.254.20.10,10.96.0.10'), both]), 'egress-without-dns')).toEqual([]);
        const anywhere = policy('a', 'p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] });
        expect(of(lint([app, cache('169.254.20.10'), anywhere]), 'egress-without-dns')).toEqual([]);
        // dnsPolicy Default asks the node's resolvers, not the cache: nothing to say.
        const nodeResolvers = withPod(workload('a', 'web', { app: 'web' }), (spec) => { spec.dnsPolicy = 'Default'; });
        expect(of(lint([nodeResolvers, cache('169.254.20.10'), toDnsPods]), 'egress-without-dns')).toEqual([]);
        // Without a cache in the input, the DNS pods are the resolver.
        expect(of(lint([app, toDnsPods]), 'egress-without-dns')).toEqual([]);
      });
    });

    test("DNS egress only to the kube-dns Service's cluster IP is an error: kube-proxy translates it to a pod first", () => {
      const kubeDns = service('kube-system', 'kube-dns', { clusterIP: '10.96.0.10', selector: { 'k8s-app': 'kube-dns' }, ports: [{ port: 53, protocol: 'UDP' }] });
      const [finding, ...rest] = of(lint([app, kubeDns, egressTo({ ipBlock: { cidr: '10.96.0.10/32' } }, 53)]), 'egress-without-dns');
      expect(rest).toEqual([]);
      expect(finding.severity).toBe('error');
      expect(finding.message).toBe('it is isolated for egress by a/p, and its only DNS egress is to 10.96.0.10/32 (the address of Service kube-system/kube-dns), which kube-proxy translates to a DNS pod before policy applies, so no rule matches its lookups and they time out');
      // Without the Service's address in the input, the block may hold the resolver (as before).
      expect(of(lint([app, egressTo({ ipBlock: { cidr: '10.96.0.10/32' } }, 53)]), 'egress-without-dns')).toEqual([]);
      // A NodeLocal DNSCache that binds the address answers it on the node: allowed.
      const cache = workload('kube-system', 'node-local-dns', { 'k8s-app': 'node-local-dns' }, { kind: 'DaemonSet', hostNetwork: true });
      cache.spec.template.spec.containers[0].args = ['-localip', '169.254.20.10,10.96.0.10'];
      expect(of(lint([app, kubeDns, cache, egressTo({ ipBlock: { cidr: '10.96.0.10/32' } }, 53)]), 'egress-without-dns')).toEqual([]);
      // A wider block may hold the DNS pods' own addresses: not judged here.
      expect(of(lint([app, kubeDns, egressTo({ ipBlock: { cidr: '10.0.0.0/8' } }, 53)]), 'egress-without-dns')).toEqual([]);
    });

    test('other DNS pods are named with the dns option, and the finding says what it looked for', () => {
      const custom = egressTo({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } } }, 5300);
      const [finding] = of(lint([app, custom]), 'egress-without-dns');
      expect(finding.message).toContain('looked for: kube-system pods k8s-app=kube-dns on UDP 53; openshift-dns pods dns.operator.openshift.io/daemonset-dns=default on UDP 5353');
      expect(finding.fix).toContain('--dns <namespace>/<label>=<value>:<port>');
      expect(of(lint([app, custom], { dns: [{ namespace: 'dns', podLabels: {}, port: 5300 }] }), 'egress-without-dns')).toEqual([]);
    });
  });
});

describe('ipblock-holds-service-address', () => {
  test("an ipBlock holding a Service's cluster IP is a warning on the policy; one beside it is not", () => {
    const svc = service('a', 'api', { clusterIP: '10.96.12.34', selector: { app: 'api' }, ports: [{ port: 80 }] });
    const egress = (cidr: string) => policy('a', 'web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr } }], ports: [{ port: 80 }] }] });
    const [finding, ...rest] = of(lint([workload('a', 'api', { app: 'api' }), svc, egress('10.96.0.0/12')]), 'ipblock-holds-service-address');
    expect(rest).toEqual([]);
    expect(formatFinding(finding)).toBe("warning [ipblock-holds-service-address] NetworkPolicy a/web: egress[0]: ipBlock 10.96.0.0/12 holds the address of Service a/api (cluster IP 10.96.12.34), which kube-proxy translates to a pod before policy applies, so the peer does not match that Service's pods. Fix: Select the Service's pods with podSelector (and namespaceSelector for another namespace) instead of its address; an ipBlock is for addresses outside the cluster.");
    expect(of(lint([svc, egress('10.97.0.0/16')]), 'ipblock-holds-service-address')).toEqual([]);
    expect(of(lint([service('a', 'api', { clusterIP: 'None', selector: { app: 'api' }, ports: [{ port: 80 }] }), egress('0.0.0.0/0')]), 'ipblock-holds-service-address')).toEqual([]);
    // The kube-dns address a NodeLocal DNSCache binds in iptables mode is delivered to the cache: allowing it is right.
    const cache = workload('kube-system', 'node-local-dns', { 'k8s-app': 'node-local-dns' }, { kind: 'DaemonSet', hostNetwork: true });
    cache.spec.template.spec.containers[0].args = ['-localip', '169.254.20.10,10.96.12.34'];
    expect(of(lint([svc, cache, egress('10.96.12.34/32')]), 'ipblock-holds-service-address')).toEqual([]);
  });
});

describe('labels the controllers add', () => {
  test("a Service for one StatefulSet replica selects it by statefulset.kubernetes.io/pod-name", () => {
    const set = workload('a', 'db', { app: 'db' }, { kind: 'StatefulSet' });
    set.spec.replicas = 3;
    const replica = service('a', 'db-2', { selector: { 'statefulset.kubernetes.io/pod-name': 'db-2' }, ports: [{ port: 5432 }] });
    expect(of(lint([set, replica]), 'service-selector-no-match')).toEqual([]);
    const beyond = service('a', 'db-3', { selector: { 'statefulset.kubernetes.io/pod-name': 'db-3' }, ports: [{ port: 5432 }] });
    expect(of(lint([set, beyond]), 'service-selector-no-match')).toHaveLength(1);
  });

  test("a Job's pods carry job-name and batch.kubernetes.io/job-name; pod-template-hash is never guessed", () => {
    const job = workload('a', 'migrate', { app: 'migrate' }, { kind: 'Job' });
    expect(of(lint([job, service('a', 'm', { selector: { 'batch.kubernetes.io/job-name': 'migrate' }, ports: [{ port: 80 }] })]), 'service-selector-no-match')).toEqual([]);
    expect(of(lint([job, service('a', 'm', { selector: { 'job-name': 'migrate' }, ports: [{ port: 80 }] })]), 'service-selector-no-match')).toEqual([]);
    const web = workload('a', 'web', { app: 'web' });
    expect(of(lint([web, service('a', 'w', { selector: { 'pod-template-hash': '5d8f' }, ports: [{ port: 80 }] })]), 'service-selector-no-match')).toHaveLength(1);
  });

  test('the analyzer says when a policy picks single replicas', () => {
    const set = workload('a', 'db', { app: 'db' }, { kind: 'StatefulSet' });
    set.spec.replicas = 2;
    const model = NetworkModel.fromObjects([set, policy('a', 'p', { podSelector: { matchLabels: { 'statefulset.kubernetes.io/pod-name': 'db-0' } } })]);
    expect(model.notices).toEqual(['NetworkPolicy a/p selects only some pods of a/db; answers for a/db apply its rules to every pod']);
  });
});

describe('workloads that operators create', () => {
  const prometheus = { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: { name: 'k8s', namespace: 'monitoring' }, spec: { replicas: 2 } };

  test("a Prometheus resource is read as the StatefulSet prometheus-operator creates, with a notice", () => {
    const model = NetworkModel.fromObjects([prometheus, workload('monitoring', 'grafana', { app: 'grafana' }), policy('monitoring', 'p', { podSelector: { matchLabels: { prometheus: 'k8s' } }, ingress: [{ ports: [{ port: 'web' }] }] })]);
    expect(model.workloads.map((w) => w.ref)).toEqual(['monitoring/grafana', 'monitoring/prometheus-k8s']);
    expect(model.check({ from: 'monitoring/grafana', to: 'monitoring/prometheus-k8s', port: 9090 }).allowed).toBe(true);
    expect(model.check({ from: 'monitoring/grafana', to: 'monitoring/prometheus-k8s', port: 8080 }).allowed).toBe(false);
    expect(model.notices[0]).toBe('Prometheus monitoring/k8s is read as workload monitoring/prometheus-k8s (monitoring/prometheus/prometheus-k8s where another workload has that name), the StatefulSet prometheus-operator creates for it (pods labelled app.kubernetes.io/name=prometheus, app.kubernetes.io/managed-by=prometheus-operator, app.kubernetes.io/instance=k8s, prometheus=k8s, operator.prometheus.io/name=k8s; ports TCP 9090, TCP 8080)');
  });

  test("lint finds the Service that fronts it, and Alertmanager's too", () => {
    const alertmanager = { apiVersion: 'monitoring.coreos.com/v1', kind: 'Alertmanager', metadata: { name: 'main', namespace: 'monitoring' }, spec: {} };
    const services = [
      service('monitoring', 'prometheus-k8s', { selector: { 'app.kubernetes.io/name': 'prometheus', prometheus: 'k8s' }, ports: [{ port: 9090, targetPort: 'web' }] }),
      service('monitoring', 'alertmanager-main', { selector: { alertmanager: 'main' }, ports: [{ port: 9093, targetPort: 'web' }] }),
    ];
    const findings = lint([prometheus, alertmanager, ...services]);
    expect(of(findings, 'service-selector-no-match')).toEqual([]);
    expect(of(findings, 'readiness-probe-missing')).toEqual([]);
  });

  test('other custom resources soften rules that need pods to info, naming them', () => {
    const kafka = { apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'Kafka', metadata: { name: 'events', namespace: 'a' }, spec: {} };
    const svc = service('a', 'events', { selector: { 'strimzi.io/cluster': 'events' }, ports: [{ port: 9092 }] });
    const [finding] = of(lint([kafka, svc, workload('a', 'web', { app: 'web' })]), 'service-selector-no-match');
    expect(finding.severity).toBe('info');
    expect(finding.message).toBe('its selector matches no workload in the namespace, so it has no endpoints (namespace a holds custom resources, Kafka/events, whose operators may create matching pods)');
  });
});

describe('one finding per decision', () => {
  test('hostNetwork is one finding, with its host ports and DNS advice in it', () => {
    const host = workload('a', 'agent', { app: 'agent' }, { hostNetwork: true, ports: [{ containerPort: 9100, hostPort: 9100 } as never] });
    const findings = lint([host]).filter((f) => f.rule.startsWith('host'));
    expect(findings.map((f) => f.rule)).toEqual(['host-network']);
    expect(findings[0].fix).toContain('set dnsPolicy: ClusterFirstWithHostNet');
    const withDnsPolicy = withPod(workload('a', 'agent', { app: 'agent' }, { hostNetwork: true }), (spec) => { spec.dnsPolicy = 'ClusterFirstWithHostNet'; });
    expect(lint([withDnsPolicy]).filter((f) => f.rule === 'host-network')[0].fix).not.toContain('dnsPolicy');
  });

  test('an Ingress with the deprecated class annotation gets ingress-class-annotation only', () => {
    const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'a', annotations: { 'kubernetes.io/ingress.class': 'nginx' } }, spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } };
    const rules = lint([ingress]).map((f) => f.rule).filter((r) => r.startsWith('ingress-class'));
    expect(rules).toEqual(['ingress-class-annotation']);
  });

  test("a namespace's missing default deny and its open workloads are one finding, each name once", () => {
    const objects = [namespace('a'), workload('a', 'web', { app: 'web' }), workload('a', 'api', { app: 'api' }), workload('a', 'web', { app: 'web' })];
    const findings = lint(objects).filter((f) => f.rule === 'namespace-without-default-deny' || f.rule === 'workload-not-isolated');
    expect(findings.map((f) => f.message)).toEqual(['namespace a has no default-deny policy for ingress and egress; no policy isolates api, web for ingress, so any pod can connect to them']);
  });
});

describe('rules that read like a reviewer', () => {
  const container = (extra: Obj) => withPod(workload('a', 'web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] }), (spec) => Object.assign(spec.containers[0], extra));

  test('identical-probes compares probes after the API defaults', () => {
    const probes = container({ readinessProbe: { httpGet: { path: '/healthz', port: 8080 } }, livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10, failureThreshold: 3 } });
    expect(of(lint([probes]), 'identical-probes').map((f) => f.severity)).toEqual(['warning']);
  });

  test('identical exec and gRPC probes are the documented pattern: info', () => {
    const exec = container({ readinessProbe: { exec: { command: ['pg_isready'] } }, livenessProbe: { exec: { command: ['pg_isready'] } } });
    const grpc = container({ readinessProbe: { grpc: { port: 9090 } }, livenessProbe: { grpc: { port: 9090 } } });
    expect(of(lint([exec]), 'identical-probes').map((f) => f.severity)).toEqual(['info']);
    expect(of(lint([grpc]), 'identical-probes').map((f) => f.severity)).toEqual(['info']);
  });

  test('readiness-probe-missing speaks of the container that serves the target port, not of sidecars', () => {
    const pod = withPod(workload('a', 'web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] }), (spec) => {
      spec.containers[0].readinessProbe = { tcpSocket: { port: 8080 } };
      spec.containers.push({ name: 'log-shipper', image: 'x:1', ports: [{ name: 'metrics', containerPort: 9100 }] });
    });
    const svc = service('a', 'web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] });
    expect(of(lint([pod, svc]), 'readiness-probe-missing')).toEqual([]);
  });

  test('a Service selecting the pod is enough, declared container ports or not', () => {
    const bare = workload('a', 'web', { app: 'web' });
    const [finding] = of(lint([bare, service('a', 'web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] })]), 'readiness-probe-missing');
    expect(finding.message).toBe('container main serves Service a/web and has no readiness probe');
  });

  test('workload-not-isolated does not fire on a batch run that listens on nothing', () => {
    const cron = workload('a', 'report', { app: 'report' }, { kind: 'CronJob' });
    expect(lint([cron], { disable: ['namespace-without-default-deny'] }).filter((f) => f.rule === 'workload-not-isolated')).toEqual([]);
    const listening = workload('a', 'report', { app: 'report' }, { kind: 'Job', ports: [{ containerPort: 8080 }] });
    expect(lint([listening], { disable: ['namespace-without-default-deny'] }).filter((f) => f.rule === 'workload-not-isolated')).toHaveLength(1);
  });
});

describe('robust output', () => {
  test('cluster-scoped objects are printed without a namespace', () => {
    const storageClass = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'slow' }, provisioner: 'x', parameterz: {} };
    const [finding] = lint([storageClass]).filter((f) => f.rule === 'unknown-field');
    expect(formatFinding(finding)).toMatch(/^error \[unknown-field\] StorageClass slow: field parameterz/);
  });
});

describe('DNS egress through an ipBlock counts only where the pod\'s resolver can be', () => {
  const withDns = (dns: Obj, ...cidrs: string[]): Obj[] => {
    const app = workload('a', 'web', { app: 'web' });
    (app.spec.template.spec as Obj).dnsPolicy = dns.dnsPolicy;
    if (dns.dnsConfig) (app.spec.template.spec as Obj).dnsConfig = dns.dnsConfig;
    return [namespace('a'), app, policy('a', 'egress', {
      podSelector: {}, policyTypes: ['Egress'],
      egress: [{ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
    })];
  };
  const dnsFindings = (objects: Obj[]) => lint(objects).filter((f) => f.rule === 'egress-without-dns').map((f) => `${f.severity}: ${f.message}`);

  test.each([
    ['ClusterFirst, a node-local cache address', { dnsPolicy: 'ClusterFirst' }, ['169.254.20.10/32']],
    ['ClusterFirst, the pod network', { dnsPolicy: undefined }, ['10.0.0.0/8']],
    ['ClusterFirst, everywhere', { dnsPolicy: undefined }, ['0.0.0.0/0']],
    ['ClusterFirst, an IPv6 unique-local range', { dnsPolicy: undefined }, ['fd00::/8']],
    ['Default asks the node\'s resolvers, wherever they are', { dnsPolicy: 'Default' }, ['8.8.8.8/32']],
    ['None with that nameserver', { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'] } }, ['1.1.1.0/24']],
  ])('%s: no finding', (_name, dns, cidrs) => {
    expect(dnsFindings(withDns(dns, ...cidrs))).toEqual([]);
  });

  test('ClusterFirst pods allowed only a public resolver: a warning that says why', () => {
    expect(dnsFindings(withDns({}, '8.8.8.8/32', '1.1.1.1/32'))).toEqual([
      'warning: it is isolated for egress by a/egress, and its only DNS egress is to 8.8.8.8/32, 1.1.1.1/32, which holds no address of the cluster DNS (dnsPolicy ClusterFirst: private, CGNAT, unique-local or link-local addresses), so its name lookups will time out',
    ]);
  });

  test('None pods allowed DNS elsewhere than their nameservers: a warning', () => {
    expect(dnsFindings(withDns({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'] } }, '10.0.0.0/8'))).toEqual([
      'warning: it is isolated for egress by a/egress, and its only DNS egress is to 10.0.0.0/8, which holds no address of its dnsConfig nameservers, so its name lookups will time out',
    ]);
  });
});

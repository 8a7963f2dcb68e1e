import { ApiObject, ApiObjectProps, App, Chart, Yaml } from 'cdk8s';
import { describe, expect, test, vi } from 'vitest';
import { ALL_RULES, ExposedApp, NetkitLint, Port, SecureNamespace, ServiceExposure, Severity, formatFinding, lint, loadYaml, toSarif, PodSecurityLevel } from '../../lib';
import { policy, workload } from '../helpers/k8s';

const nodePortService = (annotations: Record<string, string> = {}) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'x', namespace: 'a', annotations }, spec: { type: 'NodePort', ports: [{ port: 80 }] },
});

describe('lint engine', () => {
  test('findings carry the object, file and line, sorted', () => {
    const text = Yaml.stringify(nodePortService(), { ...nodePortService(), metadata: { name: 'y', namespace: 'a' } });
    const findings = lint(loadYaml(text, 'svc.yaml').objects);
    expect(findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.object.name}`)).toEqual(['svc.yaml:1 nodeport-exposure x', 'svc.yaml:12 nodeport-exposure y']);
    expect(formatFinding(findings[0])).toBe('svc.yaml:1: warning [nodeport-exposure] Service a/x: type NodePort opens its ports on every node of the cluster. Fix: Prefer ClusterIP behind an Ingress or Gateway; if a node port is needed, suppress this with a reason.');
  });

  test('an annotation with a reason suppresses a rule on one object', () => {
    expect(lint([nodePortService({ 'netkit.io/ignore': 'nodeport-exposure', 'netkit.io/ignore-reason': 'bare-metal cluster without a load balancer' })])).toEqual([]);
  });

  test('a suppression without a reason, or naming an unknown rule, is itself an error', () => {
    const findings = lint([nodePortService({ 'netkit.io/ignore': 'nodeport-exposure,no-such-rule' })]);
    expect(findings.map((f) => [f.rule, f.severity, f.message])).toEqual([
      ['nodeport-exposure', 'warning', 'type NodePort opens its ports on every node of the cluster'],
      ['suppression', 'error', 'netkit.io/ignore names unknown rules: no-such-rule'],
      ['suppression', 'error', 'netkit.io/ignore needs a netkit.io/ignore-reason annotation saying why'],
    ]);
  });

  test('rules can be disabled and severities filtered', () => {
    expect(lint([nodePortService()], { disable: ['nodeport-exposure'] })).toEqual([]);
    expect(lint([nodePortService()], { minSeverity: Severity.ERROR })).toEqual([]);
    expect(lint([{ ...nodePortService(), spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 20000 }] } }], { nodePortRange: { min: 20000, max: 30000 } }).map((f) => f.rule)).toEqual(['nodeport-exposure']);
  });

  test('SARIF 2.1.0 output names every rule and locates each result', () => {
    const sarif = toSarif(lint(loadYaml(Yaml.stringify(nodePortService()), 'svc.yaml').objects)) as any;
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].tool.driver.rules.length).toBeGreaterThanOrEqual(39);
    expect(sarif.runs[0].results).toEqual([{
      ruleId: 'nodeport-exposure', level: 'warning',
      message: { text: 'Service a/x: type NodePort opens its ports on every node of the cluster. Fix: Prefer ClusterIP behind an Ingress or Gateway; if a node port is needed, suppress this with a reason.' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'svc.yaml' }, region: { startLine: 1 } } }],
    }]);
  });
});

describe('lint at synth time', () => {
  test('an error fails app.synth() with every finding and its fix', () => {
    const app = new App({ outdir: '/tmp/netkit-unused' });
    const chart = new Chart(app, 'broken');
    new SecureNamespace(chart, 'shop');
    // A hand-written policy that cuts DNS off: the cdk8s-plus style mistake netkit exists to catch.
    new ApiObject(chart, 'bad', policy('shop', 'lockdown', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 0 }] }] }) as ApiObjectProps);
    new ApiObject(chart, 'web', workload('shop', 'web', { app: 'web' }) as ApiObjectProps);
    expect(() => app.synthYaml()).toThrow(/\[netkit-lint\] broken\/bad: error \[policy-rejected-by-api-server\] NetworkPolicy shop\/lockdown: the API server would reject it: spec\.egress\[0\]\.ports\[0\]\.port: Invalid value: 0: must be between 1 and 65535, inclusive\. Fix: /);
  });

  test('two constructs writing the same object: the finding names both construct paths', () => {
    const app = new App({ outdir: '/tmp/netkit-unused' });
    const chart = new Chart(app, 'twice');
    new ApiObject(chart, 'first', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' } });
    new ApiObject(chart, 'second', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { a: 'b' } } as ApiObjectProps);
    NetkitLint.of(app);
    expect(() => app.synthYaml()).toThrow('[netkit-lint] twice/first: error [duplicate-object] ConfigMap shop/settings: is defined again at twice/second, which replaces this copy on apply');
  });

  test('a namespace one typo away from a declared one fails synth with a did-you-mean; externalNamespaces opts out', () => {
    const app = new App({ outdir: '/tmp/netkit-unused' });
    const chart = new Chart(app, 'pay');
    const payments = new SecureNamespace(chart, 'payments');
    new ExposedApp(chart, 'api', { namespace: payments, image: 'a:1.0', ports: [Port.tcp(8080, 'http')] });
    new ExposedApp(chart, 'ledger', { namespace: 'paymnets', image: 'l:1.0', ports: [Port.tcp(8080, 'http')] });
    expect(() => app.synthYaml()).toThrow('[netkit-lint] pay/ledger: namespace "paymnets" is not declared by this app, which declares payments. Did you mean "payments"? Fix the name, or pass the SecureNamespace itself (namespace: ns) so that no name is typed; for a namespace created outside the app, NetkitLint.of(app).configure({ externalNamespaces: [\'paymnets\'] }).');
    NetkitLint.of(app).configure({ externalNamespaces: ['paymnets'], warnings: 'silent' });
    expect(() => app.synthYaml()).not.toThrow(/paymnets" is not declared/);
    // A name far from every declared one is a namespace made elsewhere: no error.
    const other = new App({ outdir: '/tmp/netkit-unused' });
    const c2 = new Chart(other, 'pay');
    new SecureNamespace(c2, 'payments');
    new ExposedApp(c2, 'ledger', { namespace: 'shared-tools', image: 'l:1.0', ports: [Port.tcp(8080, 'http')] });
    NetkitLint.of(other).configure({ warnings: 'silent' });
    expect(() => other.synthYaml()).not.toThrow(/is not declared by this app/);
  });

  /** What synthesizing the app prints to stderr, then whether it prints anything once its warnings are silenced. */
  const synthStderr = (app: App): { printed: string; silenced: string } => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const printedNow = () => write.mock.calls.map((c) => String(c[0])).join('');
    try {
      app.synthYaml();
      const printed = printedNow();
      write.mockClear();
      NetkitLint.of(app).configure({ warnings: 'silent' });
      app.synthYaml();
      return { printed, silenced: printedNow() };
    } finally {
      write.mockRestore();
    }
  };

  test('warnings are printed and do not fail; they can be silenced per app', () => {
    const app = new App();
    new ExposedApp(new Chart(app, 'open'), 'solo', { image: 'a:1', ports: [Port.tcp(80, 'http')] });
    const { printed, silenced } = synthStderr(app);
    expect(printed).toContain('netkit lint: open/solo/deployment/Resource: warning [namespace-without-default-deny]');
    expect(silenced).toBe('');
  });

  test('what the lint reads with a caveat is said at synth, as netkit check says it, and silenced with the warnings', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    new SecureNamespace(chart, 'shop');
    new ApiObject(chart, 'widget', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop' } });
    const { printed, silenced } = synthStderr(app);
    expect(printed).toContain('netkit lint: notice: kinds not modelled: Widget (example.com/v1): read for nothing but schema and duplicates\n');
    // Said once per synth, though cdk8s validates the app again for each chart it writes.
    expect(printed.split('kinds not modelled').length).toBe(2);
    expect(silenced).toBe('');
  });

  test('a node-port range the API server would not start with is refused, by lint() and at configure time', () => {
    expect(() => lint([nodePortService()], { nodePortRange: { min: 32767, max: 30000 } })).toThrow(
      'lint options: nodePortRange 32767-30000 is not a range of ports: both ends 1-65535, the first no greater than the last, e.g. 30000-32767.',
    );
    expect(() => lint([nodePortService()], { nodePortRange: { min: 0, max: 100 } })).toThrow('nodePortRange 0-100 is not a range of ports');
    const app = new App();
    expect(() => NetkitLint.of(app).configure({ nodePortRange: { min: 30000, max: 70000 } })).toThrow(
      'netkit-lint: configure(): nodePortRange 30000-70000 is not a range of ports: both ends 1-65535, the first no greater than the last, e.g. 30000-32767.',
    );
    expect(lint([nodePortService()], { nodePortRange: { min: 80, max: 80 } }).map((f) => f.rule)).toContain('nodeport-exposure');
  });

  test('turning off a rule that does not exist is refused with the closest id, by lint() and at configure time', () => {
    expect(() => lint([nodePortService()], { disable: ['nodeport-exposur', 'nodeport-exposure'] })).toThrow(
      'lint options: disable names a rule that does not exist: nodeport-exposur (did you mean nodeport-exposure?).',
    );
    // A built-in rule may be turned off while a subset of the rules runs.
    expect(lint([nodePortService()], { rules: ALL_RULES.filter((r) => r.id === 'nodeport-exposure'), disable: ['namespace-without-default-deny'] }).map((f) => f.rule)).toEqual(['nodeport-exposure']);
    const app = new App();
    expect(() => NetkitLint.of(app).configure({ disable: ['workload-not-isolted', 'zzz'] })).toThrow(
      'netkit-lint: configure(): disable names rules that do not exist: workload-not-isolted (did you mean workload-not-isolated?), zzz.',
    );
  });

  test('DNS pods and system namespaces no cluster could have are refused, by lint() and at configure time', () => {
    expect(() => lint([nodePortService()], { dns: [{ namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 99999 }] })).toThrow(
      'lint options: dns target {"namespace":"kube-system","podLabels":{"k8s-app":"kube-dns"},"port":99999}: its port is not a number 1-65535.',
    );
    expect(() => lint([nodePortService()], { dns: [{ namespace: 'Kube_System', podLabels: {}, port: 53 }] })).toThrow("its namespace must consist of lowercase letters, digits and '-'");
    expect(() => lint([nodePortService()], { dns: [{ namespace: 'kube-system', podLabels: { 'k8s-app': 'kube dns' }, port: 53 }] })).toThrow('in its podLabels, label "k8s-app" value "kube dns" must be');
    expect(() => NetkitLint.of(new App()).configure({ systemNamespaces: ['kube-system', ''] })).toThrow('netkit-lint: configure(): systemNamespaces "" is empty.');
    expect(lint([nodePortService()], { dns: [{ namespace: 'kube-system', podLabels: {}, port: 53 }], systemNamespaces: [] }).map((f) => f.rule)).toContain('nodeport-exposure');
  });

  test('explicit opt-ins are written as reasoned suppressions, so they pass lint', () => {
    const chart = new Chart(new App(), 'c');
    // hostNetwork needs a namespace whose Pod Security level allows it.
    const ns = new SecureNamespace(chart, 'shop', { podSecurity: PodSecurityLevel.PRIVILEGED });
    new ExposedApp(chart, 'edge', { namespace: ns, image: 'a:1', ports: [Port.tcp(80, 'http')], exposure: ServiceExposure.nodePort(), hostNetwork: true });
    const objects = chart.toJson() as any[];
    expect(objects.find((o) => o.kind === 'Service').metadata.annotations).toEqual({
      'netkit.io/ignore': 'nodeport-exposure', 'netkit.io/ignore-reason': 'explicit opt-in: ServiceExposure.nodePort()',
    });
    expect(lint(objects)).toEqual([]);
  });
});

describe('one serialization per synth', () => {
  test('a change between two synths shows in the second, and no cache outlives a synth', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    const ns = new SecureNamespace(chart, 'shop');
    const api = new ExposedApp(chart, 'api', { namespace: ns, image: 'a:1', ports: [Port.tcp(8080, 'http')] });
    const web = new ExposedApp(chart, 'web', { namespace: ns, image: 'w:1', ports: [Port.tcp(8080, 'http')] });
    const first = app.synthYaml();
    web.connectTo(api);
    const second = app.synthYaml();
    expect(second).not.toBe(first);
    expect(second).toContain('app.kubernetes.io/name: web');
    expect(second.length).toBeGreaterThan(first.length);
    expect(Object.prototype.hasOwnProperty.call(api.networkPolicy, 'toJson')).toBe(false);
    expect(Yaml.stringify({ a: 'yes' })).toBe('a: "yes"\n');
  });
});

describe('the generated Kubernetes 1.28 field tree', () => {
  test('is what scripts/generate-k8s-fields.ts writes today', async () => {
    const { generate } = await import('../../scripts/generate-k8s-fields');
    const { readFileSync } = await import('node:fs');
    const committed = readFileSync(new URL('../../lib/lint/schema/k8s-1.28-fields.json', import.meta.url), 'utf8');
    expect(generate()).toBe(committed);
  });

  test('knows the workload, Service and policy kinds, renamed JSON fields included', async () => {
    const { isKnownKind } = await import('../../lib/lint/schema/fields');
    for (const kind of ['v1/Service', 'apps/v1/Deployment', 'apps/v1/StatefulSet', 'networking.k8s.io/v1/NetworkPolicy', 'networking.k8s.io/v1/Ingress', 'discovery.k8s.io/v1/EndpointSlice', 'policy/v1/PodDisruptionBudget']) {
      const [apiVersion, k] = [kind.slice(0, kind.lastIndexOf('/')), kind.slice(kind.lastIndexOf('/') + 1)];
      expect(isKnownKind(apiVersion, k), kind).toBe(true);
    }
    const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'x' }, spec: { group: 'g', names: { kind: 'X', plural: 'xs' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] } };
    expect(lint([crd]).filter((f) => f.rule === 'unknown-field')).toEqual([]);
  });
});

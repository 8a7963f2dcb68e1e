import { ApiObject, Chart, Yaml } from 'cdk8s';
import { wrap } from 'jest-snapshot-serializer-raw';
import { describe, expect, test } from 'vitest';
import {
  Cidr, ClusterGuardrails, ClusterPeer, ClusterPolicyApi, ClusterSubject, ExposedApp, GuardrailAction, GuardrailTier,
  NetworkModel, Peer, Port, SecureNamespace, clusterFixtures, lint,
} from '../../lib';
import { newChart, objectsOf, yamlSnapshot } from '../helpers/charts';
import { expectNetkitError } from '../helpers/errors';
import { validateAgainstSchema } from '../helpers/schema';

/** Two namespaces; `shop/web` may reach the internet (0.0.0.0/0 with no holes) by NetworkPolicy. */
function setup(api?: ClusterPolicyApi) {
  const chart = newChart('platform');
  const shop = new SecureNamespace(chart, 'shop');
  const ops = new SecureNamespace(chart, 'ops');
  const web = new ExposedApp(chart, 'web', { namespace: shop, image: 'web:1', ports: [Port.tcp(8080, 'http')] });
  web.allowEgressTo(Peer.anywhere(), Port.tcp(80));
  const tool = new ExposedApp(chart, 'tool', { namespace: ops, image: 'tool:1', ports: [Port.tcp(9000, 'http')] });
  const guardrails = new ClusterGuardrails(chart, 'guardrails', { api });
  return { chart, shop, ops, web, tool, guardrails };
}

const model = (chart: Chart) => NetworkModel.fromObjects([...chart.toJson(), ...clusterFixtures()]);

/** Namespaces with no NetworkPolicy at all (pods `a` and `b` each), for the Baseline tier. */
function openNamespaces(chart: Chart, ...names: string[]) {
  for (const name of names) {
    new ApiObject(chart, `ns-${name}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    for (const app of ['a', 'b']) {
      new ApiObject(chart, `${name}-${app}`, {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app, namespace: name },
        spec: {
          selector: { matchLabels: { app } },
          template: { metadata: { labels: { app } }, spec: { containers: [{ name: app, image: `${app}:1`, ports: [{ name: 'http', containerPort: 8080 }] }] } },
        },
      });
    }
  }
}

describe('ClusterGuardrails', () => {
  test('denyCloudMetadata: denied from every namespace even where a NetworkPolicy allows it', () => {
    const { chart, guardrails } = setup();
    const before = model(chart);
    expect(before).toAllowTraffic({ from: 'shop/web', to: '169.254.169.254', port: 80 });
    guardrails.denyCloudMetadata();
    const after = model(chart);
    expect(after).toDenyTraffic({ from: 'shop/web', to: '169.254.169.254', port: 80 });
    expect(after).toDenyTraffic({ from: 'shop/web', to: 'fd00:ec2::254', port: 80 });
    expect(after).toDenyTraffic({ from: 'kube-system/coredns', to: '169.254.169.254', port: 80 });
    // Only the metadata endpoint: the rest of the internet stays as the NetworkPolicy says.
    expect(after).toAllowTraffic({ from: 'shop/web', to: '203.0.113.7', port: 80 });
    expect(after.check({ from: 'shop/web', to: '169.254.169.254', port: 80 }).why.startsWith(
      'DENIED: shop/web -> 169.254.169.254 on TCP 80. Egress: decided by the Admin tier ClusterNetworkPolicy netkit-deny-cloud-metadata (priority 10) egress[0] "deny-cloud-metadata" Deny: denied before any NetworkPolicy is looked at.',
    )).toBe(true);
    validateAgainstSchema(chart.toJson());
    expect(lint(chart.toJson())).toEqual([]);
  });

  test('denyCloudMetadata with exempt namespaces leaves them to their NetworkPolicies', () => {
    const { chart, guardrails } = setup();
    guardrails.denyCloudMetadata({ exemptNamespaces: ['kube-system'] });
    const after = model(chart);
    expect(after).toAllowTraffic({ from: 'kube-system/coredns', to: '169.254.169.254', port: 80 });
    expect(after).toDenyTraffic({ from: 'shop/web', to: '169.254.169.254', port: 80 });
    expect(objectsOf(chart, 'ClusterNetworkPolicy')['netkit-deny-cloud-metadata'].spec.subject)
      .toEqual({ namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] } });
  });

  test('allowDnsForAllPods: DNS stays open even under a NetworkPolicy that denies all egress', () => {
    const { chart, guardrails } = setup();
    // ops/tool's namespace allows DNS; remove that with a bare default-deny namespace.
    const locked = new SecureNamespace(chart, 'locked', { dnsServers: [Peer.nodeLocalDns()] });
    new ExposedApp(chart, 'job', { namespace: locked, image: 'job:1', ports: [Port.tcp(8080, 'http')] });
    expect(model(chart)).toDenyTraffic({ from: 'locked/job', to: 'kube-system/coredns', port: 53, protocol: 'UDP' });
    guardrails.allowDnsForAllPods();
    const after = model(chart);
    expect(after).toAllowTraffic({ from: 'locked/job', to: 'kube-system/coredns', port: 53, protocol: 'UDP' });
    expect(after).toAllowTraffic({ from: 'locked/job', to: 'kube-system/coredns', port: 53, protocol: 'TCP' });
    // Only DNS: other ports on the DNS pods and other destinations stay denied.
    expect(after).toDenyTraffic({ from: 'locked/job', to: 'kube-system/coredns', port: 9153 });
    expect(after).toDenyTraffic({ from: 'locked/job', to: 'shop/web', port: 8080 });
    expect(after.check({ from: 'locked/job', to: 'kube-system/coredns', port: 53, protocol: 'UDP' }).why)
      .toContain('ClusterNetworkPolicy netkit-allow-dns-egress (priority 20) egress[0] "allow-dns" Accept');
    validateAgainstSchema(chart.toJson());
    expect(lint(chart.toJson())).toEqual([]);
  });

  test('isolateNamespaces: pods without NetworkPolicy accept only their own namespace and allowFrom', () => {
    const chart = newChart('platform');
    openNamespaces(chart, 'team-a', 'team-b', 'monitoring');
    const open = model(chart);
    expect(open).toAllowTraffic({ from: 'team-b/a', to: 'team-a/b', port: 8080 });
    const guardrails = new ClusterGuardrails(chart, 'guardrails');
    guardrails.isolateNamespaces({ namespaces: ['team-b', 'team-a'], allowFrom: [ClusterPeer.namespaceNamed('monitoring')] });
    const after = model(chart);
    expect(after).toAllowTraffic({ from: 'team-a/a', to: 'team-a/b', port: 8080 });
    expect(after).toDenyTraffic({ from: 'team-b/a', to: 'team-a/b', port: 8080 });
    expect(after).toDenyTraffic({ from: 'team-a/a', to: 'team-b/b', port: 8080 });
    expect(after).toAllowTraffic({ from: 'monitoring/a', to: 'team-a/b', port: 8080 });
    // Namespaces not listed stay open.
    expect(after).toAllowTraffic({ from: 'team-a/a', to: 'monitoring/b', port: 8080 });
    const policies = objectsOf(chart, 'ClusterNetworkPolicy');
    expect(Object.keys(policies)).toEqual(['netkit-isolate-team-a', 'netkit-isolate-team-b']);
    expect(policies['netkit-isolate-team-a'].spec.priority).toBe(500);
    expect(policies['netkit-isolate-team-b'].spec.priority).toBe(501);
    validateAgainstSchema(chart.toJson());
  });

  test('a namespace\'s own NetworkPolicy decides for the pods it selects, not the Baseline tier', () => {
    const chart = newChart('platform');
    openNamespaces(chart, 'team-b');
    const a = new SecureNamespace(chart, 'team-a');
    const api = new ExposedApp(chart, 'api', { namespace: a, image: 'api:1', ports: [Port.tcp(8080, 'http')] });
    api.allowFrom(Peer.namespaceNamed('team-b'), 'http');
    new ClusterGuardrails(chart, 'guardrails').isolateNamespaces({ namespaces: ['team-a', 'team-b'] });
    const after = model(chart);
    expect(after).toAllowTraffic({ from: 'team-b/a', to: 'team-a/api', port: 8080 });
    expect(after).toDenyTraffic({ from: 'team-a/api', to: 'team-b/a', port: 8080 });
  });

  test('the default output: ClusterNetworkPolicy v1alpha2, cluster-scoped even in a namespaced chart', () => {
    const chart = new Chart(newChart().node.root as never, 'namespaced', { namespace: 'platform' });
    const guardrails = new ClusterGuardrails(chart, 'guardrails', { denyCloudMetadata: true, allowDnsForAllPods: true });
    guardrails.isolateNamespaces({ namespaces: ['shop'] });
    guardrails.addPolicy('pass-monitoring', {
      tier: GuardrailTier.ADMIN, priority: 30, subject: ClusterSubject.allNamespaces(),
      ingress: [{ name: 'monitoring', action: GuardrailAction.PASS, peers: [ClusterPeer.namespaces({ purpose: 'monitoring' })], ports: [Port.tcpRange(9100, 9200)] }],
    });
    expect(yamlSnapshot(chart)).toMatchSnapshot();
    for (const object of chart.toJson()) expect(object.metadata.namespace).toBeUndefined();
    validateAgainstSchema(chart.toJson());
    expect(lint(chart.toJson())).toEqual([]);
  });

  test('v1alpha1 on request: AdminNetworkPolicy with Allow, BaselineAdminNetworkPolicy "default"; same verdicts', () => {
    const verdicts = (api: ClusterPolicyApi) => {
      const { chart, guardrails } = setup(api);
      openNamespaces(chart, 'team-a');
      guardrails.denyCloudMetadata();
      guardrails.allowDnsForAllPods();
      guardrails.isolateNamespaces({ namespaces: ['team-a'] });
      validateAgainstSchema(chart.toJson());
      const m = model(chart);
      return {
        chart,
        answers: [
          m.check({ from: 'shop/web', to: '169.254.169.254', port: 80 }).allowed,
          m.check({ from: 'ops/tool', to: 'kube-system/coredns', port: 53, protocol: 'UDP' }).allowed,
          m.check({ from: 'team-a/a', to: 'team-a/b', port: 8080 }).allowed,
          m.check({ from: 'kube-system/coredns', to: 'team-a/b', port: 8080 }).allowed,
        ],
      };
    };
    const v1 = verdicts(ClusterPolicyApi.ADMIN_NETWORK_POLICY_V1ALPHA1);
    expect(v1.answers).toEqual([false, true, true, false]);
    expect(verdicts(ClusterPolicyApi.CLUSTER_NETWORK_POLICY_V1ALPHA2).answers).toEqual(v1.answers);
    expect(wrap(Yaml.stringify(...v1.chart.toJson().filter((o) => o.apiVersion.startsWith('policy.networking.k8s.io/'))))).toMatchSnapshot();
    const baseline = objectsOf(v1.chart, 'BaselineAdminNetworkPolicy').default;
    expect(baseline.spec.ingress.map((r: { action: string }) => r.action)).toEqual(['Allow', 'Deny']);
    expect(baseline.spec.priority).toBeUndefined();
    expect(objectsOf(v1.chart, 'AdminNetworkPolicy')['netkit-allow-dns-egress'].spec.egress[0].ports)
      .toEqual([{ portNumber: { protocol: 'UDP', port: 53 } }, { portNumber: { protocol: 'TCP', port: 53 } }]);
  });

  test('synth twice gives the same YAML', () => {
    const build = () => {
      const { chart, guardrails } = setup();
      guardrails.denyCloudMetadata();
      guardrails.isolateNamespaces({ namespaces: ['b', 'a', 'c'] });
      return yamlSnapshot(chart);
    };
    expect(build()).toEqual(build());
  });

  test.each<[string, (g: ClusterGuardrails) => unknown, string]>([
    ['a priority tie in a tier', (g) => { g.denyCloudMetadata(); g.addPolicy('x', { tier: GuardrailTier.ADMIN, priority: 10, subject: ClusterSubject.allNamespaces(), egress: [{ action: GuardrailAction.DENY, peers: [ClusterPeer.allNamespaces()] }] }); },
      'platform/guardrails: policy "x": priority 10 is already used by netkit-deny-cloud-metadata in the Admin tier, and the reference leaves the order of equal priorities undefined. Give it its own priority.'],
    ['a priority out of range', (g) => g.addPolicy('x', { tier: GuardrailTier.ADMIN, priority: 1001, subject: ClusterSubject.allNamespaces(), egress: [{ action: GuardrailAction.DENY, peers: [ClusterPeer.allNamespaces()] }] }),
      'platform/guardrails: policy "x": priority 1001 is not a whole number from 0 to 1000. Lower numbers run first.'],
    ['Pass in the Baseline tier', (g) => g.addPolicy('x', { tier: GuardrailTier.BASELINE, priority: 1, subject: ClusterSubject.allNamespaces(), ingress: [{ action: GuardrailAction.PASS, peers: [ClusterPeer.allNamespaces()] }] }),
      'platform/guardrails: policy "x" ingress[0]: Pass in the Baseline tier hands the traffic to the default, which allows it. Use GuardrailAction.ACCEPT to allow it, or DENY.'],
    ['networks in an ingress rule', (g) => g.addPolicy('x', { tier: GuardrailTier.ADMIN, priority: 1, subject: ClusterSubject.allNamespaces(), ingress: [{ name: 'lan', action: GuardrailAction.DENY, peers: [ClusterPeer.networks(Cidr.of('10.0.0.0/8'))] }] }),
      'platform/guardrails: policy "x" ingress[0] (lan): networks 10.0.0.0/8 is an egress-only peer; ingress rules match pods and namespaces. Move it to an egress rule.'],
    ['a named port', (g) => g.addPolicy('x', { tier: GuardrailTier.ADMIN, priority: 1, subject: ClusterSubject.allNamespaces(), ingress: [{ action: GuardrailAction.DENY, peers: [ClusterPeer.allNamespaces()], ports: [Port.named('metrics')] }] }),
      'platform/guardrails: policy "x" ingress[0]: port TCP port named metrics is known only by name; named ports are experimental in network-policy-api (a standard CRD drops them). Give the number.'],
    ['no peers', (g) => g.addPolicy('x', { tier: GuardrailTier.ADMIN, priority: 1, subject: ClusterSubject.allNamespaces(), egress: [{ action: GuardrailAction.DENY, peers: [] }] }),
      'platform/guardrails: policy "x" egress[0]: 0 peers; a rule has 1 to 25. Use ClusterPeer.allNamespaces() for every pod.'],
    ['no rules', (g) => g.addPolicy('x', { tier: GuardrailTier.ADMIN, priority: 1, subject: ClusterSubject.allNamespaces() }),
      'platform/guardrails: policy "x" has no rules, so it would change nothing. Give ingress or egress rules.'],
    ['a bad name', (g) => g.addPolicy('x', { name: 'Bad_Name', tier: GuardrailTier.ADMIN, priority: 1, subject: ClusterSubject.allNamespaces(), egress: [{ action: GuardrailAction.DENY, peers: [ClusterPeer.allNamespaces()] }] }),
      'platform/guardrails: policy "x": name "Bad_Name" must be lowercase letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit. Use a name such as "netkit-deny-egress".'],
    ['an empty namespace list', (g) => g.isolateNamespaces({ namespaces: [] }),
      'platform/guardrails: isolateNamespaces: namespaces is empty. Name the namespaces to isolate, e.g. [shop, "payments"].'],
    ['a namespace name that is not one', (g) => g.isolateNamespaces({ namespaces: ['Team_A'] }),
      'platform/guardrails: isolateNamespaces: namespace "Team_A" must consist of lowercase letters, digits and \'-\', and start and end with a letter or digit. Namespace names are DNS-1123 labels such as "payments".'],
  ])('refuses %s', (_name, build, message) => {
    const { chart, guardrails } = setup();
    const before = chart.toJson().length;
    expectNetkitError(() => build(guardrails), message);
    // Nothing half-written: a failed call leaves the chart as it was before it (the first
    // call of the tie case succeeded on purpose).
    expect(chart.toJson().length).toBeLessThanOrEqual(before + 1);
  });

  test('v1alpha1 refusals: one Baseline object, one isolated namespace', () => {
    const { guardrails } = setup(ClusterPolicyApi.ADMIN_NETWORK_POLICY_V1ALPHA1);
    expectNetkitError(() => guardrails.isolateNamespaces({ namespaces: ['a', 'b'] }),
      'platform/guardrails: isolateNamespaces: 2 namespaces (a, b), but v1alpha1 has one BaselineAdminNetworkPolicy with one subject, which cannot give each namespace its own "same namespace" rule. Use ClusterPolicyApi.CLUSTER_NETWORK_POLICY_V1ALPHA2, or default-deny NetworkPolicies (SecureNamespace).');
    guardrails.isolateNamespaces({ namespaces: ['a'] });
    expectNetkitError(() => guardrails.addPolicy('more', { tier: GuardrailTier.BASELINE, priority: 1, subject: ClusterSubject.allNamespaces(), egress: [{ action: GuardrailAction.DENY, peers: [ClusterPeer.allNamespaces()] }] }),
      'platform/guardrails: policy "more": v1alpha1 allows one Baseline policy (BaselineAdminNetworkPolicy "default"), and there is one already. Put its rules into one policy, or use ClusterPolicyApi.CLUSTER_NETWORK_POLICY_V1ALPHA2.');
  });

  test('a failed call rolls back every policy it wrote', () => {
    const { chart, guardrails } = setup();
    guardrails.addPolicy('taken', { tier: GuardrailTier.BASELINE, priority: 501, subject: ClusterSubject.allNamespaces(), egress: [{ action: GuardrailAction.DENY, peers: [ClusterPeer.allNamespaces()] }] });
    const before = chart.toJson().length;
    // The second namespace's policy ties with "taken" at 501; the first must not stay behind.
    expectNetkitError(() => guardrails.isolateNamespaces({ namespaces: ['a', 'b'] }), 'platform/guardrails: policy "isolate-b": priority 501 is already used by netkit-taken in the Baseline tier, and the reference leaves the order of equal priorities undefined. Give it its own priority.');
    expect(chart.toJson().length).toBe(before);
    guardrails.isolateNamespaces({ namespaces: ['a', 'b'], priority: 600 });
    expect(chart.toJson().length).toBe(before + 2);
  });

  test('value types refuse bad input', () => {
    expectNetkitError(() => ClusterPeer.networks(Cidr.of('10.0.0.0/8').except('10.1.0.0/16')),
      'ClusterPeer.networks("10.0.0.0/8 except 10.1.0.0/16"): 10.0.0.0/8 except 10.1.0.0/16 has exceptions, which cluster policies cannot express. Put a rule with the other action for the excepted block before this one.');
    expectNetkitError(() => ClusterSubject.allNamespacesExcept(), 'ClusterSubject.allNamespacesExcept(): no namespaces given. Use ClusterSubject.allNamespaces() for every namespace.');
    expectNetkitError(() => ClusterPeer.pods({}), 'ClusterPeer.pods({}): no labels given, which would match everything. Give at least one label, or use allNamespaces() if you mean everything.');
    expectNetkitError(() => ClusterSubject.namespaceNamed('Bad'), 'ClusterSubject.namespaceNamed("Bad"): namespace name "Bad" must consist of lowercase letters, digits and \'-\', and start and end with a letter or digit. Namespace names are DNS-1123 labels such as "monitoring".');
  });
});

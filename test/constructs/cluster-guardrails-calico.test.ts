/**
 * ClusterGuardrails with NetworkDialect.calico(): the same blocks written as Calico Tiers and
 * GlobalNetworkPolicies. The proof: the analyzer reading the synthesized YAML gives the same
 * verdict for every pair and port as it gives for the network-policy-api output.
 */
import { ApiObject, Chart } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import {
  Cidr, ClusterGuardrails, ClusterPeer, ClusterPolicyApi, ClusterSubject, ExposedApp, GuardrailAction, GuardrailTier,
  NetworkDialect, NetworkModel, Peer, Port, SecureNamespace, clusterFixtures, lint,
} from '../../lib';
import { newChart, objectsOf, yamlSnapshot } from '../helpers/charts';
import { expectNetkitError } from '../helpers/errors';

type Build = (guardrails: ClusterGuardrails) => void;

/** A cluster: two SecureNamespaces with apps, two open namespaces, and the guardrails `build` adds. */
function cluster(dialect: NetworkDialect | undefined, build: Build): Chart {
  const chart = newChart('platform');
  const shop = new SecureNamespace(chart, 'shop');
  const ops = new SecureNamespace(chart, 'ops');
  const web = new ExposedApp(chart, 'web', { namespace: shop, image: 'web:1', ports: [Port.tcp(8080, 'http')] });
  web.allowEgressTo(Peer.anywhere(), Port.tcp(80));
  new ExposedApp(chart, 'tool', { namespace: ops, image: 'tool:1', ports: [Port.tcp(9000, 'http')] });
  for (const name of ['team-a', 'team-b']) {
    new ApiObject(chart, `ns-${name}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    new ApiObject(chart, `${name}-app`, {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: name },
      spec: { selector: { matchLabels: { app: 'app' } }, template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'app:1', ports: [{ name: 'http', containerPort: 8080 }] }] } } },
    });
  }
  build(new ClusterGuardrails(chart, 'guardrails', dialect ? { dialect } : {}));
  return chart;
}

// Both outputs read on Calico, so that the Kubernetes NetworkPolicies are read alike (an ipBlock
// holds pods there) and only the guardrails' two forms differ.
const modelOf = (chart: Chart) => NetworkModel.fromObjects([...chart.toJson(), ...clusterFixtures()], { cni: 'calico' });

/** Every cell of the matrix, with the metadata endpoint and an internet address. */
const verdicts = (m: NetworkModel) => m.matrix({ externalEndpoints: ['169.254.169.254', '203.0.113.7'] }).cells.map((c) => `${c.from} -> ${c.to}: ${c.ports}`).sort();

const blocks: Record<string, Build> = {
  denyCloudMetadata: (g) => g.denyCloudMetadata({ exemptNamespaces: ['kube-system'] }),
  allowDnsForAllPods: (g) => g.allowDnsForAllPods(),
  isolateNamespaces: (g) => g.isolateNamespaces({ namespaces: ['team-a', 'team-b'], allowFrom: [ClusterPeer.namespaceNamed('ops')] }),
  'addPolicy with ports, ranges and Pass': (g) => g.addPolicy('web-pass', {
    tier: GuardrailTier.ADMIN, priority: 30, subject: ClusterSubject.pods({ app: 'app' }, { namespace: 'team-a' }),
    ingress: [
      { action: GuardrailAction.PASS, peers: [ClusterPeer.namespaceNamed('team-b')], ports: [Port.tcp(8080), Port.udp(53)] },
      { action: GuardrailAction.DENY, peers: [ClusterPeer.allNamespaces()], ports: [Port.tcpRange(8000, 8100)] },
    ],
    egress: [{ action: GuardrailAction.DENY, peers: [ClusterPeer.networks(Cidr.of('203.0.113.0/24'))] }],
  }),
};

describe('ClusterGuardrails in the Calico dialect', () => {
  test.each(Object.keys(blocks))('%s: the analyzer gives the same verdicts as for the ClusterNetworkPolicy output', (name) => {
    const calico = cluster(NetworkDialect.calico(), blocks[name]);
    const standard = cluster(undefined, blocks[name]);
    expect(verdicts(modelOf(calico))).toEqual(verdicts(modelOf(standard)));
    // The open test namespaces have findings of their own; the Calico objects have none.
    expect(lint(calico.toJson()).filter((f) => f.object.kind === 'Tier' || f.object.kind === 'GlobalNetworkPolicy')).toEqual([]);
  });

  test('all blocks together agree too', () => {
    const all: Build = (g) => Object.values(blocks).forEach((b) => b(g));
    expect(verdicts(modelOf(cluster(NetworkDialect.calico(), all)))).toEqual(verdicts(modelOf(cluster(undefined, all))));
  });

  test('writes the Tiers and GlobalNetworkPolicies (snapshot)', () => {
    const chart = cluster(NetworkDialect.calico({ tier: 'platform', order: 50 }), (g) => {
      g.denyCloudMetadata();
      g.isolateNamespaces({ namespaces: ['team-a'] });
    });
    const tiers = objectsOf(chart, 'Tier');
    expect(tiers.platform.spec).toEqual({ order: 50, defaultAction: 'Pass' });
    expect(tiers['platform-baseline'].spec).toEqual({ order: 2_000_000, defaultAction: 'Pass' });
    const policy = objectsOf(chart, 'GlobalNetworkPolicy')['platform.netkit-deny-cloud-metadata'];
    expect(policy.spec).toEqual({
      tier: 'platform', order: 10, selector: "projectcalico.org/orchestrator == 'k8s'", types: ['Egress'],
      egress: [{ action: 'Deny', destination: { nets: ['169.254.169.254/32', 'fd00:ec2::254/128'] } }],
    });
    const why = modelOf(chart).check({ from: 'shop/web', to: '169.254.169.254', port: 80 }).why;
    expect(why).toContain('tier platform, GlobalNetworkPolicy platform.netkit-deny-cloud-metadata (order 10) egress[0] Deny');
    const calicoOnly = newChart('calico');
    new ClusterGuardrails(calicoOnly, 'guardrails', { dialect: NetworkDialect.calico({ tier: 'platform', order: 50 }) }).denyCloudMetadata();
    expect(yamlSnapshot(calicoOnly)).toMatchSnapshot();
  });

  test('without --cni, the Calico objects make the analyzer read the cluster as Calico, and say so', () => {
    const chart = cluster(NetworkDialect.calico(), blocks.denyCloudMetadata);
    const m = NetworkModel.fromObjects([...chart.toJson(), ...clusterFixtures()]);
    expect(m.notices.join('\n')).toContain('the network plugin is read as Calico');
    expect(m.check({ from: 'shop/web', to: '169.254.169.254', port: 80 }).allowed).toBe(false);
  });

  test('bad tiers and combinations are refused with the fix', () => {
    expectNetkitError(() => new ClusterGuardrails(newChart(), 'g', { dialect: NetworkDialect.calico({ order: 1_000_000 }) }), "test/g: Calico tier order 1000000 is not before the default tier (1,000,000), so namespaces' NetworkPolicies would decide first and the guardrails could be overridden. Use an order below 1,000,000, e.g. 100.");
    expectNetkitError(() => new ClusterGuardrails(newChart(), 'g', { dialect: NetworkDialect.calico({ tier: 'default' }) }), 'test/g: Calico tier "default" is where Calico puts every NetworkPolicy; guardrails need their own tiers around it. Choose another name.');
    expectNetkitError(() => new ClusterGuardrails(newChart(), 'g', { dialect: NetworkDialect.calico({ baselineOrder: 10 }) }), 'test/g: Calico baseline tier order 10 is not after the default tier (1,000,000), so it would decide before namespaces\' NetworkPolicies. Use an order above 1,000,000, e.g. 2000000.');
    expectNetkitError(() => new ClusterGuardrails(newChart(), 'g', { dialect: NetworkDialect.calico(), api: ClusterPolicyApi.ADMIN_NETWORK_POLICY_V1ALPHA1 }), 'test/g: api v1alpha1 chooses a network-policy-api version, but dialect NetworkDialect.calico() writes Calico GlobalNetworkPolicies. Leave api out.');
    expectNetkitError(() => new ClusterGuardrails(newChart(), 'g', { dialect: NetworkDialect.calico({ tier: 'Bad_Tier' }) }), 'test/g: Calico tier "Bad_Tier" must consist of lowercase letters, digits and \'-\', and start and end with a letter or digit. Use a name such as "platform".');
  });
});

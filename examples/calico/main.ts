import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Cidr, ClusterGuardrails, ClusterPeer, ExposedApp, NetworkDialect, Peer, Port, Probe, SecureNamespace, Worker } from '../../lib';

/**
 * A cluster on Calico: the platform team's guardrails are a Calico tier ordered before the
 * default tier, where the teams' NetworkPolicies live, so no namespace can reopen the cloud
 * metadata endpoint or close DNS; a baseline tier after it keeps namespaces without
 * NetworkPolicies (the analytics team's sandbox) to themselves.
 */
export class CalicoPlatformChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const guardrails = new ClusterGuardrails(this, 'guardrails', { dialect: NetworkDialect.calico({ tier: 'platform', order: 100 }) });
    guardrails.denyCloudMetadata({ exemptNamespaces: ['kube-system'] });
    guardrails.allowDnsForAllPods();
    guardrails.isolateNamespaces({ namespaces: ['sandbox'], allowFrom: [ClusterPeer.namespaceNamed('monitoring')] });

    const shop = new SecureNamespace(this, 'shop');
    const http = Port.tcp(8080, 'http');
    const api = new ExposedApp(this, 'api', { namespace: shop, image: 'acme/shop-api:4.1.0', ports: [http], readiness: Probe.http('/ready') });
    const web = new ExposedApp(this, 'web', { namespace: shop, image: 'acme/shop-web:2.3.0', ports: [http], readiness: Probe.http('/healthz') });
    web.allowFrom(Peer.ingressController(), 'http');
    web.connectTo(api, 'http');

    const payments = new SecureNamespace(this, 'payments');
    const charger = new Worker(this, 'charger', { namespace: payments, image: 'acme/charger:1.0.3' });
    // The card processor's published range; the metadata guardrail still wins over any wider rule.
    charger.allowEgressTo(Peer.cidr(Cidr.of('198.51.100.0/24')), Port.tcp(443));
  }
}

// Synthesize only when run as the app (cdk8s synth / npm run synth), not when a test imports the chart.
if (require.main === module) {
  const app = new App();
  new CalicoPlatformChart(app, 'calico-platform');
  app.synth();
}

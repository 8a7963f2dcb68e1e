import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ExposedApp, ExternalService, NetworkDialect, Peer, Port, Probe, SecureNamespace, Worker } from '../../lib';

/**
 * A shop on a cluster that runs Cilium: the web front end may only read products and place
 * orders on the api (HTTP method and path rules), and the checkout worker charges cards
 * through Stripe's API by hostname and uploads receipts to S3, with no address ranges and no
 * open internet egress.
 */
export class CiliumShopChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const ns = new SecureNamespace(this, 'orders', { dialect: NetworkDialect.cilium() });
    const http = Port.tcp(8080, 'http');
    const api = new ExposedApp(this, 'api', { namespace: ns, image: 'acme/orders-api:3.2.0', ports: [http], readiness: Probe.http('/ready') });
    const web = new ExposedApp(this, 'web', { namespace: ns, image: 'acme/web:2.0.1', ports: [http], readiness: Probe.http('/healthz') });
    const checkout = new Worker(this, 'checkout', { namespace: ns, image: 'acme/checkout:1.7.0' });

    web.allowFrom(Peer.ingressController(), 'http');
    web.connectTo(api, 'http', { http: [{ method: 'GET', path: '/v1/products(/.*)?' }, { method: 'POST', path: '/v1/orders' }] });
    checkout.connectTo(api, 'http', { http: [{ method: 'GET|PATCH', path: '/v1/orders/[0-9]+' }] });

    const stripe = ExternalService.fromHostname(this, 'stripe', { namespace: ns, hostname: 'api.stripe.com', ports: [Port.tcp(443, 'https')] });
    checkout.connectTo(stripe);
    checkout.allowEgressTo(Peer.fqdnPattern('*.s3.amazonaws.com'), Port.tcp(443));
  }
}

// Synthesize only when run as the app (cdk8s synth / npm run synth), not when a test imports the chart.
if (require.main === module) {
  const app = new App();
  new CiliumShopChart(app, 'cilium-shop');
  app.synth();
}

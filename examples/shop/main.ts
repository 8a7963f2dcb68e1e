import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ExposedApp, Peer, Port, Probe, SecureNamespace } from '../../lib';

/**
 * The shop: web -> api -> db in a locked-down namespace that a monitoring namespace may
 * scrape on each app's "metrics" port.
 */
export class ShopChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const shop = new SecureNamespace(this, 'shop', {
      labels: { team: 'shop' },
      allowFrom: [{ peer: Peer.namespace({ purpose: 'monitoring' }), ports: [Port.named('metrics')] }],
    });
    const db = new ExposedApp(this, 'db', {
      namespace: shop,
      image: 'postgres:16.4',
      ports: [Port.tcp(5432, 'postgres')],
      replicas: 1,
      runAsUser: 999,
    });
    const api = new ExposedApp(this, 'api', {
      namespace: shop,
      image: 'acme/api:1.4.2',
      ports: [Port.tcp(8080, 'http'), Port.tcp(9090, 'metrics')],
      readiness: Probe.http('/ready'),
      env: { DATABASE_HOST: db.fqdn },
    });
    const web = new ExposedApp(this, 'web', {
      namespace: shop,
      image: 'acme/web:2.0.1',
      ports: [Port.tcp(8080, 'http'), Port.tcp(9090, 'metrics')],
      servicePort: 80,
      readiness: Probe.http('/healthz'),
      env: { API_URL: api.url() },
    });
    web.connectTo(api, 'http');
    api.connectTo(db);
  }
}

// Synthesize only when run as the app (cdk8s synth / npm run synth), not when a test imports the chart.
if (require.main === module) {
  const app = new App();
  new ShopChart(app, 'shop');
  app.synth();
}

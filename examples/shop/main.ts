import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ExposedApp, HeadlessStateful, Peer, Port, Probe, SecureNamespace } from '../../lib';

/**
 * The shop: web -> api -> db (a 3-replica PostgreSQL) in a locked-down namespace that a monitoring namespace may
 * scrape on each app's "metrics" port.
 */
export class ShopChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const shop = new SecureNamespace(this, 'shop', {
      labels: { team: 'shop' },
      allowFrom: [{ peer: Peer.namespace({ purpose: 'monitoring' }), ports: [Port.named('metrics')] }],
    });
    // PostgreSQL with Patroni: replicas replicate on 5432 and coordinate on the Patroni API.
    const postgres = Port.tcp(5432, 'postgres');
    const db = new HeadlessStateful(this, 'db', {
      namespace: shop,
      image: 'ghcr.io/zalando/spilo-16:3.3-p1',
      clientPorts: [postgres],
      peerPorts: [postgres, Port.tcp(8008, 'patroni')],
      replicas: 3,
      runAsUser: 101,
      // Patroni must find its peers before any replica can become ready.
      publishNotReadyAddresses: true,
      storage: { size: '10Gi', mountPath: '/home/postgres/pgdata' },
      peerEnv: 'PATRONI_PEERS',
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

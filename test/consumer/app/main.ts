import { App, Chart, ChartProps } from 'cdk8s';
import { ClusterGuardrails, CoreDnsConfig, ExposedApp, Port, Probe, SecureNamespace } from 'cdk8s-netkit';
import { Construct } from 'constructs';

export class ShopChart extends Chart {
  public readonly web: ExposedApp;
  public readonly api: ExposedApp;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const namespace = new SecureNamespace(this, 'shop', { name: 'shop' });
    this.api = new ExposedApp(this, 'api', {
      namespace,
      image: 'ghcr.io/acme/api:1.4.2',
      ports: [Port.tcp(8080, 'http')],
      readiness: Probe.http('/ready'),
    });
    this.web = new ExposedApp(this, 'web', {
      namespace,
      image: 'ghcr.io/acme/web:2.0.1',
      ports: [Port.tcp(8080, 'http')],
      readiness: Probe.http('/ready'),
    });
    this.web.connectTo(this.api);
  }
}

/** The platform team's chart: CoreDNS with a corporate stub domain, and a metadata guardrail. */
export class ClusterChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new CoreDnsConfig(this, 'coredns').addStubDomain('corp.example', ['10.0.0.53']);
    new ClusterGuardrails(this, 'guardrails', { denyCloudMetadata: true });
  }
}

if (require.main === module) {
  const app = new App();
  new ShopChart(app, 'consumer-app');
  new ClusterChart(app, 'cluster');
  app.synth();
}

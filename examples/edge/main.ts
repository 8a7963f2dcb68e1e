import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AllowedRoutes, Certificate, ExposedApp, ExternalService, Gateway, HttpRoute, IssuerRef, PathType, Port, Probe, SecureNamespace, TlsIngress,
} from '../../lib';

/**
 * The storefront at the edge, twice: behind an ingress-nginx TlsIngress (two hosts, path
 * routing, cert-manager) and behind a Gateway API Gateway + HTTPRoute that sends 10% of
 * the traffic to the next web release. The api pays through an external provider.
 */
export class EdgeChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const ns = new SecureNamespace(this, 'storefront');
    const http = Port.tcp(8080, 'http');
    const api = new ExposedApp(this, 'api', { namespace: ns, image: 'acme/api:1.4.2', ports: [http], readiness: Probe.http('/ready') });
    const web = new ExposedApp(this, 'web', { namespace: ns, image: 'acme/web:2.0.1', ports: [http], servicePort: 80, readiness: Probe.http('/healthz') });
    const webNext = new ExposedApp(this, 'web-next', { namespace: ns, image: 'acme/web:2.1.0-rc.1', ports: [http], servicePort: 80, readiness: Probe.http('/healthz'), replicas: 1 });
    web.connectTo(api);
    webNext.connectTo(api);

    const payments = ExternalService.fromAddresses(this, 'payments', { namespace: ns, addresses: ['203.0.113.10', '2001:db8::10'], ports: [Port.tcp(443, 'https')] });
    api.connectTo(payments);
    ExternalService.fromHostname(this, 'mail', { namespace: ns, hostname: 'smtp.mail.example.net', ports: [Port.tcp(587, 'submission')] });

    // ingress-nginx in front of web and api.
    const ingress = new TlsIngress(this, 'storefront-ingress', {
      namespace: ns,
      className: 'nginx',
      certificate: Certificate.clusterIssuer('letsencrypt-prod'),
      nginx: { proxyBodySize: '8m', rateLimit: { rps: 50 }, timeouts: { read: 30 } },
      rules: [{ host: 'shop.example.com', paths: [{ path: '/api', backend: api }, { path: '/', backend: web }] }],
    });
    api.exposeVia(ingress, { host: 'api.example.com', path: '/', pathType: PathType.PREFIX });

    // The same storefront through Gateway API, with a 90/10 release split.
    const gateway = new Gateway(this, 'edge', {
      namespace: ns,
      className: 'istio',
      issuer: IssuerRef.cluster('letsencrypt-prod'),
      listeners: [{ hostname: '*.example.com', certificateSecrets: ['wildcard-example-com-tls'], allowedRoutes: AllowedRoutes.sameNamespace() }],
    });
    new HttpRoute(this, 'storefront-route', {
      namespace: ns,
      gateway,
      hostnames: ['shop.example.com'],
      rules: [
        { path: '/', backends: [{ backend: web, weight: 90 }, { backend: webNext, weight: 10 }] },
        { path: '/api', backends: [{ backend: api }] },
      ],
    });
  }
}

// Synthesize only when run as the app (cdk8s synth / npm run synth), not when a test imports the chart.
if (require.main === module) {
  const app = new App();
  new EdgeChart(app, 'edge');
  app.synth();
}

import { describe, expect, test } from 'vitest';
import {
  BackendProtocol, Certificate, Cidr, ExposedApp, ExternalService, HeadlessStateful, IngressBackend, IssuerRef, PathType, Port, SecureNamespace, TlsIngress, lint,
} from '../../lib';
import { modelWithCluster, newChart, objectsOf, yamlSnapshot } from '../helpers/charts';
import { expectNetkitError } from '../helpers/errors';
import { validateAgainstSchema } from '../helpers/schema';

type Props = ConstructorParameters<typeof TlsIngress>[2];

function edge(props: Partial<Props> = {}) {
  const chart = newChart('shop');
  const ns = new SecureNamespace(chart, 'shop');
  const http = Port.tcp(8080, 'http');
  const api = new ExposedApp(chart, 'api', { namespace: ns, image: 'a:1', ports: [http, Port.tcp(9090, 'metrics')] });
  const web = new ExposedApp(chart, 'web', { namespace: ns, image: 'w:1', ports: [http], servicePort: 80 });
  const build = () => new TlsIngress(chart, 'edge', {
    namespace: ns,
    className: 'nginx',
    certificate: Certificate.clusterIssuer('letsencrypt-prod'),
    rules: [{ host: 'shop.example.com', paths: [{ path: '/api', backend: api }, { path: '/', backend: web }] }],
    ...props,
  });
  return { chart, ns, api, web, build };
}

describe('TlsIngress', () => {
  test('writes an Ingress with ingressClassName, TLS on every host and cert-manager', () => {
    const { chart, build } = edge();
    build();
    expect(yamlSnapshot(chart)).toMatchSnapshot();
    validateAgainstSchema(chart.toJson());
    expect(lint(chart.toJson())).toEqual([]);
  });

  test('the class is a field, never the deprecated annotation; HTTP redirects to HTTPS', () => {
    const { chart, build } = edge();
    build();
    const ingress = objectsOf(chart, 'Ingress').edge;
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.metadata.annotations).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
      'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
    });
    expect(ingress.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'edge-tls' }]);
  });

  test('the controller reaches each backend on its backend port only, and nothing else opens', () => {
    const { chart, build } = edge();
    build();
    const model = modelWithCluster(chart);
    const controller = 'ingress-nginx/ingress-nginx-controller';
    expect(model).toAllowTraffic({ from: controller, to: 'shop/api', port: 8080 });
    expect(model).toAllowTraffic({ from: controller, to: 'shop/web', port: 8080 });
    expect(model).toDenyTraffic({ from: controller, to: 'shop/api', port: 9090 });
    expect(model).toDenyTraffic({ from: 'monitoring/prometheus', to: 'shop/web', port: 8080 });
    expect(model).toDenyTraffic({ from: 'shop/web', to: 'shop/api', port: 8080 });
  });

  test('the controller keeps its access when other peers are allowed later', () => {
    const { chart, api, web, build } = edge();
    build();
    web.connectTo(api);
    expect(modelWithCluster(chart)).toAllowTraffic({ from: 'ingress-nginx/ingress-nginx-controller', to: 'shop/api', port: 8080 });
    expect(modelWithCluster(chart)).toAllowTraffic({ from: 'shop/web', to: 'shop/api', port: 8080 });
  });

  test('no policy is written into the controller\'s namespace', () => {
    const { chart, build } = edge();
    build();
    for (const policy of Object.values(objectsOf(chart, 'NetworkPolicy'))) expect(policy.metadata.namespace).toBe('shop');
  });

  test('apps expose themselves from their side; a wildcard host is covered by its own TLS entry', () => {
    const { chart, api, build } = edge();
    const ingress = build();
    api.exposeVia(ingress, { host: '*.api.example.com', path: '/v1', pathType: PathType.EXACT });
    const spec = objectsOf(chart, 'Ingress').edge.spec;
    expect(spec.tls).toEqual([{ hosts: ['*.api.example.com', 'shop.example.com'], secretName: 'edge-tls' }]);
    expect(spec.rules[1]).toEqual({ host: '*.api.example.com', http: { paths: [{ path: '/v1', pathType: 'Exact', backend: { service: { name: 'api', port: { number: 8080 } } } }] } });
  });

  test('an explicit cert-manager Certificate lists every host as a dnsName', () => {
    const { chart, api, build } = edge({ certificate: Certificate.explicit({ issuer: IssuerRef.namespaced('corp-ca'), duration: '2160h', renewBefore: '360h' }) });
    api.exposeVia(build(), { host: 'api.example.com' });
    const certificate = (chart.toJson() as any[]).find((o) => o.kind === 'Certificate');
    expect(certificate).toEqual({
      apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'edge-tls', namespace: 'shop' },
      spec: { secretName: 'edge-tls', dnsNames: ['api.example.com', 'shop.example.com'], issuerRef: { name: 'corp-ca', kind: 'Issuer', group: 'cert-manager.io' }, duration: '2160h', renewBefore: '360h' },
    });
    validateAgainstSchema(chart.toJson());
  });

  test('typed ingress-nginx annotations', () => {
    const { chart, build } = edge({
      nginx: {
        rewriteTarget: '/$2', proxyBodySize: '16m', timeouts: { connect: 5, send: 60, read: 120 }, rateLimit: { rps: 10, connections: 20 },
        basicAuth: { secretName: 'htpasswd' }, backendProtocol: BackendProtocol.GRPC, allowSourceRanges: [Cidr.of('10.0.0.0/8')],
        canary: { weight: 10 }, hsts: { maxAgeSeconds: 600 },
      },
    });
    build();
    expect(objectsOf(chart, 'Ingress').edge.metadata.annotations).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
      'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/rewrite-target': '/$2',
      'nginx.ingress.kubernetes.io/use-regex': 'true',
      'nginx.ingress.kubernetes.io/proxy-body-size': '16m',
      'nginx.ingress.kubernetes.io/proxy-connect-timeout': '5',
      'nginx.ingress.kubernetes.io/proxy-send-timeout': '60',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '120',
      'nginx.ingress.kubernetes.io/limit-rps': '10',
      'nginx.ingress.kubernetes.io/limit-connections': '20',
      'nginx.ingress.kubernetes.io/auth-type': 'basic',
      'nginx.ingress.kubernetes.io/auth-secret': 'htpasswd',
      'nginx.ingress.kubernetes.io/auth-realm': 'Authentication required',
      'nginx.ingress.kubernetes.io/backend-protocol': 'GRPC',
      'nginx.ingress.kubernetes.io/whitelist-source-range': '10.0.0.0/8',
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '10',
      'nginx.ingress.kubernetes.io/configuration-snippet': 'more_set_headers "Strict-Transport-Security: max-age=600; includeSubDomains";',
    });
  });

  test('other controllers get a plain pass-through and a configurable controller peer', () => {
    const { chart, build } = edge({ className: 'traefik', annotations: { 'traefik.ingress.kubernetes.io/router.middlewares': 'shop-auth@kubernetescrd' }, controller: { namespace: 'traefik', labels: { 'app.kubernetes.io/name': 'traefik' } } });
    build();
    expect(objectsOf(chart, 'Ingress').edge.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-prod', 'traefik.ingress.kubernetes.io/router.middlewares': 'shop-auth@kubernetescrd' });
    expect(objectsOf(chart, 'NetworkPolicy').web.spec.ingress[0].from[0].namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } });
  });

  test('a default backend, a HeadlessStateful client Service and an unmanaged Service', () => {
    const { chart, ns, web, build } = edge({ rules: [] });
    const db = new HeadlessStateful(chart, 'search', { namespace: ns, image: 's:1', clientPorts: [Port.tcp(9200, 'http')] });
    ExternalService.fromHostname(chart, 'legacy', { namespace: ns, hostname: 'legacy.example.net', ports: [Port.tcp(80, 'http')] });
    const ingress = build();
    new TlsIngress(chart, 'fallback', { namespace: ns, className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), defaultBackend: web, rules: [{ host: 'legacy.example.com', paths: [{ backend: IngressBackend.service('legacy', 'http') }] }] });
    db.exposeVia(ingress, { host: 'search.example.com' });
    expect(objectsOf(chart, 'Ingress').fallback.spec.defaultBackend).toEqual({ service: { name: 'web', port: { number: 80 } } });
    expect(objectsOf(chart, 'Ingress').fallback.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'legacy', port: { name: 'http' } } });
    expect(modelWithCluster(chart)).toAllowTraffic({ from: 'ingress-nginx/ingress-nginx-controller', to: 'shop/search', port: 9200 });
  });

  test('an Ingress with no route fails at synth, naming the fix', () => {
    const { chart, ns } = edge();
    new TlsIngress(chart, 'empty', { namespace: ns, className: 'nginx', certificate: Certificate.existingSecret('edge-tls') });
    expect(() => chart.toJson()).toThrow('shop/empty: the Ingress has no rules and no defaultBackend, which the API server refuses. Add a route (app.exposeVia(ingress, { host })) or remove the TlsIngress.');
  });

  test('plain HTTP is a named opt-out, recorded as a reasoned suppression', () => {
    const { chart, build } = edge({ certificate: undefined, allowPlainHttp: true });
    build();
    const ingress = objectsOf(chart, 'Ingress').edge;
    expect(ingress.spec.tls).toBeUndefined();
    expect(ingress.metadata.annotations).toEqual({ 'netkit.io/ignore': 'ingress-without-tls', 'netkit.io/ignore-reason': 'explicit opt-in: allowPlainHttp' });
    expect(lint(chart.toJson())).toEqual([]);
  });

  test('a refused route leaves no policy behind', () => {
    const { chart, ns, build } = edge();
    const ingress = build();
    const admin = new ExposedApp(chart, 'admin', { namespace: ns, image: 'ad:1', ports: [Port.tcp(8080, 'http')] });
    const before = JSON.stringify(chart.toJson());
    expect(() => admin.exposeVia(ingress, { host: 'shop.example.com', path: '/' })).toThrow('already routes to Service web');
    expect(JSON.stringify(chart.toJson())).toBe(before);
  });

  test('repeating a route is harmless', () => {
    const { chart, web, build } = edge();
    web.exposeVia(build(), { host: 'shop.example.com', path: '/' });
    expect(objectsOf(chart, 'Ingress').edge.spec.rules[0].http.paths).toHaveLength(2);
  });

  test.each<[string, (e: ReturnType<typeof edge>) => unknown, string]>([
    ['a missing class', (e) => new TlsIngress(e.chart, 'x', { className: '' }), 'shop/x: className "" is empty. Give the IngressClass name, e.g. "nginx".'],
    ['a host with a wildcard in the middle', (e) => new TlsIngress(e.chart, 'x', { namespace: e.ns, className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), rules: [{ host: 'shop.*.example.com', paths: [{ backend: e.web }] }] }), 'shop/x: host "shop.*.example.com" has a wildcard that is not the whole left-most label (only "*.example.com" is allowed).'],
    ['a host with a scheme', (e) => new TlsIngress(e.chart, 'x', { namespace: e.ns, className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), rules: [{ host: 'https://shop.example.com', paths: [{ backend: e.web }] }] }), 'shop/x: host "https://shop.example.com" has a scheme; a host is the DNS name alone. Remove "https://" (write "shop.example.com").'],
    ['a host with a port', (e) => new TlsIngress(e.chart, 'x', { namespace: e.ns, className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), rules: [{ host: 'shop.example.com:443', paths: [{ backend: e.web }] }] }), 'shop/x: host "shop.example.com:443" has a port; a host is the DNS name alone (the port comes from the listener). Remove ":443" (write "shop.example.com").'],
    ['a host with a path', (e) => e.web.exposeVia(e.build(), { host: 'shop.example.com/api' }), 'shop/edge: host "shop.example.com/api" has a path; a host is the DNS name alone. Remove "/api" and give the path as `path`.'],
    ['an IP host', (e) => new TlsIngress(e.chart, 'x', { namespace: e.ns, className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), rules: [{ host: '203.0.113.1', paths: [{ backend: e.web }] }] }), 'shop/x: host "203.0.113.1" is an IP address; Ingress and Gateway hosts must be DNS names.'],
    ['an uppercase host', (e) => new TlsIngress(e.chart, 'x', { namespace: e.ns, className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), rules: [{ host: 'Shop.example.com', paths: [{ backend: e.web }] }] }), 'shop/x: host "Shop.example.com" is not a DNS name: it must be lowercase letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit.'],
    ['a path without a slash', (e) => new TlsIngress(e.chart, 'x', { namespace: e.ns, className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), rules: [{ host: 'a.example.com', paths: [{ path: 'api', backend: e.web }] }] }), 'shop/x: path "api" must start with "/". Write it like "/api".'],
    ['one path to two backends', (e) => new TlsIngress(e.chart, 'x', { namespace: e.ns, className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), rules: [{ host: 'a.example.com', paths: [{ backend: e.web }, { backend: e.api }] }] }), 'shop/x: a.example.com/ (Prefix) already routes to Service web; it cannot also route to api. Use another path, or an HttpRoute with weights to split traffic.'],
    ['a port the backend does not have', (e) => e.web.exposeVia(e.build(), { host: 'b.example.com', port: 'admin' }), 'shop/edge: port "admin" is not a port shop/web accepts (it accepts: TCP 8080 (http)). Declare the port on that workload, or use one of those.'],
    ['a backend in another namespace', (e) => new TlsIngress(e.chart, 'x', { namespace: 'other', className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), rules: [{ host: 'a.example.com', paths: [{ backend: e.web }] }] }), 'shop/x: backend shop/web is in namespace shop, but an Ingress reaches Services in its own namespace (other) only. Put the TlsIngress in shop.'],
    ['an invalid secret name', (e) => new TlsIngress(e.chart, 'x', { namespace: e.ns, className: 'nginx', certificate: Certificate.existingSecret('Shop_TLS') }), 'shop/x: secret name "Shop_TLS" must be lowercase letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit. Use a name like "shop-tls".'],
    ['no certificate (nothing would create the Secret)', (e) => new TlsIngress(e.chart, 'x', { namespace: e.ns, className: 'nginx', rules: [{ host: 'a.example.com', paths: [{ backend: e.web }] }] }), 'shop/x: no certificate: nothing would create the TLS Secret "x-tls" it needs. Say where it comes from: certificate: Certificate.clusterIssuer(\'letsencrypt-prod\') (cert-manager), Certificate.explicit({ issuer }), or Certificate.existingSecret(\'x-tls\') for a Secret you create; or allowPlainHttp: true for plain HTTP.'],
    ['plain HTTP with a certificate', (e) => new TlsIngress(e.chart, 'x', { namespace: e.ns, className: 'nginx', allowPlainHttp: true, certificate: Certificate.existingSecret('a') }), 'shop/x: allowPlainHttp and certificate contradict each other. Remove allowPlainHttp to serve TLS.'],
    ['a bad body size', (e) => new TlsIngress(e.chart, 'x', { namespace: e.ns, className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), nginx: { proxyBodySize: '8 MB' } }), 'shop/x: nginx: proxyBodySize "8 MB" is not a size such as "8m" or "512k".'],
    ['a canary weight over 100', (e) => new TlsIngress(e.chart, 'x', { namespace: e.ns, className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), nginx: { canary: { weight: 150 } } }), 'shop/x: nginx: canary weight 150 is not 0-100.'],
    ['a zero rate limit', (e) => new TlsIngress(e.chart, 'x', { namespace: e.ns, className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), nginx: { rateLimit: { rps: 0 } } }), 'shop/x: nginx: rateLimit.rps 0 must be a whole number of at least 1.'],
    ['an empty allow list', (e) => new TlsIngress(e.chart, 'x', { namespace: e.ns, className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), nginx: { allowSourceRanges: [] } }), 'shop/x: nginx: allowSourceRanges is empty, which would refuse everyone; omit it to allow every client.'],
    ['a timeout of an hour and more', (e) => new TlsIngress(e.chart, 'x', { namespace: e.ns, className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), nginx: { timeouts: { read: 7200 } } }), 'shop/x: nginx: timeouts.read 7200 is not 1-3600 seconds.'],
    ['an unmanaged Service with a bad port', (e) => new TlsIngress(e.chart, 'x', { namespace: e.ns, className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), rules: [{ host: 'a.example.com', paths: [{ backend: IngressBackend.service('legacy', 0) }] }] }), 'shop/x: backend Service legacy:0: port is not 1-65535.'],
  ])('refuses %s', (_name, build, message) => {
    const e = edge();
    expectNetkitError(() => build(e), message);
  });
});

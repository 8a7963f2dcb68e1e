import { describe, expect, test } from 'vitest';
import { AllowedRoutes, ExposedApp, Gateway, HttpRoute, IssuerRef, PathType, Port, SecureNamespace, lint } from '../../lib';
import { newChart, objectsOf, yamlSnapshot } from '../helpers/charts';
import { expectNetkitError } from '../helpers/errors';
import { validateAgainstSchema } from '../helpers/schema';
import { NetworkModel, clusterFixtures } from '../../lib';

function setup() {
  const chart = newChart('shop');
  const ns = new SecureNamespace(chart, 'shop', { labels: { edge: 'public' } });
  const http = Port.tcp(8080, 'http');
  const web = new ExposedApp(chart, 'web', { namespace: ns, image: 'w:1', ports: [http], servicePort: 80 });
  const next = new ExposedApp(chart, 'web-next', { namespace: ns, image: 'w:2', ports: [http], servicePort: 80 });
  const api = new ExposedApp(chart, 'api', { namespace: ns, image: 'a:1', ports: [http, Port.tcp(9090, 'metrics')] });
  const gateway = new Gateway(chart, 'edge', { namespace: ns, className: 'istio', issuer: IssuerRef.cluster('letsencrypt-prod'), listeners: [{ hostname: '*.example.com' }] });
  return { chart, ns, web, next, api, gateway };
}

/** The Gateway's data-plane pods, as an implementation would deploy them. */
function modelWithProxy(chart: ReturnType<typeof newChart>) {
  const proxy = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'edge-istio', namespace: 'shop' },
    spec: { template: { metadata: { labels: { 'gateway.networking.k8s.io/gateway-name': 'edge' } }, spec: { containers: [{ name: 'proxy', image: 'istio/proxyv2' }] } } },
  };
  return NetworkModel.fromObjects([...chart.toJson(), ...clusterFixtures(), proxy]);
}

describe('Gateway and HttpRoute', () => {
  test('write a Gateway with an HTTPS listener, an HTTP redirect, and a weighted HTTPRoute', () => {
    const { chart, web, next, api, gateway } = setup();
    new HttpRoute(chart, 'shop-route', {
      namespace: 'shop', gateway, hostnames: ['shop.example.com'],
      rules: [{ path: '/', backends: [{ backend: web, weight: 90 }, { backend: next, weight: 10 }] }, { path: '/api', backends: [{ backend: api }] }],
    });
    expect(yamlSnapshot(chart)).toMatchSnapshot();
    validateAgainstSchema(chart.toJson());
    expect(lint(chart.toJson())).toEqual([]);
  });

  test('the listener terminates TLS with the certificate Secret and accepts same-namespace routes', () => {
    const { chart } = setup();
    const gateway = objectsOf(chart, 'Gateway').edge;
    expect(gateway.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' });
    expect(gateway.spec.listeners[0]).toEqual({
      name: 'https', protocol: 'HTTPS', port: 443, hostname: '*.example.com',
      tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', group: '', name: 'edge-tls' }] },
      allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }] },
    });
    expect(objectsOf(chart, 'HTTPRoute')['edge-https-redirect'].spec.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
  });

  test('backends accept the gateway\'s data plane on their backend port only', () => {
    const { chart, web, next, api, gateway } = setup();
    const route = new HttpRoute(chart, 'r', { gateway, namespace: 'shop', rules: [{ backends: [{ backend: web, weight: 90 }, { backend: next, weight: 10 }] }] });
    api.exposeVia(route, { host: 'api.example.com', path: '/v1', pathType: PathType.EXACT });
    const model = modelWithProxy(chart);
    expect(model).toAllowTraffic({ from: 'shop/edge-istio', to: 'shop/web', port: 8080 });
    expect(model).toAllowTraffic({ from: 'shop/edge-istio', to: 'shop/web-next', port: 8080 });
    expect(model).toAllowTraffic({ from: 'shop/edge-istio', to: 'shop/api', port: 8080 });
    expect(model).toDenyTraffic({ from: 'shop/edge-istio', to: 'shop/api', port: 9090 });
    expect(model).toDenyTraffic({ from: 'ingress-nginx/ingress-nginx-controller', to: 'shop/web', port: 8080 });
    // The proxies run in our namespace, so the Gateway writes their side too: clients in on
    // the listener ports, out only to route backends and DNS.
    expect(model).toAllowTraffic({ from: '198.51.100.7', to: 'shop/edge-istio', port: 443 });
    expect(model).toDenyTraffic({ from: '198.51.100.7', to: 'shop/edge-istio', port: 15021 });
    expect(model).toDenyTraffic({ from: 'shop/edge-istio', to: '198.51.100.7', port: 443 });
    expect(model).toAllowTraffic({ from: 'shop/edge-istio', to: 'kube-system/coredns', port: 53, protocol: 'UDP' });
    const spec = objectsOf(chart, 'HTTPRoute').r.spec;
    expect(spec.hostnames).toEqual(['api.example.com']);
    expect(spec.rules[1]).toEqual({ matches: [{ path: { type: 'Exact', value: '/v1' } }], backendRefs: [{ group: '', kind: 'Service', name: 'api', port: 8080 }] });
  });

  test('proxies in a namespace the chart does not own get no policy written there', () => {
    const { chart, web } = setup();
    const shared = new Gateway(chart, 'shared', { namespace: 'shop', className: 'istio', issuer: IssuerRef.cluster('letsencrypt-prod'), listeners: [{}], dataPlane: { namespace: 'istio-ingress', labels: { istio: 'ingressgateway' } } });
    new HttpRoute(chart, 'r', { gateway: shared, namespace: 'shop', rules: [{ backends: [{ backend: web }] }] });
    expect(shared.dataPlanePolicy).toBeUndefined();
    for (const policy of Object.values(objectsOf(chart, 'NetworkPolicy'))) expect(policy.metadata.namespace).toBe('shop');
    expect(objectsOf(chart, 'NetworkPolicy').web.spec.ingress).toContainEqual({
      from: [{ podSelector: { matchLabels: { istio: 'ingressgateway' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } } }],
      ports: [{ port: 'http', protocol: 'TCP' }],
    });
  });

  test('a refused route leaves no policy and no hostname behind', () => {
    const { chart, web, api, gateway } = setup();
    const route = new HttpRoute(chart, 'r', { gateway, namespace: 'shop', rules: [{ backends: [{ backend: web }] }] });
    const before = JSON.stringify(chart.toJson());
    expect(() => api.exposeVia(route, { host: 'api.example.com', path: '/' })).toThrow('/ (Prefix) is already routed by this HTTPRoute');
    expect(JSON.stringify(chart.toJson())).toBe(before);
  });

  test('a route in another namespace attaches only where the listener allows it', () => {
    const { chart, gateway } = setup();
    expect(() => new HttpRoute(chart, 'x', { gateway, namespace: 'other' })).toThrow('shop/x: Gateway shop/edge does not accept routes from namespace other. Set the listener\'s allowedRoutes, or put the route in shop.');
    const open = new Gateway(chart, 'open', { namespace: 'shop', className: 'istio', issuer: IssuerRef.cluster('letsencrypt-prod'), httpRedirect: false, listeners: [{ allowedRoutes: AllowedRoutes.fromNamespaces({ edge: 'public' }) }] });
    const team = new SecureNamespace(chart, 'team', { labels: { edge: 'public' } });
    const route = new HttpRoute(chart, 'team-route', { gateway: open, namespace: team });
    expect(objectsOf(chart, 'HTTPRoute')['team-route'].spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'open', namespace: 'shop' }]);
    expect(route.namespaceName).toBe('team');
  });

  test.each<[string, (s: ReturnType<typeof setup>) => unknown, string]>([
    ['an HTTPS listener without a certificate', (s) => new Gateway(s.chart, 'g', { className: 'istio', listeners: [{ hostname: 'shop.example.com' }] }), 'shop/g: listener https has no certificate: nothing would create the Secret "g-tls" it needs. Set issuer: IssuerRef.cluster(\'letsencrypt-prod\') on the Gateway (cert-manager\'s gateway-shim issues it), or certificateSecrets: [\'g-tls\'] for a Secret you create.'],
    ['no listeners', (s) => new Gateway(s.chart, 'g', { className: 'istio', listeners: [] }), 'shop/g: listeners is empty; a Gateway needs at least one. Add { hostname: "shop.example.com" }.'],
    ['a listener named http beside the redirect', (s) => new Gateway(s.chart, 'g', { className: 'istio', issuer: IssuerRef.cluster('letsencrypt-prod'), listeners: [{ name: 'http' }] }), 'shop/g: listener name "http" is reserved for the HTTPS redirect. Rename the listener or set httpRedirect: false.'],
    ['a bad listener hostname', (s) => new Gateway(s.chart, 'g', { className: 'istio', issuer: IssuerRef.cluster('letsencrypt-prod'), listeners: [{ hostname: 'shop.*.com' }] }), 'shop/g: listener https hostname "shop.*.com" has a wildcard that is not the whole left-most label (only "*.example.com" is allowed).'],
    ['an unknown section', (s) => new HttpRoute(s.chart, 'r', { gateway: s.gateway, namespace: 'shop', sectionName: 'grpc' }), 'shop/r: Gateway edge has no HTTPS listener "grpc" (it has: https).'],
    ['a weight over the range', (s) => new HttpRoute(s.chart, 'r', { gateway: s.gateway, namespace: 'shop', rules: [{ backends: [{ backend: s.web, weight: 2000000 }] }] }), 'shop/r: weight 2000000 for shop/web is not 0-1000000.'],
    ['all weights zero', (s) => new HttpRoute(s.chart, 'r', { gateway: s.gateway, namespace: 'shop', rules: [{ backends: [{ backend: s.web, weight: 0 }] }] }), 'shop/r: every backend for / has weight 0, so the rule would return 500 for every request. Give one a weight.'],
    ['a repeated path', (s) => new HttpRoute(s.chart, 'r', { gateway: s.gateway, namespace: 'shop', rules: [{ backends: [{ backend: s.web }] }, { backends: [{ backend: s.api }] }] }), 'shop/r: / (Prefix) is already routed by this HTTPRoute. Put every backend for it in one rule, with weights.'],
    ['a backend in another namespace', (s) => new HttpRoute(s.chart, 'r', { gateway: new Gateway(s.chart, 'g2', { namespace: 'other', className: 'istio', issuer: IssuerRef.cluster('letsencrypt-prod'), listeners: [{}] }), namespace: 'other', rules: [{ backends: [{ backend: s.web }] }] }), 'shop/r: backend shop/web is in namespace shop; a route reaches its own namespace (other) without a ReferenceGrant. Put the HttpRoute in shop.'],
  ])('refuses %s', (_name, build, message) => {
    const s = setup();
    expectNetkitError(() => build(s), message);
  });
});

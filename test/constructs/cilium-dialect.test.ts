import { describe, expect, test } from 'vitest';
import { Cidr, ExposedApp, ExternalService, NetworkDialect, NetworkModel, Peer, Port, SecureNamespace, Worker, ciliumPeerFields, clusterFixtures, lint } from '../../lib';
import { newChart, objectsOf, yamlSnapshot, yamlText } from '../helpers/charts';
import { expectNetkitError } from '../helpers/errors';

/** The shop: web calls api with GET /v1/ only; payments calls Stripe by name and the API server. */
function shop(dialect = NetworkDialect.cilium()) {
  const chart = newChart();
  const ns = new SecureNamespace(chart, 'shop', { dialect });
  const web = new ExposedApp(chart, 'web', { namespace: ns, image: 'acme/web:1.0.0', ports: [Port.tcp(8080, 'http')] });
  const api = new ExposedApp(chart, 'api', { namespace: ns, image: 'acme/api:1.0.0', ports: [Port.tcp(8080, 'http')] });
  const payments = new Worker(chart, 'payments', { namespace: ns, image: 'acme/payments:1.0.0' });
  return { chart, ns, web, api, payments };
}

function written() {
  const s = shop();
  s.web.connectTo(s.api, 'http', { http: [{ method: 'GET', path: '/v1/.*' }] });
  s.payments.allowEgressTo(Peer.fqdn('api.stripe.com'), Port.tcp(443));
  s.payments.allowEgressTo(Peer.kubeApiServer({ addresses: ['10.0.0.1'] }));
  return s;
}

/** The synthesized objects plus the cluster's DNS, read as Cilium enforces them. */
function modelOf(chart: ReturnType<typeof newChart>) {
  return NetworkModel.fromObjects([...chart.toJson(), ...clusterFixtures()], { cni: 'cilium' });
}

describe('NetworkDialect.cilium()', () => {
  test('writes NetworkPolicy as before plus one CiliumNetworkPolicy per workload that needs it', () => {
    expect(yamlSnapshot(written().chart)).toMatchSnapshot();
  });

  test('a host by name: toFQDNs on port numbers, and the DNS rule for exactly that name to the cluster DNS', () => {
    const cnp = objectsOf(written().chart, 'CiliumNetworkPolicy')['payments-cilium'];
    expect(cnp.spec.endpointSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'payments' } });
    expect(cnp.spec.egress).toContainEqual({ toFQDNs: [{ matchName: 'api.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] });
    expect(cnp.spec.egress).toContainEqual({
      toEndpoints: [{ matchLabels: { 'k8s-app': 'kube-dns', 'k8s:io.kubernetes.pod.namespace': 'kube-system' } }],
      toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }], rules: { dns: [{ matchName: 'api.stripe.com' }] } }],
    });
  });

  test('the API server becomes the kube-apiserver entity, with no address rule left in the NetworkPolicy', () => {
    const { chart } = written();
    expect(objectsOf(chart, 'CiliumNetworkPolicy')['payments-cilium'].spec.egress).toContainEqual({ toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '6443', protocol: 'TCP' }] }] });
    expect(JSON.stringify(objectsOf(chart, 'NetworkPolicy').payments.spec)).not.toContain('ipBlock');
  });

  test('HTTP rules go on the target\'s CiliumNetworkPolicy only: an L4 NetworkPolicy rule for the same peer would let every request in', () => {
    const { chart } = written();
    expect(objectsOf(chart, 'NetworkPolicy').api.spec.ingress).toBeUndefined();
    expect(objectsOf(chart, 'CiliumNetworkPolicy')['api-cilium'].spec.ingress).toEqual([{
      fromEndpoints: [{ matchLabels: { 'app.kubernetes.io/name': 'web', 'k8s:io.kubernetes.pod.namespace': 'shop' } }],
      toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }], rules: { http: [{ method: 'GET', path: '/v1/.*' }] } }],
    }]);
    // The caller's egress stays a NetworkPolicy rule: the target's side decides the requests.
    expect(objectsOf(chart, 'NetworkPolicy').web.spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } }], ports: [{ protocol: 'TCP', port: 'http' }] });
  });

  test('the analyzer, reading the output as Cilium enforces it, allows what was declared and denies the rest', () => {
    const model = modelOf(written().chart);
    const allowed = (q: Parameters<typeof model.check>[0]) => model.check(q).allowed;
    expect(allowed({ from: 'shop/payments', to: 'api.stripe.com', port: 443 })).toBe(true);
    expect(allowed({ from: 'shop/payments', to: 'api.stripe.com', port: 80 })).toBe(false);
    expect(allowed({ from: 'shop/payments', to: 'evil.example.com', port: 443 })).toBe(false);
    expect(allowed({ from: 'shop/web', to: 'api.stripe.com', port: 443 })).toBe(false);
    expect(allowed({ from: 'shop/payments', to: 'entity:kube-apiserver', port: 6443 })).toBe(true);
    expect(allowed({ from: 'shop/web', to: 'entity:kube-apiserver', port: 6443 })).toBe(false);
    expect(allowed({ from: 'shop/web', to: 'shop/api', port: 8080, http: { method: 'GET', path: '/v1/orders' } })).toBe(true);
    expect(allowed({ from: 'shop/web', to: 'shop/api', port: 8080, http: { method: 'POST', path: '/v1/orders' } })).toBe(false);
    expect(allowed({ from: 'shop/web', to: 'shop/api', port: 8080, http: { method: 'GET', path: '/admin' } })).toBe(false);
    expect(allowed({ from: 'shop/payments', to: 'shop/api', port: 8080, http: { method: 'GET', path: '/v1/orders' } })).toBe(false);
    const some = model.check({ from: 'shop/web', to: 'shop/api', port: 8080 });
    expect(some).toMatchObject({ allowed: true, someRequestsOnly: true });
    expect(some.why).toContain('api-cilium');
    expect(model.notices).toEqual([]);
  });

  test('the output passes netkit lint, the Cilium rules included', () => {
    expect(lint(written().chart.toJson())).toEqual([]);
  });

  test('a pattern matches one label, and several names share one DNS rule', () => {
    const s = shop();
    s.payments.allowEgressTo(Peer.fqdnPattern('*.stripe.com'), Port.tcp(443));
    s.payments.allowEgressTo(Peer.fqdn('hooks.slack.com'), Port.tcp(443));
    const dns = objectsOf(s.chart, 'CiliumNetworkPolicy')['payments-cilium'].spec.egress.find((r: any) => r.toEndpoints);
    expect(dns.toPorts[0].rules.dns).toEqual([{ matchPattern: '*.stripe.com' }, { matchName: 'hooks.slack.com' }]);
    const model = modelOf(s.chart);
    expect(model.check({ from: 'shop/payments', to: 'files.stripe.com', port: 443 }).allowed).toBe(true);
    expect(model.check({ from: 'shop/payments', to: 'stripe.com', port: 443 }).allowed).toBe(false);
    expect(model.check({ from: 'shop/payments', to: 'hooks.slack.com', port: 443 }).allowed).toBe(true);
  });

  test('connectTo an ExternalService named by hostname writes toFQDNs on its ports', () => {
    const s = shop();
    const stripe = ExternalService.fromHostname(s.chart, 'stripe', { namespace: s.ns, hostname: 'api.stripe.com', ports: [Port.tcp(443, 'https')] });
    s.payments.connectTo(stripe);
    expect(objectsOf(s.chart, 'CiliumNetworkPolicy')['payments-cilium'].spec.egress).toContainEqual({ toFQDNs: [{ matchName: 'api.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] });
    expect(modelOf(s.chart).check({ from: 'shop/payments', to: 'api.stripe.com', port: 443 }).allowed).toBe(true);
  });

  test('without a Cilium-only intent nothing Cilium is written, and synth is deterministic', () => {
    const s = shop();
    s.web.connectTo(s.api);
    expect(objectsOf(s.chart, 'CiliumNetworkPolicy')).toEqual({});
    expect(yamlText(written().chart)).toBe(yamlText(written().chart));
  });

  test('an intent that fails writes nothing', () => {
    const s = shop();
    expect(() => s.payments.allowEgressTo(Peer.fqdn('api.stripe.com'), Port.named('https'))).toThrow();
    expect(objectsOf(s.chart, 'CiliumNetworkPolicy')).toEqual({});
    expect(() => s.web.connectTo(s.api, 'http', { http: [{ path: 'v1' }] })).toThrow();
    expect(objectsOf(s.chart, 'CiliumNetworkPolicy')).toEqual({});
    expect((objectsOf(s.chart, 'NetworkPolicy').web.spec.egress ?? []).some((r: any) => JSON.stringify(r).includes('"api"'))).toBe(false);
  });

  const plain = () => shop(NetworkDialect.kubernetes());
  test.each<[string, () => void, string]>([
    ['a host by name without the dialect', () => plain().payments.allowEgressTo(Peer.fqdn('api.stripe.com'), Port.tcp(443)),
      'test/payments: allowEgressTo(host api.stripe.com): NetworkPolicy matches IP addresses, never names, so "api.stripe.com" cannot be written in namespace shop. Create the namespace as new SecureNamespace(scope, id, { dialect: NetworkDialect.cilium() }) on a cluster that runs Cilium, or allow the host\'s address ranges with allowEgressTo(Peer.cidr(...), ...).'],
    ['HTTP rules without the dialect', () => { const s = plain(); s.web.connectTo(s.api, 'http', { http: [{ method: 'GET' }] }); },
      'test/web: connectTo(test/api, { http }): HTTP rules need Cilium, and namespace shop writes plain NetworkPolicy, which stops at ports. Create it as new SecureNamespace(scope, id, { dialect: NetworkDialect.cilium() }), or leave out http.'],
    ['a relative path', () => { const s = shop(); s.web.connectTo(s.api, 'http', { http: [{ path: 'v1/.*' }] }); },
      'test/web: connectTo(test/api, { http }): http[0].path "v1/.*" does not start with "/": Cilium matches the whole path, which always does.'],
    ['a path that is no regex', () => { const s = shop(); s.web.connectTo(s.api, 'http', { http: [{ path: '/v1/(' }] }); },
      'test/web: connectTo(test/api, { http }): http[0].path "/v1/(" is not a valid regular expression.'],
    ['an empty rule list', () => { const s = shop(); s.web.connectTo(s.api, 'http', { http: [] }); },
      'test/web: connectTo(test/api, { http }): http is empty, which would allow no request at all. Give at least one rule, or leave out http for every request.'],
    ['a rule with no field', () => { const s = shop(); s.web.connectTo(s.api, 'http', { http: [{}] }); },
      'test/web: connectTo(test/api, { http }): http[0] has no field, so it would allow every request. Give a method, path, host or headers.'],
    ['a named port toward a host', () => shop().payments.allowEgressTo(Peer.fqdn('api.stripe.com'), Port.named('https')),
      'test/payments: allowEgressTo(host api.stripe.com): port "https" is a port name, and a host outside the cluster declares none. Give the port number.'],
    ['a wildcard in Peer.fqdn', () => Peer.fqdn('*.stripe.com'), 'Peer.fqdn("*.stripe.com"): "*.stripe.com" has a wildcard; give a DNS name such as api.stripe.com, or use Peer.fqdnPattern("*.stripe.com").'],
    ['a pattern of every host', () => Peer.fqdnPattern('*'), 'Peer.fqdnPattern("*"): "*" is not a DNS name pattern: use lowercase letters, digits, \'-\', \'.\' and \'*\' (one label), e.g. "*.stripe.com"; "*" alone would allow every host.'],
  ])('refuses %s, naming the fix', (_name, build, message) => {
    expectNetkitError(build, message);
  });
});

describe('ciliumPeerFields', () => {
  test('scopes every endpoint selector the way the NetworkPolicy peer was scoped', () => {
    const fields = (peer: Peer, ns = 'shop') => ciliumPeerFields(peer.toPolicyPeers(ns), 'from', ns);
    expect(fields(Peer.pods({ app: 'web' }))).toEqual({ fromEndpoints: [{ matchLabels: { 'app': 'web', 'k8s:io.kubernetes.pod.namespace': 'shop' } }] });
    expect(fields(Peer.pods({ app: 'web' }, { namespace: 'front' }))).toEqual({ fromEndpoints: [{ matchLabels: { 'app': 'web', 'k8s:io.kubernetes.pod.namespace': 'front' } }] });
    // A CNP selector without the namespace label means the policy's own namespace (language.rst "Namespaces").
    expect(fields(Peer.namespace({ team: 'payments' }))).toEqual({ fromEndpoints: [{ matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'payments' }, matchExpressions: [{ key: 'k8s:io.kubernetes.pod.namespace', operator: 'Exists' }] }] });
    expect(fields(Peer.cidr(Cidr.of('203.0.113.0/24')))).toEqual({ fromCIDRSet: [{ cidr: '203.0.113.0/24' }] });
  });
});

describe('WorkloadNetwork.allowHttpFrom, called directly', () => {
  test('checks the rules and the dialect as connectTo does, naming the intent', () => {
    const plain = shop(NetworkDialect.kubernetes());
    expectNetkitError(() => plain.api.network.allowHttpFrom(Peer.workload(plain.web), [Port.tcp(8080)], [{ method: 'GET' }]),
      'test/api: allowHttpFrom(shop/web): HTTP rules need Cilium, and namespace shop writes plain NetworkPolicy, which stops at ports. Create it as new SecureNamespace(scope, id, { dialect: NetworkDialect.cilium() }), or leave out http.');
    expect(objectsOf(plain.chart, 'CiliumNetworkPolicy')).toEqual({});
    const s = shop();
    expectNetkitError(() => s.api.network.allowHttpFrom(Peer.workload(s.web), [Port.tcp(8080)], [{ path: 'v1' }]),
      'test/api: allowHttpFrom(shop/web): http[0].path "v1" does not start with "/": Cilium matches the whole path, which always does.');
  });
});

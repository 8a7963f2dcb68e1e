import { describe, expect, test } from 'vitest';
import { ExposedApp, ExternalService, HeadlessStateful, Port, SecureNamespace, lint } from '../../lib';
import { modelWithCluster, newChart, objectsOf, yamlSnapshot } from '../helpers/charts';
import { expectNetkitError } from '../helpers/errors';
import { validateAgainstSchema } from '../helpers/schema';

function setup() {
  const chart = newChart('shop');
  const ns = new SecureNamespace(chart, 'shop');
  const api = new ExposedApp(chart, 'api', { namespace: ns, image: 'a:1', ports: [Port.tcp(8080, 'http')] });
  return { chart, ns, api };
}

describe('ExternalService', () => {
  test('an ExternalName Service for a hostname', () => {
    const { chart, ns } = setup();
    const mail = ExternalService.fromHostname(chart, 'mail', { namespace: ns, hostname: 'smtp.example.net.', ports: [Port.tcp(587, 'submission')] });
    expect(objectsOf(chart, 'Service').mail.spec).toEqual({ type: 'ExternalName', externalName: 'smtp.example.net', ports: [{ name: 'submission', port: 587, protocol: 'TCP' }] });
    expect(mail.fqdn).toBe('mail.shop.svc.cluster.local');
    validateAgainstSchema(chart.toJson());
  });

  test('a selector-less Service with one EndpointSlice per address family', () => {
    const { chart, ns } = setup();
    ExternalService.fromAddresses(chart, 'payments', { namespace: ns, addresses: ['203.0.113.10', '2001:DB8:0::10', '203.0.113.10'], ports: [Port.tcp(443, 'https')] });
    expect(yamlSnapshot(chart)).toMatchSnapshot();
    const slices = objectsOf(chart, 'EndpointSlice');
    expect(slices['payments-ipv4'].endpoints).toEqual([{ addresses: ['203.0.113.10'], conditions: { ready: true } }]);
    expect(slices['payments-ipv6'].endpoints).toEqual([{ addresses: ['2001:db8::10'], conditions: { ready: true } }]);
    expect(slices['payments-ipv4'].metadata.labels['kubernetes.io/service-name']).toBe('payments');
    expect(objectsOf(chart, 'Service').payments.spec.selector).toBeUndefined();
    validateAgainstSchema(chart.toJson());
    expect(lint(chart.toJson())).toEqual([]);
  });

  test('connectTo opens exactly the addresses and ports, by number', () => {
    const { chart, ns, api } = setup();
    const payments = ExternalService.fromAddresses(chart, 'payments', { namespace: ns, addresses: ['203.0.113.10', '203.0.113.11'], ports: [Port.tcp(443, 'https'), Port.tcp(8443, 'admin')] });
    api.connectTo(payments, 'https');
    const model = modelWithCluster(chart);
    expect(model).toAllowTraffic({ from: 'shop/api', to: '203.0.113.10', port: 443 });
    expect(model).toAllowTraffic({ from: 'shop/api', to: '203.0.113.11', port: 443 });
    expect(model).toDenyTraffic({ from: 'shop/api', to: '203.0.113.10', port: 8443 });
    expect(model).toDenyTraffic({ from: 'shop/api', to: '203.0.113.12', port: 443 });
    const db = new HeadlessStateful(chart, 'db', { namespace: ns, image: 'd:1', clientPorts: [Port.tcp(5432, 'pg')] });
    db.connectTo(payments);
    expect(modelWithCluster(chart)).toAllowTraffic({ from: 'shop/db', to: '203.0.113.10', port: 8443 });
  });

  test.each<[string, (s: ReturnType<typeof setup>) => unknown, string]>([
    ['an IP address as ExternalName', (s) => ExternalService.fromHostname(s.chart, 'x', { hostname: '10.0.0.1' }), 'shop/x: hostname "10.0.0.1" is an IP address, but ExternalName is a CNAME: clients would get a name that never resolves as an A record. Use ExternalService.fromAddresses for IP addresses.'],
    ['a wildcard hostname', (s) => ExternalService.fromHostname(s.chart, 'x', { hostname: '*.example.net' }), 'shop/x: hostname "*.example.net" contains a wildcard. Give a DNS name such as db.example.com.'],
    ['no addresses', (s) => ExternalService.fromAddresses(s.chart, 'x', { addresses: [], ports: [Port.tcp(443)] }), 'shop/x: addresses is empty. Give at least one IP address, e.g. ["203.0.113.10"].'],
    ['a name as an address', (s) => ExternalService.fromAddresses(s.chart, 'x', { addresses: ['db.example.net'], ports: [Port.tcp(443)] }), 'shop/x: address "db.example.net" is not an IP address. Use fromHostname for names.'],
    ['a loopback address', (s) => ExternalService.fromAddresses(s.chart, 'x', { addresses: ['127.0.0.1'], ports: [Port.tcp(443)] }), 'shop/x: address 127.0.0.1 is loopback, link-local or multicast, which EndpointSlices may not point at. Use the service\'s routable address.'],
    ['a policy toward a name', (s) => s.api.connectTo(ExternalService.fromHostname(s.chart, 'mail', { hostname: 'smtp.example.net', ports: [Port.tcp(587)] })), 'shop/api: connectTo(shop/mail): NetworkPolicy matches IP addresses, never names, so "smtp.example.net" cannot be written in namespace shop. Create the namespace as new SecureNamespace(scope, id, { dialect: NetworkDialect.cilium() }) on a cluster that runs Cilium, or allow the host\'s address ranges with allowEgressTo(Peer.cidr(...), ...).'],
    ['a port the external service lacks', (s) => s.api.connectTo(ExternalService.fromAddresses(s.chart, 'p', { addresses: ['203.0.113.1'], ports: [Port.tcp(443, 'https')] }), 'smtp'), 'shop/api: port "smtp" is not a port of the external service (it has: TCP 443 (https)).'],
  ])('refuses %s', (_name, build, message) => {
    const s = setup();
    expectNetkitError(() => build(s), message);
  });
});

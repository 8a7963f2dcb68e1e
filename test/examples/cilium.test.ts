import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Yaml } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { CiliumShopChart } from '../../examples/cilium/main';
import { NetworkModel, clusterFixtures, lint, loadYaml } from '../../lib';
import { validateAgainstSchema } from '../helpers/schema';

const file = join(__dirname, '../../examples/cilium/dist/cilium-shop.k8s.yaml');

describe('examples/cilium', () => {
  const committed = readFileSync(file, 'utf8');
  const model = NetworkModel.fromYaml([committed, Yaml.stringify(...clusterFixtures())], { cni: 'cilium' });

  test('the committed YAML is what the code synthesizes', () => {
    expect(Yaml.stringify(...new CiliumShopChart(new App(), 'cilium-shop').toJson())).toBe(committed);
  });

  test('Kubernetes objects pass their schema; the analyzer reads every Cilium policy whole; lint finds nothing', () => {
    const objects = Yaml.load(file) as { apiVersion: string }[];
    validateAgainstSchema(objects.filter((o) => !o.apiVersion.startsWith('cilium.io/')));
    expect(model.notices).toEqual([]);
    expect(lint(loadYaml(committed, 'cilium-shop.k8s.yaml').objects)).toEqual([]);
  });

  test('web may read products and place orders on the api, and nothing else', () => {
    expect(model).toAllowTraffic({ from: 'orders/web', to: 'orders/api', port: 8080, http: { method: 'GET', path: '/v1/products/42' } });
    expect(model).toAllowTraffic({ from: 'orders/web', to: 'orders/api', port: 8080, http: { method: 'POST', path: '/v1/orders' } });
    expect(model).toDenyTraffic({ from: 'orders/web', to: 'orders/api', port: 8080, http: { method: 'DELETE', path: '/v1/orders' } });
    expect(model).toDenyTraffic({ from: 'orders/web', to: 'orders/api', port: 8080, http: { method: 'GET', path: '/v1/orders/7' } });
    expect(model.check({ from: 'orders/web', to: 'orders/api', port: 8080 })).toMatchObject({ allowed: true, someRequestsOnly: true });
    expect(model.check({ from: 'orders/web', to: 'orders/api', port: 8080, http: { method: 'POST', path: '/v1/orders' } }).why)
      .toContain('CiliumNetworkPolicy orders/api-cilium ingress[1] allows orders/web on TCP 8080; at layer 7, POST /v1/orders matches the HTTP rule method POST path /v1/orders.');
  });

  test('checkout reads and updates one order, calls Stripe and S3 by name, and reaches nothing else outside', () => {
    expect(model).toAllowTraffic({ from: 'orders/checkout', to: 'orders/api', port: 8080, http: { method: 'PATCH', path: '/v1/orders/7' } });
    expect(model).toDenyTraffic({ from: 'orders/checkout', to: 'orders/api', port: 8080, http: { method: 'POST', path: '/v1/orders' } });
    expect(model).toAllowTraffic({ from: 'orders/checkout', to: 'api.stripe.com', port: 443 });
    expect(model).toAllowTraffic({ from: 'orders/checkout', to: 'receipts.s3.amazonaws.com', port: 443 });
    expect(model).toDenyTraffic({ from: 'orders/checkout', to: 's3.amazonaws.com', port: 443 });
    expect(model).toDenyTraffic({ from: 'orders/checkout', to: 'example.com', port: 443 });
    expect(model).toDenyTraffic({ from: 'orders/web', to: 'api.stripe.com', port: 443 });
    expect(model).toDenyTraffic({ from: 'orders/checkout', to: '203.0.113.10', port: 443 });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Yaml } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { EdgeChart } from '../../examples/edge/main';
import { NetworkModel, clusterFixtures, lint, loadYaml } from '../../lib';
import { validateAgainstSchema } from '../helpers/schema';

const file = join(__dirname, '../../examples/edge/dist/edge.k8s.yaml');

describe('examples/edge', () => {
  const committed = readFileSync(file, 'utf8');
  const proxy = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'edge-istio', namespace: 'storefront' },
    spec: { template: { metadata: { labels: { 'gateway.networking.k8s.io/gateway-name': 'edge' } }, spec: { containers: [{ name: 'istio-proxy', image: 'istio/proxyv2' }] } } },
  };
  const model = NetworkModel.fromYaml([committed, Yaml.stringify(...clusterFixtures(), proxy)]);

  test('the committed YAML is what the code synthesizes', () => {
    expect(Yaml.stringify(...new EdgeChart(new App(), 'edge').toJson())).toBe(committed);
  });

  test('every object, CRDs included, passes its schema; lint finds nothing', () => {
    const objects = Yaml.load(file);
    validateAgainstSchema(objects);
    expect(lint(loadYaml(committed, 'edge.k8s.yaml').objects)).toEqual([]);
  });

  test('the ingress controller and the gateway proxies reach the backends, and nothing else does', () => {
    for (const edge of ['ingress-nginx/ingress-nginx-controller', 'storefront/edge-istio']) {
      expect(model).toAllowTraffic({ from: edge, to: 'storefront/web', port: 8080 });
      expect(model).toAllowTraffic({ from: edge, to: 'storefront/api', port: 8080 });
    }
    expect(model).toAllowTraffic({ from: 'storefront/edge-istio', to: 'storefront/web-next', port: 8080 });
    expect(model).toDenyTraffic({ from: 'ingress-nginx/ingress-nginx-controller', to: 'storefront/web-next', port: 8080 });
    expect(model).toDenyTraffic({ from: 'monitoring/prometheus', to: 'storefront/web', port: 8080 });
  });

  test('the api reaches the payment provider on 443 and nowhere else outside', () => {
    expect(model).toAllowTraffic({ from: 'storefront/api', to: '203.0.113.10', port: 443 });
    expect(model).toAllowTraffic({ from: 'storefront/api', to: '2001:db8::10', port: 443 });
    expect(model).toDenyTraffic({ from: 'storefront/api', to: '203.0.113.11', port: 443 });
    expect(model).toDenyTraffic({ from: 'storefront/web', to: '203.0.113.10', port: 443 });
  });
});

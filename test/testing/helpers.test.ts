import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { ShopChart } from '../../examples/shop/main';
import { NetworkModel, SecureNamespace, clusterFixtures, netkitMatchers, synthYaml } from '../../lib';

describe('testing helpers', () => {
  test('synthYaml writes what cdk8s synth writes, and fails on lint errors', () => {
    const committed = readFileSync(join(__dirname, '../../examples/shop/dist/shop.k8s.yaml'), 'utf8');
    expect(synthYaml(new ShopChart(new App(), 'shop'))).toBe(committed);
    const chart = new Chart(new App(), 'bad');
    new SecureNamespace(chart, 'shop');
    new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x', namespace: 'shop' }, spec: { type: 'ExternalName', externalName: '10.0.0.1' } });
    expect(() => synthYaml(chart)).toThrow(/error \[externalname-is-ip\] Service shop\/x/);
  });

  test('the matchers accept a model, a chart or YAML, and explain failures', () => {
    const chart = new ShopChart(new App(), 'shop');
    const yaml = synthYaml(chart);
    for (const subject of [chart, yaml, NetworkModel.fromYaml(yaml)]) {
      expect(subject).toAllowTraffic({ from: 'shop/web', to: 'shop/api', port: 8080 });
      expect(subject).not.toAllowTraffic({ from: 'shop/web', to: 'shop/db', port: 5432 });
    }
    const failure = netkitMatchers.toAllowTraffic.call({ isNot: false }, chart, { from: 'shop/web', to: 'shop/db', port: 5432 });
    expect(failure.pass).toBe(false);
    expect(failure.message()).toMatch(/^expected shop\/web -> shop\/db on TCP 5432 to be allowed\.\nDENIED: shop\/web -> shop\/db on TCP 5432\. /);
    expect(clusterFixtures().map((o) => `${o.kind}`)).toContain('Deployment');
  });
});

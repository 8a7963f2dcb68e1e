import { Testing } from 'cdk8s';
import { NetworkModel, synthYaml } from 'cdk8s-netkit';
import 'cdk8s-netkit/testing';
import { describe, expect, test } from 'vitest';
import { ShopChart } from './main';

describe('ShopChart', () => {
  test('web reaches api on its port, and nothing else does', () => {
    const chart = new ShopChart(Testing.app(), 'consumer-app');
    expect(chart).toAllowTraffic({ from: 'shop/web', to: 'shop/api', port: 8080 });
    expect(chart).toDenyTraffic({ from: 'shop/api', to: 'shop/web', port: 8080 });
    expect(chart).not.toAllowTraffic({ from: 'shop/web', to: 'shop/api', port: 9999 });
  });

  test('a model works with the matchers too', () => {
    const model = NetworkModel.fromChart(new ShopChart(Testing.app(), 'consumer-app'));
    expect(model).toAllowTraffic({ from: 'shop/web', to: 'shop/api', port: 8080 });
  });

  test('writes the YAML committed in dist/ (a raw-YAML snapshot)', async () => {
    const yaml = synthYaml(new ShopChart(Testing.app(), 'consumer-app'));
    expect(yaml).toContain('kind: NetworkPolicy');
    await expect(yaml).toMatchFileSnapshot('dist/consumer-app.k8s.yaml');
  });
});

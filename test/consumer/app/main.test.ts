import { Testing } from 'cdk8s';
import { NetworkModel, synthYaml } from 'cdk8s-netkit';
import 'cdk8s-netkit/testing';
import { describe, expect, test } from 'vitest';
import { ClusterChart, ShopChart } from './main';

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

  test('with the cluster chart, no pod reaches the cloud metadata endpoint', () => {
    const app = Testing.app();
    const objects = [...new ShopChart(app, 'consumer-app').toJson(), ...new ClusterChart(app, 'cluster').toJson()];
    const model = NetworkModel.fromObjects(objects);
    expect(model).toDenyTraffic({ from: 'shop/web', to: '169.254.169.254', port: 80 });
    expect(model).toAllowTraffic({ from: 'shop/web', to: 'shop/api', port: 8080 });
  });
});

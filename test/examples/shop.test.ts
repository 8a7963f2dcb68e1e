import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Yaml } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { ShopChart } from '../../examples/shop/main';
import { NetworkModel, clusterFixtures } from '../../lib';
import { validateAgainstSchema } from '../helpers/schema';

function synthShop(): string {
  return Yaml.stringify(...new ShopChart(new App(), 'shop').toJson());
}

describe('examples/shop', () => {
  const committed = readFileSync(join(__dirname, '../../examples/shop/dist/shop.k8s.yaml'), 'utf8');
  const model = NetworkModel.fromYaml([committed, Yaml.stringify(...clusterFixtures())]);

  test('the committed YAML is what the code synthesizes, byte for byte, every time', () => {
    expect(synthShop()).toBe(committed);
    expect(synthShop()).toBe(synthShop());
  });

  test('every object passes the upstream Kubernetes schema', () => {
    validateAgainstSchema(Yaml.load(join(__dirname, '../../examples/shop/dist/shop.k8s.yaml')));
  });

  test('web reaches api, api reaches db, and web does not reach db', () => {
    expect(model).toAllowTraffic({ from: 'shop/web', to: 'shop/api', port: 8080 });
    expect(model).toAllowTraffic({ from: 'shop/api', to: 'shop/db', port: 5432 });
    expect(model).toDenyTraffic({ from: 'shop/web', to: 'shop/db', port: 5432 });
  });

  test('database replicas reach each other on replication and Patroni ports only', () => {
    expect(model).toAllowTraffic({ from: 'shop/db', to: 'shop/db', port: 8008 });
    expect(model).toDenyTraffic({ from: 'shop/api', to: 'shop/db', port: 8008 });
  });

  test('every pod resolves DNS through kube-dns', () => {
    for (const app of ['web', 'api', 'db']) {
      expect(model).toAllowTraffic({ from: `shop/${app}`, to: 'kube-system/coredns', port: 53, protocol: 'UDP' });
      expect(model).toAllowTraffic({ from: `shop/${app}`, to: 'kube-system/coredns', port: 53, protocol: 'TCP' });
    }
  });

  test('monitoring reaches every declared metrics port', () => {
    expect(model).toAllowTraffic({ from: 'monitoring/prometheus', to: 'shop/api', port: 9090 });
    expect(model).toAllowTraffic({ from: 'monitoring/prometheus', to: 'shop/web', port: 9090 });
    expect(model).toDenyTraffic({ from: 'monitoring/prometheus', to: 'shop/web', port: 8080 });
  });

  test('nothing else is allowed', () => {
    const shopCells = model.matrix().cells.filter((c) => c.from.startsWith('shop/') || c.to.startsWith('shop/'));
    expect(shopCells).toEqual([
      { from: 'monitoring/prometheus', to: 'shop/api', ports: 'TCP 9090' },
      { from: 'monitoring/prometheus', to: 'shop/web', ports: 'TCP 9090' },
      { from: 'shop/api', to: 'kube-system/coredns', ports: 'TCP 53, UDP 53' },
      { from: 'shop/api', to: 'shop/db', ports: 'TCP 5432' },
      { from: 'shop/db', to: 'kube-system/coredns', ports: 'TCP 53, UDP 53' },
      { from: 'shop/db', to: 'shop/db', ports: 'TCP 5432, TCP 8008' },
      { from: 'shop/web', to: 'kube-system/coredns', ports: 'TCP 53, UDP 53' },
      { from: 'shop/web', to: 'shop/api', ports: 'TCP 8080' },
    ]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Yaml } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { ClusterChart, ShopChart } from '../../examples/shop/main';
import { NetworkModel, clusterFixtures, lint, loadYaml, parseCorefile } from '../../lib';
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

  test('Patroni has its own ServiceAccount, bound to the Role it needs, and reaches the API server', () => {
    const objects = loadYaml(committed).objects.map((o) => o.object as any);
    const set = objects.find((o) => o.kind === 'StatefulSet');
    expect(set.spec.template.spec).toMatchObject({ serviceAccountName: 'db', automountServiceAccountToken: true });
    const binding = objects.find((o) => o.kind === 'RoleBinding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'db', namespace: 'shop' }]);
    expect(objects.find((o) => o.kind === 'Role').rules.map((r: any) => r.resources[0])).toEqual(['configmaps', 'endpoints', 'pods', 'services']);
    expect(model).toAllowTraffic({ from: 'shop/db', to: '192.0.2.10', port: 6443 });
    expect(model).toDenyTraffic({ from: 'shop/api', to: '192.0.2.10', port: 6443 });
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
      // Patroni keeps its state in the Kubernetes API: the API server endpoint, on its port only.
      { from: 'shop/db', to: '192.0.2.10', ports: 'TCP 6443' },
      { from: 'shop/web', to: 'kube-system/coredns', ports: 'TCP 53, UDP 53' },
      { from: 'shop/web', to: 'shop/api', ports: 'TCP 8080' },
    ]);
  });
});

describe('examples/shop: the cluster chart', () => {
  const file = join(__dirname, '../../examples/shop/dist/cluster.k8s.yaml');
  const committed = readFileSync(file, 'utf8');

  test('the committed YAML is what the code synthesizes, byte for byte', () => {
    const synth = () => Yaml.stringify(...new ClusterChart(new App(), 'cluster').toJson());
    expect(synth()).toBe(committed);
    expect(synth()).toBe(committed);
  });

  test('its Corefile parses, passes the lint, and routes corp.example to its own resolvers', () => {
    const objects = Yaml.load(file);
    expect(lint(objects)).toEqual([]);
    validateAgainstSchema(objects);
    const corefile = objects.find((o) => o.kind === 'ConfigMap').data.Corefile;
    const { corefile: parsed, errors } = parseCorefile(corefile);
    expect(errors).toEqual([]);
    expect(parsed.entries.map((e) => (e.kind === 'server' ? e.keys : []))).toEqual([['.:53'], ['corp.example:53']]);
  });

  test('with the shop: no pod reaches the cloud metadata endpoint, whatever its NetworkPolicy says', () => {
    const shop = readFileSync(join(__dirname, '../../examples/shop/dist/shop.k8s.yaml'), 'utf8');
    const model = NetworkModel.fromYaml([shop, committed, Yaml.stringify(...clusterFixtures())]);
    expect(model).toDenyTraffic({ from: 'shop/api', to: '169.254.169.254', port: 80 });
    expect(model).toAllowTraffic({ from: 'shop/api', to: 'shop/db', port: 5432 });
  });
});

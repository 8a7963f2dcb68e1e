// More than the README shows, from the same installed tarball: a model in the matchers, a
// cluster chart with cluster-scoped policy, and its YAML written for `netkit check` (run.sh).
import { Testing } from 'cdk8s';
import { NetworkModel, synthYaml } from 'cdk8s-netkit';
import { mkdirSync, writeFileSync } from 'fs';
import { describe, expect, test } from 'vitest';
import { ClusterChart } from './cluster';
import { ShopChart } from './main';

describe('beyond the README', () => {
  test('a model works with the matchers too', () => {
    const model = NetworkModel.fromChart(new ShopChart(Testing.app(), 'shop'));
    expect(model).toAllowTraffic({ from: 'shop/web', to: 'shop/api', port: 8080 });
    expect(model).not.toAllowTraffic({ from: 'shop/web', to: 'shop/api', port: 9999 });
  });

  test('with the cluster chart, no pod reaches the cloud metadata endpoint', () => {
    const app = Testing.app();
    const cluster = new ClusterChart(app, 'cluster');
    const model = NetworkModel.fromObjects([...new ShopChart(app, 'shop').toJson(), ...cluster.toJson()]);
    expect(model).toDenyTraffic({ from: 'shop/web', to: '169.254.169.254', port: 80 });
    expect(model).toAllowTraffic({ from: 'shop/web', to: 'shop/api', port: 8080 });
    mkdirSync('cluster-out', { recursive: true });
    writeFileSync('cluster-out/cluster.k8s.yaml', synthYaml(cluster));
  });
});

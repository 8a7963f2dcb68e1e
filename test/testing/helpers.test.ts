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

  test('clusterFixtures: choose the stand-ins; a workload of yours with the same name replaces one, and says so', () => {
    expect(clusterFixtures({ ingressController: false, monitoring: false }).map((o: any) => `${o.kind} ${o.metadata.name}`)).toEqual(['Namespace kube-system', 'Deployment coredns']);
    const ownDns = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'coredns', namespace: 'kube-system' }, spec: { selector: { matchLabels: { 'k8s-app': 'kube-dns' } }, template: { metadata: { labels: { 'k8s-app': 'kube-dns', custom: 'yes' } }, spec: { containers: [{ name: 'dns', image: 'coredns:1.11.1', ports: [{ containerPort: 53, protocol: 'UDP' }] }] } } } };
    const model = NetworkModel.fromObjects([...clusterFixtures({ ingressController: false, monitoring: false }), ownDns]);
    expect(model.workloads.map((w) => `${w.ref} ${w.labels.custom}`)).toEqual(['kube-system/coredns yes']);
    expect(model.notices).toEqual(['Deployment kube-system/coredns is defined 2 times (input, input); the last one is used, as kubectl apply would leave it']);
  });
});

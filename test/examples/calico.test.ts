import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Yaml } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { CalicoPlatformChart } from '../../examples/calico/main';
import { NetworkModel, clusterFixtures, lint, loadYaml } from '../../lib';
import { validateAgainstSchema } from '../helpers/schema';
import { namespace, workload } from '../helpers/k8s';

const file = join(__dirname, '../../examples/calico/dist/calico-platform.k8s.yaml');

describe('examples/calico', () => {
  const committed = readFileSync(file, 'utf8');
  // The analytics sandbox is deployed by its own team, outside this app.
  const sandbox = [namespace('sandbox'), workload('sandbox', 'notebook', { app: 'notebook' }, { ports: [{ name: 'http', containerPort: 8888 }] })];
  const model = NetworkModel.fromYaml([committed, Yaml.stringify(...clusterFixtures(), ...sandbox)], { cni: 'calico' });

  test('the committed YAML is what the code synthesizes', () => {
    expect(Yaml.stringify(...new CalicoPlatformChart(new App(), 'calico-platform').toJson())).toBe(committed);
  });

  test('Kubernetes objects pass their schema; the analyzer reads every Calico object; lint finds nothing', () => {
    const objects = Yaml.load(file) as { apiVersion: string }[];
    validateAgainstSchema(objects.filter((o) => !o.apiVersion.startsWith('projectcalico.org/')));
    expect(model.notices).toEqual([]);
    expect(lint(loadYaml(committed, 'calico-platform.k8s.yaml').objects)).toEqual([]);
  });

  test('the platform tier denies the metadata endpoint before any NetworkPolicy, and keeps DNS open', () => {
    expect(model).toDenyTraffic({ from: 'payments/charger', to: '169.254.169.254', port: 80 });
    expect(model.check({ from: 'payments/charger', to: '169.254.169.254', port: 80 }).why)
      .toContain("tier platform, GlobalNetworkPolicy platform.netkit-deny-cloud-metadata (order 10) egress[0] Deny");
    expect(model).toAllowTraffic({ from: 'kube-system/coredns', to: '169.254.169.254', port: 80 });
    expect(model).toAllowTraffic({ from: 'shop/web', to: 'kube-system/coredns', port: 53, protocol: 'UDP' });
    expect(model).toAllowTraffic({ from: 'sandbox/notebook', to: 'kube-system/coredns', port: 53, protocol: 'UDP' });
  });

  test('the teams\' NetworkPolicies decide in the default tier', () => {
    expect(model).toAllowTraffic({ from: 'shop/web', to: 'shop/api', port: 8080 });
    expect(model).toDenyTraffic({ from: 'payments/charger', to: 'shop/api', port: 8080 });
    expect(model).toAllowTraffic({ from: 'payments/charger', to: '198.51.100.7', port: 443 });
    expect(model).toDenyTraffic({ from: 'payments/charger', to: '203.0.113.7', port: 443 });
    expect(model.check({ from: 'shop/web', to: 'shop/api', port: 8080 }).why).toContain('passed it on by its default action');
  });

  test('the baseline tier keeps the sandbox to itself and monitoring', () => {
    expect(model).toAllowTraffic({ from: 'monitoring/prometheus', to: 'sandbox/notebook', port: 8888 });
    expect(model).toDenyTraffic({ from: 'shop/web', to: 'sandbox/notebook', port: 8888 });
    expect(model.check({ from: 'shop/web', to: 'sandbox/notebook', port: 8888 }).why).toContain('tier platform-baseline, GlobalNetworkPolicy platform-baseline.netkit-isolate-sandbox (order 500) ingress[2] Deny');
  });
});

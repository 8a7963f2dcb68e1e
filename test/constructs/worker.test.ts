import { describe, expect, test } from 'vitest';
import { ConcurrencyPolicy, ExposedApp, Peer, Port, Probe, ScheduledJob, SecureNamespace, Worker } from '../../lib';
import { modelWithCluster, newChart, objectsOf, yamlSnapshot } from '../helpers/charts';
import { expectNetkitError } from '../helpers/errors';
import { validateAgainstSchema } from '../helpers/schema';

function shop() {
  const chart = newChart('shop');
  const ns = new SecureNamespace(chart, 'shop');
  const api = new ExposedApp(chart, 'api', { namespace: ns, image: 'acme/api:1.4.2', ports: [Port.tcp(8080, 'http')] });
  return { chart, ns, api };
}

describe('Worker', () => {
  test('writes a Deployment and a policy, no Service, and no invented readiness probe', () => {
    const { chart, ns, api } = shop();
    const mailer = new Worker(chart, 'mailer', { namespace: ns, image: 'acme/mailer:3.1.0' });
    mailer.connectTo(api);
    expect(yamlSnapshot(chart)).toMatchSnapshot();
    validateAgainstSchema(chart.toJson());
    expect(Object.keys(objectsOf(chart, 'Service'))).toEqual(['api']);
    const container = objectsOf(chart, 'Deployment').mailer.spec.template.spec.containers[0];
    expect(container.readinessProbe).toBeUndefined();
    expect(container.ports).toBeUndefined();
    expect(objectsOf(chart, 'Deployment').mailer.spec.replicas).toBe(1);
  });

  test('connects out as declared, and nothing else reaches or leaves it', () => {
    const { chart, ns, api } = shop();
    const mailer = new Worker(chart, 'mailer', { namespace: ns, image: 'acme/mailer:3.1.0', ports: [Port.tcp(9090, 'metrics')] });
    mailer.connectTo(api);
    mailer.allowFrom(Peer.namespace({ purpose: 'monitoring' }), 'metrics');
    const model = modelWithCluster(chart);
    expect(model).toAllowTraffic({ from: 'shop/mailer', to: 'shop/api', port: 8080 });
    expect(model).toAllowTraffic({ from: 'shop/mailer', to: 'kube-system/coredns', port: 53, protocol: 'UDP' });
    expect(model).toAllowTraffic({ from: 'monitoring/prometheus', to: 'shop/mailer', port: 9090 });
    expect(model).toDenyTraffic({ from: 'shop/api', to: 'shop/mailer', port: 9090 });
    expect(model).toDenyTraffic({ from: 'shop/mailer', to: '203.0.113.7', port: 443 });
  });

  test('is a peer that other apps allow in by name', () => {
    const { chart, ns, api } = shop();
    const mailer = new Worker(chart, 'mailer', { namespace: ns, image: 'acme/mailer:3.1.0' });
    api.allowFrom(Peer.workload(mailer), 'http');
    mailer.allowEgressTo(Peer.workload(api), Port.tcp(8080));
    expect(modelWithCluster(chart)).toAllowTraffic({ from: 'shop/mailer', to: 'shop/api', port: 8080 });
  });

  test('reaches the Kubernetes API server with its own ServiceAccount', () => {
    const { chart, ns } = shop();
    const operator = new Worker(chart, 'operator', { namespace: ns, image: 'acme/operator:0.9.0', serviceAccount: true });
    operator.allowEgressTo(Peer.kubeApiServer({ addresses: ['192.0.2.10', '192.0.2.11'], port: 6443 }));
    const policy = objectsOf(chart, 'NetworkPolicy').operator.spec;
    expect(policy.egress).toContainEqual({ to: [{ ipBlock: { cidr: '192.0.2.10/32' } }, { ipBlock: { cidr: '192.0.2.11/32' } }], ports: [{ port: 6443, protocol: 'TCP' }] });
    expect(objectsOf(chart, 'Deployment').operator.spec.template.spec.serviceAccountName).toBe('operator');
    const model = modelWithCluster(chart);
    expect(model).toAllowTraffic({ from: 'shop/operator', to: '192.0.2.10', port: 6443 });
    expect(model).toDenyTraffic({ from: 'shop/operator', to: '192.0.2.10', port: 443 });
  });

  test('a probe on a port it does not declare is refused', () => {
    const { chart, ns } = shop();
    expectNetkitError(() => new Worker(chart, 'mailer', { namespace: ns, image: 'acme/mailer:3.1.0', liveness: Probe.tcp() }),
      'shop/mailer: a probe checks a port, but the workload declares none. Declare the port it listens on (ports), or use Probe.exec([...]).');
  });
});

describe('ScheduledJob', () => {
  test('writes a CronJob with Job options and the same secure pod', () => {
    const { chart, ns, api } = shop();
    const report = new ScheduledJob(chart, 'report', { namespace: ns, image: 'acme/report:2.0.0', schedule: '0 3 * * *', timeZone: 'Europe/Berlin' });
    report.connectTo(api);
    expect(yamlSnapshot(chart)).toMatchSnapshot();
    validateAgainstSchema(chart.toJson());
    const cron = objectsOf(chart, 'CronJob').report.spec;
    expect(cron).toMatchObject({ schedule: '0 3 * * *', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(cron.jobTemplate.spec.backoffLimit).toBe(3);
    expect(cron.startingDeadlineSeconds).toBeUndefined(); // Kubernetes' default: no deadline
    const pod = cron.jobTemplate.spec.template.spec;
    expect(pod.containers[0].readinessProbe).toBeUndefined();
    expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.restartPolicy).toBe('Never');
    expect(modelWithCluster(chart)).toAllowTraffic({ from: 'shop/report', to: 'shop/api', port: 8080 });
    expect(modelWithCluster(chart)).toDenyTraffic({ from: 'shop/report', to: '203.0.113.7', port: 443 });
  });

  test('options: concurrency, deadlines, a TTL instead of history', () => {
    const { chart, ns } = shop();
    new ScheduledJob(chart, 'sync', { namespace: ns, image: 'acme/sync:1.0.0', schedule: '*/15 * * * *', concurrencyPolicy: ConcurrencyPolicy.REPLACE, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 3600, startingDeadlineSeconds: 60 });
    const cron = objectsOf(chart, 'CronJob').sync.spec;
    expect(cron).toMatchObject({ concurrencyPolicy: 'Replace', startingDeadlineSeconds: 60 });
    expect(cron.jobTemplate.spec).toMatchObject({ activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 3600 });
  });

  test.each<[string, Partial<ConstructorParameters<typeof ScheduledJob>[2]>, string]>([
    ['a schedule with six fields', { schedule: '0 0 3 * * *' }, 'shop/report: schedule "0 0 3 * * *" is not a cron expression with five fields (minute hour day-of-month month day-of-week). Write it like "0 3 * * *" (every day at 03:00).'],
    ['a negative backoff limit', { backoffLimit: -1 }, 'shop/report: backoffLimit -1 must be a whole number of at least 0.'],
    ['a TTL beside history limits', { ttlSecondsAfterFinished: 60, successfulJobsHistoryLimit: 1 }, 'shop/report: ttlSecondsAfterFinished and the history limits both decide when finished Jobs go (by age, by count). Give one of them.'],
  ])('refuses %s', (_, props, message) => {
    const { chart, ns } = shop();
    expectNetkitError(() => new ScheduledJob(chart, 'report', { namespace: ns, image: 'acme/report:2.0.0', schedule: '0 3 * * *', ...props }), message);
    expect(objectsOf(chart, 'CronJob')).toEqual({});
  });
});

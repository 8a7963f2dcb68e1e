import { describe, expect, test } from 'vitest';
import {
  AccessMode, DisruptionBudget, ExposedApp, HeadlessStateful, Port, PodManagementPolicy, Probe, SecureNamespace, lint,
} from '../../lib';
import { modelWithCluster, newChart, objectsOf, yamlSnapshot } from '../helpers/charts';
import { expectNetkitError } from '../helpers/errors';
import { validateAgainstSchema } from '../helpers/schema';

type Props = ConstructorParameters<typeof HeadlessStateful>[2];
const etcd: Props = {
  image: 'quay.io/coreos/etcd:v3.5.15',
  clientPorts: [Port.tcp(2379, 'client')],
  peerPorts: [Port.tcp(2380, 'peer')],
  publishNotReadyAddresses: true,
  podManagementPolicy: PodManagementPolicy.PARALLEL,
  storage: { size: '8Gi', mountPath: '/var/lib/etcd', storageClassName: 'fast-ssd' },
  peerEnv: 'ETCD_PEERS',
};

function cluster(props: Partial<Props> = {}) {
  const chart = newChart('infra');
  const ns = new SecureNamespace(chart, 'infra');
  const set = new HeadlessStateful(chart, 'etcd', { namespace: ns, ...etcd, ...props });
  return { chart, ns, set };
}

describe('HeadlessStateful', () => {
  test('writes a StatefulSet, headless and client Services, a quorum PDB and a policy', () => {
    const { chart } = cluster();
    expect(yamlSnapshot(chart)).toMatchSnapshot();
    validateAgainstSchema(chart.toJson());
    expect(lint(chart.toJson())).toEqual([]);
  });

  test('the governing Service is headless and targets ports by name', () => {
    const { chart } = cluster();
    const headless = objectsOf(chart, 'Service')['etcd-headless'];
    expect(headless.spec).toEqual({
      clusterIP: 'None', type: 'ClusterIP', publishNotReadyAddresses: true, selector: { 'app.kubernetes.io/name': 'etcd' },
      ports: [{ name: 'client', port: 2379, protocol: 'TCP', targetPort: 'client' }, { name: 'peer', port: 2380, protocol: 'TCP', targetPort: 'peer' }],
    });
    const set = objectsOf(chart, 'StatefulSet').etcd;
    expect(set.spec.serviceName).toBe('etcd-headless');
    expect(set.spec.podManagementPolicy).toBe('Parallel');
    expect(set.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'etcd' });
  });

  test('the client Service load-balances client ports only', () => {
    expect(objectsOf(cluster().chart, 'Service').etcd.spec.ports).toEqual([{ name: 'client', port: 2379, protocol: 'TCP', targetPort: 'client' }]);
    expect(objectsOf(cluster({ clientService: false }).chart, 'Service').etcd).toBeUndefined();
  });

  test('storage becomes a volumeClaimTemplate and a mount', () => {
    const set = objectsOf(cluster({ storage: { ...etcd.storage!, accessModes: [AccessMode.READ_WRITE_ONCE_POD] } }).chart, 'StatefulSet').etcd;
    expect(set.spec.volumeClaimTemplates).toEqual([{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '8Gi' } }, storageClassName: 'fast-ssd' } }]);
    expect(set.spec.template.spec.containers[0].volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }, { mountPath: '/var/lib/etcd', name: 'data' }]);
    expect(set.spec.template.spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
  });

  test('stable DNS: every replica, SRV names and the peer list', () => {
    const { chart, set } = cluster();
    expect(set.podDnsNames()).toEqual([
      'etcd-0.etcd-headless.infra.svc.cluster.local', 'etcd-1.etcd-headless.infra.svc.cluster.local', 'etcd-2.etcd-headless.infra.svc.cluster.local',
    ]);
    expect(set.srvName('peer')).toBe('_peer._tcp.etcd-headless.infra.svc.cluster.local');
    expect(set.fqdn).toBe('etcd.infra.svc.cluster.local');
    const env = objectsOf(chart, 'StatefulSet').etcd.spec.template.spec.containers[0].env;
    expect(env).toEqual([{ name: 'ETCD_PEERS', value: set.podDnsNames().join(',') }]);
  });

  test('the disruption budget keeps quorum, is configurable, and is skipped for one replica', () => {
    expect(objectsOf(cluster({ replicas: 5 }).chart, 'PodDisruptionBudget').etcd.spec.minAvailable).toBe(3);
    expect(objectsOf(cluster({ disruptionBudget: DisruptionBudget.maxUnavailable(1) }).chart, 'PodDisruptionBudget').etcd.spec.maxUnavailable).toBe(1);
    expect(objectsOf(cluster({ replicas: 1 }).chart, 'PodDisruptionBudget')).toEqual({});
    expect(objectsOf(cluster({ disruptionBudget: DisruptionBudget.none() }).chart, 'PodDisruptionBudget')).toEqual({});
  });

  test('the default budget never blocks a drain: quorum from 3 replicas, one down at a time with 2', () => {
    for (const replicas of [1, 2, 3, 4, 5, 7]) {
      const budget = objectsOf(cluster({ replicas }).chart, 'PodDisruptionBudget').etcd?.spec;
      const allowed = budget === undefined ? replicas : budget.minAvailable !== undefined ? replicas - budget.minAvailable : budget.maxUnavailable;
      expect(allowed, `${replicas} replicas`).toBeGreaterThan(0);
    }
    expect(objectsOf(cluster({ replicas: 2 }).chart, 'PodDisruptionBudget').etcd.spec).toMatchObject({ maxUnavailable: 1 });
  });

  test('blocking every disruption is possible only by name', () => {
    expect(objectsOf(cluster({ disruptionBudget: DisruptionBudget.blockAllDisruptions() }).chart, 'PodDisruptionBudget').etcd.spec.maxUnavailable).toBe(0);
  });

  test('storage gets an fsGroup a non-root user can write with, changed only on a root mismatch', () => {
    const withUser = objectsOf(cluster({ runAsUser: 70, storage: { size: '1Gi', mountPath: '/data' } }).chart, 'StatefulSet').etcd.spec.template.spec.securityContext;
    expect(withUser).toEqual({ fsGroup: 70, fsGroupChangePolicy: 'OnRootMismatch', runAsNonRoot: true, runAsUser: 70 });
    const chosen = objectsOf(cluster({ fsGroup: 2000, storage: { size: '1Gi', mountPath: '/data' } }).chart, 'StatefulSet').etcd.spec.template.spec.securityContext;
    expect(chosen).toMatchObject({ fsGroup: 2000, fsGroupChangePolicy: 'OnRootMismatch' });
    const noStorage = objectsOf(cluster({ storage: undefined }).chart, 'StatefulSet').etcd.spec.template.spec.securityContext;
    expect(noStorage).toEqual({ runAsNonRoot: true });
  });

  test('replicas reach each other on peer ports only; clients reach client ports only', () => {
    const { chart, ns, set } = cluster();
    const api = new ExposedApp(chart, 'api', { namespace: ns, image: 'a:1', ports: [Port.tcp(8080, 'http')] });
    api.connectTo(set);
    const model = modelWithCluster(chart);
    expect(model).toAllowTraffic({ from: 'infra/etcd', to: 'infra/etcd', port: 2380 });
    expect(model).toDenyTraffic({ from: 'infra/etcd', to: 'infra/etcd', port: 2379 });
    expect(model).toAllowTraffic({ from: 'infra/api', to: 'infra/etcd', port: 2379 });
    expect(model).toDenyTraffic({ from: 'infra/api', to: 'infra/etcd', port: 2380 });
    expect(model).toAllowTraffic({ from: 'infra/etcd', to: 'kube-system/coredns', port: 53, protocol: 'UDP' });
    expect(model).toDenyTraffic({ from: 'infra/etcd', to: 'infra/api', port: 8080 });
  });

  test('a port can be both a client and a peer port', () => {
    const pg = Port.tcp(5432, 'postgres');
    const { chart } = cluster({ clientPorts: [pg], peerPorts: [pg, Port.tcp(8008, 'patroni')], readiness: Probe.tcp() });
    expect(objectsOf(chart, 'StatefulSet').etcd.spec.template.spec.containers[0].ports.map((p: any) => p.name)).toEqual(['postgres', 'patroni']);
    const model = modelWithCluster(chart);
    expect(model).toAllowTraffic({ from: 'infra/etcd', to: 'infra/etcd', port: 5432 });
  });

  test.each<[string, Partial<Props>, string]>([
    ['zero replicas', { replicas: 0 }, 'infra/etcd: replicas 0 must be a whole number of at least 1. Use 3 for a cluster that survives one failure.'],
    ['no client ports', { clientPorts: [] }, 'infra/etcd: clientPorts is empty; at least one port is needed. Add one, e.g. Port.tcp(8080, "http").'],
    ['an unnamed peer port', { peerPorts: [Port.tcp(2380)] }, 'infra/etcd: TCP 2380 has no name, and a Service with several ports needs a name on each. Name it, e.g. Port.tcp(2380, "metrics").'],
    ['a peer port clashing with a client port', { peerPorts: [Port.tcp(2379, 'peer')] }, 'infra/etcd: TCP 2379 (peer) is declared twice. Declare each port once.'],
    ['a bad storage size', { storage: { size: '10GB', mountPath: '/data' } }, 'infra/etcd: storage size "10GB" is not a positive Kubernetes quantity. Write it like "10Gi" or "500Mi".'],
    ['a zero storage size', { storage: { size: '0Gi', mountPath: '/data' } }, 'infra/etcd: storage size "0Gi" is not a positive Kubernetes quantity. Write it like "10Gi" or "500Mi".'],
    ['a relative mount path', { storage: { size: '1Gi', mountPath: 'data' } }, 'infra/etcd: storage mountPath "data" is not an absolute path. Write it like "/var/lib/data".'],
    ['a bad claim name', { storage: { size: '1Gi', mountPath: '/data', name: 'Data_1' } }, 'infra/etcd: storage name "Data_1" is not a DNS-1123 label. Use one like "data".'],
    ['a name too long for a StatefulSet', { name: 'a'.repeat(53) }, `infra/etcd: name "${'a'.repeat(53)}" is 53 characters; a StatefulSet name must be at most 52 so its pods' controller-revision-hash label fits 63. Shorten it.`],
    ['a budget that blocks every drain', { disruptionBudget: DisruptionBudget.minAvailable(3) }, 'infra/etcd: disruption budget minAvailable 3 with 3 replicas blocks every voluntary disruption (no node could ever drain). Use DisruptionBudget.quorum() or DisruptionBudget.maxUnavailable(1), or DisruptionBudget.blockAllDisruptions() if that is truly meant.'],
    ['maxUnavailable 0', { disruptionBudget: DisruptionBudget.maxUnavailable(0) }, 'infra/etcd: disruption budget maxUnavailable 0 with 3 replicas blocks every voluntary disruption (no node could ever drain). Use DisruptionBudget.quorum() or DisruptionBudget.maxUnavailable(1), or DisruptionBudget.blockAllDisruptions() if that is truly meant.'],
    ['quorum with 2 replicas', { replicas: 2, disruptionBudget: DisruptionBudget.quorum() }, 'infra/etcd: DisruptionBudget.quorum() with 2 replicas keeps all 2 up (a majority of 2 is 2), which blocks every voluntary disruption (no node could ever drain). Use DisruptionBudget.maxUnavailable(1) (one replica may go down during a drain).'],
    ['quorum with 1 replica', { replicas: 1, disruptionBudget: DisruptionBudget.quorum() }, 'infra/etcd: DisruptionBudget.quorum() with 1 replica keeps all 1 up (a majority of 1 is 1), which blocks every voluntary disruption (no node could ever drain). Use DisruptionBudget.none() (a single replica cannot stay up through a drain), or 3 replicas with DisruptionBudget.quorum().'],
    ['minAvailable 1 with 1 replica', { replicas: 1, disruptionBudget: DisruptionBudget.minAvailable(1) }, 'infra/etcd: disruption budget minAvailable 1 with 1 replica blocks every voluntary disruption (no node could ever drain). Use DisruptionBudget.none() (a single replica cannot stay up through a drain), or 3 replicas with DisruptionBudget.quorum(), or DisruptionBudget.blockAllDisruptions() if that is truly meant.'],
    ['fsGroup 0', { fsGroup: 0 }, 'infra/etcd: fsGroup 0 is not a non-root group id. Use a whole number from 1, e.g. 1000, or omit it.'],
    ['a bad peer env name', { peerEnv: 'etcd-peers' }, 'infra/etcd: peerEnv "etcd-peers" is not an environment variable name. Use letters, digits and \'_\', e.g. "PEERS".'],
  ])('refuses %s', (_name, props, message) => {
    expectNetkitError(() => cluster(props), message);
  });

  test('asking for an unknown SRV port names the choices', () => {
    expect(() => cluster().set.srvName('raft')).toThrow('infra/etcd: no port named "raft" (named ports: client, peer). Use one of those.');
  });
});

import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ClusterGuardrails, CoreDnsConfig, ExposedApp, HeadlessStateful, Peer, Port, Probe, SecureNamespace } from '../../lib';

/** Where this cluster's API server listens (the `kubernetes` EndpointSlice in `default`). */
const API_SERVER_ADDRESS = '192.0.2.10';

/**
 * The shop: web -> api -> db (a 3-replica PostgreSQL) in a locked-down namespace that a monitoring namespace may
 * scrape on each app's "metrics" port.
 */
export class ShopChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const shop = new SecureNamespace(this, 'shop', {
      labels: { team: 'shop' },
      allowFrom: [{ peer: Peer.namespace({ purpose: 'monitoring' }), ports: [Port.named('metrics')] }],
    });
    // PostgreSQL with Patroni (Spilo), which keeps its cluster state in the Kubernetes API
    // (DCS_ENABLE_KUBERNETES_API): it needs a ServiceAccount of its own, the Role below, and
    // egress to the API server. Replicas replicate on 5432 and coordinate on the Patroni API.
    const postgres = Port.tcp(5432, 'postgres');
    const db = new HeadlessStateful(this, 'db', {
      namespace: shop,
      image: 'ghcr.io/zalando/spilo-16:3.3-p1',
      clientPorts: [postgres],
      peerPorts: [postgres, Port.tcp(8008, 'patroni')],
      replicas: 3,
      runAsUser: 101,
      // Patroni must find its peers before any replica can become ready.
      publishNotReadyAddresses: true,
      storage: { size: '10Gi', mountPath: '/home/postgres/pgdata' },
      resources: { cpu: { request: kplus.Cpu.millis(500) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
      serviceAccount: true,
      env: { DCS_ENABLE_KUBERNETES_API: 'true', KUBERNETES_USE_CONFIGMAPS: 'true', SCOPE: 'shop-db', PGROOT: '/home/postgres/pgdata/pgroot' },
    });
    // Patroni learns its own address and namespace from the downward API (an escape hatch:
    // the cdk8s-plus container is reachable for fields netkit does not model).
    db.statefulSet.containers[0].env.addVariable('POD_IP', kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP));
    db.statefulSet.containers[0].env.addVariable('POD_NAMESPACE', kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE));
    // What Patroni's Kubernetes DCS does: leader election and config in ConfigMaps, member
    // state on its pods, and a Service for the leader endpoint.
    const role = new k8s.KubeRole(this, 'db-patroni-role', {
      metadata: { name: 'db-patroni', namespace: shop.namespaceName },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'list', 'patch', 'update', 'watch', 'delete', 'deletecollection'] },
        { apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'list', 'patch', 'update', 'watch', 'create', 'delete', 'deletecollection'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
        { apiGroups: [''], resources: ['services'], verbs: ['create'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'db-patroni-binding', {
      metadata: { name: 'db-patroni', namespace: shop.namespaceName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: db.serviceAccount!.name, namespace: shop.namespaceName }],
    });
    // The API server's endpoint addresses after kube-proxy's translation: read yours with
    // kubectl get endpointslice -n default -l kubernetes.io/service-name=kubernetes
    db.allowEgressTo(Peer.kubeApiServer({ addresses: [API_SERVER_ADDRESS], port: 6443 }));
    const api = new ExposedApp(this, 'api', {
      namespace: shop,
      image: 'acme/api:1.4.2',
      ports: [Port.tcp(8080, 'http'), Port.tcp(9090, 'metrics')],
      readiness: Probe.http('/ready'),
      env: { DATABASE_HOST: db.fqdn },
    });
    const web = new ExposedApp(this, 'web', {
      namespace: shop,
      image: 'acme/web:2.0.1',
      ports: [Port.tcp(8080, 'http'), Port.tcp(9090, 'metrics')],
      servicePort: 80,
      readiness: Probe.http('/healthz'),
      env: { API_URL: api.url() },
    });
    web.connectTo(api, 'http');
    api.connectTo(db);
  }
}

/**
 * What the platform team owns for the whole cluster: CoreDNS (the corporate zone goes to its own
 * resolvers; answers are cached longer and refreshed before they expire) and guardrails no
 * namespace can override (no pod reads the cloud metadata endpoint).
 */
export class ClusterChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const dns = new CoreDnsConfig(this, 'coredns', { cache: { ttl: 60, prefetch: 10, success: { capacity: 20000 } } });
    dns.addStubDomain('corp.example', ['10.0.0.53', '10.0.1.53']);
    new ClusterGuardrails(this, 'guardrails', { denyCloudMetadata: true });
  }
}

// Synthesize only when run as the app (cdk8s synth / npm run synth), not when a test imports the chart.
if (require.main === module) {
  const app = new App();
  new ShopChart(app, 'shop');
  new ClusterChart(app, 'cluster');
  app.synth();
}

/**
 * The benchmark's workload, written twice: with netkit constructs, and by hand with plain
 * cdk8s-plus-28 producing the same kinds of objects (Namespace, default deny, DNS egress,
 * Deployment, Service, per-app NetworkPolicy admitting the ingress controller, Ingress with TLS).
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type * as Netkit from '../lib';

/** Apps per namespace, as the issue specifies. */
export const APPS_PER_NAMESPACE = 50;

/**
 * How charts are laid out: every namespace in one Chart, or one Chart per namespace (what
 * GitOps repos do, so that each namespace gets its own file).
 */
export type Layout = 'one-chart' | 'chart-per-namespace';

export interface BenchAppOptions {
  readonly lint?: boolean;
  /** @default 'one-chart' */
  readonly layout?: Layout;
  /** Where app.synth() writes. @default - cdk8s's default */
  readonly outdir?: string;
}

/** The chart for namespace `n`. */
function chartFor(app: App, layout: Layout | undefined, n: number, charts: Chart[]): Chart {
  if (layout === 'chart-per-namespace') return new Chart(app, `team-${n}`);
  if (charts.length === 0) charts.push(new Chart(app, 'bench'));
  return charts[0];
}

/**
 * N ExposedApps with Services, TlsIngress routes and policies, in SecureNamespaces of 50.
 * `netkit` is the library module: the sources in process, the compiled package in a child
 * process (as a user's app loads it).
 */
export function netkitApp(netkit: typeof Netkit, apps: number, options: BenchAppOptions = {}): App {
  const { Certificate, ExposedApp, NetkitLint, Port, SecureNamespace, TlsIngress } = netkit;
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  const charts: Chart[] = [];
  NetkitLint.of(app).configure({ enabled: options.lint ?? true, warnings: 'silent' });
  for (let n = 0; n * APPS_PER_NAMESPACE < apps; n++) {
    const chart = chartFor(app, options.layout, n, charts);
    const ns = new SecureNamespace(chart, `team-${n}`);
    const ingress = new TlsIngress(chart, `edge-${n}`, { namespace: ns, className: 'nginx', certificate: Certificate.clusterIssuer('letsencrypt-prod') });
    for (let i = n * APPS_PER_NAMESPACE; i < Math.min(apps, (n + 1) * APPS_PER_NAMESPACE); i++) {
      const service = new ExposedApp(chart, `app-${i}`, { namespace: ns, image: `acme/app-${i}:1.0.0`, ports: [Port.tcp(8080, 'http')] });
      service.exposeVia(ingress, { host: `app-${i}.example.com` });
    }
  }
  return app;
}

/** The same objects with plain cdk8s-plus-28, written the way its docs show. */
export function plusApp(apps: number, options: BenchAppOptions = {}): App {
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  const perNamespace = options.layout === 'chart-per-namespace';
  const peersIn = (chart: Chart) => ({
    controller: kplus.Pods.select(chart, 'ingress-nginx', { labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, namespaces: kplus.Namespaces.select(chart, 'ingress-nginx-ns', { names: ['ingress-nginx'] }) }),
    dns: kplus.Pods.select(chart, 'kube-dns', { labels: { 'k8s-app': 'kube-dns' }, namespaces: kplus.Namespaces.select(chart, 'kube-system-ns', { names: ['kube-system'] }) }),
  });
  const shared = perNamespace ? undefined : new Chart(app, 'bench');
  const sharedPeers = shared ? peersIn(shared) : undefined;
  for (let n = 0; n * APPS_PER_NAMESPACE < apps; n++) {
    const chart = shared ?? new Chart(app, `team-${n}`);
    const { controller, dns } = sharedPeers ?? peersIn(chart);
    const namespace = `team-${n}`;
    new kplus.Namespace(chart, `ns-${n}`, { metadata: { name: namespace } });
    new kplus.NetworkPolicy(chart, `deny-${n}`, {
      metadata: { name: 'default-deny', namespace },
      selector: kplus.Pods.all(chart, `all-${n}`, { namespaces: kplus.Namespaces.select(chart, `own-${n}`, { names: [namespace] }) }),
      ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
      egress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
    });
    const allowDns = new kplus.NetworkPolicy(chart, `dns-${n}`, {
      metadata: { name: 'allow-dns', namespace },
      selector: kplus.Pods.all(chart, `all-dns-${n}`),
    });
    allowDns.addEgressRule(dns, [kplus.NetworkPolicyPort.udp(53), kplus.NetworkPolicyPort.tcp(53)]);
    const ingress = new kplus.Ingress(chart, `edge-${n}`, { metadata: { name: `edge-${n}`, namespace, annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' } } });
    const hosts: string[] = [];
    for (let i = n * APPS_PER_NAMESPACE; i < Math.min(apps, (n + 1) * APPS_PER_NAMESPACE); i++) {
      const deployment = new kplus.Deployment(chart, `app-${i}`, {
        metadata: { name: `app-${i}`, namespace },
        containers: [{ image: `acme/app-${i}:1.0.0`, ports: [{ number: 8080, name: 'http' }], readiness: kplus.Probe.fromTcpSocket({ port: 8080 }) }],
      });
      const service = deployment.exposeViaService({ name: `app-${i}`, ports: [{ port: 8080, targetPort: 8080, name: 'http' }] });
      const policy = new kplus.NetworkPolicy(chart, `policy-${i}`, { metadata: { name: `app-${i}`, namespace }, selector: deployment });
      policy.addIngressRule(controller, [kplus.NetworkPolicyPort.tcp(8080)]);
      policy.addEgressRule(dns, [kplus.NetworkPolicyPort.udp(53), kplus.NetworkPolicyPort.tcp(53)]);
      ingress.addHostDefaultBackend(`app-${i}.example.com`, kplus.IngressBackend.fromService(service));
      hosts.push(`app-${i}.example.com`);
    }
    ingress.addTls([{ hosts, secret: kplus.Secret.fromSecretName(chart, `tls-${n}`, `edge-${n}-tls`) }]);
  }
  return app;
}

import { App, Chart } from 'cdk8s';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  Certificate, Cidr, ClusterGuardrails, ClusterPeer, ClusterSubject, DnsConfig, GuardrailAction, GuardrailTier, ExposedApp, ExternalService, Gateway, HeadlessStateful, HttpRoute, IngressBackend, NetkitError, NetworkModel,
  Peer, Port, Probe, SecureNamespace, ServiceExposure, SessionAffinity, TlsIngress, lint, Worker, ScheduledJob, DisruptionBudget,
} from '../../lib';
import { validateAgainstSchema } from '../helpers/schema';

const RUNS = Number(process.env.NETKIT_FUZZ_RUNS ?? 40);

const dnsLabel = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
const portName = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
const publicCidr = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 }), fc.constantFrom(16, 24))
  .filter(([a]) => ![10, 127, 169, 172, 192].includes(a))
  .map(([a, b, prefix]) => Cidr.of(`${a}.${b}.0.0/${prefix}`));

const portsArb = fc.uniqueArray(fc.record({ number: fc.integer({ min: 1024, max: 65535 }), name: portName }), {
  minLength: 1, maxLength: 3, selector: (p) => p.number,
}).filter((ps) => new Set(ps.map((p) => p.name)).size === ps.length);

type ExposureKind = { kind: 'clusterIp' } | { kind: 'nodePort'; nodePort?: number } | { kind: 'lb'; ranges: Cidr[] } | { kind: 'public' };
const exposureArb: fc.Arbitrary<ExposureKind> = fc.oneof(
  fc.constant({ kind: 'clusterIp' as const }),
  fc.record({ kind: fc.constant('nodePort' as const), nodePort: fc.option(fc.integer({ min: 30000, max: 32767 }), { nil: undefined }) }),
  fc.record({ kind: fc.constant('lb' as const), ranges: fc.array(publicCidr, { minLength: 1, maxLength: 2 }) }),
  fc.constant({ kind: 'public' as const }),
);

const appArb = fc.record({
  name: dnsLabel,
  ns: fc.integer({ min: 0, max: 1 }),
  ports: portsArb,
  exposure: exposureArb,
  ndots: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
  nameservers: fc.option(fc.uniqueArray(fc.ipV4(), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  affinity: fc.option(fc.integer({ min: 1, max: 86400 }), { nil: undefined }),
  replicas: fc.integer({ min: 1, max: 4 }),
  httpPath: fc.option(fc.stringMatching(/^\/[a-z]{0,8}$/), { nil: undefined }),
});

const clusterArb = fc.record({
  apps: fc.uniqueArray(appArb, { minLength: 2, maxLength: 5, selector: (a) => a.name }),
  edges: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 5 }),
  stateful: fc.boolean(),
  ingressHosts: fc.uniqueArray(fc.tuple(dnsLabel, fc.nat()), { maxLength: 3, selector: (h) => h[0] }),
});

type Cluster = typeof clusterArb extends fc.Arbitrary<infer T> ? T : never;

function build(spec: Cluster) {
  const app = new App();
  const chart = new Chart(app, 'test');
  const namespaces = [new SecureNamespace(chart, 'ns-zero'), new SecureNamespace(chart, 'ns-one')];
  // 'db' is the HeadlessStateful's name.
  const apps = spec.apps.filter((a) => a.name !== 'db' && a.name !== 'edge').map((a) => new ExposedApp(chart, a.name, {
    namespace: namespaces[a.ns],
    image: `acme/${a.name}:1.0.0`,
    ports: a.ports.map((p) => Port.tcp(p.number, p.name)),
    exposure: a.exposure.kind === 'clusterIp' ? ServiceExposure.clusterIp()
      : a.exposure.kind === 'nodePort' ? ServiceExposure.nodePort({ nodePort: a.exposure.nodePort })
        : a.exposure.kind === 'lb' ? ServiceExposure.loadBalancer({ sourceRanges: a.exposure.ranges })
          : ServiceExposure.loadBalancer({ allowFromAnywhere: true }),
    dns: a.nameservers ? DnsConfig.clusterFirst({ nameservers: a.nameservers, ndots: a.ndots }) : DnsConfig.clusterFirst({ ndots: a.ndots }),
    sessionAffinity: a.affinity ? SessionAffinity.clientIp(a.affinity) : undefined,
    replicas: a.replicas,
    readiness: a.httpPath ? Probe.http(a.httpPath) : undefined,
  }));
  const targets: (ExposedApp | HeadlessStateful)[] = [...apps];
  if (apps.length === 0) return { app, chart, namespaces, apps, targets, edges: new Set<string>() };
  if (spec.stateful) targets.push(new HeadlessStateful(chart, 'db', { namespace: namespaces[0], image: 'db:1', clientPorts: [Port.tcp(5432, 'pg')], peerPorts: [Port.tcp(5433, 'peer')] }));
  const edges = new Set<string>();
  for (const [i, j] of spec.edges) {
    const from = apps[i % apps.length];
    const to = targets[j % targets.length];
    if (from === to) continue;
    from.connectTo(to);
    edges.add(`${from.namespaceName}/${from.name}>${to.namespaceName}/${to.name}`);
  }
  if (spec.ingressHosts.length > 0 && apps.some((a) => a.namespaceName === 'ns-zero')) {
    const edge = new TlsIngress(chart, 'edge', { namespace: namespaces[0], className: 'nginx', certificate: Certificate.clusterIssuer('letsencrypt') });
    for (const [host, k] of spec.ingressHosts) {
      const zeroApps = apps.filter((a) => a.namespaceName === 'ns-zero');
      if (zeroApps.length > 0) zeroApps[k % zeroApps.length].exposeVia(edge, { host: `${host}.example.com` });
    }
  }
  return { app, chart, namespaces, apps, targets, edges };
}

describe('random valid clusters', () => {
  test('synthesize schema-valid, lint-clean, deterministic YAML whose declared traffic is exactly what flows', () => {
    fc.assert(fc.property(clusterArb, (spec) => {
      const first = build(spec);
      const yaml = first.app.synthYaml();
      expect(build(spec).app.synthYaml()).toBe(yaml);
      const objects = first.chart.toJson();
      validateAgainstSchema(objects);
      expect(lint(objects).filter((f) => f.severity === 'error')).toEqual([]);
      const model = NetworkModel.fromYaml(yaml);
      const ref = (w: ExposedApp | HeadlessStateful) => `${w.namespaceName}/${w.name}`;
      for (const from of first.apps) {
        for (const to of first.targets) {
          if (from === to) continue;
          const port = to instanceof HeadlessStateful ? to.clientPorts[0].number! : to.ports[0].number!;
          const verdict = model.check({ from: ref(from), to: ref(to), port });
          expect(verdict.allowed, verdict.why).toBe(first.edges.has(`${ref(from)}>${ref(to)}`));
        }
      }
    }), { seed: 8, numRuns: RUNS });
  });

  test('no policy admits every address unless the sample opted in by name', () => {
    fc.assert(fc.property(clusterArb, (spec) => {
      const { chart } = build(spec);
      const optedIn = new Set(spec.apps.filter((a) => a.exposure.kind === 'public').map((a) => a.name));
      for (const object of chart.toJson() as any[]) {
        if (object.kind !== 'NetworkPolicy') continue;
        const open = (object.spec.ingress ?? []).some((rule: any) => (rule.from ?? []).some((peer: any) => ['0.0.0.0/0', '::/0'].includes(peer.ipBlock?.cidr) && !peer.ipBlock?.except));
        if (open) expect(optedIn.has(object.metadata.name), `${object.metadata.name} admits every address`).toBe(true);
        const openEgress = (object.spec.egress ?? []).some((rule: any) => !rule.to || (rule.to ?? []).some((peer: any) => ['0.0.0.0/0', '::/0'].includes(peer.ipBlock?.cidr) && !peer.ipBlock?.except));
        expect(openEgress, `${object.metadata.name} sends everywhere`).toBe(false);
      }
    }), { seed: 9, numRuns: RUNS });
  });
});

describe('stable names', () => {
  test('declaring the same apps and intents in another order changes no object', () => {
    fc.assert(fc.property(clusterArb, (spec) => {
      const canonical = (chart: Chart) => (chart.toJson() as any[]).map((o) => JSON.stringify(o)).sort();
      const reversed = { ...spec, apps: [...spec.apps].reverse(), edges: [...spec.edges].reverse() };
      // Edges index into the app list, so reverse their indexes with it.
      const n = spec.apps.filter((a) => a.name !== 'db' && a.name !== 'edge').length;
      const m = n + (spec.stateful ? 1 : 0);
      if (n === 0) return;
      const z = spec.apps.filter((a) => a.name !== 'db' && a.name !== 'edge' && a.ns === 0).length;
      const remap = {
        ...reversed,
        edges: reversed.edges.map(([i, j]) => [n - 1 - (i % n), (j % m) < n ? n - 1 - (j % m) : j % m] as [number, number]),
        ingressHosts: spec.ingressHosts.map(([host, k]) => [host, z === 0 ? k : z - 1 - (k % z)] as [string, number]),
      };
      expect(canonical(build(remap).chart)).toEqual(canonical(build(spec).chart));
    }), { seed: 11, numRuns: RUNS });
  });
});

describe('random invalid props', () => {
  const breakers: [string, (chart: Chart) => unknown][] = [
    ['nodePort', (c) => new ExposedApp(c, 'x', { image: 'a:1', ports: [Port.tcp(80, 'http')], exposure: ServiceExposure.nodePort({ nodePort: 80 }) })],
    ['affinity', (c) => new ExposedApp(c, 'x', { image: 'a:1', ports: [Port.tcp(80, 'http')], sessionAffinity: SessionAffinity.clientIp(0) })],
    ['lb', (c) => new ExposedApp(c, 'x', { image: 'a:1', ports: [Port.tcp(80, 'http')], exposure: ServiceExposure.loadBalancer({}) })],
    ['replicas', (c) => new HeadlessStateful(c, 'x', { image: 'a:1', clientPorts: [Port.tcp(80, 'http')], replicas: 0 })],
  ];

  test('throw a NetkitError naming the construct or the factory, and add nothing', () => {
    fc.assert(fc.property(
      fc.oneof(
        fc.integer({ min: -5, max: 70000 }).filter((n) => n < 1 || n > 65535).map((n) => [`Port.tcp(${n})`, () => Port.tcp(n)] as const),
        fc.stringMatching(/^[A-Z_ .][A-Za-z0-9_]{0,8}$/).map((s) => ['namespace', (c: Chart) => new SecureNamespace(c, 'ns', { name: s })] as const),
        fc.stringMatching(/^[a-z0-9]{0,3}[^a-z0-9-]{1,2}$/).map((s) => ['port name', () => Port.tcp(80, s)] as const),
        fc.integer({ min: 33, max: 99 }).map((p) => ['cidr', () => Cidr.of(`10.0.0.0/${p}`)] as const),
        fc.integer({ min: 16, max: 40 }).map((n) => ['ndots', () => DnsConfig.clusterFirst({ ndots: n })] as const),
        fc.constantFrom(...breakers).map(([name, make]) => [name, make] as const),
      ),
      ([, make]) => {
        const chart = new Chart(new App(), 'test');
        let error: unknown;
        try {
          (make as (c: Chart) => unknown)(chart);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(NetkitError);
        expect((error as Error).message).toMatch(/^(test\/[a-z]+: |Port\.tcp\(|Cidr\.of\(|DnsConfig\.clusterFirst: )/);
        expect((error as Error).message).not.toMatch(/apiVersion:|\n/);
        expect(chart.toJson()).toEqual([]);
      },
    ), { seed: 10, numRuns: RUNS * 3 });
  });
});

describe('a failed construct call leaves nothing behind', () => {
  type Built = ReturnType<typeof build>;
  /** Setup runs on both apps; `fail` on one only, and must throw a NetkitError. */
  interface FailingCall { readonly name: string; setup?(b: Built): unknown; fail(b: Built, setup: any, k: number): unknown }
  const pick = <T>(list: readonly T[], k: number) => list[k % list.length];
  const nsOf = (b: Built, a: ExposedApp) => b.namespaces.find((n) => n.namespaceName === a.namespaceName)!;
  const calls: FailingCall[] = [
    { name: 'TlsIngress: a good route, then a host with a port', fail: (b, _, k) => { const a = pick(b.apps, k); return new TlsIngress(b.chart, 'late', { namespace: nsOf(b, a), className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), rules: [{ host: 'ok.example.com', paths: [{ backend: a }] }, { host: 'bad.example.com:443', paths: [{ backend: a }] }] }); } },
    { name: 'TlsIngress: a default backend, then a bad path', fail: (b, _, k) => { const a = pick(b.apps, k); return new TlsIngress(b.chart, 'late', { namespace: nsOf(b, a), className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), defaultBackend: IngressBackend.of(a), rules: [{ host: 'ok.example.com', paths: [{ path: 'nope', backend: a }] }] }); } },
    { name: 'TlsIngress: a bad class name', fail: (b, _, k) => new TlsIngress(b.chart, 'late', { namespace: nsOf(b, pick(b.apps, k)), className: 'Bad_Class' }) },
    { name: 'exposeVia with a scheme in the host', setup: (b) => new TlsIngress(b.chart, 'edge2', { namespace: nsOf(b, b.apps[0]), className: 'nginx', certificate: Certificate.existingSecret('edge-tls'), defaultBackend: IngressBackend.of(b.apps[0]) }), fail: (b, edge, k) => pick(b.apps, k).exposeVia(edge, { host: 'https://x.example.com' }) },
    { name: 'HttpRoute: a good rule, then weight -1', setup: (b) => b.apps.map((a) => new Gateway(b.chart, `gw-${a.name}`, { namespace: nsOf(b, a), className: 'istio', listeners: [{ hostname: `${a.name}.example.com`, certificateSecrets: ['tls'] }] })), fail: (b, gateways, k) => { const a = pick(b.apps, k); return new HttpRoute(b.chart, 'late', { namespace: nsOf(b, a), gateway: pick(gateways, k), rules: [{ path: '/ok', backends: [{ backend: a }] }, { path: '/bad', backends: [{ backend: a, weight: -1 }] }] }); } },
    { name: 'HttpRoute.addRule: a good backend beside a bad weight', setup: (b) => { const a = b.apps[0]; const gw = new Gateway(b.chart, 'gw', { namespace: nsOf(b, a), className: 'istio', listeners: [{ hostname: 'a.example.com', certificateSecrets: ['tls'] }] }); return new HttpRoute(b.chart, 'route', { namespace: nsOf(b, a), gateway: gw, rules: [{ path: '/', backends: [{ backend: a }] }] }); }, fail: (b, route) => route.addRule({ path: '/x', backends: [{ backend: b.apps[0] }, { backend: b.apps[0], weight: 2000000 }] }) },
    { name: 'ExposedApp: a nodePort out of range', fail: (b, _, k) => new ExposedApp(b.chart, 'late', { namespace: pick(b.namespaces, k), image: 'a:1', ports: [Port.tcp(80, 'http')], exposure: ServiceExposure.nodePort({ nodePort: 80 }) }) },
    { name: 'HeadlessStateful: zero replicas', fail: (b, _, k) => new HeadlessStateful(b.chart, 'late', { namespace: pick(b.namespaces, k), image: 'a:1', clientPorts: [Port.tcp(80, 'http')], replicas: 0 }) },
    { name: 'SecureNamespace: an id that is not a name', fail: (b) => new SecureNamespace(b.chart, 'Late_NS', { allowFrom: [{ peer: Peer.namespaceNamed('ops') }] }) },
    { name: 'ExternalService: a hostname that is an address', fail: (b, _, k) => ExternalService.fromHostname(b.chart, 'late', { namespace: pick(b.namespaces, k), hostname: '10.0.0.1' }) },
    { name: 'Worker: a probe on a port it does not declare', fail: (b, _, k) => new Worker(b.chart, 'late', { namespace: pick(b.namespaces, k), image: 'w:1', readiness: Probe.tcp() }) },
    { name: 'ScheduledJob: a bad schedule', fail: (b, _, k) => new ScheduledJob(b.chart, 'late', { namespace: pick(b.namespaces, k), image: 'j:1', schedule: 'daily' }) },
    { name: 'HeadlessStateful: quorum of two', fail: (b, _, k) => new HeadlessStateful(b.chart, 'late', { namespace: pick(b.namespaces, k), image: 'a:1', clientPorts: [Port.tcp(80, 'http')], replicas: 2, disruptionBudget: DisruptionBudget.quorum() }) },
    { name: 'ClusterGuardrails: a namespace whose isolation ties a taken priority', setup: (b) => { const g = new ClusterGuardrails(b.chart, 'guardrails', { denyCloudMetadata: true }); g.addPolicy('taken', { tier: GuardrailTier.BASELINE, priority: 501, subject: ClusterSubject.allNamespaces(), egress: [{ action: GuardrailAction.DENY, peers: [ClusterPeer.allNamespaces()] }] }); return g; }, fail: (b, g: ClusterGuardrails) => g.isolateNamespaces({ namespaces: [...b.namespaces, 'zz'] }) },
    { name: 'ClusterGuardrails: Pass in the Baseline tier', setup: (b) => new ClusterGuardrails(b.chart, 'guardrails', { allowDnsForAllPods: true }), fail: (_b, g: ClusterGuardrails) => g.addPolicy('x', { tier: GuardrailTier.BASELINE, priority: 1, subject: ClusterSubject.allNamespaces(), ingress: [{ action: GuardrailAction.PASS, peers: [ClusterPeer.allNamespaces()] }] }) },
    { name: 'connectTo a misspelt port', fail: (b, _, k) => pick(b.apps, k).connectTo(pick(b.targets, k + 1), 'htp') },
    { name: 'allowFrom an undeclared port', fail: (b, _, k) => pick(b.apps, k).allowFrom(Peer.namespaceNamed('ops'), 'nope') },
    { name: 'allowEgressTo with no port', fail: (b, _, k) => pick(b.apps, k).allowEgressTo(Peer.internet()) },
  ];

  test('catch the error, synth, and the YAML is that of the same app without the call', () => {
    fc.assert(fc.property(clusterArb, fc.nat({ max: calls.length - 1 }), fc.nat(), (spec, which, k) => {
      const call = calls[which];
      const witness = build(spec);
      if (witness.apps.length === 0) return;
      call.setup?.(witness);
      const failed = build(spec);
      const context = call.setup?.(failed);
      let error: unknown;
      try {
        call.fail(failed, context, k);
      } catch (caught) {
        error = caught;
      }
      expect(error, call.name).toBeInstanceOf(NetkitError);
      expect(failed.app.synthYaml(), call.name).toBe(witness.app.synthYaml());
    }), { seed: 12, numRuns: RUNS * 2 });
  });
});

import fc from 'fast-check';
import { describe, test } from 'vitest';
import { ExposedApp, NetworkDialect, NetworkModel, Peer, Port, SecureNamespace, clusterFixtures } from '../../lib';
import { newChart } from '../helpers/charts';

const RUNS = Number(process.env.NETKIT_FUZZ_RUNS ?? 150);
const WORKLOADS = ['w0', 'w1', 'w2'];
const HOSTS = ['api.stripe.com', 'files.stripe.com', 'stripe.com', 'hooks.slack.com'];
const HOST_SPECS = [...HOSTS.map((h) => ({ text: h, pattern: false })), { text: '*.stripe.com', pattern: true }];
const HOST_PORTS = [443, 80];
const METHODS = ['GET', 'POST'];
const PATHS = ['/v1/orders', '/admin'];
const HTTP_RULES = [{ method: 'GET' }, { path: '/v1/.*' }, { method: 'POST', path: '/admin' }];

const intent = fc.oneof(
  fc.record({ kind: fc.constant('host' as const), from: fc.nat(2), host: fc.nat(HOST_SPECS.length - 1), port: fc.constantFrom(...HOST_PORTS) }),
  fc.record({ kind: fc.constant('http' as const), from: fc.nat(2), to: fc.nat(2), rules: fc.subarray([0, 1, 2], { minLength: 1 }) }),
  fc.record({ kind: fc.constant('connect' as const), from: fc.nat(2), to: fc.nat(2) }),
);

/** What a host spec admits, written from Cilium's docs independently of the analyzer: `*` is one label. */
function hostMatches(spec: { text: string; pattern: boolean }, host: string): boolean {
  if (!spec.pattern) return spec.text === host;
  const [first, ...rest] = host.split('.');
  return first.length > 0 && rest.join('.') === spec.text.slice(2);
}

describe('what the Cilium dialect writes, the analyzer proves', () => {
  test('random programs: every declared host and HTTP request is allowed, everything else denied', () => {
    fc.assert(fc.property(fc.array(intent, { maxLength: 6 }), (intents) => {
      const chart = newChart();
      const ns = new SecureNamespace(chart, 'shop', { dialect: NetworkDialect.cilium() });
      const apps = WORKLOADS.map((name) => new ExposedApp(chart, name, { namespace: ns, image: `acme/${name}:1.0.0`, ports: [Port.tcp(8080, 'http')] }));
      for (const i of intents) {
        if (i.kind === 'host') {
          const spec = HOST_SPECS[i.host];
          apps[i.from].allowEgressTo(spec.pattern ? Peer.fqdnPattern(spec.text) : Peer.fqdn(spec.text), Port.tcp(i.port));
        } else if (i.kind === 'http') {
          if (i.from !== i.to) apps[i.from].connectTo(apps[i.to], 'http', { http: i.rules.map((r) => HTTP_RULES[r]) });
        } else if (i.from !== i.to) {
          apps[i.from].connectTo(apps[i.to]);
        }
      }
      const model = NetworkModel.fromObjects([...chart.toJson(), ...clusterFixtures()], { cni: 'cilium' });
      for (const [from, name] of WORKLOADS.entries()) {
        for (const host of HOSTS) {
          for (const port of HOST_PORTS) {
            const declared = intents.some((i) => i.kind === 'host' && i.from === from && i.port === port && hostMatches(HOST_SPECS[i.host], host));
            const allowed = model.check({ from: `shop/${name}`, to: host, port }).allowed;
            if (allowed !== declared) throw new Error(`shop/${name} -> ${host}:${port}: analyzer ${allowed}, declared ${declared}`);
          }
        }
        for (const [to, target] of WORKLOADS.entries()) {
          if (to === from) continue;
          const plain = intents.some((i) => i.kind === 'connect' && i.from === from && i.to === to);
          const rules = intents.flatMap((i) => (i.kind === 'http' && i.from === from && i.to === to ? i.rules.map((r) => HTTP_RULES[r]) : []));
          for (const method of METHODS) {
            for (const path of PATHS) {
              // Cilium unions allows: an L4 allow for the same peer and port admits every request.
              const declared = plain || rules.some((r) => (r.method === undefined || r.method === method) && (r.path === undefined || new RegExp(`^${r.path}$`).test(path)));
              const allowed = model.check({ from: `shop/${name}`, to: `shop/${target}`, port: 8080, http: { method, path } }).allowed;
              if (allowed !== declared) throw new Error(`shop/${name} -> shop/${target} ${method} ${path}: analyzer ${allowed}, declared ${declared}`);
            }
          }
          const some = model.check({ from: `shop/${name}`, to: `shop/${target}`, port: 8080 });
          const expected = plain ? 'all' : rules.length > 0 ? 'some' : 'none';
          const got = !some.allowed ? 'none' : some.someRequestsOnly ? 'some' : 'all';
          if (got !== expected) throw new Error(`shop/${name} -> shop/${target} with no request: analyzer ${got}, declared ${expected}`);
        }
      }
    }), { seed: 20261202, numRuns: RUNS });
  });
});

/**
 * Observed traffic replayed against manifests (netkit replay), compared across revisions
 * (netkit diff --flows, replay --git) and turned into intents (netkit suggest).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Yaml } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { FlowFormatError, NetworkModel, readFlows, replayFlows, suggestIntents } from '../../lib';
import { run } from '../../lib/cli/main';
import { Obj, namespace, policy, workload } from '../helpers/k8s';

const dns = (ns: string) => policy(ns, 'allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }] }] });
const deny = (ns: string) => policy(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const objects = (): Obj[] => [
  namespace('shop'), namespace('payments'),
  workload('shop', 'web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] }),
  workload('shop', 'api', { app: 'api', tier: 'backend' }, { ports: [{ name: 'http', containerPort: 8080 }] }),
  workload('payments', 'charger', { app: 'charger' }),
  deny('shop'), deny('payments'), dns('shop'),
  policy('shop', 'web-to-api', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8080 }] }] }),
  policy('shop', 'api-from-web', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] }] }),
];
const model = (...extra: Obj[]) => NetworkModel.fromObjects([...objects(), ...extra]);

/** A Hubble flow line as `hubble observe -o json` writes it. */
function hubble(src: Obj, dst: Obj, port: number, extra: Obj = {}): string {
  const end = (e: Obj) => ({ ...(e.ns ? { namespace: e.ns, labels: [...Object.entries(e.labels ?? {}).map(([k, v]) => `k8s:${k}=${v}`), `k8s:io.kubernetes.pod.namespace=${e.ns}`], pod_name: e.pod, ...(e.owner ? { workloads: [{ name: e.owner, kind: 'Deployment' }] } : {}) } : { labels: ['reserved:world'] }) });
  return JSON.stringify({ flow: { time: '2026-12-01T10:00:00Z', verdict: 'FORWARDED', IP: { source: src.ip ?? '10.1.0.1', destination: dst.ip ?? '10.1.0.2', ipVersion: 'IPv4' }, l4: { TCP: { source_port: 40000, destination_port: port } }, source: end(src), destination: end(dst), ...extra }, node_name: 'n1', time: '2026-12-01T10:00:00Z' });
}

describe('reading flows', () => {
  test('CSV with counts; malformed lines are reported with their number and skipped', () => {
    const input = readFlows('from,to,port,protocol,count\nshop/web,shop/api,8080,TCP,3\nshop/web,shop/api,8080,tcp,2\nshop/web,shop/api,99999,TCP\nshop/web,,80,TCP\n');
    expect(input.format).toBe('csv');
    expect(input.flows).toEqual([{ from: { workload: 'shop/web' }, to: { workload: 'shop/api' }, protocol: 'TCP', port: 8080, count: 5, line: 2 }]);
    expect(input.malformed).toEqual([{ line: 4, reason: 'port "99999" is not a port number (1-65535)' }, { line: 5, reason: 'to is missing' }]);
  });

  test('netkit JSON lines: workloads, labels and addresses', () => {
    const input = readFlows([
      JSON.stringify({ from: 'shop:app=web', to: { namespace: 'shop', labels: { app: 'api' } }, port: 8080, protocol: 'TCP' }),
      JSON.stringify({ from: 'payments/charger', to: '203.0.113.9', port: 443, protocol: 'TCP', count: 4 }),
      'not json',
    ].join('\n'));
    expect(input.format).toBe('jsonl');
    expect(input.flows.map((f) => [f.from, f.to, f.count])).toEqual([
      [{ namespace: 'shop', labels: { app: 'web' } }, { namespace: 'shop', labels: { app: 'api' } }, 1],
      [{ workload: 'payments/charger' }, { ip: '203.0.113.9' }, 4],
    ]);
    expect(input.malformed[0].line).toBe(3);
  });

  test('Hubble: labels without Cilium identity labels, owner workloads, replies counted apart', () => {
    const input = readFlows([
      hubble({ ns: 'shop', labels: { app: 'web' }, pod: 'web-5d9f-abcde', owner: 'web' }, { ns: 'shop', labels: { app: 'api', tier: 'backend' }, pod: 'api-1' }, 8080),
      hubble({ ns: 'shop', labels: { app: 'api' } }, { ns: 'shop', labels: { app: 'web' } }, 40000, { is_reply: true }),
      hubble({ ns: 'shop', labels: { app: 'web' }, owner: 'web' }, { ip: '203.0.113.9' }, 443),
    ].join('\n'));
    expect(input.format).toBe('hubble');
    expect(input.replies).toBe(1);
    expect(input.flows[0]).toMatchObject({ from: { workload: 'shop/web', namespace: 'shop', labels: { app: 'web' }, pod: 'web-5d9f-abcde' }, to: { namespace: 'shop', labels: { app: 'api', tier: 'backend' } }, port: 8080, observed: 'FORWARDED' });
    expect(input.flows[1].to).toEqual({ ip: '203.0.113.9', reserved: 'world' });
  });

  test('an unknown format is refused, naming the formats netkit reads', () => {
    expect(() => readFlows('timestamp src dst\n1 a b\n')).toThrow(FlowFormatError);
    expect(() => readFlows('timestamp src dst\n')).toThrow('netkit reads Hubble JSON lines (hubble observe -o json), netkit JSON lines ({"from", "to", "port", "protocol", "count"}) and netkit CSV (header from,to,port,protocol[,count])');
  });
});

describe('replayFlows', () => {
  test('each distinct flow allowed, denied or unmatched, with why; ends named differently are one flow', () => {
    const result = replayFlows(model(), [
      'from,to,port,protocol,count',
      'shop/web,shop/api,8080,TCP,10',
      'shop:app=web,shop:app=api;tier=backend,8080,TCP,5',
      'shop/api,shop/web,8080,TCP,1',
      'ghost/x,shop/api,8080,TCP,2',
      'shop:app=nothing,shop/api,8080,TCP,1',
    ].join('\n'));
    expect(result.flows.map((f) => [f.from, f.to, f.count, f.verdict])).toEqual([
      ['shop/web', 'shop/api', 15, 'allowed'],
      ['shop/api', 'shop/web', 1, 'denied'],
      ['ghost/x', 'shop/api', 2, 'unmatched'],
      ['shop:app=nothing', 'shop/api', 1, 'unmatched'],
    ]);
    expect(result.flows[1].why).toContain('DENIED: shop/api -> shop/web on TCP 8080.');
    expect(result.flows[2].why).toBe('no workload ghost/x in the manifests');
    expect(result.flows[3].why).toBe('a pod of shop labelled app=nothing: no workload in the manifests of namespace shop whose labels it carries');
  });

  test('Hubble verdicts that disagree are listed: they point at policies the input lacks', () => {
    const result = replayFlows(model(), [
      hubble({ ns: 'shop', labels: { app: 'web' } }, { ns: 'shop', labels: { app: 'api', tier: 'backend' } }, 8080, { verdict: 'DROPPED' }),
      hubble({ ns: 'shop', labels: { app: 'api', tier: 'backend' } }, { ns: 'payments', labels: { app: 'charger' } }, 9000),
    ].join('\n'));
    expect(result.mismatches.map((f) => `${f.from} -> ${f.to} ${f.observed} ${f.verdict}`)).toEqual(['shop/web -> shop/api DROPPED allowed', 'shop/api -> payments/charger FORWARDED denied']);
  });

  test('the toAllowFlows matcher', () => {
    expect(model()).toAllowFlows('from,to,port,protocol\nshop/web,shop/api,8080,TCP\n');
    expect(model()).not.toAllowFlows('from,to,port,protocol\nshop/api,shop/web,8080,TCP\n');
    expect(() => expect(model()).toAllowFlows('from,to,port,protocol\nghost/x,shop/api,8080,TCP\n')).toThrow('UNMATCHED ghost/x -> shop/api TCP 8080 (x1): no workload ghost/x in the manifests');
  });
});

describe('netkit replay, diff --flows and suggest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netkit-flows-'));
  const manifests = join(dir, 'shop.yaml');
  writeFileSync(manifests, Yaml.stringify(...objects()));
  const flows = join(dir, 'flows.csv');
  writeFileSync(flows, 'from,to,port,protocol,count\nshop/web,shop/api,8080,TCP,10\nshop/api,payments/charger,9000,TCP,3\nshop/web,203.0.113.9,443,TCP,2\nbad line\n');
  const netkit = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await run(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
    return { code, out, err };
  };

  test('replay --format json keeps the contract; --fail-on denied exits 1', async () => {
    const result = await netkit('replay', flows, manifests, '--format', 'json', '--fail-on', 'denied');
    expect(result.code).toBe(1);
    const json = JSON.parse(result.out);
    expect(Object.keys(json)).toEqual(['flows', 'malformed', 'replies', 'mismatches']);
    expect(json.flows[0]).toEqual({ from: 'shop/web', to: 'shop/api', port: 8080, protocol: 'TCP', count: 10, verdict: 'allowed', why: expect.stringContaining('ALLOWED') });
    expect(json.malformed).toEqual([{ line: 5, reason: expect.stringContaining('') }]);
    expect(json.replies).toBe(0);
    expect((await netkit('replay', flows, manifests)).code).toBe(0);
    expect((await netkit('replay', join(dir, 'missing.csv'), manifests))).toMatchObject({ code: 2, err: expect.stringContaining('no such flow file') });
  });

  test('replay --format markdown lists the denied flows', async () => {
    const { out } = await netkit('replay', flows, manifests, '--format', 'markdown');
    expect(out).toContain('### Denied');
    expect(out).toContain('| shop/api | payments/charger | TCP 9000 | 3 |');
  });

  test('diff --flows: what the change breaks, in every format; --fail-on broken', async () => {
    const after = join(dir, 'after.yaml');
    writeFileSync(after, Yaml.stringify(...objects().filter((o) => o.metadata.name !== 'web-to-api')));
    const json = await netkit('diff', manifests, after, '--flows', flows, '--format', 'json', '--fail-on', 'broken');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out).flows).toEqual({ broken: [expect.objectContaining({ from: 'shop/web', to: 'shop/api', port: 8080, count: 10, verdict: 'denied' })], newlyAllowed: [] });
    expect((await netkit('diff', manifests, after, '--flows', flows, '--format', 'markdown')).out).toContain('### What this breaks (observed flows newly denied)');
    expect((await netkit('diff', manifests, after, '--flows', flows)).out).toContain('x breaks shop/web -> shop/api TCP 8080 (10 observed)');
    expect((await netkit('diff', manifests, after, '--fail-on', 'broken'))).toMatchObject({ code: 2, err: 'netkit: --fail-on broken needs --flows <file>: the observed traffic to replay.\n' });
  });

  test('replay --git A..B', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'netkit-git-flows-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'shop.yaml'), Yaml.stringify(...objects()));
    git('add', '.');
    git('commit', '-qm', 'one');
    writeFileSync(join(repo, 'shop.yaml'), Yaml.stringify(...objects().filter((o) => o.metadata.name !== 'api-from-web')));
    git('commit', '-qam', 'two');
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      const result = await netkit('replay', '--git', 'HEAD~1..HEAD', flows, '--format', 'json', '--fail-on', 'broken');
      expect(result.code).toBe(1);
      expect(JSON.parse(result.out).flows.broken.map((f: { from: string; to: string }) => `${f.from} -> ${f.to}`)).toEqual(['shop/web -> shop/api']);
    } finally {
      process.chdir(cwd);
    }
  });

  test('suggest: TypeScript intents, NetworkPolicy YAML and JSON, no wider than the flows', async () => {
    const ts = await netkit('suggest', flows, manifests);
    expect(ts.out).toContain('api.connectTo(charger, Port.tcp(9000)); // 3 flow(s): payments/charger TCP 9000');
    expect(ts.out).toContain("web.allowEgressTo(Peer.ipAddress('203.0.113.9'), Port.tcp(443)); // 2 flow(s): 203.0.113.9 TCP 443");
    const yaml = await netkit('suggest', flows, manifests, '--format', 'yaml');
    expect(yaml.out).toContain('cidr: 203.0.113.9/32');
    expect(yaml.out).not.toContain('0.0.0.0/0');
    const json = JSON.parse((await netkit('suggest', flows, manifests, '--format', 'json')).out);
    expect(json.intents.map((i: { intent: string }) => i.intent).sort()).toEqual(['allowEgressTo', 'connectTo']);
  });

  test('suggest: both sides denied become one connectTo, by the port name the destination declares', () => {
    const open = NetworkModel.fromObjects(objects().filter((o) => !['web-to-api', 'api-from-web'].includes(o.metadata.name)));
    const result = suggestIntents(open, 'from,to,port,protocol\nshop/web,shop/api,8080,TCP\n');
    expect(result.intents.map((i) => i.typescript)).toEqual(["web.connectTo(api, 'http');"]);
  });

  test('suggest: the internet at large becomes Peer.internet(), with a notice', () => {
    const lines = ['from,to,port,protocol', ...Array.from({ length: 20 }, (_, i) => `198.51.100.${i + 1},shop/web,8080,TCP`)];
    const result = suggestIntents(model(), lines.join('\n'));
    expect(result.intents.map((i) => i.typescript)).toEqual(["web.allowFrom(Peer.internet(), 'http');"]);
    expect(result.notices[0]).toContain('shop/web is reached from 20 public addresses on TCP 8080 (http): read as the internet at large');
  });
});

describe('large exports, read in parallel', () => {
  test('worker threads give the same flows, counts and line numbers as one reader (compiled CLI)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netkit-parallel-'));
    const manifests = join(dir, 'shop.yaml');
    writeFileSync(manifests, Yaml.stringify(...objects()));
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      if (i === 2500) lines.push('{"flow": broken');
      lines.push(hubble({ ns: 'shop', labels: { app: 'web' }, owner: 'web' }, i % 3 === 0 ? { ip: `203.0.113.${i % 200}` } : { ns: 'shop', labels: { app: 'api', tier: 'backend' } }, i % 2 ? 8080 : 9090, i % 5 === 0 ? { is_reply: true } : {}));
    }
    const file = join(dir, 'flows.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const cli = (bytes: string) => execFileSync(process.execPath, [join(__dirname, '../../bin/netkit'), 'replay', file, manifests, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, NETKIT_PARALLEL_FLOW_BYTES: bytes } });
    const parallel = cli('1');
    const single = cli('999999999999');
    expect(parallel).toBe(single);
    const json = JSON.parse(parallel);
    expect(json.malformed).toEqual([{ line: 2501, reason: expect.stringContaining('not JSON') }]);
    expect(json.replies).toBe(600);
  });
});

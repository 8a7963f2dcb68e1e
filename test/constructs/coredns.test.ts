import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  CoreDnsConfig, CorefileStyle, ExposedApp, ForwardPolicy, KubeProxyMode, NodeLocalDnsCache, NetworkModel, PodsMode, Port,
  RewriteRule, SecureNamespace, clusterFixtures, lint,
} from '../../lib';
import { newChart, objectsOf, yamlSnapshot } from '../helpers/charts';
import { expectNetkitError } from '../helpers/errors';
import { validateAgainstSchema } from '../helpers/schema';

const golden = (name: string) => readFileSync(join(__dirname, '..', 'dns', 'golden', `${name}.Corefile`), 'utf8');
const corefileOf = (chart: ReturnType<typeof newChart>) => objectsOf(chart, 'ConfigMap').coredns.data.Corefile as string;

describe('CoreDnsConfig', () => {
  test('the default: the upstream Corefile with pod records off, in kube-system/coredns', () => {
    const chart = newChart('cluster');
    new CoreDnsConfig(chart, 'coredns');
    expect(corefileOf(chart)).toBe(golden('netkit-default'));
    const configMap = objectsOf(chart, 'ConfigMap').coredns;
    expect(configMap.metadata).toEqual({ name: 'coredns', namespace: 'kube-system' });
    validateAgainstSchema(chart.toJson());
    expect(lint(chart.toJson())).toEqual([]);
  });

  test('pods insecure gives the kubeadm default exactly (same tree; canonical layout)', () => {
    const chart = newChart('cluster');
    new CoreDnsConfig(chart, 'coredns', { kubernetes: { pods: PodsMode.INSECURE } });
    const kubeadm = golden('kubeadm-default');
    // kubeadm indents nested blocks by 7 spaces; netkit prints 4: compare token streams.
    expect(corefileOf(chart).split(/\s+/)).toEqual(kubeadm.split(/\s+/));
    expect(lint(chart.toJson()).map((f) => f.rule)).toEqual(['corefile-pods-insecure']);
  });

  test('golden: a stub domain', () => {
    const chart = newChart('cluster');
    new CoreDnsConfig(chart, 'coredns', { stubDomains: { 'corp.example': ['10.0.0.53', '10.0.1.53'] } });
    expect(corefileOf(chart)).toBe(golden('stub-domain'));
    expect(lint(chart.toJson())).toEqual([]);
  });

  test('golden: custom forwarders over TLS and a tuned cache', () => {
    const chart = newChart('cluster');
    new CoreDnsConfig(chart, 'coredns', {
      forward: { upstreams: ['tls://1.1.1.1', 'tls://1.0.0.1'], tlsServerName: 'cloudflare-dns.com', policy: ForwardPolicy.SEQUENTIAL, healthCheck: '5s', maxConcurrent: 500 },
      cache: { ttl: 60, success: { capacity: 20000 }, denial: { capacity: 5000, ttl: 10 }, prefetch: 10, serveStale: true },
    });
    expect(corefileOf(chart)).toBe(golden('custom-forwarders'));
  });

  test('golden: hosts override and rewrites', () => {
    const chart = newChart('cluster');
    const dns = new CoreDnsConfig(chart, 'coredns', { kubernetes: { pods: PodsMode.VERIFIED } });
    dns.addHost('10.0.0.10', 'legacy.corp.example', 'legacy');
    dns.addRewrite(RewriteRule.exact('db.old.example', 'db.shop.svc.cluster.local'));
    dns.addRewrite(RewriteRule.suffix('svc.old.local', 'svc.cluster.local'));
    dns.addRewrite(RewriteRule.regex('^(.*)\\.legacy\\.example\\.$', '{1}.shop.svc.cluster.local'));
    expect(corefileOf(chart)).toBe(golden('hosts-rewrite'));
    expect(lint(chart.toJson())).toEqual([]);
  });

  test('CUSTOM_IMPORT writes coredns-custom import files only', () => {
    const chart = newChart('cluster');
    const dns = new CoreDnsConfig(chart, 'coredns', { style: CorefileStyle.CUSTOM_IMPORT, log: true });
    dns.addStubDomain('corp.example', ['10.0.0.53']);
    dns.addHost('10.0.0.10', 'legacy.corp.example');
    const data = objectsOf(chart, 'ConfigMap')['coredns-custom'].data;
    expect(Object.keys(data).sort()).toEqual(['netkit.override', 'netkit.server']);
    expect(data['netkit.override']).toBe('hosts {\n    10.0.0.10 legacy.corp.example\n    fallthrough\n}\nlog\n');
    expect(data['netkit.server']).toContain('corp.example:53 {');
    expect(lint(chart.toJson())).toEqual([]);
  });

  test('synth twice gives the same YAML', () => {
    const build = () => {
      const chart = newChart('cluster');
      const dns = new CoreDnsConfig(chart, 'coredns');
      dns.addStubDomain('b.example', ['10.0.0.2']);
      dns.addStubDomain('a.example', ['10.0.0.1']);
      return yamlSnapshot(chart);
    };
    expect(build()).toEqual(build());
  });

  test.each<[string, (chart: ReturnType<typeof newChart>) => unknown, string]>([
    ['a hostname as upstream', (c) => new CoreDnsConfig(c, 'dns', { stubDomains: { 'corp.example': ['dns.corp.example'] } }),
      'cluster/dns: stub domain "corp.example": "dns.corp.example" is not an IP address, [IPv6]:port, tls://address or a file path (forward takes addresses, not names). Write it like 10.0.0.53 or tls://1.1.1.1.'],
    ['an invalid zone', (c) => new CoreDnsConfig(c, 'dns').addStubDomain('corp..example', ['10.0.0.53']),
      'cluster/dns: stub domain "corp..example": "corp..example" is not a DNS zone. Give a zone such as "corp.example".'],
    ['the same zone twice', (c) => { const d = new CoreDnsConfig(c, 'dns'); d.addStubDomain('corp.example', ['10.0.0.53']); d.addStubDomain('Corp.Example.', ['10.0.0.54']); },
      'cluster/dns: stub domain "Corp.Example.": there is already a server block for corp.example on port 53; CoreDNS refuses two. Put all its upstreams in one call.'],
    ['a stub inside the cluster domain', (c) => new CoreDnsConfig(c, 'dns').addStubDomain('svc.cluster.local', ['10.0.0.53']),
      'cluster/dns: stub domain "svc.cluster.local" is inside the cluster domain cluster.local, so it would take over names the kubernetes plugin answers. Choose a zone outside it.'],
    ['forward without loop', (c) => new CoreDnsConfig(c, 'dns', { loop: false }),
      'cluster/dns: loop is off, but the Corefile forwards: a forwarding loop (an upstream that points back at CoreDNS, such as a node resolv.conf with 127.0.0.53) would then take cluster DNS down. Keep loop on.'],
    ['an upstream port out of range', (c) => new CoreDnsConfig(c, 'dns', { forward: { upstreams: ['10.0.0.53:70000'] } }),
      'cluster/dns: forward: "10.0.0.53:70000" has port 70000, outside 1-65535. Write it like 10.0.0.53 or tls://1.1.1.1.'],
    ['main-block options with CUSTOM_IMPORT', (c) => new CoreDnsConfig(c, 'dns', { style: CorefileStyle.CUSTOM_IMPORT, cache: { ttl: 60 } }),
      'cluster/dns: cache belong to the distribution\'s main server block, which CUSTOM_IMPORT does not write. Use CorefileStyle.FULL to own the whole Corefile, or leave them out.'],
    ['a bad rewrite regex', (c) => new CoreDnsConfig(c, 'dns').addRewrite(RewriteRule.regex('(', 'x')),
      'cluster/dns: rewrite regex "(": not a regular expression (Invalid regular expression: /(/: Unterminated group). Escape dots as \\. and anchor with ^ and $.'],
    ['a port in a stub domain', (c) => new CoreDnsConfig(c, 'dns').addStubDomain('corp.example:5353', ['10.0.0.53']),
      'cluster/dns: stub domain "corp.example:5353" names a scheme or port, but stub domains are served on port 53 over DNS like the main block. Give the zone alone, e.g. "corp.example".'],
    ['a kubernetes ttl too long', (c) => new CoreDnsConfig(c, 'dns', { kubernetes: { ttl: 7200 } }),
      'cluster/dns: kubernetes: ttl 7200 is not a whole number of seconds from 0 to 3600.'],
  ])('refuses %s', (_name, build, message) => {
    const chart = newChart('cluster');
    expectNetkitError(() => build(chart), message);
  });

  test('refuses a cluster domain the workloads do not use, at synth', () => {
    const chart = newChart('cluster');
    const shop = new SecureNamespace(chart, 'shop');
    new ExposedApp(chart, 'api', { namespace: shop, image: 'api:1', ports: [Port.tcp(8080, 'http')], clusterDomain: 'corp.internal' });
    new CoreDnsConfig(chart, 'coredns');
    expect(() => chart.toJson()).toThrow('cluster/coredns: it serves the cluster domain cluster.local, but cluster/api uses corp.internal, so its names would not resolve. Use one cluster domain (the kubelet\'s --cluster-domain) for both.');
  });
});

describe('NodeLocalDnsCache', () => {
  test('the upstream node-local-dns manifest, parameterized', () => {
    const chart = newChart('cluster');
    new NodeLocalDnsCache(chart, 'nodelocaldns', { kubeDnsAddress: '10.96.0.10' });
    expect(yamlSnapshot(chart)).toMatchSnapshot();
    const container = objectsOf(chart, 'DaemonSet')['node-local-dns'].spec.template.spec.containers[0];
    expect(container.args).toEqual(['-localip', '169.254.20.10,10.96.0.10', '-conf', '/etc/Corefile', '-upstreamsvc', 'kube-dns-upstream']);
    const corefile = objectsOf(chart, 'ConfigMap')['node-local-dns'].data.Corefile as string;
    expect(corefile).toContain('cluster.local:53 {');
    expect(corefile).toContain('bind 169.254.20.10 10.96.0.10');
    validateAgainstSchema(chart.toJson());
    expect(lint(chart.toJson())).toEqual([]);
  });

  test('its Corefile is linted as a server of its own: beside the cluster CoreDNS it clashes with nothing, and its own mistakes are found', () => {
    const chart = newChart('cluster');
    new CoreDnsConfig(chart, 'dns');
    new NodeLocalDnsCache(chart, 'nodelocaldns', { kubeDnsAddress: '10.96.0.10' });
    // Both serve cluster.local:53 and .:53, on different servers: no duplicate zone, and no
    // kubernetes/ready requirement for the cache.
    expect(lint(chart.toJson())).toEqual([]);
    const broken = chart.toJson().map((object) => {
      if (object.metadata?.name !== 'node-local-dns' || object.kind !== 'ConfigMap') return object;
      const corefile = (object.data.Corefile as string)
        .replace('ip6.arpa:53', 'in-addr.arpa:53')
        .replace('.:53 {\n    errors\n    cache 30\n    reload\n    loop\n', '.:53 {\n    errors\n    cahce 30\n    reload\n');
      return { ...object, data: { Corefile: corefile } };
    });
    expect(lint(broken).map((f) => `${f.rule} ${f.object.name}: ${f.message}`)).toEqual([
      expect.stringMatching(/^corefile-duplicate-zone node-local-dns: Corefile line \d+: zone in-addr\.arpa\. on port 53 is also served by the block at Corefile line \d+; CoreDNS refuses duplicate zones$/),
      expect.stringMatching(/^corefile-forward-without-loop node-local-dns: Corefile line \d+: \.:53 forwards but has no loop plugin$/),
      expect.stringMatching(/^corefile-no-cache node-local-dns: Corefile line \d+: \.:53 forwards with no cache$/),
      expect.stringMatching(/^corefile-unknown-plugin node-local-dns: Corefile line \d+: "cahce" is not a CoreDNS plugin$/),
    ]);
    const unbalanced = broken.map((object) => (object.metadata?.name === 'node-local-dns' && object.kind === 'ConfigMap' ? { ...object, data: { Corefile: `${object.data.Corefile as string}extra {\n` } } : object));
    expect(lint(unbalanced).filter((f) => f.rule === 'corefile-syntax').map((f) => f.object.name)).toEqual(['node-local-dns']);
  });

  test('IPVS mode binds the link-local address only', () => {
    const chart = newChart('cluster');
    new NodeLocalDnsCache(chart, 'nodelocaldns', { kubeDnsAddress: '10.96.0.10', proxyMode: KubeProxyMode.IPVS, clusterDomain: 'corp.internal' });
    const container = objectsOf(chart, 'DaemonSet')['node-local-dns'].spec.template.spec.containers[0];
    expect(container.args[1]).toBe('169.254.20.10');
    const corefile = objectsOf(chart, 'ConfigMap')['node-local-dns'].data.Corefile as string;
    expect(corefile).toContain('corp.internal:53 {');
    expect(corefile).not.toContain('10.96.0.10');
  });

  test('workloads of a namespace that uses it reach it, and only on DNS', () => {
    const chart = newChart('cluster');
    const cache = new NodeLocalDnsCache(chart, 'nodelocaldns', { kubeDnsAddress: '10.96.0.10' });
    const shop = new SecureNamespace(chart, 'shop', { dnsServers: [cache.peer] });
    new ExposedApp(chart, 'api', { namespace: shop, image: 'api:1', ports: [Port.tcp(8080, 'http')] });
    const model = NetworkModel.fromObjects([...chart.toJson(), ...clusterFixtures()]);
    expect(model).toAllowTraffic({ from: 'shop/api', to: '169.254.20.10', port: 53, protocol: 'UDP' });
    expect(model).toAllowTraffic({ from: 'shop/api', to: '169.254.20.10', port: 53, protocol: 'TCP' });
    // iptables mode: pods still send to the kube-dns Service address, which the cache answers without DNAT.
    expect(model).toAllowTraffic({ from: 'shop/api', to: '10.96.0.10', port: 53, protocol: 'UDP' });
    expect(model).toDenyTraffic({ from: 'shop/api', to: '169.254.20.10', port: 8080 });
    // The cache is the only resolver this namespace was given.
    expect(model).toDenyTraffic({ from: 'shop/api', to: 'kube-system/coredns', port: 53, protocol: 'UDP' });
    expect(lint(chart.toJson()).filter((f) => f.rule === 'egress-without-dns')).toEqual([]);
    // Asked by name, the host-network cache is reached at the addresses it binds (-localip).
    const byName = model.check({ from: 'shop/api', to: 'kube-system/node-local-dns', port: 53, protocol: 'UDP' });
    expect(byName.allowed).toBe(true);
    expect(byName.why).toContain('kube-system/node-local-dns runs on the host network and is reached at 169.254.20.10, 10.96.0.10, which ipBlock peers match');
    expect(model).toDenyTraffic({ from: 'shop/api', to: 'kube-system/node-local-dns', port: 9253 });
    // The matrix says the same.
    const cell = model.matrix().cells.find((c) => c.from === 'shop/api' && c.to === 'kube-system/node-local-dns');
    expect(cell?.ports).toBe('TCP 53, UDP 53');
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['a routable local address', { kubeDnsAddress: '10.96.0.10', localAddress: '10.0.0.10' },
      'cluster/nodelocaldns: localAddress "10.0.0.10" is not an IPv4 link-local address; the cache must listen where no Service or node address can collide. Use 169.254.20.10.'],
    ['a name as the kube-dns address', { kubeDnsAddress: 'kube-dns' },
      'cluster/nodelocaldns: kubeDnsAddress "kube-dns" is not an IP address. Give the kube-dns Service\'s ClusterIP, e.g. 10.96.0.10.'],
  ])('refuses %s', (_name, props, message) => {
    const chart = newChart('cluster');
    expectNetkitError(() => new NodeLocalDnsCache(chart, 'nodelocaldns', props as never), message);
    expect(chart.toJson()).toEqual([]);
  });
});

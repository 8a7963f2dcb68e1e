import { describe, expect, test } from 'vitest';
import {
  Cidr, DnsConfig, ExposedApp, NetkitError, Peer, Port, Probe, SecureNamespace, ServiceExposure, SessionAffinity,
} from '../../lib';
import { newChart } from '../helpers/charts';
import { expectNetkitError } from '../helpers/errors';

type AppProps = ConstructorParameters<typeof ExposedApp>[2];
const base: AppProps = { image: 'acme/api:1', ports: [Port.tcp(8080, 'http')] };

function app(props: Partial<AppProps>) {
  const chart = newChart('shop');
  return () => new ExposedApp(chart, 'api', { ...base, ...props });
}

describe('bad input names the construct path, the value and the fix', () => {
  test.each<[string, () => unknown, string]>([
    ['port 0', () => Port.tcp(0), 'Port.tcp(0): 0 is not a valid port number. Use a whole number from 1 to 65535.'],
    ['port 65536', () => Port.tcp(65536, 'http'), 'Port.tcp(65536, "http"): 65536 is not a valid port number. Use a whole number from 1 to 65535.'],
    ['an invalid port name', () => Port.tcp(8080, 'Http_Port'), 'Port.tcp(8080, "Http_Port"): the port name "Http_Port" may contain only lowercase letters, digits and \'-\'. Use a name such as "http", "grpc" or "metrics".'],
    ['CIDR 10.0.0.0/33', () => Cidr.of('10.0.0.0/33'), 'Cidr.of("10.0.0.0/33"): the CIDR has prefix length "/33", which is not 0-32 for IPv4. Write a network address and a prefix length, such as 10.0.0.0/8 or 2001:db8::/32.'],
    ['an except outside its CIDR', () => Cidr.of('10.0.0.0/16').except('10.1.0.0/24'), 'Cidr.of("10.0.0.0/16").except("10.1.0.0/24"): 10.1.0.0/24 is not strictly inside 10.0.0.0/16, and the API server rejects an except outside its CIDR. Remove it or widen the CIDR.'],
    ['dnsPolicy None without nameservers', () => DnsConfig.none({ searches: ['corp.example.com'] }), 'DnsConfig.none: dnsPolicy None needs at least one nameserver (the pod would have no resolver). Add nameservers, or use DnsConfig.clusterFirst().'],
    ['four nameservers', () => DnsConfig.none({ nameservers: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'] }), 'DnsConfig.none: 4 nameservers given (10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4); the resolver reads at most 3 and the API server rejects more. Keep at most 3.'],
    ['negative ndots', () => DnsConfig.clusterFirst({ ndots: -2 }), 'DnsConfig.clusterFirst: ndots -2 is outside 0-15 (resolv.conf caps ndots at 15). Pick a whole number in that range.'],
    ['a probe path without a slash', () => Probe.http('healthz'), 'Probe.http("healthz"): the path must start with "/". Write it like "/healthz".'],
    ['nodePort 80', app({ exposure: ServiceExposure.nodePort({ nodePort: 80 }) }), 'shop/api: nodePort 80 is outside 30000-32767 (the API server rejects it). Omit nodePort to let Kubernetes choose one, or pick a port in range.'],
    ['nodePort outside a widened range', app({ exposure: ServiceExposure.nodePort({ nodePort: 19999, range: { min: 20000, max: 32767 } }) }), 'shop/api: nodePort 19999 is outside 20000-32767 (the API server rejects it). Omit nodePort to let Kubernetes choose one, or pick a port in range.'],
    ['a LoadBalancer with no source ranges', app({ exposure: ServiceExposure.loadBalancer({}) }), 'shop/api: a LoadBalancer with no sourceRanges is open to the whole internet. Give sourceRanges (e.g. [Cidr.of(\'203.0.113.0/24\')]), or set allowFromAnywhere: true if it is meant to be public.'],
    ['source ranges and allowFromAnywhere together', app({ exposure: ServiceExposure.loadBalancer({ sourceRanges: [Cidr.of('10.0.0.0/8')], allowFromAnywhere: true }) }), 'shop/api: sourceRanges and allowFromAnywhere contradict each other. Keep sourceRanges to restrict the load balancer, or remove them to open it.'],
    ['affinity timeout 0', app({ sessionAffinity: SessionAffinity.clientIp(0) }), 'shop/api: session affinity timeout 0s is outside 1-86400 (the API server rejects it). Pick a timeout in range, e.g. SessionAffinity.clientIp(10800).'],
    ['affinity timeout 86401', app({ sessionAffinity: SessionAffinity.clientIp(86401) }), 'shop/api: session affinity timeout 86401s is outside 1-86400 (the API server rejects it). Pick a timeout in range, e.g. SessionAffinity.clientIp(10800).'],
    ['namespace name Prod_1', () => new SecureNamespace(newChart('shop'), 'ns', { name: 'Prod_1' }), 'shop/ns: the namespace name "Prod_1" must consist of lowercase letters, digits and \'-\', and start and end with a letter or digit. Use a name like "shop-prod".'],
    ['a label value over 63 characters', () => new SecureNamespace(newChart('shop'), 'ns', { labels: { team: 'a'.repeat(64) } }), `shop/ns: label "team" value "${'a'.repeat(64)}" is 64 characters long (at most 63). Label keys and values follow the Kubernetes label syntax (values at most 63 characters).`],
    ['a namespace name label that contradicts the name', () => new SecureNamespace(newChart('shop'), 'ns', { labels: { 'kubernetes.io/metadata.name': 'other' } }), 'shop/ns: label kubernetes.io/metadata.name="other" contradicts the namespace name "ns"; the API server sets it to the name. Remove that label.'],
    ['no DNS servers', () => new SecureNamespace(newChart('shop'), 'ns', { dnsServers: [] }), 'shop/ns: dnsServers is empty, so no pod in the namespace could resolve a name. Omit it for the cluster DNS, or name your resolvers.'],
    ['a bad Pod Security version', () => new SecureNamespace(newChart('shop'), 'ns', { podSecurityVersion: '1.28' }), 'shop/ns: podSecurityVersion "1.28" is not "latest" or a version such as "v1.28". Use one of those forms.'],
    ['an app name starting with a digit', () => new ExposedApp(newChart('shop'), '2api', base), 'shop/2api: name "2api" must start with a letter, because it is also a Service name (a DNS-1035 label). Use one like "api-2". The name comes from the construct id "2api": keep the id and pass name: "api", or choose an id that is a DNS label.'],
    ['an id with capitals and no name prop', () => new ExposedApp(newChart('shop'), 'MyApi', base), 'shop/MyApi: name "MyApi" must consist of lowercase letters, digits and \'-\', and start and end with a letter or digit. Names become Service names; use one like "shop-api". The name comes from the construct id "MyApi": keep the id and pass name: "myapi", or choose an id that is a DNS label.'],
    ['a namespace id with an underscore', () => new SecureNamespace(newChart('shop'), 'team_a'), 'shop/team_a: the namespace name "team_a" must consist of lowercase letters, digits and \'-\', and start and end with a letter or digit. Use a name like "shop-prod". The name comes from the construct id "team_a": keep the id and pass name: "team-a", or choose an id that is a DNS label.'],
    ['a misspelt port name', () => new ExposedApp(newChart('shop'), 'api', { ...base, ports: [Port.tcp(8080, 'http'), Port.tcp(9090, 'metrics')] }).allowFrom(Peer.namespaceNamed('ops'), 'metrcis'), 'shop/api: port "metrcis" is not a port shop/api accepts (it accepts: TCP 8080 (http), TCP 9090 (metrics)). Did you mean "metrics"? Declare the port on that workload, or use one of those.'],
    ['an app name with capitals', app({ name: 'MyApi' }), 'shop/api: name "MyApi" must consist of lowercase letters, digits and \'-\', and start and end with a letter or digit. Names become Service names; use one like "shop-api".'],
    ['no ports', app({ ports: [] }), 'shop/api: ports is empty; at least one port is needed. Add one, e.g. Port.tcp(8080, "http").'],
    ['an unnamed port among several', app({ ports: [Port.tcp(8080, 'http'), Port.tcp(9090)] }), 'shop/api: TCP 9090 has no name, and a Service with several ports needs a name on each. Name it, e.g. Port.tcp(9090, "metrics").'],
    ['a duplicate port', app({ ports: [Port.tcp(8080, 'http'), Port.tcp(8080, 'web')] }), 'shop/api: TCP 8080 (web) is declared twice. Declare each port once.'],
    ['a duplicate port name', app({ ports: [Port.tcp(8080, 'http'), Port.tcp(8081, 'http')] }), 'shop/api: port name "http" is used twice. Give each port its own name.'],
    ['a port range as a container port', app({ ports: [Port.tcpRange(8000, 8010)] }), 'shop/api: TCP 8000-8010 cannot be a container port; give a single number, e.g. Port.tcp(8080, "http").'],
    ['servicePort 0', app({ servicePort: 0 }), 'shop/api: servicePort 0 is not a valid port number. Use a whole number from 1 to 65535, or omit it to use 8080.'],
    ['two Service ports on one number', app({ ports: [Port.tcp(8080, 'http'), Port.tcp(80, 'alt')], servicePort: 80 }), 'shop/api: the Service would expose TCP 80 twice (for TCP 8080 (http) and TCP 80 (alt)). Pick another servicePort.'],
    ['an empty image', app({ image: '' }), 'shop/api: image "" is not an image reference. Give one such as "acme/api:1.4.2".'],
    ['negative replicas', app({ replicas: -1 }), 'shop/api: replicas -1 must be a whole number of at least 0.'],
    ['a probe on an undeclared port', app({ readiness: Probe.tcp({ port: 'admin' }) }), 'shop/api: a probe asks for admin, which is not a declared port (TCP 8080 (http)). Probe a declared port.'],
    ['hostNetwork with ClusterFirst DNS', app({ hostNetwork: true, dns: DnsConfig.clusterFirst() }), 'shop/api: a hostNetwork pod with dnsPolicy ClusterFirst uses the node\'s resolvers, not the cluster DNS. Use DnsConfig.clusterFirstWithHostNet().'],
    ['a relative writable path', app({ writablePaths: ['tmp'] }), 'shop/api: writable path "tmp" is not an absolute directory path. Write it like "/tmp" or "/var/cache/app".'],
    ['a writable path listed twice', app({ writablePaths: ['/tmp', '/tmp'] }), 'shop/api: writable path /tmp is listed twice. List each once.'],
    ['two writable paths with one volume name', app({ writablePaths: ['/var/cache', '/var_cache'] }), 'shop/api: writable paths /var/cache and /var_cache map to the same volume name "var-cache". Rename one directory.'],
    ['a label that overrides the selector', app({ labels: { 'app.kubernetes.io/name': 'x' } }), 'shop/api: labels may not set app.kubernetes.io/name; it is the workload name ("api") and selects the pods. Use the name prop.'],
    ['a bad namespace string', app({ namespace: 'Prod' }), 'shop/api: the namespace name "Prod" must consist of lowercase letters, digits and \'-\', and start and end with a letter or digit. Use a name like "shop-prod".'],
    ['a bad cluster domain', app({ clusterDomain: 'Cluster_Local' }), 'shop/api: cluster domain "Cluster_Local" must be lowercase letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit. Use the kubelet\'s --cluster-domain, usually cluster.local.'],
    ['egress with no ports', () => new ExposedApp(newChart('shop'), 'api', base).allowEgressTo(Peer.internet()), 'shop/api: allowEgressTo(the internet (public IPv4 and IPv6 addresses)) needs at least one port. Name the ports the app uses, or Port.allOf(Protocol.TCP) if it truly needs every TCP port.'],
    ['a named egress port toward an address', () => new ExposedApp(newChart('shop'), 'api', base).allowEgressTo(Peer.internet(), Port.named('https')), 'shop/api: allowEgressTo(the internet (public IPv4 and IPv6 addresses), TCP port named https): a named port resolves on a destination pod, and an IP block has none, so the rule would match nothing. Give the port number.'],
    ['allowFrom on an undeclared port', () => new ExposedApp(newChart('shop'), 'api', base).allowFrom(Peer.namespaceNamed('ops'), 'metrics'), 'shop/api: port "metrics" is not a port shop/api accepts (it accepts: TCP 8080 (http)). Declare the port on that workload, or use one of those.'],
  ])('%s', (_name, build, message) => {
    expectNetkitError(() => build(), message);
  });

  test('a construct that throws adds no objects', () => {
    const chart = newChart('shop');
    expect(() => new ExposedApp(chart, 'api', { ...base, exposure: ServiceExposure.loadBalancer({}) })).toThrow(NetkitError);
    expect(chart.toJson()).toEqual([]);
  });
});

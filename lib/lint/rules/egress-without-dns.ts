import { DnsTarget, LintContext, LintWorkload } from '../context';
import { addressedServices, boundAddresses } from '../../analysis/input/services';
import { NAMESPACE_NAME_LABEL, PolicyInfo, PolicyPeer, PolicyRule } from '../../analysis/input/objects';
import { Labels, selectorMatches } from '../../analysis/model/selectors';
import { IpAddress, IpRange, formatIp, parseCidr, parseIp, rangeContains } from '../../net/ip';
import { LintRule, Severity } from '../types';

type IpBlockPeer = Extract<PolicyPeer, { kind: 'ipBlock' }>;

/**
 * Where a ClusterFirst pod's lookups can go once kube-proxy has translated the kube-dns Service
 * address: CoreDNS pods and Service addresses (private, CGNAT or unique-local ranges) or a
 * node-local cache (link-local). An ipBlock wholly outside these (8.8.8.8/32) is a resolver
 * outside the cluster, which such a pod never asks.
 */
const CLUSTER_DNS_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', 'fc00::/7', 'fe80::/10'].map((c) => parseCidr(c)!);

const overlaps = (a: IpRange, b: IpRange) => a.family === b.family
  && (rangeContains(a, { family: b.family, value: b.base }) || rangeContains(b, { family: a.family, value: a.base }));

/**
 * Which ipBlocks can carry this workload's lookups, from its dnsPolicy: `Default` asks the
 * node's resolvers (anywhere, so any ipBlock may), `None` the nameservers of its dnsConfig
 * (an ipBlock must hold one), and ClusterFirst (the default) the cluster DNS, reached on the
 * ranges above.
 */
function ipBlockReachesResolver(workload: LintWorkload): { test: (peer: IpBlockPeer) => boolean; resolver: string; clusterFirst?: boolean } {
  const policy = typeof workload.podSpec.dnsPolicy === 'string' ? workload.podSpec.dnsPolicy : 'ClusterFirst';
  if (policy === 'Default') return { test: () => true, resolver: "the node's resolvers" };
  if (policy === 'None') {
    const servers = (Array.isArray((workload.podSpec.dnsConfig as { nameservers?: unknown } | undefined)?.nameservers) ? (workload.podSpec.dnsConfig as { nameservers: unknown[] }).nameservers : [])
      .map((s) => parseIp(String(s))).filter((ip): ip is IpAddress => ip !== undefined);
    if (servers.length === 0) return { test: () => true, resolver: 'its dnsConfig nameservers' };
    return { test: (peer) => servers.some((ip) => rangeContains(peer.cidr, ip) && !peer.except.some((e) => rangeContains(e, ip))), resolver: 'its dnsConfig nameservers' };
  }
  return { test: (peer) => CLUSTER_DNS_RANGES.some((range) => overlaps(range, peer.cidr)), resolver: 'the cluster DNS (dnsPolicy ClusterFirst: private, CGNAT, unique-local or link-local addresses)', clusterFirst: true };
}

/**
 * A NodeLocal DNSCache none of whose addresses the policies' DNS egress allows. Pods' lookups
 * go to an address the cache binds on their node (the kube-dns Service address in kube-proxy
 * iptables mode, the link-local one where the kubelet names it), not to a DNS pod, so a rule
 * that allows only the DNS pods does not let them through where the plugin enforces policy on
 * host-bound addresses.
 */
function cacheMissed(policies: readonly PolicyInfo[], caches: readonly LintWorkload[]): { cache: LintWorkload; addresses: readonly IpAddress[] } | undefined {
  for (const cache of caches) {
    const addresses = cache.hostAddresses ?? [];
    const held = policies.some((p) => p.egress.some((rule) => udpDnsPort(rule, 53) && (rule.peers === null || rule.peers.some((peer) => peer.kind === 'ipBlock'
      && addresses.some((ip) => rangeContains(peer.cidr, ip) && !peer.except.some((e) => rangeContains(e, ip)))))));
    if (!held) return { cache, addresses };
  }
  return undefined;
}

/** Whether a port list lets UDP through to the DNS port (or `dns`, the name CoreDNS and OpenShift's DNS give it). */
const udpDnsPort = (rule: PolicyRule, port: number) => rule.ports === null || rule.ports.some((p) => p.protocol === 'UDP' && (
  p.port === undefined || p.port === port || p.port === 'dns'
  || (typeof p.port === 'number' && p.endPort !== undefined && p.port <= port && p.endPort >= port)));

/**
 * Whether a rule could let UDP DNS through to one of the DNS targets: a port that covers the
 * target's, and a peer that matches the DNS pods, or an ipBlock that can carry the workload's
 * lookups (see ipBlockReachesResolver).
 */
function allowsDns(rule: PolicyRule, policy: PolicyInfo, target: DnsTarget, namespaceLabels: Labels, ipBlockOk: (peer: IpBlockPeer) => boolean): boolean {
  if (!udpDnsPort(rule, target.port)) return false;
  return rule.peers === null || rule.peers.some((peer) => {
    if (peer.kind === 'ipBlock') return ipBlockOk(peer);
    if (peer.kind !== 'pods') return false;
    const namespaceOk = peer.namespaceSelector !== undefined ? selectorMatches(peer.namespaceSelector, namespaceLabels) : policy.namespace === target.namespace;
    return namespaceOk && (peer.podSelector === undefined || selectorMatches(peer.podSelector, target.podLabels));
  });
}

/**
 * The Services whose own addresses (cluster IP, external IP, load-balancer IP) the input gives,
 * by address, but those a NodeLocal DNSCache binds (delivered on the node): a single-address
 * block on one of them names the Service, as `ns/name`.
 */
function serviceAddresses(context: LintContext): (peer: IpBlockPeer) => string | undefined {
  const byAddress = new Map<string, string>();
  const addressed = addressedServices(context.ofKind('Service'));
  if (addressed.length === 0) return () => undefined;
  const bound = boundAddresses(context.workloads);
  for (const service of addressed) {
    for (const a of service.addresses) if (!bound.has(a.ip)) byAddress.set(a.ip, `${service.namespace}/${service.name}`);
  }
  return (peer) => (peer.except.length === 0 && peer.cidr.prefix === (peer.cidr.family === 4 ? 32 : 128) ? byAddress.get(formatIp({ family: peer.cidr.family, value: peer.cidr.base })) : undefined);
}

const describeTarget = (t: DnsTarget) => `${t.namespace} pods ${Object.entries(t.podLabels).map(([k, v]) => `${k}=${v}`).join(',') || '(any)'} on UDP ${t.port}`;

export const egressWithoutDns: LintRule = {
  id: 'egress-without-dns',
  severity: Severity.ERROR,
  description: 'A workload isolated for egress with no rule that allows UDP DNS to its resolver: the cluster DNS pods (kube-system kube-dns on 53, openshift-dns on 5353, or the targets configured) or an ipBlock that can hold the resolver (NodeLocal DNSCache\'s link-local address; for dnsPolicy None, a dnsConfig nameserver; a public-only ipBlock is a warning): every name lookup times out. DNS egress to the DNS pods alone, while the input holds a NodeLocal DNSCache that answers on the node, is a warning; DNS egress only to a Service\'s own address (the kube-dns cluster IP, where the input gives it) is an error: kube-proxy translates it to a pod before policy applies.',
  docs: 'https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/',
  *check(context) {
    const targets = context.options.dns;
    const labelsOf = (namespace: string) => ({ [NAMESPACE_NAME_LABEL]: namespace, ...context.declaredNamespaces.get(namespace) });
    // NodeLocal DNSCache: host-network pods that bind addresses for pods' lookups (-localip).
    const caches = context.workloads.filter((w) => w.hostNetwork && (w.hostAddresses ?? []).length > 0);
    const serviceAt = serviceAddresses(context);
    for (const workload of context.workloads) {
      if (workload.hostNetwork) continue;
      const policies = context.policiesSelecting(workload).filter((p) => p.isolatesEgress);
      if (policies.length === 0) continue;
      const reaches = ipBlockReachesResolver(workload);
      // A block that is exactly a Service's address is translated to a pod before policy applies: it carries no lookup.
      const resolver = { ...reaches, test: (peer: IpBlockPeer) => serviceAt(peer) === undefined && reaches.test(peer) };
      const reachesDns = policies.some((p) => p.egress.some((rule) => targets.some((t) => allowsDns(rule, p, t, labelsOf(t.namespace), resolver.test))));
      if (reachesDns) {
        const missed = resolver.clusterFirst ? cacheMissed(policies, caches) : undefined;
        if (missed) {
          yield {
            object: workload.object,
            severity: Severity.WARNING,
            message: `it is isolated for egress by ${policies.map((p) => p.ref).join(', ')}, whose DNS egress reaches the DNS pods, but NodeLocal DNSCache ${missed.cache.ref} answers lookups on each node at ${missed.addresses.map(formatIp).join(', ')}, which no rule allows: its lookups go to the cache, not to a DNS pod, and most network plugins drop them (the upstream nodelocaldns README asks for an ipBlock)`,
            fix: `Allow UDP and TCP 53 to the cache's addresses as well: SecureNamespace's dnsServers: [cache.peer, Peer.clusterDns()], or an egress ipBlock on ${missed.addresses.map((ip) => `${formatIp(ip)}/${ip.family === 4 ? 32 : 128}`).join(', ')}.`,
          };
        }
        continue;
      }
      // DNS-port ipBlocks that exist but cannot carry these lookups: a warning (address plans vary),
      // an error when every one is a Service's own address (certain: kube-proxy translates it).
      const dnsBlocks = policies.flatMap((p) => p.egress.filter((rule) => targets.some((t) => udpDnsPort(rule, t.port)))
        .flatMap((rule) => (rule.peers ?? []).filter((peer): peer is IpBlockPeer => peer.kind === 'ipBlock')));
      const elsewhere = dnsBlocks.map((peer) => peer.text);
      const services = dnsBlocks.map(serviceAt);
      if (dnsBlocks.length > 0 && services.every((service) => service !== undefined)) {
        yield {
          object: workload.object,
          message: `it is isolated for egress by ${policies.map((p) => p.ref).join(', ')}, and its only DNS egress is to ${[...new Set(dnsBlocks.map((peer, i) => `${peer.text} (the address of Service ${services[i]})`))].join(', ')}, which kube-proxy translates to a DNS pod before policy applies, so no rule matches its lookups and they time out`,
          fix: 'Allow egress to the DNS pods themselves on UDP and TCP 53 (namespaceSelector kubernetes.io/metadata.name: kube-system with podSelector k8s-app: kube-dns; SecureNamespace and ExposedApp do); a Service address never matches.',
        };
      } else if (elsewhere.length > 0) {
        yield {
          object: workload.object,
          severity: Severity.WARNING,
          message: `it is isolated for egress by ${policies.map((p) => p.ref).join(', ')}, and its only DNS egress is to ${[...new Set(elsewhere)].join(', ')}, which holds no address of ${resolver.resolver}, so its name lookups will time out`,
          fix: 'Allow egress to the DNS pods on UDP and TCP (SecureNamespace and ExposedApp do), or to your cache\'s address (NodeLocalDnsCache\'s peer); to use an outside resolver, set dnsPolicy None with it in dnsConfig.nameservers.',
        };
      } else {
        yield {
          object: workload.object,
          message: `it is isolated for egress by ${policies.map((p) => p.ref).join(', ')} and no rule allows UDP DNS to the cluster DNS (looked for: ${targets.map(describeTarget).join('; ')}, or an ipBlock on such a port), so every name lookup will time out`,
          fix: 'Allow egress to the DNS pods on UDP and TCP (SecureNamespace and ExposedApp do). If your cluster\'s DNS runs elsewhere, say so: netkit check --dns <namespace>/<label>=<value>:<port>, or the dns lint option.',
        };
      }
    }
  },
};

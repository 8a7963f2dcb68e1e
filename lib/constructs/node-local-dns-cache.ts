import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NetkitLint } from './netkit-lint';
import { CorefileDirective, CorefileEntry, printCorefile } from '../dns/corefile';
import { DEFAULT_CLUSTER_DOMAIN, clusterDomainProblem } from '../net/dns';
import { parseIp } from '../net/ip';
import { IGNORE_ANNOTATION, IGNORE_REASON_ANNOTATION } from '../lint/engine';
import { Peer } from '../net/peer';
import { failAt } from '../private/errors';
import { Transaction } from '../private/transaction';

/** How kube-proxy routes Services: it decides which addresses the cache binds. */
export enum KubeProxyMode {
  /** The cache binds the link-local address and the kube-dns Service address, so pods need no change. */
  IPTABLES = 'iptables',
  /** The cache binds the link-local address only; the kubelet's --cluster-dns must point at it. */
  IPVS = 'ipvs',
}

/** Props for {@link NodeLocalDnsCache}. */
export interface NodeLocalDnsCacheProps {
  /** The kube-dns Service's ClusterIP (`kubectl -n kube-system get svc kube-dns`), e.g. 10.96.0.10. */
  readonly kubeDnsAddress: string;
  /** The link-local address the cache listens on, on every node. @default '169.254.20.10' */
  readonly localAddress?: string;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default KubeProxyMode.IPTABLES */
  readonly proxyMode?: KubeProxyMode;
  /** @default 'registry.k8s.io/dns/k8s-dns-node-cache:1.23.1' */
  readonly image?: string;
}

/** Placeholders node-cache itself fills at start (the kube-dns-upstream address, the node's resolvers). */
const CLUSTER_DNS = '__PILLAR__CLUSTER__DNS__';
const UPSTREAM_SERVERS = '__PILLAR__UPSTREAM__SERVERS__';
const NAMESPACE = 'kube-system';
const LABELS = { 'k8s-app': 'node-local-dns' };

/**
 * NodeLocal DNSCache: a DNS cache on every node (a host-network DaemonSet on a link-local
 * address), as the upstream node-local-dns manifest installs it, with its Corefile written by
 * netkit. Pods' lookups stay on the node: fewer conntrack races on UDP, fewer upstream queries.
 *
 * Workloads reach it at `localAddress`; since it runs on the host network, NetworkPolicy sees
 * it as an address (an ipBlock), never as pods: use `cache.peer` as a namespace's DNS server.
 *
 * ```ts
 * const cache = new NodeLocalDnsCache(chart, 'nodelocaldns', { kubeDnsAddress: '10.96.0.10' });
 * new SecureNamespace(chart, 'shop', { dnsServers: [cache.peer, Peer.clusterDns()] });
 * ```
 */
export class NodeLocalDnsCache extends Construct {
  /** The addresses pods reach the cache on (link-local, and kube-dns's in iptables mode), as a policy peer. */
  public readonly peer: Peer;
  /** The link-local address. */
  public readonly localAddress: string;
  /** The DaemonSet. */
  public readonly daemonSet: ApiObject;

  constructor(scope: Construct, id: string, props: NodeLocalDnsCacheProps) {
    super(scope, id);
    // A constructor that throws leaves nothing behind (lib/private/transaction.ts).
    const transaction = Transaction.begin(this);
    try {
      const localAddress = props.localAddress ?? '169.254.20.10';
      const local = parseIp(localAddress);
      if (!local || local.family !== 4 || !localAddress.startsWith('169.254.')) {
        failAt(this, `localAddress "${localAddress}" is not an IPv4 link-local address; the cache must listen where no Service or node address can collide. Use 169.254.20.10.`);
      }
      if (parseIp(props.kubeDnsAddress) === undefined) failAt(this, `kubeDnsAddress "${props.kubeDnsAddress}" is not an IP address. Give the kube-dns Service's ClusterIP, e.g. 10.96.0.10.`);
      const clusterDomain = (props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN).replace(/\.$/, '');
      const domainProblem = clusterDomainProblem(clusterDomain);
      if (domainProblem) failAt(this, domainProblem);
      NetkitLint.of(this);
      this.localAddress = localAddress;
      const ipvs = props.proxyMode === KubeProxyMode.IPVS;
      this.peer = Peer.nodeLocalDns(localAddress, ipvs ? {} : { kubeDnsAddress: props.kubeDnsAddress });
      const bindAddresses = ipvs ? [localAddress] : [localAddress, props.kubeDnsAddress];
      const meta = (name: string) => ({ name, namespace: NAMESPACE, labels: { ...LABELS } });

      new k8s.KubeServiceAccount(this, 'service-account', { metadata: meta('node-local-dns'), automountServiceAccountToken: false });
      // The cache forwards cluster names to CoreDNS through a Service of its own, since it binds kube-dns's address.
      new k8s.KubeService(this, 'upstream', {
        metadata: {
          name: 'kube-dns-upstream', namespace: NAMESPACE, labels: { 'k8s-app': 'kube-dns' },
          annotations: { [IGNORE_ANNOTATION]: 'service-selector-no-match', [IGNORE_REASON_ANNOTATION]: 'it selects the cluster\'s CoreDNS pods, which the cluster installs' },
        },
        spec: {
          selector: { 'k8s-app': 'kube-dns' },
          ports: [
            { name: 'dns', port: 53, protocol: 'UDP', targetPort: k8s.IntOrString.fromNumber(53) },
            { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(53) },
          ],
        },
      });
      new k8s.KubeConfigMap(this, 'config', {
        metadata: meta('node-local-dns'),
        data: { Corefile: nodeLocalCorefile(clusterDomain, bindAddresses) },
      });
      this.daemonSet = new k8s.KubeDaemonSet(this, 'daemon-set', {
        metadata: {
          ...meta('node-local-dns'),
          annotations: {
            [IGNORE_ANNOTATION]: 'host-network,pod-security-violation,probe-port-undeclared,namespace-without-default-deny',
            [IGNORE_REASON_ANNOTATION]: 'a node DNS cache binds a link-local address on every node: it needs the host network and NET_ADMIN for its iptables rules, serves health on that address (:8080) as the upstream manifest does, and runs in kube-system, which the cluster owns',
          },
        },
        spec: {
          selector: { matchLabels: { ...LABELS } },
          updateStrategy: { rollingUpdate: { maxUnavailable: k8s.IntOrString.fromString('10%') } },
          template: {
            metadata: { labels: { ...LABELS } },
            spec: {
              priorityClassName: 'system-node-critical',
              serviceAccountName: 'node-local-dns',
              automountServiceAccountToken: false,
              hostNetwork: true,
              // The cache itself must resolve through the node, not through itself.
              dnsPolicy: 'Default',
              tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { effect: 'NoExecute', operator: 'Exists' }, { effect: 'NoSchedule', operator: 'Exists' }],
              containers: [{
                name: 'node-cache',
                image: props.image ?? 'registry.k8s.io/dns/k8s-dns-node-cache:1.23.1',
                imagePullPolicy: 'IfNotPresent',
                resources: {
                  requests: { cpu: k8s.Quantity.fromString('25m'), memory: k8s.Quantity.fromString('5Mi') },
                  limits: { memory: k8s.Quantity.fromString('128Mi') },
                },
                args: ['-localip', bindAddresses.join(','), '-conf', '/etc/Corefile', '-upstreamsvc', 'kube-dns-upstream'],
                securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, allowPrivilegeEscalation: false },
                ports: [
                  { name: 'dns', containerPort: 53, protocol: 'UDP' },
                  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                  { name: 'metrics', containerPort: 9253, protocol: 'TCP' },
                ],
                livenessProbe: { httpGet: { host: localAddress, path: '/health', port: k8s.IntOrString.fromNumber(8080) }, initialDelaySeconds: 60, timeoutSeconds: 5 },
                readinessProbe: { httpGet: { host: localAddress, path: '/health', port: k8s.IntOrString.fromNumber(8080) }, periodSeconds: 10 },
                volumeMounts: [
                  { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
                  { name: 'config-volume', mountPath: '/etc/coredns' },
                  { name: 'kube-dns-config', mountPath: '/etc/kube-dns' },
                ],
              }],
              volumes: [
                { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
                { name: 'kube-dns-config', configMap: { name: 'kube-dns', optional: true } },
                { name: 'config-volume', configMap: { name: 'node-local-dns', items: [{ key: 'Corefile', path: 'Corefile.base' }] } },
              ],
            },
          },
        },
      });
      new k8s.KubeService(this, 'metrics', {
        metadata: { ...meta('node-local-dns'), annotations: { 'prometheus.io/port': '9253', 'prometheus.io/scrape': 'true' } },
        spec: { clusterIp: 'None', selector: { ...LABELS }, ports: [{ name: 'metrics', port: 9253, targetPort: k8s.IntOrString.fromNumber(9253) }] },
      });
    } catch (error) {
      transaction.rollback();
      throw error;
    }
    transaction.commit();
  }
}

/**
 * The upstream node-local-dns Corefile: the cluster domain and reverse zones go to CoreDNS over
 * TCP (kube-dns-upstream), everything else to the node's resolvers; each block caches and binds
 * the cache's addresses.
 */
function nodeLocalCorefile(clusterDomain: string, bindAddresses: readonly string[]): string {
  const common = (cache: CorefileDirective): CorefileDirective[] => [
    { name: 'errors', args: [] },
    cache,
    { name: 'reload', args: [] },
    { name: 'loop', args: [] },
    { name: 'bind', args: [...bindAddresses] },
  ];
  const toCluster = (zone: string, cache: CorefileDirective, health: boolean): CorefileEntry => ({
    kind: 'server',
    keys: [`${zone}:53`],
    directives: [
      ...common(cache),
      { name: 'forward', args: ['.', CLUSTER_DNS], block: [{ name: 'force_tcp', args: [] }] },
      { name: 'prometheus', args: [':9253'] },
      ...(health ? [{ name: 'health', args: [`${bindAddresses[0]}:8080`] }] : []),
    ],
  });
  const cache30 = { name: 'cache', args: ['30'] };
  return printCorefile({
    entries: [
      toCluster(clusterDomain, { name: 'cache', args: [], block: [{ name: 'success', args: ['9984', '30'] }, { name: 'denial', args: ['9984', '5'] }] }, true),
      toCluster('in-addr.arpa', cache30, false),
      toCluster('ip6.arpa', cache30, false),
      {
        kind: 'server',
        keys: ['.:53'],
        directives: [...common(cache30), { name: 'forward', args: ['.', UPSTREAM_SERVERS] }, { name: 'prometheus', args: [':9253'] }],
      },
    ],
  });
}

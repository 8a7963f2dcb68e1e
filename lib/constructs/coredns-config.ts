import { ApiObject, App, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ExposedApp } from './exposed-app';
import { HeadlessStateful } from './headless-stateful';
import { NetkitLint } from './netkit-lint';
import { CorefileDirective, CorefileEntry, parseServerKey, printCorefile, printDirectiveList } from '../dns/corefile';
import {
  CacheOptions, ForwardOptions, HostEntry, KubernetesPluginOptions, RewriteRule, cacheDirective, forwardDirective,
  hostsDirective, kubernetesDirective, upstreamProblem,
} from '../dns/coredns-plugins';
import { DEFAULT_CLUSTER_DOMAIN, clusterDomainProblem } from '../net/dns';
import { parseIp } from '../net/ip';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../net/names';
import { failAt } from '../private/errors';
import { Transaction, atomically, recordUndo } from '../private/transaction';

/** Where the configuration goes. */
export enum CorefileStyle {
  /** The whole Corefile, in the `coredns` ConfigMap the CoreDNS Deployment mounts (kubeadm, EKS, most clusters). */
  FULL = 'full',
  /**
   * Additions only, in the `coredns-custom` ConfigMap that AKS, k3s and RKE2 import: stub
   * domains as `netkit.server`, hosts/rewrites/log as `netkit.override` inside the default server
   * block. The distribution keeps the main block (forward, cache, kubernetes).
   */
  CUSTOM_IMPORT = 'custom-import',
}

/** Options for one stub domain. */
export interface StubDomainOptions {
  /** Cache TTL for the zone. @default 30 */
  readonly cacheTtl?: number;
  /** `forward` tuning for the zone's upstreams. @default - max_concurrent 1000 */
  readonly forward?: Omit<ForwardOptions, 'upstreams'>;
}

/** Props for {@link CoreDnsConfig}. */
export interface CoreDnsConfigProps {
  /** @default CorefileStyle.FULL */
  readonly style?: CorefileStyle;
  /** The ConfigMap's name. @default 'coredns' ('coredns-custom' for CUSTOM_IMPORT) */
  readonly name?: string;
  /** @default 'kube-system' */
  readonly namespace?: string;
  /** The kubelet's --cluster-domain; every workload in the app must use the same. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** The port CoreDNS listens on. @default 53 */
  readonly port?: number;
  /** The `kubernetes` plugin. @default - pods disabled, ttl 30, reverse zones in-addr.arpa and ip6.arpa */
  readonly kubernetes?: KubernetesPluginOptions;
  /** Where names outside the cluster go. @default - /etc/resolv.conf of the node, max_concurrent 1000 */
  readonly forward?: ForwardOptions;
  /** @default - ttl 30 */
  readonly cache?: CacheOptions;
  /** How long CoreDNS keeps answering after SIGTERM, so clients move on. @default '5s' */
  readonly lameduck?: string;
  /** Log every query (loud; for debugging). @default false */
  readonly log?: boolean;
  /**
   * The `loop` plugin, which stops CoreDNS when it forwards to itself instead of looping until
   * memory runs out. Refused off while anything forwards. @default true
   */
  readonly loop?: boolean;
  /** Static records. @default - none */
  readonly hosts?: HostEntry[];
  /** Name rewrites. @default - none */
  readonly rewrites?: RewriteRule[];
  /** Stub domains as kube-dns wrote them: zone -> upstream addresses. @default - none */
  readonly stubDomains?: Record<string, string[]>;
}

const DURATION = /^\d+(\.\d+)?(ms|s|m|h)$/;

/**
 * The cluster's CoreDNS configuration, typed: the `coredns` ConfigMap in `kube-system` with the
 * upstream default Corefile, stub domains as server blocks, forwarders, cache, hosts and rewrites.
 *
 * ```ts
 * const dns = new CoreDnsConfig(chart, 'coredns', { cache: { ttl: 60, prefetch: 10 } });
 * dns.addStubDomain('corp.example', ['10.0.0.53', '10.0.1.53']);
 * dns.addHost('10.0.0.10', 'legacy.corp.example');
 * ```
 */
export class CoreDnsConfig extends Construct {
  /** The ConfigMap. */
  public readonly configMap: ApiObject;
  /** The cluster domain it serves. */
  public readonly clusterDomain: string;
  private readonly props: CoreDnsConfigProps;
  private readonly style: CorefileStyle;
  private readonly port: number;
  private readonly stubs: { zone: string; upstreams: string[]; options: StubDomainOptions }[] = [];
  private readonly hostEntries: HostEntry[] = [];
  private readonly rewriteRules: RewriteRule[] = [];

  constructor(scope: Construct, id: string, props: CoreDnsConfigProps = {}) {
    super(scope, id);
    // A constructor that throws leaves nothing behind (lib/private/transaction.ts).
    const transaction = Transaction.begin(this);
    try {
      this.props = props;
      this.style = props.style ?? CorefileStyle.FULL;
      this.clusterDomain = (props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN).replace(/\.$/, '');
      this.port = props.port ?? 53;
      this.validateProps();
      NetkitLint.of(this);
      for (const [zone, upstreams] of Object.entries(props.stubDomains ?? {})) this.addStubDomain(zone, upstreams);
      for (const entry of props.hosts ?? []) this.addHost(entry.address, ...entry.names);
      for (const rule of props.rewrites ?? []) this.addRewrite(rule);
      const name = props.name ?? (this.style === CorefileStyle.FULL ? 'coredns' : 'coredns-custom');
      const nameProblem = dns1123SubdomainProblem(name);
      if (nameProblem) failAt(this, `name "${name}" ${nameProblem}. Use "coredns".`);
      const namespace = props.namespace ?? 'kube-system';
      const namespaceProblem = dns1123LabelProblem(namespace);
      if (namespaceProblem) failAt(this, `namespace "${namespace}" ${namespaceProblem}. CoreDNS runs in "kube-system".`);
      this.configMap = new ApiObject(this, 'config', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace },
        data: Lazy.any({ produce: () => this.data() }),
      });
    } catch (error) {
      transaction.rollback();
      throw error;
    }
    transaction.commit();
  }

  /** Sends queries for `zone` (e.g. a corporate zone) to its own resolvers, in a server block of its own. */
  public addStubDomain(zone: string, upstreams: string[], options: StubDomainOptions = {}): void {
    atomically(() => {
      const where = `stub domain "${zone}"`;
      const key = parseServerKey(zone);
      if (typeof key === 'string' || key.zone === '.') failAt(this, `${where}: ${typeof key === 'string' ? key : 'the root zone is the default server block'}. Give a zone such as "corp.example".`);
      // Every server block listens on the props' port over plain DNS; a scheme or port here would be dropped.
      if (zone.includes('://') || /:\d*$/.test(zone)) failAt(this, `${where} names a scheme or port, but stub domains are served on port ${this.port} over DNS like the main block. Give the zone alone, e.g. "${key.zone.replace(/\.$/, '')}".`);
      const fqdn = key.zone.replace(/\.$/, '');
      if (fqdn === this.clusterDomain || fqdn.endsWith(`.${this.clusterDomain}`)) {
        failAt(this, `${where} is inside the cluster domain ${this.clusterDomain}, so it would take over names the kubernetes plugin answers. Choose a zone outside it.`);
      }
      if (this.stubs.some((s) => s.zone === fqdn)) failAt(this, `${where}: there is already a server block for ${fqdn} on port ${this.port}; CoreDNS refuses two. Put all its upstreams in one call.`);
      this.checkUpstreams(where, upstreams);
      this.checkForward(where, options.forward ?? {});
      if (options.cacheTtl !== undefined) this.checkSeconds(where, 'cacheTtl', options.cacheTtl, 86400);
      this.stubs.push({ zone: fqdn, upstreams: [...upstreams], options });
      recordUndo(() => this.stubs.pop());
    });
  }

  /** A static record: `address` answers for each name (and the reverse lookup). */
  public addHost(address: string, ...names: string[]): void {
    const where = `host ${address}`;
    if (parseIp(address) === undefined) failAt(this, `${where}: "${address}" is not an IP address. Write it like 10.0.0.10.`);
    if (names.length === 0) failAt(this, `${where}: no names given. Give the names it answers for.`);
    for (const name of names) {
      const problem = dns1123SubdomainProblem(name.replace(/\.$/, '').toLowerCase());
      if (problem) failAt(this, `${where}: name "${name}" ${problem}.`);
    }
    this.hostEntries.push({ address, names: [...names] });
    recordUndo(() => this.hostEntries.pop());
  }

  /** Rewrites query names before they are answered. */
  public addRewrite(rule: RewriteRule): void {
    const where = `rewrite ${rule.match} "${rule.from}"`;
    if (rule.match === 'regex') {
      try {
        new RegExp(rule.from);
      } catch (error) {
        failAt(this, `${where}: not a regular expression (${(error as Error).message}). Escape dots as \\. and anchor with ^ and $.`);
      }
    } else {
      for (const name of [rule.from, rule.to]) {
        const problem = dns1123SubdomainProblem(name.replace(/\.$/, '').toLowerCase());
        if (problem) failAt(this, `${where}: "${name}" ${problem}.`);
      }
    }
    this.rewriteRules.push(rule);
    recordUndo(() => this.rewriteRules.pop());
  }

  /** The Corefile (FULL) or the import files (CUSTOM_IMPORT), as written into the ConfigMap. */
  public get corefileText(): Record<string, string> {
    return this.data();
  }

  private validateProps(): void {
    const props = this.props;
    const domainProblem = clusterDomainProblem(this.clusterDomain);
    if (domainProblem) failAt(this, domainProblem);
    if (!Number.isInteger(this.port) || this.port < 1 || this.port > 65535) failAt(this, `port ${this.port} is outside 1-65535. CoreDNS listens on 53.`);
    if (this.style === CorefileStyle.CUSTOM_IMPORT) {
      const owned = (['kubernetes', 'forward', 'cache', 'lameduck', 'loop', 'port', 'clusterDomain'] as const).filter((k) => props[k] !== undefined);
      if (owned.length > 0) failAt(this, `${owned.join(', ')} belong to the distribution's main server block, which CUSTOM_IMPORT does not write. Use CorefileStyle.FULL to own the whole Corefile, or leave them out.`);
    }
    if (props.loop === false) failAt(this, 'loop is off, but the Corefile forwards: a forwarding loop (an upstream that points back at CoreDNS, such as a node resolv.conf with 127.0.0.53) would then take cluster DNS down. Keep loop on.');
    if (props.lameduck !== undefined && !DURATION.test(props.lameduck)) failAt(this, `lameduck "${props.lameduck}" is not a duration. Write it like "5s".`);
    if (props.forward) {
      this.checkUpstreams('forward', props.forward.upstreams ?? ['/etc/resolv.conf']);
      this.checkForward('forward', props.forward);
    }
    if (props.cache) {
      if (props.cache.ttl !== undefined) this.checkSeconds('cache', 'ttl', props.cache.ttl, 86400);
      for (const part of ['success', 'denial'] as const) {
        const sized = props.cache[part];
        if (sized && (!Number.isInteger(sized.capacity) || sized.capacity < 1)) failAt(this, `cache: ${part} capacity ${sized.capacity} is not a positive whole number. The default is 9984.`);
      }
    }
    if (props.kubernetes?.ttl !== undefined) this.checkSeconds('kubernetes', 'ttl', props.kubernetes.ttl, 3600);
  }

  private checkUpstreams(where: string, upstreams: readonly string[]): void {
    if (upstreams.length === 0 || upstreams.length > 15) failAt(this, `${where}: ${upstreams.length} upstreams; forward takes 1 to 15.`);
    for (const upstream of upstreams) {
      const problem = upstreamProblem(upstream);
      if (problem) failAt(this, `${where}: ${problem}. Write it like 10.0.0.53 or tls://1.1.1.1.`);
    }
  }

  private checkForward(where: string, options: Omit<ForwardOptions, 'upstreams'>): void {
    if (options.maxConcurrent !== undefined && (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1)) failAt(this, `${where}: maxConcurrent ${options.maxConcurrent} is not a positive whole number.`);
    if (options.healthCheck !== undefined && !DURATION.test(options.healthCheck)) failAt(this, `${where}: healthCheck "${options.healthCheck}" is not a duration. Write it like "5s".`);
    if (options.forceTcp && options.preferUdp) failAt(this, `${where}: forceTcp and preferUdp contradict each other. Choose one.`);
  }

  private checkSeconds(where: string, field: string, value: number, max: number): void {
    if (!Number.isInteger(value) || value < 0 || value > max) failAt(this, `${where}: ${field} ${value} is not a whole number of seconds from 0 to ${max}.`);
  }

  /** The cluster domain must be the one every workload's DNS names use. */
  private checkWorkloadDomains(): void {
    for (const construct of App.of(this).node.findAll()) {
      if ((construct instanceof ExposedApp || construct instanceof HeadlessStateful) && construct.clusterDomain !== this.clusterDomain) {
        failAt(this, `it serves the cluster domain ${this.clusterDomain}, but ${construct.node.path} uses ${construct.clusterDomain}, so its names would not resolve. Use one cluster domain (the kubelet's --cluster-domain) for both.`);
      }
    }
  }

  private extraDirectives(): CorefileDirective[] {
    return [
      ...(this.hostEntries.length > 0 ? [hostsDirective(this.hostEntries)] : []),
      ...this.rewriteRules.map((r) => r.toDirective()),
      ...(this.props.log ? [{ name: 'log', args: [] }] : []),
    ];
  }

  private stubEntries(): CorefileEntry[] {
    return [...this.stubs].sort((a, b) => a.zone.localeCompare(b.zone)).map((stub) => ({
      kind: 'server' as const,
      keys: [`${stub.zone}:${this.port}`],
      directives: [
        { name: 'errors', args: [] },
        cacheDirective({ ttl: stub.options.cacheTtl ?? 30 }),
        { name: 'loop', args: [] },
        forwardDirective('.', { ...stub.options.forward, upstreams: stub.upstreams }),
      ],
    }));
  }

  private data(): Record<string, string> {
    this.checkWorkloadDomains();
    if (this.style === CorefileStyle.CUSTOM_IMPORT) {
      const data: Record<string, string> = {};
      const stubs = this.stubEntries();
      if (stubs.length > 0) data['netkit.server'] = printCorefile({ entries: stubs });
      const extra = this.extraDirectives();
      if (extra.length > 0) data['netkit.override'] = printDirectiveList(extra);
      return data;
    }
    const props = this.props;
    const main: CorefileEntry = {
      kind: 'server',
      keys: [`.:${this.port}`],
      directives: [
        { name: 'errors', args: [] },
        { name: 'health', args: [], block: [{ name: 'lameduck', args: [props.lameduck ?? '5s'] }] },
        { name: 'ready', args: [] },
        ...this.extraDirectives(),
        kubernetesDirective(this.clusterDomain, props.kubernetes ?? {}),
        { name: 'prometheus', args: [':9153'] },
        forwardDirective('.', props.forward ?? {}),
        cacheDirective(props.cache ?? {}),
        { name: 'loop', args: [] },
        { name: 'reload', args: [] },
        { name: 'loadbalance', args: [] },
      ],
    };
    return { Corefile: printCorefile({ entries: [main, ...this.stubEntries()] }) };
  }
}

/**
 * Typed options for the CoreDNS plugins a cluster's Corefile uses, and their directives.
 * Syntax and defaults follow each plugin's README at coredns.io/plugins; the defaults of
 * {@link defaultServerDirectives} are those of the upstream Kubernetes Corefile
 * (coredns/deployment, kubernetes/coredns.yaml.sed), except `pods` (see {@link PodsMode}).
 */
import { CorefileDirective } from './corefile';
import { parseIp } from '../net/ip';

/** How the `kubernetes` plugin answers `1-2-3-4.ns.pod.<domain>` queries. */
export enum PodsMode {
  /**
   * No pod records (the plugin's own default). netkit's default: the upstream Corefile's
   * `insecure` answers for any address without checking a pod has it, which only kube-dns
   * compatibility needs.
   */
  DISABLED = 'disabled',
  /** Answer only for addresses a pod in that namespace has (watches every pod: more memory). */
  VERIFIED = 'verified',
  /** Answer for any address, as kube-dns did. */
  INSECURE = 'insecure',
}

/** How `forward` picks among its upstreams. */
export enum ForwardPolicy {
  /** Pick an upstream at random (the plugin's default). */
  RANDOM = 'random',
  /** Take the upstreams in turn. */
  ROUND_ROBIN = 'round_robin',
  /** Always try the first upstream first. */
  SEQUENTIAL = 'sequential',
}

/** Options for the `forward` plugin. */
export interface ForwardOptions {
  /**
   * Upstreams: IP addresses (`10.0.0.53`, `10.0.0.53:5353`, `[2001:db8::53]:53`), `tls://`
   * addresses, or a resolv.conf path. At most 15. @default ['/etc/resolv.conf']
   */
  readonly upstreams?: string[];
  /** Names not to forward (answered NXDOMAIN by the next plugin). @default - none */
  readonly except?: string[];
  /** Queries in flight before REFUSED. @default 1000 */
  readonly maxConcurrent?: number;
  /** @default ForwardPolicy.RANDOM (not written) */
  readonly policy?: ForwardPolicy;
  /** Health check interval, e.g. `5s`. @default - the plugin's 0.5s (not written) */
  readonly healthCheck?: string;
  /** Always use TCP to the upstreams. @default false */
  readonly forceTcp?: boolean;
  /** Use UDP even when the client asked over TCP. @default false */
  readonly preferUdp?: boolean;
  /** The name to verify upstream certificates against, for `tls://` upstreams. @default - none */
  readonly tlsServerName?: string;
}

/** The size of one of the cache plugin's caches. */
export interface CacheSize {
  /** How many answers it holds. */
  readonly capacity: number;
  /** Their maximum TTL in seconds. @default - the cache's `ttl` */
  readonly ttl?: number;
}

/** Options for the `cache` plugin. */
export interface CacheOptions {
  /** Maximum TTL in seconds of cached answers. @default 30 */
  readonly ttl?: number;
  /** Capacity (and, optionally, max TTL) for positive answers. @default - the plugin's 9984 (not written) */
  readonly success?: CacheSize;
  /** Capacity (and, optionally, max TTL) for negative answers. @default - the plugin's 9984 (not written) */
  readonly denial?: CacheSize;
  /** Refresh popular entries before they expire: `prefetch <amount>`. @default - off */
  readonly prefetch?: number;
  /** Serve expired entries while the upstream is unreachable. @default false */
  readonly serveStale?: boolean;
}

/** Options for the `kubernetes` plugin. */
export interface KubernetesPluginOptions {
  /** @default PodsMode.DISABLED */
  readonly pods?: PodsMode;
  /** TTL of answers in seconds (0-3600). @default 30 */
  readonly ttl?: number;
  /** Reverse zones answered from Services and Pods. @default ['in-addr.arpa', 'ip6.arpa'] */
  readonly reverseZones?: string[];
}

/** One `hosts` entry: an address and its names. */
export interface HostEntry {
  /** The IP address the names resolve to. */
  readonly address: string;
  /** The names, fully qualified. */
  readonly names: string[];
}

/** A `rewrite name` rule. */
export class RewriteRule {
  /** Rewrites exactly this name. */
  public static exact(from: string, to: string): RewriteRule {
    return new RewriteRule('exact', from, to);
  }

  /** Rewrites names ending in `from` to end in `to`. */
  public static suffix(from: string, to: string): RewriteRule {
    return new RewriteRule('suffix', from, to);
  }

  /**
   * Rewrites names matching a regular expression (`{1}` refers to a group). Answers are rewritten
   * back with `answer auto`, so clients see the name they asked for.
   */
  public static regex(pattern: string, replacement: string): RewriteRule {
    return new RewriteRule('regex', pattern, replacement);
  }

  private constructor(
    /** exact, suffix or regex. */
    public readonly match: 'exact' | 'suffix' | 'regex',
    /** The name, suffix or pattern asked for. */
    public readonly from: string,
    /** What it is rewritten to. */
    public readonly to: string,
  ) {}

  /** The directive: `rewrite name exact a b` (regex: `... answer auto`). */
  public toDirective(): CorefileDirective {
    return { name: 'rewrite', args: ['name', this.match, this.from, this.to, ...(this.match === 'regex' ? ['answer', 'auto'] : [])] };
  }
}

/** Why an upstream is not one `forward` accepts, or undefined. */
export function upstreamProblem(upstream: string): string | undefined {
  if (upstream.startsWith('/')) return undefined; // a resolv.conf-style file
  const rest = upstream.replace(/^(dns|tls):\/\//, '');
  let host = rest;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) { host = bracketed[1]; port = bracketed[2]; } else if ((rest.match(/:/g) ?? []).length === 1) { [host, port] = rest.split(':'); }
  if (parseIp(host) === undefined) return `"${upstream}" is not an IP address, [IPv6]:port, tls://address or a file path (forward takes addresses, not names)`;
  if (port !== undefined && (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535)) return `"${upstream}" has port ${port}, outside 1-65535`;
  return undefined;
}

/** `forward . <upstreams> { ... }`. */
export function forwardDirective(from: string, options: ForwardOptions): CorefileDirective {
  const block: CorefileDirective[] = [];
  if (options.except && options.except.length > 0) block.push({ name: 'except', args: options.except });
  if (options.forceTcp) block.push({ name: 'force_tcp', args: [] });
  if (options.preferUdp) block.push({ name: 'prefer_udp', args: [] });
  if (options.tlsServerName) block.push({ name: 'tls_servername', args: [options.tlsServerName] });
  if (options.policy) block.push({ name: 'policy', args: [options.policy] });
  if (options.healthCheck) block.push({ name: 'health_check', args: [options.healthCheck] });
  block.push({ name: 'max_concurrent', args: [String(options.maxConcurrent ?? 1000)] });
  return { name: 'forward', args: [from, ...(options.upstreams ?? ['/etc/resolv.conf'])], block };
}

/** `cache <ttl>`, with a block only for what differs from the plugin's defaults. */
export function cacheDirective(options: CacheOptions): CorefileDirective {
  const block: CorefileDirective[] = [];
  const sized = (name: string, s?: { capacity: number; ttl?: number }) => {
    if (s) block.push({ name, args: [String(s.capacity), ...(s.ttl !== undefined ? [String(s.ttl)] : [])] });
  };
  sized('success', options.success);
  sized('denial', options.denial);
  if (options.prefetch !== undefined) block.push({ name: 'prefetch', args: [String(options.prefetch)] });
  if (options.serveStale) block.push({ name: 'serve_stale', args: [] });
  return { name: 'cache', args: [String(options.ttl ?? 30)], ...(block.length > 0 ? { block } : {}) };
}

/** The `kubernetes` directive for the cluster domain and reverse zones. */
export function kubernetesDirective(clusterDomain: string, options: KubernetesPluginOptions): CorefileDirective {
  const reverse = options.reverseZones ?? ['in-addr.arpa', 'ip6.arpa'];
  const pods = options.pods ?? PodsMode.DISABLED;
  return {
    name: 'kubernetes',
    args: [clusterDomain, ...reverse],
    block: [
      ...(pods !== PodsMode.DISABLED ? [{ name: 'pods', args: [pods] }] : []),
      ...(reverse.length > 0 ? [{ name: 'fallthrough', args: reverse }] : []),
      { name: 'ttl', args: [String(options.ttl ?? 30)] },
    ],
  };
}

/** `hosts { <address> <names...>; fallthrough }`. */
export function hostsDirective(entries: readonly HostEntry[]): CorefileDirective {
  return { name: 'hosts', args: [], block: [...entries.map((e) => ({ name: e.address, args: e.names })), { name: 'fallthrough', args: [] }] };
}

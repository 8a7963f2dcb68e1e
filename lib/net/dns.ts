import { dns1123SubdomainProblem } from './names';
import { parseIp } from './ip';
import { Protocol } from './port';
import { failValue } from '../private/errors';

/** The cluster domain Kubernetes uses unless the kubelet is configured otherwise. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** `<service>.<namespace>.svc.<clusterDomain>`: the A/AAAA name of a Service. */
export function serviceFqdn(service: string, namespace: string, clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): string {
  return `${service}.${namespace}.svc.${clusterDomain}`;
}

/**
 * `<pod>.<service>.<namespace>.svc.<clusterDomain>`: the stable name of one pod behind a
 * headless Service (the pod's hostname and subdomain, which a StatefulSet sets for you).
 */
export function podFqdn(pod: string, service: string, namespace: string, clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): string {
  return `${pod}.${serviceFqdn(service, namespace, clusterDomain)}`;
}

/** `_<portName>._<protocol>.<service>.<namespace>.svc.<clusterDomain>`: the SRV name of a named Service port. */
export function srvName(portName: string, protocol: Protocol, service: string, namespace: string, clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): string {
  return `_${portName}._${protocol.toLowerCase()}.${serviceFqdn(service, namespace, clusterDomain)}`;
}

/** Why a cluster domain such as `cluster.local` is invalid, or undefined. */
export function clusterDomainProblem(clusterDomain: string): string | undefined {
  const problem = dns1123SubdomainProblem(clusterDomain);
  return problem ? `cluster domain "${clusterDomain}" ${problem}. Use the kubelet's --cluster-domain, usually cluster.local.` : undefined;
}

/** The pod `dnsPolicy` values (core/v1 PodSpec). */
export enum DnsPolicy {
  /** Cluster DNS first, then the node's upstream resolvers. The Kubernetes default. */
  CLUSTER_FIRST = 'ClusterFirst',
  /** Cluster DNS for a hostNetwork pod (plain ClusterFirst falls back to the node's resolv.conf there). */
  CLUSTER_FIRST_WITH_HOST_NET = 'ClusterFirstWithHostNet',
  /** The node's resolv.conf; cluster Service names do not resolve. */
  DEFAULT = 'Default',
  /** Only what `dnsConfig` says; at least one nameserver is required. */
  NONE = 'None',
}

/** resolv.conf settings merged into what the DNS policy generates. */
export interface DnsConfigOptions {
  /**
   * Names with fewer dots than this are tried with each search domain first. Lower it
   * (e.g. 2) for apps that resolve many external names, to save lookups.
   * @default - 5, the kubelet's default
   */
  readonly ndots?: number;
  /** Seconds to wait for a resolver before trying the next. @default - resolver default (5) */
  readonly timeout?: number;
  /** Tries before giving up. @default - resolver default (2) */
  readonly attempts?: number;
  /** Resolver IP addresses, at most 3 (the glibc limit). @default - none beyond the policy's */
  readonly nameservers?: string[];
  /** Search domains, at most 32 and 2048 characters in all. @default - none beyond the policy's */
  readonly searches?: string[];
  /** Further resolv.conf options, e.g. `{ 'single-request-reopen': '' }`. @default - none */
  readonly options?: Record<string, string>;
}

/** The JSON of a pod's `dnsPolicy` and `dnsConfig`. */
export interface PodDnsJson {
  /** How the pod's resolver is set up (`ClusterFirst`, `Default`, `None`, ...). */
  readonly dnsPolicy: DnsPolicy;
  /** Resolver settings merged with (or, for `None`, instead of) the policy's. @default - none */
  readonly dnsConfig?: {
    /** Resolver addresses, at most 3. @default - none */
    nameservers?: string[];
    /** Search domains, at most 32. @default - none */
    searches?: string[];
    /** resolv.conf options such as `ndots`. @default - none */
    options?: {
      /** The option's name, e.g. `ndots`. */
      name: string;
      /** Its value, e.g. `2`. @default - none (a flag option) */
      value?: string;
    }[];
  };
}

/**
 * A pod's DNS behaviour: a `dnsPolicy` and optional `dnsConfig`, validated as the API
 * server does (core/v1 validation of PodDNSConfig).
 *
 * ```ts
 * DnsConfig.clusterFirst({ ndots: 2 });
 * DnsConfig.none({ nameservers: ['1.1.1.1'], searches: ['corp.example.com'] });
 * ```
 */
export class DnsConfig {
  /** Cluster DNS first (the Kubernetes default), with optional resolv.conf tuning. */
  public static clusterFirst(options: DnsConfigOptions = {}): DnsConfig {
    return new DnsConfig(DnsPolicy.CLUSTER_FIRST, options, 'DnsConfig.clusterFirst');
  }

  /** Cluster DNS for a hostNetwork pod. */
  public static clusterFirstWithHostNet(options: DnsConfigOptions = {}): DnsConfig {
    return new DnsConfig(DnsPolicy.CLUSTER_FIRST_WITH_HOST_NET, options, 'DnsConfig.clusterFirstWithHostNet');
  }

  /** The node's own resolvers; Service names do not resolve. */
  public static nodeDefault(options: DnsConfigOptions = {}): DnsConfig {
    return new DnsConfig(DnsPolicy.DEFAULT, options, 'DnsConfig.nodeDefault');
  }

  /** Only the given resolvers and search domains; at least one nameserver. */
  public static none(options: DnsConfigOptions): DnsConfig {
    return new DnsConfig(DnsPolicy.NONE, options, 'DnsConfig.none');
  }

  private constructor(
    /** The pod dnsPolicy. */
    public readonly policy: DnsPolicy,
    private readonly options: DnsConfigOptions,
    where: string,
  ) {
    validateDnsOptions(where, policy, options);
  }

  /** The nameservers this config adds (used to allow DNS egress to them). */
  public get nameservers(): readonly string[] {
    return this.options.nameservers ?? [];
  }

  /** The pod spec fields. */
  public toJson(): PodDnsJson {
    const o = this.options;
    const options: { name: string; value?: string }[] = [];
    if (o.ndots !== undefined) options.push({ name: 'ndots', value: String(o.ndots) });
    if (o.timeout !== undefined) options.push({ name: 'timeout', value: String(o.timeout) });
    if (o.attempts !== undefined) options.push({ name: 'attempts', value: String(o.attempts) });
    for (const name of Object.keys(o.options ?? {}).sort()) {
      const value = o.options![name];
      options.push(value === '' ? { name } : { name, value });
    }
    const dnsConfig = {
      ...(o.nameservers?.length ? { nameservers: [...o.nameservers] } : {}),
      ...(o.searches?.length ? { searches: [...o.searches] } : {}),
      ...(options.length ? { options } : {}),
    };
    return Object.keys(dnsConfig).length > 0 ? { dnsPolicy: this.policy, dnsConfig } : { dnsPolicy: this.policy };
  }
}

function validateDnsOptions(where: string, policy: DnsPolicy, o: DnsConfigOptions): void {
  const nameservers = o.nameservers ?? [];
  const searches = o.searches ?? [];
  if (policy === DnsPolicy.NONE && nameservers.length === 0) {
    failValue(where, 'dnsPolicy None needs at least one nameserver (the pod would have no resolver). Add nameservers, or use DnsConfig.clusterFirst().');
  }
  if (nameservers.length > 3) {
    failValue(where, `${nameservers.length} nameservers given (${nameservers.join(', ')}); the resolver reads at most 3 and the API server rejects more. Keep at most 3.`);
  }
  for (const server of nameservers) {
    if (!parseIp(server)) failValue(where, `nameserver "${server}" is not an IP address. Give resolvers as IPv4 or IPv6 addresses.`);
  }
  if (searches.length > 32) {
    failValue(where, `${searches.length} search domains given; the API server accepts at most 32. Remove some.`);
  }
  const searchChars = searches.join(' ').length;
  if (searchChars > 2048) {
    failValue(where, `the search domains are ${searchChars} characters long in all; the API server accepts at most 2048. Shorten or remove some.`);
  }
  for (const search of searches) {
    const problem = dns1123SubdomainProblem(search.replace(/\.$/, ''));
    if (problem) failValue(where, `search domain "${search}" ${problem}. Use a domain such as corp.example.com.`);
  }
  checkRange(where, 'ndots', o.ndots, 0, 15, 'resolv.conf caps ndots at 15');
  checkRange(where, 'timeout', o.timeout, 1, 30, 'resolv.conf caps timeout at 30 seconds');
  checkRange(where, 'attempts', o.attempts, 1, 5, 'resolv.conf caps attempts at 5');
  for (const name of Object.keys(o.options ?? {})) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) failValue(where, `DNS option name "${name}" is not a resolv.conf option name. Use names such as single-request-reopen.`);
  }
}

function checkRange(where: string, field: string, value: number | undefined, min: number, max: number, why: string): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    failValue(where, `${field} ${value} is outside ${min}-${max} (${why}). Pick a whole number in that range.`);
  }
}

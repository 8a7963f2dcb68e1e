/**
 * Where pods and nodes are on the network, as far as the input says: whether a CIDR-like peer
 * (an ipBlock, a ClusterNetworkPolicy `networks` or `nodes` peer) holds a workload's addresses.
 * Addresses come from the input where it holds them: a Pod's `status.podIP`/`status.podIPs`
 * (`kubectl get -o yaml` dumps keep them), a Node's `status.addresses`, host-network bindings
 * (NodeLocal DNSCache's `-localip`); and from options: the cluster's pod and node CIDRs. Where
 * they do not decide, the answer is "depends", which the verdict then says in words.
 */
import { WorkloadInfo } from '../input/objects';
import { IpAddress, IpRange, addressBits, cidrProblem, formatIp, parseCidr, parseIp, rangeContains } from '../../net/ip';
import { InputError } from '../input/loader';
import { isRecord, Labels } from './selectors';

/** Whether a range holds a workload's addresses: every one, none, or not known from the input. */
export type Coverage = 'yes' | 'no' | 'depends';

/** A CIDR with the ranges left out of it. */
export interface CidrWithExcept {
  readonly range: IpRange;
  readonly except: readonly IpRange[];
}

/** A Node of the input: its labels and addresses. */
export interface NodeInfo {
  readonly name: string;
  readonly labels: Labels;
  readonly addresses: readonly IpAddress[];
}

/** What the model knows of where pods and nodes are, beyond the objects. */
export interface AddressOptions {
  /** The cluster's pod CIDRs (`--pod-cidr`): every pod address is in one. @default - not known */
  readonly podCidrs?: readonly string[];
  /** The CIDRs node addresses are in (`--node-cidr`), when the input has no Node objects. @default - not known */
  readonly nodeCidrs?: readonly string[];
  /** The network plugin (see ModelOptions.cni). @default - inferred from the kinds present */
  readonly cni?: 'cilium' | 'calico' | 'standard';
  /** Whether Calico's staged policies are evaluated as if enforced (see ModelOptions.staged). @default false */
  readonly staged?: boolean;
}

/** Reads the Node objects of the input. */
export function readNode(object: Record<string, unknown>): NodeInfo | undefined {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  if (typeof metadata.name !== 'string') return undefined;
  const labels: Record<string, string> = {};
  if (isRecord(metadata.labels)) for (const [k, v] of Object.entries(metadata.labels)) labels[k] = String(v);
  const status = isRecord(object.status) ? object.status : {};
  const addresses = (Array.isArray(status.addresses) ? status.addresses : [])
    .filter((a): a is Record<string, unknown> => isRecord(a) && (a.type === 'InternalIP' || a.type === 'ExternalIP'))
    .map((a) => parseIp(String(a.address)))
    .filter((ip): ip is IpAddress => ip !== undefined);
  return { name: metadata.name, labels, addresses };
}

/**
 * The pod IPs a Pod object records: `status.podIP(s)`, and the annotations Calico's CNI plugin
 * writes (`cni.projectcalico.org/podIP`, `cni.projectcalico.org/podIPs`, comma-separated CIDRs).
 */
export function podStatusAddresses(object: Record<string, unknown>): IpAddress[] {
  const status = isRecord(object.status) ? object.status : {};
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  const fromAnnotation = (key: string) => (typeof annotations[key] === 'string' ? (annotations[key] as string).split(',').map((t) => t.trim().replace(/\/\d+$/, '')).filter(Boolean) : []);
  const texts = [
    ...(typeof status.podIP === 'string' ? [status.podIP] : []),
    ...(Array.isArray(status.podIPs) ? status.podIPs.filter(isRecord).map((p) => String(p.ip)) : []),
    ...fromAnnotation('cni.projectcalico.org/podIP'),
    ...fromAnnotation('cni.projectcalico.org/podIPs'),
  ];
  const seen = new Set<string>();
  const out: IpAddress[] = [];
  for (const text of texts) {
    const ip = parseIp(text);
    if (ip && !seen.has(formatIp(ip))) { seen.add(formatIp(ip)); out.push(ip); }
  }
  return out;
}

const holds = (cidr: CidrWithExcept, ip: IpAddress) => rangeContains(cidr.range, ip) && !cidr.except.some((e) => rangeContains(e, ip));
const rangeInside = (inner: IpRange, outer: IpRange) => inner.family === outer.family && inner.prefix >= outer.prefix && rangeContains(outer, { family: inner.family, value: inner.base });
const overlaps = (a: IpRange, b: IpRange) => rangeInside(a, b) || rangeInside(b, a);
const everything = (range: IpRange) => range.prefix === 0;

/**
 * Addresses no pod is given: loopback, link-local (where cloud metadata endpoints live),
 * multicast, and AWS's IPv6 metadata endpoint (fd00:ec2::254). A peer inside them never holds a pod.
 */
const NEVER_PODS: readonly IpRange[] = ['127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/4', '::1/128', 'fe80::/10', 'ff00::/8', 'fd00:ec2::254/128'].map((text) => parseCidr(text)!);

/** Where each workload's pods are, and how it is known. */
export class AddressBook {
  public readonly podCidrs: readonly IpRange[];
  public readonly nodeCidrs: readonly IpRange[];

  constructor(private readonly workloads: readonly WorkloadInfo[], public readonly nodes: readonly NodeInfo[], options: AddressOptions = {}) {
    this.podCidrs = parseRanges(options.podCidrs ?? []);
    this.nodeCidrs = parseRanges(options.nodeCidrs ?? []);
  }

  /** The addresses a workload's traffic carries, when the input gives them. */
  public knownAddresses(index: number): readonly IpAddress[] {
    const w = this.workloads[index];
    if (w.hostNetwork) return [...(w.hostAddresses ?? []), ...this.nodes.flatMap((n) => n.addresses)];
    return w.podAddresses ?? [];
  }

  /**
   * Whether the CIDRs hold the workload's addresses: from its pods' status, else the pod (or,
   * for host-network pods, node) CIDRs, else a range that holds every address of its family.
   */
  public coverage(index: number, cidrs: readonly CidrWithExcept[]): Coverage {
    const w = this.workloads[index];
    if (cidrs.length === 0 || (!w.hostNetwork && cidrs.every((c) => NEVER_PODS.some((r) => rangeInside(c.range, r))))) return 'no';
    // A host-network pod without addresses of its own carries the input's node addresses: counted
    // by binary search, since clusters have thousands of nodes and policies thousands of blocks.
    if (w.hostNetwork && (w.hostAddresses ?? []).length === 0 && this.nodes.length > 0) {
      const { sorted, total } = this.nodeAddressIndex();
      if (total > 0) {
        const inside = countInside(sorted, cidrs);
        return inside === total ? 'yes' : inside === 0 ? 'no' : 'depends';
      }
    }
    const known = this.knownAddresses(index);
    if (known.length > 0 && (!w.hostNetwork || this.nodes.length > 0 || (w.hostAddresses ?? []).length > 0)) {
      const inside = known.filter((ip) => cidrs.some((c) => holds(c, ip))).length;
      // A host-network pod is on one node; ranges that hold some node addresses may hold its one.
      if (inside === known.length) return 'yes';
      if (inside === 0) return 'no';
      return 'depends';
    }
    const pool = w.hostNetwork ? this.nodeCidrs : this.podCidrs;
    if (pool.length > 0) {
      const full = pool.every((p) => cidrs.some((c) => rangeInside(p, c.range) && !c.except.some((e) => overlaps(e, p))));
      if (full) return 'yes';
      if (!pool.some((p) => cidrs.some((c) => overlaps(p, c.range)))) return 'no';
      return 'depends';
    }
    // Nothing known: only a range that holds every address of a family decides (the API text's
    // own example: a Deny to 0.0.0.0/0 denies all IPv4 pod-to-pod traffic).
    if (cidrs.some((c) => everything(c.range) && c.except.length === 0)) return 'yes';
    return 'depends';
  }

  private nodeIndex?: { readonly sorted: ReadonlyMap<4 | 6, readonly bigint[]>; readonly total: number };

  /** The input's node addresses, distinct and sorted per family. */
  private nodeAddressIndex(): { readonly sorted: ReadonlyMap<4 | 6, readonly bigint[]>; readonly total: number } {
    if (!this.nodeIndex) {
      const sorted = new Map<4 | 6, bigint[]>();
      for (const family of [4, 6] as const) {
        const values = [...new Set(this.nodes.flatMap((n) => n.addresses.filter((a) => a.family === family).map((a) => a.value)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        sorted.set(family, values);
      }
      this.nodeIndex = { sorted, total: sorted.get(4)!.length + sorted.get(6)!.length };
    }
    return this.nodeIndex;
  }

  private readonly descriptions = new Map<number, string>();

  /** How the workload's addresses are known, for a verdict's words (worded once per workload: denied checks ask often). */
  public describe(index: number): string {
    let text = this.descriptions.get(index);
    if (text === undefined) {
      text = this.describeUncached(index);
      this.descriptions.set(index, text);
    }
    return text;
  }

  private describeUncached(index: number): string {
    const w = this.workloads[index];
    const known = this.knownAddresses(index);
    if (w.hostNetwork) {
      if (this.nodes.length > 0) {
        const shown = this.nodes.slice(0, 3).map((n) => `${n.name}: ${n.addresses.map(formatIp).join(', ') || 'no address'}`).join('; ');
        return `it runs on the host network of the input's nodes (${shown}${this.nodes.length > 3 ? `; and ${this.nodes.length - 3} more` : ''})`;
      }
      if (this.nodeCidrs.length > 0) return `it runs on the host network, at node addresses in ${this.nodeCidrs.map(formatRange).join(', ')} (--node-cidr)`;
      return 'it runs on the host network, and the input has no Node objects and no --node-cidr';
    }
    if (known.length > 0) return `its pods are at ${known.map(formatIp).join(', ')} (status.podIP or Calico's podIP annotations)`;
    if (this.podCidrs.length > 0) return `its pods are somewhere in ${this.podCidrs.map(formatRange).join(', ')} (--pod-cidr)`;
    return 'the input holds no address of its pods (no status.podIP, no --pod-cidr)';
  }
}

/** An ipBlock as written: `0.0.0.0/0 except 10.0.0.0/8`. */
export function ipBlockText(block: { readonly text: string; readonly except: readonly IpRange[] }): string {
  return block.except.length === 0 ? block.text : `${block.text} except ${block.except.map(formatRange).join(', ')}`;
}

/** The first and last address of a range (host bits of its base ignored, as matching does). */
function bounds(range: IpRange): [bigint, bigint] {
  const shift = BigInt(addressBits(range.family) - range.prefix);
  const lo = (range.base >> shift) << shift;
  return [lo, lo + (1n << shift) - 1n];
}

/** How many of the sorted addresses some block holds outside its excepts, by binary search over merged intervals. */
function countInside(sorted: ReadonlyMap<4 | 6, readonly bigint[]>, cidrs: readonly CidrWithExcept[]): number {
  let count = 0;
  for (const [family, values] of sorted) {
    if (values.length === 0) continue;
    const pieces: [bigint, bigint][] = [];
    for (const cidr of cidrs) {
      if (cidr.range.family !== family) continue;
      let [lo, hi] = bounds(cidr.range);
      const excepts = cidr.except.filter((e) => e.family === family).map(bounds).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      for (const [elo, ehi] of excepts) {
        if (ehi < lo || elo > hi) continue;
        if (elo > lo) pieces.push([lo, elo - 1n]);
        if (ehi >= hi) { lo = hi + 1n; break; }
        lo = ehi + 1n;
      }
      if (lo <= hi) pieces.push([lo, hi]);
    }
    pieces.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let current: [bigint, bigint] | undefined;
    const merged: [bigint, bigint][] = [];
    for (const piece of pieces) {
      if (current && piece[0] <= current[1] + 1n) { if (piece[1] > current[1]) current[1] = piece[1]; } else { current = [piece[0], piece[1]]; merged.push(current); }
    }
    for (const [lo, hi] of merged) count += firstAbove(values, hi) - firstAbove(values, lo - 1n);
  }
  return count;
}

/** The index of the first value greater than `x` in a sorted array. */
function firstAbove(values: readonly bigint[], x: bigint): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[mid] <= x) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** `10.0.0.0/8`. */
export function formatRange(range: IpRange): string {
  return `${formatIp({ family: range.family, value: range.base })}/${range.prefix}`;
}

function parseRanges(texts: readonly string[]): IpRange[] {
  return texts.map((text) => {
    const problem = cidrProblem(text);
    const range = problem === undefined ? parseCidr(text) : undefined;
    if (!range) throw new InputError(`"${text}" is not a CIDR such as 10.244.0.0/16${problem ? `: it ${problem}` : ''}.`);
    return range;
  });
}

/**
 * IPv4 and IPv6 address arithmetic on bigints, with no dependencies, so both the
 * constructs and the analyzer (which never imports cdk8s) can use it.
 */

/** An IP address as a number, with its family. */
export interface IpAddress {
  /** IPv4 or IPv6. */
  readonly family: 4 | 6;
  /** The address as an unsigned 32- or 128-bit number. */
  readonly value: bigint;
}

/** A parsed CIDR block. `base` has every host bit clear. */
export interface IpRange {
  /** IPv4 or IPv6. */
  readonly family: 4 | 6;
  /** The first address of the block, as a number. */
  readonly base: bigint;
  /** The prefix length, 0-32 or 0-128. */
  readonly prefix: number;
}

const IPV4_PART = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses a dotted-quad IPv4 or an IPv6 address (with `::` and an embedded IPv4 tail). */
export function parseIp(text: string): IpAddress | undefined {
  if (typeof text !== 'string') return undefined;
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

function parseIpv4(text: string): IpAddress | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => IPV4_PART.test(p))) return undefined;
  let value = 0n;
  for (const part of parts) value = (value << 8n) | BigInt(Number(part));
  return { family: 4, value };
}

function parseIpv6(text: string): IpAddress | undefined {
  if (text.length > 45) return undefined;
  let head = text;
  const lastColon = text.lastIndexOf(':');
  const tailText = text.slice(lastColon + 1);
  if (tailText.includes('.')) {
    // An embedded IPv4 tail (::ffff:192.0.2.1) stands for the last two 16-bit groups.
    const v4 = parseIpv4(tailText);
    if (!v4) return undefined;
    head = `${text.slice(0, lastColon + 1)}${(v4.value >> 16n).toString(16)}:${(v4.value & 0xffffn).toString(16)}`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const readGroups = (s: string): bigint[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return groups.map((g) => BigInt(parseInt(g, 16)));
  };
  const left = readGroups(halves[0]);
  const right = halves.length === 2 ? readGroups(halves[1]) : [];
  if (!left || !right) return undefined;
  const given = left.length + right.length;
  let groups: bigint[];
  if (halves.length === 2) {
    if (given > 7) return undefined;
    groups = [...left, ...Array<bigint>(8 - given).fill(0n), ...right];
  } else {
    if (given !== 8) return undefined;
    groups = left;
  }
  let value = 0n;
  for (const group of groups) value = (value << 16n) | group;
  return { family: 6, value };
}

/** The number of bits in an address of the family. */
export function addressBits(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

/** Why a CIDR string is invalid, or undefined when it is valid. */
export function cidrProblem(text: string): string | undefined {
  if (typeof text !== 'string' || !text.includes('/')) return 'is not in address/prefix form (e.g. 10.0.0.0/8)';
  const [address, prefixText, ...rest] = text.split('/');
  if (rest.length > 0) return 'has more than one \'/\'';
  const ip = parseIp(address);
  if (!ip) return `has an invalid IP address "${address}"`;
  const bits = addressBits(ip.family);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
    return `has prefix length "/${prefixText}", which is not 0-${bits} for IPv${ip.family}`;
  }
  const prefix = Number(prefixText);
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((ip.value & hostMask) !== 0n) {
    return `has host bits set (the network address is ${formatIp({ family: ip.family, value: ip.value & ~hostMask })}/${prefix})`;
  }
  return undefined;
}

/** Parses a CIDR, or returns undefined when it is invalid (see {@link cidrProblem}). */
export function parseCidr(text: string): IpRange | undefined {
  if (cidrProblem(text) !== undefined) return undefined;
  const [address, prefixText] = text.split('/');
  const ip = parseIp(address)!;
  return { family: ip.family, base: ip.value, prefix: Number(prefixText) };
}

/** True when the address lies inside the range. */
export function rangeContains(range: IpRange, ip: IpAddress): boolean {
  if (range.family !== ip.family) return false;
  const shift = BigInt(addressBits(range.family) - range.prefix);
  return (ip.value >> shift) === (range.base >> shift);
}

/** True when `inner` lies inside `outer` and is strictly smaller. */
export function rangeStrictlyInside(outer: IpRange, inner: IpRange): boolean {
  return outer.family === inner.family && inner.prefix > outer.prefix
    && rangeContains(outer, { family: inner.family, value: inner.base });
}

/** Canonical text of an address (IPv6 compressed as RFC 5952 recommends). */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

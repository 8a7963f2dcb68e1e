/**
 * A deliberately naive NetworkPolicy evaluator, written straight from the API reference
 * with no indexing, no caching and no shared code with the engine. The differential test
 * compares the two on random clusters.
 */
type Obj = Record<string, any>;

function labelsMatch(selector: Obj | undefined | null, labels: Record<string, string>): boolean {
  if (selector === undefined || selector === null) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function ipToBig(ip: string): [number, bigint] {
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return [6, groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n)];
  }
  return [4, ip.split('.').reduce((acc, o) => (acc << 8n) + BigInt(Number(o)), 0n)];
}

function inCidr(ip: string, cidr: string): boolean {
  const [addr, len] = cidr.split('/');
  const [fa, a] = ipToBig(ip);
  const [fb, b] = ipToBig(addr);
  if (fa !== fb) return false;
  const bits = fa === 4 ? 32 : 128;
  const shift = BigInt(bits - Number(len));
  return a >> shift === b >> shift;
}

/** Whether every address of `inner` is in `outer` (both CIDRs). */
function cidrInside(inner: string, outer: string): boolean {
  const [addr, len] = inner.split('/');
  return Number(len) >= Number(outer.split('/')[1]) && inCidr(addr, outer);
}

/** Whether two CIDRs share an address: one holds the other's first address and is no longer. */
function cidrsOverlap(a: string, b: string): boolean {
  return cidrInside(a, b) || cidrInside(b, a);
}

export interface NaiveWorkload { ns: string; name: string; labels: Record<string, string>; ports: { name?: string; containerPort: number; protocol?: string }[]; hostNetwork?: boolean }
export type NaiveEndpoint = { pod: NaiveWorkload } | { ip: string };

/**
 * `nodeCidrs`: where node addresses are. A host-network pod is never isolated and is matched by
 * no pod or namespace selector; an ipBlock holds it when it holds every node CIDR with no except
 * touching it, or, with no node CIDRs known, when it is a whole address family without excepts
 * (the NetworkPolicy docs' common implementation: its traffic is its node's).
 */
export function naiveAllowed(objects: Obj[], from: NaiveEndpoint, to: NaiveEndpoint, port: number, protocol: string, nodeCidrs: readonly string[] = []): boolean {
  const nsLabels = (ns: string): Record<string, string> => {
    const declared = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === ns);
    return { ...(declared?.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns };
  };
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const types = (p: Obj): string[] => p.spec.policyTypes?.length ? p.spec.policyTypes : (p.spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress']);

  const peerMatches = (peer: Obj, policyNs: string, other: NaiveEndpoint): boolean => {
    const except: string[] = peer.ipBlock?.except ?? [];
    if (peer.ipBlock && 'pod' in other) {
      if (!other.pod.hostNetwork) return false;
      if (nodeCidrs.length === 0) return ['0.0.0.0/0', '::/0'].includes(peer.ipBlock.cidr) && except.length === 0;
      return nodeCidrs.every((n) => cidrInside(n, peer.ipBlock.cidr) && !except.some((e) => cidrsOverlap(e, n)));
    }
    if (peer.ipBlock) return 'ip' in other && inCidr(other.ip, peer.ipBlock.cidr) && !except.some((e: string) => inCidr(other.ip, e));
    if (!('pod' in other) || other.pod.hostNetwork) return false;
    if (peer.namespaceSelector !== undefined) {
      if (!labelsMatch(peer.namespaceSelector, nsLabels(other.pod.ns))) return false;
    } else if (other.pod.ns !== policyNs) return false;
    return peer.podSelector === undefined || labelsMatch(peer.podSelector, other.pod.labels);
  };
  const portMatches = (entry: Obj, dest: NaiveEndpoint): boolean => {
    if ((entry.protocol ?? 'TCP') !== protocol) return false;
    if (entry.port === undefined) return true;
    if (typeof entry.port === 'string') {
      return 'pod' in dest && dest.pod.ports.some((p) => p.name === entry.port && (p.protocol ?? 'TCP') === protocol && p.containerPort === port);
    }
    return port >= entry.port && port <= (entry.endPort ?? entry.port);
  };
  const sideAllows = (self: NaiveEndpoint, other: NaiveEndpoint, type: 'Ingress' | 'Egress'): boolean => {
    if (!('pod' in self) || self.pod.hostNetwork) return true;
    const selecting = policies.filter((p) => (p.metadata.namespace ?? 'default') === self.pod.ns && labelsMatch(p.spec.podSelector ?? {}, self.pod.labels) && types(p).includes(type));
    if (selecting.length === 0) return true;
    const dest = type === 'Ingress' ? self : other;
    return selecting.some((p) => (p.spec[type === 'Ingress' ? 'ingress' : 'egress'] ?? []).some((rule: Obj) => {
      const peers = rule[type === 'Ingress' ? 'from' : 'to'];
      const peerOk = !peers?.length || peers.some((peer: Obj) => peerMatches(peer, p.metadata.namespace ?? 'default', other));
      const portOk = !rule.ports?.length || rule.ports.some((entry: Obj) => portMatches(entry, dest));
      return peerOk && portOk;
    }));
  };
  return sideAllows(from, to, 'Egress') && sideAllows(to, from, 'Ingress');
}

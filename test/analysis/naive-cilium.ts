/**
 * A deliberately naive Cilium evaluator, written from Cilium's policy documentation with no
 * shared code with the engine (no rule model, no indexes): the differential test compares the
 * two on random clusters of CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy
 * (NetworkPolicy beside them is covered case by case in cilium.test.ts). It covers what the generator writes: endpoint selectors (namespace, service
 * account and namespace labels), entities world/cluster/all, CIDRs with except, toPorts
 * (numbers, ranges, names, ANY), deny rules and enableDefaultDeny.
 */
type Obj = Record<string, any>;
export interface CiliumPod { ns: string; name: string; labels: Record<string, string>; sa: string; ports: { name?: string; containerPort: number; protocol?: string }[] }
export type CiliumEndpoint = { pod: CiliumPod } | { ip: string };

const strip = (key: string) => key.replace(/^k8s:/, '');

function identity(pod: CiliumPod, nsLabels: Record<string, string>): Record<string, string> {
  const id: Record<string, string> = { ...pod.labels, 'io.kubernetes.pod.namespace': pod.ns, 'io.cilium.k8s.policy.serviceaccount': pod.sa };
  for (const [k, v] of Object.entries(nsLabels)) id[`io.cilium.k8s.namespace.labels.${k}`] = v;
  return id;
}

function selects(selector: Obj, labels: Record<string, string>, clusterwide: boolean): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    const key = strip(k);
    if (!clusterwide && key.startsWith('io.cilium.k8s.namespace.labels.')) continue; // ignored in a namespaced policy
    if (labels[key] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const key = strip(e.key);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function ipBits(ip: string): [number, bigint] {
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return [6, groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n)];
  }
  return [4, ip.split('.').reduce((acc, o) => (acc << 8n) + BigInt(Number(o)), 0n)];
}

function inCidr(ip: string, cidr: string): boolean {
  const [addr, len] = cidr.split('/');
  const [fa, a] = ipBits(ip);
  const [fb, b] = ipBits(addr);
  if (fa !== fb) return false;
  const shift = BigInt((fa === 4 ? 32 : 128) - Number(len));
  return a >> shift === b >> shift;
}

export function naiveCiliumAllowed(objects: Obj[], from: CiliumEndpoint, to: CiliumEndpoint, port: number, protocol: string): boolean {
  const nsLabels = (ns: string): Record<string, string> => {
    const declared = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === ns);
    return { ...(declared?.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns };
  };
  const cilium = objects.filter((o) => o.kind === 'CiliumNetworkPolicy' || o.kind === 'CiliumClusterwideNetworkPolicy');
  const clusterwide = (p: Obj) => p.kind === 'CiliumClusterwideNetworkPolicy';
  const selecting = (pod: CiliumPod) => cilium.filter((p) => (clusterwide(p) || p.metadata.namespace === pod.ns) && selects(p.spec.endpointSelector, identity(pod, nsLabels(pod.ns)), clusterwide(p)));

  const peerMatches = (rule: Obj, prefix: 'from' | 'to', policy: Obj, other: CiliumEndpoint): boolean => {
    const l3 = [`${prefix}Endpoints`, `${prefix}Entities`, `${prefix}CIDR`, `${prefix}CIDRSet`].filter((f) => rule[f] !== undefined);
    if (l3.length === 0) return rule.toPorts !== undefined; // ports alone: every peer; nothing: no peer
    for (const sel of rule[`${prefix}Endpoints`] ?? []) {
      if (!('pod' in other)) continue;
      const namesNamespace = Object.keys(sel.matchLabels ?? {}).some((k) => strip(k) === 'io.kubernetes.pod.namespace');
      if (!clusterwide(policy) && !namesNamespace && other.pod.ns !== policy.metadata.namespace) continue;
      if (selects(sel, identity(other.pod, nsLabels(other.pod.ns)), clusterwide(policy))) return true;
    }
    for (const entity of rule[`${prefix}Entities`] ?? []) {
      if (entity === 'all' || (entity === 'world' && 'ip' in other) || (entity === 'cluster' && 'pod' in other)) return true;
    }
    for (const cidr of rule[`${prefix}CIDR`] ?? []) if ('ip' in other && inCidr(other.ip, cidr)) return true;
    for (const set of rule[`${prefix}CIDRSet`] ?? []) if ('ip' in other && inCidr(other.ip, set.cidr) && !(set.except ?? []).some((e: string) => inCidr(other.ip, e))) return true;
    return false;
  };
  const portMatches = (rule: Obj, destination: CiliumEndpoint): boolean => {
    if (rule.toPorts === undefined) return true;
    return rule.toPorts.some((tp: Obj) => (tp.ports ?? [{}]).some((p: Obj) => {
      const proto = p.protocol ?? 'ANY';
      if (proto !== 'ANY' && proto !== protocol) return false;
      const text = String(p.port ?? '0');
      if (text === '0') return true;
      if (/^\d+$/.test(text)) return port >= Number(text) && port <= (p.endPort ?? Number(text));
      return 'pod' in destination && destination.pod.ports.some((c) => c.name === text && (c.protocol ?? 'TCP') === protocol && c.containerPort === port);
    }));
  };
  const side = (self: CiliumPod, other: CiliumEndpoint, direction: 'ingress' | 'egress'): { isolated: boolean; allowed: boolean; denied: boolean } => {
    const prefix = direction === 'ingress' ? 'from' : 'to';
    const destination: CiliumEndpoint = direction === 'ingress' ? { pod: self } : other;
    let isolated = false;
    let allowed = false;
    let denied = false;
    for (const p of selecting(self)) {
      const rules = p.spec[direction] ?? [];
      const denies = p.spec[`${direction}Deny`] ?? [];
      const flag = p.spec.enableDefaultDeny?.[direction];
      if (flag === true || (flag === undefined && (rules.length > 0 || denies.length > 0))) isolated = true;
      if (denies.some((r: Obj) => peerMatches(r, prefix, p, other) && portMatches(r, destination))) denied = true;
      if (rules.some((r: Obj) => peerMatches(r, prefix, p, other) && portMatches(r, destination))) allowed = true;
    }
    return { isolated, allowed, denied };
  };
  // Deny wins over every allow; a side no policy puts into default deny is open.
  const decide = (self: CiliumPod, other: CiliumEndpoint, direction: 'ingress' | 'egress') => {
    const c = side(self, other, direction);
    return !c.denied && (!c.isolated || c.allowed);
  };
  const egress = 'pod' in from ? decide(from.pod, to, 'egress') : true;
  const ingress = 'pod' in to ? decide(to.pod, from, 'ingress') : true;
  return egress && ingress;
}


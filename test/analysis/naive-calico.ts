/**
 * A naive Calico evaluator for the differential test, written straight from the documentation
 * (reference/resources/tier.md "How policy is evaluated", networkpolicy.md "Rule",
 * "EntityRule") and sharing no code with the model: one packet at a time, every tier, policy
 * and rule re-read from the generated structures.
 */

/** A selector as the generator builds it (rendered to text for the model). */
export type NaiveSelector =
  | { all: true }
  | { key: string; op: '==' | '!='; value: string }
  | { key: string; op: 'has' | '!has' }
  | { key: string; op: 'in'; values: string[] }
  | { and: [NaiveSelector, NaiveSelector] }
  | { or: [NaiveSelector, NaiveSelector] };

export function renderSelector(s: NaiveSelector): string {
  if ('all' in s) return 'all()';
  if ('and' in s) return `(${renderSelector(s.and[0])}) && (${renderSelector(s.and[1])})`;
  if ('or' in s) return `(${renderSelector(s.or[0])}) || (${renderSelector(s.or[1])})`;
  if (s.op === 'has') return `has(${s.key})`;
  if (s.op === '!has') return `!has(${s.key})`;
  if (s.op === 'in') return `${s.key} in {${s.values.map((v) => `"${v}"`).join(', ')}}`;
  return `${s.key} ${s.op} '${(s as { value: string }).value}'`;
}

export function naiveMatches(s: NaiveSelector, labels: Record<string, string>): boolean {
  if ('all' in s) return true;
  if ('and' in s) return naiveMatches(s.and[0], labels) && naiveMatches(s.and[1], labels);
  if ('or' in s) return naiveMatches(s.or[0], labels) || naiveMatches(s.or[1], labels);
  const has = Object.prototype.hasOwnProperty.call(labels, s.key);
  switch (s.op) {
    case 'has': return has;
    case '!has': return !has;
    case '==': return has && labels[s.key] === s.value;
    case '!=': return !has || labels[s.key] !== s.value;
    case 'in': return has && s.values.includes(labels[s.key]);
  }
}

export interface NaiveEntity {
  selector?: NaiveSelector;
  notSelector?: NaiveSelector;
  namespaceSelector?: NaiveSelector;
  nets?: string[];
  ports?: number[];
}
export interface NaiveRule { action: 'Allow' | 'Deny' | 'Pass' | 'Log'; protocol?: 'TCP' | 'UDP'; source: NaiveEntity; destination: NaiveEntity }
export interface NaivePolicy { global: boolean; ns: string; name: string; tier: string; order?: number; selector: NaiveSelector; types: ('Ingress' | 'Egress')[]; ingress: NaiveRule[]; egress: NaiveRule[] }
export interface NaiveTier { name: string; order?: number; defaultAction: 'Deny' | 'Pass' }
export interface NaivePod { ns: string; name: string; labels: Record<string, string> }
export type NaiveEndpoint = { pod: NaivePod } | { ip: string };

const inNet = (ip: string, net: string) => {
  // Only /8, /16, /24 and /32 nets are generated: compare octets.
  const [base, bits] = net.split('/');
  const octets = Number(bits) / 8;
  return ip.split('.').slice(0, octets).join('.') === base.split('.').slice(0, octets).join('.');
};

function podLabels(pod: NaivePod): Record<string, string> {
  return { ...pod.labels, 'projectcalico.org/namespace': pod.ns, 'projectcalico.org/orchestrator': 'k8s', 'projectcalico.org/serviceaccount': 'default' };
}

function entityMatches(entity: NaiveEntity, policy: NaivePolicy, end: NaiveEndpoint, namespaces: Record<string, Record<string, string>>): boolean {
  const scoped = entity.namespaceSelector !== undefined || (!policy.global && (entity.selector !== undefined || entity.notSelector !== undefined));
  if ('ip' in end) {
    // No network sets are generated: a positive selector never holds an address.
    if (scoped || entity.selector) return false;
    if (entity.nets && !entity.nets.some((n) => inNet(end.ip, n))) return false;
    return true;
  }
  const pod = end.pod;
  if (entity.namespaceSelector && !naiveMatches(entity.namespaceSelector, { ...namespaces[pod.ns], 'projectcalico.org/name': pod.ns })) return false;
  if (!entity.namespaceSelector && scoped && pod.ns !== policy.ns) return false;
  if (entity.selector && !naiveMatches(entity.selector, podLabels(pod))) return false;
  if (entity.notSelector && naiveMatches(entity.notSelector, podLabels(pod))) return false;
  // Pod addresses are not generated: a nets rule never holds a pod (podCidrs are outside every net).
  if (entity.nets) return false;
  return true;
}

function sideAllowed(direction: 'Ingress' | 'Egress', self: NaivePod, other: NaiveEndpoint, protocol: 'TCP' | 'UDP', port: number, tiers: NaiveTier[], policies: NaivePolicy[], namespaces: Record<string, Record<string, string>>): boolean {
  const order = (o: number | undefined) => (o === undefined ? Infinity : o);
  const sortedTiers = [...tiers].sort((a, b) => order(a.order) - order(b.order) || (a.name < b.name ? -1 : 1));
  for (const tier of sortedTiers) {
    const applying = policies
      .filter((p) => p.tier === tier.name && p.types.includes(direction) && (p.global || p.ns === self.ns) && naiveMatches(p.selector, podLabels(self)))
      .sort((a, b) => order(a.order) - order(b.order) || (a.name < b.name ? -1 : 1));
    if (applying.length === 0) continue;
    let passed = false;
    outer: for (const policy of applying) {
      for (const rule of direction === 'Ingress' ? policy.ingress : policy.egress) {
        if (rule.protocol && rule.protocol !== protocol) continue;
        const peer = direction === 'Ingress' ? rule.source : rule.destination;
        const own = direction === 'Ingress' ? rule.destination : rule.source;
        if (!entityMatches({ ...peer, ports: undefined }, policy, other, namespaces)) continue;
        if (!entityMatches({ ...own, ports: undefined }, policy, { pod: self }, namespaces)) continue;
        if (rule.destination.ports && !rule.destination.ports.includes(port)) continue;
        if (rule.action === 'Log') continue;
        if (rule.action === 'Allow') return true;
        if (rule.action === 'Deny') return false;
        passed = true;
        break outer;
      }
    }
    if (passed) continue;
    if (tier.defaultAction === 'Deny') return false;
  }
  return true;
}

/** Whether Calico lets `from` open a connection to `to`: the source's egress and the destination's ingress. */
export function naiveCalicoAllowed(from: NaiveEndpoint, to: NaiveEndpoint, protocol: 'TCP' | 'UDP', port: number, tiers: NaiveTier[], policies: NaivePolicy[], namespaces: Record<string, Record<string, string>>): boolean {
  const egress = 'pod' in from ? sideAllowed('Egress', from.pod, to, protocol, port, tiers, policies, namespaces) : true;
  const ingress = 'pod' in to ? sideAllowed('Ingress', to.pod, from, protocol, port, tiers, policies, namespaces) : true;
  return egress && ingress;
}

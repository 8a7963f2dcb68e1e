/**
 * Guardrails written in Calico's kinds (projectcalico.org/v3): the Admin tier becomes a Calico
 * Tier ordered before the default tier (where Calico puts NetworkPolicies), the Baseline tier a
 * Tier after it; each guardrail policy a GlobalNetworkPolicy in its tier with `order` = its
 * priority. Both tiers end with defaultAction Pass, as network-policy-api's tiers hand unmatched
 * traffic on (an Admin tier to NetworkPolicy, a Baseline tier to the default allow).
 * Selectors are network-policy-api label selectors rewritten in Calico's language; a namespace
 * selector matches namespace labels (Calico gives each namespace its labels and
 * `projectcalico.org/name`); a peer that means pods is held to pods
 * (`projectcalico.org/orchestrator == 'k8s'`), so NetworkSets never match it.
 */
import type { ClusterPolicyEgressPeerJson, ClusterPolicySubjectJson, LabelSelectorJson } from './cluster-policy-json';
import type { Port } from '../net/port';

/** A guardrail rule, as the writer needs it. */
export interface CalicoGuardrailRule {
  readonly action: 'Accept' | 'Deny' | 'Pass';
  readonly peers: readonly ClusterPolicyEgressPeerJson[];
  readonly ports?: readonly Port[];
}

const POD = "projectcalico.org/orchestrator == 'k8s'";

/** A network-policy-api label selector in Calico's selector language. */
export function calicoSelectorText(selector: LabelSelectorJson | undefined): string {
  const quote = (v: string) => `'${v}'`;
  const parts = [
    ...Object.entries(selector?.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k} == ${quote(v)}`),
    ...(selector?.matchExpressions ?? []).map((e) => {
      switch (e.operator) {
        case 'In': return `${e.key} in {${(e.values ?? []).map(quote).join(', ')}}`;
        case 'NotIn': return `${e.key} not in {${(e.values ?? []).map(quote).join(', ')}}`;
        case 'Exists': return `has(${e.key})`;
        default: return `!has(${e.key})`;
      }
    }),
  ];
  return parts.length === 0 ? 'all()' : parts.join(' && ');
}

/**
 * The subject as a GlobalNetworkPolicy's `selector` and `namespaceSelector`. Without a
 * namespace selector, a GlobalNetworkPolicy would also apply to host endpoints (nodes), which
 * network-policy-api subjects never are: the selector is then held to pods.
 */
export function calicoSubject(subject: ClusterPolicySubjectJson): { selector: string; namespaceSelector?: string } {
  const namespaceSelector = calicoSelectorText(subject.namespaces ?? subject.pods?.namespaceSelector);
  const podSelector = subject.namespaces ? 'all()' : calicoSelectorText(subject.pods?.podSelector);
  if (namespaceSelector !== 'all()') return { selector: podSelector, namespaceSelector };
  return { selector: podSelector === 'all()' ? POD : `${podSelector} && ${POD}` };
}

/** One peer as an EntityRule. */
function entity(peer: ClusterPolicyEgressPeerJson): Record<string, unknown> {
  if (peer.networks) return { nets: [...peer.networks] };
  if (peer.namespaces) return { namespaceSelector: calicoSelectorText(peer.namespaces), selector: POD };
  const podSelector = calicoSelectorText(peer.pods?.podSelector);
  return { namespaceSelector: calicoSelectorText(peer.pods?.namespaceSelector), selector: podSelector === 'all()' ? POD : `${podSelector} && ${POD}` };
}

/**
 * Calico rules for a guardrail rule: one per peer and protocol (a Calico rule has one peer
 * entity and one protocol). They are adjacent and share the action, so the first-match order
 * is the same as the guardrail rule's.
 */
export function calicoRules(rule: CalicoGuardrailRule, direction: 'ingress' | 'egress'): Record<string, unknown>[] {
  const action = rule.action === 'Accept' ? 'Allow' : rule.action;
  const byProtocol = new Map<string, (number | string)[]>();
  for (const port of rule.ports ?? []) {
    byProtocol.set(port.protocol, [...(byProtocol.get(port.protocol) ?? []), port.endPort !== undefined ? `${port.number}:${port.endPort}` : port.number!]);
  }
  const protocols = rule.ports ? [...byProtocol.entries()] : [undefined];
  return rule.peers.flatMap((peer) => protocols.map((entry) => {
    const peerEntity = entity(peer);
    const ports = entry ? { ports: entry[1] } : {};
    return {
      action,
      ...(entry ? { protocol: entry[0] } : {}),
      ...(direction === 'ingress' ? { source: peerEntity, ...(entry ? { destination: ports } : {}) } : { destination: { ...peerEntity, ...ports } }),
    };
  }));
}

import { DnsTarget } from '../context';
import { NAMESPACE_NAME_LABEL, PolicyInfo, PolicyRule } from '../../analysis/objects';
import { Labels, selectorMatches, workloadMatches } from '../../analysis/selectors';
import { LintRule, Severity } from '../types';

/**
 * Whether a rule could let UDP DNS through to one of the DNS targets: a port that covers the
 * target's (or `dns`, the name CoreDNS and OpenShift's DNS give it), and a peer that matches
 * the DNS pods, or an ipBlock on that port (NodeLocal DNSCache's link-local address, or a
 * resolver outside the cluster).
 */
function allowsDns(rule: PolicyRule, policy: PolicyInfo, target: DnsTarget, namespaceLabels: Labels): boolean {
  const portOk = rule.ports === null || rule.ports.some((p) => p.protocol === 'UDP' && (
    p.port === undefined || p.port === target.port || p.port === 'dns'
    || (typeof p.port === 'number' && p.endPort !== undefined && p.port <= target.port && p.endPort >= target.port)));
  if (!portOk) return false;
  return rule.peers === null || rule.peers.some((peer) => {
    if (peer.kind === 'ipBlock') return true;
    if (peer.kind !== 'pods') return false;
    const namespaceOk = peer.namespaceSelector !== undefined ? selectorMatches(peer.namespaceSelector, namespaceLabels) : policy.namespace === target.namespace;
    return namespaceOk && (peer.podSelector === undefined || selectorMatches(peer.podSelector, target.podLabels));
  });
}

const describeTarget = (t: DnsTarget) => `${t.namespace} pods ${Object.entries(t.podLabels).map(([k, v]) => `${k}=${v}`).join(',') || '(any)'} on UDP ${t.port}`;

export const egressWithoutDns: LintRule = {
  id: 'egress-without-dns',
  severity: Severity.ERROR,
  description: 'A workload isolated for egress with no rule that allows UDP DNS to the cluster DNS (kube-system kube-dns on 53, openshift-dns on 5353, an ipBlock such as NodeLocal DNSCache\'s, or the targets configured): every name lookup times out.',
  docs: 'https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/',
  *check(context) {
    const targets = context.options.dns;
    const labelsOf = (namespace: string) => ({ [NAMESPACE_NAME_LABEL]: namespace, ...context.declaredNamespaces.get(namespace) });
    for (const workload of context.workloads) {
      if (workload.hostNetwork) continue;
      const policies = context.policiesIn(workload.namespace).filter((p) => p.isolatesEgress && workloadMatches(p.podSelector, workload));
      if (policies.length === 0) continue;
      const reachesDns = policies.some((p) => p.egress.some((rule) => targets.some((t) => allowsDns(rule, p, t, labelsOf(t.namespace)))));
      if (!reachesDns) {
        yield {
          object: workload.object,
          message: `it is isolated for egress by ${policies.map((p) => p.ref).join(', ')} and no rule allows UDP DNS to the cluster DNS (looked for: ${targets.map(describeTarget).join('; ')}, or an ipBlock on such a port), so every name lookup will time out`,
          fix: 'Allow egress to the DNS pods on UDP and TCP (SecureNamespace and ExposedApp do). If your cluster\'s DNS runs elsewhere, say so: netkit check --dns <namespace>/<label>=<value>:<port>, or the dns lint option.',
        };
      }
    }
  },
};

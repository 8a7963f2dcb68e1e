import { NAMESPACE_NAME_LABEL, PolicyRule } from '../../analysis/objects';
import { selectorMatches } from '../../analysis/selectors';
import { LintRule, Severity } from '../types';

/** Whether a rule could let UDP 53 through to a DNS server. */
function allowsDns(rule: PolicyRule, dnsNamespaceLabels: Record<string, string>): boolean {
  const portOk = rule.ports === null || rule.ports.some((p) => p.protocol === 'UDP' && (
    p.port === undefined || p.port === 53 || p.port === 'dns' || (typeof p.port === 'number' && p.endPort !== undefined && p.port <= 53 && p.endPort >= 53)));
  if (!portOk) return false;
  return rule.peers === null || rule.peers.some((peer) => peer.kind === 'ipBlock'
    || (peer.kind === 'pods' && peer.namespaceSelector !== undefined && selectorMatches(peer.namespaceSelector, dnsNamespaceLabels)));
}

export const egressWithoutDns: LintRule = {
  id: 'egress-without-dns',
  severity: Severity.ERROR,
  description: 'A workload isolated for egress with no rule that allows UDP 53 to the cluster DNS: every name lookup times out.',
  docs: 'https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/',
  *check(context) {
    const dnsNamespace = { [NAMESPACE_NAME_LABEL]: 'kube-system', ...context.declaredNamespaces.get('kube-system') };
    for (const workload of context.workloads) {
      if (workload.hostNetwork) continue;
      const policies = context.policiesIn(workload.namespace).filter((p) => p.isolatesEgress && selectorMatches(p.podSelector, workload.podLabels));
      if (policies.length === 0) continue;
      if (!policies.some((p) => p.egress.some((rule) => allowsDns(rule, dnsNamespace)))) {
        yield { object: workload.object, message: `it is isolated for egress by ${policies.map((p) => p.ref).join(', ')} and no rule allows UDP 53 to the cluster DNS, so every name lookup will time out`, fix: 'Allow egress to kube-system pods labelled k8s-app=kube-dns on UDP and TCP 53 (SecureNamespace and ExposedApp do).' };
      }
    }
  },
};

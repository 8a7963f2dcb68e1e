import { isEmptySelector, selectorMatches } from '../../analysis/selectors';
import { LintRule, Severity } from '../types';

export const workloadNotIsolated: LintRule = {
  id: 'workload-not-isolated',
  severity: Severity.WARNING,
  description: 'A workload that no NetworkPolicy isolates for ingress: every pod in the cluster can reach it.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation',
  *check(context) {
    for (const workload of context.workloads) {
      if (workload.hostNetwork) continue;
      const isolated = context.policiesIn(workload.namespace).some((p) => p.isolatesIngress && selectorMatches(p.podSelector, workload.podLabels));
      if (!isolated) {
        yield { object: workload.object, message: 'no NetworkPolicy isolates its pods for ingress, so any pod can connect to them', fix: 'Add a NetworkPolicy that selects it (ExposedApp and SecureNamespace write one).' };
      }
    }
  },
};

export const namespaceWithoutDefaultDeny: LintRule = {
  id: 'namespace-without-default-deny',
  severity: Severity.WARNING,
  description: 'A namespace with workloads but no default-deny NetworkPolicy (podSelector {} isolating Ingress and Egress with no rules).',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
  *check(context) {
    for (const namespace of context.knownNamespaces()) {
      const workloads = context.workloadsIn(namespace);
      if (workloads.length === 0) continue;
      const everyPod = context.policiesIn(namespace).filter((p) => isEmptySelector(p.podSelector));
      const missing: string[] = [];
      if (!everyPod.some((p) => p.isolatesIngress && p.ingress.length === 0)) missing.push('ingress');
      if (!everyPod.some((p) => p.isolatesEgress && p.egress.length === 0)) missing.push('egress');
      if (missing.length > 0) {
        const namespaceObject = context.ofKind('Namespace').find((n) => (n.metadata as Record<string, unknown>)?.name === namespace) ?? workloads[0].object;
        yield { object: namespaceObject, message: `namespace ${namespace} has no default-deny policy for ${missing.join(' and ')}`, fix: 'Add a NetworkPolicy with podSelector {}, the missing policyTypes and no rules (SecureNamespace writes it).' };
      }
    }
  },
};

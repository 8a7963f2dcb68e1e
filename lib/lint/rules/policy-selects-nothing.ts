import { selectorMatches, describeSelector, isEmptySelector } from '../../analysis/selectors';
import { isGatewayDataPlane } from '../helpers';
import { LintRule, Severity } from '../types';

export const policySelectsNothing: LintRule = {
  id: 'policy-selects-nothing',
  severity: Severity.WARNING,
  description: 'A NetworkPolicy whose podSelector selects no workload in its namespace.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource',
  *check(context) {
    for (const policy of context.policies) {
      // podSelector {} is meant for every pod, present and future.
      if (isEmptySelector(policy.podSelector)) continue;
      const workloads = context.workloadsIn(policy.namespace);
      if (workloads.length === 0) continue;
      if (isGatewayDataPlane(context, policy.podSelector.matchLabels, [policy.namespace])) continue;
      if (!workloads.some((w) => selectorMatches(policy.podSelector, w.podLabels))) {
        yield { object: policy.source!.object, message: `its podSelector ${describeSelector(policy.podSelector)} selects no workload in namespace ${policy.namespace}`, fix: 'Fix the podSelector labels to match the pod template labels of the workload it protects.' };
      }
    }
  },
};

import { describeSelector, isEmptySelector } from '../../analysis/model/selectors';
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
      const certainty = context.podCertainty(policy.namespace);
      if (!certainty.certain && certainty.silent) continue;
      if (isGatewayDataPlane(context, policy.podSelector.matchLabels, [policy.namespace])) continue;
      if (!context.selectsSomeWorkload(policy)) {
        yield {
          object: policy.source!.object,
          ...(certainty.certain ? {} : { severity: Severity.INFO }),
          message: `its podSelector ${describeSelector(policy.podSelector)} selects no workload in namespace ${policy.namespace}${certainty.certain ? '' : certainty.caveat}`,
          fix: 'Fix the podSelector labels to match the pod template labels of the workload it protects.',
        };
      }
    }
  },
};

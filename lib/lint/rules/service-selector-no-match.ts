import { namespaceOf } from '../../analysis/input/objects';
import { LintRule, Severity } from '../types';

export const serviceSelectorNoMatch: LintRule = {
  id: 'service-selector-no-match',
  severity: Severity.WARNING,
  description: 'A Service whose selector matches no workload in its namespace has no endpoints.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service',
  *check(context) {
    for (const service of context.ofKind('Service')) {
      const selected = context.serviceWorkloads(service);
      if (!selected || selected.length > 0) continue;
      const certainty = context.podCertainty(namespaceOf(service));
      if (!certainty.certain && certainty.silent) continue;
      yield {
        object: service,
        ...(certainty.certain ? {} : { severity: Severity.INFO }),
        message: `its selector matches no workload in the namespace, so it has no endpoints${certainty.certain ? '' : certainty.caveat}`,
        fix: 'Make spec.selector match the pod template labels of the workload it fronts.',
      };
    }
  },
};

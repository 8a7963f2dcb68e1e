import { dig } from '../context';
import { parseSelector, selectorMatches, describeSelector } from '../../analysis/model/selectors';
import { readLabels } from '../../analysis/input/objects';
import { LintRule, Severity } from '../types';

const CONTROLLERS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

export const selectorTemplateMismatch: LintRule = {
  id: 'selector-template-mismatch',
  severity: Severity.ERROR,
  description: 'A controller whose selector does not match its own pod template labels (the API server rejects it).',
  docs: 'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector',
  *check(context) {
    for (const workload of context.workloads) {
      if (!CONTROLLERS.has(workload.kind)) continue;
      const raw = dig(workload.object, 'spec', 'selector');
      if (raw === undefined) {
        yield { object: workload.object, message: 'it has no spec.selector', fix: 'Add spec.selector.matchLabels equal to the pod template labels.' };
        continue;
      }
      const selector = parseSelector(raw);
      const labels = readLabels(dig(workload.object, 'spec', 'template', 'metadata', 'labels'));
      if (!selectorMatches(selector, labels)) {
        yield { object: workload.object, message: `its selector ${describeSelector(selector)} does not match its pod template labels`, fix: 'Make spec.selector match spec.template.metadata.labels.' };
      }
    }
  },
};

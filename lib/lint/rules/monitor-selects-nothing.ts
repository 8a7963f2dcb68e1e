import { Json, dig } from '../context';
import { namespaceOf, readLabels } from '../../analysis/input/objects';
import { parseSelector, selectorMatches, workloadMatches } from '../../analysis/model/selectors';
import { LintRule, Severity } from '../types';

/** The namespaces a monitor looks in: its own, `namespaceSelector.matchNames`, or any. */
function monitorNamespaces(monitor: Json, known: readonly string[]): string[] {
  if (dig(monitor, 'spec', 'namespaceSelector', 'any') === true) return [...known];
  const names = dig(monitor, 'spec', 'namespaceSelector', 'matchNames');
  return Array.isArray(names) && names.length > 0 ? names.map(String) : [namespaceOf(monitor)];
}

export const monitorSelectsNothing: LintRule = {
  id: 'monitor-selects-nothing',
  severity: Severity.WARNING,
  description: 'A prometheus-operator ServiceMonitor whose selector matches no Service, or a PodMonitor whose selector matches no pod: nothing is scraped (a partial-input rule).',
  docs: 'https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitorSpec',
  *check(context) {
    for (const kind of ['ServiceMonitor', 'PodMonitor']) {
      for (const monitor of context.ofKind(kind)) {
        if (!String(monitor.apiVersion).startsWith('monitoring.coreos.com/')) continue;
        const selector = parseSelector(dig(monitor, 'spec', 'selector'));
        if (selector.invalid) continue;
        const namespaces = monitorNamespaces(monitor, context.knownNamespaces());
        const certainties = namespaces.map((ns) => context.podCertainty(ns));
        if (certainties.every((c) => !c.certain && c.silent)) continue;
        const matched = kind === 'ServiceMonitor'
          ? namespaces.some((ns) => context.ofKind('Service').some((s) => namespaceOf(s) === ns && selectorMatches(selector, readLabels(dig(s, 'metadata', 'labels'))) && (context.serviceWorkloads(s) ?? [null]).length > 0))
          : namespaces.some((ns) => context.workloadsIn(ns).some((w) => workloadMatches(selector, w)));
        if (matched) continue;
        const caveat = certainties.find((c): c is Extract<typeof c, { caveat: string }> => !c.certain && !c.silent);
        yield {
          object: monitor,
          ...(caveat ? { severity: Severity.INFO } : {}),
          message: `its selector matches no ${kind === 'ServiceMonitor' ? 'Service (by its labels)' : 'pod'} in ${namespaces.join(', ')}, so nothing is scraped${caveat?.caveat ?? ''}`,
          fix: kind === 'ServiceMonitor' ? 'Match the labels of the Service (metadata.labels, not its selector), and list its namespace in namespaceSelector.' : 'Match the pod template labels, and list the namespace in namespaceSelector.',
        };
      }
    }
  },
};

import { dig } from '../context';
import { namespaceOf } from '../../analysis/objects';
import { LintRule, Severity } from '../types';

export const statefulSetService: LintRule = {
  id: 'statefulset-service',
  severity: Severity.ERROR,
  description: 'A StatefulSet whose serviceName Service is missing or not headless, so its pods get no stable DNS names.',
  docs: 'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id',
  *check(context) {
    for (const set of context.ofKind('StatefulSet')) {
      const name = dig(set, 'spec', 'serviceName');
      if (typeof name !== 'string' || name === '') continue;
      const service = context.service(namespaceOf(set), name);
      if (!service) {
        yield { object: set, message: `its serviceName "${name}" names no Service in namespace ${namespaceOf(set)}`, fix: `Create a headless Service "${name}" (clusterIP: None) selecting the pods; HeadlessStateful writes it.` };
      } else if (dig(service, 'spec', 'clusterIP') !== 'None') {
        yield { object: set, message: `its serviceName "${name}" is not headless (clusterIP is not None), so pods get no per-pod DNS names`, fix: 'Set clusterIP: None on the governing Service and use a second Service for load-balanced clients.' };
      }
    }
  },
};

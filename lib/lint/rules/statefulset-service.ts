import { dig } from '../context';
import { namespaceOf } from '../../analysis/objects';
import { LintRule, Severity } from '../types';

export const statefulSetService: LintRule = {
  id: 'statefulset-service',
  severity: Severity.ERROR,
  description: 'A StatefulSet whose governing Service is not headless (error), or not in the input (warning): either way its pods get no per-pod DNS names.',
  docs: 'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id',
  *check(context) {
    for (const set of context.ofKind('StatefulSet')) {
      const name = dig(set, 'spec', 'serviceName');
      if (typeof name !== 'string' || name === '') continue;
      const service = context.service(namespaceOf(set), name);
      if (!service) {
        // The StatefulSet runs without it; only per-pod DNS (<pod>.<service>.<namespace>.svc) needs it,
        // and it may be applied from elsewhere.
        yield {
          object: set,
          severity: Severity.WARNING,
          message: `its serviceName "${name}" names no Service in namespace ${namespaceOf(set)} in the input; its pods get stable DNS names (${String(dig(set, 'metadata', 'name'))}-0.${name}.${namespaceOf(set)}.svc) only once a headless Service of that name selects them`,
          fix: `Create a headless Service "${name}" (clusterIP: None) selecting the pods, or ignore this if it is applied from elsewhere; HeadlessStateful writes it.`,
        };
      } else if (dig(service, 'spec', 'clusterIP') !== 'None') {
        yield { object: set, message: `its serviceName "${name}" is not headless (clusterIP is not None), so pods get no per-pod DNS names`, fix: 'Set clusterIP: None on the governing Service and use a second Service for load-balanced clients.' };
      }
    }
  },
};

import { dig } from '../context';
import { namespaceOf } from '../../analysis/input/objects';
import { LintRule, Severity } from '../types';

export const statefulSetService: LintRule = {
  id: 'statefulset-service',
  severity: Severity.WARNING,
  description: 'A StatefulSet whose governing Service is not headless, or not in the input: the API server accepts both and the pods run, but they get no per-pod DNS names (<pod>.<service>), which peers that find each other by name need.',
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
        yield {
          object: set,
          message: `its serviceName "${name}" is an ordinary ClusterIP Service (clusterIP is not None): the pods run and the Service load-balances, but they get no per-pod DNS names (${String(dig(set, 'metadata', 'name'))}-0.${name}.${namespaceOf(set)}.svc), which only matters if peers or clients address pods by name`,
          fix: 'If pods address each other by name (databases, quorum systems), make the governing Service headless (clusterIP: None) and use a second Service for load-balanced clients; otherwise suppress this with a reason.',
        };
      }
    }
  },
};

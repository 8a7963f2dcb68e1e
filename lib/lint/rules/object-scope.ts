import { dig } from '../context';
import { CLUSTER_SCOPED_KINDS } from '../../analysis/input/object-set';
import { LintRule, Severity } from '../types';

export const clusterScopedWithNamespace: LintRule = {
  id: 'cluster-scoped-with-namespace',
  severity: Severity.ERROR,
  description: 'A cluster-scoped object (Namespace, ClusterRole, IngressClass, GatewayClass, PriorityClass, StorageClass, ...) with metadata.namespace: it says the object belongs where it cannot, and tools that key objects by namespace disagree about it.',
  docs: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#not-all-objects-are-in-a-namespace',
  *check(context) {
    for (const { object } of context.objects) {
      const namespace = dig(object, 'metadata', 'namespace');
      if (CLUSTER_SCOPED_KINDS.has(String(object.kind)) && namespace !== undefined && namespace !== '') {
        yield { object, message: `it is cluster-scoped but sets metadata.namespace "${String(namespace)}"`, fix: 'Remove metadata.namespace (in cdk8s, a Chart namespace is stamped on every object: netkit constructs remove it for cluster-scoped ones).' };
      }
    }
  },
};

import { namespaceOf, nameOf } from '../../analysis/objects';
import { LintRule, Severity } from '../types';

const CLUSTER_SCOPED = new Set(['Namespace', 'IngressClass', 'GatewayClass', 'ClusterIssuer', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'StorageClass']);

export const duplicateObject: LintRule = {
  id: 'duplicate-object',
  severity: Severity.ERROR,
  description: 'The same object (kind, namespace, name) defined twice; one silently overwrites the other on apply.',
  docs: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/names/',
  *check(context) {
    const seen = new Set<string>();
    for (const source of context.objects) {
      const name = nameOf(source.object);
      if (!name) continue;
      const kind = String(source.object.kind);
      const group = String(source.object.apiVersion).split('/').slice(0, -1).join('/');
      const key = `${group}/${kind}/${CLUSTER_SCOPED.has(kind) ? '' : namespaceOf(source.object)}/${name}`;
      if (seen.has(key)) yield { object: source.object, message: 'is defined more than once', fix: 'Give each object its own name, or remove the copy.' };
      seen.add(key);
    }
  },
};

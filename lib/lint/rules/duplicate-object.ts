import { where } from '../../analysis/objects';
import { LintRule, Severity } from '../types';

export const duplicateObject: LintRule = {
  id: 'duplicate-object',
  severity: Severity.ERROR,
  description: 'The same object (API group, kind, namespace, name) defined twice; kubectl apply keeps only the last one.',
  docs: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/names/',
  *check(context) {
    for (const duplicate of context.duplicates) {
      for (const copy of duplicate.replaced) {
        yield {
          object: copy.object,
          message: `is defined again at ${where(duplicate.kept)}, which replaces this copy on apply (kubectl apply keeps the last one)`,
          fix: 'Give each object its own name, or remove the copy.',
        };
      }
    }
  },
};

import { closestMatches } from '../../analysis/queries/suggest';
import { unknownFields } from '../schema/fields';
import { schemaErrors } from '../schema/validate';
import { LintRule, Severity } from '../types';

export const unknownField: LintRule = {
  id: 'unknown-field',
  severity: Severity.ERROR,
  description: 'A field the Kubernetes 1.28 schema (or, for CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy, their CRD schema) does not define: a typo the API server would drop or reject.',
  docs: 'https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation',
  *check(context) {
    for (const source of context.objects) {
      for (const field of context.memo.of('unknown-fields', source.object, () => unknownFields(source.object))) {
        const last = field.path.replace(/\[\d+\]/g, '').split('.').pop()!;
        const close = closestMatches(last, field.known, 1);
        yield {
          object: source.object,
          message: `field ${field.path} is not in the ${String(source.object.apiVersion).startsWith('cilium.io/') ? `${String(source.object.kind)} CRD` : 'Kubernetes 1.28'} schema`,
          fix: close.length > 0 ? `Did you mean ${close[0]}?` : `Remove it; the fields there are: ${field.known.join(', ')}.`,
        };
      }
    }
  },
};

export const schemaInvalid: LintRule = {
  id: 'schema-invalid',
  severity: Severity.ERROR,
  description: 'An object that breaks its published schema (Kubernetes, cert-manager, Gateway API): wrong types, missing required fields, bad values.',
  docs: 'https://kubernetes.io/docs/reference/kubernetes-api/',
  *check(context) {
    for (const source of context.objects) {
      const errors = context.memo.of('schema-errors', source.object, () => schemaErrors(source.object));
      if (errors && errors.length > 0) {
        yield { object: source.object, message: `it breaks the ${String(source.object.kind)} schema: ${errors.join('; ')}`, fix: 'Fix the fields named; kubectl apply would refuse the object.' };
      }
    }
  },
};

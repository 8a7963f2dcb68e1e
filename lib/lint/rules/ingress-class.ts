import { dig } from '../context';
import { LintRule, Severity } from '../types';

export const ingressClassMissing: LintRule = {
  id: 'ingress-class-missing',
  severity: Severity.WARNING,
  description: 'An Ingress without spec.ingressClassName, left to whichever controller is the default.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class',
  *check(context) {
    for (const ingress of context.ofKind('Ingress')) {
      // With the deprecated annotation the class is named; ingress-class-annotation says what to change.
      if (typeof dig(ingress, 'spec', 'ingressClassName') !== 'string' && dig(ingress, 'metadata', 'annotations', 'kubernetes.io/ingress.class') === undefined) {
        yield { object: ingress, message: 'it has no spec.ingressClassName', fix: 'Set spec.ingressClassName to the IngressClass of the controller that should serve it.' };
      }
    }
  },
};

export const ingressClassAnnotation: LintRule = {
  id: 'ingress-class-annotation',
  severity: Severity.WARNING,
  description: 'The deprecated kubernetes.io/ingress.class annotation.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/ingress/#deprecated-annotation',
  *check(context) {
    for (const ingress of context.ofKind('Ingress')) {
      const value = dig(ingress, 'metadata', 'annotations', 'kubernetes.io/ingress.class');
      if (value !== undefined) {
        yield { object: ingress, message: `it uses the deprecated kubernetes.io/ingress.class annotation ("${String(value)}")`, fix: `Replace it with spec.ingressClassName: ${String(value)}.` };
      }
    }
  },
};

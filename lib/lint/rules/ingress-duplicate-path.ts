import { Json, dig, records } from '../context';
import { describeObject } from '../helpers';
import { LintRule, Severity } from '../types';

export const ingressDuplicatePath: LintRule = {
  id: 'ingress-duplicate-path',
  severity: Severity.ERROR,
  description: 'Two Ingress paths with the same host, path and pathType but different backends.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/ingress/#multiple-matches',
  *check(context) {
    const seen = new Map<string, { ingress: Json; backend: string }>();
    for (const ingress of context.ofKind('Ingress')) {
      // A canary Ingress deliberately repeats its primary's paths.
      if (dig(ingress, 'metadata', 'annotations', 'nginx.ingress.kubernetes.io/canary') === 'true') continue;
      const className = String(dig(ingress, 'spec', 'ingressClassName') ?? '');
      for (const rule of records(ingress, 'spec', 'rules')) {
        for (const path of records(rule, 'http', 'paths')) {
          const key = [className, rule.host ?? '*', path.path ?? '/', path.pathType ?? 'ImplementationSpecific'].join('|');
          const backend = JSON.stringify(dig(path, 'backend'));
          const previous = seen.get(key);
          if (previous && previous.backend !== backend) {
            yield { object: ingress, message: `${String(rule.host ?? '*')}${String(path.path ?? '/')} (${String(path.pathType)}) is also routed by ${describeObject(previous.ingress)} to another backend`, fix: 'Keep one route per host, path and pathType; for a traffic split use a canary Ingress or an HTTPRoute with weights.' };
          } else if (!previous) {
            seen.set(key, { ingress, backend });
          }
        }
      }
    }
  },
};

import { Json, dig, records } from '../context';
import { describeObject } from '../helpers';
import { namespaceOf } from '../../analysis/input/objects';
import { LintRule, Severity } from '../types';

export const ingressDuplicatePath: LintRule = {
  id: 'ingress-duplicate-path',
  severity: Severity.ERROR,
  description: 'Two Ingress paths with the same host, path and pathType but different backends.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/ingress/#multiple-matches',
  *check(context) {
    const seen = new Map<string, { ingress: Json; backend: string }>();
    // Backends compare as the Service port they reach: 80 and "http" are one port when the Service says so.
    const resolve = (ingress: Json, backend: unknown): string => {
      const name = dig(backend, 'service', 'name');
      if (typeof name !== 'string') return JSON.stringify(backend ?? null);
      const port = dig(backend, 'service', 'port');
      const service = context.service(namespaceOf(ingress), name);
      const byName = typeof dig(port, 'name') === 'string' ? records(service, 'spec', 'ports').find((p) => p.name === dig(port, 'name'))?.port : undefined;
      return `${name}:${String(dig(port, 'number') ?? byName ?? dig(port, 'name'))}`;
    };
    for (const ingress of context.ofKind('Ingress')) {
      // A canary Ingress deliberately repeats its primary's paths.
      if (dig(ingress, 'metadata', 'annotations', 'nginx.ingress.kubernetes.io/canary') === 'true') continue;
      const className = String(dig(ingress, 'spec', 'ingressClassName') ?? '');
      for (const rule of records(ingress, 'spec', 'rules')) {
        for (const path of records(rule, 'http', 'paths')) {
          const pathType = typeof path.pathType === 'string' ? path.pathType : 'no pathType';
          const key = [className, rule.host ?? '*', path.path ?? '/', pathType].join('|');
          const backend = resolve(ingress, dig(path, 'backend'));
          const previous = seen.get(key);
          if (previous && previous.backend !== backend) {
            yield { object: ingress, message: `${String(rule.host ?? '*')}${String(path.path ?? '/')} (${pathType}) is also routed by ${describeObject(previous.ingress)} to another backend (${previous.backend}, here ${backend})`, fix: 'Keep one route per host, path and pathType; for a traffic split use a canary Ingress or an HTTPRoute with weights.' };
          } else if (!previous) {
            seen.set(key, { ingress, backend });
          }
        }
      }
    }
  },
};

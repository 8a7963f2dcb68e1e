import { Json, LintContext, dig, records } from '../context';
import { namespaceOf } from '../../analysis/input/objects';
import { LintRule, RawFinding, Severity } from '../types';

/** Every Service backend of an Ingress: the default backend and each path's. */
export function ingressBackends(ingress: Json): { service: string; port: Json | undefined; where: string }[] {
  const result: { service: string; port: Json | undefined; where: string }[] = [];
  const add = (backend: unknown, where: string) => {
    const name = dig(backend, 'service', 'name');
    if (typeof name === 'string') result.push({ service: name, port: dig(backend, 'service', 'port') as Json | undefined, where });
  };
  add(dig(ingress, 'spec', 'defaultBackend'), 'defaultBackend');
  for (const rule of records(ingress, 'spec', 'rules')) {
    for (const path of records(rule, 'http', 'paths')) add(path.backend, `${String(rule.host ?? '*')}${String(path.path ?? '')}`);
  }
  return result;
}

function checkServicePort(context: LintContext, owner: Json, namespace: string, name: string, port: { number?: unknown; name?: unknown }, where: string): RawFinding | undefined {
  const service = context.service(namespace, name);
  if (!service) {
    // Partial input: the Service may be applied from elsewhere, and then the route works.
    if (!context.options.wholeNamespaces) {
      return { object: owner, severity: Severity.WARNING, message: `backend ${where} refers to Service ${namespace}/${name}, which is not in the input; unless it is applied from elsewhere, requests there get 503`, fix: 'Create the Service or fix the backend name (netkit check --whole-namespaces makes this an error when the input is complete).' };
    }
    return { object: owner, message: `backend ${where} refers to Service ${namespace}/${name}, which does not exist, so requests there get 503`, fix: 'Create the Service or fix the backend name.' };
  }
  if (dig(service, 'spec', 'type') === 'ExternalName') return undefined;
  const ports = records(service, 'spec', 'ports');
  const found = typeof port.number === 'number' ? ports.some((p) => p.port === port.number)
    : typeof port.name === 'string' ? ports.some((p) => p.name === port.name) : true;
  if (found) return undefined;
  const wanted = typeof port.number === 'number' ? `port ${port.number}` : `port "${String(port.name)}"`;
  return { object: owner, message: `backend ${where} uses ${wanted} of Service ${namespace}/${name}, which has no such port`, fix: `Use one of its ports: ${ports.map((p) => (p.name ? `${String(p.name)} (${String(p.port)})` : String(p.port))).join(', ') || 'none'}.` };
}

export const ingressBackendMissing: LintRule = {
  id: 'ingress-backend-missing',
  severity: Severity.ERROR,
  description: 'An Ingress or HTTPRoute backend Service port that does not exist (error); a backend Service not in the input (warning; an error with wholeNamespaces).',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/ingress/#resource-backend',
  *check(context) {
    for (const ingress of context.ofKind('Ingress')) {
      for (const backend of ingressBackends(ingress)) {
        const finding = checkServicePort(context, ingress, namespaceOf(ingress), backend.service, backend.port ?? {}, backend.where);
        if (finding) yield finding;
      }
    }
    for (const route of context.ofKind('HTTPRoute')) {
      for (const [i, rule] of records(route, 'spec', 'rules').entries()) {
        for (const ref of records(rule, 'backendRefs')) {
          if ((ref.kind ?? 'Service') !== 'Service' || (ref.group ?? '') !== '' || typeof ref.name !== 'string') continue;
          const namespace = typeof ref.namespace === 'string' ? ref.namespace : namespaceOf(route);
          const finding = checkServicePort(context, route, namespace, ref.name, { number: ref.port }, `rules[${i}]`);
          if (finding) yield finding;
        }
      }
    }
  },
};

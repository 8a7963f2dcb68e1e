/**
 * The exposure surface a revision declares, object by object: ways in that exist whatever the
 * policies say today (a NodePort closed by policy is one policy change away from open). The
 * review compares two revisions' surfaces, so a reviewer sees the surface grow even where the
 * effective traffic does not change.
 */
import { SourcedObject } from '../input/loader';
import { nameOf, namespaceOf, servingContainers } from '../input/objects';
import { isRecord } from '../model/selectors';

/** One way in that a revision declares. */
export interface SurfaceItem {
  /** What kind of way in: `NodePort`, `LoadBalancer`, `externalIPs`, `hostPort`, `hostNetwork`, `Ingress`, `HTTPRoute`, `Gateway listener`. */
  readonly surface: string;
  /** The object that declares it: `Service shop/api-nodeport`. */
  readonly object: string;
  /** What it opens: ports, addresses, host and path, backend. */
  readonly detail: string;
  /** `file:line` of the object. @default - none (not read from a file) */
  readonly at?: string;
}

const list = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isRecord) : []);
const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '?');

/** Every way in that `objects` declare, sorted and without repeats. */
export function surfaceOf(objects: readonly SourcedObject[]): SurfaceItem[] {
  const items = new Map<string, SurfaceItem>();
  for (const source of objects) {
    const { object } = source;
    const ref = `${String(object.kind)} ${namespaceOf(object)}/${nameOf(object)}`;
    const at = source.file !== undefined ? `${source.file}${source.line !== undefined ? `:${source.line}` : ''}` : undefined;
    const add = (surface: string, detail: string) => {
      const item: SurfaceItem = { surface, object: ref, detail, ...(at !== undefined ? { at } : {}) };
      items.set(surfaceKey(item), item);
    };
    const spec = isRecord(object.spec) ? object.spec : {};
    switch (object.kind) {
      case 'Service': serviceSurface(spec, add); break;
      case 'Ingress': ingressSurface(spec, add); break;
      case 'HTTPRoute': routeSurface(spec, add); break;
      case 'Gateway':
        for (const l of list(spec.listeners)) add('Gateway listener', `${text(l.name)}: ${text(l.protocol)} ${text(l.port)}${typeof l.hostname === 'string' ? ` for ${l.hostname}` : ''}`);
        break;
      default: podSurface(object, add);
    }
  }
  return [...items.values()].sort((a, b) => (surfaceKey(a) < surfaceKey(b) ? -1 : 1));
}

/** Identity of a surface item across revisions (not its file or line, which move). */
export function surfaceKey(item: SurfaceItem): string {
  return `${item.object}\u0000${item.surface}\u0000${item.detail}`;
}

function serviceSurface(spec: Record<string, unknown>, add: (surface: string, detail: string) => void): void {
  const ports = list(spec.ports);
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    for (const p of ports) {
      const nodePort = typeof p.nodePort === 'number' && p.nodePort !== 0 ? ` (node port ${p.nodePort})` : '';
      if (spec.type === 'NodePort') add('NodePort', `${text(p.protocol ?? 'TCP')} ${text(p.port)}${nodePort} on every node`);
      else {
        const ranges = Array.isArray(spec.loadBalancerSourceRanges) && spec.loadBalancerSourceRanges.length > 0 ? spec.loadBalancerSourceRanges.map(String).join(', ') : 'any address';
        add('LoadBalancer', `${text(p.protocol ?? 'TCP')} ${text(p.port)}${nodePort} from ${ranges}`);
      }
    }
  }
  if (Array.isArray(spec.externalIPs)) for (const ip of spec.externalIPs) add('externalIPs', `${String(ip)} on ${ports.map((p) => `${text(p.protocol ?? 'TCP')} ${text(p.port)}`).join(', ') || 'no ports'}`);
}

function backendText(backend: unknown): string {
  const service = isRecord(backend) && isRecord(backend.service) ? backend.service : undefined;
  if (!service) return isRecord(backend) && isRecord(backend.resource) ? `resource ${text(backend.resource.kind)} ${text(backend.resource.name)}` : '?';
  const port = isRecord(service.port) ? (service.port.number ?? service.port.name) : undefined;
  return `Service ${text(service.name)}:${text(port)}`;
}

function ingressSurface(spec: Record<string, unknown>, add: (surface: string, detail: string) => void): void {
  if (spec.defaultBackend !== undefined) add('Ingress', `default backend -> ${backendText(spec.defaultBackend)}`);
  for (const rule of list(spec.rules)) {
    const host = typeof rule.host === 'string' ? rule.host : '*';
    const paths = isRecord(rule.http) ? list(rule.http.paths) : [];
    for (const path of paths) add('Ingress', `${host}${typeof path.path === 'string' ? path.path : '/'} -> ${backendText(path.backend)}`);
  }
}

function routeSurface(spec: Record<string, unknown>, add: (surface: string, detail: string) => void): void {
  const hosts = Array.isArray(spec.hostnames) && spec.hostnames.length > 0 ? spec.hostnames.map(String) : ['*'];
  const parents = list(spec.parentRefs).map((p) => `Gateway ${typeof p.namespace === 'string' ? `${p.namespace}/` : ''}${text(p.name)}`).join(', ');
  for (const rule of list(spec.rules)) {
    const matches = list(rule.matches);
    const paths = matches.length > 0 ? matches.map((m) => (isRecord(m.path) && typeof m.path.value === 'string' ? m.path.value : '/')) : ['/'];
    const backends = list(rule.backendRefs).map((b) => `${text(b.kind ?? 'Service')} ${text(b.name)}:${text(b.port)}`).join(', ') || 'no backend';
    for (const host of hosts) for (const path of paths) add('HTTPRoute', `${host}${path} -> ${backends} (through ${parents || 'no parent'})`);
  }
}

function podSurface(object: Record<string, unknown>, add: (surface: string, detail: string) => void): void {
  const spec = isRecord(object.spec) ? object.spec : {};
  const template = object.kind === 'Pod' ? { spec } : isRecord(spec.template) ? spec.template
    : isRecord(spec.jobTemplate) && isRecord(spec.jobTemplate.spec) && isRecord(spec.jobTemplate.spec.template) ? spec.jobTemplate.spec.template : undefined;
  const podSpec = isRecord(template) && isRecord(template.spec) ? template.spec : undefined;
  if (!podSpec) return;
  if (podSpec.hostNetwork === true) add('hostNetwork', "every port it listens on, on the node's addresses");
  for (const container of servingContainers(podSpec)) {
    for (const p of list(container.ports)) {
      if (typeof p.hostPort === 'number' && p.hostPort !== 0) add('hostPort', `${text(p.protocol ?? 'TCP')} ${p.hostPort} (container ${text(container.name)} port ${text(p.containerPort)})`);
    }
  }
}

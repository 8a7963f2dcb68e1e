import { Json, LintContext, LintWorkload, dig, records } from './context';
import { namespaceOf } from '../analysis/objects';
import { Labels } from '../analysis/selectors';

/** A workload's container ports, main containers and sidecars alike. */
export function containerPorts(workload: LintWorkload): Json[] {
  return workload.containers.flatMap((c) => records(c, 'ports'));
}

/** `kind namespace/name` of an object, for messages. */
export function describeObject(object: Json): string {
  const name = String(dig(object, 'metadata', 'name') ?? '<unnamed>');
  return object.kind === 'Namespace' ? `Namespace ${name}` : `${String(object.kind)} ${namespaceOf(object)}/${name}`;
}

/** The first line of a string value, or undefined. */
export function stringAt(object: unknown, ...path: string[]): string | undefined {
  const value = dig(object, ...path);
  return typeof value === 'string' ? value : undefined;
}

/**
 * Gateway API implementations deploy a Gateway's proxies themselves, labelled with its
 * name: a selector for them matches no manifest in the input, yet is right.
 */
export function isGatewayDataPlane(context: LintContext, labels: Labels, namespaces: readonly string[]): boolean {
  const gatewayName = labels['gateway.networking.k8s.io/gateway-name'];
  return gatewayName !== undefined && context.ofKind('Gateway').some((g) => dig(g, 'metadata', 'name') === gatewayName && namespaces.includes(namespaceOf(g)));
}

/**
 * Whether an image reference pins a version: a digest (`@sha256:...`) or a tag other than
 * `latest`. The tag is after the last `:` that follows the last `/` (a registry port is not a tag).
 */
export function imageIsPinned(image: string): boolean {
  if (image.includes('@')) return true;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon >= 0 && image.slice(colon + 1) !== 'latest';
}


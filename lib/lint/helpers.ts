import { DnsTarget, Json, LintContext, LintWorkload, PortRange, dig, records } from './context';
import { dns1123LabelProblem, labelsProblem } from '../net/names';
import { closestMatches } from '../analysis/queries/suggest';
import { namespaceOf } from '../analysis/input/objects';
import { Labels, parseSelector, selectorMatches } from '../analysis/model/selectors';
import { readLabels } from '../analysis/input/objects';

/**
 * A workload's container ports, main containers and sidecars alike. An operator-made workload
 * (no pod spec in the input) has the ports its operator documents, as the analyzer reads them.
 */
export function containerPorts(workload: LintWorkload): Json[] {
  if (workload.operatorMade) return workload.ports.map((p) => ({ ...(p.name !== undefined ? { name: p.name } : {}), containerPort: p.number, protocol: p.protocol }));
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


/** A port name that says it serves metrics: `metrics`, `http-metrics`, `metrics-tls`, ... */
const METRICS_PORT_NAME = /(^|-)metrics($|-)/;

/**
 * Whether every port of a Service serves metrics: named for it, or scraped by a ServiceMonitor
 * of the input that selects the Service (its endpoints name the port). A scraper, not users,
 * reads such a Service: no readiness gate decides whether a user gets an answer.
 */
export function isMetricsOnlyService(context: LintContext, service: Json): boolean {
  const ports = records(service, 'spec', 'ports');
  if (ports.length === 0) return false;
  const labels = dig(service, 'metadata', 'labels');
  const scraped = new Set<string>();
  for (const monitor of context.ofKind('ServiceMonitor')) {
    if (namespaceOf(monitor) !== namespaceOf(service) && dig(monitor, 'spec', 'namespaceSelector', 'any') !== true) continue;
    const selector = parseSelector(dig(monitor, 'spec', 'selector'));
    if (!selectorMatches(selector, readLabels(labels))) continue;
    for (const endpoint of records(monitor, 'spec', 'endpoints')) if (typeof endpoint.port === 'string') scraped.add(endpoint.port);
  }
  return ports.every((p) => {
    const name = typeof p.name === 'string' ? p.name : '';
    const target = typeof p.targetPort === 'string' ? p.targetPort : '';
    return METRICS_PORT_NAME.test(name) || METRICS_PORT_NAME.test(target) || (name !== '' && scraped.has(name));
  });
}

/** Images of proxies that run beside an app to guard its port (authentication, RBAC). */
const PROXY_IMAGES = /(^|\/)(kube-rbac-proxy|oauth2-proxy|oauth-proxy)(:|@|$)/;

/**
 * Whether a container is a sidecar proxy in front of another container of its pod: a known
 * proxy image, or an `--upstream` argument pointing at localhost. It is ready when its
 * upstream is; the upstream's own probes are what decide.
 */
export function isSidecarProxy(container: Json): boolean {
  if (typeof container.image === 'string' && PROXY_IMAGES.test(container.image.split('@')[0].replace(/:[^/]*$/, '') + ':')) return true;
  const args = [...(Array.isArray(container.args) ? container.args : []), ...(Array.isArray(container.command) ? container.command : [])].map(String);
  return args.some((a) => /^--upstream=(https?:\/\/)?(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(a));
}

/**
 * Why a node-port range is not one the API server would start with (both ends 1-65535, the
 * first no greater than the last), or undefined when it is.
 */
export function nodePortRangeProblem(range: PortRange): string | undefined {
  const { min, max } = range;
  const port = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;
  return port(min) && port(max) && min <= max ? undefined : `nodePortRange ${min}-${max} is not a range of ports: both ends 1-65535, the first no greater than the last, e.g. 30000-32767`;
}

/**
 * Why a list of rule ids to turn off names rules that do not exist (a typo would leave the rule
 * on while its author believes it off), or undefined when every id is one of `known`.
 */
export function unknownRuleIdsProblem(ids: readonly string[], known: readonly string[]): string | undefined {
  const unknown = [...new Set(ids.filter((id) => !known.includes(id)))];
  if (unknown.length === 0) return undefined;
  const hints = unknown.map((id) => {
    const close = closestMatches(id, known, 1);
    return close.length > 0 ? `${id} (did you mean ${close[0]}?)` : id;
  });
  return `disable names ${unknown.length === 1 ? 'a rule that does not exist' : 'rules that do not exist'}: ${hints.join(', ')}`;
}

/** The options every lint run is given that can be wrong in value. */
interface CheckedLintOptions {
  readonly nodePortRange?: PortRange;
  readonly disable?: readonly string[];
  readonly dns?: readonly DnsTarget[];
  readonly systemNamespaces?: readonly string[];
}

/**
 * The first option of a lint run that no cluster could have (a node-port range the API server
 * would not start with, DNS pods at no namespace or port, a system namespace that is no name)
 * or that names no rule, or undefined. `known` is every rule id that may be turned off.
 */
export function lintOptionsProblem(options: CheckedLintOptions, known: readonly string[]): string | undefined {
  const range = options.nodePortRange && nodePortRangeProblem(options.nodePortRange);
  if (range) return range;
  const ids = unknownRuleIdsProblem(options.disable ?? [], known);
  if (ids) return ids;
  for (const target of options.dns ?? []) {
    const where = `dns target ${JSON.stringify(target)}`;
    const namespace = typeof target.namespace === 'string' ? dns1123LabelProblem(target.namespace) : 'is not a string';
    if (namespace) return `${where}: its namespace ${namespace}`;
    if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) return `${where}: its port is not a number 1-65535`;
    const labels = labelsProblem(target.podLabels ?? {});
    if (labels) return `${where}: in its podLabels, ${labels}`;
  }
  for (const namespace of options.systemNamespaces ?? []) {
    const problem = typeof namespace === 'string' ? dns1123LabelProblem(namespace) : 'is not a string';
    if (problem) return `systemNamespaces "${String(namespace)}" ${problem}`;
  }
  return undefined;
}

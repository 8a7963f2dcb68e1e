import { NetworkModel, TrafficQuery } from '../analysis/queries/network-model';
import { reachabilityOf } from '../analysis/queries/exposure';
import { replayFlows } from '../analysis/queries/replay';
import type { FlowInput } from '../analysis/input/flows';

/** What the traffic matchers accept: a model, a cdk8s chart or app, or YAML text. */
export type TrafficSubject = NetworkModel | ChartLike | string;

/** A cdk8s Chart or App, or anything else whose `toJson()` returns Kubernetes objects. */
export interface ChartLike {
  /** The objects, as `Chart.toJson()` returns them. */
  toJson(): unknown[];
}

/** Builds a model from whatever a test has in hand. */
export function modelOf(subject: TrafficSubject): NetworkModel {
  if (subject instanceof NetworkModel) return subject;
  if (typeof subject === 'string') return NetworkModel.fromYaml(subject);
  if (subject && typeof (subject as { toJson?: unknown }).toJson === 'function') return NetworkModel.fromChart(subject as { toJson(): unknown[] });
  throw new TypeError('expected a NetworkModel, a cdk8s Chart, or YAML text');
}

/** What a vitest matcher returns. */
export interface MatcherResult {
  /** Whether the expectation held. */
  pass: boolean;
  /** What vitest prints when it did not, with the analyzer's explanation. */
  message: () => string;
}

function trafficMatcher(expectAllowed: boolean) {
  return function (this: { isNot: boolean }, received: TrafficSubject, query: TrafficQuery): MatcherResult {
    const verdict = modelOf(received).check(query);
    const pass = verdict.allowed === expectAllowed;
    const wanted = this.isNot ? (expectAllowed ? 'not allowed' : 'not denied') : (expectAllowed ? 'allowed' : 'denied');
    return {
      pass,
      message: () => `expected ${query.from} -> ${query.to} on ${query.protocol ?? 'TCP'} ${query.port} to be ${wanted}.\n${verdict.why}`,
    };
  };
}

/**
 * Passes when exactly these workloads can be reached from the internet: through a
 * LoadBalancer or NodePort Service the policies admit, an Ingress or HTTPRoute path (counted
 * when its reachability is `unknown` because the ingress controller is not in the subject: the
 * route is the intent, and the message says which hop is missing), or host networking.
 */
function toExposeOnly(this: { isNot: boolean }, received: TrafficSubject, expected: readonly string[]): MatcherResult {
  const exposure = modelOf(received).exposure();
  const exposed = exposure.filter((e) => e.reachability !== 'not reachable').map((e) => e.workload).sort();
  const wanted = [...expected].sort();
  const pass = exposed.length === wanted.length && exposed.every((w, i) => w === wanted[i]);
  const routes = exposure.filter((e) => e.internet.length > 0).map((e) => `  ${e.workload} (${e.reachability}): ${e.internet.map((r) => `${r.via} ${r.detail} [${reachabilityOf(r.status)}]${r.problem ? `: ${r.problem}` : ''}`).join('; ')}`);
  return {
    pass,
    message: () => `expected ${this.isNot ? 'not ' : ''}exactly [${wanted.join(', ')}] to be reachable from the internet; reachable: [${exposed.join(', ')}]${routes.length > 0 ? `\n${routes.join('\n')}` : ''}`,
  };
}

/**
 * Passes when every observed flow (flow records as text: Hubble JSON lines, netkit JSON lines
 * or CSV; or read with `readFlows`) is allowed; a flow whose end matches no workload, and a
 * malformed line, fail it too (nothing is skipped silently).
 */
function toAllowFlows(this: { isNot: boolean }, received: TrafficSubject, flows: FlowInput | string): MatcherResult {
  const result = replayFlows(modelOf(received), flows);
  const failing = result.flows.filter((f) => f.verdict !== 'allowed');
  const pass = failing.length === 0 && result.malformed.length === 0;
  return {
    pass,
    message: () => (this.isNot
      ? `expected some of the ${result.flows.length} observed flow(s) not to be allowed, but every one is`
      : `expected every observed flow to be allowed; ${failing.length} of ${result.flows.length} are not${result.malformed.length > 0 ? `, and ${result.malformed.length} line(s) are malformed` : ''}:\n${[
        ...failing.map((f) => `  ${f.verdict.toUpperCase()} ${f.from} -> ${f.to} ${f.protocol}${f.port ? ` ${f.port}` : ''} (x${f.count}): ${f.why}`),
        ...result.malformed.map((m) => `  line ${m.line}: ${m.reason}`),
      ].join('\n')}`),
  };
}

/** `expect(chart).toAllowTraffic({ from, to, port })`, `.toDenyTraffic(...)`, `.toExposeOnly([...])` and `.toAllowFlows(flows)`. */
export const netkitMatchers = {
  /** Passes when every observed flow is allowed (none unmatched, no malformed line). */
  toAllowFlows,
  /** Passes when the source's egress and the destination's ingress both allow the traffic. */
  toAllowTraffic: trafficMatcher(true),
  /** Passes when a policy on either side denies the traffic. */
  toDenyTraffic: trafficMatcher(false),
  /** Passes when exactly these workloads can be reached from the internet (reachable or unknown). */
  toExposeOnly,
};

/** The matcher types, for `declare module 'vitest'` augmentation. */
export interface NetkitMatchers<R = unknown> {
  /** Passes when the source's egress and the destination's ingress both allow the traffic. */
  toAllowTraffic(query: TrafficQuery): R;
  /** Passes when a policy on either side denies the traffic. */
  toDenyTraffic(query: TrafficQuery): R;
  /** Passes when exactly these workloads (`<namespace>/<name>`) can be reached from the internet. */
  toExposeOnly(workloads: readonly string[]): R;
  /** Passes when every observed flow (Hubble JSON lines, netkit JSON lines or CSV, or `readFlows` output) is allowed. */
  toAllowFlows(flows: FlowInput | string): R;
}

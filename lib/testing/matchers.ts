import { NetworkModel, TrafficQuery } from '../analysis/network-model';

/** What the traffic matchers accept: a model, a cdk8s chart or app, or YAML text. */
export type TrafficSubject = NetworkModel | { toJson(): unknown[] } | string;

/** Builds a model from whatever a test has in hand. */
export function modelOf(subject: TrafficSubject): NetworkModel {
  if (subject instanceof NetworkModel) return subject;
  if (typeof subject === 'string') return NetworkModel.fromYaml(subject);
  if (subject && typeof (subject as { toJson?: unknown }).toJson === 'function') return NetworkModel.fromChart(subject as { toJson(): unknown[] });
  throw new TypeError('expected a NetworkModel, a cdk8s Chart, or YAML text');
}

interface MatcherResult {
  pass: boolean;
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

/** `expect(chart).toAllowTraffic({ from, to, port })` and `.toDenyTraffic(...)`. */
export const netkitMatchers = {
  toAllowTraffic: trafficMatcher(true),
  toDenyTraffic: trafficMatcher(false),
};

/** The matcher types, for `declare module 'vitest'` augmentation. */
export interface NetkitMatchers<R = unknown> {
  /** Passes when the source's egress and the destination's ingress both allow the traffic. */
  toAllowTraffic(query: TrafficQuery): R;
  /** Passes when a policy on either side denies the traffic. */
  toDenyTraffic(query: TrafficQuery): R;
}

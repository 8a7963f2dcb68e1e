import { App, ApiObject, Chart, ImplicitTokenResolver, IResolver, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';

/**
 * Faster stand-ins for the two functions `ApiObject.toJson` runs over every value of every
 * object: cdk8s's `resolve` (which builds a key path and a resolution context for each value,
 * and lists each mapping's entries) and `sanitizeValue` (which sorts each mapping's keys with a
 * copy). Same results, same errors (test/private/fast-resolve.test.ts); the synth scope puts
 * them in place for the length of one synth call.
 */

type Resolve = (key: string[], value: unknown, apiObject: ApiObject) => unknown;
type Sanitize = (value: unknown, options?: SanitizeOptions) => unknown;

/** cdk8s's sanitize options (lib/_util). */
export interface SanitizeOptions {
  readonly filterEmptyArrays?: boolean;
  readonly filterEmptyObjects?: boolean;
  readonly sortKeys?: boolean;
}

/** cdk8s's module that ApiObject and its metadata call `resolve` through. */
interface ResolveModule { resolve: Resolve }
/** cdk8s's module that they call `sanitizeValue` through. */
interface UtilModule { sanitizeValue: Sanitize }

/**
 * Whether an app resolves with cdk8s's own resolvers only (the default): then no resolver reads
 * the key path or the context, and the values can be resolved without them.
 */
function defaultResolversOnly(resolvers: readonly IResolver[]): boolean {
  return resolvers.length === 3
    && resolvers[0] instanceof LazyResolver && resolvers[0].resolve === LazyResolver.prototype.resolve
    && resolvers[1] instanceof ImplicitTokenResolver && resolvers[1].resolve === ImplicitTokenResolver.prototype.resolve
    && resolvers[2] instanceof NumberStringUnionResolver && resolvers[2].resolve === NumberStringUnionResolver.prototype.resolve;
}

/** cdk8s's resolution with its default resolvers, step by step in the same order. */
function resolveValue(value: unknown): unknown {
  if (value == null) return value;
  const v = value as Record<string, unknown> & { constructor?: unknown };
  // LazyResolver
  if (v instanceof Lazy) return resolveValue(v.produce());
  // ImplicitTokenResolver
  if (typeof v.resolve === 'function') return resolveValue((v.resolve as () => unknown)());
  // NumberStringUnionResolver: union classes (IntOrString, Quantity) become { value }.
  if (v.constructor !== Object && (typeof v.value === 'number' || typeof v.value === 'string')) return resolveValue({ value: v.value });
  if (Array.isArray(value)) return value.map((item) => resolveValue(item));
  if (v.constructor == Object) {
    const result: Record<string, unknown> = {};
    for (const name in v) if (Object.prototype.hasOwnProperty.call(v, name)) result[name] = resolveValue(v[name]);
    return result;
  }
  return value;
}

/** `resolve` for `original`'s callers: the fast path when the app keeps cdk8s's resolvers. */
function fastResolve(original: Resolve): Resolve {
  return (key, value, apiObject) => (defaultResolversOnly(App.of(apiObject).resolvers)
    ? resolveValue(value)
    : original(key, value, apiObject));
}

/** Sorts strings as `Array.prototype.sort()` does, in place and without its working copy for short lists. */
function sortKeys(keys: string[]): void {
  if (keys.length > 24) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const current = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > current; j--) keys[j + 1] = keys[j];
    keys[j + 1] = current;
  }
}

/** cdk8s's `sanitizeValue`, the same steps without the sorted copy or a key list for emptiness. */
export function sanitizeValue(value: unknown, options: SanitizeOptions = {}): unknown {
  if (value == null) return undefined;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (options.filterEmptyArrays && value.length === 0) return undefined;
    return value.map((item) => sanitizeValue(item, options));
  }
  const constructorName = (value.constructor as { name: string }).name;
  if (constructorName !== 'Object') throw new Error(`can't render non-simple object of type '${constructorName}'`);
  const result: Record<string, unknown> = {};
  const keys = Object.keys(value);
  if (options.sortKeys ?? true) sortKeys(keys);
  for (const key of keys) {
    const sanitized = sanitizeValue((value as Record<string, unknown>)[key], options);
    if (sanitized != null) result[key] = sanitized;
  }
  if (options.filterEmptyObjects && Object.keys(result).length === 0) return undefined;
  return result;
}

/** A number-or-string union class, as the generated L1 classes have (IntOrString, Quantity). */
class ProbeUnion {
  public constructor(public readonly value: string | number) {}
}

/** The last pair of cdk8s functions probed, and whether the stand-ins gave what they give. */
let probed: { resolve: Resolve; sanitize: Sanitize; same: boolean } | undefined;

/**
 * Whether the stand-ins give what this cdk8s's own functions give on a value with every case
 * they handle (Lazy, token, union, undefined and null, empty lists and mappings, key order),
 * under each option its callers pass: a later cdk8s that changed either keeps its own.
 */
function standInsMatch(resolve: Resolve, sanitize: Sanitize): boolean {
  if (probed?.resolve === resolve && probed.sanitize === sanitize) return probed.same;
  let same = false;
  try {
    const object = new ApiObject(new Chart(new App(), 'probe'), 'probe', { apiVersion: 'v1', kind: 'ConfigMap' });
    const value = () => ({
      zeta: [Lazy.any({ produce: () => ({ b: undefined, a: null, c: new ProbeUnion(8080) }) }), null],
      alpha: { resolve: () => ({ y: new ProbeUnion('25%'), x: [], w: {} }) },
      empty: {},
    });
    same = [{ sortKeys: true }, { sortKeys: false }, { filterEmptyArrays: true, filterEmptyObjects: true }].every((options) =>
      JSON.stringify(sanitize(resolve([], value(), object), options)) === JSON.stringify(sanitizeValue(resolveValue(value()), options)));
  } catch {
    same = false;
  }
  probed = { resolve, sanitize, same };
  return same;
}

/**
 * Puts the fast `resolve` and `sanitizeValue` in place of cdk8s's; returns what undoes it.
 * Does nothing when cdk8s's modules do not have the expected shape (another cdk8s layout) or
 * their functions give other results than the stand-ins on a probe value.
 */
export function useFastResolve(): () => void {
  let resolveModule: ResolveModule;
  let utilModule: UtilModule;
  try {
    resolveModule = require('cdk8s/lib/resolve') as ResolveModule;
    utilModule = require('cdk8s/lib/_util') as UtilModule;
  } catch {
    return () => undefined;
  }
  if (typeof resolveModule.resolve !== 'function' || typeof utilModule.sanitizeValue !== 'function') return () => undefined;
  const originalResolve = resolveModule.resolve;
  const originalSanitize = utilModule.sanitizeValue;
  if (!standInsMatch(originalResolve, originalSanitize)) return () => undefined;
  resolveModule.resolve = fastResolve(originalResolve);
  utilModule.sanitizeValue = sanitizeValue;
  return () => {
    resolveModule.resolve = originalResolve;
    utilModule.sanitizeValue = originalSanitize;
  };
}

/**
 * Label selectors (metav1.LabelSelector) as the API server evaluates them: every
 * matchLabels pair and every matchExpressions requirement must hold; an empty selector
 * matches everything.
 */

/** A label map. */
export type Labels = Readonly<Record<string, string>>;

/** One matchExpressions requirement. */
export interface SelectorRequirement {
  /** The label key. */
  readonly key: string;
  /** How the value relates to `values`. */
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  /** The values, for `In` and `NotIn`. */
  readonly values: readonly string[];
}

/** A parsed label selector. `invalid` says why it can match nothing. */
export interface Selector {
  /** Labels that must all match. */
  readonly matchLabels: Labels;
  /** Requirements that must all hold. */
  readonly expressions: readonly SelectorRequirement[];
  /** Why the selector is invalid (it then matches nothing). @default - it is valid */
  readonly invalid?: string;
}

/** The selector `{}`: everything. */
export const MATCH_ALL: Selector = { matchLabels: {}, expressions: [] };

/** Whether a selector has no requirements (and so selects every pod or namespace). */
export function isEmptySelector(selector: Selector): boolean {
  return !selector.invalid && Object.keys(selector.matchLabels).length === 0 && selector.expressions.length === 0;
}

/** Reads a selector object from a manifest, tolerating junk (reported as `invalid`). */
export function parseSelector(raw: unknown): Selector {
  if (raw === undefined || raw === null) return MATCH_ALL;
  if (!isRecord(raw)) return { ...MATCH_ALL, invalid: 'selector is not a mapping' };
  const matchLabels: Record<string, string> = {};
  if (raw.matchLabels !== undefined && raw.matchLabels !== null) {
    if (!isRecord(raw.matchLabels)) return { ...MATCH_ALL, invalid: 'matchLabels is not a mapping' };
    for (const key of Object.keys(raw.matchLabels)) {
      const value = raw.matchLabels[key];
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        return { ...MATCH_ALL, invalid: `matchLabels.${key} is not a string` };
      }
      setOwn(matchLabels, key, String(value));
    }
  }
  const expressions: SelectorRequirement[] = [];
  if (raw.matchExpressions !== undefined && raw.matchExpressions !== null) {
    if (!Array.isArray(raw.matchExpressions)) return { ...MATCH_ALL, invalid: 'matchExpressions is not a list' };
    for (const item of raw.matchExpressions) {
      if (!isRecord(item) || typeof item.key !== 'string') return { ...MATCH_ALL, invalid: 'a matchExpressions entry has no key' };
      const operator = item.operator;
      const values = Array.isArray(item.values) ? item.values.map(String) : [];
      if (operator === 'In' || operator === 'NotIn') {
        if (values.length === 0) return { ...MATCH_ALL, invalid: `${operator} on "${item.key}" needs values` };
      } else if (operator === 'Exists' || operator === 'DoesNotExist') {
        if (values.length > 0) return { ...MATCH_ALL, invalid: `${operator} on "${item.key}" must not have values` };
      } else {
        return { ...MATCH_ALL, invalid: `unknown operator ${JSON.stringify(operator)}` };
      }
      expressions.push({ key: item.key, operator, values });
    }
  }
  return { matchLabels, expressions };
}

/** Whether `labels` satisfy the selector. An invalid selector matches nothing. */
export function selectorMatches(selector: Selector, labels: Labels): boolean {
  if (selector.invalid) return false;
  for (const key in selector.matchLabels) {
    if (!Object.prototype.hasOwnProperty.call(labels, key) || labels[key] !== selector.matchLabels[key]) return false;
  }
  for (const requirement of selector.expressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
    switch (requirement.operator) {
      case 'In': if (!has || !requirement.values.includes(labels[requirement.key])) return false; break;
      // NotIn also matches objects that lack the key, as in Kubernetes.
      case 'NotIn': if (has && requirement.values.includes(labels[requirement.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
    }
  }
  return true;
}

/** Pod labels of a workload: the labels all pods share, and each pod's when they differ. */
export interface PodLabels {
  readonly labels: Labels;
  readonly podLabelSets?: readonly Labels[];
}

/** Whether a selector matches some pod of the workload. */
export function workloadMatches(selector: Selector, workload: PodLabels): boolean {
  if (!workload.podLabelSets) return selectorMatches(selector, workload.labels);
  return workload.podLabelSets.some((labels) => selectorMatches(selector, labels));
}

/** Whether a Service-style selector (`key: value` pairs, all required) selects some pod of the workload. */
export function labelsSelectWorkload(selector: Labels, workload: PodLabels): boolean {
  return workloadMatches({ matchLabels: selector, expressions: [] }, workload);
}

/** Whether a selector matches some but not all pods of the workload (a StatefulSet replica by name). */
export function matchesSomePods(selector: Selector, workload: PodLabels): boolean {
  const sets = workload.podLabelSets;
  if (!sets || sets.length < 2) return false;
  const matched = sets.filter((labels) => selectorMatches(selector, labels)).length;
  return matched > 0 && matched < sets.length;
}

/** Selector as text, e.g. `{app=web, tier in (a,b)}`; `{}` for match-all. */
export function describeSelector(selector: Selector): string {
  if (selector.invalid) return `<invalid: ${selector.invalid}>`;
  const parts = Object.keys(selector.matchLabels).sort().map((k) => `${k}=${selector.matchLabels[k]}`);
  for (const r of selector.expressions) {
    if (r.operator === 'In' || r.operator === 'NotIn') parts.push(`${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${r.values.join(',')})`);
    else parts.push(r.operator === 'Exists' ? r.key : `!${r.key}`);
  }
  return `{${parts.join(', ')}}`;
}

/** A plain-object check that excludes arrays and null. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sets a key as an own property. Plain assignment of `__proto__` would change the
 * object's prototype (or be ignored) instead of storing a label named `__proto__`.
 */
export function setOwn(target: Record<string, string>, key: string, value: string): void {
  // Only `__proto__` is an accessor on Object.prototype; any other key assigns as an own property.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

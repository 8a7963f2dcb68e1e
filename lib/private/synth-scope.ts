import { ApiObject, App, Chart, DependencyGraph, Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { useFastResolve } from './fast-resolve';
import { stringifyDocuments } from './fast-yaml';

/** What one `app.synth()` / `app.synthYaml()` call has computed so far. */
export interface SynthScope {
  /** Each ApiObject's JSON, computed once in the call. */
  readonly json: Map<ApiObject, unknown>;
  /** Anything a validation wants to keep for the rest of the call. */
  readonly memo: Map<string, unknown>;
}

const SCOPES = new WeakMap<App, { current?: SynthScope }>();

/**
 * Makes one synth call cheaper without changing its output:
 * - cdk8s resolves dependencies and validates the whole app once per call, then again for
 *   every chart it serializes (`Chart.toJson` -> `App._synthChart`): with one Chart per
 *   namespace that is charts x constructs, quadratic. The call has already done both and
 *   nothing changes within it, so each chart is serialized directly (same objects, same order);
 * - each object's JSON is computed once and reused (lint reads it too), by cdk8s's own
 *   `toJson` with faster stand-ins for its value resolution and key sorting (fast-resolve.ts);
 * - documents are written by a YAML writer that is byte-identical to cdk8s's (tested)
 *   and much faster.
 * Everything is undone when the call returns.
 */
export function enableSynthScope(app: App): void {
  if (SCOPES.has(app)) return;
  const holder: { current?: SynthScope } = {};
  SCOPES.set(app, holder);
  for (const method of ['synth', 'synthYaml'] as const) {
    const original = app[method];
    Object.defineProperty(app, method, {
      configurable: true,
      writable: true,
      value: (...args: unknown[]) => {
        if (holder.current) return (original as (...a: unknown[]) => unknown).apply(app, args);
        const scope: SynthScope = { json: new Map(), memo: new Map() };
        holder.current = scope;
        const restoreResolve = useFastResolve();
        const originalStringify = Yaml.stringify;
        Yaml.stringify = (...docs: unknown[]) => stringifyDocuments(docs);
        const statics = App as unknown as { _synthChart(chart: Chart): unknown[] };
        const originalSynthChart = statics._synthChart;
        statics._synthChart = (chart: Chart) => (App.of(chart) === app ? chartObjects(chart) : originalSynthChart.call(App, chart));
        // App.charts: the charts in dependency order, computed as cdk8s does, without its graph
        // (only where it is cdk8s's own getter: not when a subclass or the user replaced it, nor
        // in a cdk8s where it is something else).
        const appCharts = getterOf(App.prototype, 'charts');
        const ownCharts = typeof appCharts === 'function' && getterOf(app, 'charts') === appCharts && !Object.prototype.hasOwnProperty.call(app, 'charts');
        if (ownCharts) Object.defineProperty(app, 'charts', { configurable: true, get: () => dependencyOrder(app).filter((c): c is Chart => c instanceof Chart) });
        try {
          return (original as (...a: unknown[]) => unknown).apply(app, args);
        } finally {
          if (ownCharts) delete (app as { charts?: unknown }).charts;
          restoreResolve();
          Yaml.stringify = originalStringify;
          statics._synthChart = originalSynthChart;
          for (const object of scope.json.keys()) delete (object as unknown as { toJson?: unknown }).toJson;
          holder.current = undefined;
        }
      },
    });
  }
}

/** The getter `object.name` runs, wherever on its prototype chain it is defined. */
function getterOf(object: object, name: string): unknown {
  for (let o: object | null = object; o; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, name);
    if (descriptor) return descriptor.get;
  }
  return undefined;
}

/** The scope of the synth call under way for this app, if any. */
export function currentSynthScope(app: App): SynthScope | undefined {
  return SCOPES.get(app)?.current;
}

/** `object.toJson()`, computed once per synth call. */
export function jsonOnce(app: App, object: ApiObject): unknown {
  const scope = currentSynthScope(app);
  if (!scope) return object.toJson();
  if (scope.json.has(object)) return scope.json.get(object);
  const json = object.toJson();
  scope.json.set(object, json);
  Object.defineProperty(object, 'toJson', { configurable: true, writable: true, value: () => json });
  return json;
}

/**
 * A chart's objects as `App._synthChart` returns them, minus the app-wide dependency
 * resolution and validation the enclosing synth call has already done: the chart's subtree in
 * dependency order, each object in its closest chart only.
 */
function chartObjects(chart: Chart): unknown[] {
  return dependencyOrder(chart)
    .filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart)
    .map((o) => o.toJson());
}

/**
 * `new DependencyGraph(scope.node).topology()`. When no construct under the scope declares a
 * dependency (the usual case), cdk8s's graph adopts every construct as a root in the order of
 * an object keyed by construct path, and that order is its topology: built here without the
 * graph, which allocates some kilobytes per construct (for the app's chart list and again for
 * every chart written).
 */
export function dependencyOrder(scope: IConstruct): IConstruct[] {
  const constructs = scope.node.findAll();
  if (constructs.some((c) => c.node.dependencies.length > 0)) return new DependencyGraph(scope.node).topology();
  // Keyed by path as cdk8s keys its vertices, so the order is the same even for integer-like paths.
  const byPath: Record<string, IConstruct> = {};
  for (const c of constructs) byPath[c.node.path] = c;
  return Object.values(byPath);
}

import { ApiObject, App, Yaml } from 'cdk8s';
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
 * - cdk8s validates the app once per call and again for every chart it serializes, then
 *   serializes every ApiObject once more; within one call nothing can change, so each
 *   object's JSON is computed once and reused;
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
        const originalStringify = Yaml.stringify;
        Yaml.stringify = (...docs: unknown[]) => stringifyDocuments(docs);
        try {
          return (original as (...a: unknown[]) => unknown).apply(app, args);
        } finally {
          Yaml.stringify = originalStringify;
          for (const object of scope.json.keys()) delete (object as unknown as { toJson?: unknown }).toJson;
          holder.current = undefined;
        }
      },
    });
  }
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

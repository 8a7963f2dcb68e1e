import { createRequire } from 'node:module';

type Model = new (data: unknown) => { validate(): void };

const load = createRequire(__filename);
const models = new Map<string, Model | null>();

/** The package that publishes a schema for this API group. */
function packageFor(apiVersion: string): string {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (group === 'gateway.networking.k8s.io') return '@kubernetes-models/gateway-api';
  if (group === 'cert-manager.io') return '@kubernetes-models/cert-manager';
  return 'kubernetes-models';
}

/** The schema model for an apiVersion and kind, loaded on first use; null when none is published. */
function modelFor(apiVersion: string, kind: string): Model | null {
  const key = `${apiVersion}/${kind}`;
  if (models.has(key)) return models.get(key)!;
  let model: Model | null = null;
  if (/^[A-Za-z0-9.\-/]+$/.test(apiVersion) && /^[A-Za-z0-9]+$/.test(kind)) {
    try {
      const module = load(`${packageFor(apiVersion)}/${apiVersion}/${kind}`) as Record<string, unknown>;
      model = (module[kind] ?? null) as Model | null;
    } catch {
      model = null;
    }
  }
  models.set(key, model);
  return model;
}

/**
 * Schema errors of an object against the published OpenAPI schema of its kind (the
 * `kubernetes-models` packages, offline): wrong types, missing required fields, bad enum
 * values. Undefined when no schema is published for the kind.
 */
export function schemaErrors(object: Record<string, unknown>): string[] | undefined {
  const model = modelFor(String(object.apiVersion), String(object.kind));
  if (!model) return undefined;
  try {
    // The model's validate function reads the object as it is; building a model instance first
    // would only copy it (dropping undefined values, which parsed YAML and cdk8s JSON never hold).
    model.prototype.validate.call(object);
    return [];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.split(/\n|, (?=data\/)/).map((line) => line.trim().replace(/^data\/?/, '').replace(/\//g, '.')).filter(Boolean).slice(0, 5);
  }
}

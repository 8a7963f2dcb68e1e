import { createRequire } from 'node:module';
import { readClusterPolicy } from '../../lib/analysis/dialects/cluster-network-policy/cluster-policy';

const load = createRequire(__filename);

/**
 * Validates each object against the upstream Kubernetes OpenAPI schema with the
 * kubernetes-models package (offline, maintained, generated from the official schema).
 * Throws with the object's kind/name and the schema error.
 */
export function validateAgainstSchema(objects: readonly unknown[]): void {
  for (const raw of objects) {
    const object = raw as { apiVersion: string; kind: string; metadata?: { name?: string } };
    const path = object.apiVersion.includes('/') ? object.apiVersion : `v1`;
    const group = path.split('/')[0];
    if (group === 'policy.networking.k8s.io') {
      // network-policy-api has no maintained binding: its CRDs' validation, as the analyzer applies it.
      const { problems } = readClusterPolicy({ object: raw as Record<string, unknown> });
      if (problems.length > 0) throw new Error(`${object.kind} ${object.metadata?.name}: ${problems.join('; ')}`);
      continue;
    }
    // CRDs validate against their own published schemas (typed bindings from @kubernetes-models).
    const pkg = group === 'gateway.networking.k8s.io' ? '@kubernetes-models/gateway-api'
      : group === 'cert-manager.io' ? '@kubernetes-models/cert-manager' : 'kubernetes-models';
    let model: new (o: unknown) => { validate(): void };
    try {
      const module = load(`${pkg}/${path}/${object.kind}`) as Record<string, unknown>;
      model = (module[object.kind] ?? module.default) as typeof model;
    } catch {
      throw new Error(`no upstream schema for ${object.apiVersion} ${object.kind}`);
    }
    try {
      new model(object).validate();
    } catch (error) {
      throw new Error(`${object.kind} ${object.metadata?.name}: ${(error as Error).message}`);
    }
  }
}

/**
 * Calico's staged policies (stagednetworkpolicy.md, stagedglobalnetworkpolicy.md,
 * stagedkubernetesnetworkpolicy.md) are a preview: never enforced. Read as they are, they are
 * left out with a notice; with `staged`, each one is evaluated as if it were enforced: `Set`
 * (the default) puts it in place of the enforced policy of the same name, `Delete` takes that
 * policy away.
 */
import { SourcedObject } from '../../input/loader';
import { CLUSTER_SCOPED_KINDS, describeSourced } from '../../input/object-set';
import { nameOf, namespaceOf } from '../../input/objects';
import { isRecord } from '../../model/selectors';
import { CALICO_API } from './calico-policy';

const ENFORCED: Readonly<Record<string, { apiVersion: string; kind: string }>> = {
  StagedNetworkPolicy: { apiVersion: CALICO_API, kind: 'NetworkPolicy' },
  StagedGlobalNetworkPolicy: { apiVersion: CALICO_API, kind: 'GlobalNetworkPolicy' },
  StagedKubernetesNetworkPolicy: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
};

/** Whether an object is one of Calico's staged policy kinds. */
export function isStagedPolicy(object: Record<string, unknown>): boolean {
  return object.apiVersion === CALICO_API && Object.prototype.hasOwnProperty.call(ENFORCED, String(object.kind));
}

/** The objects with staged policies left out, or (with `enforce`) put in force; and what was done, in words. */
export function applyStaged(objects: readonly SourcedObject[], enforce: boolean): { objects: SourcedObject[]; notices: string[] } {
  const staged = objects.filter((s) => isStagedPolicy(s.object));
  if (staged.length === 0) return { objects: [...objects], notices: [] };
  const names = staged.map((s) => describeSourced(s.object));
  const listed = `${names.slice(0, 4).join(', ')}${names.length > 4 ? ` and ${names.length - 4} more` : ''}`;
  if (!enforce) {
    return {
      objects: objects.filter((s) => !isStagedPolicy(s.object)),
      notices: [`${staged.length} staged polic${staged.length === 1 ? 'y is' : 'ies are'} not enforced by Calico and left out of every answer (${listed}); --staged (staged: true) evaluates them as if they were`],
    };
  }
  const key = (apiVersion: string, kind: string, namespace: string, name: string) => `${apiVersion.split('/')[0]}|${kind}|${namespace}|${name}`;
  const identity = (o: Record<string, unknown>) => key(String(o.apiVersion), String(o.kind), CLUSTER_SCOPED_KINDS.has(String(o.kind)) ? '' : namespaceOf(o), nameOf(o) ?? '');
  const replaced = new Map<string, SourcedObject | null>();
  const notices: string[] = [`evaluating ${staged.length} staged polic${staged.length === 1 ? 'y' : 'ies'} as if enforced (--staged): ${listed}`];
  for (const source of staged) {
    const target = ENFORCED[String(source.object.kind)];
    const global = target.kind === 'GlobalNetworkPolicy';
    const namespace = global ? '' : namespaceOf(source.object);
    const name = nameOf(source.object) ?? '';
    const spec = isRecord(source.object.spec) ? { ...source.object.spec } : {};
    const action = spec.stagedAction ?? 'Set';
    delete spec.stagedAction;
    const id = key(target.apiVersion, target.kind, namespace, name);
    if (action === 'Delete') {
      if (!objects.some((s) => identity(s.object) === id)) notices.push(`${describeSourced(source.object)} stages deleting ${target.kind} ${namespace ? `${namespace}/` : ''}${name}, which is not in the input`);
      replaced.set(id, null);
      continue;
    }
    const metadata = { ...(isRecord(source.object.metadata) ? source.object.metadata : {}) };
    if (global) delete metadata.namespace;
    replaced.set(id, { ...source, object: { apiVersion: target.apiVersion, kind: target.kind, metadata, spec } });
  }
  const out: SourcedObject[] = [];
  for (const source of objects) {
    if (isStagedPolicy(source.object)) continue;
    const id = identity(source.object);
    if (replaced.has(id)) continue;
    out.push(source);
  }
  for (const value of replaced.values()) if (value) out.push(value);
  return { objects: out, notices };
}

import { SourcedObject } from '../analysis/loader';
import { DuplicateObject, readWorkloads, resolveDuplicates, unmodelledKindsNotice } from '../analysis/object-set';
import {
  NAMESPACE_NAME_LABEL, PolicyInfo, WorkloadInfo, nameOf, namespaceOf, podTemplateOf, readLabels, readPolicy, where,
} from '../analysis/objects';
import { apiServerProblems } from '../analysis/policy-validation';
import { Labels, isRecord } from '../analysis/selectors';

/** Plain-object access with types, for rules that read arbitrary manifests. */
export type Json = Record<string, unknown>;

/** Reads `obj.a.b.c` when every step is a mapping, else undefined. */
export function dig(object: unknown, ...path: string[]): unknown {
  let current: unknown = object;
  for (const key of path) {
    if (!isRecord(current) || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** `obj.a.b` as a list of mappings (non-mappings dropped), or []. */
export function records(object: unknown, ...path: string[]): Json[] {
  const value = dig(object, ...path);
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** Cluster facts some rules need. */
export interface LintContextOptions {
  /** The API server's --service-node-port-range. */
  readonly nodePortRange: { readonly min: number; readonly max: number };
}

/** Kubernetes defaults. */
export const DEFAULT_CONTEXT_OPTIONS: LintContextOptions = { nodePortRange: { min: 30000, max: 32767 } };

/** A workload with its raw pod spec, for rules about containers and probes. */
export interface LintWorkload extends WorkloadInfo {
  readonly object: Json;
  readonly podSpec: Json;
  readonly podLabels: Labels;
  readonly containers: Json[];
}

/**
 * Everything the rules need, indexed once: objects by kind, workloads with their pod
 * specs, Services, NetworkPolicies with API defaults applied, and namespaces.
 */
export class LintContext {
  public readonly objects: readonly SourcedObject[];
  public readonly workloads: LintWorkload[] = [];
  public readonly policies: PolicyInfo[] = [];
  /** Namespaces declared by a Namespace object, with labels (the name label included). */
  public readonly declaredNamespaces = new Map<string, Labels>();
  /** Every namespace some object lives in. */
  public readonly usedNamespaces = new Set<string>();
  private readonly byKind = new Map<string, Json[]>();
  private readonly sources = new Map<Json, SourcedObject>();
  private readonly workloadsByNamespace = new Map<string, LintWorkload[]>();
  private readonly policiesByNamespace = new Map<string, PolicyInfo[]>();
  private readonly services = new Map<string, Json>();
  private readonly workloadNames = new Map<Json, string>();
  public readonly notices: string[] = [];
  /** Objects given more than once; `objects` holds the last copy of each. */
  public readonly duplicates: readonly DuplicateObject[];

  constructor(input: readonly SourcedObject[], public readonly options: LintContextOptions = DEFAULT_CONTEXT_OPTIONS) {
    // The objects a cluster would hold: one per identity, the last one given (as the analyzer reads them).
    const resolved = resolveDuplicates(input);
    this.duplicates = resolved.duplicates;
    this.notices.push(...resolved.notices);
    const objects = resolved.objects;
    this.objects = objects;
    for (const source of input) this.sources.set(source.object, source);
    for (const source of objects) {
      const object = source.object;
      const kind = String(object.kind);
      const sameKind = this.byKind.get(kind);
      if (sameKind) sameKind.push(object);
      else this.byKind.set(kind, [object]);
      if (kind === 'Namespace') {
        const name = nameOf(object);
        if (name) this.declaredNamespaces.set(name, { ...readLabels(dig(object, 'metadata', 'labels')), [NAMESPACE_NAME_LABEL]: name });
        continue;
      }
      this.usedNamespaces.add(namespaceOf(object));
      if (kind === 'NetworkPolicy') {
        // A policy the API server would refuse is reported by policy-rejected-by-api-server alone.
        if (apiServerProblems(object).length > 0) continue;
        const policy = readPolicy(source, this.notices);
        if (policy) {
          this.policies.push(policy);
          const list = this.policiesByNamespace.get(policy.namespace);
          if (list) list.push(policy);
          else this.policiesByNamespace.set(policy.namespace, [policy]);
        }
        continue;
      }
      if (kind === 'Service') {
        const name = nameOf(object);
        const key = `${namespaceOf(object)}/${name}`;
        if (name && !this.services.has(key)) this.services.set(key, object);
      }
    }
    const workloads = readWorkloads(objects, this.notices);
    const unmodelled = unmodelledKindsNotice(objects);
    if (unmodelled) this.notices.push(unmodelled);
    for (const workload of workloads) {
      const object = workload.source!.object;
      this.workloadNames.set(object, workload.name);
      const template = podTemplateOf(object)!;
      const lintWorkload: LintWorkload = {
        ...workload,
        ref: `${workload.namespace}/${workload.name}`,
        object,
        podSpec: template.spec,
        podLabels: workload.labels,
        containers: records(template.spec, 'containers'),
      };
      this.workloads.push(lintWorkload);
      const list = this.workloadsByNamespace.get(workload.namespace);
      if (list) list.push(lintWorkload);
      else this.workloadsByNamespace.set(workload.namespace, [lintWorkload]);
    }
  }

  /** Objects of a kind, in input order. */
  public ofKind(kind: string): Json[] {
    return this.byKind.get(kind) ?? [];
  }

  /** Workloads in a namespace. */
  public workloadsIn(namespace: string): LintWorkload[] {
    return this.workloadsByNamespace.get(namespace) ?? [];
  }

  /** A Service by namespace and name. */
  public service(namespace: string, name: string): Json | undefined {
    return this.services.get(`${namespace}/${name}`);
  }

  /** NetworkPolicies in a namespace. */
  public policiesIn(namespace: string): PolicyInfo[] {
    return this.policiesByNamespace.get(namespace) ?? [];
  }

  /** Labels of a namespace: declared ones, or just the implied name label. */
  public namespaceLabels(namespace: string): Labels {
    return this.declaredNamespaces.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace };
  }

  /** Every namespace the input knows of. */
  public knownNamespaces(): string[] {
    return [...new Set([...this.declaredNamespaces.keys(), ...this.usedNamespaces])].sort();
  }

  /** Where an object came from. */
  public sourceOf(object: Json): SourcedObject | undefined {
    return this.sources.get(object);
  }

  /** The object's name, or the stand-in an unnamed workload is linted under. */
  public displayName(object: Json): string {
    return nameOf(object) ?? this.workloadNames.get(object) ?? `<unnamed ${String(object.kind)} in ${where(this.sources.get(object))}>`;
  }
}

export { nameOf, namespaceOf };

import { where } from '../../analysis/input/objects';
import { isRecord } from '../../analysis/model/selectors';
import { LintRule, Severity } from '../types';

type Json = Record<string, unknown>;

const stringMap = (value: unknown): Record<string, string> => (isRecord(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])) : {});

/** The object without its labels and annotations, for comparing what else two copies say. */
function withoutLabels(object: Json): string {
  const metadata = isRecord(object.metadata) ? { ...object.metadata } : {};
  delete metadata.labels;
  delete metadata.annotations;
  return JSON.stringify({ ...object, metadata }, (_key, value: unknown) => (isRecord(value) && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1))) : value));
}

/** What the kept copy adds to and drops from the replaced one's labels and annotations. */
function metadataChange(replaced: Json, kept: Json): { added: string[]; dropped: string[] } {
  const added: string[] = [];
  const dropped: string[] = [];
  for (const field of ['labels', 'annotations']) {
    const before = stringMap(isRecord(replaced.metadata) ? replaced.metadata[field] : undefined);
    const after = stringMap(isRecord(kept.metadata) ? kept.metadata[field] : undefined);
    for (const [k, v] of Object.entries(after)) if (before[k] !== v) added.push(`${k}=${v}`);
    for (const k of Object.keys(before)) if (!(k in after)) dropped.push(k);
  }
  return { added, dropped };
}

/**
 * The same object twice. When the copies differ beyond labels and annotations, one of them is
 * silently lost (and Argo CD and kustomize refuse the input): an error. When they differ only
 * there, or not at all, the last copy applies cleanly: a warning that says what it changes.
 */
export const duplicateObject: LintRule = {
  id: 'duplicate-object',
  severity: Severity.ERROR,
  description: 'The same object (API group, kind, namespace, name) defined twice: an error when the copies differ beyond labels and annotations (kubectl apply keeps only the last one), a warning when the last copy only adds or drops labels or annotations.',
  docs: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/names/',
  *check(context) {
    for (const duplicate of context.duplicates) {
      for (const copy of duplicate.replaced) {
        const kept = duplicate.kept.object;
        if (withoutLabels(copy.object) !== withoutLabels(kept)) {
          yield {
            object: copy.object,
            message: `is defined again at ${where(duplicate.kept)}, which replaces this copy on apply (kubectl apply keeps the last one)`,
            fix: 'Give each object its own name, or remove the copy.',
          };
          continue;
        }
        const { added, dropped } = metadataChange(copy.object, kept);
        const change = [
          ...(added.length > 0 ? [`adds ${added.join(', ')}`] : []),
          ...(dropped.length > 0 ? [`drops ${dropped.join(', ')}`] : []),
        ].join(' and ');
        yield {
          object: copy.object,
          severity: Severity.WARNING,
          message: `is defined again at ${where(duplicate.kept)}, which ${change || 'is identical'}; the copies apply cleanly and the last one is what the cluster holds, but Argo CD and kustomize refuse duplicate objects`,
          fix: 'Keep one copy, with every label and annotation it needs.',
        };
      }
    }
  },
};

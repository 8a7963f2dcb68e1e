import { PodSecurityLevel, podSecurityViolations } from '../pod-security-standards';
import { podTemplateOf } from '../../analysis/input/objects';
import { LintRule, Severity } from '../types';

const PROFILES = new Set<string>(Object.values(PodSecurityLevel));

export const podSecurityViolation: LintRule = {
  id: 'pod-security-violation',
  severity: Severity.ERROR,
  description: 'A pod template that fails the Pod Security profile its namespace enforces (pod-security.kubernetes.io/enforce, at the pinned enforce-version): the API server refuses its pods. Every baseline and restricted control is checked.',
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
  *check(context) {
    for (const workload of context.workloads) {
      if (workload.operatorMade) continue;
      // Only a Namespace object in the input says what its namespace enforces.
      const labels = context.declaredNamespaces.get(workload.namespace);
      if (!labels) continue;
      const level = labels['pod-security.kubernetes.io/enforce'];
      if (typeof level !== 'string' || !PROFILES.has(level)) continue;
      const versionLabel = labels['pod-security.kubernetes.io/enforce-version'];
      const version = typeof versionLabel === 'string' ? versionLabel : 'latest';
      const violations = podSecurityViolations(workload.podSpec, podTemplateOf(workload.object)!.metadata, level as PodSecurityLevel, version);
      if (violations.length === 0) continue;
      yield {
        object: workload.object,
        message: `its pods fail Pod Security "${level}" (${version}), which namespace ${workload.namespace} enforces, so the API server refuses them: ${violations.map((v) => `${v.control}: ${v.detail}`).join('; ')}`,
        fix: 'Change the pod to pass each control named (https://kubernetes.io/docs/concepts/security/pod-security-standards/), or run it in a namespace with a looser level on purpose.',
      };
    }
  },
};

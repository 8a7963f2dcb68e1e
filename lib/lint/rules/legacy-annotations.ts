import { Json, dig } from '../context';
import { isRecord } from '../../analysis/model/selectors';
import { LintRule, RawFinding, Severity } from '../types';

/** An annotation that used to change networking and no longer does, with what replaced it. */
interface LegacyAnnotation {
  readonly key: string;
  /** Where it was read: on the object itself, or on its pod template. */
  readonly on: 'Namespace' | 'Service' | 'pod';
  /** What it did, and since when it does nothing. */
  readonly lost: string;
  readonly fix: string;
  /** Whether the replacement is already set, so nothing is lost (then an info). */
  readonly replaced?: (object: Json) => boolean;
}

/**
 * From the Kubernetes release notes and API references: each annotation was the beta or alpha
 * spelling of what is now a field, and the API server ignores it.
 */
const LEGACY: readonly LegacyAnnotation[] = [
  {
    key: 'net.beta.kubernetes.io/network-policy', on: 'Namespace',
    lost: 'was the beta way (Kubernetes 1.3-1.6) to deny ingress by default in the namespace; since NetworkPolicy went GA in 1.7 it does nothing, so the namespace is not isolated',
    fix: 'Remove it and add a NetworkPolicy with podSelector {}, policyTypes [Ingress] and no rules (SecureNamespace writes it).',
  },
  {
    key: 'service.alpha.kubernetes.io/tolerate-unready-endpoints', on: 'Service',
    lost: 'used to publish endpoints of pods that are not ready; it was replaced by spec.publishNotReadyAddresses (1.11) and is ignored, so not-ready pods (a StatefulSet bootstrapping its peers, say) get no DNS records',
    fix: 'Set spec.publishNotReadyAddresses: true and remove the annotation.',
    replaced: (service) => dig(service, 'spec', 'publishNotReadyAddresses') === true,
  },
  {
    key: 'service.beta.kubernetes.io/external-traffic', on: 'Service',
    lost: 'was the beta spelling of externalTrafficPolicy (OnlyLocal keeps the client source address); it is ignored since 1.7',
    fix: 'Set spec.externalTrafficPolicy: Local (or Cluster) and remove the annotation.',
    replaced: (service) => dig(service, 'spec', 'externalTrafficPolicy') !== undefined,
  },
  {
    key: 'service.beta.kubernetes.io/healthcheck-nodeport', on: 'Service',
    lost: 'was the beta spelling of spec.healthCheckNodePort; it is ignored since 1.7',
    fix: 'Set spec.healthCheckNodePort (with externalTrafficPolicy: Local) and remove the annotation.',
    replaced: (service) => dig(service, 'spec', 'healthCheckNodePort') !== undefined,
  },
  {
    key: 'pod.beta.kubernetes.io/hostname', on: 'pod',
    lost: 'was the beta way to set the pod\'s hostname, and with it its DNS name under a headless Service; it is ignored since spec.hostname replaced it, so that DNS name does not exist',
    fix: 'Set spec.hostname in the pod template and remove the annotation.',
    replaced: (podSpec) => typeof podSpec.hostname === 'string',
  },
  {
    key: 'pod.beta.kubernetes.io/subdomain', on: 'pod',
    lost: 'was the beta way to put the pod under a headless Service\'s DNS subdomain; it is ignored since spec.subdomain replaced it, so <hostname>.<subdomain>.<namespace>.svc does not resolve',
    fix: 'Set spec.subdomain in the pod template and remove the annotation.',
    replaced: (podSpec) => typeof podSpec.subdomain === 'string',
  },
  {
    key: 'security.alpha.kubernetes.io/sysctls', on: 'pod',
    lost: 'was the alpha way to set sysctls (net.* among them); it is ignored since spec.securityContext.sysctls replaced it in 1.11, so the kernel settings are not applied',
    fix: 'Move the sysctls to spec.securityContext.sysctls and remove the annotation.',
  },
  {
    key: 'security.alpha.kubernetes.io/unsafe-sysctls', on: 'pod',
    lost: 'was the alpha way to set unsafe sysctls (net.* among them); it is ignored since spec.securityContext.sysctls replaced it in 1.11, so the kernel settings are not applied',
    fix: 'Move the sysctls to spec.securityContext.sysctls (the kubelet must allow them) and remove the annotation.',
  },
];

/** Removed or legacy annotations that used to change networking: each says what it no longer does. */
export const legacyNetworkingAnnotation: LintRule = {
  id: 'legacy-networking-annotation',
  severity: Severity.WARNING,
  description: 'An annotation that used to change networking and is now ignored (net.beta.kubernetes.io/network-policy, service.alpha.kubernetes.io/tolerate-unready-endpoints, pod.beta.kubernetes.io/hostname, ...): the finding says what no longer happens and which field replaced it; info when that field is already set.',
  docs: 'https://kubernetes.io/docs/reference/labels-annotations-taints/',
  *check(context) {
    const report = (object: Json, holder: Json, annotations: unknown, where: string): RawFinding[] => {
      if (!isRecord(annotations)) return [];
      return LEGACY.filter((l) => (l.on === 'pod' ? where !== '' : l.on === object.kind && where === '') && annotations[l.key] !== undefined).map((l) => {
        const done = l.replaced?.(holder) === true;
        return {
          object,
          ...(done ? { severity: Severity.INFO } : {}),
          message: `${where}annotation ${l.key} ${done ? 'is left over: the field that replaced it is set. It ' : ''}${l.lost}`,
          fix: done ? 'Remove the annotation.' : l.fix,
        };
      });
    };
    for (const kind of ['Namespace', 'Service']) {
      for (const object of context.ofKind(kind)) yield* report(object, object, dig(object, 'metadata', 'annotations'), '');
    }
    for (const workload of context.workloads) {
      if (workload.operatorMade) continue;
      const template = workload.object.kind === 'Pod' ? workload.object : workload.object.kind === 'CronJob' ? dig(workload.object, 'spec', 'jobTemplate', 'spec', 'template') : dig(workload.object, 'spec', 'template');
      yield* report(workload.object, workload.podSpec, dig(template, 'metadata', 'annotations'), `the pod template's `);
    }
  },
};

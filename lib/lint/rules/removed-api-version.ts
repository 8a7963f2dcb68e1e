import { LintRule, Severity } from '../types';

/** apiVersion/kind pairs removed from Kubernetes, with the release and the replacement. */
const REMOVED: Record<string, [string, string]> = {
  'extensions/v1beta1/Ingress': ['1.22', 'networking.k8s.io/v1'],
  'networking.k8s.io/v1beta1/Ingress': ['1.22', 'networking.k8s.io/v1'],
  'networking.k8s.io/v1beta1/IngressClass': ['1.22', 'networking.k8s.io/v1'],
  'extensions/v1beta1/NetworkPolicy': ['1.16', 'networking.k8s.io/v1'],
  'extensions/v1beta1/Deployment': ['1.16', 'apps/v1'],
  'extensions/v1beta1/DaemonSet': ['1.16', 'apps/v1'],
  'extensions/v1beta1/ReplicaSet': ['1.16', 'apps/v1'],
  'apps/v1beta1/Deployment': ['1.16', 'apps/v1'],
  'apps/v1beta1/StatefulSet': ['1.16', 'apps/v1'],
  'apps/v1beta2/Deployment': ['1.16', 'apps/v1'],
  'apps/v1beta2/StatefulSet': ['1.16', 'apps/v1'],
  'apps/v1beta2/DaemonSet': ['1.16', 'apps/v1'],
  'apps/v1beta2/ReplicaSet': ['1.16', 'apps/v1'],
  'batch/v1beta1/CronJob': ['1.25', 'batch/v1'],
  'discovery.k8s.io/v1beta1/EndpointSlice': ['1.25', 'discovery.k8s.io/v1'],
  'policy/v1beta1/PodDisruptionBudget': ['1.25', 'policy/v1'],
  'policy/v1beta1/PodSecurityPolicy': ['1.25', 'Pod Security Admission (namespace labels)'],
  'gateway.networking.k8s.io/v1alpha2/Gateway': ['Gateway API v1.0', 'gateway.networking.k8s.io/v1'],
  'gateway.networking.k8s.io/v1alpha2/HTTPRoute': ['Gateway API v1.0', 'gateway.networking.k8s.io/v1'],
  'gateway.networking.k8s.io/v1alpha2/GatewayClass': ['Gateway API v1.0', 'gateway.networking.k8s.io/v1'],
};

export const removedApiVersion: LintRule = {
  id: 'removed-api-version',
  severity: Severity.ERROR,
  description: 'An apiVersion that Kubernetes (or Gateway API) has removed; the API server refuses it.',
  docs: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/',
  *check(context) {
    for (const source of context.objects) {
      const key = `${String(source.object.apiVersion)}/${String(source.object.kind)}`;
      const removed = Object.prototype.hasOwnProperty.call(REMOVED, key) ? REMOVED[key] : undefined;
      if (removed) {
        yield { object: source.object, message: `${String(source.object.apiVersion)} ${String(source.object.kind)} was removed in ${removed[0]}`, fix: `Use ${removed[1]}.` };
      }
    }
  },
};

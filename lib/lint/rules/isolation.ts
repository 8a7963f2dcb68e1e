import { EgressIsolationScope, LintContext, LintWorkload } from '../context';
import { isEmptySelector } from '../../analysis/model/selectors';
import { LintRule, Severity } from '../types';

/**
 * Workloads of a namespace that no policy isolates for ingress. A Job or CronJob that declares
 * no port and that no Service selects is left out: nothing connects to a batch run.
 */
function notIsolated(context: LintContext, namespace: string): LintWorkload[] {
  const fronted = frontedWorkloads(context);
  return context.workloadsIn(namespace).filter((w) => {
    if (w.hostNetwork) return false;
    if ((w.kind === 'Job' || w.kind === 'CronJob') && w.ports.length === 0 && !fronted.has(w.ref)) return false;
    const selecting = context.policiesSelecting(w);
    // Polaris's reading: some policy selecting it has at least one rule each way.
    if (context.options.requireRulesBothWays) return !selecting.some((p) => p.isolatesIngress && p.isolatesEgress && p.ingress.length > 0 && p.egress.length > 0);
    return !selecting.some((p) => p.isolatesIngress);
  });
}

const FRONTED = new WeakMap<LintContext, ReadonlySet<string>>();

/** The workloads some Service selects, by ref: read once per lint run, not once per namespace. */
function frontedWorkloads(context: LintContext): ReadonlySet<string> {
  let fronted = FRONTED.get(context);
  if (!fronted) {
    const refs = new Set<string>();
    for (const service of context.ofKind('Service')) for (const w of context.serviceWorkloads(service) ?? []) refs.add(w.ref);
    FRONTED.set(context, (fronted = refs));
  }
  return fronted;
}

/** Whether a namespace has a policy that denies ingress to every pod by default. */
function deniesIngressByDefault(context: LintContext, namespace: string): boolean {
  return context.policiesIn(namespace).some((p) => isEmptySelector(p.podSelector) && p.isolatesIngress && p.ingress.length === 0);
}

const names = (workloads: readonly LintWorkload[]) => [...new Set(workloads.map((w) => w.name))].sort().join(', ');

export const workloadNotIsolated: LintRule = {
  id: 'workload-not-isolated',
  severity: Severity.WARNING,
  description: 'Workloads that no NetworkPolicy isolates for ingress: every pod in the cluster can reach them. One finding per namespace; while namespace-without-default-deny runs, it names them instead.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation',
  *check(context) {
    // One decision, one finding: the namespace's missing default deny is that decision.
    if (!context.options.disabledRules.has('namespace-without-default-deny')) return;
    for (const namespace of context.knownNamespaces()) {
      if (context.options.systemNamespaces.has(namespace)) continue;
      const open = notIsolated(context, namespace);
      if (open.length === 0) continue;
      yield {
        object: open[0].object,
        message: `no NetworkPolicy isolates ${open.length === 1 ? 'its pods' : `the pods of ${names(open)}`} for ingress, so any pod can connect to them`,
        fix: 'Add a NetworkPolicy that selects them (ExposedApp and SecureNamespace write one).',
      };
    }
  },
};

export const workloadNotEgressIsolated: LintRule = {
  id: 'workload-not-egress-isolated',
  severity: Severity.WARNING,
  description: 'Workloads that no NetworkPolicy isolates for egress: they may connect anywhere, the cloud metadata endpoint included. By default only in namespaces that deny ingress by default, where it is an oversight; egressIsolation widens or turns it off. One finding per namespace.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic',
  *check(context) {
    const scope = context.options.egressIsolation;
    if (scope === EgressIsolationScope.OFF) return;
    for (const namespace of context.knownNamespaces()) {
      if (scope === EgressIsolationScope.DEFAULT_DENY_NAMESPACES && !deniesIngressByDefault(context, namespace)) continue;
      const open = context.workloadsIn(namespace).filter((w) => !w.hostNetwork && !context.policiesSelecting(w).some((p) => p.isolatesEgress));
      if (open.length === 0) continue;
      yield {
        object: open[0].object,
        message: `no NetworkPolicy isolates ${open.length === 1 ? 'its pods' : `the pods of ${names(open)}`} for egress, so ${open.length === 1 ? 'it' : 'they'} may connect anywhere, though namespace ${namespace} denies ingress by default`,
        fix: 'Add an egress policy (podSelector {}, policyTypes [Egress]) and allow DNS and what each workload needs; SecureNamespace writes both.',
      };
    }
  },
};

export const namespaceWithoutDefaultDeny: LintRule = {
  id: 'namespace-without-default-deny',
  severity: Severity.WARNING,
  description: 'A namespace with workloads but no default-deny NetworkPolicy (podSelector {} isolating Ingress and Egress with no rules); the finding names the workloads left open to every pod. System namespaces (kube-system, kube-public, kube-node-lease, or systemNamespaces) are not judged.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
  *check(context) {
    for (const namespace of context.knownNamespaces()) {
      // The cluster's own components: not advised unless asked (systemNamespaces: []).
      if (context.options.systemNamespaces.has(namespace)) continue;
      const workloads = context.workloadsIn(namespace);
      if (workloads.length === 0) continue;
      const everyPod = context.policiesIn(namespace).filter((p) => isEmptySelector(p.podSelector));
      const missing: string[] = [];
      if (!everyPod.some((p) => p.isolatesIngress && p.ingress.length === 0)) missing.push('ingress');
      if (!everyPod.some((p) => p.isolatesEgress && p.egress.length === 0)) missing.push('egress');
      if (missing.length === 0) continue;
      const open = notIsolated(context, namespace);
      const namespaceObject = context.ofKind('Namespace').find((n) => (n.metadata as Record<string, unknown>)?.name === namespace) ?? workloads[0].object;
      yield {
        object: namespaceObject,
        message: `namespace ${namespace} has no default-deny policy for ${missing.join(' and ')}${open.length > 0 ? `; no policy isolates ${names(open)} for ingress, so any pod can connect to ${open.length === 1 ? 'it' : 'them'}` : ''}`,
        fix: 'Add a NetworkPolicy with podSelector {}, the missing policyTypes and no rules (SecureNamespace writes it), then allow what each workload needs.',
      };
    }
  },
};

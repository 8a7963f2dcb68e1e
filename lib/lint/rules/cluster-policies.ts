import { LintContext } from '../context';
import { TierPolicy, TierRule, isClusterPolicy, readClusterPolicy } from '../../analysis/dialects/cluster-network-policy/cluster-policy';
import { NAMESPACE_NAME_LABEL } from '../../analysis/input/objects';
import { isEmptySelector, selectorMatches, workloadMatches } from '../../analysis/model/selectors';
import { LintRule, Severity } from '../types';

const DOCS = 'https://network-policy-api.sigs.k8s.io/';
/** A policy's rules, by direction. */
const byDirection = (policy: TierPolicy) => [['ingress', policy.ingress], ['egress', policy.egress]] as const;

/** The cluster policies of the input that their CRDs admit. */
function admitted(context: LintContext): TierPolicy[] {
  return context.objects.filter((s) => isClusterPolicy(s.object)).flatMap((s) => readClusterPolicy(s).policy ?? []);
}

export const clusterPolicyRejected: LintRule = {
  id: 'cluster-policy-rejected',
  severity: Severity.ERROR,
  description: 'A ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy its CRD refuses (priority outside 0-1000, a subject or peer without exactly one field, an action the tier does not have, a bad CIDR or port): the analyzer leaves it out.',
  docs: DOCS,
  *check(context) {
    for (const { object } of context.objects) {
      if (!isClusterPolicy(object)) continue;
      for (const problem of readClusterPolicy({ object }).problems) {
        yield { object, message: `its CRD would refuse it: ${problem}`, fix: 'Correct the field as the message says (network-policy-api reference); until then it cannot exist in a cluster.' };
      }
    }
  },
};

export const clusterPolicyPriorityTie: LintRule = {
  id: 'cluster-policy-priority-tie',
  severity: Severity.ERROR,
  description: 'Two Admin-tier policies with the same priority: the reference leaves their order undefined, so which one decides traffic both match can differ between implementations and restarts.',
  docs: DOCS,
  *check(context) {
    const byPriority = new Map<number, TierPolicy[]>();
    for (const policy of admitted(context)) {
      if (policy.tier !== 'Admin') continue;
      byPriority.set(policy.priority, [...(byPriority.get(policy.priority) ?? []), policy]);
    }
    for (const [priority, policies] of byPriority) {
      if (policies.length < 2) continue;
      for (const policy of policies.slice(1)) {
        yield { object: policy.source.object, message: `it has priority ${priority}, as ${policies[0].ref} does; their order is undefined`, fix: 'Give each Admin-tier policy its own priority (lower runs first).' };
      }
    }
  },
};

export const baselinePass: LintRule = {
  id: 'baseline-pass',
  severity: Severity.ERROR,
  description: 'A Pass rule in the Baseline tier: there is no tier after it but the default (allow), so Pass there reads as Accept and is almost never meant.',
  docs: DOCS,
  *check(context) {
    for (const policy of admitted(context)) {
      if (policy.tier !== 'Baseline') continue;
      for (const [direction, rules] of byDirection(policy)) {
        for (const rule of rules) {
          if (rule.action === 'Pass') yield { object: policy.source.object, message: `${direction}[${rule.index}] uses Pass in the Baseline tier, which hands the traffic to the default and so allows it`, fix: 'Use Accept to allow it (and say so), or Deny.' };
        }
      }
    }
  },
};

/** Whether a rule matches every peer and every port, so that nothing after it is reached. */
function catchesAll(rule: TierRule): boolean {
  return rule.ports === null && (rule.peers ?? []).some((p) => p.kind === 'pods' && (p.namespaceSelector === undefined || isEmptySelector(p.namespaceSelector)) && (p.podSelector === undefined || isEmptySelector(p.podSelector)));
}

export const clusterPolicyRuleUnreachable: LintRule = {
  id: 'cluster-policy-rule-unreachable',
  severity: Severity.WARNING,
  description: 'A cluster policy rule that can never match: an earlier rule of the same policy already matches every pod on every port.',
  docs: DOCS,
  *check(context) {
    for (const policy of admitted(context)) {
      for (const [direction, rules] of byDirection(policy)) {
        const first = rules.findIndex(catchesAll);
        if (first < 0) continue;
        for (const rule of rules.slice(first + 1)) {
          // An earlier catch-all over pods still leaves addresses (networks) to later rules.
          if ((rule.peers ?? []).every((p) => p.kind === 'pods')) {
            yield { object: policy.source.object, message: `${direction}[${rule.index}] is never reached: ${direction}[${first}] (${rules[first].action}) already matches every pod on every port`, fix: 'Move the narrower rule above the catch-all, or remove it.' };
          }
        }
      }
    }
  },
};

export const clusterPolicySubjectSelectsNothing: LintRule = {
  id: 'cluster-policy-subject-selects-nothing',
  severity: Severity.WARNING,
  description: 'A cluster policy whose subject selects no workload in the input (a partial-input rule: namespaces with no workload in the input are not judged).',
  docs: DOCS,
  *check(context) {
    for (const policy of admitted(context)) {
      const namespaces = context.knownNamespaces().filter((ns) => selectorMatches(policy.subject.namespaces, context.namespaceLabels(ns)));
      // The one rule for partial input: namespaces whose pods may live elsewhere are not judged.
      const judged = namespaces.filter((ns) => { const c = context.podCertainty(ns); return c.certain || !c.silent; });
      if (namespaces.length === 0 ? !context.options.wholeNamespaces : judged.length === 0) continue;
      const selects = namespaces.some((ns) => context.workloadsIn(ns).some((w) => !w.hostNetwork && workloadMatches(policy.subject.pods, w)));
      if (selects) continue;
      const pinned = policy.subject.namespaces.matchLabels[NAMESPACE_NAME_LABEL];
      yield {
        object: policy.source.object,
        message: `its subject selects no workload in ${pinned ? `namespace ${pinned}` : namespaces.length > 0 ? `namespaces ${namespaces.join(', ')}` : 'any namespace of the input'}`,
        fix: 'Fix the subject\'s namespace or pod labels to match the workloads it is meant for.',
      };
    }
  },
};

import { NAMESPACE_NAME_LABEL, PolicyRule } from '../../analysis/input/objects';
import { describeSelector, workloadMatches } from '../../analysis/model/selectors';
import { LintRule, RawFinding, Severity } from '../types';
import { LintContext } from '../context';
import { isGatewayDataPlane } from '../helpers';
import { PolicyInfo } from '../../analysis/input/objects';

/**
 * Checks only peers whose namespaces the input fully knows: a podSelector alone (the
 * policy's own namespace) or a namespaceSelector naming a declared Namespace. A peer in a
 * namespace the input does not contain (kube-system, a controller's) cannot be judged.
 */
function* peerFindings(context: LintContext, policy: PolicyInfo, rules: readonly PolicyRule[], direction: string): Generator<RawFinding> {
  for (const rule of rules) {
    for (const peer of rule.peers ?? []) {
      if (peer.kind !== 'pods' || !peer.podSelector) continue;
      let namespaces: string[];
      if (!peer.namespaceSelector) namespaces = [policy.namespace];
      else {
        const name = peer.namespaceSelector.matchLabels[NAMESPACE_NAME_LABEL];
        if (name === undefined || !context.declaredNamespaces.has(name)) continue;
        namespaces = [name];
      }
      const certainty = context.podCertainty(namespaces[0]);
      if (!certainty.certain && certainty.silent) continue;
      if (isGatewayDataPlane(context, peer.podSelector.matchLabels, namespaces)) continue;
      const matched = namespaces.some((ns) => context.workloadsIn(ns).some((w) => workloadMatches(peer.podSelector!, w)));
      if (!matched) {
        yield {
          object: policy.source!.object,
          ...(certainty.certain ? {} : { severity: Severity.INFO }),
          message: `${direction}[${rule.index}] peer podSelector ${describeSelector(peer.podSelector)} matches no workload in namespace ${namespaces.join(', ')}${certainty.certain ? '' : certainty.caveat}`,
          fix: 'Fix the peer labels to match a workload, or remove the rule.',
        };
      }
    }
  }
}

export const policyPeerMatchesNothing: LintRule = {
  id: 'policy-peer-matches-nothing',
  severity: Severity.WARNING,
  description: 'A NetworkPolicy peer whose selectors match no workload (a typo silently blocks traffic).',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors',
  *check(context) {
    for (const policy of context.policies) {
      yield* peerFindings(context, policy, policy.ingress, 'ingress');
      yield* peerFindings(context, policy, policy.egress, 'egress');
    }
  },
};

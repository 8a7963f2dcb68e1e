import { Json, dig, records } from '../context';
import { cidrProblem } from '../../net/ip';
import { LintRule, Severity } from '../types';

export const policyRejectedByApiServer: LintRule = {
  id: 'policy-rejected-by-api-server',
  severity: Severity.ERROR,
  description: 'A NetworkPolicy the API server refuses (type errors are schema-invalid\'s): an empty peer, an ipBlock beside a selector, invalid selector keys or values, a port 0 or above 65535, endPort with a named or missing port, an except outside its cidr, an unknown protocol or policyType. The analyzer leaves such a policy out.',
  docs: 'https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec',
  *check(context) {
    for (const policy of context.ofKind('NetworkPolicy')) {
      for (const problem of context.policyValueProblems(policy)) {
        yield { object: policy, message: `the API server would reject it: ${problem}`, fix: 'Correct the field as the message says; until then the policy cannot exist in a cluster (netkit reach and matrix leave it out).' };
      }
    }
  },
};

function* ipBlocks(policy: Json): Generator<{ where: string; cidr: unknown }> {
  for (const [direction, field] of [['ingress', 'from'], ['egress', 'to']] as const) {
    for (const [i, rule] of records(policy, 'spec', direction).entries()) {
      for (const [j, peer] of records(rule, field).entries()) {
        const cidr = dig(peer, 'ipBlock', 'cidr');
        if (cidr !== undefined) yield { where: `spec.${direction}[${i}].${field}[${j}].ipBlock`, cidr };
        const excepts = dig(peer, 'ipBlock', 'except');
        for (const [k, except] of (Array.isArray(excepts) ? excepts : []).entries()) yield { where: `spec.${direction}[${i}].${field}[${j}].ipBlock.except[${k}]`, cidr: except };
      }
    }
  }
}

export const ipBlockHostBits: LintRule = {
  id: 'ip-block-host-bits',
  severity: Severity.WARNING,
  description: 'An ipBlock CIDR with host bits set (10.0.0.1/24): the API server of 1.28 accepts it and matches the network part, which may not be what was meant; 1.33+ warns.',
  docs: 'https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec',
  *check(context) {
    for (const policy of context.ofKind('NetworkPolicy')) {
      for (const { where, cidr } of ipBlocks(policy)) {
        const problem = typeof cidr === 'string' ? cidrProblem(cidr) : undefined;
        if (problem?.startsWith('has host bits set')) {
          yield { object: policy, message: `${where} ${JSON.stringify(cidr)} ${problem}, and only that network matches`, fix: 'Write the network address, or /32 (/128) for one address.' };
        }
      }
    }
  },
};

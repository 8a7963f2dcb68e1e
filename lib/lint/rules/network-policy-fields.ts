import { dig, records } from '../context';
import { cidrProblem, parseCidr, rangeStrictlyInside } from '../../net/ip';
import { LintRule, RawFinding, Severity } from '../types';
import { Json } from '../context';

function* eachRule(policy: Json): Generator<{ rule: Json; where: string; peers: Json[] }> {
  for (const [i, rule] of records(policy, 'spec', 'ingress').entries()) yield { rule, where: `ingress[${i}]`, peers: records(rule, 'from') };
  for (const [i, rule] of records(policy, 'spec', 'egress').entries()) yield { rule, where: `egress[${i}]`, peers: records(rule, 'to') };
}

export const invalidIpBlock: LintRule = {
  id: 'invalid-ip-block',
  severity: Severity.ERROR,
  description: 'An ipBlock with a malformed CIDR, or an except that is not strictly inside its CIDR.',
  docs: 'https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec',
  *check(context) {
    for (const policy of context.ofKind('NetworkPolicy')) {
      for (const { where, peers } of eachRule(policy)) {
        for (const peer of peers) {
          const block = dig(peer, 'ipBlock');
          if (block === undefined) continue;
          const cidr = dig(block, 'cidr');
          const problem = typeof cidr === 'string' ? cidrProblem(cidr) : 'is missing';
          if (problem) {
            yield { object: policy, message: `${where} ipBlock cidr ${JSON.stringify(cidr)} ${problem}`, fix: 'Write a network address and prefix, such as 10.0.0.0/8.' };
            continue;
          }
          const range = parseCidr(cidr as string)!;
          const excepts = dig(block, 'except');
          for (const except of Array.isArray(excepts) ? excepts : []) {
            const exceptProblem = typeof except === 'string' ? cidrProblem(except) : 'is not a string';
            if (exceptProblem || !rangeStrictlyInside(range, parseCidr(except as string)!)) {
              yield { object: policy, message: `${where} ipBlock except ${JSON.stringify(except)} ${exceptProblem ?? `is not strictly inside ${String(cidr)}`}`, fix: 'Every except must be a valid CIDR strictly inside the cidr.' };
            }
          }
        }
      }
    }
  },
};

export const invalidPolicyPort: LintRule = {
  id: 'invalid-policy-port',
  severity: Severity.ERROR,
  description: 'A NetworkPolicy port the API server rejects: 0 or above 65535 (cdk8s-plus allTcp() writes 0), endPort below port or with a named port, an unknown protocol.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-range-of-ports',
  *check(context) {
    for (const policy of context.ofKind('NetworkPolicy')) {
      for (const { rule, where } of eachRule(policy)) {
        for (const port of records(rule, 'ports')) {
          const findings: RawFinding[] = [];
          const bad = (message: string, fix: string) => findings.push({ object: policy, message: `${where} ${message}`, fix });
          if (port.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(String(port.protocol))) bad(`protocol ${JSON.stringify(port.protocol)} is not TCP, UDP or SCTP`, 'Use TCP, UDP or SCTP.');
          if (typeof port.port === 'number' && (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535)) bad(`port ${port.port} is not 1-65535`, 'Omit port to mean every port, or give a range with endPort.');
          if (port.endPort !== undefined) {
            if (typeof port.port !== 'number') bad('endPort needs a numeric port', 'Use a numeric port with endPort, or drop endPort.');
            else if (typeof port.endPort !== 'number' || port.endPort < port.port || port.endPort > 65535) bad(`endPort ${String(port.endPort)} is not between port ${port.port} and 65535`, 'Make endPort at least port and at most 65535.');
          }
          yield* findings;
        }
      }
    }
  },
};

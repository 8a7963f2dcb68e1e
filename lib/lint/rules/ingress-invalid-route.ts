import { records } from '../context';
import { dns1123SubdomainProblem } from '../../net/names';
import { parseIp } from '../../net/ip';
import { LintRule, Severity } from '../types';

export const ingressInvalidRoute: LintRule = {
  id: 'ingress-invalid-route',
  severity: Severity.ERROR,
  description: 'An Ingress host that is not a DNS name (or has a wildcard anywhere but the whole left-most label), or a path not starting with "/".',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards',
  *check(context) {
    for (const ingress of context.ofKind('Ingress')) {
      for (const rule of records(ingress, 'spec', 'rules')) {
        if (typeof rule.host === 'string') {
          const bare = rule.host.startsWith('*.') ? rule.host.slice(2) : rule.host;
          const problem = parseIp(rule.host) ? 'is an IP address (Ingress hosts must be names)' : dns1123SubdomainProblem(bare);
          if (problem) yield { object: ingress, message: `host "${rule.host}" ${problem}`, fix: 'Use a DNS name such as shop.example.com; a wildcard may only be the whole left-most label (*.example.com).' };
        }
        for (const path of records(rule, 'http', 'paths')) {
          const regex = path.pathType === 'ImplementationSpecific';
          if (typeof path.path === 'string' && !path.path.startsWith('/') && !regex) {
            yield { object: ingress, message: `path "${path.path}" does not start with "/"`, fix: 'Start every Prefix or Exact path with "/".' };
          }
        }
      }
    }
  },
};

import { dig } from '../context';
import { parseIp } from '../../net/ip';
import { LintRule, Severity } from '../types';

export const invalidDnsConfig: LintRule = {
  id: 'invalid-dns-config',
  severity: Severity.ERROR,
  description: 'A pod DNS config the API server rejects: None without nameservers, more than 3 nameservers, more than 32 search domains or 2048 characters of them.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-dns-config',
  *check(context) {
    for (const workload of context.workloads) {
      const spec = workload.podSpec;
      const nameservers = dig(spec, 'dnsConfig', 'nameservers');
      const searches = dig(spec, 'dnsConfig', 'searches');
      const servers = Array.isArray(nameservers) ? nameservers : [];
      const domains = Array.isArray(searches) ? searches.map(String) : [];
      const problems: string[] = [];
      if (spec.dnsPolicy === 'None' && servers.length === 0) problems.push('dnsPolicy None without nameservers leaves the pod with no resolver');
      if (servers.length > 3) problems.push(`${servers.length} nameservers (at most 3)`);
      for (const server of servers) if (typeof server !== 'string' || !parseIp(server)) problems.push(`nameserver ${JSON.stringify(server)} is not an IP address`);
      if (domains.length > 32) problems.push(`${domains.length} search domains (at most 32)`);
      if (domains.join(' ').length > 2048) problems.push(`search domains of ${domains.join(' ').length} characters (at most 2048)`);
      for (const problem of problems) {
        yield { object: workload.object, message: problem, fix: 'Fix spec.dnsPolicy / spec.dnsConfig (DnsConfig validates these at construction).' };
      }
    }
  },
};

import { records } from '../context';
import { LintRule, Severity } from '../types';

/** Network sysctls Kubernetes 1.28 counts as safe: every pod may set them. */
const SAFE = new Set(['net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.ip_local_reserved_ports']);

export const unsafeNetworkSysctl: LintRule = {
  id: 'unsafe-network-sysctl',
  severity: Severity.WARNING,
  description: 'A pod that sets a network sysctl outside the safe set: the kubelet refuses the pod unless the node allows it.',
  docs: 'https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/#safe-and-unsafe-sysctls',
  *check(context) {
    for (const workload of context.workloads) {
      for (const sysctl of records(workload.podSpec, 'securityContext', 'sysctls')) {
        const name = String(sysctl.name ?? '');
        if ((name.startsWith('net.') || name.startsWith('net/')) && !SAFE.has(name.replace(/\//g, '.'))) {
          yield { object: workload.object, message: `it sets the unsafe network sysctl ${name}`, fix: 'Remove it, or allow it on the nodes (kubelet --allowed-unsafe-sysctls) and pin the pods there; safe network sysctls: ' + [...SAFE].join(', ') + '.' };
        }
      }
    }
  },
};

import { dig, records } from '../context';
import { LintRule, Severity } from '../types';

export const dropNetRawCapability: LintRule = {
  id: 'drop-net-raw-capability',
  severity: Severity.WARNING,
  description: 'A container that keeps CAP_NET_RAW (granted by default by most runtimes): it can forge packets and ARP- or DNS-spoof its neighbours on the node.',
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
  *check(context) {
    for (const workload of context.workloads) {
      for (const container of [...workload.containers, ...records(workload.podSpec, 'initContainers')]) {
        const drop = dig(container, 'securityContext', 'capabilities', 'drop');
        const list = Array.isArray(drop) ? drop.map((c) => String(c).toUpperCase()) : [];
        if (list.includes('ALL') || list.includes('NET_RAW') || list.includes('CAP_NET_RAW')) continue;
        yield { object: workload.object, message: `container ${String(container.name)} does not drop NET_RAW`, fix: 'Set securityContext.capabilities.drop: [ALL] (Pod Security restricted requires it; netkit workloads do), adding back only what the process needs.' };
      }
    }
  },
};

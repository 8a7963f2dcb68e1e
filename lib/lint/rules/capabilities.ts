import { Json, dig, records } from '../context';
import { LintRule, Severity } from '../types';

const NET_RAW = new Set(['NET_RAW', 'CAP_NET_RAW']);
const upper = (value: unknown) => (Array.isArray(value) ? value.map((c) => String(c).toUpperCase()) : []);

/** How a container stands on NET_RAW: dropped, kept by default, or chosen (privileged, or added by name). */
function netRawStance(container: Json): 'dropped' | 'default' | 'privileged' | 'added' {
  if (dig(container, 'securityContext', 'privileged') === true) return 'privileged';
  if (upper(dig(container, 'securityContext', 'capabilities', 'add')).some((c) => NET_RAW.has(c) || c === 'ALL')) return 'added';
  const drop = upper(dig(container, 'securityContext', 'capabilities', 'drop'));
  return drop.includes('ALL') || drop.some((c) => NET_RAW.has(c)) ? 'dropped' : 'default';
}

/**
 * One finding per workload: a warning naming the containers that keep NET_RAW by default
 * (an oversight), or, when every such container chose it (privileged, or NET_RAW added by
 * name, as CNI agents and mesh init containers do), one info that names the choice.
 */
export const dropNetRawCapability: LintRule = {
  id: 'drop-net-raw-capability',
  severity: Severity.WARNING,
  description: 'A container that keeps CAP_NET_RAW (granted by default by most runtimes): it can forge packets and ARP- or DNS-spoof its neighbours on the node.',
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
  *check(context) {
    for (const workload of context.workloads) {
      const containers = [...workload.containers, ...records(workload.podSpec, 'initContainers')];
      const byDefault: string[] = [];
      const chosen: string[] = [];
      for (const container of containers) {
        const stance = netRawStance(container);
        if (stance === 'default') byDefault.push(String(container.name));
        else if (stance !== 'dropped') chosen.push(`${String(container.name)} (${stance === 'privileged' ? 'privileged' : 'adds NET_RAW'})`);
      }
      if (byDefault.length > 0) {
        yield {
          object: workload.object,
          message: `container${byDefault.length > 1 ? 's' : ''} ${byDefault.join(', ')} ${byDefault.length > 1 ? 'do' : 'does'} not drop NET_RAW, which the runtime grants by default${chosen.length > 0 ? ` (${chosen.join(', ')} keep${chosen.length > 1 ? '' : 's'} it on purpose)` : ''}`,
          fix: 'Set securityContext.capabilities.drop: [ALL] (Pod Security restricted requires it; netkit workloads do), adding back only what the process needs.',
        };
      } else if (chosen.length > 0) {
        yield {
          object: workload.object,
          severity: Severity.INFO,
          message: `keeps NET_RAW by choice: ${chosen.join(', ')}; it can forge packets on the node's network, which node agents such as CNIs and mesh init containers need`,
          fix: 'Nothing, if the workload needs raw sockets; otherwise drop ALL capabilities and add back only what it needs.',
        };
      }
    }
  },
};

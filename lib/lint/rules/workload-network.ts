import { Json, LintWorkload, dig, records } from '../context';
import { containerPorts, isMetricsOnlyService, isSidecarProxy } from '../helpers';
import { namespaceOf } from '../../analysis/input/objects';
import { LintRule, Severity } from '../types';

export const hostNetwork: LintRule = {
  id: 'host-network',
  severity: Severity.WARNING,
  description: 'A pod in the node\'s network namespace: it sees every node interface and escapes pod NetworkPolicy on most CNIs (one finding, with its DNS policy advice).',
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  *check(context) {
    for (const workload of context.workloads) {
      if (workload.podSpec.hostNetwork !== true) continue;
      // Its container ports are host ports and its DNS policy matters: one decision, one finding.
      const dnsPolicy = workload.podSpec.dnsPolicy ?? 'ClusterFirst';
      const dnsAdvice = dnsPolicy === 'ClusterFirst'
        ? ' With hostNetwork, dnsPolicy ClusterFirst falls back to the node\'s resolvers, so cluster Service names do not resolve: set dnsPolicy: ClusterFirstWithHostNet (or Default if only the node\'s resolvers are needed).'
        : '';
      yield {
        object: workload.object,
        message: `it sets hostNetwork: true, so its container ports are opened on the node${dnsPolicy === 'ClusterFirst' ? ' and it cannot resolve cluster Service names (dnsPolicy ClusterFirst)' : ''}`,
        fix: `Remove hostNetwork unless the pod must bind node interfaces (CNI, node agents); then suppress with a reason.${dnsAdvice}`,
      };
    }
  },
};

export const hostPort: LintRule = {
  id: 'host-port',
  severity: Severity.WARNING,
  description: 'A container port bound on the node (hostPort): it limits scheduling and bypasses Services. (Under hostNetwork, host-network says it.)',
  docs: 'https://kubernetes.io/docs/concepts/configuration/overview/#services',
  *check(context) {
    for (const workload of context.workloads) {
      if (workload.podSpec.hostNetwork === true) continue;
      for (const port of containerPorts(workload)) {
        if (typeof port.hostPort === 'number' && port.hostPort !== 0) {
          yield { object: workload.object, message: `container port ${String(port.containerPort)} is bound to host port ${port.hostPort}`, fix: 'Expose the port through a Service instead of hostPort.' };
        }
      }
    }
  },
};

/**
 * The containers that serve a Service's target ports: those declaring a target port (by
 * number or name). When no container declares any (many manifests never list container
 * ports), a numeric target port may be served by any container: the first one is meant.
 */
function servingContainers(workload: LintWorkload, service: Json): Json[] {
  const targets = records(service, 'spec', 'ports').map((p) => p.targetPort ?? p.port);
  const serving = workload.containers.filter((c) => records(c, 'ports').some((p) => targets.some((t) => t === p.containerPort || t === p.name)));
  return serving.length > 0 ? serving : workload.containers.slice(0, 1);
}

export const readinessProbeMissing: LintRule = {
  id: 'readiness-probe-missing',
  severity: Severity.WARNING,
  description: 'A container that serves a Service\'s target port without a readiness probe gets traffic before it can serve. Not reported for metrics-only Services (ports named for metrics, or scraped by a ServiceMonitor of the input) or for sidecar proxies in front of another container (kube-rbac-proxy, oauth2-proxy, --upstream to localhost).',
  docs: 'https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/#readiness-probe',
  *check(context) {
    const reported = new Set<string>();
    for (const service of context.ofKind('Service')) {
      if (isMetricsOnlyService(context, service)) continue;
      for (const workload of context.serviceWorkloads(service) ?? []) {
        for (const container of servingContainers(workload, service)) {
          const key = `${workload.ref}\u0000${String(container.name)}`;
          if (container.readinessProbe !== undefined || isSidecarProxy(container) || reported.has(key)) continue;
          reported.add(key);
          yield { object: workload.object, message: `container ${String(container.name)} serves Service ${namespaceOf(service)}/${String(dig(service, 'metadata', 'name'))} and has no readiness probe`, fix: 'Add a readinessProbe (ExposedApp adds a TCP probe on the main port by default).' };
        }
      }
    }
  },
};

/** The API server's probe defaults, so that written-out defaults compare equal to omitted ones. */
const PROBE_DEFAULTS = { periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3, initialDelaySeconds: 0 };

function withDefaults(probe: unknown): string {
  return JSON.stringify(sortKeys({ ...PROBE_DEFAULTS, ...(probe as object) }));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
}

export const identicalProbes: LintRule = {
  id: 'identical-probes',
  severity: Severity.WARNING,
  description: 'Identical readiness and liveness probes (after the API defaults): a slow dependency then restarts healthy pods instead of draining them. Info for exec and gRPC probes, where one health command for both is the documented pattern.',
  docs: 'https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/',
  *check(context) {
    for (const workload of context.workloads) {
      for (const container of workload.containers) {
        const readiness = container.readinessProbe;
        if (readiness === undefined || container.livenessProbe === undefined || withDefaults(readiness) !== withDefaults(container.livenessProbe)) continue;
        const command = dig(readiness, 'exec') !== undefined || dig(readiness, 'grpc') !== undefined;
        yield {
          object: workload.object,
          ...(command ? { severity: Severity.INFO } : {}),
          message: `container ${String(container.name)} has identical readiness and liveness probes`,
          fix: command
            ? 'Fine if the health check only reports the process itself; if it checks dependencies, give liveness a cheaper check or a higher failureThreshold.'
            : 'Make liveness check only that the process is alive (a cheaper endpoint, a higher failureThreshold).',
        };
      }
    }
  },
};

const PROBES = [['readinessProbe', 'readiness'], ['livenessProbe', 'liveness'], ['startupProbe', 'startup']] as const;

/**
 * One finding per container and cause, naming the probes that share it. A probe on a port
 * name the container does not declare (or declares for UDP/SCTP) fails: an error. A probe on a
 * number no container declares works (the kubelet connects to the number): an info, since only
 * the declaration, which tools and named-port rules read, is missing.
 */
export const probePortUndeclared: LintRule = {
  id: 'probe-port-undeclared',
  severity: Severity.ERROR,
  description: 'A probe on a port name the container does not declare, or declares for UDP/SCTP (error: HTTP, TCP and gRPC probes connect over TCP, so the probe fails); a probe on a port number no container declares (info: it works, only the declaration is missing). One finding per container and cause.',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#use-a-named-port',
  *check(context) {
    for (const workload of context.workloads) {
      const podPorts = containerPorts(workload);
      for (const container of workload.containers) {
        // cause -> the probe kinds that share it
        const causes = new Map<string, { kinds: string[]; severity?: Severity; message: (probes: string) => string; fix: string }>();
        const add = (key: string, kind: string, entry: Omit<Parameters<typeof causes.set>[1], 'kinds'>) => {
          const found = causes.get(key);
          if (found) found.kinds.push(kind);
          else causes.set(key, { ...entry, kinds: [kind] });
        };
        for (const [field, kind] of PROBES) {
          const port = dig(container, field, 'httpGet', 'port') ?? dig(container, field, 'tcpSocket', 'port') ?? dig(container, field, 'grpc', 'port');
          if (typeof port === 'string') {
            // Named probe ports resolve on the probed container's own ports.
            const declared = records(container, 'ports').find((p) => p.name === port);
            if (!declared) {
              add(`name ${port}`, kind, { message: (probes) => `${probes} of container ${String(container.name)} use${probes.includes(' and ') ? '' : 's'} port "${port}", which the container does not declare, so the probe fails`, fix: 'Declare a container port with that name, or probe a declared port.' });
            } else if ((declared.protocol ?? 'TCP') !== 'TCP') {
              add(`protocol ${port}`, kind, { message: (probes) => `${probes} of container ${String(container.name)} use${probes.includes(' and ') ? '' : 's'} port "${port}", which the container declares for ${String(declared.protocol)}; the kubelet probes over TCP`, fix: 'Probe a TCP port (or use an exec probe for a UDP service).' });
            }
          } else if (typeof port === 'number' && !podPorts.some((p) => p.containerPort === port)) {
            add(`number ${port}`, kind, { severity: Severity.INFO, message: (probes) => `${probes} of container ${String(container.name)} use${probes.includes(' and ') ? '' : 's'} port ${port}, which no container declares; the probe works (the kubelet connects to the number), but tools that read declared ports do not see it`, fix: 'Declare the port the app listens on (containerPort), and probe it by name.' });
          }
        }
        for (const cause of causes.values()) {
          const probes = `${cause.kinds.length > 1 ? `${cause.kinds.slice(0, -1).join(', ')} and ${cause.kinds[cause.kinds.length - 1]} probes` : `the ${cause.kinds[0]} probe`}`;
          yield { object: workload.object, ...(cause.severity ? { severity: cause.severity } : {}), message: cause.message(probes), fix: cause.fix };
        }
      }
    }
  },
};

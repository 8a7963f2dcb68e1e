import { dig, records } from '../context';
import { containerPorts } from '../helpers';
import { LintRule, Severity } from '../types';

export const hostNetwork: LintRule = {
  id: 'host-network',
  severity: Severity.WARNING,
  description: 'A pod in the node\'s network namespace: it sees every node interface and escapes pod NetworkPolicy on most CNIs.',
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  *check(context) {
    for (const workload of context.workloads) {
      if (workload.podSpec.hostNetwork === true) {
        yield { object: workload.object, message: 'it sets hostNetwork: true', fix: 'Remove hostNetwork unless the pod must bind node interfaces (CNI, node agents); then suppress with a reason.' };
      }
    }
  },
};

export const hostPort: LintRule = {
  id: 'host-port',
  severity: Severity.WARNING,
  description: 'A container port bound on the node (hostPort): it limits scheduling and bypasses Services.',
  docs: 'https://kubernetes.io/docs/concepts/configuration/overview/#services',
  *check(context) {
    for (const workload of context.workloads) {
      for (const port of containerPorts(workload)) {
        if (typeof port.hostPort === 'number' && port.hostPort !== 0) {
          yield { object: workload.object, message: `container port ${String(port.containerPort)} is bound to host port ${port.hostPort}`, fix: 'Expose the port through a Service instead of hostPort.' };
        }
      }
    }
  },
};

export const hostNetworkDnsPolicy: LintRule = {
  id: 'host-network-dns-policy',
  severity: Severity.WARNING,
  description: 'A hostNetwork pod with dnsPolicy ClusterFirst, which silently falls back to the node\'s resolvers.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy',
  *check(context) {
    for (const workload of context.workloads) {
      const policy = workload.podSpec.dnsPolicy ?? 'ClusterFirst';
      if (workload.podSpec.hostNetwork === true && policy === 'ClusterFirst') {
        yield { object: workload.object, message: 'it uses hostNetwork with dnsPolicy ClusterFirst, so cluster Service names do not resolve', fix: 'Set dnsPolicy: ClusterFirstWithHostNet (or Default if it only needs the node\'s resolvers).' };
      }
    }
  },
};

export const readinessProbeMissing: LintRule = {
  id: 'readiness-probe-missing',
  severity: Severity.WARNING,
  description: 'A container behind a Service without a readiness probe gets traffic before it can serve.',
  docs: 'https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/#readiness-probe',
  *check(context) {
    const fronted = new Set<string>();
    for (const service of context.ofKind('Service')) {
      const selector = dig(service, 'spec', 'selector');
      if (!selector || typeof selector !== 'object') continue;
      for (const w of context.workloadsIn(String(dig(service, 'metadata', 'namespace') ?? 'default'))) {
        if (Object.entries(selector as Record<string, unknown>).every(([k, v]) => w.podLabels[k] === String(v))) fronted.add(w.ref);
      }
    }
    for (const workload of context.workloads) {
      if (!fronted.has(workload.ref)) continue;
      for (const container of workload.containers) {
        if (container.readinessProbe === undefined && records(container, 'ports').length > 0) {
          yield { object: workload.object, message: `container ${String(container.name)} is behind a Service and has no readiness probe`, fix: 'Add a readinessProbe (ExposedApp adds a TCP probe on the main port by default).' };
        }
      }
    }
  },
};

export const identicalProbes: LintRule = {
  id: 'identical-probes',
  severity: Severity.WARNING,
  description: 'Identical readiness and liveness probes: a slow dependency then restarts healthy pods instead of draining them.',
  docs: 'https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/',
  *check(context) {
    for (const workload of context.workloads) {
      for (const container of workload.containers) {
        if (container.readinessProbe !== undefined && JSON.stringify(container.readinessProbe) === JSON.stringify(container.livenessProbe)) {
          yield { object: workload.object, message: `container ${String(container.name)} has identical readiness and liveness probes`, fix: 'Make liveness check only that the process is alive (a cheaper endpoint, a higher failureThreshold).' };
        }
      }
    }
  },
};

export const probePortUndeclared: LintRule = {
  id: 'probe-port-undeclared',
  severity: Severity.ERROR,
  description: 'A probe that names a container port the container does not declare.',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#use-a-named-port',
  *check(context) {
    for (const workload of context.workloads) {
      for (const container of workload.containers) {
        for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
          const port = dig(container, kind, 'httpGet', 'port') ?? dig(container, kind, 'tcpSocket', 'port') ?? dig(container, kind, 'grpc', 'port');
          if (typeof port === 'string' && !records(container, 'ports').some((p) => p.name === port)) {
            yield { object: workload.object, message: `${kind} of container ${String(container.name)} uses port "${port}", which the container does not declare`, fix: 'Declare a container port with that name, or probe a declared port.' };
          }
        }
      }
    }
  },
};

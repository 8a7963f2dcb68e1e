import { dig, records } from '../context';
import { namespaceOf } from '../../analysis/input/objects';
import { containerPorts } from '../helpers';
import { dns1123LabelProblem, portNameProblem } from '../../net/names';
import { LintRule, RawFinding, Severity } from '../types';

/**
 * Ports that give a shell, a desktop or control of a host. The kubelet's 10250 is not here: the
 * kubelet runs on the node, never in a pod, so a pod serving 10250 is something else
 * (metrics-server, for one, listens there).
 */
export const SENSITIVE_PORTS: Record<number, string> = {
  21: 'FTP', 22: 'SSH', 23: 'Telnet', 445: 'SMB', 2375: 'Docker API', 2376: 'Docker API (TLS)',
  3389: 'RDP', 5900: 'VNC',
};

/**
 * One finding per workload that declares such a port, naming the Services that expose it;
 * a Service is reported on its own only for a sensitive port no selected workload declares.
 */
export const sensitivePortExposed: LintRule = {
  id: 'sensitive-port-exposed',
  severity: Severity.WARNING,
  description: 'A workload or a Service that exposes a remote-administration port (SSH, Telnet, RDP, VNC, Docker API, SMB, FTP): one finding per workload, naming the Services in front of it.',
  docs: 'https://kubernetes.io/docs/concepts/security/security-checklist/#network-security',
  *check(context) {
    const declared = new Map<string, { workload: (typeof context.workloads)[number]; ports: Set<number>; services: Set<string> }>();
    for (const workload of context.workloads) {
      const ports = new Set(containerPorts(workload).map((p) => p.containerPort).filter((n): n is number => typeof n === 'number' && SENSITIVE_PORTS[n] !== undefined));
      if (ports.size > 0) declared.set(workload.ref, { workload, ports, services: new Set() });
    }
    const serviceFindings: RawFinding[] = [];
    for (const service of context.ofKind('Service')) {
      const selected = context.serviceWorkloads(service) ?? [];
      const ref = `${namespaceOf(service)}/${String(dig(service, 'metadata', 'name'))}`;
      const alone = new Set<number>();
      for (const port of records(service, 'spec', 'ports')) {
        const targets = new Set<number>();
        if (typeof port.targetPort === 'number') targets.add(port.targetPort);
        if (port.targetPort === undefined && typeof port.port === 'number') targets.add(port.port);
        if (typeof port.targetPort === 'string') {
          for (const w of selected) for (const c of containerPorts(w)) if (c.name === port.targetPort && typeof c.containerPort === 'number') targets.add(c.containerPort);
        }
        let covered = false;
        for (const w of selected) {
          const entry = declared.get(w.ref);
          if (entry && [...targets].some((t) => entry.ports.has(t))) { entry.services.add(ref); covered = true; }
        }
        if (covered) continue;
        for (const number of new Set([...(typeof port.port === 'number' ? [port.port] : []), ...targets])) if (SENSITIVE_PORTS[number]) alone.add(number);
      }
      if (alone.size > 0) {
        serviceFindings.push({ object: service, message: `it exposes port ${[...alone].map((n) => `${n} (${SENSITIVE_PORTS[n]})`).join(', ')}`, fix: 'Do not expose administration ports through a Service; use kubectl exec or port-forward.' });
      }
    }
    for (const { workload, ports, services } of declared.values()) {
      yield {
        object: workload.object,
        message: `it serves ${[...ports].map((n) => `${n} (${SENSITIVE_PORTS[n]})`).join(', ')}${services.size > 0 ? `, exposed by Service ${[...services].join(', ')}` : ''}`,
        fix: 'Do not run administration daemons in application pods; use kubectl exec or port-forward.',
      };
    }
    yield* serviceFindings;
  },
};

export const duplicateServicePort: LintRule = {
  id: 'duplicate-service-port',
  severity: Severity.ERROR,
  description: 'A Service that repeats a port number and protocol or a port name, or leaves a port unnamed among several.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/service/#multi-port-services',
  *check(context) {
    for (const service of context.ofKind('Service')) {
      const ports = records(service, 'spec', 'ports');
      const numbers = new Set<string>();
      const names = new Set<string>();
      for (const port of ports) {
        // A port without a number is schema-invalid's to report; it cannot be a duplicate.
        if (typeof port.port !== 'number') continue;
        const key = `${String(port.protocol ?? 'TCP')}/${port.port}`;
        if (numbers.has(key)) yield { object: service, message: `port ${key} is listed twice`, fix: 'List each port number and protocol once.' };
        numbers.add(key);
        if (typeof port.name === 'string') {
          if (names.has(port.name)) yield { object: service, message: `port name "${port.name}" is used twice`, fix: 'Give each port its own name.' };
          names.add(port.name);
        } else if (ports.length > 1) {
          yield { object: service, message: `port ${key} has no name, and a Service with several ports must name each`, fix: 'Name every port.' };
        }
      }
    }
  },
};

export const invalidPortName: LintRule = {
  id: 'invalid-port-name',
  severity: Severity.ERROR,
  description: 'A container port name that breaks IANA_SVC_NAME or is used twice in a pod, a Service port name that is not a DNS-1123 label, or a targetPort that is neither 1-65535 nor a port name: the API server rejects each.',
  docs: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports',
  *check(context) {
    for (const workload of context.workloads) {
      const seen = new Set<string>();
      for (const port of containerPorts(workload)) {
        if (typeof port.name !== 'string') continue;
        const problem = portNameProblem(port.name);
        if (problem) yield { object: workload.object, message: `container port name "${port.name}" ${problem}`, fix: 'Use at most 15 lowercase letters, digits and single dashes, with at least one letter.' };
        if (seen.has(port.name)) yield { object: workload.object, message: `container port name "${port.name}" is used twice in the pod (names are unique across its containers)`, fix: 'Give each port of the pod its own name.' };
        seen.add(port.name);
      }
    }
    for (const service of context.ofKind('Service')) {
      for (const port of records(service, 'spec', 'ports')) {
        if (typeof port.name === 'string') {
          const problem = dns1123LabelProblem(port.name);
          if (problem) yield { object: service, message: `port name "${port.name}" ${problem}`, fix: 'Use lowercase letters, digits and dashes.' };
        }
        const target = port.targetPort;
        if (typeof target === 'number' && (!Number.isInteger(target) || target < 1 || target > 65535)) {
          yield { object: service, message: `targetPort ${target} is not a port number (1-65535)`, fix: 'Point targetPort at the container port number, or at its name.' };
        } else if (typeof target === 'string' && portNameProblem(target)) {
          yield { object: service, message: `targetPort "${target}" is not a port name: it ${portNameProblem(target)}`, fix: 'Use the container port\'s name (IANA_SVC_NAME) or its number.' };
        }
      }
    }
  },
};

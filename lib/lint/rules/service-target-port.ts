import { dig, records } from '../context';
import { containerPorts } from '../helpers';
import { LintRule, Severity } from '../types';

export const serviceTargetPortUndeclared: LintRule = {
  id: 'service-target-port-undeclared',
  severity: Severity.ERROR,
  description: 'A Service targetPort names a port that no selected container declares.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports',
  *check(context) {
    for (const service of context.ofKind('Service')) {
      const selected = context.serviceWorkloads(service);
      if (!selected || selected.length === 0) continue;
      for (const port of records(service, 'spec', 'ports')) {
        const target = port.targetPort;
        if (typeof target !== 'string') continue;
        const protocol = (port.protocol as string | undefined) ?? 'TCP';
        const missing = selected.filter((w) => !containerPorts(w).some((c) => c.name === target && ((c.protocol as string | undefined) ?? 'TCP') === protocol));
        if (missing.length > 0) {
          yield { object: service, message: `targetPort "${target}" (${protocol}) is not declared by ${missing.map((w) => w.ref).join(', ')}, so traffic to port ${String(dig(port, 'port'))} goes nowhere`, fix: `Name the container port "${target}", or point targetPort at a declared port name.` };
        }
      }
    }
  },
};

export const serviceTargetPortNumberUndeclared: LintRule = {
  id: 'service-target-port-number-undeclared',
  severity: Severity.WARNING,
  description: 'A numeric Service targetPort that no selected container declares (it works only if the app listens there anyway).',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports',
  *check(context) {
    for (const service of context.ofKind('Service')) {
      const selected = context.serviceWorkloads(service);
      if (!selected || selected.length === 0) continue;
      for (const port of records(service, 'spec', 'ports')) {
        const target = typeof port.targetPort === 'number' ? port.targetPort : port.targetPort === undefined ? port.port : undefined;
        if (typeof target !== 'number') continue;
        const missing = selected.filter((w) => containerPorts(w).length > 0 && !containerPorts(w).some((c) => c.containerPort === target));
        if (missing.length > 0) {
          yield { object: service, message: `targetPort ${target} is not a declared container port of ${missing.map((w) => w.ref).join(', ')}`, fix: 'Declare the port on the container, and prefer a named targetPort so renumbering cannot break the Service.' };
        }
      }
    }
  },
};

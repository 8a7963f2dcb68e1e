import { Json, dig, records } from '../context';
import { LintRule, Severity } from '../types';

/** Whether a TLS host entry covers a rule host; a wildcard covers exactly one left-most label. */
export function tlsCovers(tlsHost: string, host: string): boolean {
  if (tlsHost === host) return true;
  if (!tlsHost.startsWith('*.') || host.startsWith('*.')) return false;
  const suffix = tlsHost.slice(1);
  return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.') && host.length > suffix.length;
}

function ruleHosts(ingress: Json): string[] {
  return records(ingress, 'spec', 'rules').map((r) => r.host).filter((h): h is string => typeof h === 'string');
}

function tlsHosts(ingress: Json): string[] {
  return records(ingress, 'spec', 'tls').flatMap((t) => (Array.isArray(t.hosts) ? t.hosts.filter((h): h is string => typeof h === 'string') : []));
}

export const ingressWithoutTls: LintRule = {
  id: 'ingress-without-tls',
  severity: Severity.WARNING,
  description: 'An Ingress that serves plain HTTP only.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/ingress/#tls',
  *check(context) {
    for (const ingress of context.ofKind('Ingress')) {
      if (records(ingress, 'spec', 'tls').length === 0 && dig(ingress, 'metadata', 'annotations', 'nginx.ingress.kubernetes.io/canary') !== 'true') {
        yield { object: ingress, message: 'it has no spec.tls, so its hosts are served over plain HTTP', fix: 'Add a tls entry covering every host (TlsIngress does this, with cert-manager).' };
      }
    }
  },
};

export const ingressHostWithoutTls: LintRule = {
  id: 'ingress-host-without-tls',
  severity: Severity.ERROR,
  description: 'An Ingress with TLS whose rule host no TLS entry covers.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/ingress/#tls',
  *check(context) {
    for (const ingress of context.ofKind('Ingress')) {
      const tls = tlsHosts(ingress);
      if (records(ingress, 'spec', 'tls').length === 0) continue;
      for (const host of ruleHosts(ingress)) {
        if (!tls.some((t) => tlsCovers(t, host))) {
          yield { object: ingress, message: `host ${host} is not covered by any tls entry, so it is served without a matching certificate`, fix: `Add ${host} to spec.tls[].hosts (a wildcard covers exactly one left-most label).` };
        }
      }
    }
  },
};

export const ingressTlsHostUnused: LintRule = {
  id: 'ingress-tls-host-unused',
  severity: Severity.WARNING,
  description: 'A TLS host that no rule of the Ingress uses.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/ingress/#tls',
  *check(context) {
    for (const ingress of context.ofKind('Ingress')) {
      const hosts = ruleHosts(ingress);
      for (const tls of tlsHosts(ingress)) {
        if (!hosts.some((h) => tlsCovers(tls, h))) {
          yield { object: ingress, message: `tls host ${tls} is used by no rule`, fix: 'Remove it from spec.tls, or add a rule for it.' };
        }
      }
    }
  },
};

import { failValue } from '../private/errors';

/**
 * Kubernetes object name and label rules, as the API server validates them
 * (k8s.io/apimachinery/pkg/util/validation). Each check returns a problem sentence, or
 * undefined when the value is valid, so callers can word the error for their context.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN_PART = DNS1123_LABEL;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** A DNS-1123 label: Namespace and Service names, at most 63 characters. */
export function dns1123LabelProblem(value: string): string | undefined {
  if (value.length === 0) return 'is empty';
  if (value.length > 63) return `is ${value.length} characters long (at most 63)`;
  if (!DNS1123_LABEL.test(value)) {
    return 'must consist of lowercase letters, digits and \'-\', and start and end with a letter or digit';
  }
  return undefined;
}

/** A DNS-1123 subdomain: most object names and hostnames, at most 253 characters. */
export function dns1123SubdomainProblem(value: string): string | undefined {
  if (value.length === 0) return 'is empty';
  if (value.length > 253) return `is ${value.length} characters long (at most 253)`;
  for (const part of value.split('.')) {
    if (!DNS1123_SUBDOMAIN_PART.test(part) || part.length > 63) {
      return 'must be lowercase letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit';
    }
  }
  return undefined;
}

/** A label value: empty, or at most 63 characters of alphanumerics, '-', '_' and '.', alphanumeric at both ends. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return `is ${value.length} characters long (at most 63)`;
  if (!LABEL_VALUE.test(value)) {
    return 'must be letters, digits, \'-\', \'_\' or \'.\', and start and end with a letter or digit';
  }
  return undefined;
}

/** A label key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    const problem = dns1123SubdomainProblem(prefix);
    if (problem) return `has a prefix that ${problem}`;
  }
  if (name.length === 0) return 'has an empty name part';
  if (name.length > 63) return `has a name part ${name.length} characters long (at most 63)`;
  if (!LABEL_NAME.test(name)) {
    return 'must be letters, digits, \'-\', \'_\' or \'.\' (with an optional \'prefix/\'), starting and ending with a letter or digit';
  }
  return undefined;
}

/** The first problem in a label map, worded as `label "k": ...`, or undefined. */
export function labelsProblem(labels: Readonly<Record<string, string>>): string | undefined {
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) return `label key "${key}" ${keyProblem}`;
    if (typeof value !== 'string') return `label "${key}" has a non-string value ${JSON.stringify(value)}`;
    const valueProblem = labelValueProblem(value);
    if (valueProblem) return `label "${key}" value "${value}" ${valueProblem}`;
  }
  return undefined;
}

/**
 * IANA_SVC_NAME, the rule for container and Service port names: at most 15 characters,
 * lowercase letters, digits and '-', at least one letter, no leading, trailing or doubled '-'.
 */
export function portNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > 15) return `is ${name.length} characters long (at most 15)`;
  if (!/^[a-z0-9-]+$/.test(name)) return 'may contain only lowercase letters, digits and \'-\'';
  if (!/[a-z]/.test(name)) return 'must contain at least one letter';
  if (name.startsWith('-') || name.endsWith('-')) return 'must not start or end with \'-\'';
  if (name.includes('--')) return 'must not contain \'--\'';
  return undefined;
}

/**
 * A host for an Ingress rule or an HTTPRoute: a DNS-1123 subdomain, optionally with a
 * wildcard that is the whole left-most label (`*.example.com`); never an IP address.
 */
export function hostProblem(host: string): string | undefined {
  if (typeof host !== 'string' || host.length === 0) return 'is empty';
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(host);
  if (scheme) return `has a scheme; a host is the DNS name alone. Remove "${scheme[0]}" (write "${host.slice(scheme[0].length).replace(/[/:].*$/, '')}")`;
  if (host.includes('/')) return `has a path; a host is the DNS name alone. Remove "${host.slice(host.indexOf('/'))}" and give the path as \`path\``;
  const withPort = /^([^:]+):(\d+)$/.exec(host);
  if (withPort && !/^\d+\.\d+\.\d+\.\d+$/.test(withPort[1])) return `has a port; a host is the DNS name alone (the port comes from the listener). Remove ":${withPort[2]}" (write "${withPort[1]}")`;
  if (/^\d+\.\d+\.\d+\.\d+(:\d+)?$/.test(host) || host.includes(':')) return 'is an IP address; Ingress and Gateway hosts must be DNS names';
  if (host.includes('*') && !(host.startsWith('*.') && !host.slice(2).includes('*'))) {
    return 'has a wildcard that is not the whole left-most label (only "*.example.com" is allowed)';
  }
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  const problem = dns1123SubdomainProblem(bare);
  return problem ? `is not a DNS name: it ${problem}` : undefined;
}

/** Fails with a fix when `name` is not a valid namespace name. */
export function checkNamespaceName(where: string, name: string): void {
  const problem = dns1123LabelProblem(name);
  if (problem) failValue(where, `namespace name "${name}" ${problem}. Namespace names are DNS-1123 labels such as "monitoring".`);
}

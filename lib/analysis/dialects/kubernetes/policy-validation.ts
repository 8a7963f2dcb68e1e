/**
 * What the API server's validation (networking/validation ValidateNetworkPolicy, and
 * metav1 ValidateLabelSelector for every selector) refuses in a NetworkPolicy. A policy with
 * any of these problems could never exist in a cluster, so the analyzer excludes it (with a
 * notice) and lint reports each problem as `policy-rejected-by-api-server`.
 */
import { isRecord } from '../../model/selectors';
import { cidrProblem, parseCidr, rangeStrictlyInside } from '../../../net/ip';
import { labelKeyProblem, labelValueProblem, portNameProblem } from '../../../net/names';

const PROTOCOL_VALUES = ['TCP', 'UDP', 'SCTP'];
/** Marks a problem of type or shape, which the schema check (schema-invalid) reports too. */
const STRUCT = '\u0000';
const POLICY_TYPES = ['Ingress', 'Egress'];

/**
 * Every reason the API server would refuse the policy's spec, each prefixed with the field
 * path (`spec.ingress[0].from[1]: ...`). Empty when it would be admitted.
 */
export function apiServerProblems(policy: Record<string, unknown>): string[] {
  return policyProblems(policy).apiServer;
}

/**
 * The problems of {@link apiServerProblems} that are about values rather than types or
 * shape (a string where a list belongs is the schema check's to report).
 */
export function validationProblems(policy: Record<string, unknown>): string[] {
  return policyProblems(policy).values;
}

/** Both readings of a policy's problems from one pass: all of them, and those about values. */
export function policyProblems(policy: Record<string, unknown>): { readonly apiServer: string[]; readonly values: string[] } {
  const raw = rawProblems(policy);
  return { apiServer: raw.map((p) => (p.startsWith(STRUCT) ? p.slice(1) : p)), values: raw.filter((p) => !p.startsWith(STRUCT)) };
}

function rawProblems(policy: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const spec = policy.spec;
  if (spec === undefined || spec === null) return problems;
  if (!isRecord(spec)) return [STRUCT + 'spec: is not a mapping'];
  problems.push(...selectorProblems(spec.podSelector, 'spec.podSelector'));
  const types = spec.policyTypes;
  if (types !== undefined && types !== null) {
    if (!Array.isArray(types)) problems.push(STRUCT + 'spec.policyTypes: is not a list');
    else {
      if (types.length > 2) problems.push('spec.policyTypes: may not specify more than two policyTypes');
      types.forEach((t, i) => {
        if (!POLICY_TYPES.includes(t as string)) problems.push(`spec.policyTypes[${i}]: Unsupported value: ${JSON.stringify(t)}: supported values: "Ingress", "Egress"`);
      });
    }
  }
  for (const [direction, peerField] of [['ingress', 'from'], ['egress', 'to']] as const) {
    const rules = spec[direction];
    if (rules === undefined || rules === null) continue;
    if (!Array.isArray(rules)) { problems.push(STRUCT + `spec.${direction}: is not a list`); continue; }
    rules.forEach((rule, r) => {
      const at = `spec.${direction}[${r}]`;
      if (!isRecord(rule)) { problems.push(STRUCT + `${at}: is not a mapping`); return; }
      const ports = rule.ports;
      if (Array.isArray(ports)) ports.forEach((port, p) => problems.push(...portProblems(port, `${at}.ports[${p}]`)));
      else if (ports !== undefined && ports !== null) problems.push(STRUCT + `${at}.ports: is not a list`);
      const peers = rule[peerField];
      if (Array.isArray(peers)) peers.forEach((peer, p) => problems.push(...peerProblems(peer, `${at}.${peerField}[${p}]`)));
      else if (peers !== undefined && peers !== null) problems.push(STRUCT + `${at}.${peerField}: is not a list`);
    });
  }
  return problems;
}

function portProblems(port: unknown, at: string): string[] {
  if (!isRecord(port)) return [STRUCT + `${at}: is not a mapping`];
  const problems: string[] = [];
  if (port.protocol !== undefined && port.protocol !== null && !PROTOCOL_VALUES.includes(port.protocol as string)) {
    problems.push(`${at}.protocol: Unsupported value: ${JSON.stringify(port.protocol)}: supported values: "SCTP", "TCP", "UDP"`);
  }
  const value = port.port;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1 || value > 65535) problems.push(`${at}.port: Invalid value: ${value}: must be between 1 and 65535, inclusive`);
  } else if (typeof value === 'string') {
    const problem = portNameProblem(value);
    if (problem) problems.push(`${at}.port: Invalid value: ${JSON.stringify(value)}: a port name ${problem}`);
  } else if (value !== undefined && value !== null) {
    problems.push(STRUCT + `${at}.port: is neither a number nor a port name`);
  }
  const end = port.endPort;
  if (end !== undefined && end !== null) {
    if (value === undefined || value === null) problems.push(`${at}.endPort: may not be specified when \`port\` is not specified`);
    else if (typeof value === 'string') problems.push(`${at}.endPort: may not be specified when \`port\` is non-numeric`);
    else if (typeof end !== 'number' || !Number.isInteger(end)) problems.push(STRUCT + `${at}.endPort: is not a whole number`);
    else if (typeof value === 'number' && end < value) problems.push(`${at}.endPort: Invalid value: ${end}: must be greater than or equal to \`port\``);
    else if (end > 65535) problems.push(`${at}.endPort: Invalid value: ${end}: must be between 1 and 65535, inclusive`);
  }
  return problems;
}

function peerProblems(peer: unknown, at: string): string[] {
  if (!isRecord(peer)) return [STRUCT + `${at}: is not a mapping`];
  const present = (['podSelector', 'namespaceSelector', 'ipBlock'] as const).filter((f) => peer[f] !== undefined && peer[f] !== null);
  if (present.length === 0) return [`${at}: Required value: must specify a peer (an empty peer {} is refused; omit \`from\`/\`to\` to mean every peer)`];
  if (present.includes('ipBlock') && present.length > 1) return [`${at}: Forbidden: may not specify more than 1 peer (an ipBlock cannot be combined with a selector)`];
  const problems = [
    ...selectorProblems(peer.podSelector, `${at}.podSelector`),
    ...selectorProblems(peer.namespaceSelector, `${at}.namespaceSelector`),
  ];
  if (peer.ipBlock !== undefined && peer.ipBlock !== null) problems.push(...ipBlockProblems(peer.ipBlock, `${at}.ipBlock`));
  return problems;
}

function ipBlockProblems(block: unknown, at: string): string[] {
  if (!isRecord(block)) return [STRUCT + `${at}: is not a mapping`];
  const cidr = block.cidr;
  if (typeof cidr !== 'string' || cidr === '') return [`${at}.cidr: Required value`];
  const range = parseLooseCidr(cidr);
  if (!range) return [`${at}.cidr: Invalid value: ${JSON.stringify(cidr)}: ${cidrProblem(cidr) ?? 'is not a CIDR'}`];
  const problems: string[] = [];
  const excepts = block.except;
  if (Array.isArray(excepts)) {
    excepts.forEach((except, i) => {
      const inner = typeof except === 'string' ? parseLooseCidr(except) : undefined;
      if (!inner) problems.push(`${at}.except[${i}]: Invalid value: ${JSON.stringify(except)}: ${typeof except === 'string' ? cidrProblem(except) : 'is not a CIDR'}`);
      else if (!rangeStrictlyInside(range, inner)) problems.push(`${at}.except[${i}]: Invalid value: ${JSON.stringify(except)}: must be a strict subset of \`cidr\` (${cidr})`);
    });
  } else if (excepts !== undefined && excepts !== null) {
    problems.push(STRUCT + `${at}.except: is not a list`);
  }
  return problems;
}

/**
 * A CIDR as the API server of Kubernetes 1.28 parses it: host bits are accepted and the
 * network part is what matches (lint warns about them separately).
 */
export function parseLooseCidr(text: string) {
  const problem = cidrProblem(text);
  if (problem === undefined) return parseCidr(text);
  if (!problem.startsWith('has host bits set')) return undefined;
  const [address, prefixText] = text.split('/');
  const network = /the network address is ([^/]+)\//.exec(problem)![1];
  return address === undefined ? undefined : parseCidr(`${network}/${prefixText}`);
}

/** metav1 ValidateLabelSelector: keys and values, operators, and values per operator. */
export function selectorProblems(selector: unknown, at: string): string[] {
  if (selector === undefined || selector === null) return [];
  if (!isRecord(selector)) return [STRUCT + `${at}: is not a mapping`];
  const problems: string[] = [];
  const labels = selector.matchLabels;
  if (isRecord(labels)) {
    for (const key of Object.keys(labels)) {
      const keyProblem = labelKeyProblem(key);
      if (keyProblem) problems.push(`${at}.matchLabels: Invalid value: ${JSON.stringify(key)}: a label key ${keyProblem}`);
      const value = labels[key];
      if (typeof value !== 'string') problems.push(STRUCT + `${at}.matchLabels.${key}: label values must be strings, not ${JSON.stringify(value)} (quote it)`);
      else {
        const valueProblem = labelValueProblem(value);
        if (valueProblem) problems.push(`${at}.matchLabels: Invalid value: ${JSON.stringify(value)}: a label value ${valueProblem}`);
      }
    }
  } else if (labels !== undefined && labels !== null) {
    problems.push(STRUCT + `${at}.matchLabels: is not a mapping`);
  }
  const expressions = selector.matchExpressions;
  if (Array.isArray(expressions)) {
    expressions.forEach((expression, i) => {
      const where = `${at}.matchExpressions[${i}]`;
      if (!isRecord(expression)) { problems.push(STRUCT + `${where}: is not a mapping`); return; }
      const key = expression.key;
      if (typeof key !== 'string') problems.push(`${where}.key: Required value`);
      else {
        const keyProblem = labelKeyProblem(key);
        if (keyProblem) problems.push(`${where}.key: Invalid value: ${JSON.stringify(key)}: a label key ${keyProblem}`);
      }
      const values = Array.isArray(expression.values) ? expression.values : [];
      switch (expression.operator) {
        case 'In':
        case 'NotIn':
          if (values.length === 0) problems.push(`${where}.values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`);
          break;
        case 'Exists':
        case 'DoesNotExist':
          if (values.length > 0) problems.push(`${where}.values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`);
          break;
        default:
          problems.push(`${where}.operator: Invalid value: ${JSON.stringify(expression.operator)}: not a valid selector operator (In, NotIn, Exists, DoesNotExist)`);
      }
      values.forEach((value, v) => {
        const valueProblem = typeof value === 'string' ? labelValueProblem(value) : 'is not a string';
        if (valueProblem) problems.push(`${where}.values[${v}]: Invalid value: ${JSON.stringify(value)}: a label value ${valueProblem}`);
      });
    });
  } else if (expressions !== undefined && expressions !== null) {
    problems.push(STRUCT + `${at}.matchExpressions: is not a list`);
  }
  return problems;
}

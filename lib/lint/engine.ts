import { DEFAULT_CONTEXT_OPTIONS, DEFAULT_SYSTEM_NAMESPACES, DnsTarget, EgressIsolationScope, LintContext, PortRange, dig } from './context';
import { ObjectMemo } from './object-memo';
import { ALL_RULES } from './rules';
import { Finding, LintRule, SEVERITY_RANK, Severity } from './types';
import { SourcedObject, collect } from '../analysis/input/loader';
import { CLUSTER_SCOPED_KINDS } from '../analysis/input/object-set';
import { namespaceOf } from '../analysis/input/objects';
import { NetkitError } from '../private/errors';
import { lintOptionsProblem } from './helpers';

/** The annotation that suppresses rules on one object: `netkit.io/ignore: rule-a,rule-b`. */
export const IGNORE_ANNOTATION = 'netkit.io/ignore';
/** The annotation that must say why: `netkit.io/ignore-reason: ...`. */
export const IGNORE_REASON_ANNOTATION = 'netkit.io/ignore-reason';

/** Options for {@link lint}. */
export interface LintOptions {
  /** Rule ids to turn off everywhere (an id that names no rule is refused, with the closest one). @default - none */
  readonly disable?: readonly string[];
  /** Findings below this severity are dropped. @default Severity.INFO (everything) */
  readonly minSeverity?: Severity;
  /** The cluster's node-port range. @default { min: 30000, max: 32767 } */
  readonly nodePortRange?: PortRange;
  /**
   * Whether the input holds every object of the namespaces it touches, so rules that look for
   * pods judge namespaces with none in the input too. @default false
   */
  readonly wholeNamespaces?: boolean;
  /** Which workloads workload-not-egress-isolated checks. @default EgressIsolationScope.DEFAULT_DENY_NAMESPACES */
  readonly egressIsolation?: EgressIsolationScope;
  /**
   * Polaris's stricter reading of isolation: a workload counts as isolated only when a policy
   * selecting it has at least one ingress rule and one egress rule. @default false
   */
  readonly requireRulesBothWays?: boolean;
  /** The strict profile: every LoadBalancer is reported as exposure, even with source ranges. @default false */
  readonly everyLoadBalancerIsExposure?: boolean;
  /**
   * Namespaces that `namespace-without-default-deny` and `workload-not-isolated` do not judge:
   * the cluster's own. Pass `[]` to have them judged too.
   * @default ['kube-system', 'kube-public', 'kube-node-lease']
   */
  readonly systemNamespaces?: readonly string[];
  /** The cluster's DNS pods, for egress-without-dns. @default DEFAULT_DNS_TARGETS (kube-system kube-dns on 53, openshift-dns on 5353) */
  readonly dns?: readonly DnsTarget[];
  /** The rules to run. @default ALL_RULES */
  readonly rules?: readonly LintRule[];
  /**
   * The cluster's network plugin, when declared: `cilium-policy-without-cilium` and
   * `internet-egress-by-address-on-cilium` judge the input against it.
   * @default - not declared (those two rules stay silent)
   */
  readonly cni?: 'cilium' | 'calico' | 'standard';
  /**
   * What is derived from single objects (schema errors, unknown fields, a policy's value
   * problems), shared between lint runs over revisions of the same objects: give each run the
   * same memo to judge an object they share once. Objects must not change meanwhile.
   * @default - each run its own
   */
  readonly memo?: ObjectMemo;
}

/** Findings, and the notices about input that was read in a way worth saying. */
export interface LintReport {
  /** Every finding, rule by rule. */
  readonly findings: Finding[];
  /** Objects that were skipped, replaced by a later copy, read under a stand-in name, or not modelled. */
  readonly notices: string[];
}

/**
 * Runs the rules over plain Kubernetes objects (or sourced ones, with file and line).
 * Findings come sorted by file, line, rule and object so output is stable.
 */
export function lint(input: readonly (SourcedObject | Record<string, unknown>)[], options: LintOptions = {}): Finding[] {
  return lintReport(input, options).findings;
}

/** {@link lint}, with the notices `netkit check` prints. */
export function lintReport(input: readonly (SourcedObject | Record<string, unknown>)[], options: LintOptions = {}): LintReport {
  const objects: SourcedObject[] = [];
  const notices: string[] = [];
  for (const item of input) {
    if (isSourced(item)) objects.push(item);
    else collect(item, undefined, undefined, objects, notices);
  }
  const rules = options.rules ?? ALL_RULES;
  // Built-in rules may be turned off while a subset runs: rules consult each other's switches.
  const optionsProblem = lintOptionsProblem(options, [...new Set([...ALL_RULES, ...rules].map((r) => r.id))]);
  if (optionsProblem) throw new NetkitError(`lint options: ${optionsProblem}.`);
  const disabled = new Set(options.disable ?? []);
  const context = new LintContext(objects, {
    nodePortRange: options.nodePortRange ?? DEFAULT_CONTEXT_OPTIONS.nodePortRange,
    dns: options.dns ?? DEFAULT_CONTEXT_OPTIONS.dns,
    disabledRules: disabled,
    wholeNamespaces: options.wholeNamespaces ?? false,
    egressIsolation: options.egressIsolation ?? DEFAULT_CONTEXT_OPTIONS.egressIsolation,
    requireRulesBothWays: options.requireRulesBothWays ?? false,
    everyLoadBalancerIsExposure: options.everyLoadBalancerIsExposure ?? false,
    systemNamespaces: new Set(options.systemNamespaces ?? DEFAULT_SYSTEM_NAMESPACES),
    ...(options.cni !== undefined ? { cni: options.cni } : {}),
    ...(options.memo !== undefined ? { memo: options.memo } : {}),
  });
  const minRank = SEVERITY_RANK[options.minSeverity ?? Severity.INFO];
  const known = new Set(rules.map((r) => r.id));
  const findings: Finding[] = [];
  for (const rule of rules) {
    // A rule's own severity is its highest; none of its findings can pass a filter it fails.
    if (disabled.has(rule.id) || SEVERITY_RANK[rule.severity] > minRank) continue;
    for (const raw of rule.check(context)) {
      const suppression = suppressionsOf(raw.object);
      if (suppression.rules.includes(rule.id) && suppression.reason) continue;
      const source = context.sourceOf(raw.object);
      const severity = raw.severity !== undefined && SEVERITY_RANK[raw.severity] > SEVERITY_RANK[rule.severity] ? raw.severity : rule.severity;
      if (SEVERITY_RANK[severity] > minRank) continue;
      findings.push({
        rule: rule.id,
        severity,
        object: refOf(raw.object, context.displayName(raw.object)),
        message: raw.message,
        fix: raw.fix,
        ...(source?.file ? { file: source.file } : {}),
        ...(source?.line ? { line: source.line } : {}),
      });
    }
  }
  if (SEVERITY_RANK[Severity.ERROR] <= minRank) {
    for (const source of objects) {
      const suppression = suppressionsOf(source.object);
      if (suppression.rules.length === 0) continue;
      const problems: string[] = [];
      if (!suppression.reason) problems.push(`${IGNORE_ANNOTATION} needs a ${IGNORE_REASON_ANNOTATION} annotation saying why`);
      const unknown = suppression.rules.filter((r) => !known.has(r));
      if (unknown.length > 0) problems.push(`${IGNORE_ANNOTATION} names unknown rules: ${unknown.join(', ')}`);
      for (const problem of problems) {
        findings.push({ rule: 'suppression', severity: Severity.ERROR, object: refOf(source.object, context.displayName(source.object)), message: problem, fix: `Write ${IGNORE_ANNOTATION}: <rule-id>[,<rule-id>] and ${IGNORE_REASON_ANNOTATION}: <why>.`, ...(source.file ? { file: source.file } : {}), ...(source.line ? { line: source.line } : {}) });
      }
    }
  }
  return { findings: sortFindings(findings), notices: [...notices, ...context.notices] };
}

/** `error shop/api Deployment [rule]: message. Fix: ...` */
export function formatFinding(finding: Finding): string {
  const where = finding.file ? `${finding.file}${finding.line ? `:${finding.line}` : ''}: ` : '';
  const object = `${finding.object.kind} ${finding.object.namespace ? `${finding.object.namespace}/` : ''}${finding.object.name}`;
  return `${where}${finding.severity} [${finding.rule}] ${object}: ${finding.message}. Fix: ${finding.fix}`;
}

function suppressionsOf(object: Record<string, unknown>): { rules: string[]; reason?: string } {
  const value = dig(object, 'metadata', 'annotations', IGNORE_ANNOTATION);
  const reason = dig(object, 'metadata', 'annotations', IGNORE_REASON_ANNOTATION);
  const rules = typeof value === 'string' ? value.split(',').map((r) => r.trim()).filter(Boolean) : [];
  return { rules, ...(typeof reason === 'string' && reason.trim() !== '' ? { reason } : {}) };
}

function refOf(object: Record<string, unknown>, name: string) {
  const kind = String(object.kind);
  return {
    apiVersion: String(object.apiVersion),
    kind,
    ...(CLUSTER_SCOPED_KINDS.has(kind) ? {} : { namespace: namespaceOf(object) }),
    name,
  };
}

function isSourced(item: SourcedObject | Record<string, unknown>): item is SourcedObject {
  return typeof (item as SourcedObject).object === 'object' && (item as SourcedObject).object !== null && !('apiVersion' in item);
}

/** Findings by file, line, rule and object; each finding's sort key is built once, not per comparison. */
function sortFindings(findings: readonly Finding[]): Finding[] {
  const key = (f: Finding) => [f.file ?? '', String(f.line ?? 0).padStart(9, '0'), f.rule, f.object.kind, f.object.namespace ?? '', f.object.name, f.message].join('\u0000');
  const keyed = findings.map((finding) => ({ key: key(finding), finding }));
  // Array.prototype.sort is stable: findings with the same key keep the order the rules gave.
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.finding);
}

import { LintContext } from './context';

/** How bad a finding is. Errors fail `cdk8s synth` and `netkit check`. */
export enum Severity {
  ERROR = 'error',
  WARNING = 'warning',
  INFO = 'info',
}

/** Severity order, most severe first. */
export const SEVERITY_RANK: Record<Severity, number> = { [Severity.ERROR]: 0, [Severity.WARNING]: 1, [Severity.INFO]: 2 };

/** The object a finding is about. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** One problem found by a rule. */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly object: ObjectRef;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  readonly file?: string;
  readonly line?: number;
}

/** What a rule reports before the engine adds severity and location. */
export interface RawFinding {
  readonly object: Record<string, unknown>;
  readonly message: string;
  readonly fix: string;
  /**
   * A lower severity than the rule's for this finding, when its truth is less certain (the
   * object it needs may live outside the input). Never higher than the rule's.
   */
  readonly severity?: Severity;
}

/** A lint rule over plain Kubernetes objects. */
export interface LintRule {
  /** Stable id, used in suppressions and configuration. */
  readonly id: string;
  /** The severity of its findings (the highest, when some findings are less certain). */
  readonly severity: Severity;
  /** One line: what the rule catches. */
  readonly description: string;
  /** The Kubernetes documentation the rule follows. */
  readonly docs: string;
  check(context: LintContext): Iterable<RawFinding>;
}

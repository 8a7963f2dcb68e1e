import { LintContext } from './context';

/** How bad a finding is. Errors fail `cdk8s synth` and `netkit check`. */
export enum Severity {
  /** Something the API server refuses, or traffic that cannot work: fails synth and `netkit check`. */
  ERROR = 'error',
  /** Works, but loses something worth knowing (says what). */
  WARNING = 'warning',
  /** A deliberate choice, named so a reviewer sees it. */
  INFO = 'info',
}

/** Severity order, most severe first. */
export const SEVERITY_RANK: Record<Severity, number> = { [Severity.ERROR]: 0, [Severity.WARNING]: 1, [Severity.INFO]: 2 };

/** The object a finding is about. */
export interface ObjectRef {
  /** Its `apiVersion`. */
  readonly apiVersion: string;
  /** Its `kind`. */
  readonly kind: string;
  /** Its namespace. @default - none (cluster-scoped) */
  readonly namespace?: string;
  /** Its name. */
  readonly name: string;
}

/** One problem found by a rule. */
export interface Finding {
  /** The rule id, as in `netkit.io/ignore` and `--disable`. */
  readonly rule: string;
  /** How bad it is. */
  readonly severity: Severity;
  /** The object it is about. */
  readonly object: ObjectRef;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** The file the object was read from (a construct path at synth). @default - none */
  readonly file?: string;
  /** The 1-based line its document starts on. @default - none */
  readonly line?: number;
}

/** What a rule reports before the engine adds severity and location. */
export interface RawFinding {
  /** The object it is about, as given to the rule. */
  readonly object: Record<string, unknown>;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /**
   * A lower severity than the rule's for this finding, when its truth is less certain (the
   * object it needs may live outside the input). Never higher than the rule's.
   * @default - the rule's severity
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
  /** Yields the rule's findings over everything the context holds. */
  check(context: LintContext): Iterable<RawFinding>;
}

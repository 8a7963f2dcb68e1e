import { ApiObject, App } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { LintOptions, formatFinding, lintReport } from '../lint/engine';
import { lintOptionsProblem } from '../lint/helpers';
import { ALL_RULES } from '../lint/rules';
import { failAt } from '../private/errors';
import { currentSynthScope, enableSynthScope, jsonOnce } from '../private/synth-scope';
import { Severity } from '../lint/types';
import { closestMatches } from '../analysis/queries/suggest';
import { SourcedObject, collect } from '../analysis/input/loader';
import { namespaceUses } from '../private/namespace-uses';

/**
 * Per-app lint settings: the options of `lint()` (cluster facts such as the node-port range
 * and DNS pods, egress isolation scope, strict profiles), plus what synth does with findings.
 */
export interface NetkitLintOptions extends Omit<LintOptions, 'disable' | 'rules' | 'minSeverity'> {
  /** Rule ids to turn off for the whole app (an id that names no rule is refused, with the closest one). @default - none */
  readonly disable?: string[];
  /**
   * What to do with warnings, infos and notices (objects the lint read with a caveat, such as
   * kinds it does not model): print them to stderr during synth, or stay quiet. Errors always
   * fail the synth.
   * @default 'print'
   */
  readonly warnings?: 'print' | 'silent';
  /**
   * Namespaces created outside the app that constructs are placed in by name. A name one typo
   * away from a namespace the app declares fails the synth with a did-you-mean, unless it is
   * listed here.
   * @default - none
   */
  readonly externalNamespaces?: string[];
  /**
   * Run the rules at synth. Turning them off is for measuring their cost, not for shipping.
   * @default true
   */
  readonly enabled?: boolean;
}

const LINT_ID = 'netkit-lint';

/**
 * Namespaces given by name that the app does not declare but that are one typo away from one
 * it does: objects there would be refused by the API server (the namespace does not exist).
 * A name far from every declared one is taken as a namespace created outside the app.
 */
function namespaceTypos(app: App, objects: readonly unknown[], external: readonly string[]): string[] {
  const declared = new Set<string>();
  for (const o of objects as { kind?: unknown; metadata?: { name?: unknown } }[]) {
    if (o.kind === 'Namespace' && typeof o.metadata?.name === 'string') declared.add(o.metadata.name);
  }
  if (declared.size === 0) return [];
  const errors: string[] = [];
  const reported = new Set<string>();
  for (const use of namespaceUses(app)) {
    if (declared.has(use.name) || external.includes(use.name) || reported.has(`${use.path}\u0000${use.name}`)) continue;
    const close = closestMatches(use.name, [...declared], 2).filter((c) => c !== use.name);
    if (close.length === 0) continue;
    reported.add(`${use.path}\u0000${use.name}`);
    errors.push(`${use.path}: namespace "${use.name}" is not declared by this app, which declares ${[...declared].sort().join(', ')}. Did you mean ${close.map((c) => `"${c}"`).join(' or ')}? Fix the name, or pass the SecureNamespace itself (namespace: ns) so that no name is typed; for a namespace created outside the app, NetkitLint.of(app).configure({ externalNamespaces: ['${use.name}'] }).`);
  }
  return errors;
}

/**
 * Runs the networking lint rules over every chart of the app when it synthesizes, as a
 * cdk8s validation: an error fails `app.synth()` and `cdk8s synth` listing each finding
 * with its fix; warnings are printed and do not fail. Every netkit construct adds it;
 * add it yourself with `NetkitLint.of(app)` to lint charts written without them.
 */
export class NetkitLint extends Construct {
  /** The app's lint construct, created on first use. */
  public static of(scope: IConstruct): NetkitLint {
    const app = App.of(scope);
    return (app.node.tryFindChild(LINT_ID) as NetkitLint | undefined) ?? new NetkitLint(app, LINT_ID);
  }

  private options: NetkitLintOptions = {};

  private constructor(private readonly app: App, id: string) {
    super(app, id);
    this.node.addValidation({ validate: () => this.run() });
    enableSynthScope(app);
  }

  /**
   * Changes the settings (merged with earlier calls). Values no cluster could have (a node-port
   * range, DNS targets, system namespaces) and rule ids that name no rule are refused here, with
   * this construct's path.
   */
  public configure(options: NetkitLintOptions): void {
    const problem = lintOptionsProblem(options, ALL_RULES.map((r) => r.id));
    if (problem) failAt(this, `configure(): ${problem}.`);
    this.options = {
      ...this.options, ...options,
      disable: [...(this.options.disable ?? []), ...(options.disable ?? [])],
      externalNamespaces: [...(this.options.externalNamespaces ?? []), ...(options.externalNamespaces ?? [])],
    };
  }

  private run(): string[] {
    if (this.options.enabled === false) return [];
    const scope = currentSynthScope(this.app);
    const memo = scope?.memo.get(LINT_ID) as string[] | undefined;
    if (memo) return memo;
    // ApiObject.toJson, not Chart.toJson: the latter validates the app, recursing into here.
    const apiObjects = this.app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    const objects = apiObjects.map((o) => jsonOnce(this.app, o));
    // Each object is sourced by its construct path, so findings (a duplicate's both copies
    // among them) name the constructs that wrote them.
    const sourced: SourcedObject[] = [];
    const read: string[] = [];
    apiObjects.forEach((o, i) => collect(objects[i], o.node.path, undefined, sourced, read));
    const { warnings: _warnings, enabled: _enabled, externalNamespaces, ...options } = this.options;
    const { findings, notices } = lintReport(sourced, options);
    if ((this.options.warnings ?? 'print') === 'print') {
      // As `netkit check` says them: what was read with a caveat is never passed over in silence.
      for (const notice of [...read, ...notices]) process.stderr.write(`netkit lint: notice: ${notice}\n`);
      for (const finding of findings) if (finding.severity !== Severity.ERROR) process.stderr.write(`netkit lint: ${formatFinding(finding)}\n`);
    }
    const errors = [...namespaceTypos(this.app, objects, externalNamespaces ?? []), ...findings.filter((f) => f.severity === Severity.ERROR).map(formatFinding)];
    scope?.memo.set(LINT_ID, errors);
    return errors;
  }
}

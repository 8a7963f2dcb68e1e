import { ApiObject, App } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { LintOptions, formatFinding, lint } from '../lint/engine';
import { currentSynthScope, enableSynthScope, jsonOnce } from '../private/synth-scope';
import { Severity } from '../lint/types';

/**
 * Per-app lint settings: the options of `lint()` (cluster facts such as the node-port range
 * and DNS pods, egress isolation scope, strict profiles), plus what synth does with findings.
 */
export interface NetkitLintOptions extends Omit<LintOptions, 'disable' | 'rules' | 'minSeverity'> {
  /** Rule ids to turn off for the whole app. @default - none */
  readonly disable?: string[];
  /**
   * What to do with warnings and infos: print them to stderr during synth, or stay quiet.
   * Errors always fail the synth.
   * @default 'print'
   */
  readonly warnings?: 'print' | 'silent';
  /**
   * Run the rules at synth. Turning them off is for measuring their cost, not for shipping.
   * @default true
   */
  readonly enabled?: boolean;
}

const LINT_ID = 'netkit-lint';

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

  /** Changes the settings (merged with earlier calls). */
  public configure(options: NetkitLintOptions): void {
    this.options = { ...this.options, ...options, disable: [...(this.options.disable ?? []), ...(options.disable ?? [])] };
  }

  private run(): string[] {
    if (this.options.enabled === false) return [];
    const scope = currentSynthScope(this.app);
    const memo = scope?.memo.get(LINT_ID) as string[] | undefined;
    if (memo) return memo;
    // ApiObject.toJson, not Chart.toJson: the latter validates the app, recursing into here.
    const objects = this.app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => jsonOnce(this.app, o));
    const { warnings: _warnings, enabled: _enabled, ...options } = this.options;
    const findings = lint(objects as Record<string, unknown>[], options);
    if ((this.options.warnings ?? 'print') === 'print') {
      for (const finding of findings) if (finding.severity !== Severity.ERROR) process.stderr.write(`netkit lint: ${formatFinding(finding)}\n`);
    }
    const errors = findings.filter((f) => f.severity === Severity.ERROR).map(formatFinding);
    scope?.memo.set(LINT_ID, errors);
    return errors;
  }
}

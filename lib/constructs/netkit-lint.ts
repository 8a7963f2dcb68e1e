import { ApiObject, App } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { formatFinding, lint } from '../lint/engine';
import { Severity } from '../lint/types';

/** Per-app lint settings. */
export interface NetkitLintOptions {
  /** Rule ids to turn off for the whole app. @default - none */
  readonly disable?: string[];
  /** The cluster's node-port range. @default { min: 30000, max: 32767 } */
  readonly nodePortRange?: { readonly min: number; readonly max: number };
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

/** What one `app.synth()` / `app.synthYaml()` call has already computed. */
interface SynthScope {
  readonly json: Map<ApiObject, unknown>;
  errors?: string[];
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
  private scope?: SynthScope;

  private constructor(private readonly app: App, id: string) {
    super(app, id);
    this.node.addValidation({ validate: () => this.run() });
    // cdk8s validates the whole app once per synth call and again for every chart it
    // serializes, and each ApiObject.toJson() is then computed once more for the output.
    // Within one synth call nothing can change, so serialize each object once and lint
    // once, and let the output reuse that JSON. The cache lives for that call only.
    for (const method of ['synth', 'synthYaml'] as const) {
      const original = app[method];
      Object.defineProperty(app, method, {
        configurable: true,
        writable: true,
        value: (...args: unknown[]) => {
          this.scope = { json: new Map() };
          try {
            return (original as (...a: unknown[]) => unknown).apply(app, args);
          } finally {
            for (const object of this.scope.json.keys()) delete (object as unknown as { toJson?: unknown }).toJson;
            this.scope = undefined;
          }
        },
      });
    }
  }

  /** Changes the settings (merged with earlier calls). */
  public configure(options: NetkitLintOptions): void {
    this.options = { ...this.options, ...options, disable: [...(this.options.disable ?? []), ...(options.disable ?? [])] };
  }

  private run(): string[] {
    if (this.options.enabled === false) return [];
    if (this.scope?.errors) return this.scope.errors;
    const objects = this.app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => this.jsonOf(o));
    const findings = lint(objects as Record<string, unknown>[], { disable: this.options.disable, nodePortRange: this.options.nodePortRange });
    if ((this.options.warnings ?? 'print') === 'print') {
      for (const finding of findings) if (finding.severity !== Severity.ERROR) process.stderr.write(`netkit lint: ${formatFinding(finding)}\n`);
    }
    const errors = findings.filter((f) => f.severity === Severity.ERROR).map(formatFinding);
    if (this.scope) this.scope.errors = errors;
    return errors;
  }

  /**
   * ApiObject.toJson, not Chart.toJson: the latter validates the app, which would recurse
   * into here. Inside a synth call the JSON is kept for the output to reuse.
   */
  private jsonOf(object: ApiObject): unknown {
    if (!this.scope) return object.toJson();
    if (this.scope.json.has(object)) return this.scope.json.get(object);
    const json = object.toJson();
    this.scope.json.set(object, json);
    Object.defineProperty(object, 'toJson', { configurable: true, writable: true, value: () => json });
    return json;
  }
}

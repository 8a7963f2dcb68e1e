import { readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { requireCodeCached } from '../../private/code-cached-module';
import { lightValidatePackage } from './light-formats';

type Model = new (data: unknown) => { validate(): void };

/** An ajv-compiled validator as the schema packages publish it (ajv's standalone code). */
interface CompiledValidator {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}
interface AjvError { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }

/** How a kind is checked: its compiled validator alone, or (when that cannot be found) its model class. */
type Checker = { readonly validate: CompiledValidator } | { readonly model: Model };

const load = createRequire(__filename);
const checkers = new Map<string, Checker | null>();

/** The package that publishes a schema for this API group. */
function packageFor(apiVersion: string): string {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (group === 'gateway.networking.k8s.io') return '@kubernetes-models/gateway-api';
  if (group === 'cert-manager.io') return '@kubernetes-models/cert-manager';
  return 'kubernetes-models';
}

/** The schema module a model module wraps (`../../_schemas/IoK8sApiAppsV1Deployment.js`), relative to it. */
export function schemaFileOf(modulePath: string): string | undefined {
  return /require\("(\.\.\/[^"]*_schemas\/[A-Za-z0-9]+\.js)"\)/.exec(readFileSync(modulePath, 'utf8'))?.[1];
}

/**
 * The compiled validator behind a model module, required directly. A model module is one line
 * that loads `@kubernetes-models/base` (and through it ajv, ajv-formats and every ajv-i18n
 * locale: some fifty modules) only to wrap the validator; `netkit check` starts faster without
 * them. Undefined when the module does not have the expected shape (then the model is used).
 */
function compiledValidator(modulePath: string): CompiledValidator | undefined {
  const schemaFile = schemaFileOf(modulePath);
  if (!schemaFile) return undefined;
  lightValidatePackage(modulePath);
  const validate = (load(join(dirname(modulePath), schemaFile)) as { validate?: unknown }).validate;
  return typeof validate === 'function' ? (validate as CompiledValidator) : undefined;
}

/**
 * The compiled validator if the module has the expected shape, else the model class. A
 * package that cannot be loaded as expected (another layout, a missing dependency) gives
 * the model class or nothing, as a kind without a published schema does: never a crash.
 */
function loadChecker(modulePath: string, kind: string): Checker | null {
  try {
    const validate = compiledValidator(modulePath);
    if (validate) return { validate };
  } catch {
    // fall back to the model class below
  }
  try {
    const model = (load(modulePath) as Record<string, unknown>)[kind];
    return typeof model === 'function' ? { model: model as Model } : null;
  } catch {
    return null;
  }
}

/** The build's one-file validators (scripts/bundle.ts), by `apiVersion/kind`; each loads on first call. */
type BundledValidators = Readonly<Record<string, () => CompiledValidator>>;

// The CLI's one-file build defines where the validators sit from its own folder.
declare const NETKIT_BUNDLED_VALIDATORS: string | undefined;
let bundled: BundledValidators | null | undefined;
let noteBundledUse: (key: string) => void = () => undefined;

/**
 * The validators the build bundled into one file for the kinds most manifests hold: one file
 * to read instead of some thirty modules per kind (faster `netkit check` and synth-time lint).
 * Where Node's compile cache is on (the CLI turns it on), the validators come with the code
 * V8 compiled for them in earlier runs. Null when running from source, or when the file cannot
 * be loaded: then each kind loads from the installed packages, with the same verdicts
 * (test/lint/bundled-validators.test.ts).
 */
function bundledValidators(): BundledValidators | null {
  if (bundled !== undefined) return bundled;
  const file = join(__dirname, typeof NETKIT_BUNDLED_VALIDATORS === 'string' ? NETKIT_BUNDLED_VALIDATORS : 'bundled-validators.js');
  try {
    const cacheDir = (nodeModule as { getCompileCacheDir?: () => string | undefined }).getCompileCacheDir?.();
    const loaded = requireCodeCached(file, cacheDir);
    bundled = loaded.exports as BundledValidators;
    noteBundledUse = loaded.used;
  } catch {
    bundled = null;
  }
  return bundled;
}

/** How to check an apiVersion and kind, loaded on first use; null when no schema is published. */
function checkerFor(apiVersion: string, kind: string): Checker | null {
  const key = `${apiVersion}/${kind}`;
  if (checkers.has(key)) return checkers.get(key)!;
  let checker: Checker | null = null;
  const fromBundle = Object.prototype.hasOwnProperty.call(bundledValidators() ?? {}, key) ? bundled![key] : undefined;
  if (fromBundle) {
    try {
      checker = { validate: fromBundle() };
      noteBundledUse(key);
    } catch {
      checker = null;
    }
  }
  if (!checker && /^[A-Za-z0-9.\-/]+$/.test(apiVersion) && /^[A-Za-z0-9]+$/.test(kind)) {
    let modulePath: string | undefined;
    try {
      modulePath = load.resolve(`${packageFor(apiVersion)}/${apiVersion}/${kind}`);
    } catch {
      modulePath = undefined;
    }
    if (modulePath) checker = loadChecker(modulePath, kind);
  }
  checkers.set(key, checker);
  return checker;
}

/** ajv's English messages, as the model classes word them (`must be integer`), loaded only for a failing object. */
function messages(modulePath: string, errors: AjvError[]): string {
  const localize = createRequire(modulePath)('ajv-i18n/localize/en') as (errors: AjvError[]) => void;
  localize(errors);
  return errors.map((error) => `data${error.instancePath} ${error.message ?? error.keyword}`).join(', ');
}

/** Where the schema packages live, for the message localizer (a dependency of theirs, not ours). */
const validatePackagePath = (): string => createRequire(load.resolve('kubernetes-models/v1/Pod'))
  .resolve('@kubernetes-models/validate');

/**
 * Schema errors of an object against the published OpenAPI schema of its kind (the
 * `kubernetes-models` packages, offline): wrong types, missing required fields, bad enum
 * values. Undefined when no schema is published for the kind.
 */
export function schemaErrors(object: Record<string, unknown>): string[] | undefined {
  const checker = checkerFor(String(object.apiVersion), String(object.kind));
  if (!checker) return undefined;
  let message: string | undefined;
  if ('validate' in checker) {
    // The validator reads the object as it is: parsed YAML and cdk8s JSON hold no undefined values.
    if (checker.validate(object)) return [];
    message = messages(validatePackagePath(), [...(checker.validate.errors ?? [])]);
  } else {
    try {
      checker.model.prototype.validate.call(object);
      return [];
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
  }
  return message.split(/\n|, (?=data\/)/).map((line) => line.trim().replace(/^data\/?/, '').replace(/\//g, '.')).filter(Boolean).slice(0, 5);
}

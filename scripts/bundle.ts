/**
 * Runs after `tsc` (the compile task): writes the two one-file builds the package ships.
 *
 * - dist/lint/schema/bundled-validators.js: the published OpenAPI validators of the kinds most
 *   manifests hold, from the kubernetes-models packages (MIT). Checking a Deployment otherwise
 *   requires some thirty modules, each resolved and compiled; one file is read once and, with
 *   Node's compile cache, not compiled again.
 * - dist/cli/netkit.js: the `netkit` CLI with its own modules, commander and the YAML readers,
 *   so that a start resolves nothing (bin/netkit runs it). Graphviz stays out (loaded by
 *   `netkit graph --format svg` only), and so do the schema packages (found at run time).
 *
 *   npx tsx scripts/bundle.ts
 */
import { renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { schemaFileOf } from '../lib/lint/schema/validate';

const root = resolve(__dirname, '..');
const dist = join(root, 'dist');
const fromRoot = createRequire(join(root, 'package.json'));

/**
 * The kinds whose validators are bundled: what netkit's constructs write and the workload,
 * RBAC and certificate kinds that sit beside them in a GitOps repo. Any other kind is checked
 * too, from the installed packages, only more slowly on its first object (Gateway API's models
 * compile their schema when first used: they publish no compiled validator to bundle).
 */
export const BUNDLED_KINDS: readonly string[] = [
  'v1/Namespace', 'v1/Service', 'v1/Pod', 'v1/ConfigMap', 'v1/Secret', 'v1/ServiceAccount', 'v1/Endpoints',
  'v1/LimitRange', 'v1/ResourceQuota', 'v1/PersistentVolumeClaim',
  'apps/v1/Deployment', 'apps/v1/StatefulSet', 'apps/v1/DaemonSet', 'apps/v1/ReplicaSet',
  'batch/v1/Job', 'batch/v1/CronJob',
  'networking.k8s.io/v1/NetworkPolicy', 'networking.k8s.io/v1/Ingress', 'networking.k8s.io/v1/IngressClass',
  'policy/v1/PodDisruptionBudget', 'autoscaling/v2/HorizontalPodAutoscaler', 'discovery.k8s.io/v1/EndpointSlice',
  'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'cert-manager.io/v1/Certificate', 'cert-manager.io/v1/Issuer', 'cert-manager.io/v1/ClusterIssuer',
];

/** The package publishing a kind's model (as lib/lint/schema/validate.ts looks it up). */
function modelModule(key: string): string {
  const group = key.split('/')[0];
  const pkg = group === 'cert-manager.io' ? '@kubernetes-models/cert-manager' : 'kubernetes-models';
  return fromRoot.resolve(`${pkg}/${key}`);
}

/** The entry module: each kind's validator, required on first call. */
function validatorsEntry(): string {
  const lines = BUNDLED_KINDS.map((key) => {
    const model = modelModule(key);
    const schema = schemaFileOf(model);
    if (!schema) throw new Error(`${key}: ${relative(root, model)} does not wrap a compiled validator; drop it from BUNDLED_KINDS or update schemaFileOf`);
    const path = `./${relative(root, join(dirname(model), schema))}`;
    return `  ${JSON.stringify(key)}: () => require(${JSON.stringify(path)}).validate,`;
  });
  return `module.exports = {\n${lines.join('\n')}\n};\n`;
}

/** `@kubernetes-models/validate` inside the bundle: netkit's light formats, the real package for any other. */
const lightValidatePackage: Plugin = {
  name: 'light-validate-package',
  setup(bundler) {
    bundler.onResolve({ filter: /^@kubernetes-models\/validate$/ }, () => ({ path: join(root, 'lib/lint/schema/bundled-validate-package.ts') }));
  },
};

/**
 * commander requires child_process at its top for subcommands run as separate executables,
 * which netkit has none of; loading it (with net, dgram and streams) costs each start about
 * 5 ms. Inside the CLI bundle, commander gets it on first use instead.
 */
const lazyChildProcess: Plugin = {
  name: 'lazy-child-process',
  setup(bundler) {
    bundler.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      (/[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined));
    bundler.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents: 'let real;\nconst load = () => (real ??= require("node:child_process"));\nmodule.exports = new Proxy({}, { get: (_, name) => load()[name], has: (_, name) => name in load() });\n',
      loader: 'js',
    }));
  },
};

/** Builds, then puts each output in place by rename: a netkit run meanwhile reads the old file or the new one. */
async function buildInPlace(options: BuildOptions & { outfile: string }): Promise<void> {
  const result = await build({ ...options, write: false, logLevel: 'warning' });
  for (const output of result.outputFiles) {
    const temporary = `${output.path}.${process.pid}`;
    writeFileSync(temporary, output.contents);
    renameSync(temporary, output.path);
  }
}

export async function bundleValidators(outfile: string): Promise<void> {
  await buildInPlace({
    stdin: { contents: validatorsEntry(), resolveDir: root, sourcefile: 'bundled-validators-entry.js', loader: 'js' },
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, legalComments: 'inline',
    banner: { js: '// The OpenAPI validators of kubernetes-models and @kubernetes-models/cert-manager (MIT), bundled by scripts/bundle.ts.' },
    plugins: [lightValidatePackage], outfile,
  });
}

async function bundleCli(outfile: string): Promise<void> {
  const validators = relative(dirname(outfile), join(dist, 'lint/schema/bundled-validators.js'));
  await buildInPlace({
    entryPoints: [join(dist, 'cli/bin.js')],
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', minifyWhitespace: true, legalComments: 'inline',
    external: ['@viz-js/viz'],
    plugins: [lazyChildProcess],
    define: { NETKIT_BUNDLED_VALIDATORS: JSON.stringify(validators) },
    outfile,
  });
}

if (resolve(process.argv[1] ?? '') === __filename) {
  void (async () => {
    await bundleValidators(join(dist, 'lint/schema/bundled-validators.js'));
    await bundleCli(join(dist, 'cli/netkit.js'));
  })().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

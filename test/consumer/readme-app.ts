/**
 * The README is the test: renders what `cdk8s init typescript-app` writes into an empty folder,
 * then applies README.md's "Use it in your app" section to it, block by block and in order:
 * TypeScript blocks that start with `// <file>` are written as shown, shell lines are run as
 * shown. `npm install`/`npm uninstall` need the registry, so outside `--record` they are applied
 * to package.json from test/consumer/readme/ (where `--record` ran them for real) and that
 * lockfile is installed with `npm ci`; a step that no longer matches the recording fails.
 *
 *   tsx test/consumer/readme-app.ts <empty dir named shop-app> <tarball> [--record]
 */
import { execSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const repo = resolve(__dirname, '../..');
const recorded = join(repo, 'test/consumer/readme');
const SECTION = '## Use it in your app';

/** One step of the README section. */
export type Step = { readonly kind: 'run'; readonly command: string } | { readonly kind: 'file'; readonly path: string; readonly content: string };

/** The steps of README's "Use it in your app" section, in order. Unmarked code blocks are refused. */
export function readmeSteps(readme: string): Step[] {
  const start = readme.search(/^## Use it in your app$/m);
  if (start < 0) throw new Error(`README.md has no "${SECTION}" section`);
  const rest = readme.slice(start + SECTION.length + 1);
  const section = rest.slice(0, rest.search(/\n## /) < 0 ? rest.length : rest.search(/\n## /));
  const steps: Step[] = [];
  for (const block of section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    const [, lang, body] = block;
    if (lang === 'sh') {
      for (const line of body.split('\n').map((l) => l.trim())) if (line !== '' && !line.startsWith('#')) steps.push({ kind: 'run', command: line });
    } else {
      const marker = /^\/\/ ([\w./-]+)\n/.exec(body);
      if (!marker) throw new Error(`README "${SECTION}": a ${lang || 'plain'} block does not start with "// <file>", so the consumer test cannot apply it:\n${body}`);
      steps.push({ kind: 'file', path: marker[1], content: body });
    }
  }
  return steps;
}

/** Writes the typescript-app template of the cdk8s-cli in node_modules, as `cdk8s init` does (without its install hook). */
function renderTemplate(dir: string): void {
  const cli = dirname(require.resolve('cdk8s-cli/package.json', { paths: [repo] }));
  const versionOf = (name: string) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`, { paths: [cli] }), 'utf8')).version as string;
  const cliPackage = JSON.parse(readFileSync(join(cli, 'package.json'), 'utf8'));
  const values: Record<string, string> = {
    $base: dir.split('/').pop()!,
    cdk8s_core_version: versionOf('cdk8s'),
    cdk8s_plus_version: versionOf('cdk8s-plus-33'),
    constructs_version: String(cliPackage.dependencies.constructs).replace('^', ''),
    cdk8s_cli_spec: `^${cliPackage.version}`,
  };
  const copy = (from: string, to: string) => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (entry.name === '.hooks.sscaff.js') continue;
      const target = join(to, entry.name.replace('{{}}', ''));
      if (entry.isDirectory()) { mkdirSync(target, { recursive: true }); copy(join(from, entry.name), target); continue; }
      const text = readFileSync(join(from, entry.name), 'utf8').replace(/\{\{ *([$\w]+) *\}\}/g, (whole, key: string) => values[key] ?? whole);
      writeFileSync(target, text);
    }
  };
  copy(join(cli, 'templates/typescript-app'), dir);
}

const sh = (command: string, cwd: string) => {
  process.stdout.write(`\n$ ${command}\n`);
  execSync(command, { cwd, stdio: 'inherit', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_loglevel: 'error' } });
};

const sorted = (value: unknown): unknown => (Array.isArray(value) ? value.map(sorted)
  : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, sorted(v)])) : value);

type Manifest = { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

/** Applies `npm install`/`npm uninstall` to `manifest` with the versions the recording resolved. */
function applyNpm(command: string, manifest: Manifest, recording: Manifest): void {
  const [, verb, ...args] = command.split(/\s+/);
  const dev = args.some((a) => a === '--save-dev' || a === '-D');
  const names = args.filter((a) => !a.startsWith('-')).map((spec) => spec.replace(/(.)@.*$/, '$1'));
  for (const name of names) {
    delete manifest.dependencies?.[name];
    delete manifest.devDependencies?.[name];
    if (verb === 'uninstall') {
      if (recording.dependencies?.[name] ?? recording.devDependencies?.[name]) throw new Error(`README step "${command}": the recorded package.json still has ${name}; run test/consumer/record.sh`);
      continue;
    }
    const section = dev ? 'devDependencies' : 'dependencies';
    const spec = recording[section]?.[name];
    if (spec === undefined) throw new Error(`README step "${command}": the recorded package.json has no ${section}.${name}; run test/consumer/record.sh`);
    manifest[section] = { ...manifest[section], [name]: spec };
  }
}

const isNpmChange = (command: string) => /^npm (install|i|uninstall) /.test(command);

function main(): void {
  const [dirArg, tarballArg, flag] = process.argv.slice(2);
  const record = flag === '--record';
  const dir = resolve(dirArg);
  // cdk8s init names the project after its folder: the recording's package.json has that name.
  if (!dir.endsWith('/shop-app')) throw new Error(`${dir}: the app's folder must be named shop-app`);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} is not empty`);
  mkdirSync(dir, { recursive: true });
  renderTemplate(dir);
  cpSync(resolve(tarballArg), join(dir, 'cdk8s-netkit.tgz'));
  const steps = readmeSteps(readFileSync(join(repo, 'README.md'), 'utf8'));

  const recording = (record ? {} : JSON.parse(readFileSync(join(recorded, 'package.json'), 'utf8'))) as Manifest;
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  let installed = false;
  if (record) { sh('npm install', dir); installed = true; } // what cdk8s init's hook runs
  for (const step of steps) {
    if (step.kind === 'file') {
      process.stdout.write(`\n# write ${step.path} (${step.content.split('\n').length - 1} lines, from README.md)\n`);
      writeFileSync(join(dir, step.path), step.content);
      continue;
    }
    if (isNpmChange(step.command)) {
      if (record) sh(step.command.replace(/(^| )cdk8s-netkit(?= |$)/, '$1./cdk8s-netkit.tgz'), dir);
      else { applyNpm(step.command, manifest, recording); process.stdout.write(`\n# ${step.command} (applied from the recorded package.json)\n`); }
      continue;
    }
    if (!installed) {
      writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      cpSync(join(recorded, 'package-lock.json'), join(dir, 'package-lock.json'));
      sh('npm ci', dir);
      installed = true;
    }
    sh(step.command, dir);
  }

  const final = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (record) {
    mkdirSync(recorded, { recursive: true });
    writeFileSync(join(recorded, 'package.json'), `${JSON.stringify(final, null, 2)}\n`);
    // The tarball's integrity changes with every build; the test installs the one it just packed.
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
    delete lock.packages['node_modules/cdk8s-netkit'].integrity;
    writeFileSync(join(recorded, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  } else if (JSON.stringify(sorted(final)) !== JSON.stringify(sorted(recording))) {
    throw new Error(`the template plus README's steps give another package.json than test/consumer/readme/package.json; run test/consumer/record.sh\n${JSON.stringify(final, null, 2)}`);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`readme-app: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

import { javascript, typescript } from 'projen';

/**
 * cdk8s-netkit project definition. projen writes package.json, tsconfig*.json,
 * .gitignore, .npmignore and .projen/*; edit this file, then run `npx projen`.
 */
const project = new typescript.TypeScriptProject({
  name: 'cdk8s-netkit',
  description: 'Typed, tested Kubernetes networking constructs for cdk8s: secure namespaces, exposed apps, least-privilege NetworkPolicy, a reachability analyzer and networking lint.',
  defaultReleaseBranch: 'main',
  license: 'Apache-2.0',
  copyrightOwner: 'cdk8s-netkit authors',
  authorName: 'cdk8s-netkit authors',
  keywords: ['cdk8s', 'kubernetes', 'networkpolicy', 'ingress', 'constructs'],
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',
  projenrcTs: true,
  projenrcTsOptions: { runner: typescript.TypeScriptRunner.tsx() },
  typescriptVersion: '~5.9.3',
  srcdir: 'lib',
  testdir: 'test',
  libdir: 'dist',
  entrypoint: 'dist/index.js',
  entrypointTypes: 'dist/index.d.ts',
  artifactsDirectory: 'dist-packages',
  sampleCode: false,
  jest: false,
  eslint: false,
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  deps: ['js-yaml@^4.1.0', 'yaml@^2.8.0', 'commander@^14.0.0', 'kubernetes-models@~4.5.1', '@viz-js/viz@^3.31.0', '@kubernetes-models/cert-manager@~4.4.4', '@kubernetes-models/gateway-api@~0.5.1'],
  peerDeps: ['cdk8s@^2.70.0', 'constructs@^10.4.0', 'cdk8s-plus-28@^2.5.6'],
  // Develop against the newest releases, not the lowest version the peer range accepts.
  peerDependencyOptions: { pinnedDevDependency: false },
  devDeps: [
    'cdk8s@^2.70.106',
    'constructs@^10.8.1',
    'cdk8s-plus-28@^2.5.6',
    'vitest@^4.1.12',
    '@types/js-yaml@^4.0.9',
    'jest-snapshot-serializer-raw@^2.0.0',
    'cdk8s-cli@^2.200.0',
    'fast-check@^4.3.0',
    'tinybench@^6.0.0',
    'tsx@^4.20.0',
    'esbuild@^0.28.2',
    '@types/node@^20',
    'typedoc@^0.28.20',
    'typedoc-plugin-markdown@^4.14.1',
  ],
  bin: { netkit: 'bin/netkit' },
  tsconfig: {
    // The testing entry is an ES module (vitest is ESM-only): register.mts -> register.mjs.
    include: ['lib/**/*.mts'],
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      skipLibCheck: true,
    },
  },
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    include: ['lib/**/*.mts', 'examples/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'test/**/*.mts'],
    // test/consumer is a user's app with its own tsconfig, checked by test/consumer/run.sh.
    exclude: ['dist', 'examples/*/dist', 'examples/*/node_modules', 'test/consumer'],
    compilerOptions: {
      // Tests, examples and scripts run through vitest/tsx, which resolve like a bundler
      // (and reach ESM-only packages such as jest-snapshot-serializer-raw).
      module: 'ESNext',
      moduleResolution: javascript.TypeScriptModuleResolution.BUNDLER,
      lib: ['es2022'],
      target: 'ES2022',
      skipLibCheck: true,
    },
  },
  gitignore: ['/examples/*/node_modules', '/examples/*/cdk8s.out', '*.cpuprofile', '/test/consumer/*/node_modules', '/test/consumer/*/cdk8s-netkit.tgz'],
  // The tarball is the product only: `files` below says what it holds.
  npmignoreEnabled: false,
});

project.package.addField('files', ['dist/**/*.js', 'dist/**/*.mjs', 'dist/**/*.d.ts', 'dist/**/*.d.mts', 'dist/**/*.json', 'bin/netkit']);

// `import 'cdk8s-netkit/testing'` registers the vitest matchers; vitest stays optional for everyone else.
project.addPeerDeps('vitest@>=3');
project.package.addField('peerDependenciesMeta', { vitest: { optional: true } });
project.package.addField('exports', {
  '.': { types: './dist/index.d.ts', default: './dist/index.js' },
  './testing': { types: './dist/testing/vitest-matchers.d.ts', default: './dist/testing/register.mjs' },
  './package.json': './package.json',
});
// `moduleResolution: node` (what `cdk8s init typescript-app` writes) ignores `exports`;
// typesVersions gives it the testing entry's types.
project.package.addField('typesVersions', { '*': { testing: ['dist/testing/vitest-matchers.d.ts'] } });

// After tsc: the one-file CLI and schema validators the package ships (scripts/bundle.ts).
project.compileTask.exec('tsx scripts/bundle.ts');

// `npm test`: compile (the CLI tests run bin/netkit, the one-file build, as users do; on a fresh
// clone nothing else has built it), the whole project type-checks (tests and examples included),
// then vitest runs.
project.testTask.reset();
project.testTask.spawn(project.compileTask);
project.testTask.exec('tsc -p tsconfig.dev.json');
project.testTask.exec('vitest run');

project.addTask('synth', {
  description: 'Synthesize every example app into its committed examples/<name>/dist/*.k8s.yaml',
  exec: 'tsx scripts/synth-examples.ts',
});
project.addTask('docs', {
  description: 'Write the API reference, docs/API.md, from the TSDoc of every export (typedoc.json; a missing comment is an error)',
  exec: 'typedoc',
});
project.addTask('bench', {
  description: 'Benchmarks: netkit against plain cdk8s-plus-28 and the YAML floor (prints a markdown table); `-- --quick` for a short run',
  exec: 'tsx bench/run.ts',
  receiveArgs: true,
});
// Packing needs the compiled library, not another run of the suite (`build` runs both).
const pack = project.addTask('pack', {
  description: 'Compile and pack the tarball into dist-packages/js (no tests)',
});
pack.spawn(project.compileTask);
pack.spawn(project.packageTask);
project.addTask('test:consumer', {
  description: 'Pack the library and use it from a fresh cdk8s app (synth, vitest, netkit CLI), as a user would',
  exec: 'bash test/consumer/run.sh',
});
project.addTask('fuzz', {
  description: 'Long property-test runs (more cases than CI runs)',
  exec: 'vitest run test/property test/analysis/differential.test.ts test/analysis/cilium-differential.test.ts test/analysis/calico-differential.test.ts test/analysis/suggest.property.test.ts test/analysis/equivalence.property.test.ts test/constructs/cilium-dialect.property.test.ts test/private/fast-yaml.test.ts test/analysis/block-yaml.test.ts test/lint/schema-validate.test.ts',
  env: { NETKIT_FUZZ_RUNS: '2000' },
});

project.synth();

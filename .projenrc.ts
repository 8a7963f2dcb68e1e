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
  deps: ['js-yaml@^4.1.0', 'commander@^14.0.0', 'kubernetes-models@~4.5.1', '@viz-js/viz@^3.31.0', '@kubernetes-models/cert-manager@~4.4.4', '@kubernetes-models/gateway-api@~0.5.1'],
  peerDeps: ['cdk8s@^2.70.0', 'constructs@^10.4.0', 'cdk8s-plus-28@^2.5.6'],
  // Develop against the newest releases, not the lowest version the peer range accepts.
  peerDependencyOptions: { pinnedDevDependency: false },
  devDeps: [
    'cdk8s@^2.70.106',
    'constructs@^10.8.1',
    'cdk8s-plus-28@^2.5.6',
    'vitest@^4.1.12',
    'yaml@^2.8.0',
    '@types/js-yaml@^4.0.9',
    'jest-snapshot-serializer-raw@^2.0.0',
    'cdk8s-cli@^2.200.0',
    'fast-check@^4.3.0',
    'tinybench@^6.0.0',
    'tsx@^4.20.0',
    '@types/node@^20',
  ],
  bin: { netkit: 'bin/netkit' },
  tsconfig: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      skipLibCheck: true,
    },
  },
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    include: ['examples/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'test/**/*.mts'],
    exclude: ['dist', 'examples/*/dist', 'examples/*/node_modules'],
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
  gitignore: ['/examples/*/node_modules', '/examples/*/cdk8s.out', '*.cpuprofile'],
  npmignore: ['/examples/', '/bench/', '/scripts/', '/test/', '/.ci/'],
});

// `import 'cdk8s-netkit/testing'` registers the vitest matchers; vitest stays optional for everyone else.
project.addPeerDeps('vitest@>=3');
project.package.addField('peerDependenciesMeta', { vitest: { optional: true } });
project.package.addField('exports', {
  '.': { types: './dist/index.d.ts', default: './dist/index.js' },
  './testing': { types: './dist/testing/register.d.ts', default: './dist/testing/register.js' },
  './package.json': './package.json',
});

// `npm test`: the whole project type-checks (tests and examples included), then vitest runs.
project.testTask.reset('tsc -p tsconfig.dev.json');
project.testTask.exec('vitest run');

project.addTask('synth', {
  description: 'Synthesize every example app into its committed examples/<name>/dist/*.k8s.yaml',
  exec: 'tsx scripts/synth-examples.ts',
});
project.addTask('bench', {
  description: 'Benchmarks: netkit against plain cdk8s-plus-28 and the YAML floor (prints a markdown table)',
  exec: 'tsx bench/run.ts',
});
project.addTask('fuzz', {
  description: 'Long property-test runs (more cases than CI runs)',
  exec: 'vitest run test/property test/analysis/differential.test.ts test/private/fast-yaml.test.ts',
  env: { NETKIT_FUZZ_RUNS: '2000' },
});

project.synth();

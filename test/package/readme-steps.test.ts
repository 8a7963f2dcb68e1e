import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readmeSteps } from '../consumer/readme-app';

const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');

describe("README's \"Use it in your app\" steps (what the consumer test applies)", () => {
  const steps = readmeSteps(readme);

  test('switch a cdk8s init app to netkit and vitest, then synth, build and lint', () => {
    const commands = steps.flatMap((s) => (s.kind === 'run' ? [s.command] : []));
    expect(commands[0]).toBe('npm install cdk8s-netkit cdk8s-plus-28');
    expect(commands).toContain('npm pkg set scripts.test="vitest run"');
    expect(commands.slice(-3)).toEqual(['npx cdk8s synth', 'npm run build', 'npx netkit check dist/']);
    expect(steps.flatMap((s) => (s.kind === 'file' ? [s.path] : []))).toEqual(['main.ts', 'vitest.config.mts', 'setup.ts', 'main.test.ts']);
  });

  test('main.ts synthesizes only when run, and the test compares with the committed YAML', () => {
    const file = (path: string) => steps.find((s) => s.kind === 'file' && s.path === path) as { content: string };
    expect(file('main.ts').content).toContain('if (require.main === module)');
    expect(file('main.ts').content).toContain('export class ShopChart');
    expect(file('main.test.ts').content).toContain("readFileSync('dist/shop.k8s.yaml', 'utf8')");
    expect(file('main.test.ts').content).not.toContain('toMatchFileSnapshot');
  });

  test('a code block the test cannot apply is refused, naming the fix', () => {
    const broken = '## Use it in your app\n\n```ts\nconst x = 1;\n```\n\n## Next\n';
    expect(() => readmeSteps(broken)).toThrow(/does not start with "\/\/ <file>"/);
    expect(() => readmeSteps('# nothing\n')).toThrow(/no "## Use it in your app" section/);
  });
});

/**
 * `npm run synth`: synthesizes every example app (a folder under examples/ with a
 * cdk8s.yaml) into its committed dist/ folder, as `cdk8s synth` would, from a clean dist/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const examples = join(root, 'examples');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

for (const name of readdirSync(examples).sort()) {
  const dir = join(examples, name);
  if (!existsSync(join(dir, 'cdk8s.yaml'))) continue;
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  execFileSync(tsx, ['main.ts'], { cwd: dir, stdio: 'inherit', env: { ...process.env, CDK8S_OUTDIR: 'dist' } });
  const files = readdirSync(join(dir, 'dist')).filter((f) => f.endsWith('.k8s.yaml'));
  console.log(`examples/${name}: ${files.map((f) => `dist/${f}`).join(', ')}`);
}

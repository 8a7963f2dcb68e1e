import { netkitApp, plusApp } from './charts';
const n = Number(process.argv[2] ?? 1000);
for (const [name, build] of [['netkit', () => netkitApp(n)], ['netkit-nolint', () => netkitApp(n, { lint: false })], ['plus', () => plusApp(n)]] as const) {
  const t0 = performance.now();
  const app = build();
  const t1 = performance.now();
  const yaml = app.synthYaml();
  const t2 = performance.now();
  console.log(name, n, 'construct', (t1 - t0).toFixed(0), 'synth', (t2 - t1).toFixed(0), 'bytes', yaml.length);
}

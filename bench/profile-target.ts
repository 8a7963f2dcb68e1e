import { netkitApp, plusApp } from './charts';
const which = process.argv[3] ?? 'netkit';
const n = Number(process.argv[2] ?? 2000);
for (let i = 0; i < 3; i++) (which === 'plus' ? plusApp(n) : netkitApp(n, { lint: which !== 'nolint' })).synthYaml();

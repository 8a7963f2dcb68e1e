import { netkitApp } from './charts';
const app = netkitApp(Number(process.argv[2] ?? 2000));
app.synthYaml();

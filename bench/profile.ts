/**
 * A workload to profile, e.g.
 *   node --cpu-prof --import tsx bench/profile.ts synth 2000
 *   node --cpu-prof --import tsx bench/profile.ts plus 2000
 *   node --cpu-prof --import tsx bench/profile.ts analysis 5000
 * then open the .cpuprofile in Chrome DevTools or VS Code.
 */
import { netkitApp, plusApp } from './charts';
import * as netkit from '../lib';
import { syntheticCluster } from './clusters';
import { NetworkModel } from '../lib';

const [mode = 'synth', size = '2000'] = process.argv.slice(2);
const n = Number(size);
if (mode === 'analysis') {
  NetworkModel.fromObjects(syntheticCluster(n)).matrix();
} else {
  for (let i = 0; i < 3; i++) (mode === 'plus' ? plusApp(n) : netkitApp(netkit, n, { lint: mode !== 'nolint' })).synthYaml();
}

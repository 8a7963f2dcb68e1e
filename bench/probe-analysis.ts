import { syntheticCluster } from './clusters';
import { NetworkModel } from '../lib';
for (const n of [500, 2000, 5000]) {
  const objects = syntheticCluster(n);
  for (let r = 0; r < 2; r++) {
    const t0 = performance.now();
    const model = NetworkModel.fromObjects(objects);
    const t1 = performance.now();
    const m = model.matrix();
    const t2 = performance.now();
    let allowed = 0;
    const q0 = performance.now();
    const ref = (i: number) => `ns-${Math.floor(i / 50)}/app-${i}`;
    for (let q = 0; q < 2000; q++) if (model.check({ from: ref((q * 7) % n), to: ref((q * 13) % n), port: 8080 }).allowed) allowed++;
    const q1 = performance.now();
    if (r === 1) console.log(n, 'load', (t1 - t0).toFixed(0), 'matrix', (t2 - t1).toFixed(0), 'cells', m.cells.length, 'check µs', ((q1 - q0) / 2000 * 1000).toFixed(1), allowed);
  }
}

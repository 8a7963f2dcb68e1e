import { ApiObject, App } from 'cdk8s';
import { netkitApp, plusApp } from './charts';
function objs(app: App) { return app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject); }
const n = 2000;
for (let r = 0; r < 4; r++) {
  for (const [label, build] of [['netkit', () => netkitApp(n, { lint: false })], ['plus', () => plusApp(n)]] as const) {
    const t0 = performance.now(); const app = build(); const t1 = performance.now();
    const list = objs(app); for (const o of list) o.toJson(); const t2 = performance.now();
    if (r === 3) console.log(label, 'construct', (t1 - t0).toFixed(0), 'toJson', (t2 - t1).toFixed(0), 'objects', list.length);
  }
}

import { ApiObject } from 'cdk8s';
import { netkitApp, plusApp } from './charts';
for (const [label, app] of [['netkit', netkitApp(2000, { lint: false })], ['plus', plusApp(2000)]] as const) {
  const objects = app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  const byKind = new Map<string, number>();
  const counts = new Map<string, number>();
  for (let round = 0; round < 2; round++) {
    for (const o of objects) {
      const t = performance.now();
      o.toJson();
      const d = performance.now() - t;
      if (round === 1) { byKind.set(o.kind, (byKind.get(o.kind) ?? 0) + d); counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1); }
    }
  }
  console.log(label, [...byKind].map(([k, v]) => `${k}:${counts.get(k)}:${v.toFixed(0)}ms`).join(' '));
}

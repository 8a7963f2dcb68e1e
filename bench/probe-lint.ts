import { ApiObject } from 'cdk8s';
import { netkitApp } from './charts';
import { ALL_RULES, LintContext } from '../lib';
import { collect, SourcedObject } from '../lib/analysis/loader';
const app = netkitApp(2000, { lint: false });
const objects = app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson());
const sourced: SourcedObject[] = []; const notices: string[] = [];
for (const o of objects) collect(o, undefined, undefined, sourced, notices);
for (let round = 0; round < 3; round++) {
  let t = performance.now();
  const context = new LintContext(sourced);
  const times: string[] = [`context ${(performance.now() - t).toFixed(1)}`];
  for (const rule of ALL_RULES) { t = performance.now(); [...rule.check(context)]; const d = performance.now() - t; if (d > 3) times.push(`${rule.id} ${d.toFixed(1)}`); }
  if (round === 2) console.log(times.join('\n'));
}

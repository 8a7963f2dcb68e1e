/**
 * `netkit report`: one self-contained HTML page (no network access when opened: the graph is
 * inline SVG, styles and script are inline) with the graph, the reachability matrix, exposure
 * and lint findings, filterable by namespace; with a previous revision, what the change widened
 * and narrowed is coloured.
 */
import { toSvg } from './graph';
import { NetworkDiff, NetworkModel, WorkloadExposure, reachabilityOf } from '../analysis/queries/network-model';
import { Finding } from '../lint/types';

/** What the report shows. */
export interface ReportInput {
  readonly model: NetworkModel;
  readonly findings: readonly Finding[];
  /** The change from a previous revision, with `--diff`. */
  readonly diff?: NetworkDiff;
  /** Where the input came from, for the title. */
  readonly source: string;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const namespaceOf = (ref: string) => (ref.includes('/') ? ref.slice(0, ref.indexOf('/')) : 'external');

/** The page, as one string. */
export async function renderReport(input: ReportInput): Promise<string> {
  const { model, findings, diff } = input;
  const matrix = model.matrix();
  const paths = model.publicPaths();
  const exposure = model.exposure();
  const changes = new Map<string, 'widened' | 'narrowed'>();
  for (const change of diff?.changes ?? []) changes.set(`${change.from}\u0000${change.to}`, change.widened !== '' ? 'widened' : 'narrowed');
  const closed = (diff?.changes ?? []).filter((c) => c.change === 'removed').map((c) => ({ from: c.from, to: c.to, ports: c.before }));
  const svg = await toSvg(matrix, paths, { classes: true, changes, closed });
  const namespaces = [...new Set(matrix.endpoints.map(namespaceOf))].sort();

  const label = (endpoint: string) => (endpoint === matrix.internet ? `internet (${endpoint})` : endpoint);
  const allowed = new Map(matrix.cells.map((c) => [`${c.from}\u0000${c.to}`, c.ports]));
  const matrixRows = matrix.endpoints.map((from) => {
    const cells = matrix.endpoints.map((to) => {
      const key = `${from}\u0000${to}`;
      const change = changes.get(key);
      const removed = diff?.changes.find((c) => c.from === from && c.to === to && c.change === 'removed');
      const text = allowed.get(key) ?? (removed ? `closed: ${removed.before}` : '-');
      return `<td class="${change ?? (removed ? 'narrowed' : '')}${text === '-' ? ' denied' : ''}">${escape(text)}</td>`;
    }).join('');
    return `<tr data-ns="${escape(namespaceOf(from))}"><th>${escape(label(from))}</th>${cells}</tr>`;
  }).join('\n');

  const exposureRows = exposure.map((e: WorkloadExposure) => {
    const routes = e.internet.map((r) => `${escape(r.via)}: ${escape(r.detail)} <span class="status ${r.status}">${reachabilityOf(r.status)}</span>${r.problem ? ` (${escape(r.problem)})` : ''}${r.declared ? '' : ' <span class="undeclared">not declared</span>'}`).join('<br>') || '—';
    return `<tr data-ns="${escape(namespaceOf(e.workload))}" class="${e.public && !e.publicByDesign ? 'alarm' : ''}"><td>${escape(e.workload)}</td><td>${routes}</td><td>${e.clusterWide.map(escape).join('<br>') || '—'}</td><td>${escape(e.internetEgress || '—')}</td></tr>`;
  }).join('\n');

  const findingRows = findings.map((f) => `<tr data-ns="${escape(f.object.namespace ?? 'cluster')}" class="${f.severity}"><td>${f.severity}</td><td>${escape(f.rule)}</td><td>${escape(`${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}`)}</td><td>${escape(f.message)}</td><td>${escape(f.fix)}</td></tr>`).join('\n');

  const diffRows = (diff?.changes ?? []).map((c) => `<tr data-ns="${escape(namespaceOf(c.from))} ${escape(namespaceOf(c.to))}" class="${c.widened ? 'widened' : 'narrowed'}"><td>${c.change}</td><td>${escape(c.from)}</td><td>${escape(c.to)}</td><td>${escape(c.before || '—')}</td><td>${escape(c.after || '—')}</td><td>${escape(c.reasons.join('; '))}</td></tr>`).join('\n');
  const count = (severity: string) => findings.filter((f) => f.severity === severity).length;
  const summary = [
    `${model.workloads.length} workloads`, `${matrix.cells.length} allowed connections`,
    `${exposure.filter((e) => e.public).length} reachable from the internet (${exposure.filter((e) => e.public && !e.publicByDesign).length} not declared), ${exposure.filter((e) => e.reachability === 'unknown').length} unknown`,
    `lint: ${count('error')} errors, ${count('warning')} warnings, ${count('info')} info`,
    ...(diff ? [`change: ${diff.changes.filter((c) => c.widened).length} widened, ${diff.changes.filter((c) => c.narrowed).length} narrowed`] : []),
  ];

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>netkit report: ${escape(input.source)}</title>
<style>
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 1.5rem; color: #1b1b1b; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; } h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.summary { color: #555; } .summary span { margin-right: 1.2rem; }
table { border-collapse: collapse; font-size: .85rem; } th, td { border: 1px solid #ddd; padding: .25rem .45rem; text-align: left; vertical-align: top; }
#matrix td { white-space: nowrap; } td.denied { color: #aaa; text-align: center; }
.widened { background: #fde0e0; } .narrowed { background: #e3f4e4; } tr.alarm { background: #fff3cd; }
.status.open { color: #c62828; font-weight: 600; } .status.closed { color: #2e7d32; } .status.unknown { color: #8d6e00; }
.undeclared { color: #c62828; font-size: .75rem; } tr.error td:first-child { color: #c62828; font-weight: 600; } tr.warning td:first-child { color: #8d6e00; }
#graph svg { max-width: 100%; height: auto; } .legend span { margin-right: 1rem; } [hidden] { display: none !important; }
</style>
</head>
<body>
<h1>netkit report</h1>
<div class="summary">${escape(input.source)} · ${summary.map((s) => `<span>${escape(s)}</span>`).join('')}</div>
<p><label>Namespace: <select id="namespace"><option value="all">all</option>${namespaces.map((n) => `<option value="${escape(n)}">${escape(n)}</option>`).join('')}</select></label>
${diff ? '<span class="legend"><span class="widened">widened by the change</span><span class="narrowed">narrowed or closed</span></span>' : ''}</p>
<h2>Graph</h2>
<div id="graph">${svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/<!DOCTYPE[^>]*>\s*/, '')}</div>
${diff ? `<h2>Change</h2>\n<table id="diff"><thead><tr><th>change</th><th>from</th><th>to</th><th>before</th><th>after</th><th>why</th></tr></thead><tbody>\n${diffRows}\n</tbody></table>` : ''}
<h2>Reachability matrix</h2>
<table id="matrix"><thead><tr><th>from \\ to</th>${matrix.endpoints.map((e) => `<th data-ns="${escape(namespaceOf(e))}">${escape(label(e))}</th>`).join('')}</tr></thead><tbody>
${matrixRows}
</tbody></table>
<h2>Exposure</h2>
<table id="exposure"><thead><tr><th>workload</th><th>from the internet</th><th>beyond the input</th><th>egress to the internet</th></tr></thead><tbody>
${exposureRows}
</tbody></table>
<h2>Lint findings</h2>
<table id="findings"><thead><tr><th>severity</th><th>rule</th><th>object</th><th>finding</th><th>fix</th></tr></thead><tbody>
${findingRows || '<tr><td colspan="5">no findings</td></tr>'}
</tbody></table>
<script>
(function () {
  var select = document.getElementById('namespace');
  function apply(ns) {
    document.querySelectorAll('tr[data-ns]').forEach(function (row) {
      row.hidden = ns !== 'all' && row.getAttribute('data-ns').split(' ').indexOf(ns) < 0;
    });
    document.querySelectorAll('#graph .node, #graph .edge, #graph .cluster').forEach(function (element) {
      var show = ns === 'all' || element.classList.contains('ns-' + ns);
      if (show) element.removeAttribute('visibility'); else element.setAttribute('visibility', 'hidden');
    });
    document.body.setAttribute('data-filter', ns);
  }
  select.addEventListener('change', function () { apply(select.value); location.hash = 'ns=' + select.value; });
  var match = /ns=([^&]+)/.exec(location.hash);
  if (match) { select.value = decodeURIComponent(match[1]); apply(select.value); }
})();
</script>
</body>
</html>
`;
}

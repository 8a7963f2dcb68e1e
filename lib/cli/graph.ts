import { Matrix, MatrixCell, PublicPath } from '../analysis/queries/network-model';

/** Output formats for `netkit graph`. */
export type GraphFormat = 'mermaid' | 'dot' | 'svg';

interface Node {
  readonly id: string;
  readonly label: string;
  readonly group: string;
}

function nodesOf(matrix: Matrix): Node[] {
  return matrix.endpoints.map((endpoint, i) => {
    const slash = endpoint.indexOf('/');
    return slash >= 0
      ? { id: `n${i}`, label: endpoint.slice(slash + 1), group: endpoint.slice(0, slash) }
      : { id: `n${i}`, label: endpoint === matrix.internet ? `internet (${endpoint})` : endpoint, group: 'external' };
  });
}

/** Edge labels: the ports, plus the public routes (host/path) that travel the edge. */
function edgeLabels(matrix: Matrix, paths: readonly PublicPath[]): Map<string, string> {
  const routes = new Map<string, string[]>();
  for (const path of paths) {
    if (path.status !== 'open') continue;
    for (const hop of path.hops) {
      const key = `${hop.from === 'internet' ? matrix.internet : hop.from}\u0000${hop.to}`;
      routes.set(key, [...new Set([...(routes.get(key) ?? []), path.route])]);
    }
  }
  return new Map(matrix.cells.map((c) => {
    const key = `${c.from}\u0000${c.to}`;
    const via = routes.get(key);
    return [key, via ? `${c.ports}\n${via.sort().join('\n')}` : c.ports];
  }));
}

function groups(nodes: readonly Node[]): Map<string, Node[]> {
  const result = new Map<string, Node[]>();
  for (const node of nodes) result.set(node.group, [...(result.get(node.group) ?? []), node]);
  return result;
}

const quote = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** A Mermaid flowchart: namespaces as subgraphs, edges labelled with ports. */
export function toMermaid(matrix: Matrix, paths: readonly PublicPath[] = []): string {
  const nodes = nodesOf(matrix);
  const labels = edgeLabels(matrix, paths);
  const ids = new Map(matrix.endpoints.map((e, i) => [e, nodes[i].id]));
  const lines = ['flowchart LR'];
  let groupIndex = 0;
  for (const [group, members] of groups(nodes)) {
    lines.push(`  subgraph g${groupIndex++}[${quote(group === 'external' ? 'outside the cluster' : `namespace ${group}`)}]`);
    for (const node of members) lines.push(`    ${node.id}[${quote(node.label)}]`);
    lines.push('  end');
  }
  for (const cell of matrix.cells) lines.push(`  ${ids.get(cell.from)} -->|${quote(labels.get(`${cell.from}\u0000${cell.to}`)!.replace(/\n/g, '<br/>'))}| ${ids.get(cell.to)}`);
  return `${lines.join('\n')}\n`;
}

/** Extras for the report's graph. */
export interface DotOptions {
  /** Write `class="ns-<namespace>"` on nodes, clusters and edges, for filtering by namespace. @default false */
  readonly classes?: boolean;
  /** Edges a change widened or narrowed, by `from\u0000to`. @default - none */
  readonly changes?: ReadonlyMap<string, 'widened' | 'narrowed'>;
  /** Connections a change closed entirely, drawn dashed. @default - none */
  readonly closed?: readonly MatrixCell[];
}

const CHANGE_STYLE = { widened: 'color="#c62828", fontcolor="#c62828", penwidth=2.2', narrowed: 'color="#2e7d32", fontcolor="#2e7d32", penwidth=1.6' };

/** A Graphviz digraph: namespaces as clusters, edges labelled with ports. */
export function toDot(matrix: Matrix, paths: readonly PublicPath[] = [], options: DotOptions = {}): string {
  const nodes = nodesOf(matrix);
  const labels = edgeLabels(matrix, paths);
  const ids = new Map(matrix.endpoints.map((e, i) => [e, nodes[i].id]));
  const groupOf = new Map(matrix.endpoints.map((e, i) => [e, nodes[i].group]));
  const cls = (...groups: string[]) => (options.classes ? `, class=${quote([...new Set(groups)].map((g) => `ns-${g}`).join(' '))}` : '');
  const lines = ['digraph netkit {', '  rankdir=LR;', '  node [shape=box, style=rounded, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  let groupIndex = 0;
  for (const [group, members] of groups(nodes)) {
    lines.push(`  subgraph cluster_${groupIndex++} {`, `    label=${quote(group === 'external' ? 'outside the cluster' : `namespace ${group}`)};`);
    if (options.classes) lines.push(`    class=${quote(`ns-${group}`)};`);
    for (const node of members) lines.push(`    ${node.id} [label=${quote(node.label)}${cls(group)}];`);
    lines.push('  }');
  }
  for (const cell of matrix.cells) {
    const key = `${cell.from}\u0000${cell.to}`;
    const change = options.changes?.get(key);
    lines.push(`  ${ids.get(cell.from)} -> ${ids.get(cell.to)} [label=${quote(labels.get(key)!).replace(/\n/g, '\\n')}${change ? `, ${CHANGE_STYLE[change]}` : ''}${cls(groupOf.get(cell.from)!, groupOf.get(cell.to)!)}];`);
  }
  for (const edge of options.closed ?? []) {
    if (!ids.has(edge.from) || !ids.has(edge.to)) continue;
    lines.push(`  ${ids.get(edge.from)} -> ${ids.get(edge.to)} [label=${quote(`closed: ${edge.ports}`)}, style=dashed, color="#2e7d32", fontcolor="#2e7d32"${cls(groupOf.get(edge.from)!, groupOf.get(edge.to)!)}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** SVG rendered by Graphviz compiled to WebAssembly (@viz-js/viz): no system Graphviz needed. */
export async function toSvg(matrix: Matrix, paths: readonly PublicPath[] = [], options: DotOptions = {}): Promise<string> {
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  return viz.renderString(toDot(matrix, paths, options), { format: 'svg' });
}

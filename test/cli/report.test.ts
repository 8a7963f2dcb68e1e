import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { run } from '../../lib/cli/main';

const root = join(__dirname, '../..');
const edge = readFileSync(join(root, 'examples/edge/dist/edge.k8s.yaml'), 'utf8');
const chromium = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).stdout.trim();
// CI installs Debian's chromium (.ci/run); a developer machine without it skips, CI never does.
const browserTest = chromium || process.env.CI ? test : test.skip;

async function netkit(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

/** The page as the browser has it after its script ran (`#ns=...` applies the filter). */
function dom(file: string, hash = ''): string {
  if (!chromium) throw new Error('chromium is not installed (.ci/run installs Debian\'s chromium)');
  return execFileSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${file}${hash}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
}

describe('netkit report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netkit-report-'));
  const widened = `${edge}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: open-api, namespace: storefront}\nspec:\n  podSelector: {matchLabels: {app.kubernetes.io/name: api}}\n  policyTypes: [Ingress]\n  ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 8080}]}]\n`;
  writeFileSync(join(dir, 'old.yaml'), edge);
  writeFileSync(join(dir, 'new.yaml'), widened);

  test('writes one self-contained page: no network access when opened', async () => {
    const output = join(dir, 'report.html');
    const result = await netkit('report', join(dir, 'new.yaml'), '--with-cluster', '--diff', join(dir, 'old.yaml'), '-o', output);
    expect(result.code).toBe(0);
    const html = readFileSync(output, 'utf8');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  browserTest('renders in a real browser: the graph, the tables, the change coloured, the namespace filter', async () => {
    const output = join(dir, 'report.html');
    await netkit('report', join(dir, 'new.yaml'), '--with-cluster', '--diff', join(dir, 'old.yaml'), '-o', output);
    const page = dom(output);
    // The graph: an inline SVG with a node per endpoint and the widened edges drawn in red.
    expect(page).toMatch(/<div id="graph">(<!--[^>]*-->\s*)*<svg /);
    expect((page.match(/<g id="node\d+" class="node ns-/g) ?? []).length).toBe(9);
    expect((page.match(/stroke="#c62828"/g) ?? []).length).toBeGreaterThanOrEqual(2);
    // The tables.
    expect((page.match(/<tr data-ns="[^"]*"><th>/g) ?? []).length).toBe(9);
    expect(page).toContain('<td class="widened">TCP 8080</td>');
    expect(page).toMatch(/<table id="exposure">[\s\S]*storefront\/api/);
    expect(page).toMatch(/<table id="diff">[\s\S]*monitoring\/prometheus/);
    // Filtering by namespace hides the other namespaces' rows and graph elements.
    const filtered = dom(output, '#ns=storefront');
    expect(filtered).toContain('<body data-filter="storefront">');
    expect(filtered).toMatch(/<tr data-ns="kube-system" hidden="">/);
    expect(filtered).not.toMatch(/<tr data-ns="storefront" hidden="">/);
    expect(filtered).toMatch(/class="node ns-kube-system" visibility="hidden"/);
  });
});

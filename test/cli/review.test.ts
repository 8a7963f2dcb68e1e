import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { EdgeChart } from '../../examples/edge/main';
import { ShopChart } from '../../examples/shop/main';
import { run } from '../../lib/cli/main';

const root = join(__dirname, '../..');
const shopYaml = readFileSync(join(root, 'examples/shop/dist/shop.k8s.yaml'), 'utf8');

async function netkit(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

function revisions(after: string) {
  const dir = mkdtempSync(join(tmpdir(), 'netkit-diff-'));
  writeFileSync(join(dir, 'old.yaml'), shopYaml);
  writeFileSync(join(dir, 'new.yaml'), after);
  return { old: join(dir, 'old.yaml'), new: join(dir, 'new.yaml') };
}

/** The shop, with web also allowed to reach the database: a widening, and a lint-clean one. */
const widened = shopYaml + [
  '---',
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata: {name: web-to-db, namespace: shop}',
  'spec:',
  '  podSelector: {matchLabels: {app.kubernetes.io/name: web}}',
  '  policyTypes: [Egress]',
  '  egress: [{to: [{podSelector: {matchLabels: {app.kubernetes.io/name: db}}}], ports: [{port: 5432, protocol: TCP}]}]',
  '---',
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata: {name: db-from-web, namespace: shop}',
  'spec:',
  '  podSelector: {matchLabels: {app.kubernetes.io/name: db}}',
  '  policyTypes: [Ingress]',
  '  ingress: [{from: [{podSelector: {matchLabels: {app.kubernetes.io/name: web}}}], ports: [{port: 5432, protocol: TCP}]}]',
  '',
].join('\n');

describe('netkit diff', () => {
  test('the JSON contract: changes with before and after, workloads, lint new and fixed; exit 1 when widened', async () => {
    const files = revisions(widened);
    const result = await netkit('diff', files.old, files.new, '--format', 'json');
    expect(result.code).toBe(1);
    const json = JSON.parse(result.out);
    expect(Object.keys(json)).toEqual(['changes', 'latent', 'surface', 'workloads', 'namespaces', 'lint']);
    expect(json.latent).toEqual([]);
    expect(json.surface).toEqual({ added: [], removed: [] });
    expect(json.changes).toEqual([{ change: 'added', from: 'shop/web', to: 'shop/db', before: '', after: 'TCP 5432', why: ['TCP 5432 now allowed by shop/web-to-db egress[0] and shop/db-from-web ingress[0]'] }]);
    expect(json.workloads).toEqual({ added: [], removed: [] });
    expect(json.lint).toEqual({ new: [], fixed: [] });
  });

  test('nothing changed: exit 0; --fail-on never and any', async () => {
    const same = revisions(shopYaml);
    expect(await netkit('diff', same.old, same.new)).toMatchObject({ code: 0, out: 'No change to what may connect, to the rules (no latent widening), to the exposure surface or to lint findings.\n' });
    const files = revisions(widened);
    expect((await netkit('diff', files.old, files.new, '--fail-on', 'never')).code).toBe(0);
    // Without the monitoring namespace's way in: narrowed only (with the cluster, so it has someone to narrow).
    const narrowedOnly = revisions(shopYaml.split('---\n').filter((doc) => !doc.includes('name: allow-from-peers')).join('---\n'));
    expect((await netkit('diff', narrowedOnly.old, narrowedOnly.new, '--with-cluster', '--format', 'json')).out).toContain('"change": "removed"');
    expect((await netkit('diff', narrowedOnly.old, narrowedOnly.new, '--with-cluster')).code).toBe(0);
    expect((await netkit('diff', narrowedOnly.old, narrowedOnly.new, '--with-cluster', '--fail-on', 'any')).code).toBe(1);
  });

  test('a pull-request comment: a summary line, then the widened table, then new lint findings', async () => {
    const withFinding = widened + '---\napiVersion: v1\nkind: Service\nmetadata: {name: legacy, namespace: shop}\nspec: {type: ExternalName, externalName: 10.0.0.1}\n';
    const files = revisions(withFinding);
    const markdown = (await netkit('diff', files.old, files.new, '--format', 'markdown')).out;
    expect(markdown.split('\n').slice(0, 7)).toEqual([
      '**netkit diff**: 1 connection(s) widened, 0 narrowed, 0 latent widening(s), surface: 0 way(s) in added, 0 removed, 0 workload(s) added, 0 removed, lint: 1 new finding(s), 0 fixed.',
      '',
      '### Widened',
      '',
      '| from | to | before | after | ports | why |',
      '| --- | --- | --- | --- | --- | --- |',
      '| shop/web | shop/db | — | TCP 5432 | TCP 5432 | TCP 5432 now allowed by shop/web-to-db egress[0] and shop/db-from-web ingress[0] |',
    ]);
    expect(markdown).toContain('### Lint\n\n- new error `externalname-is-ip` Service shop/legacy: externalName 10.0.0.1 is an IP address');
  });

  test('--git reads both revisions from git without touching the work tree', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'netkit-git-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'shop.yaml'), shopYaml);
    writeFileSync(join(repo, 'README.md'), '# gitops repo\n');
    git('add', '.');
    git('commit', '-qm', 'shop');
    writeFileSync(join(repo, 'shop.yaml'), widened);
    git('commit', '-qam', 'web reaches db');
    writeFileSync(join(repo, 'shop.yaml'), 'uncommitted: work\n');
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      const result = await netkit('diff', '--git', 'HEAD~1..HEAD', '--format', 'json');
      expect(result.code).toBe(1);
      expect(JSON.parse(result.out).changes.map((c: { from: string; to: string }) => `${c.from} -> ${c.to}`)).toEqual(['shop/web -> shop/db']);
      // No paths: the folders of the manifests that changed, with one summary notice per side.
      expect(result.err).toContain('netkit: notice: old: HEAD~1: read 1 manifest file(s) in .; skipped 1 other file(s) and 0 YAML/JSON file(s) without Kubernetes objects');
      expect(result.err).not.toContain('README.md');
      const withPaths = await netkit('diff', '--git', 'HEAD~1..HEAD', '.', '--format', 'json');
      expect(withPaths.err).toContain('netkit: notice: old: HEAD~1:README.md: skipped (not *.yaml, *.yml or *.json)');
      expect(readFileSync(join(repo, 'shop.yaml'), 'utf8')).toBe('uncommitted: work\n');
      expect(await netkit('diff', '--git', 'nope..HEAD')).toMatchObject({ code: 2 });
      expect(await netkit('diff', '--git', 'HEAD')).toMatchObject({ code: 2, err: 'netkit: --git HEAD is not <rev1>..<rev2>, e.g. origin/main..HEAD.\n' });
    } finally {
      process.chdir(cwd);
    }
  });

  test('the review shows latent widening and surface changes where effective traffic does not change', async () => {
    // api's http port opened to its whole namespace (the peers' egress still blocks it), and a NodePort (closed by policy).
    const files = revisions(`${shopYaml}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-namespace, namespace: shop}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: api}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {}}], ports: [{port: http}]}]
---
apiVersion: v1
kind: Service
metadata: {name: api-nodeport, namespace: shop}
spec: {type: NodePort, selector: {app.kubernetes.io/name: api}, ports: [{port: 8080, targetPort: http, nodePort: 30080}]}
`);
    const text = await netkit('diff', files.old, files.new);
    expect(text.code).toBe(0); // nothing flows that did not before
    expect(text.out).toContain('0 connection(s) widened, 0 narrowed, 1 latent widening(s), surface: 1 way(s) in added, 0 removed');
    expect(text.out).toContain('! latent: shop/api ingress now admits connections from shop/db on TCP 8080 (TCP 8080 by shop/api-from-namespace ingress[0]); no traffic yet: still blocked by the egress of shop/db');
    expect(text.out).toMatch(/\+ surface NodePort Service shop\/api-nodeport: TCP 8080 \(node port 30080\) on every node \(.*new\.yaml:\d+\)/);
    for (const failOn of ['latent', 'surface', 'any']) expect((await netkit('diff', files.old, files.new, '--fail-on', failOn)).code).toBe(1);
    expect((await netkit('diff', files.old, files.new, '--fail-on', 'widened')).code).toBe(0);
    const json = JSON.parse((await netkit('diff', files.old, files.new, '--format', 'json')).out);
    expect(json.latent).toEqual([{ direction: 'ingress', workload: 'shop/api', peers: ['shop/db'], ports: 'TCP 8080', reasons: ['TCP 8080 by shop/api-from-namespace ingress[0]'], blockedBy: 'the egress of shop/db' }]);
    expect(json.surface.added).toMatchObject([{ surface: 'NodePort', object: 'Service shop/api-nodeport', detail: 'TCP 8080 (node port 30080) on every node' }]);
    const markdown = (await netkit('diff', files.old, files.new, '--format', 'markdown')).out;
    expect(markdown).toContain('### Latent widening (no traffic yet: the other side still blocks)');
    expect(markdown).toContain('| added | NodePort | Service shop/api-nodeport | TCP 8080 (node port 30080) on every node |');
    // Reverting is a surface removal, and no latent widening.
    const back = await netkit('diff', files.new, files.old, '--format', 'json');
    expect(JSON.parse(back.out)).toMatchObject({ latent: [], surface: { added: [], removed: [{ surface: 'NodePort' }] } });
  });

  test('reasons print port ranges as ranges', async () => {
    const files = revisions(widened.replace("ports: [{port: 5432, protocol: TCP}]}]\n---", "ports: [{port: 5000, endPort: 5500, protocol: TCP}]}]\n---").replace(/ports: \[\{port: 5432, protocol: TCP\}\]\}\]\n$/, 'ports: [{port: 5000, endPort: 5500, protocol: TCP}]}]\n'));
    const json = JSON.parse((await netkit('diff', files.old, files.new, '--format', 'json')).out);
    expect(json.changes[0].why).toEqual(['TCP 5000-5500 now allowed by shop/web-to-db egress[0] and shop/db-from-web ingress[0]']);
  });

  test('bad input is exit 2', async () => {
    expect((await netkit('diff', '/no/such', '/no/such/either')).code).toBe(2);
    expect(await netkit('diff', '/no/such')).toMatchObject({ code: 2, err: 'netkit: diff needs OLD and NEW (files or directories), or --git <rev1>..<rev2> [paths...].\n' });
  });
});

describe('netkit exposure', () => {
  const lb = 'apiVersion: v1\nkind: Service\nmetadata: {name: web-public, namespace: shop}\nspec:\n  type: LoadBalancer\n  selector: {app.kubernetes.io/name: web}\n  ports: [{port: 443, targetPort: 8080}]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web-from-internet, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app.kubernetes.io/name: web}}\n  policyTypes: [Ingress]\n  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 8080}]}]\n';

  test('lists what is reachable from the internet and how; --fail-on public fails on what is not declared', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netkit-exposure-'));
    writeFileSync(join(dir, 'shop.yaml'), `${shopYaml}---\n${lb}`);
    const text = await netkit('exposure', dir);
    expect(text.code).toBe(0);
    expect(text.out).toContain('shop/web: REACHABLE from the internet (not declared public)\n  internet via Service shop/web-public (LoadBalancer): TCP 443, from any address [reachable]\n');
    expect(text.out).toContain('shop/db: not reachable from the internet\n  cluster-wide: shop/allow-from-peers ingress[0] admits pods in namespaces labelled {purpose=monitoring}, including ones created later\n');
    expect((await netkit('exposure', dir, '--fail-on', 'public')).code).toBe(1);
    writeFileSync(join(dir, 'shop.yaml'), `${shopYaml}---\n${lb.replace('metadata: {name: web-public, namespace: shop}', 'metadata: {name: web-public, namespace: shop, annotations: {netkit.io/public: "the storefront"}}')}`);
    expect((await netkit('exposure', dir, '--fail-on', 'public')).code).toBe(0);
    const json = JSON.parse((await netkit('exposure', dir, '--format', 'json')).out);
    expect(json.find((e: { workload: string }) => e.workload === 'shop/web')).toMatchObject({ public: true, publicByDesign: true });
  });
});

describe('one exposure vocabulary: reachable, not reachable, unknown', () => {
  const edge = join(root, 'examples/edge/dist');

  test('without the ingress controller an Ingress-backed app is unknown, not "not reachable", and says why', async () => {
    const json = JSON.parse((await netkit('exposure', edge, '--format', 'json')).out);
    const api = json.find((e: { workload: string }) => e.workload === 'storefront/api');
    expect(api).toMatchObject({ reachability: 'unknown', public: false });
    expect(api.internet.map((r: { via: string; status: string }) => `${r.via} ${r.status}`)).toContain('Ingress storefront/storefront-ingress unknown');
    expect(api.internet[0].problem).toMatch(/no (ingress controller|proxy pods)/);
    const text = (await netkit('exposure', edge)).out;
    expect(text).toContain('storefront/api: unknown whether reachable from the internet');
    expect(text).toContain('[unknown, declared]: no ingress controller in the input');
    expect(text).not.toContain('storefront/api: not reachable');
    const matrix = (await netkit('matrix', edge)).out;
    expect(matrix).toContain('  unknown       shop.example.com/api (Ingress storefront/storefront-ingress');
    expect((await netkit('exposure', edge, '--format', 'markdown')).out).toContain('| storefront/api | unknown<br>unknown: Ingress storefront/storefront-ingress');
  });

  test('--with-cluster: the routes become reachable, and the stand-ins are never the user\'s exposure', async () => {
    const result = await netkit('exposure', edge, '--with-cluster', '--format', 'json');
    const json = JSON.parse(result.out);
    expect(json.map((e: { workload: string }) => e.workload)).toEqual(['storefront/api', 'storefront/web', 'storefront/web-next']);
    expect(json.find((e: { workload: string }) => e.workload === 'storefront/api')).toMatchObject({ reachability: 'reachable', publicByDesign: true });
    expect((await netkit('exposure', edge, '--with-cluster', '--fail-on', 'public')).code).toBe(0);
  });

  test('toExposeOnly on a chart counts the routes it declares and explains their unknown hop', () => {
    const chart = new EdgeChart(new App(), 'edge');
    expect(chart).toExposeOnly(['storefront/api', 'storefront/web', 'storefront/web-next']);
    let message = '';
    try {
      expect(chart).toExposeOnly(['storefront/web']);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('reachable: [storefront/api, storefront/web, storefront/web-next]');
    expect(message).toContain('storefront/api (unknown): Ingress storefront/storefront-ingress');
    expect(message).toContain('[unknown]: no ingress controller in the input');
  });

  test('toExposeOnly passes for exactly the workloads reachable from the internet', () => {
    const chart = new ShopChart(new App(), 'shop');
    expect(chart).toExposeOnly([]);
    expect(chart).not.toExposeOnly(['shop/web']);
  });
});

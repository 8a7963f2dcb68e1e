import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Yaml } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { run } from '../../lib/cli/main';
import { clusterFixtures } from '../../lib';

const root = join(__dirname, '../..');
const shopYaml = join(root, 'examples/shop/dist/shop.k8s.yaml');

async function netkit(...argv: string[]) {
  return netkitWithStdin(undefined, ...argv);
}

async function netkitWithStdin(stdin: string | undefined, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (t) => { out += t; }, err: (t) => { err += t; }, ...(stdin === undefined ? {} : { stdin: () => stdin }) });
  return { code, out, err };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'netkit-'));
}

describe('netkit reach', () => {
  test('exit 0 and the reason when allowed', async () => {
    const result = await netkit('reach', shopYaml, '--from', 'shop/web', '--to', 'shop/api', '--port', '8080');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^ALLOWED: shop\/web -> shop\/api on TCP 8080\./);
  });

  test('exit 1 when denied, with JSON on request', async () => {
    const result = await netkit('reach', shopYaml, '--from', 'shop/web', '--to', 'shop/db', '--port', '5432', '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toMatchObject({ allowed: false, from: 'shop/web', to: 'shop/db', port: 5432, protocol: 'TCP', ingress: { isolated: true, allowed: false } });
  });

  test('exit 2 for bad usage and unknown workloads, with close matches', async () => {
    expect(await netkit('reach', shopYaml, '--from', 'shop/web', '--to', 'shop/api', '--port', 'Http_Port')).toMatchObject({ code: 2, err: 'netkit: --port Http_Port is neither a port number (1-65535) nor a port name (the name may contain only lowercase letters, digits and \'-\').\n' });
    expect((await netkit('reach', shopYaml, '--from', 'shop/web', '--port', '80')).code).toBe(2);
    expect(await netkit('reach', shopYaml, '--from', 'shop/web', '--to', 'shop/api', '--port', '80', '--protocol', 'ICMP')).toMatchObject({ code: 2, err: expect.stringContaining('netkit: protocol "ICMP" is not TCP, UDP or SCTP (NetworkPolicy knows no other; ICMP is not filtered by it; Calico policies filter ICMP and others') });
    const unknown = await netkit('reach', shopYaml, '--from', 'shop/wbe', '--to', 'shop/api', '--port', '80');
    expect(unknown).toMatchObject({ code: 2, err: 'netkit: unknown from "shop/wbe": no workload <namespace>/<name>, Service or IP address by that name. Did you mean "shop/web"?\n' });
    expect((await netkit('frobnicate')).code).toBe(2);
  });
});

describe('netkit matrix', () => {
  test('a table with - for denied pairs', async () => {
    const result = await netkit('matrix', shopYaml);
    expect(result.code).toBe(0);
    expect(result.out).toBe([
      'from \\ to               shop/api  shop/db             shop/web  internet (203.0.113.7)  192.0.2.10',
      '----------------------  --------  ------------------  --------  ----------------------  ----------',
      'shop/api                -         TCP 5432            -         -                       -',
      'shop/db                 -         TCP 5432, TCP 8008  -         -                       TCP 6443',
      'shop/web                TCP 8080  -                   -         -                       -',
      'internet (203.0.113.7)  -         -                   -         -                       -',
      '192.0.2.10              -         -                   -         -                       -',
      '',
    ].join('\n'));
  });

  test('public paths: internet -> ingress controller -> backend, with --with-cluster for the controller', async () => {
    const edge = join(root, 'examples/edge/dist');
    const without = await netkit('matrix', edge);
    expect(without.out).toContain('  unknown       shop.example.com/api (Ingress storefront/storefront-ingress, Service storefront/api:8080): cannot follow: no ingress controller in the input');
    const withCluster = await netkit('matrix', edge, '--with-cluster');
    expect(withCluster.out).toContain('  reachable     shop.example.com/api (Ingress storefront/storefront-ingress, Service storefront/api:8080): internet -> ingress-nginx/ingress-nginx-controller TCP 443 allowed; ingress-nginx/ingress-nginx-controller -> storefront/api TCP 8080 allowed');
    expect(withCluster.out).toMatch(/^kube-system\/coredns /m);
    const json = JSON.parse((await netkit('matrix', edge, '--with-cluster', '--format', 'json')).out);
    expect(json.internet).toBe('203.0.113.7');
    expect(json.paths.filter((p: { status: string }) => p.status === 'open').map((p: { route: string }) => p.route)).toEqual(['api.example.com/', 'shop.example.com/', 'shop.example.com/api']);
    const graph = (await netkit('graph', edge, '--with-cluster', '--format', 'dot')).out;
    expect(graph).toContain('[label="internet (203.0.113.7)"]');
    expect(graph).toMatch(/label="TCP 8080\\napi\.example\.com\/\\nshop\.example\.com\/api"/);
  });

  test('JSON and CSV', async () => {
    const json = JSON.parse((await netkit('matrix', shopYaml, '--format', 'json')).out);
    expect(json.cells).toEqual([
      { from: 'shop/api', to: 'shop/db', ports: 'TCP 5432' },
      { from: 'shop/db', to: 'shop/db', ports: 'TCP 5432, TCP 8008' },
      { from: 'shop/db', to: '192.0.2.10', ports: 'TCP 6443' },
      { from: 'shop/web', to: 'shop/api', ports: 'TCP 8080' },
    ]);
    expect((await netkit('matrix', shopYaml, '--format', 'csv')).out).toBe('from,to,ports\nshop/api,shop/db,TCP 5432\nshop/db,shop/db,"TCP 5432, TCP 8008"\nshop/db,192.0.2.10,TCP 6443\nshop/web,shop/api,TCP 8080\n');
  });
});

describe('netkit graph', () => {
  test('Mermaid groups namespaces and labels edges with ports', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cluster.yaml'), Yaml.stringify(...clusterFixtures()));
    const result = await netkit('graph', shopYaml, dir);
    expect(result.code).toBe(0);
    expect(result.out).toContain('subgraph g3["namespace shop"]');
    expect(result.out).toMatch(/n\d+ -->\|"TCP 8080"\| n\d+/);
  });

  test('DOT and SVG render without a system Graphviz', async () => {
    expect((await netkit('graph', shopYaml, '--format', 'dot')).out).toContain('subgraph cluster_0 {\n    label="namespace shop";');
    const svg = await netkit('graph', shopYaml, '--format', 'svg');
    expect(svg.code).toBe(0);
    expect(svg.out).toContain('<svg');
    expect(svg.out).toContain('TCP 8080');
  });
});

describe('reading inputs', () => {
  test('*.json files are read (a kubectl get -o json dump), and - reads standard input', async () => {
    const dir = tempDir();
    const dump = { apiVersion: 'v1', kind: 'List', items: (Yaml.load(shopYaml) as object[]) };
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify(dump, null, 2));
    const fromJson = await netkit('reach', dir, '--from', 'shop/web', '--to', 'shop/api', '--port', '8080');
    expect(fromJson).toMatchObject({ code: 0, err: '' });
    const piped = readFileSync(shopYaml, 'utf8');
    expect(await netkitWithStdin(piped, 'reach', '-', '--from', 'shop/web', '--to', 'shop/db', '--port', '5432')).toMatchObject({ code: 1 });
    expect((await netkitWithStdin(JSON.stringify(dump), 'matrix', '-', '--format', 'csv')).out).toContain('shop/web,shop/api,TCP 8080');
    expect(await netkitWithStdin(piped, 'check', '-')).toMatchObject({ code: 0, out: '1 file(s), 18 object(s): 0 error(s), 0 warning(s), 0 info\n' });
  });

  test('a typed list from kubectl get pods -o yaml is read with its items', async () => {
    const list = 'apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: web, namespace: a, labels: {app: web}}\n  spec: {containers: [{name: web, image: w:1}]}\n';
    expect((await netkitWithStdin(list, 'matrix', '-', '--format', 'csv')).out).toBe('from,to,ports\na/web,a/web,all\na/web,203.0.113.7,all\n203.0.113.7,a/web,all\n');
  });

  test('a broken JSON file names its line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.json'), '{\n  "apiVersion": "v1",\n  "kind": \n}\n');
    const result = await netkit('matrix', dir);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(new RegExp(`^netkit: ${join(dir, 'broken.json')}:4: invalid JSON: `));
  });

  test('directories are read recursively; every file skipped is named in a notice', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'nested', 'shop.yml'), Yaml.stringify(...(Yaml.load(shopYaml) as object[])));
    writeFileSync(join(dir, 'values.yaml'), 'replicas: 3\n');
    writeFileSync(join(dir, 'README.md'), '# not yaml');
    const result = await netkit('reach', dir, '--from', 'shop/web', '--to', 'shop/api', '--port', '8080');
    expect(result.code).toBe(0);
    expect(result.err).toBe([
      `netkit: notice: ${join(dir, 'README.md')}: skipped (not *.yaml, *.yml or *.json)`,
      `netkit: notice: ${join(dir, 'values.yaml')}:1: skipped a document without apiVersion and kind (not a Kubernetes object)`,
      '',
    ].join('\n'));
  });

  test("a Helm chart's templates are skipped with a notice in a folder, and refused when named", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'charts', 'web', 'templates', 'parts'), { recursive: true });
    writeFileSync(join(dir, 'shop.yaml'), Yaml.stringify(...(Yaml.load(shopYaml) as object[])));
    writeFileSync(join(dir, 'charts', 'web', 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
    const template = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n';
    writeFileSync(join(dir, 'charts', 'web', 'templates', 'deployment.yaml'), template);
    writeFileSync(join(dir, 'charts', 'web', 'templates', 'parts', 'service.yaml'), template);
    // A folder merely named templates, with no Chart.yaml beside it, is read as any other.
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'templates', 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extra\n');
    const result = await netkit('check', dir);
    expect(result.code).toBe(0);
    expect(result.out).toContain('3 file(s), 19 object(s): 0 error(s)');
    expect(result.err).toContain(`netkit: notice: ${join(dir, 'charts', 'web', 'templates')}: skipped (in a Helm chart's templates, which are not manifests until rendered: check what \`helm template\` writes, e.g. helm template my-release ${join(dir, 'charts', 'web')} | netkit check -)\n`);
    for (const named of [join(dir, 'charts', 'web', 'templates'), join(dir, 'charts', 'web', 'templates', 'deployment.yaml'), join(dir, 'charts', 'web', 'templates', 'parts')]) {
      expect(await netkit('check', named)).toMatchObject({ code: 2, out: '', err: `netkit: ${named}: in a Helm chart's templates, which are not manifests until rendered: check what \`helm template\` writes, e.g. helm template my-release ${join(dir, 'charts', 'web')} | netkit check -.\n` });
    }
    expect((await netkit('matrix', join(dir, 'charts', 'web', 'templates'))).code).toBe(2);
  });

  test('a missing path, malformed YAML and a symlink loop get one-line messages', async () => {
    expect(await netkit('matrix', '/does/not/exist')).toMatchObject({ code: 2, err: 'netkit: /does/not/exist: no such file or directory.\n' });
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), 'kind: [unclosed\n');
    const bad = await netkit('matrix', dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(new RegExp(`^netkit: ${join(dir, 'bad.yaml')}:\\d+:\\d+: invalid YAML: .*\\n$`));
    const loop = tempDir();
    symlinkSync(loop, join(loop, 'self'));
    writeFileSync(join(loop, 'shop.yaml'), Yaml.stringify(...(Yaml.load(shopYaml) as object[])));
    const looped = await netkit('matrix', loop);
    expect(looped.code).toBe(0);
    expect(looped.err).toContain('skipped, already read');
  });
});

describe('netkit --version', () => {
  test('prints the package version and exits 0, as --version and -V', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(await netkit('--version')).toEqual({ code: 0, out: `${version}\n`, err: '' });
    expect(await netkit('-V')).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });
});

describe('the netkit process', () => {
  test('ends quietly when its reader closes the pipe early (netkit matrix ... | head)', () => {
    const dir = tempDir();
    const big = join(dir, 'big.yaml');
    const apps = Array.from({ length: 400 }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata: { name: app-${i}, namespace: ns-${i % 4} }\nspec: { containers: [{ name: c, image: x:1 }] }\n`);
    writeFileSync(big, apps.join('---\n'));
    const tsx = join(root, 'node_modules/.bin/tsx');
    const result = spawnSync('bash', ['-c', `set -o pipefail; "${tsx}" "${join(root, 'lib/cli/bin.ts')}" matrix "${big}" | head -c 100 >/dev/null`], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('runs as a command with the documented exit codes', () => {
    const tsx = join(root, 'node_modules/.bin/tsx');
    const bin = join(root, 'lib/cli/bin.ts');
    expect(execFileSync(tsx, [bin, 'reach', shopYaml, '--from', 'shop/web', '--to', 'shop/api', '--port', '8080'], { encoding: 'utf8' })).toMatch(/^ALLOWED/);
    expect(spawnSync(tsx, [bin, 'reach', shopYaml, '--from', 'shop/web', '--to', 'shop/db', '--port', '5432']).status).toBe(1);
    const usage = spawnSync(tsx, [bin, 'reach'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("error: required option '--from <ref>' not specified");
  });
});

describe('netkit check', () => {
  test('clean input: exit 0 and a summary', async () => {
    expect(await netkit('check', shopYaml)).toMatchObject({ code: 0, out: '1 file(s), 18 object(s): 0 error(s), 0 warning(s), 0 info\n' });
  });

  test('errors: exit 1 with file and line; JSON and SARIF formats', async () => {
    const dir = tempDir();
    const file = join(dir, 'svc.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Service\nmetadata: { name: x, namespace: a }\nspec: { type: ExternalName, externalName: 10.0.0.1 }\n');
    const text = await netkit('check', dir);
    expect(text.code).toBe(1);
    expect(text.out).toBe(`${file}:1: error [externalname-is-ip] Service a/x: externalName 10.0.0.1 is an IP address; ExternalName is a CNAME, so clients get a name that never resolves. Fix: Use a selector-less Service with an EndpointSlice for IP addresses (ExternalService.fromAddresses).\n1 file(s), 1 object(s): 1 error(s), 0 warning(s), 0 info\n`);
    expect(JSON.parse((await netkit('check', file, '--format', 'json')).out)[0]).toMatchObject({ rule: 'externalname-is-ip', severity: 'error', file, line: 1 });
    const sarif = JSON.parse((await netkit('check', file, '--format', 'sarif')).out);
    expect(sarif.runs[0].results[0].ruleId).toBe('externalname-is-ip');
    expect((await netkit('check', file, '--disable', 'externalname-is-ip')).code).toBe(0);
  });

  test('--min-severity filters and bad options exit 2', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'svc.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: { name: x, namespace: a }\nspec: { type: NodePort, ports: [{ port: 80 }] }\n');
    expect((await netkit('check', dir)).out).toContain('warning [nodeport-exposure]');
    expect((await netkit('check', dir, '--min-severity', 'error')).out).toBe('1 file(s), 1 object(s): 0 error(s), 0 warning(s), 0 info\n');
    expect((await netkit('check', dir, '--min-severity', 'fatal')).code).toBe(2);
    expect((await netkit('check', dir, '--node-port-range', 'wide')).code).toBe(2);
    const badLabel = await netkit('check', dir, '--dns', 'kube-system/bad key=x:53');
    expect([badLabel.code, badLabel.err]).toEqual([2, 'netkit: --dns kube-system/bad key=x:53: label key "bad key" must be letters, digits, \'-\', \'_\' or \'.\' (with an optional \'prefix/\'), starting and ending with a letter or digit.\n']);
    const typo = await netkit('check', dir, '--disable', 'nodeport-exposur');
    expect([typo.code, typo.err]).toEqual([2, 'netkit: --disable names a rule that does not exist: nodeport-exposur (did you mean nodeport-exposure?).\n']);
    for (const range of ['32767-30000', '0-100', '30000-70000']) {
      const bad = await netkit('check', dir, '--node-port-range', range);
      expect([bad.code, bad.err]).toEqual([2, `netkit: --node-port-range ${range} is not a range of ports: both ends 1-65535, the first no greater than the last, e.g. 30000-32767.\n`]);
    }
  });
});

describe('netkit matrix --format json in pieces', () => {
  test('the same text JSON.stringify writes, on every example and an empty matrix', async () => {
    const { matrixJsonChunks } = await import('../../lib/cli/format');
    const { NetworkModel } = await import('../../lib');
    for (const dir of ['shop', 'edge', 'cilium', 'calico']) {
      const model = NetworkModel.fromYaml(readdirSync(join(root, 'examples', dir, 'dist')).map((f) => readFileSync(join(root, 'examples', dir, 'dist', f), 'utf8')));
      const matrix = model.matrix();
      const paths = model.publicPaths();
      expect([...matrixJsonChunks(matrix, paths)].join('')).toBe(`${JSON.stringify({ ...matrix, paths }, null, 2)}\n`);
      // Every dialect's matrix, its cells kept as numbers, writes the same text and reads the same cells.
      const lazy = model.matrix({ lazyCells: true });
      expect([...matrixJsonChunks(lazy, paths)].join('')).toBe(`${JSON.stringify({ ...matrix, paths }, null, 2)}\n`);
      expect(lazy).toEqual(matrix);
    }
    const empty = NetworkModel.fromObjects([]);
    expect([...matrixJsonChunks(empty.matrix({ externalEndpoints: [] }), [])].join('')).toBe(`${JSON.stringify({ ...empty.matrix({ externalEndpoints: [] }), paths: [] }, null, 2)}\n`);
  });

  test('a large matrix is written from its numbers, never made cell objects, in pieces of about a megabyte, with the same text', async () => {
    const { matrixJsonChunks } = await import('../../lib/cli/format');
    const { NetworkModel } = await import('../../lib');
    const { syntheticCluster } = await import('../../bench/clusters');
    const model = NetworkModel.fromObjects(syntheticCluster(1500));
    const paths = model.publicPaths();
    for (const matrix of [model.matrix({ lazyCells: true }), model.matrix({ externalEndpoints: ['198.51.100.7'], lazyCells: true })]) {
      const cells = Object.getOwnPropertyDescriptor(matrix, 'cells')!;
      let read = false;
      Object.defineProperty(matrix, 'cells', { enumerable: true, get: () => { read = true; return cells.get!.call(matrix); } });
      const pieces = [...matrixJsonChunks(matrix, paths)];
      expect(read).toBe(false);
      expect(matrix.cells.length).toBeGreaterThan(15_000);
      const text = pieces.join('');
      expect(text).toBe(`${JSON.stringify({ ...matrix, paths }, null, 2)}\n`);
      expect(pieces.length).toBeGreaterThan(2);
      expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan((1 << 20) * 1.1);
      // The same matrix as plain data (no numbers behind it) gives the same text.
      expect([...matrixJsonChunks({ ...matrix }, paths)].join('')).toBe(text);
    }
  });
});

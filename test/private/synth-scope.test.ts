import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { afterAll, describe, expect, test } from 'vitest';
import { ExposedApp, NetkitLint, Port, SecureNamespace, TlsIngress, Certificate } from '../../lib';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A GitOps layout: one Chart per namespace, a nested chart, and dependencies across charts. */
function manyCharts(outdir: string, yamlOutputType?: YamlOutputType): App {
  const app = new App({ outdir, yamlOutputType });
  NetkitLint.of(app).configure({ warnings: 'silent' });
  const charts: Chart[] = [];
  for (let n = 0; n < 6; n++) {
    const chart = new Chart(app, `team-${n}`);
    charts.push(chart);
    const ns = new SecureNamespace(chart, `team-${n}`);
    const edge = new TlsIngress(chart, 'edge', { namespace: ns, className: 'nginx', certificate: Certificate.clusterIssuer('letsencrypt-prod') });
    for (let i = 0; i < 4; i++) {
      const exposed = new ExposedApp(chart, `app-${i}`, { namespace: ns, image: `acme/app-${i}:1.0.0`, ports: [Port.tcp(8080, 'http')] });
      exposed.exposeVia(edge, { host: `app-${n}-${i}.example.com` });
    }
  }
  const nested = new Chart(charts[2], 'nested');
  const config = new ApiObject(nested, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared', namespace: 'team-2' }, data: { a: '1' } });
  charts[4].addDependency(charts[1]);
  config.node.addDependency(charts[0]);
  return app;
}

/** The same app synthesized by cdk8s alone: the instance methods netkit installs removed. */
function withoutScope(app: App): App {
  delete (app as unknown as Record<string, unknown>).synth;
  delete (app as unknown as Record<string, unknown>).synthYaml;
  return app;
}

/** Every file under `dir` (folders too, for the folder-per-chart layout), by relative path. */
function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort()
    .map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe('the synth scope with one Chart per namespace', () => {
  test.each([undefined, YamlOutputType.FILE_PER_APP, YamlOutputType.FILE_PER_RESOURCE, YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE])('writes the same files, byte for byte (output %s)', (type) => {
    const fast = mkdtempSync(join(tmpdir(), 'netkit-scope-'));
    const plain = mkdtempSync(join(tmpdir(), 'netkit-plain-'));
    dirs.push(fast, plain);
    manyCharts(fast, type).synth();
    withoutScope(manyCharts(plain, type)).synth();
    const expected = filesOf(plain);
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(filesOf(fast)).toEqual(expected);
  });

  test('synthYaml is the same, and Chart.toJson outside synth still validates', () => {
    const app = manyCharts(mkdtempSync(join(tmpdir(), 'netkit-yaml-')));
    expect(app.synthYaml()).toBe(withoutScope(manyCharts(mkdtempSync(join(tmpdir(), 'netkit-yaml-')))).synthYaml());
    const broken = manyCharts(mkdtempSync(join(tmpdir(), 'netkit-broken-')));
    const chart = broken.node.findChild('team-3') as Chart;
    chart.node.addValidation({ validate: () => ['boom'] });
    expect(() => chart.toJson()).toThrow('boom');
    expect(() => broken.synthYaml()).toThrow('boom');
  });
});

describe('the synth scope without dependencies', () => {
  /** No construct declares a dependency; ids that read as numbers sort first in cdk8s's graph. */
  function noDependencies(outdir: string): App {
    const app = new App({ outdir });
    NetkitLint.of(app).configure({ warnings: 'silent' });
    for (const id of ['team-b', '10', 'team-a', '2']) {
      const chart = new Chart(app, id);
      const ns = new SecureNamespace(chart, `ns-${id}`);
      for (const appId of ['web', 'api']) {
        new ExposedApp(chart, appId, { namespace: ns, image: `acme/${appId}:1.0.0`, ports: [Port.tcp(8080, 'http')] });
      }
      for (const objectId of ['3', 'b', '1']) new ApiObject(chart, objectId, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `config-${id}-${objectId}`, namespace: `ns-${id}` }, data: { a: '1' } });
    }
    return app;
  }

  test('writes the files and objects in the order cdk8s writes them', () => {
    const fast = mkdtempSync(join(tmpdir(), 'netkit-scope-'));
    const plain = mkdtempSync(join(tmpdir(), 'netkit-plain-'));
    dirs.push(fast, plain);
    noDependencies(fast).synth();
    withoutScope(noDependencies(plain)).synth();
    const expected = filesOf(plain);
    expect(Object.keys(expected)).toEqual(['10.k8s.yaml', '2.k8s.yaml', 'team-a.k8s.yaml', 'team-b.k8s.yaml']);
    expect(filesOf(fast)).toEqual(expected);
    expect(noDependencies(mkdtempSync(join(tmpdir(), 'netkit-yaml-'))).synthYaml()).toBe(withoutScope(noDependencies(mkdtempSync(join(tmpdir(), 'netkit-yaml-')))).synthYaml());
  });
});

describe('an App whose chart list is its own', () => {
  test('keeps it under the synth scope', () => {
    /** Charts written in reverse: the scope must not put cdk8s's order in its place. */
    class ReversedApp extends App {
      public get charts(): Chart[] {
        return [...super.charts].reverse();
      }
    }
    const build = () => {
      const app = new ReversedApp();
      NetkitLint.of(app).configure({ warnings: 'silent' });
      for (const id of ['a', 'b']) new ApiObject(new Chart(app, id), 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `config-${id}`, namespace: 'default' }, data: { a: '1' } });
      return app;
    };
    const yaml = build().synthYaml();
    expect(yaml.indexOf('config-b')).toBeLessThan(yaml.indexOf('config-a'));
    expect(yaml).toBe(withoutScope(build()).synthYaml());
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { loadYaml } from '../../lib/analysis/input/loader';
import { LIGHT_FORMATS } from '../../lib/lint/schema/light-formats';
import { schemaErrors } from '../../lib/lint/schema/validate';

const load = createRequire(__filename);
// The real package, loaded by file (its index would be the light one once netkit has run).
const validateIndex = createRequire(load.resolve('kubernetes-models/v1/Pod')).resolve('@kubernetes-models/validate');
const realFormats = (load(join(dirname(validateIndex), 'formats.js')) as { formats: Record<string, { validate: unknown }> }).formats;
const realCheck = (name: string, value: unknown): boolean => {
  const validate = realFormats[name].validate;
  return validate instanceof RegExp ? validate.test(String(value)) : Boolean((validate as (v: unknown) => boolean)(value));
};

/** The kubernetes-models model class's own verdict, the way netkit read it before. */
function modelErrors(object: Record<string, unknown>): string[] {
  const [group, version] = String(object.apiVersion).includes('/') ? String(object.apiVersion).split('/') : ['', String(object.apiVersion)];
  const model = (load(`kubernetes-models/${group ? `${group}/` : ''}${version}/${String(object.kind)}`) as Record<string, { prototype: { validate(): void } }>)[String(object.kind)];
  try {
    model.prototype.validate.call(object);
    return [];
  } catch (error) {
    return (error as Error).message.split(/\n|, (?=data\/)/).map((line) => line.trim().replace(/^data\/?/, '').replace(/\//g, '.')).filter(Boolean).slice(0, 5);
  }
}

describe('schema check without the model classes', () => {
  const samples: Record<string, unknown[]> = {
    int32: [0, 1, -1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 1.5, Number.MAX_SAFE_INTEGER, '1'],
    int64: [0, 2 ** 53, 1.5, -7, Number.NaN],
    double: [0, 1.5, -1e300],
    byte: ['', 'aGVsbG8=', 'aGVsbG8', 'aGk=', 'a===', '!!!!', 'YWJj'],
    quantity: ['1', '100m', '1.5Gi', '0.5', '.5', '5.', '1e3', '1E-3', '2da', '1Ki', '1ki', '1 Gi', '', '+1', '-2M', '1.5.3', 'm', '1Gb', '3Ti', '1e'],
  };

  test.each(Object.keys(LIGHT_FORMATS))('format %s agrees with the real one on chosen and random values', (name) => {
    for (const value of samples[name] ?? []) expect([name, value, LIGHT_FORMATS[name].validate(value)]).toEqual([name, value, realCheck(name, value)]);
    const quantityish = fc.stringMatching(/^[-+]?[0-9.]{0,4}([eE][-+]?[0-9.]{0,3})?(Ki|Mi|m|k|M|da|Gi|E|Ei|u|x)?$/);
    fc.assert(fc.property(fc.oneof(fc.integer(), fc.double(), quantityish, fc.base64String(), fc.string()), (value) => {
      expect(LIGHT_FORMATS[name].validate(value)).toBe(realCheck(name, value));
    }), { seed: 18, numRuns: Number(process.env.NETKIT_FUZZ_RUNS ?? 400) });
  });

  test('the compiled validators give the model classes\' messages, on valid and broken objects alike', () => {
    const objects = readdirSync('examples/shop/dist').flatMap((file) => loadYaml(readFileSync(join('examples/shop/dist', file), 'utf8'), file).objects.map((o) => o.object));
    const broken = (object: Record<string, unknown>) => {
      const copy = JSON.parse(JSON.stringify(object)) as Record<string, any>;
      if (copy.spec?.replicas !== undefined) copy.spec.replicas = '3';
      if (copy.spec?.ports) copy.spec.ports[0].port = 99999999999;
      const containers = copy.spec?.template?.spec?.containers;
      if (containers) Object.assign(containers[0], { resources: { limits: { cpu: '1x' } }, imagePullPolicy: 'Sometimes' });
      if (copy.kind === 'ConfigMap') copy.data = { key: 7 };
      delete copy.metadata?.name;
      return copy;
    };
    let compared = 0;
    for (const object of objects.filter((o) => !String(o.apiVersion).includes('.x-k8s.io') && String(o.apiVersion).split('/').length <= 2 && !String(o.apiVersion).startsWith('policy.networking'))) {
      expect(schemaErrors(object)).toEqual(modelErrors(object));
      const bad = broken(object);
      expect(schemaErrors(bad)).toEqual(modelErrors(bad));
      compared++;
    }
    expect(compared).toBeGreaterThan(15);
    // A format netkit does not check itself (date-time) comes from the real package, with the same verdicts.
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    for (const stamp of ['2024-01-01T00:00:00Z', 'yesterday', '2024-13-01T00:00:00Z']) {
      const stamped = { ...deployment, metadata: { ...(deployment.metadata as object), creationTimestamp: stamp } };
      expect([stamp, schemaErrors(stamped)]).toEqual([stamp, modelErrors(stamped)]);
    }
    expect(schemaErrors({ ...deployment, metadata: { ...(deployment.metadata as object), creationTimestamp: 'yesterday' } })).toEqual(['metadata.creationTimestamp must match format "date-time"']);
    expect(schemaErrors(broken(objects.find((o) => o.kind === 'Deployment')!))).toContain('spec.replicas must be integer');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Chart, Yaml } from 'cdk8s';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { EdgeChart } from '../../examples/edge/main';
import { ShopChart } from '../../examples/shop/main';
import { stringifyDocuments } from '../../lib/private/fast-yaml';

const RUNS = Number(process.env.NETKIT_FUZZ_RUNS ?? 300);

/** Strings that stress YAML quoting: 1.1 booleans, numbers, indicators, spaces, unicode. */
const trickyString = fc.oneof(
  fc.constantFrom('', 'yes', 'No', 'ON', 'y', 'null', '~', 'true', '1.0', '0755', '0x1F', '1e3', '12:30', '2024-01-01', '.inf', '-', '- a', 'a: b', 'a #b',
    '#x', '*ref', '&anchor', '!tag', '%x', '@x', '`x', '"q"', "'q'", ' lead', 'trail ', 'multi\nline', 'tab\there', 'ünïcode', 'acme/api:1.4.2',
    '10.0.0.0/8', '8m', '1500m', 'app.kubernetes.io/name', 'more_set_headers "X: y";', '[a]', '{a}', '?', ':', 'a:', 'http://x.example.com:80'),
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^[a-z][a-z0-9.-]{0,20}$/),
);
const key = fc.oneof(fc.constantFrom('apiVersion', 'kind', 'metadata', 'y', 'n', 'on', 'a b', 'x:y', '-k', 'true', '1', 'app.kubernetes.io/name', 'netkit.io/ignore'), fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9./_-]{0,15}$/));
const leaf = fc.oneof(trickyString, fc.integer(), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null), fc.constant(undefined));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('node'), { maxKeys: 5 }),
})).node;
const document = fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 });

describe('the fast YAML writer', () => {
  test('writes the examples byte for byte as cdk8s does', () => {
    for (const chart of [new ShopChart(new App(), 'shop'), new EdgeChart(new App(), 'edge')] as Chart[]) {
      const docs = chart.toJson();
      expect(stringifyDocuments(docs)).toBe(Yaml.stringify(...docs));
    }
    const committed = readFileSync(join(__dirname, '../../examples/shop/dist/shop.k8s.yaml'), 'utf8');
    expect(stringifyDocuments(Yaml.load(join(__dirname, '../../examples/shop/dist/shop.k8s.yaml')))).toBe(committed);
  });

  test('agrees with cdk8s\'s writer on random documents with hostile strings', () => {
    fc.assert(fc.property(fc.array(fc.oneof(document, fc.constant(undefined)), { minLength: 1, maxLength: 3 }), (docs) => {
      expect(stringifyDocuments(docs)).toBe(Yaml.stringify(...docs));
    }), { seed: 4242, numRuns: RUNS });
  });
});

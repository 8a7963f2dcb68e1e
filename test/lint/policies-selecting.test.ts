/**
 * The lint context matches each namespace's NetworkPolicies to its workloads once, through an
 * index of the policies' first required label. Held here to the plain definition the rules
 * used before: `policiesIn(ns).filter((p) => workloadMatches(p.podSelector, w))`.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { workloadMatches } from '../../lib/analysis/model/selectors';
import { LintContext } from '../../lib/lint/context';
import { Obj, namespace, policy, workload } from '../helpers/k8s';

const KEYS = ['app', 'tier', 'team', '__proto__'];
const VALUES = ['a', 'b', 'c'];
const NAMESPACES = ['one', 'two'];

const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 });
const requirement = fc.oneof(
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('In', 'NotIn'), values: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 2 }) }),
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
  // Invalid: the selector then matches nothing.
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constant('Near') }),
);
const selector = fc.record({ matchLabels: labels, matchExpressions: fc.array(requirement, { maxLength: 2 }) }, { requiredKeys: [] });

const cluster = fc.record({
  workloads: fc.array(fc.record({
    ns: fc.constantFrom(...NAMESPACES),
    labels,
    // A StatefulSet's pods each carry their own pod-name label: several label sets per workload.
    kind: fc.constantFrom('Deployment', 'StatefulSet'),
  }), { maxLength: 8 }),
  policies: fc.array(fc.record({
    ns: fc.constantFrom(...NAMESPACES),
    podSelector: selector,
    egress: fc.boolean(),
  }), { maxLength: 8 }),
});

type Cluster = typeof cluster extends fc.Arbitrary<infer T> ? T : never;

function objectsOf(input: Cluster): Obj[] {
  const objects: Obj[] = NAMESPACES.map((ns) => namespace(ns));
  input.workloads.forEach((w, i) => {
    const object = workload(w.ns, `w${i}`, w.labels, { kind: w.kind as 'Deployment' });
    if (w.kind === 'StatefulSet') object.spec = { ...object.spec, replicas: 2, serviceName: `w${i}` };
    objects.push(object);
  });
  input.policies.forEach((p, i) => objects.push(policy(p.ns, `p${i}`, { podSelector: p.podSelector, policyTypes: p.egress ? ['Ingress', 'Egress'] : ['Ingress'] })));
  return objects;
}

describe('policiesSelecting and selectsSomeWorkload', () => {
  test('give what matching every policy against every workload gives, in policy order', () => {
    fc.assert(fc.property(cluster, (input) => {
      const context = new LintContext(objectsOf(input).map((object) => ({ object })));
      for (const w of context.workloads) {
        const plain = context.policiesIn(w.namespace).filter((p) => workloadMatches(p.podSelector, w));
        expect(context.policiesSelecting(w)).toEqual(plain);
      }
      for (const p of context.policies) {
        expect(context.selectsSomeWorkload(p)).toBe(context.workloadsIn(p.namespace).some((w) => workloadMatches(p.podSelector, w)));
      }
    }), { numRuns: 300 });
  });

  test('a StatefulSet pod selected by its own name label is selected through that label set', () => {
    const set = workload('one', 'db', { app: 'db' }, { kind: 'StatefulSet' as 'Deployment' });
    set.spec = { ...set.spec, replicas: 2, serviceName: 'db' };
    const onePod = policy('one', 'first-pod', { podSelector: { matchLabels: { 'statefulset.kubernetes.io/pod-name': 'db-0' } }, policyTypes: ['Ingress'] });
    const context = new LintContext([namespace('one'), set, onePod].map((object) => ({ object })));
    const [db] = context.workloads;
    expect(db.podLabelSets?.length).toBe(2);
    expect(context.policiesSelecting(db).map((p) => p.name)).toEqual(['first-pod']);
    expect(context.selectsSomeWorkload(context.policies[0])).toBe(true);
  });
});

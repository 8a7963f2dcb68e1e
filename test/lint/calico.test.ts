import { describe, expect, test } from 'vitest';
import { lint } from '../../lib';
import { Obj, namespace, workload } from '../helpers/k8s';

const V3 = 'projectcalico.org/v3';
const gnp = (name: string, spec: Obj): Obj => ({ apiVersion: V3, kind: 'GlobalNetworkPolicy', metadata: { name }, spec });
const tier = (name: string, spec: Obj = {}): Obj => ({ apiVersion: V3, kind: 'Tier', metadata: { name }, spec });
const base = [namespace('a'), workload('a', 'web', { app: 'web' }, { ports: [{ containerPort: 8080 }] }), workload('a', 'api', { app: 'api' }, { ports: [{ containerPort: 8080 }] })];
const of = (rule: string, objects: Obj[], options = {}) => lint(objects, options).filter((f) => f.rule === rule).map((f) => f.message);

describe('Calico lint', () => {
  test('calico-selector-syntax gives the position', () => {
    expect(of('calico-selector-syntax', [gnp('p', { selector: "app == 'web' &&", ingress: [{ action: 'Allow', source: { selector: 'app in (x)' } }] })])).toEqual([
      'spec.ingress[0].source.selector: selector "app in (x)": expected "{" at column 8',
      'spec.selector: selector "app == \'web\' &&": expected a label name, found the end at column 16',
    ]);
  });

  test('calico-policy-rejected names the field', () => {
    expect(of('calico-policy-rejected', [gnp('p', { ingress: [{ action: 'Accept', destination: { ports: [80] } }] })])).toEqual([
      'spec.ingress[0].action "Accept" is not Allow, Deny, Log or Pass',
      'spec.ingress[0]: ports are only valid with protocol TCP, UDP, SCTP or UDPLite',
    ]);
  });

  test('calico-order-tie: same tier and order, different actions', () => {
    const found = of('calico-order-tie', [gnp('a', { order: 10, ingress: [{ action: 'Deny' }] }), gnp('b', { order: 10, ingress: [{ action: 'Allow' }] }), gnp('c', { order: 20, ingress: [{ action: 'Allow' }] })]);
    expect(found).toEqual(['it has order 10 in tier default, as GlobalNetworkPolicy a does, and their rules act differently (Deny vs Allow); only their names decide which comes first']);
    expect(of('calico-order-tie', [gnp('a', { order: 10, ingress: [{ action: 'Allow' }] }), gnp('b', { order: 10, ingress: [{ action: 'Allow' }] })])).toEqual([]);
  });

  test('calico-rule-unreachable: rules after an unconditional one', () => {
    expect(of('calico-rule-unreachable', [gnp('p', { ingress: [{ action: 'Log' }, { action: 'Deny' }, { action: 'Allow', source: { selector: "app == 'web'" } }] })])).toEqual([
      'ingress[2] can never match: ingress[1] (Deny) matches every packet first',
    ]);
    expect(of('calico-rule-unreachable', [gnp('p', { ingress: [{ action: 'Allow', protocol: 'TCP' }, { action: 'Deny' }] })])).toEqual([]);
  });

  test('calico-tier-missing: an error for a whole input, else a warning', () => {
    const objects = [gnp('p', { tier: 'security', ingress: [{ action: 'Deny' }] })];
    expect(lint(objects).filter((f) => f.rule === 'calico-tier-missing').map((f) => [f.severity, f.message])).toEqual([['warning', 'it is in tier security, which is not in the input']]);
    expect(lint(objects, { wholeNamespaces: true }).filter((f) => f.rule === 'calico-tier-missing').map((f) => f.severity)).toEqual(['error']);
    expect(of('calico-tier-missing', [...objects, tier('security', { order: 100 })])).toEqual([]);
  });

  test('calico-pass-in-last-tier: Pass rules in the default tier or a later last tier; not a last tier passing by default', () => {
    expect(of('calico-pass-in-last-tier', [gnp('p', { ingress: [{ action: 'Pass' }] })])).toEqual(['ingress[0] passes, but tier default is the last tier: the traffic goes to the profile, which allows it']);
    expect(of('calico-pass-in-last-tier', [tier('security', { order: 100 }), gnp('p', { tier: 'security', ingress: [{ action: 'Pass' }] })])).toEqual([]);
    expect(of('calico-pass-in-last-tier', [tier('late', { order: 2_000_000, defaultAction: 'Pass' }), gnp('p', { tier: 'late', ingress: [{ action: 'Deny', protocol: 'TCP' }] })])).toEqual([]);
    expect(of('calico-pass-in-last-tier', [tier('late', { order: 2_000_000 }), gnp('p', { tier: 'late', ingress: [{ action: 'Pass' }] })])).toEqual(['ingress[0] passes, but tier late is the last tier: the traffic goes to the profile, which allows it']);
  });

  test('calico-staged-would-deny names each connection', () => {
    const staged: Obj = { apiVersion: V3, kind: 'StagedGlobalNetworkPolicy', metadata: { name: 'lockdown' }, spec: { selector: "app == 'api'", ingress: [{ action: 'Allow', source: { selector: "app == 'web'" } }] } };
    expect(of('calico-staged-would-deny', [...base, staged])).toEqual([
      'enforced, it would deny 203.0.113.7 -> a/api on every port, which is allowed today',
      'enforced, it would deny a/api -> a/api on every port, which is allowed today',
    ]);
  });

  test('unknown-field judges Calico kinds', () => {
    const found = lint([gnp('p', { selector: 'all()', ingress: [{ action: 'Allow', source: { selectr: "app == 'web'" } }] })]).filter((f) => f.rule === 'unknown-field').map((f) => f.message);
    expect(found.join('\n')).toContain('spec.ingress[0].source.selectr');
  });
});

/**
 * Calico's policies, case by case from Calico's documentation (docs.tigera.io/calico/latest/):
 * each case names the passage it follows ("tier.md" is reference/resources/tier, "np.md"
 * reference/resources/networkpolicy, "gnp.md" reference/resources/globalnetworkpolicy,
 * "tiers" network-policy/policy-tiers/tiered-policy). On Calico every policy, Kubernetes
 * NetworkPolicy included, is evaluated in ordered tiers.
 */
import { describe, expect, test } from 'vitest';
import { NetworkModel, TrafficQuery, parseCalicoSelector, calicoSelectorMatches } from '../../lib';
import { Obj, namespace, policy, workload } from '../helpers/k8s';

const V3 = 'projectcalico.org/v3';
const np = (ns: string, name: string, spec: Obj): Obj => ({ apiVersion: V3, kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
const gnp = (name: string, spec: Obj): Obj => ({ apiVersion: V3, kind: 'GlobalNetworkPolicy', metadata: { name }, spec });
const tier = (name: string, order?: number, defaultAction?: string): Obj => ({ apiVersion: V3, kind: 'Tier', metadata: { name }, spec: { ...(order !== undefined ? { order } : {}), ...(defaultAction ? { defaultAction } : {}) } });
const withSa = (w: Obj, sa: string) => { w.spec.template.spec.serviceAccountName = sa; return w; };
const sa = (ns: string, name: string, labels: Record<string, string>): Obj => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns, labels } });

const cluster = (): Obj[] => [
  namespace('shop', { team: 'shop', env: 'prod' }), namespace('ops', { team: 'ops' }), namespace('kube-system'),
  withSa(workload('shop', 'web', { app: 'web', tier: 'frontend' }, { ports: [{ name: 'http', containerPort: 8080 }] }), 'web'),
  withSa(workload('shop', 'api', { app: 'api', tier: 'backend' }, { ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] }), 'api'),
  workload('shop', 'db', { app: 'db', tier: 'backend' }, { ports: [{ name: 'pg', containerPort: 5432 }] }),
  workload('ops', 'tool', { app: 'tool' }),
  sa('shop', 'api', { privileged: 'yes' }),
];
const q = (from: string, to: string, port?: number | string, extra: Partial<TrafficQuery> = {}): TrafficQuery => ({ from, to, ...(port !== undefined ? { port } : {}), ...extra });
const model = (...extra: Obj[]) => NetworkModel.fromObjects([...cluster(), ...extra], { cni: 'calico' });
const allowed = (m: NetworkModel, query: TrafficQuery) => m.check(query).allowed;

const denyAllIngress = (name = 'deny-all') => gnp(name, { selector: 'all()', types: ['Ingress'] });

describe('tiers and order (tier.md "How policy is evaluated", tiers "The default tier")', () => {
  test('an endpoint that no policy selects is allowed (profiles allow on Kubernetes)', () => {
    const m = model();
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(m.check(q('shop/web', 'shop/api', 8080)).why).toContain('no Calico policy applies to shop/api for ingress');
  });

  test('a tier with a policy that applies but no rule that matches ends in deny', () => {
    const m = model(tier('security', 100), gnp('api-only-web', { tier: 'security', selector: "app == 'api'", ingress: [{ action: 'Allow', source: { selector: "app == 'web'" } }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(false);
    expect(m.check(q('ops/tool', 'shop/api', 8080)).why).toContain("in tier security, GlobalNetworkPolicy api-only-web applies to shop/api for ingress, and no rule of the tier matches ops/tool on TCP 8080, so the tier's default action Deny denies it (end of tier)");
  });

  test('defaultAction Pass on the Tier hands unmatched traffic to the next tier', () => {
    const m = model(tier('security', 100, 'Pass'), gnp('api-only-web', { tier: 'security', selector: "app == 'api'", ingress: [{ action: 'Allow', source: { selector: "app == 'web'" } }] }));
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(true);
    expect(m.check(q('ops/tool', 'shop/api', 8080)).why).toContain('tier security passed it on by its default action');
  });

  test('a Deny in a lower-ordered tier wins over an Allow in a higher-ordered one', () => {
    const m = model(tier('security', 100), tier('platform', 200),
      gnp('deny-tool', { tier: 'security', selector: "app == 'api'", ingress: [{ action: 'Deny', source: { selector: "app == 'tool'" } }, { action: 'Pass' }] }),
      gnp('allow-all', { tier: 'platform', selector: 'all()', ingress: [{ action: 'Allow' }] }));
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(false);
    expect(m.check(q('ops/tool', 'shop/api', 8080)).why).toContain('decided by tier security, GlobalNetworkPolicy deny-tool (no order: last) ingress[0] Deny');
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
  });

  test('tiers are sorted by order, not by name or document order', () => {
    const objects = [tier('zz-first', 10), tier('aa-second', 20),
      gnp('second', { tier: 'aa-second', selector: "app == 'api'", ingress: [{ action: 'Allow' }] }),
      gnp('first', { tier: 'zz-first', selector: "app == 'api'", ingress: [{ action: 'Deny', source: { selector: "app == 'web'" } }, { action: 'Pass' }] })];
    expect(allowed(model(...objects), q('shop/web', 'shop/api', 8080))).toBe(false);
    expect(allowed(model(...objects.reverse()), q('shop/web', 'shop/api', 8080))).toBe(false);
  });

  test('within a tier, the policy with the lower order decides first (np.md `order`: "lowest value first")', () => {
    const m = model(gnp('allow', { order: 20, selector: "app == 'api'", ingress: [{ action: 'Allow' }] }), gnp('deny', { order: 10, selector: "app == 'api'", ingress: [{ action: 'Deny', source: { selector: "app == 'web'" } }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(true);
  });

  test('a policy without order comes after every ordered one ("If the order is omitted, it may be considered to be infinite")', () => {
    const m = model(gnp('a-unordered', { selector: "app == 'api'", ingress: [{ action: 'Deny' }] }), gnp('z-ordered', { order: 5000, selector: "app == 'api'", ingress: [{ action: 'Allow' }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
  });

  test('policies with the same order are taken by name ("applied in alphanumerical order based on the Policy Name")', () => {
    const m = model(gnp('b-allow', { order: 10, selector: "app == 'api'", ingress: [{ action: 'Allow' }] }), gnp('a-deny', { order: 10, selector: "app == 'api'", ingress: [{ action: 'Deny' }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
  });

  test('within a policy, rules go in written order and the first match decides', () => {
    const m = model(gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Allow', source: { selector: "app == 'web'" } }, { action: 'Deny' }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    const reversed = model(gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Deny' }, { action: 'Allow', source: { selector: "app == 'web'" } }] }));
    expect(allowed(reversed, q('shop/web', 'shop/api', 8080))).toBe(false);
  });

  test('Log records and goes on to the next rule (np.md Rule `action`)', () => {
    const m = model(gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Log' }, { action: 'Allow', source: { selector: "app == 'web'" } }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(false);
  });

  test('Pass skips the rest of the tier, other policies of the tier included', () => {
    const m = model(tier('security', 100),
      gnp('a-pass', { tier: 'security', order: 1, selector: "app == 'api'", ingress: [{ action: 'Pass', source: { selector: "app == 'web'" } }] }),
      gnp('b-deny', { tier: 'security', order: 2, selector: "app == 'api'", ingress: [{ action: 'Deny' }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(false);
    expect(m.check(q('shop/web', 'shop/api', 8080)).why).toContain('after tier security, GlobalNetworkPolicy a-pass (order 1) ingress[0] Pass');
  });

  test('a tier in which no policy selects the endpoint is skipped', () => {
    const m = model(tier('security', 100), gnp('db-only', { tier: 'security', selector: "app == 'db'", ingress: [{ action: 'Deny' }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/db', 5432))).toBe(false);
  });

  test('traffic passed out of the last tier reaches the profile, which allows', () => {
    const m = model(tier('security', 100), gnp('pass', { tier: 'security', selector: 'all()', ingress: [{ action: 'Pass' }] }));
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(true);
    expect(m.check(q('ops/tool', 'shop/api', 8080)).why).toContain("passed out of shop/api's last tier");
  });

  test('why names the tier, policy, order, rule index and action', () => {
    const m = model(tier('security', 10), gnp('deny-metadata', { tier: 'security', order: 10, selector: 'all()', types: ['Egress'], egress: [{ action: 'Deny', destination: { nets: ['169.254.169.254/32'] } }, { action: 'Pass' }] }));
    const verdict = m.check(q('shop/web', '169.254.169.254', 80));
    expect(verdict.allowed).toBe(false);
    expect(verdict.why).toContain('tier security, GlobalNetworkPolicy deny-metadata (order 10) egress[0] Deny');
    expect(verdict.egress.ordered?.decidedBy).toEqual({ tier: 'security', policy: 'GlobalNetworkPolicy deny-metadata', order: 10, rule: 'egress[0]', action: 'Deny' });
  });

  test('a policy in a tier missing from the input is read as last, with a notice', () => {
    const m = model(gnp('p', { tier: 'ghost', selector: "app == 'api'", ingress: [{ action: 'Deny' }] }));
    expect(m.notices.join('\n')).toContain('tier ghost (of GlobalNetworkPolicy p) is not in the input');
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
  });
});

describe('Kubernetes NetworkPolicy in the default tier (tiers "The default tier")', () => {
  const k8s = policy('shop', 'api', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }] });

  test('alone, it behaves as on any plugin: its allows, and default deny for what it selects', () => {
    const m = model(k8s);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 9090))).toBe(false);
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(false);
    expect(m.check(q('shop/web', 'shop/api', 8080)).why).toContain('tier default, Kubernetes NetworkPolicy shop/api (order 1000) ingress[0] Allow');
  });

  test('a Calico policy in the default tier with a lower order decides before it', () => {
    const m = model(k8s, np('shop', 'deny-web', { order: 100, selector: "app == 'api'", ingress: [{ action: 'Deny', source: { selector: "app == 'web'" } }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
  });

  test('a Calico policy with a higher order comes after, and allows what the NetworkPolicy did not', () => {
    const m = model(k8s, np('shop', 'allow-tool', { order: 2000, selector: "app == 'api'", ingress: [{ action: 'Allow', source: { namespaceSelector: "team == 'ops'" } }] }));
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/db', 'shop/api', 8080))).toBe(false);
  });

  test('a security tier before the default tier denies what the NetworkPolicy allows', () => {
    const m = model(k8s, tier('security', 100), gnp('no-web', { tier: 'security', selector: "app == 'api'", ingress: [{ action: 'Deny', source: { selector: "app == 'web'" } }, { action: 'Pass' }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
  });

  test('an ipBlock matches pod addresses on Calico (it becomes nets)', () => {
    const pod: Obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', namespace: 'ops', labels: { app: 'probe' }, annotations: { 'cni.projectcalico.org/podIP': '10.1.2.3/32' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } };
    const block = policy('shop', 'api', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '10.1.0.0/16' } }] }] });
    const m = model(pod, block);
    expect(allowed(m, q('ops/probe', 'shop/api', 8080))).toBe(true);
  });
});

describe('types (np.md `types` and its footnote)', () => {
  test('omitted with only ingress rules: Ingress', () => {
    const m = model(gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Allow', source: { selector: "app == 'web'" } }] }));
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(false);
    expect(allowed(m, q('shop/api', 'ops/tool', 80))).toBe(true);
  });

  test('omitted with no rules at all: Ingress (a deny-all for ingress)', () => {
    const m = model(gnp('p', { selector: "app == 'api'" }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
    expect(allowed(m, q('shop/api', 'ops/tool', 80))).toBe(true);
  });

  test('omitted with only egress rules: Egress', () => {
    const m = model(gnp('p', { selector: "app == 'api'", egress: [{ action: 'Allow', destination: { selector: "app == 'db'" } }] }));
    expect(allowed(m, q('shop/api', 'ops/tool', 80))).toBe(false);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
  });

  test('omitted with both: Ingress and Egress', () => {
    const m = model(gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Allow', source: { selector: "app == 'web'" } }], egress: [{ action: 'Allow', destination: { selector: "app == 'db'" } }] }));
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(false);
    expect(allowed(m, q('shop/api', 'ops/tool', 80))).toBe(false);
    expect(allowed(m, q('shop/api', 'shop/db', 5432))).toBe(true);
  });

  test('types [Egress] with no egress rules denies all egress', () => {
    const m = model(gnp('p', { selector: "app == 'api'", types: ['Egress'] }));
    expect(allowed(m, q('shop/api', 'shop/db', 5432))).toBe(false);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
  });

  test('rules for a direction that types leaves out are refused by the API server: the policy is left out, said', () => {
    const m = model(gnp('p', { selector: "app == 'api'", types: ['Ingress'], egress: [{ action: 'Deny' }] }));
    expect(m.notices.join('\n')).toContain('spec.egress has rules but spec.types does not list Egress');
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
  });
});

describe('selectors (np.md "Selectors")', () => {
  const matches = (text: string, labels: Record<string, string>) => calicoSelectorMatches(parseCalicoSelector(text), labels);

  test('==, !=, in, not in, has, !has, all()', () => {
    expect(matches("app == 'web'", { app: 'web' })).toBe(true);
    expect(matches("app != 'web'", {})).toBe(true);
    expect(matches("app in {'web', 'api'}", { app: 'api' })).toBe(true);
    expect(matches("app not in {'web'}", {})).toBe(true);
    expect(matches('has(app)', { app: '' })).toBe(true);
    expect(matches('!has(app)', { app: 'x' })).toBe(false);
    expect(matches('all()', {})).toBe(true);
  });

  test('contains, starts with, ends with', () => {
    expect(matches("image contains 'nginx'", { image: 'my-nginx-1' })).toBe(true);
    expect(matches("app starts with 'we'", { app: 'web' })).toBe(true);
    expect(matches("app ends with 'eb'", { app: 'web' })).toBe(true);
    expect(matches("app ends with 'eb'", {})).toBe(false);
  });

  test('&& binds tighter than ||, ! tighter than both, parentheses group', () => {
    expect(matches("a == 'x' || b == 'y' && c == 'z'", { a: 'x' })).toBe(true);
    expect(matches("(a == 'x' || b == 'y') && c == 'z'", { a: 'x' })).toBe(false);
    expect(matches("!a == 'x' && has(b)", { a: 'y', b: '1' })).toBe(true);
  });

  test('syntax errors give the position', () => {
    expect(() => parseCalicoSelector("app = 'web'")).toThrow('selector "app = \'web\'": expected an operator (==, !=, in, not in, contains, starts with, ends with) after label "app" at column 5');
    expect(() => parseCalicoSelector("app == 'web")).toThrow('unterminated string at column 8');
    expect(() => parseCalicoSelector("app == 'web' &&")).toThrow('expected a label name, found the end at column 16');
  });

  test('a policy with a bad selector is refused by the API server: left out, with the position', () => {
    const m = model(gnp('bad', { selector: "app === 'api'", ingress: [{ action: 'Deny' }] }));
    expect(m.notices.join('\n')).toMatch(/GlobalNetworkPolicy bad .*is left out: Calico's API server would refuse it \(spec.selector: selector "app === 'api'": expected a quoted string at column 7\)/);
  });

  test('the projectcalico.org/namespace label selects by namespace in a GlobalNetworkPolicy', () => {
    const m = model(gnp('p', { selector: "projectcalico.org/namespace == 'shop' && app == 'api'", ingress: [{ action: 'Allow', source: { selector: "projectcalico.org/namespace == 'ops'" } }] }));
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
  });

  test('a NetworkPolicy applies only to endpoints of its own namespace', () => {
    const m = model(np('ops', 'p', { selector: 'all()', ingress: [{ action: 'Deny' }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/web', 'ops/tool', 80))).toBe(false);
  });
});

describe('how far a rule reaches (np.md / gnp.md "EntityRule")', () => {
  test('in a NetworkPolicy, a rule selector reaches the policy namespace only', () => {
    const m = model(np('shop', 'p', { selector: "app == 'api'", ingress: [{ action: 'Allow', source: { selector: 'all()' } }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(false);
  });

  test('in a GlobalNetworkPolicy, a rule selector reaches every namespace', () => {
    const m = model(gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Allow', source: { selector: 'all()' } }] }));
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(true);
  });

  test('the same selector in a NetworkPolicy and a GlobalNetworkPolicy reaches as far as each policy', () => {
    // Answers about a peer are shared between rules only within one policy namespace.
    const m = model(
      np('shop', 'local-deny', { order: 1, selector: "app == 'api'", ingress: [{ action: 'Deny', source: { selector: 'all()' } }] }),
      gnp('global-allow', { order: 2, selector: "app == 'api'", ingress: [{ action: 'Allow', source: { selector: 'all()' } }] }));
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
    const cells = m.matrix().cells.filter((c) => c.to === 'shop/api').map((c) => c.from);
    expect(cells).toContain('ops/tool');
    expect(cells).not.toContain('shop/web');
  });

  test('namespaceSelector matches namespace labels and projectcalico.org/name', () => {
    const m = model(np('shop', 'p', { selector: "app == 'api'", ingress: [{ action: 'Allow', source: { namespaceSelector: "projectcalico.org/name == 'ops'" } }] }));
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
    const byLabel = model(np('shop', 'p', { selector: "app == 'api'", ingress: [{ action: 'Allow', source: { namespaceSelector: "team == 'ops'", selector: "app == 'tool'" } }] }));
    expect(allowed(byLabel, q('ops/tool', 'shop/api', 8080))).toBe(true);
  });

  test('a rule with only ports matches every peer, outside addresses included', () => {
    const m = model(np('shop', 'p', { selector: "app == 'api'", ingress: [{ action: 'Allow', protocol: 'TCP', destination: { ports: [8080] } }] }));
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('203.0.113.7', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('ops/tool', 'shop/api', 9090))).toBe(false);
  });

  test('notSelector excludes, within the policy namespace in a NetworkPolicy', () => {
    const m = model(np('shop', 'p', { selector: "app == 'api'", ingress: [{ action: 'Allow', source: { notSelector: "app == 'db'" } }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/db', 'shop/api', 8080))).toBe(false);
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(false);
  });

  test('serviceAccounts by names and by selector on the account labels', () => {
    const byName = model(gnp('p', { selector: "app == 'db'", ingress: [{ action: 'Allow', source: { serviceAccounts: { names: ['api'] } } }] }));
    expect(allowed(byName, q('shop/api', 'shop/db', 5432))).toBe(true);
    expect(allowed(byName, q('shop/web', 'shop/db', 5432))).toBe(false);
    const bySelector = model(gnp('p', { selector: "app == 'db'", ingress: [{ action: 'Allow', source: { serviceAccounts: { selector: "privileged == 'yes'" } } }] }));
    expect(allowed(bySelector, q('shop/api', 'shop/db', 5432))).toBe(true);
    expect(allowed(bySelector, q('shop/web', 'shop/db', 5432))).toBe(false);
  });

  test('serviceAccountSelector picks the pods a policy applies to', () => {
    const m = model(gnp('p', { selector: 'all()', serviceAccountSelector: "privileged == 'yes'", ingress: [{ action: 'Deny' }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
    expect(allowed(m, q('shop/api', 'shop/web', 8080))).toBe(true);
  });

  test('a GlobalNetworkPolicy namespaceSelector limits its subjects', () => {
    const m = model(gnp('p', { namespaceSelector: "team == 'ops'", selector: 'all()', ingress: [{ action: 'Deny' }] }));
    expect(allowed(m, q('shop/web', 'ops/tool', 80))).toBe(false);
    expect(allowed(m, q('ops/tool', 'shop/web', 8080))).toBe(true);
  });

  test('services matches the endpoints of the Service', () => {
    const service: Obj = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' }, spec: { selector: { app: 'db' }, ports: [{ port: 5432 }] } };
    const m = model(service, gnp('p', { selector: "app == 'web'", types: ['Egress'], egress: [{ action: 'Allow', destination: { services: { name: 'db', namespace: 'shop' } } }] }));
    expect(allowed(m, q('shop/web', 'shop/db', 5432))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
  });

  test('the destination of an ingress rule narrows which of the selected endpoints the rule is for', () => {
    const m = model(gnp('p', { selector: "tier == 'backend'", ingress: [{ action: 'Allow', destination: { selector: "app == 'api'" } }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/db', 5432))).toBe(false);
  });
});

describe('networks and network sets (np.md "EntityRule" nets; networkset.md, globalnetworkset.md)', () => {
  const gns: Obj = { apiVersion: V3, kind: 'GlobalNetworkSet', metadata: { name: 'partners', labels: { role: 'partner' } }, spec: { nets: ['198.51.100.0/24'] } };
  const ns: Obj = { apiVersion: V3, kind: 'NetworkSet', metadata: { name: 'vendors', namespace: 'shop', labels: { role: 'vendor' } }, spec: { nets: ['192.0.2.0/24'] } };

  test('nets and notNets match addresses', () => {
    const m = model(gnp('p', { selector: "app == 'web'", types: ['Egress'], egress: [{ action: 'Allow', destination: { nets: ['203.0.113.0/24'], notNets: ['203.0.113.128/25'] } }] }));
    expect(allowed(m, q('shop/web', '203.0.113.7', 443))).toBe(true);
    expect(allowed(m, q('shop/web', '203.0.113.200', 443))).toBe(false);
  });

  test('a GlobalNetworkSet is picked by a GlobalNetworkPolicy rule selector', () => {
    const m = model(gns, gnp('p', { selector: "app == 'web'", types: ['Egress'], egress: [{ action: 'Allow', destination: { selector: "role == 'partner'" } }] }));
    expect(allowed(m, q('shop/web', '198.51.100.9', 443))).toBe(true);
    expect(allowed(m, q('shop/web', '203.0.113.7', 443))).toBe(false);
  });

  test('in a NetworkPolicy, a GlobalNetworkSet needs namespaceSelector global()', () => {
    const own = model(gns, np('shop', 'p', { selector: "app == 'web'", types: ['Egress'], egress: [{ action: 'Allow', destination: { selector: "role == 'partner'" } }] }));
    expect(allowed(own, q('shop/web', '198.51.100.9', 443))).toBe(false);
    const global = model(gns, np('shop', 'p', { selector: "app == 'web'", types: ['Egress'], egress: [{ action: 'Allow', destination: { selector: "role == 'partner'", namespaceSelector: 'global()' } }] }));
    expect(allowed(global, q('shop/web', '198.51.100.9', 443))).toBe(true);
  });

  test('a NetworkSet of the policy namespace is picked by its rule selector', () => {
    const m = model(ns, np('shop', 'p', { selector: "app == 'web'", types: ['Egress'], egress: [{ action: 'Allow', destination: { selector: "role == 'vendor'" } }] }));
    expect(allowed(m, q('shop/web', '192.0.2.10', 443))).toBe(true);
  });

  test('nets hold pods by their addresses; unknown addresses make the verdict say so', () => {
    const deny = gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Deny', source: { nets: ['10.0.0.0/8'] } }, { action: 'Allow' }] });
    const verdict = model(deny).check(q('shop/web', 'shop/api', 8080));
    expect(verdict.allowed).toBe(true);
    expect(verdict.why).toContain('matches only if nets 10.0.0.0/8 hold shop/web\'s addresses');
    const withCidr = NetworkModel.fromObjects([...cluster(), deny], { cni: 'calico', podCidrs: ['10.244.0.0/16'] });
    expect(withCidr.check(q('shop/web', 'shop/api', 8080)).allowed).toBe(false);
  });
});

describe('protocols, ports and ICMP (np.md "Rule", "Ports", "ICMP")', () => {
  test('ports with ranges first:last and names resolved on the destination', () => {
    const m = model(gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Allow', protocol: 'TCP', destination: { ports: ['8000:8100', 'metrics'] } }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 9090))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 22))).toBe(false);
  });

  test('notPorts leaves ports out', () => {
    const m = model(gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Allow', protocol: 'TCP', destination: { notPorts: [9090] } }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 9090))).toBe(false);
  });

  test('protocol by number and notProtocol', () => {
    const m = model(gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Allow', protocol: 17 }, { action: 'Allow', notProtocol: 'TCP' }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 53, { protocol: 'UDP' }))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
    expect(allowed(m, q('shop/web', 'shop/api', undefined, { protocol: 'ICMP' }))).toBe(true);
  });

  test('ports without a port protocol are refused by the API server', () => {
    const m = model(gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Allow', destination: { ports: [80] } }] }));
    expect(m.notices.join('\n')).toContain('ports are only valid with protocol TCP, UDP, SCTP or UDPLite');
  });

  test('ICMP type and code are matched; a query without them is read as not matching, and said', () => {
    const m = model(gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Allow', protocol: 'ICMP', icmp: { type: 8, code: 0 } }] }));
    expect(allowed(m, q('shop/web', 'shop/api', undefined, { protocol: 'ICMP', icmp: { type: 8, code: 0 } }))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', undefined, { protocol: 'ICMP', icmp: { type: 0 } }))).toBe(false);
    const unknown = m.check(q('shop/web', 'shop/api', undefined, { protocol: 'ICMP' }));
    expect(unknown.allowed).toBe(false);
    expect(unknown.why).toContain('matches only if the ICMP type and code (the rule matches ICMP type 8 code 0');
  });

  test('notICMP leaves a type out', () => {
    const m = model(gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Allow', protocol: 'ICMP', notICMP: { type: 5 } }] }));
    expect(allowed(m, q('shop/web', 'shop/api', undefined, { protocol: 'ICMP', icmp: { type: 8 } }))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', undefined, { protocol: 'ICMP', icmp: { type: 5 } }))).toBe(false);
  });

  test('source ports are matched when the query names one', () => {
    const m = model(gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Allow', protocol: 'TCP', source: { ports: ['1000:2000'] } }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080, { sourcePort: 1500 }))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 8080, { sourcePort: 40000 }))).toBe(false);
    expect(m.check(q('shop/web', 'shop/api', 8080)).why).toContain('the source port (the rule names source ports 1000:2000; give sourcePort / --source-port)');
  });

  test('a query for ICMP on a cluster without Calico is refused with the fix', () => {
    expect(() => NetworkModel.fromObjects(cluster()).check(q('shop/web', 'shop/api', undefined, { protocol: 'ICMP' }))).toThrow("say --cni calico / cni: 'calico'");
  });

  test('the matrix is exact over ports: a tier rule takes its ports out of what flows on', () => {
    const m = model(tier('security', 100), gnp('p', { tier: 'security', selector: "app == 'api'", ingress: [{ action: 'Deny', protocol: 'TCP', destination: { ports: [9090] } }, { action: 'Pass' }] }));
    const cell = m.matrix().cells.find((c) => c.from === 'shop/web' && c.to === 'shop/api');
    expect(cell?.ports).toBe('TCP 1-9089, TCP 9091-65535, UDP all, SCTP all');
  });
});

describe('staged policies (stagednetworkpolicy.md, stagedglobalnetworkpolicy.md, stagedkubernetesnetworkpolicy.md)', () => {
  const staged: Obj = { apiVersion: V3, kind: 'StagedGlobalNetworkPolicy', metadata: { name: 'lockdown' }, spec: { selector: "app == 'api'", ingress: [{ action: 'Allow', source: { selector: "app == 'web'" } }] } };

  test('are not enforced: left out with a notice', () => {
    const m = model(staged);
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(true);
    expect(m.notices.join('\n')).toContain('1 staged policy is not enforced by Calico and left out of every answer (StagedGlobalNetworkPolicy lockdown); --staged (staged: true) evaluates them as if they were');
  });

  test('staged: true evaluates them as if enforced', () => {
    const m = NetworkModel.fromObjects([...cluster(), staged], { cni: 'calico', staged: true });
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(false);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
  });

  test('stagedAction Delete previews removing the enforced policy of the same name', () => {
    const enforced = gnp('lockdown', { selector: "app == 'api'", ingress: [{ action: 'Deny' }] });
    const remove: Obj = { apiVersion: V3, kind: 'StagedGlobalNetworkPolicy', metadata: { name: 'lockdown' }, spec: { stagedAction: 'Delete' } };
    expect(allowed(model(enforced, remove), q('shop/web', 'shop/api', 8080))).toBe(false);
    expect(allowed(NetworkModel.fromObjects([...cluster(), enforced, remove], { cni: 'calico', staged: true }), q('shop/web', 'shop/api', 8080))).toBe(true);
  });

  test('a StagedKubernetesNetworkPolicy previews a Kubernetes NetworkPolicy', () => {
    const k: Obj = { apiVersion: V3, kind: 'StagedKubernetesNetworkPolicy', metadata: { name: 'api', namespace: 'shop' }, spec: { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] } };
    expect(allowed(NetworkModel.fromObjects([...cluster(), k], { cni: 'calico', staged: true }), q('shop/web', 'shop/api', 8080))).toBe(false);
  });
});

describe('the plugin, and what is not modelled', () => {
  test('Calico policies are read without --cni, with a notice', () => {
    const m = NetworkModel.fromObjects([...cluster(), denyAllIngress()]);
    expect(m.notices.join('\n')).toContain('the network plugin is read as Calico');
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
  });

  test('on another plugin they are left out, said', () => {
    const m = NetworkModel.fromObjects([...cluster(), denyAllIngress()], { cni: 'standard' });
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(m.notices.join('\n')).toContain('1 Calico object is left out: the network plugin is standard');
  });

  test('http matches, doNotTrack/preDNAT and host endpoints get a notice', () => {
    const m = model(gnp('p', { selector: "app == 'api'", doNotTrack: true, ingress: [{ action: 'Allow', http: { methods: ['GET'] } }] }), { apiVersion: V3, kind: 'HostEndpoint', metadata: { name: 'node1-eth0' }, spec: { node: 'node1', interfaceName: 'eth0' } });
    const notices = m.notices.join('\n');
    expect(notices).toContain('spec.ingress[0].http (application layer policy) is not modelled; the rule is read as matching nothing');
    expect(notices).toContain('spec.doNotTrack applies to host endpoints only');
    expect(notices).toContain('1 HostEndpoint object is not modelled');
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
  });

  test('a request asked of a Calico cluster is not said to pass unread: its application layer rules are not modelled', () => {
    const m = model(gnp('deny-deletes', { selector: "app == 'api'", order: 10, ingress: [{ action: 'Deny', http: { methods: ['DELETE'] } }, { action: 'Allow' }] }));
    const asked = m.check(q('shop/web', 'shop/api', 8080, { http: { method: 'DELETE', path: '/x' } }));
    expect(asked.why).not.toContain('No layer 7 rule applies');
    expect(m.notices.join('\n')).toContain('spec.ingress[0].http (application layer policy) is not modelled');
  });

  test("Calico's storage form is not read, said", () => {
    const m = model({ apiVersion: 'crd.projectcalico.org/v1', kind: 'GlobalNetworkPolicy', metadata: { name: 'default.x' }, spec: { selector: 'all()' } });
    expect(m.notices.join('\n')).toContain("in Calico's storage form (crd.projectcalico.org)");
  });

  test('host-network pods are host endpoints: no Calico policy selects them', () => {
    const m = NetworkModel.fromObjects([...cluster(), workload('kube-system', 'agent', { app: 'agent' }, { hostNetwork: true }), gnp('p', { selector: 'all()', ingress: [{ action: 'Deny' }] })], { cni: 'calico' });
    expect(allowed(m, q('shop/web', 'kube-system/agent', 80))).toBe(true);
  });
});

describe('pod addresses in why (np.md "EntityRule" nets)', () => {
  test('when nets decide by a pod address, why says which addresses', () => {
    const pod: Obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', namespace: 'ops', labels: { app: 'probe' }, annotations: { 'cni.projectcalico.org/podIPs': '10.1.2.3/32,fd00::3/128' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } };
    const m = model(pod, gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Deny', source: { nets: ['10.0.0.0/8', 'fd00::/64'] } }] }));
    const verdict = m.check(q('ops/probe', 'shop/api', 8080));
    expect(verdict.allowed).toBe(false);
    expect(verdict.why).toContain("GlobalNetworkPolicy p (no order: last) ingress[0] Deny (nets 10.0.0.0/8, fd00::/64 hold ops/probe's addresses (its pods are at 10.1.2.3, fd00::3 (status.podIP or Calico's podIP annotations)))");
  });
});

describe('what the input cannot tell is said', () => {
  test('a rule whose own end names nets is read as not applying where pod addresses are unknown, with a notice', () => {
    const m = model(gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Deny', destination: { nets: ['10.0.0.0/8'] } }, { action: 'Allow' }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(m.notices.join('\n')).toContain('GlobalNetworkPolicy p ingress[0]: whether it applies to shop/api depends on its pod addresses');
  });

  test('ipVersion 6 rules between pods get a notice', () => {
    const m = model(gnp('p', { selector: "app == 'api'", ingress: [{ action: 'Deny', ipVersion: 6 }, { action: 'Allow' }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(m.notices.join('\n')).toContain('GlobalNetworkPolicy p: a rule with ipVersion 6');
  });
});

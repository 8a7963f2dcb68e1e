/**
 * Cilium's policies, case by case from Cilium's documentation (Documentation/security/policy/):
 * each case names the passage it follows. The model reads CiliumNetworkPolicy and
 * CiliumClusterwideNetworkPolicy beside NetworkPolicy, as Cilium enforces them together.
 */
import { describe, expect, test } from 'vitest';
import { NetworkModel, TrafficQuery } from '../../lib';
import { Obj, namespace, policy, workload } from '../helpers/k8s';

const cnp = (ns: string, name: string, spec: Obj): Obj => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace: ns }, spec });
const ccnp = (name: string, spec: Obj): Obj => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name }, spec });
const withSa = (w: Obj, sa: string) => { w.spec.template.spec.serviceAccountName = sa; return w; };

const cluster = (): Obj[] => [
  namespace('shop', { team: 'shop' }), namespace('ops', { team: 'ops' }), namespace('kube-system'),
  withSa(workload('shop', 'web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] }), 'web'),
  withSa(workload('shop', 'api', { app: 'api' }, { ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }), 'api'),
  workload('shop', 'db', { app: 'db' }, { ports: [{ name: 'pg', containerPort: 5432 }] }),
  workload('ops', 'tool', { app: 'tool' }),
  workload('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, { ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }] }),
];
const q = (from: string, to: string, port: number | string, extra: Partial<TrafficQuery> = {}): TrafficQuery => ({ from, to, port, ...extra });
const model = (...extra: Obj[]) => NetworkModel.fromObjects([...cluster(), ...extra], { cni: 'cilium' });
const allowed = (m: NetworkModel, query: TrafficQuery) => m.check(query).allowed;

const apiFromWeb = cnp('shop', 'api', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'web' } }] }] });
const dnsRule = (names: Obj[]) => ({ toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } }], toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: names } }] });

describe('default deny and unions (intro.rst "Policy Enforcement Modes", layer3.rst "Endpoints based")', () => {
  test('a rule that selects an endpoint and has an ingress section puts it into default deny at ingress', () => {
    const m = model(apiFromWeb);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(false);
    expect(m.check(q('ops/tool', 'shop/api', 8080)).why).toContain('Ingress: shop/api is isolated for ingress by CiliumNetworkPolicy shop/api, and no ingress rule of those policies matches ops/tool on TCP 8080');
  });

  test('egress stays open without an egress section', () => {
    expect(allowed(model(apiFromWeb), q('shop/api', 'ops/tool', 80))).toBe(true);
  });

  test('enableDefaultDeny.ingress: false keeps the endpoint open while the policy adds allows (the Rule reference)', () => {
    const open = cnp('shop', 'api', { endpointSelector: { matchLabels: { app: 'api' } }, enableDefaultDeny: { ingress: false }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'web' } }] }] });
    expect(allowed(model(open), q('ops/tool', 'shop/api', 8080))).toBe(true);
  });

  test('an empty egress rule puts the endpoint into default deny without allowing anything ("Ingress/Egress Default Deny")', () => {
    const m = model(cnp('shop', 'deny-egress', { endpointSelector: { matchLabels: { app: 'web' } }, egress: [{}] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
    expect(allowed(m, q('shop/web', '203.0.113.7', 443))).toBe(false);
  });

  test('allows combine across CiliumNetworkPolicy and NetworkPolicy, and both sides must allow', () => {
    const np = policy('shop', 'api-from-tool', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }] }] });
    const m = model(apiFromWeb, np);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/db', 'shop/api', 8080))).toBe(false);
    const webEgress = cnp('shop', 'web-out', { endpointSelector: { matchLabels: { app: 'web' } }, egress: [{ toEndpoints: [{ matchLabels: { app: 'db' } }] }] });
    expect(allowed(model(apiFromWeb, webEgress), q('shop/web', 'shop/api', 8080))).toBe(false);
  });
});

describe('namespaces and identities (kubernetes.rst "Namespaces", "ServiceAccounts", "Clusterwide Policies")', () => {
  test('fromEndpoints in a CiliumNetworkPolicy stay in its namespace; an empty selector is every pod of that namespace', () => {
    const m = model(cnp('shop', 'api', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{}] }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(false);
  });

  test('k8s:io.kubernetes.pod.namespace names another namespace', () => {
    const m = model(cnp('shop', 'api', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'ops', app: 'tool' } }] }] }));
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
  });

  test('a matchExpressions on the namespace label lifts the policy namespace too (In a list; Exists: every namespace)', () => {
    // Cilium adds the policy's namespace only when the selector has no namespace key, in matchLabels or matchExpressions.
    const inList = model(cnp('shop', 'api', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{ matchExpressions: [{ key: 'k8s:io.kubernetes.pod.namespace', operator: 'In', values: ['ops'] }] }] }] }));
    expect(allowed(inList, q('ops/tool', 'shop/api', 8080))).toBe(true);
    expect(allowed(inList, q('shop/web', 'shop/api', 8080))).toBe(false);
    const anywhere = model(cnp('shop', 'api', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'tool' }, matchExpressions: [{ key: 'k8s:io.kubernetes.pod.namespace', operator: 'Exists' }] }] }] }));
    expect(allowed(anywhere, q('ops/tool', 'shop/api', 8080))).toBe(true);
    expect(anywhere.matrix().cells.filter((c) => c.to === 'shop/api').map((c) => c.from)).toEqual(['ops/tool']);
  });

  test('a CiliumClusterwideNetworkPolicy selects in every namespace', () => {
    const m = model(ccnp('api', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'tool' } }] }] }));
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
  });

  test('io.cilium.k8s.policy.serviceaccount selects by the pod\'s service account', () => {
    const m = model(cnp('shop', 'api', { endpointSelector: { matchLabels: { 'io.cilium.k8s.policy.serviceaccount': 'api' } }, ingress: [{ fromEndpoints: [{ matchLabels: { 'io.cilium.k8s.policy.serviceaccount': 'web' } }] }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/db', 'shop/api', 8080))).toBe(false);
    expect(allowed(m, q('shop/web', 'shop/db', 5432))).toBe(true); // db runs as default: not a subject
  });

  test('namespace labels work in a clusterwide policy, and are ignored (with a notice) in a namespaced one', () => {
    const byTeam = { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{ matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'ops' } }] }] };
    expect(allowed(model(ccnp('api', byTeam)), q('ops/tool', 'shop/api', 8080))).toBe(true);
    expect(allowed(model(ccnp('api', byTeam)), q('shop/web', 'shop/api', 8080))).toBe(false);
    const namespaced = model(cnp('shop', 'api', byTeam));
    expect(namespaced.notices.some((n) => n.includes('io.cilium.k8s.namespace.labels.team is ignored in a CiliumNetworkPolicy'))).toBe(true);
  });
});

describe('deny rules win (deny.rst)', () => {
  test('an ingressDeny beats the allow of the same policy, and names the rule', () => {
    const m = model(cnp('shop', 'api', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{}] }], ingressDeny: [{ fromEndpoints: [{ matchLabels: { app: 'web' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }] }));
    const verdict = m.check(q('shop/web', 'shop/api', 8080));
    expect(verdict.allowed).toBe(false);
    expect(verdict.ingress.deniedBy).toEqual({ policy: 'CiliumNetworkPolicy shop/api', rule: 0, list: 'ingressDeny' });
    expect(verdict.why).toContain('Ingress: denied by CiliumNetworkPolicy shop/api ingressDeny[0], a deny rule, which wins over every allow.');
    expect(allowed(m, q('shop/db', 'shop/api', 8080))).toBe(true);
  });

  test('a deny beats a Kubernetes NetworkPolicy allow, and a deny-only policy still puts the direction into default deny', () => {
    const np = policy('shop', 'web-out', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{}] });
    const deny = cnp('shop', 'no-db', { endpointSelector: { matchLabels: { app: 'web' } }, egressDeny: [{ toEndpoints: [{ matchLabels: { app: 'db' } }] }] });
    const m = model(np, deny);
    expect(allowed(m, q('shop/web', 'shop/db', 5432))).toBe(false);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true); // the NetworkPolicy allows it
    expect(allowed(model(deny), q('shop/web', 'shop/api', 8080))).toBe(false); // default deny from the deny section
  });

  test('the matrix agrees with check under deny rules', () => {
    const m = model(cnp('shop', 'api', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{}] }], ingressDeny: [{ fromEndpoints: [{ matchLabels: { app: 'web' } }] }] }));
    const cells = new Map(m.matrix().cells.map((c) => [`${c.from} ${c.to}`, c.ports]));
    expect(cells.get('shop/web shop/api')).toBeUndefined();
    expect(cells.get('shop/db shop/api')).toBe('all');
  });
});

describe('entities and CIDRs (layer3.rst "Entities based", "IP/CIDR based")', () => {
  const out = (rule: Obj) => model(cnp('shop', 'web-out', { endpointSelector: { matchLabels: { app: 'web' } }, egress: [rule] }));

  test('world is everything outside the cluster, never a pod', () => {
    const m = out({ toEntities: ['world'] });
    expect(allowed(m, q('shop/web', '203.0.113.7', 443))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
    expect(allowed(m, q('shop/web', 'entity:world', 443))).toBe(true);
  });

  test('cluster is every pod, not the internet; all is both', () => {
    expect(allowed(out({ toEntities: ['cluster'] }), q('shop/web', 'ops/tool', 80))).toBe(true);
    expect(allowed(out({ toEntities: ['cluster'] }), q('shop/web', '203.0.113.7', 443))).toBe(false);
    expect(allowed(out({ toEntities: ['all'] }), q('shop/web', '203.0.113.7', 443))).toBe(true);
    expect(allowed(out({ toEntities: ['all'] }), q('shop/web', 'ops/tool', 80))).toBe(true);
  });

  test('toCIDRSet with except; a CIDR never holds a pod, even 0.0.0.0/0', () => {
    const m = out({ toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] }] });
    expect(allowed(m, q('shop/web', '10.1.2.3', 443))).toBe(true);
    expect(allowed(m, q('shop/web', '10.96.0.1', 443))).toBe(false);
    expect(allowed(out({ toCIDR: ['0.0.0.0/0'] }), q('shop/web', 'shop/api', 8080))).toBe(false);
  });

  test('an unknown entity is refused by the CRD: the policy is left out with a notice', () => {
    const m = out({ toEntities: ['internet'] });
    expect(m.notices.some((n) => n.includes('is left out: its CRD would refuse it') && n.includes('"internet" is not a Cilium entity'))).toBe(true);
  });
});

describe('ports (layer4.rst)', () => {
  const out = (rule: Obj) => model(cnp('shop', 'web-out', { endpointSelector: { matchLabels: { app: 'web' } }, egress: [rule] }));

  test('toPorts without an L3 peer is every peer on those ports', () => {
    const m = out({ toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] });
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/web', '203.0.113.7', 8080))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/db', 5432))).toBe(false);
  });

  test('protocol ANY covers UDP; endPort is a range; a name resolves on the destination', () => {
    expect(allowed(out({ toEndpoints: [{}], toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }] }] }), q('shop/web', 'shop/api', 'dns', { protocol: 'UDP' }))).toBe(true);
    const range = out({ toEndpoints: [{}], toPorts: [{ ports: [{ port: '5000', endPort: 6000, protocol: 'TCP' }] }] });
    expect(allowed(range, q('shop/web', 'shop/db', 5432))).toBe(true);
    expect(allowed(range, q('shop/web', 'shop/api', 8080))).toBe(false);
    expect(allowed(out({ toEndpoints: [{}], toPorts: [{ ports: [{ port: 'http', protocol: 'TCP' }] }] }), q('shop/web', 'shop/api', 8080))).toBe(true);
  });

  test('toServices by name is the Service\'s selector (layer3.rst "Services based")', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' }, spec: { selector: { app: 'db' }, ports: [{ port: 5432 }] } };
    const m = model(svc, cnp('shop', 'web-out', { endpointSelector: { matchLabels: { app: 'web' } }, egress: [{ toServices: [{ k8sService: { serviceName: 'db', namespace: 'shop' } }] }] }));
    expect(allowed(m, q('shop/web', 'shop/db', 5432))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
  });
});

describe('names and requests (layer3.rst "DNS based", layer7.rst)', () => {
  const fqdn = (names: Obj[], withDns = true, lookups: Obj[] = [{ matchPattern: '*.stripe.com' }]) => model(cnp('shop', 'web-out', { endpointSelector: { matchLabels: { app: 'web' } }, egress: [
    ...(withDns ? [dnsRule(lookups)] : []),
    { toFQDNs: names, toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
  ] }));

  test('toFQDNs matchName allows the host by name, on its ports', () => {
    const m = fqdn([{ matchName: 'api.stripe.com' }]);
    expect(allowed(m, q('shop/web', 'api.stripe.com', 443))).toBe(true);
    expect(allowed(m, q('shop/web', 'api.stripe.com', 80))).toBe(false);
    expect(allowed(m, q('shop/web', 'files.stripe.com', 443))).toBe(false);
    expect(allowed(m, q('shop/web', 'kube-system/coredns', 53, { protocol: 'UDP' }))).toBe(true);
  });

  test('diff compares hosts named by FQDN, and one revision naming a host the other does not', () => {
    const m = fqdn([{ matchName: 'api.stripe.com' }]);
    expect(NetworkModel.diff(m, fqdn([{ matchName: 'api.stripe.com' }])).changes).toEqual([]);
    const wider = NetworkModel.diff(m, fqdn([{ matchName: 'api.stripe.com' }, { matchName: 'files.stripe.com' }]));
    expect(wider.changes).toEqual([expect.objectContaining({ change: 'added', from: 'shop/web', to: 'files.stripe.com', widened: 'TCP 443' })]);
    const narrower = NetworkModel.diff(m, fqdn([]));
    expect(narrower.changes.map((c) => [c.change, c.from, c.to, c.narrowed])).toContainEqual(['removed', 'shop/web', 'api.stripe.com', 'TCP 443']);
  });

  test('matchPattern: * is one label (not none, not two); **. is any chain of subdomains', () => {
    const one = fqdn([{ matchPattern: '*.stripe.com' }]);
    expect(allowed(one, q('shop/web', 'api.stripe.com', 443))).toBe(true);
    expect(allowed(one, q('shop/web', 'stripe.com', 443))).toBe(false);
    expect(allowed(one, q('shop/web', 'a.b.stripe.com', 443))).toBe(false);
    expect(allowed(fqdn([{ matchPattern: '**.stripe.com' }], true, [{ matchPattern: '*' }]), q('shop/web', 'a.b.stripe.com', 443))).toBe(true);
    // The lookup itself must be allowed too: *.stripe.com does not let a.b.stripe.com be resolved.
    expect(allowed(fqdn([{ matchPattern: '**.stripe.com' }]), q('shop/web', 'a.b.stripe.com', 443))).toBe(false);
  });

  test('without a DNS rule that lets the name be looked up, the address is never learned: denied, and why says so', () => {
    const verdict = fqdn([{ matchName: 'api.stripe.com' }], false).check(q('shop/web', 'api.stripe.com', 443));
    expect(verdict.allowed).toBe(false);
    expect(verdict.why).toContain('Depends on the DNS proxy: CiliumNetworkPolicy shop/web-out egress[0] allows api.stripe.com by name (toFQDNs), but no egress rule of shop/web lets it look the name up');
  });

  test('the matrix shows hosts named by toFQDNs as destinations', () => {
    const m = fqdn([{ matchName: 'api.stripe.com' }]);
    expect(m.matrix().endpoints).toContain('api.stripe.com');
    expect(m.matrix().cells.find((c) => c.from === 'shop/web' && c.to === 'api.stripe.com')?.ports).toBe('TCP 443');
    expect(m.matrix().cells.some((c) => c.from === 'api.stripe.com')).toBe(false);
    // Without the lookup rule, the matrix agrees with check: nothing flows.
    expect(fqdn([{ matchName: 'api.stripe.com' }], false).matrix().cells.find((c) => c.from === 'shop/web' && c.to === 'api.stripe.com')).toBeUndefined();
  });

  test('an address rule and a host by name: resolvesTo decides, and without it the verdict says it depends', () => {
    const np = policy('shop', 'web-out', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ port: 443 }] }] });
    const m = NetworkModel.fromObjects([...cluster(), np]);
    expect(m.check(q('shop/web', 'api.stripe.com', 443, { resolvesTo: ['198.51.100.7'] })).allowed).toBe(true);
    expect(m.check(q('shop/web', 'api.stripe.com', 443, { resolvesTo: ['203.0.113.9'] })).allowed).toBe(false);
    expect(m.check(q('shop/web', 'api.stripe.com', 443)).why).toContain('Depends on the addresses api.stripe.com resolves to');
    // Addresses for a target that is no host name would be passed over: refused, as are non-addresses.
    expect(() => m.check(q('shop/web', '203.0.113.9', 443, { resolvesTo: ['198.51.100.7'] }))).toThrow('resolvesTo is read only when to is a host name such as api.stripe.com; "203.0.113.9" is not one.');
    expect(() => m.check(q('shop/web', 'api.stripe.com', 443, { resolvesTo: ['api'] }))).toThrow('resolvesTo "api" is not an IP address.');
  });

  test('HTTP rules: without a request the port is allowed for some requests; a request is matched by method and path', () => {
    const m = model(cnp('shop', 'api', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'web' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }], rules: { http: [{ method: 'GET', path: '/v1/.*' }] } }] }] }));
    const some = m.check(q('shop/web', 'shop/api', 8080));
    expect(some).toMatchObject({ allowed: true, someRequestsOnly: true });
    expect(some.why).toMatch(/^ALLOWED for some requests: shop\/web -> shop\/api on TCP 8080\./);
    expect(some.why).toContain('for some requests only: its layer 7 rules allow method GET path /v1/.*');
    expect(m.check(q('shop/web', 'shop/api', 8080, { http: { method: 'GET', path: '/v1/charges' } }))).toMatchObject({ allowed: true });
    expect(m.check(q('shop/web', 'shop/api', 8080, { http: { method: 'GET', path: '/v1/charges' } })).someRequestsOnly).toBeUndefined();
    const post = m.check(q('shop/web', 'shop/api', 8080, { http: { method: 'POST', path: '/v1/charges' } }));
    expect(post.allowed).toBe(false);
    expect(post.why).toContain('POST /v1/charges matches none of the HTTP rules on TCP 8080 (method GET path /v1/.*)');
    // A request that a layer 7 rule judged is not said to pass unread.
    expect(m.check(q('shop/web', 'shop/api', 8080, { http: { method: 'GET', path: '/v1/charges' } })).why).not.toContain('No layer 7 rule applies');
  });

  test('a request no layer 7 rule looks at: the answer says it passes as every request on the connection', () => {
    const m = NetworkModel.fromObjects(cluster());
    const asked = m.check(q('shop/web', 'shop/api', 8080, { http: { method: 'DELETE', path: '/v1/everything' } }));
    expect(asked.allowed).toBe(true);
    expect(asked.why).toMatch(/ No layer 7 rule applies to TCP 8080, so the request DELETE \/v1\/everything passes as every request on the connection does\.$/);
    expect(m.check(q('shop/web', 'shop/api', 8080)).why).not.toContain('No layer 7 rule applies');
  });
});

describe('what is read, and what is said', () => {
  test('specs: each rule of a policy counts, and named in verdicts', () => {
    const two = { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'api', namespace: 'shop' }, specs: [
      { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'web' } }] }] },
      { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'db' } }] }] },
    ] };
    const m = model(two);
    expect(allowed(m, q('shop/db', 'shop/api', 8080))).toBe(true);
    expect(m.check(q('shop/db', 'shop/api', 8080)).ingress.allowedBy).toEqual([{ policy: 'CiliumNetworkPolicy shop/api specs[1]', rule: 0 }]);
  });

  test('host policies, L7 kafka and unknown fields get notices; the engine is inferred, or named', () => {
    const host = ccnp('nodes', { nodeSelector: {}, ingress: [{ fromEntities: ['cluster'] }] });
    const kafka = cnp('shop', 'k', { endpointSelector: {}, egress: [{ toPorts: [{ ports: [{ port: '9092' }], rules: { kafka: [{ topic: 'x' }] } }], toPeers: [] }] });
    const inferred = NetworkModel.fromObjects([...cluster(), host, kafka]);
    expect(inferred.notices).toContain('the network plugin is read as Cilium, since the input holds Cilium policies (say --cni / cni to be sure): CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy are enforced beside NetworkPolicy');
    expect(inferred.notices.some((n) => n.includes('spec.nodeSelector: host policies (nodeSelector) are not modelled'))).toBe(true);
    expect(inferred.notices.some((n) => n.includes('L7 kafka rules are not modelled'))).toBe(true);
    expect(inferred.notices.some((n) => n.includes('unknown field "toPeers" (the API server prunes it)'))).toBe(true);
    const standard = NetworkModel.fromObjects([...cluster(), apiFromWeb], { cni: 'standard' });
    expect(standard.check(q('ops/tool', 'shop/api', 8080)).allowed).toBe(true);
    expect(standard.notices[0]).toMatch(/^1 Cilium policy is left out: the network plugin is standard, where they have no effect/);
  });
});

describe('more of the documentation, passage by passage', () => {
  const egressOf = (rule: Obj) => model(cnp('shop', 'web-out', { endpointSelector: { matchLabels: { app: 'web' } }, egress: [rule] }));
  const ingressOf = (rule: Obj) => model(cnp('shop', 'api-in', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [rule] }));

  test('toCIDR allows the addresses of the block only (language.rst "IP/CIDR based")', () => {
    const m = egressOf({ toCIDR: ['203.0.113.0/24'] });
    expect(allowed(m, q('shop/web', '203.0.113.7', 443))).toBe(true);
    expect(allowed(m, q('shop/web', '198.51.100.1', 443))).toBe(false);
  });

  test('fromCIDR admits outside clients by address (language.rst "IP/CIDR based", ingress example)', () => {
    const m = ingressOf({ fromCIDR: ['198.51.100.0/24'] });
    expect(allowed(m, q('198.51.100.9', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('203.0.113.9', 'shop/api', 8080))).toBe(false);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
  });

  test('fromEntities world admits every outside address and no pod (language.rst "Entities Based": world)', () => {
    const m = ingressOf({ fromEntities: ['world'] });
    expect(allowed(m, q('203.0.113.9', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(false);
  });

  test('fromEntities host admits the local node, not remote nodes (language.rst "Entities Based": host, remote-node)', () => {
    const m = ingressOf({ fromEntities: ['host'] });
    expect(allowed(m, q('entity:host', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('entity:remote-node', 'shop/api', 8080))).toBe(false);
    expect(m.check(q('entity:host', 'shop/api', 8080)).why).toContain('Only Cilium entity rules (host, cluster, all) were matched against entity:host');
  });

  test('toEntities kube-apiserver allows the API server and nothing else outside (language.rst "Access to/from kube-apiserver")', () => {
    const m = egressOf({ toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '6443', protocol: 'TCP' }] }] });
    expect(allowed(m, q('shop/web', 'entity:kube-apiserver', 6443))).toBe(true);
    expect(allowed(m, q('shop/web', 'entity:kube-apiserver', 443))).toBe(false);
    expect(allowed(m, q('shop/web', '203.0.113.7', 6443))).toBe(false);
  });

  test('an entity a query cannot be about is refused, naming the ones it can', () => {
    expect(() => model().check(q('shop/web', 'entity:cluster', 80))).toThrow('to "entity:cluster": the entities a query can name are world, kube-apiserver, host, remote-node, ingress, health, init, unmanaged (cluster and all are groups: ask about one member).');
  });

  test('matchExpressions in an endpoint selector: NotIn excludes (language.rst "Endpoints Based", selector semantics of Kubernetes)', () => {
    const m = ingressOf({ fromEndpoints: [{ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['db'] }] }] });
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/db', 'shop/api', 8080))).toBe(false);
  });

  test('enableDefaultDeny.egress: false leaves egress open beside the policy\'s egress allows (language.rst "Default deny", the Rule reference)', () => {
    const m = model(cnp('shop', 'web-out', { endpointSelector: { matchLabels: { app: 'web' } }, enableDefaultDeny: { egress: false }, egress: [{ toEndpoints: [{ matchLabels: { app: 'db' } }] }] }));
    expect(allowed(m, q('shop/web', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('shop/web', '203.0.113.7', 443))).toBe(true);
  });

  test('a deny on some ports leaves the allow on the others (deny.rst: deny wins only where it matches)', () => {
    const m = model(cnp('shop', 'web-out', { endpointSelector: { matchLabels: { app: 'web' } }, egress: [{ toEntities: ['world'] }], egressDeny: [{ toEntities: ['world'], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }] }));
    expect(allowed(m, q('shop/web', '203.0.113.7', 443))).toBe(true);
    const denied = m.check(q('shop/web', '203.0.113.7', 80));
    expect(denied.allowed).toBe(false);
    expect(denied.why).toContain('denied by CiliumNetworkPolicy shop/web-out egressDeny[0], a deny rule, which wins over every allow');
  });

  test('HTTP headers and host must match as written (language.rst "HTTP": headers, host)', () => {
    const m = ingressOf({ fromEndpoints: [{ matchLabels: { app: 'web' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }], rules: { http: [{ method: 'GET', path: '/public', headers: ['X-My-Header: true'], host: 'api\\.example\\.com' }] } }] });
    const request = (headers: string[], host = 'api.example.com') => ({ http: { method: 'GET', path: '/public', headers, host } });
    expect(allowed(m, q('shop/web', 'shop/api', 8080, request(['X-My-Header: true'])))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 8080, request([])))).toBe(false);
    expect(allowed(m, q('shop/web', 'shop/api', 8080, request(['X-My-Header: true'], 'evil.example.com')))).toBe(false);
  });

  test('HTTP rules on the egress side restrict the client\'s requests (language.rst "Layer 7 Examples", egress)', () => {
    const m = egressOf({ toEndpoints: [{ matchLabels: { app: 'api' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }], rules: { http: [{ method: 'GET' }] } }] });
    expect(allowed(m, q('shop/web', 'shop/api', 8080, { http: { method: 'GET', path: '/x' } }))).toBe(true);
    expect(allowed(m, q('shop/web', 'shop/api', 8080, { http: { method: 'DELETE', path: '/x' } }))).toBe(false);
  });

  test('DNS rules: the proxy answers the names they match and refuses the rest; without a name, some lookups only (language.rst "DNS Policy and IP Discovery")', () => {
    const m = egressOf(dnsRule([{ matchPattern: '*.stripe.com' }]));
    const lookup = (name?: string) => m.check(q('shop/web', 'kube-system/coredns', 53, { protocol: 'UDP', ...(name ? { dns: name } : {}) }));
    expect(lookup('api.stripe.com')).toMatchObject({ allowed: true });
    expect(lookup('api.stripe.com').why).toContain('at layer 7, the lookup of api.stripe.com matches the DNS rule matchPattern *.stripe.com');
    expect(lookup('evil.example.com').allowed).toBe(false);
    expect(lookup('evil.example.com').why).toContain("the lookup of evil.example.com matches none of the DNS rules on UDP 53 (matchPattern *.stripe.com); Cilium's DNS proxy refuses it");
    expect(lookup()).toMatchObject({ allowed: true, someRequestsOnly: true });
    expect(allowed(egressOf(dnsRule([{ matchPattern: '*' }])), q('shop/web', 'kube-system/coredns', 53, { protocol: 'UDP' }))).toBe(true);
    expect(egressOf(dnsRule([{ matchPattern: '*' }])).check(q('shop/web', 'kube-system/coredns', 53, { protocol: 'UDP' })).someRequestsOnly).toBeUndefined();
  });

  test('an L4 allow on the same port lets every request through beside L7 rules (language.rst "Layer 7 Examples": rules are merged)', () => {
    const m = model(
      cnp('shop', 'api-l7', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'web' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }], rules: { http: [{ method: 'GET' }] } }] }] }),
      cnp('shop', 'api-l4', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'web' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }] }),
    );
    expect(allowed(m, q('shop/web', 'shop/api', 8080, { http: { method: 'DELETE', path: '/x' } }))).toBe(true);
    expect(m.check(q('shop/web', 'shop/api', 8080)).someRequestsOnly).toBeUndefined();
  });

  test('a CiliumClusterwideNetworkPolicy with an empty endpoint selector peer means every pod of every namespace (language.rst "Endpoints Based", clusterwide)', () => {
    const m = model(ccnp('api-in', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEndpoints: [{}] }] }));
    expect(allowed(m, q('ops/tool', 'shop/api', 8080))).toBe(true);
    expect(allowed(m, q('203.0.113.9', 'shop/api', 8080))).toBe(false);
  });
});

describe('exposure and diff on Cilium (the world and all entities are the internet)', () => {
  const exposed = (rule: Obj) => NetworkModel.fromObjects([
    ...cluster(),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shop' }, spec: { type: 'LoadBalancer', selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }], loadBalancerSourceRanges: ['0.0.0.0/0'] } },
    cnp('shop', 'api-in', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [rule] }),
  ], { cni: 'cilium' });
  const reach = (m: NetworkModel) => m.exposure().find((e) => e.workload === 'shop/api')!.reachability;

  test('a LoadBalancer is reachable through fromEntities world or all, not through cluster (language.rst "Entities Based")', () => {
    expect(reach(exposed({ fromEntities: ['world'] }))).toBe('reachable');
    expect(reach(exposed({ fromEntities: ['all'] }))).toBe('reachable');
    expect(reach(exposed({ fromEntities: ['cluster'] }))).toBe('not reachable');
  });

  test('diff sees a Cilium policy that opens the api to the world', () => {
    const diff = NetworkModel.diff(exposed({ fromEntities: ['cluster'] }), exposed({ fromEntities: ['world'] }));
    expect(diff.changes.find((c) => c.to === 'shop/api' && c.change === 'added')).toMatchObject({ from: '203.0.113.7', widened: 'all', reasons: ['all now allowed by CiliumNetworkPolicy shop/api-in ingress[0]'] });
    expect(diff.changes.find((c) => c.from === 'shop/web' && c.to === 'shop/api')).toMatchObject({ change: 'removed', narrowed: 'all' });
  });
});

import { describe, expect, test } from 'vitest';
import { NetworkModel, lint } from '../../lib';

/** A tiny YAML writer for readable fixtures: one document per object. */
const docs = (...objects: object[]) => objects.map((o) => JSON.stringify(o)).join('\n---\n');

const pod = (namespace: string, name: string, labels: Record<string, string>, ports: object[] = [{ containerPort: 8080, name: 'http' }], extra: object = {}) => ({
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: 'main', image: 'x:1', ports }], ...extra },
});
const deployment = (namespace: string, name: string, labels: Record<string, string>, ports?: object[]) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: pod(namespace, name, labels, ports).spec } },
});
const denyAll = (namespace: string) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
const allow = (namespace: string, name: string, spec: object) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });

describe('typed lists (kubectl get -o yaml)', () => {
  test('items of a PodList get kind Pod and the list apiVersion, nested lists included', () => {
    const podList = { apiVersion: 'v1', kind: 'PodList', items: [{ ...pod('a', 'web', { app: 'web' }) }, { ...pod('a', 'db', { app: 'db' }) }] };
    const policies = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicyList', items: [{ metadata: denyAll('a').metadata, spec: denyAll('a').spec }] };
    const model = NetworkModel.fromYaml(docs({ apiVersion: 'v1', kind: 'List', items: [podList, policies] }));
    expect(model.workloads.map((w) => `${w.kind} ${w.ref}`)).toEqual(['Pod a/db', 'Pod a/web']);
    expect(model.policies.map((p) => p.ref)).toEqual(['a/deny']);
    expect(model.check({ from: 'a/web', to: 'a/db', port: 8080 }).allowed).toBe(false);
  });
});

describe('duplicates resolve as kubectl apply would', () => {
  test('two copies of a policy: only the last counts, and a notice names it', () => {
    const wide = allow('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{}] });
    const narrow = allow('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'nobody' } } }] }] });
    const model = NetworkModel.fromYaml([docs(deployment('a', 'web', { app: 'web' }), deployment('a', 'db', { app: 'db' }), wide), docs(narrow)]);
    expect(model.check({ from: 'a/web', to: 'a/db', port: 8080 }).allowed).toBe(false);
    expect(model.notices).toContain('NetworkPolicy a/p is defined 2 times (<input 1>:5, <input 2>:1); the last one is used, as kubectl apply would leave it');
  });

  test('two copies of a Deployment are one workload', () => {
    const model = NetworkModel.fromYaml(docs(deployment('a', 'web', { app: 'web' }), deployment('a', 'web', { app: 'web2' })));
    expect(model.workloads.map((w) => `${w.ref} ${w.labels.app}`)).toEqual(['a/web web2']);
    expect(model.notices).toEqual(['Deployment a/web is defined 2 times (<input>:1, <input>:3); the last one is used, as kubectl apply would leave it']);
  });

  test('lint reports the copy once and lints the kept object once', () => {
    const objects = [deployment('a', 'web', { app: 'web' }), deployment('a', 'web', { app: 'web' }), deployment('a', 'web', { app: 'web' })];
    const findings = lint(objects);
    expect(findings.filter((f) => f.rule === 'duplicate-object')).toHaveLength(2);
    expect(findings.filter((f) => f.rule === 'namespace-without-default-deny').map((f) => f.message)).toEqual([
      'namespace a has no default-deny policy for ingress and egress; no policy isolates web for ingress, so any pod can connect to it',
    ]);
  });
});

describe('names', () => {
  const model = NetworkModel.fromObjects([
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop' }, spec: { template: { metadata: { labels: { app: 'db' } }, spec: pod('shop', 'db', { app: 'db' }, [{ containerPort: 5432 }]).spec } } },
    deployment('shop', 'db', { app: 'db-proxy' }, [{ containerPort: 6432 }]),
    deployment('shop', 'web', { app: 'web' }),
  ]);

  test('a name two kinds share is refused with the candidates', () => {
    expect(() => model.check({ from: 'shop/web', to: 'shop/db', port: 5432 })).toThrow('to "shop/db" names several workloads: shop/deployment/db, shop/statefulset/db. Name one of them with its kind.');
    expect(() => model.check({ from: 'shop/web', to: 'db', port: 5432 })).toThrow('to "db" names several workloads: shop/deployment/db, shop/statefulset/db.');
  });

  test('kind-qualified names work in any case, for shared and unique names alike', () => {
    expect(model.check({ from: 'shop/web', to: 'shop/StatefulSet/db', port: 5432 }).to).toBe('shop/statefulset/db');
    expect(model.check({ from: 'shop/web', to: 'shop/deployment/db', port: 6432 }).to).toBe('shop/deployment/db');
    expect(model.check({ from: 'shop/Deployment/web', to: 'shop/deployment/db', port: 6432 }).from).toBe('shop/web');
  });
});

describe('protocols', () => {
  const model = NetworkModel.fromObjects([deployment('a', 'web', { app: 'web' }), deployment('a', 'db', { app: 'db' })]);

  test('any case is accepted', () => {
    expect(model.check({ from: 'a/web', to: 'a/db', port: 53, protocol: 'udp' }).protocol).toBe('UDP');
    expect(model.check({ from: 'a/web', to: 'a/db', port: 53, protocol: 'Tcp' }).protocol).toBe('TCP');
  });

  test('an unknown protocol is refused with a clear error', () => {
    expect(() => model.check({ from: 'a/web', to: 'a/db', port: 1, protocol: 'ICMP' })).toThrow('protocol "ICMP" is not TCP, UDP or SCTP (NetworkPolicy knows no other; ICMP is not filtered by it; Calico policies filter ICMP and others, and none is read here: give Calico policies, or say --cni calico / cni: \'calico\'). Use one of those, in any case.');
  });
});

describe('named ports resolve as the kubelet resolves them', () => {
  const withInit = (restartPolicy?: string) => ({
    apiVersion: 'v1', kind: 'Pod', ...pod('a', 'db', { app: 'db' }, [{ containerPort: 5432, name: 'pg' }], {
      initContainers: [{ name: 'setup', image: 'x:1', ...(restartPolicy ? { restartPolicy } : {}), ports: [{ containerPort: 9000, name: 'admin' }] }],
    }),
  });
  const policy = allow('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 'admin' }] }] });

  test("an ordinary init container's port name matches nothing", () => {
    const model = NetworkModel.fromObjects([withInit(), deployment('a', 'web', { app: 'web' }), policy]);
    expect(model.check({ from: 'a/web', to: 'a/db', port: 9000 }).allowed).toBe(false);
  });

  test('a native sidecar (restartPolicy: Always) serves its named port', () => {
    const model = NetworkModel.fromObjects([withInit('Always'), deployment('a', 'web', { app: 'web' }), policy]);
    expect(model.check({ from: 'a/web', to: 'a/db', port: 9000 }).allowed).toBe(true);
  });
});

describe('policies the API server would reject are never evaluated', () => {
  const objects = (spec: object) => [deployment('a', 'web', { app: 'web' }), deployment('a', 'db', { app: 'db' }), allow('a', 'bad', spec)];
  test.each<[string, object, string]>([
    ['an empty peer', { podSelector: {}, ingress: [{ from: [{}] }] }, 'spec.ingress[0].from[0]: Required value: must specify a peer (an empty peer {} is refused; omit `from`/`to` to mean every peer)'],
    ['an ipBlock with a selector', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] }, 'spec.ingress[0].from[0]: Forbidden: may not specify more than 1 peer (an ipBlock cannot be combined with a selector)'],
    ['an invalid label value', { podSelector: { matchLabels: { app: 'a@b' } } }, 'spec.podSelector.matchLabels: Invalid value: "a@b": a label value must be letters, digits, \'-\', \'_\' or \'.\', and start and end with a letter or digit'],
    ['a named port with endPort', { podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 9000 }] }] }, 'spec.ingress[0].ports[0].endPort: may not be specified when `port` is non-numeric'],
    ['an except outside the cidr', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }] }, 'spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr` (10.0.0.0/16)'],
    ['an unknown policyType', { podSelector: {}, policyTypes: ['Inbound'] }, 'spec.policyTypes[0]: Unsupported value: "Inbound": supported values: "Ingress", "Egress"'],
  ])('%s: check reports it, reach and matrix leave the policy out', (_, spec, reason) => {
    expect(lint(objects(spec)).filter((f) => f.rule === 'policy-rejected-by-api-server').map((f) => f.message)).toEqual([`the API server would reject it: ${reason}`]);
    const model = NetworkModel.fromObjects(objects(spec));
    expect(model.policies).toEqual([]);
    expect(model.notices).toEqual([`NetworkPolicy a/bad (input) is left out: the API server would reject it (${reason}), so it could not exist in a cluster`]);
    expect(model.check({ from: 'a/web', to: 'a/db', port: 8080 }).allowed).toBe(true);
  });
});

describe('any pod template is a workload', () => {
  const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web', namespace: 'a' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: pod('a', 'web', { app: 'web' }).spec } } };

  test('an Argo Rollout is read from spec.template, with a notice naming the kind', () => {
    const model = NetworkModel.fromObjects([rollout, denyAll('a'), deployment('a', 'client', { app: 'client' })]);
    expect(model.workloads.map((w) => `${w.kind} ${w.ref}`)).toEqual(['Deployment a/client', 'Rollout a/web']);
    expect(model.check({ from: 'a/client', to: 'a/web', port: 8080 }).allowed).toBe(false);
    expect(model.notices).toEqual(['read Rollout (argoproj.io/v1alpha1) objects as workloads from their pod template at spec.template; the pods their controller makes are assumed to carry the template\'s labels and ports']);
  });

  test('lint rules see it too', () => {
    expect(lint([rollout], { disable: ['namespace-without-default-deny'] }).filter((f) => f.rule === 'workload-not-isolated').map((f) => f.object.kind)).toEqual(['Rollout']);
  });

  test('a dump with a Deployment, its ReplicaSet and pods is one workload', () => {
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d8f', namespace: 'a', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', controller: true }] }, spec: deployment('a', 'web', { app: 'web' }).spec };
    const running = { apiVersion: 'v1', kind: 'Pod', ...pod('a', 'web-5d8f-x1', { app: 'web', 'pod-template-hash': '5d8f' }), metadata: { name: 'web-5d8f-x1', namespace: 'a', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f', controller: true }] } };
    const model = NetworkModel.fromObjects([deployment('a', 'web', { app: 'web' }), rs, running]);
    expect(model.workloads.map((w) => w.ref)).toEqual(['a/web']);
    expect(model.notices).toEqual([
      'ReplicaSet a/web-5d8f is grouped under its controller Deployment a/web, which the input holds',
      'Pod a/web-5d8f-x1 is grouped under its controller ReplicaSet a/web-5d8f, which the input holds',
    ]);
  });
});

describe('queries users mean', () => {
  const model = NetworkModel.fromObjects([
    deployment('a', 'web', { app: 'web' }),
    deployment('a', 'db', { app: 'db' }, [{ containerPort: 5432, name: 'pg' }]),
    allow('a', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 'pg' }] }] }),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'a' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'billing', namespace: 'a' }, spec: { ports: [{ name: 'https', port: 443 }] } },
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'billing-1', namespace: 'a', labels: { 'kubernetes.io/service-name': 'billing' } }, addressType: 'IPv4', endpoints: [{ addresses: ['203.0.113.10'] }, { addresses: ['203.0.113.11'], conditions: { ready: false } }], ports: [{ name: 'https', port: 8443 }] },
    allow('a', 'web-egress', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.10/32' } }], ports: [{ port: 8443 }] }] }),
  ]);

  test('a port name resolves on the destination', () => {
    expect(model.check({ from: 'a/db', to: 'a/db', port: 'pg' })).toMatchObject({ allowed: true, port: 5432 });
    expect(model.check({ from: 'a/db', to: 'a/web', port: 'http' }).port).toBe(8080);
    expect(() => model.check({ from: 'a/db', to: 'a/db', port: 'pgg' })).toThrow('a/db declares no TCP port named "pgg" (it declares: pg). Did you mean "pg"?');
  });

  test('a selector-less Service is answered for the addresses of its EndpointSlices', () => {
    const verdict = model.check({ from: 'a/web', to: 'a/billing', port: 443 });
    expect(verdict.allowed).toBe(true);
    expect(verdict.why.split('\n')[0]).toBe('ALLOWED: a/web -> Service a/billing (no selector; its EndpointSlices hold 203.0.113.10) on TCP 8443.');
  });

  test("the pod's own port, without the same-named Service's translation", () => {
    expect(model.check({ from: 'a/db', to: 'a/web', port: 80 }).port).toBe(8080);
    expect(model.check({ from: 'a/db', to: 'a/web', port: 80, serviceTranslation: false }).port).toBe(80);
    expect(model.check({ from: 'a/db', to: 'a/deployment/web', port: 80 }).port).toBe(80);
  });

  test('a Service name without its namespace, when unique', () => {
    expect(model.check({ from: 'a/db', to: 'billing', port: 443 }).why).toContain('Service a/billing');
  });
});

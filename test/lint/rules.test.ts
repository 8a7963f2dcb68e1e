import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ALL_RULES, LintOptions, lint } from '../../lib';
import { Obj, namespace, policy, workload } from '../helpers/k8s';

const service = (ns: string, name: string, spec: Obj, annotations?: Record<string, string>): Obj =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) }, spec });
const ingress = (ns: string, name: string, spec: Obj, annotations?: Record<string, string>): Obj =>
  ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) }, spec });
const probe = { tcpSocket: { port: 8080 } };
const app = (extra: Obj = {}) => {
  const w = workload('a', 'web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] });
  w.spec.template.spec.containers[0].readinessProbe = probe;
  Object.assign(w.spec.template.spec, extra);
  return w;
};
const svc = (extra: Obj = {}) => service('a', 'web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...extra });
const isolated = [namespace('a'), policy('a', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  policy('a', 'dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }] }] })];
const cilium = (spec: Obj): Obj => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'p', namespace: 'a' }, spec: { endpointSelector: { matchLabels: { app: 'web' } }, ...spec } });
const calico = (spec: Obj, name = 'p'): Obj => ({ apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: { name }, spec });
const rules = (hostRule: Obj) => ({ ingressClassName: 'nginx', tls: [{ hosts: ['shop.example.com'], secretName: 's' }], rules: [hostRule] });
const route = (host: string, path: string, backend = { service: { name: 'web', port: { number: 80 } } }) => ({ host, http: { paths: [{ path, pathType: 'Prefix', backend }] } });

const cnp = (name: string, tier: string, priority: number, subject: Obj, ingress: Obj[]): Obj => ({ apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name }, spec: { tier, priority, subject, ...(ingress.length > 0 ? { ingress } : {}) } });
const monitor = (kind: string, labels: Record<string, string>): Obj => ({ apiVersion: 'monitoring.coreos.com/v1', kind, metadata: { name: 'm', namespace: 'a' }, spec: { selector: { matchLabels: labels }, endpoints: [{ port: 'http' }] } });

const corefile = (text: string, name = 'coredns', key = 'Corefile'): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'kube-system' }, data: { [key]: text } });
const mainBlock = (body: string[]) => ['.:53 {', '    errors', '    health', '    ready', '    kubernetes cluster.local in-addr.arpa ip6.arpa', ...body.map((l) => `    ${l}`), '}', ''].join('\n');
const forwarding = ['forward . /etc/resolv.conf', 'cache 30', 'loop'];
const stub = (key: string) => `${key} {\n    forward . 10.0.0.53\n    cache 30\n    loop\n}\n`;
const custom = (secondKey: string): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns-custom', namespace: 'kube-system' }, data: { 'a.server': stub('corp.example'), 'b.server': stub(secondKey) } });

/** Per rule: objects that trigger it, and the nearest objects that do not. */
const cases: Record<string, { bad: Obj[]; good: Obj[]; options?: LintOptions }> = {
  'corefile-syntax': { bad: [corefile(mainBlock(forwarding).replace(/}\n$/, ''))], good: [corefile(mainBlock(forwarding))] },
  'corefile-duplicate-zone': { bad: [corefile(mainBlock(forwarding)), custom('Corp.Example.:53')], good: [corefile(mainBlock(forwarding)), custom('corp.example:5353')] },
  'corefile-no-kubernetes': { bad: [corefile('.:53 {\n    errors\n    health\n    ready\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n}\n')], good: [corefile(mainBlock(forwarding))] },
  'corefile-forward-without-loop': { bad: [corefile(mainBlock(['forward . /etc/resolv.conf', 'cache 30']))], good: [corefile(mainBlock(forwarding))] },
  'corefile-missing-ready-health': { bad: [corefile(mainBlock(forwarding).replace('    ready\n', ''))], good: [corefile(mainBlock(forwarding))] },
  'corefile-no-cache': { bad: [corefile(mainBlock(['forward . /etc/resolv.conf', 'loop']))], good: [corefile(mainBlock(forwarding))] },
  'corefile-pods-insecure': { bad: [corefile(mainBlock(forwarding).replace('ip6.arpa\n', 'ip6.arpa {\n        pods insecure\n    }\n'))], good: [corefile(mainBlock(forwarding).replace('ip6.arpa\n', 'ip6.arpa {\n        pods verified\n    }\n'))] },
  'corefile-unknown-plugin': { bad: [corefile(mainBlock([...forwarding, 'cahce 30'])), corefile('lgo\n', 'coredns-custom', 'x.override')], good: [corefile(mainBlock(forwarding)), corefile('log\n', 'coredns-custom', 'x.override')] },
  'cluster-scoped-with-namespace': { bad: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', namespace: 'a' } }], good: [namespace('a')] },
  'image-not-pinned': { bad: [workload('a', 'x', { a: 'x' })].map((w) => { w.spec.template.spec.containers[0].image = 'acme/x:latest'; return w; }), good: [workload('a', 'x', { a: 'x' })] },
  'pod-security-violation': { bad: [{ ...namespace('a'), metadata: { name: 'a', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } }, workload('a', 'x', { a: 'x' }, { hostNetwork: true })], good: [{ ...namespace('a'), metadata: { name: 'a', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } }, workload('a', 'x', { a: 'x' })] },
  'cluster-policy-rejected': { bad: [cnp('a', 'Admin', 2000, { namespaces: {} }, [{ action: 'Deny', from: [{ namespaces: {} }] }])], good: [cnp('a', 'Admin', 20, { namespaces: {} }, [{ action: 'Deny', from: [{ namespaces: {} }] }])] },
  'cluster-policy-priority-tie': { bad: [cnp('a', 'Admin', 20, { namespaces: {} }, []), cnp('b', 'Admin', 20, { namespaces: {} }, [])], good: [cnp('a', 'Admin', 20, { namespaces: {} }, []), cnp('b', 'Admin', 21, { namespaces: {} }, [])] },
  'baseline-pass': { bad: [cnp('a', 'Baseline', 20, { namespaces: {} }, [{ action: 'Pass', from: [{ namespaces: {} }] }])], good: [cnp('a', 'Baseline', 20, { namespaces: {} }, [{ action: 'Accept', from: [{ namespaces: {} }] }])] },
  'cluster-policy-rule-unreachable': { bad: [cnp('a', 'Admin', 1, { namespaces: {} }, [{ action: 'Deny', from: [{ namespaces: {} }] }, { action: 'Accept', from: [{ namespaces: { matchLabels: { x: 'y' } } }] }])], good: [cnp('a', 'Admin', 1, { namespaces: {} }, [{ action: 'Accept', from: [{ namespaces: { matchLabels: { x: 'y' } } }] }, { action: 'Deny', from: [{ namespaces: {} }] }])] },
  'cluster-policy-subject-selects-nothing': { bad: [app(), cnp('a', 'Admin', 1, { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'wbe' } } } }, [])], good: [app(), cnp('a', 'Admin', 1, { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } } }, [])] },
  'drop-net-raw-capability': { bad: [app()], good: [(() => { const w = app(); w.spec.template.spec.containers[0].securityContext = { capabilities: { drop: ['ALL'] } }; return w; })()] },
  'monitor-selects-nothing': { bad: [app(), svc(), monitor('ServiceMonitor', { app: 'wbe' })], good: [app(), { ...svc(), metadata: { ...svc().metadata, labels: { app: 'web' } } }, monitor('ServiceMonitor', { app: 'web' })] },
  'workload-not-egress-isolated': { bad: [app(), policy('a', 'deny', { podSelector: {}, policyTypes: ['Ingress'] })], good: [app(), ...isolated] },
  'duplicate-object': { bad: [svc(), svc()], good: [svc(), service('b', 'web', {})] },
  'duplicate-service-port': { bad: [service('a', 's', { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] })], good: [service('a', 's', { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80, protocol: 'UDP' }] })] },
  'egress-without-dns': { bad: [app(), policy('a', 'p', { podSelector: {}, policyTypes: ['Egress'] })], good: [app(), ...isolated] },
  'externalname-is-ip': { bad: [service('a', 'x', { type: 'ExternalName', externalName: '10.0.0.1' })], good: [service('a', 'x', { type: 'ExternalName', externalName: 'db.example.com' })] },
  'external-traffic-policy-on-cluster-ip': { bad: [service('a', 'x', { externalTrafficPolicy: 'Local' })], good: [service('a', 'x', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['10.0.0.0/8'] })] },
  'host-network': { bad: [app({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' })], good: [app()] },
  'host-port': { bad: [workload('a', 'x', { a: 'x' }, { ports: [{ containerPort: 80, hostPort: 80 } as never] })], good: [workload('a', 'x', { a: 'x' }, { ports: [{ containerPort: 80 }] })] },
  'identical-probes': { bad: [(() => { const w = app(); w.spec.template.spec.containers[0].livenessProbe = probe; return w; })()], good: [(() => { const w = app(); w.spec.template.spec.containers[0].livenessProbe = { tcpSocket: { port: 8080 }, failureThreshold: 6 }; return w; })()] },
  'ingress-backend-missing': { bad: [svc(), ingress('a', 'i', rules(route('shop.example.com', '/', { service: { name: 'web', port: { number: 8080 } } })))], good: [svc(), ingress('a', 'i', rules(route('shop.example.com', '/')))] },
  'ingress-class-annotation': { bad: [svc(), ingress('a', 'i', rules(route('shop.example.com', '/')), { 'kubernetes.io/ingress.class': 'nginx' })], good: [svc(), ingress('a', 'i', rules(route('shop.example.com', '/')))] },
  'ingress-class-missing': { bad: [svc(), ingress('a', 'i', { ...rules(route('shop.example.com', '/')), ingressClassName: undefined })], good: [svc(), ingress('a', 'i', rules(route('shop.example.com', '/')))] },
  'ingress-duplicate-path': { bad: [svc(), service('a', 'v2', { ports: [{ port: 80 }] }), ingress('a', 'i1', rules(route('shop.example.com', '/'))), ingress('a', 'i2', rules(route('shop.example.com', '/', { service: { name: 'v2', port: { number: 80 } } })))], good: [svc(), service('a', 'v2', { ports: [{ port: 80 }] }), ingress('a', 'i1', rules(route('shop.example.com', '/'))), ingress('a', 'i2', rules(route('shop.example.com', '/', { service: { name: 'v2', port: { number: 80 } } })), { 'nginx.ingress.kubernetes.io/canary': 'true' })] },
  'ingress-host-without-tls': { bad: [svc(), ingress('a', 'i', rules(route('api.example.com', '/')))], good: [svc(), ingress('a', 'i', { ...rules(route('api.example.com', '/')), tls: [{ hosts: ['*.example.com'] }] })] },
  'ingress-invalid-route': { bad: [svc(), ingress('a', 'i', rules(route('shop.*.example.com', 'api')))], good: [svc(), ingress('a', 'i', rules(route('shop.example.com', '/api')))] },
  'ingress-tls-host-unused': { bad: [svc(), ingress('a', 'i', { ...rules(route('shop.example.com', '/')), tls: [{ hosts: ['shop.example.com', 'old.example.com'] }] })], good: [svc(), ingress('a', 'i', rules(route('shop.example.com', '/')))] },
  'ingress-without-tls': { bad: [svc(), ingress('a', 'i', { ...rules(route('shop.example.com', '/')), tls: undefined })], good: [svc(), ingress('a', 'i', rules(route('shop.example.com', '/')))] },
  'invalid-dns-config': { bad: [app({ dnsPolicy: 'None' })], good: [app({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'] } })] },
  'policy-rejected-by-api-server': { bad: [policy('a', 'p', { podSelector: {}, ingress: [{ ports: [{ port: 0, protocol: 'TCP' }] }] })], good: [policy('a', 'p', { podSelector: {}, ingress: [{ ports: [{ port: 1, endPort: 65535, protocol: 'TCP' }] }] })] },
  'ip-block-host-bits': { bad: [policy('a', 'p', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.1/24' } }] }] })], good: [policy('a', 'p', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }] }] })] },
  'ipblock-holds-service-address': {
    bad: [service('a', 'x', { clusterIP: '10.96.0.20', ports: [{ port: 80 }] }), policy('a', 'p', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.96.0.0/16' } }] }] })],
    good: [service('a', 'x', { clusterIP: '10.96.0.20', ports: [{ port: 80 }] }), policy('a', 'p', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.97.0.0/16' } }] }] })],
  },
  'invalid-port-name': { bad: [workload('a', 'x', { a: 'x' }, { ports: [{ name: 'too-long-port-name', containerPort: 80 }] })], good: [workload('a', 'x', { a: 'x' }, { ports: [{ name: 'http', containerPort: 80 }] })] },
  'loadbalancer-without-source-ranges': { bad: [service('a', 'x', { type: 'LoadBalancer' })], good: [service('a', 'x', { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'] })] },
  'namespace-without-default-deny': { bad: [namespace('a'), app()], good: [app(), ...isolated] },
  'nodeport-exposure': { bad: [service('a', 'x', { type: 'NodePort' })], good: [service('a', 'x', { type: 'ClusterIP' })] },
  'nodeport-out-of-range': { bad: [service('a', 'x', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })], good: [service('a', 'x', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })] },
  'policy-peer-matches-nothing': { bad: [app(), policy('a', 'p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'wbe' } } }] }] })], good: [app(), policy('a', 'p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] })] },
  'policy-selects-nothing': { bad: [app(), policy('a', 'p', { podSelector: { matchLabels: { app: 'wbe' } } })], good: [app(), policy('a', 'p', { podSelector: { matchLabels: { app: 'web' } } })] },
  'probe-port-undeclared': { bad: [(() => { const w = app(); w.spec.template.spec.containers[0].readinessProbe = { httpGet: { path: '/', port: 'admin' } }; return w; })()], good: [(() => { const w = app(); w.spec.template.spec.containers[0].readinessProbe = { httpGet: { path: '/', port: 'http' } }; return w; })()] },
  'readiness-probe-missing': { bad: [svc(), workload('a', 'web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] })], good: [svc(), app()] },
  'removed-api-version': { bad: [{ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'i', namespace: 'a' }, spec: {} }], good: [ingress('a', 'i', {})] },
  'selector-template-mismatch': { bad: [(() => { const w = app(); w.spec.selector = { matchLabels: { app: 'other' } }; return w; })()], good: [app()] },
  'sensitive-port-exposed': { bad: [service('a', 'x', { ports: [{ port: 2222, targetPort: 22 }] })], good: [service('a', 'x', { ports: [{ port: 443 }] })] },
  'service-selector-no-match': { bad: [app(), service('a', 'x', { selector: { app: 'wbe' }, ports: [{ port: 80 }] })], good: [app(), svc()] },
  'service-target-port-number-undeclared': { bad: [app(), svc({ ports: [{ port: 80, targetPort: 9999 }] })], good: [app(), svc({ ports: [{ port: 80, targetPort: 8080 }] })] },
  'service-target-port-undeclared': { bad: [app(), svc({ ports: [{ port: 80, targetPort: 'web' }] })], good: [app(), svc()] },
  'session-affinity-timeout': { bad: [service('a', 'x', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } })], good: [service('a', 'x', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } })] },
  'statefulset-service': { bad: [workload('a', 'db', { app: 'db' }, { kind: 'StatefulSet' }), service('a', 'db', { selector: { app: 'db' }, ports: [{ port: 5432 }] })].map((o) => (o.kind === 'StatefulSet' ? { ...o, spec: { ...o.spec, serviceName: 'db' } } : o)), good: [workload('a', 'db', { app: 'db' }, { kind: 'StatefulSet' }), service('a', 'db', { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] })].map((o) => (o.kind === 'StatefulSet' ? { ...o, spec: { ...o.spec, serviceName: 'db' } } : o)) },
  'cilium-fqdn-without-dns-rule': { bad: [workload('a', 'web', { app: 'web' }), cilium({ egress: [{ toFQDNs: [{ matchName: 'api.stripe.com' }] }] })], good: [workload('a', 'web', { app: 'web' }), cilium({ egress: [{ toEndpoints: [{ matchLabels: { 'k8s:k8s-app': 'kube-dns', 'k8s:io.kubernetes.pod.namespace': 'kube-system' } }], toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: [{ matchName: 'api.stripe.com' }] } }] }, { toFQDNs: [{ matchName: 'api.stripe.com' }] }] })] },
  'cilium-policy-selects-nothing': { bad: [workload('a', 'web', { app: 'web' }), cilium({ endpointSelector: { matchLabels: { app: 'wbe' } }, ingress: [{}] })], good: [workload('a', 'web', { app: 'web' }), cilium({ endpointSelector: { matchLabels: { 'k8s:app': 'web' } }, ingress: [{}] })] },
  'cilium-world-egress-restricted': { bad: [namespace('a', { 'pod-security.kubernetes.io/enforce': 'restricted' }), workload('a', 'web', { app: 'web' }), cilium({ egress: [{ toEntities: ['world'] }] })], good: [namespace('a', { 'pod-security.kubernetes.io/enforce': 'restricted' }), workload('a', 'web', { app: 'web' }), cilium({ egress: [{ toCIDR: ['198.51.100.0/24'] }] })] },
  'cilium-deny-shadows-allows': { bad: [workload('a', 'web', { app: 'web' }), cilium({ ingress: [{ fromEndpoints: [{}] }], ingressDeny: [{ fromEntities: ['all'] }] })], good: [workload('a', 'web', { app: 'web' }), cilium({ ingress: [{ fromEndpoints: [{}] }], ingressDeny: [{ fromEntities: ['world'] }] })] },
  'cilium-policy-without-cilium': { bad: [workload('a', 'web', { app: 'web' }), cilium({ egress: [{ toFQDNs: [{ matchName: 'api.stripe.com' }] }] })], good: [workload('a', 'web', { app: 'web' }), policy('a', 'p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }] }] })], options: { cni: 'standard' } },
  'internet-egress-by-address-on-cilium': { bad: [workload('a', 'web', { app: 'web' }), policy('a', 'p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] }] })], good: [workload('a', 'web', { app: 'web' }), policy('a', 'p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443 }] }] })], options: { cni: 'cilium' } },
  'cilium-policy-unread': { bad: [workload('a', 'web', { app: 'web' }), cilium({ egress: [{ toEntities: ['world'], icmps: [{ fields: [{ type: 8 }] }] }] })], good: [workload('a', 'web', { app: 'web' }), cilium({ egress: [{ toEntities: ['world'] }] })] },
  'calico-selector-syntax': { bad: [calico({ selector: "app = 'web'" })], good: [calico({ selector: "app == 'web'" })] },
  'calico-policy-rejected': { bad: [calico({ ingress: [{ action: 'Accept' }] })], good: [calico({ ingress: [{ action: 'Allow' }] })] },
  'calico-order-tie': { bad: [calico({ order: 1, ingress: [{ action: 'Deny' }] }, 'a'), calico({ order: 1, ingress: [{ action: 'Allow' }] }, 'b')], good: [calico({ order: 1, ingress: [{ action: 'Deny' }] }, 'a'), calico({ order: 2, ingress: [{ action: 'Allow' }] }, 'b')] },
  'calico-rule-unreachable': { bad: [calico({ ingress: [{ action: 'Deny' }, { action: 'Allow', protocol: 'TCP' }] })], good: [calico({ ingress: [{ action: 'Allow', protocol: 'TCP' }, { action: 'Deny' }] })] },
  'calico-tier-missing': { bad: [calico({ tier: 'security' })], good: [calico({ tier: 'security' }), { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: { name: 'security' }, spec: { order: 100 } }] },
  'calico-pass-in-last-tier': { bad: [calico({ ingress: [{ action: 'Pass' }] })], good: [calico({ ingress: [{ action: 'Allow' }] })] },
  'calico-staged-would-deny': { bad: [workload('a', 'web', { app: 'web' }), { ...calico({ selector: "app == 'web'" }), kind: 'StagedGlobalNetworkPolicy' }], good: [workload('a', 'web', { app: 'web' }), { ...calico({ selector: "app == 'web'", ingress: [{ action: 'Allow' }] }), kind: 'StagedGlobalNetworkPolicy' }] },
  'legacy-networking-annotation': { bad: [{ ...namespace('a'), metadata: { name: 'a', annotations: { 'net.beta.kubernetes.io/network-policy': '{"ingress":{"isolation":"DefaultDeny"}}' } } }], good: [namespace('a')] },
  'topology-aware-hints-deprecated': { bad: [service('a', 'x', {}, { 'service.kubernetes.io/topology-aware-hints': 'auto' })], good: [service('a', 'x', {}, { 'service.kubernetes.io/topology-mode': 'Auto' })] },
  // While namespace-without-default-deny runs, it names the open workloads itself.
  'workload-not-isolated': { bad: [app()], good: [app(), ...isolated], options: { disable: ['namespace-without-default-deny'] } },
  'unsafe-network-sysctl': { bad: [app({ securityContext: { sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] } })], good: [app({ securityContext: { sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }] } })] },
  'unknown-field': { bad: [svc({ sessionAfinity: 'ClientIP' })], good: [svc({ sessionAffinity: 'ClientIP' })] },
  'schema-invalid': { bad: [svc({ ports: [{ name: 'http', port: '80' }] })], good: [svc()] },
};

describe('lint rules', () => {
  test('every rule has a failing and a passing case', () => {
    expect(Object.keys(cases).sort()).toEqual(ALL_RULES.map((r) => r.id));
  });

  test('the README table lists every rule, and no rule that does not exist', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `([a-z0-9-]+)` \| (error|warning|info) \|/gm)].map((m) => m[1]).filter((id) => id !== 'unreadable-input');
    expect([...listed].sort()).toEqual(ALL_RULES.map((r) => r.id));
  });

  test('every rule documents itself', () => {
    for (const rule of ALL_RULES) {
      expect(rule.id).toMatch(/^[a-z0-9-]+$/);
      expect(rule.description.length).toBeGreaterThan(20);
      expect(rule.docs).toMatch(/^https:\/\/(kubernetes\.io|prometheus-operator\.dev|network-policy-api\.sigs\.k8s\.io|coredns\.io|docs\.cilium\.io|docs\.tigera\.io)\//);
    }
  });

  test.each(ALL_RULES.map((r) => r.id))('%s: fails on the bad case and passes the good one', (id) => {
    const bad = lint(cases[id].bad, cases[id].options).filter((f) => f.rule === id);
    expect(bad.length).toBeGreaterThan(0);
    for (const finding of bad) expect(finding.fix.length).toBeGreaterThan(10);
    expect(lint(cases[id].good, cases[id].options).filter((f) => f.rule === id)).toEqual([]);
  });
});

describe('rules that judge the input against the declared network plugin', () => {
  const fqdn = [workload('a', 'web', { app: 'web' }), cilium({ egress: [{ toFQDNs: [{ matchName: 'api.stripe.com' }] }] })];
  const internet = [workload('a', 'web', { app: 'web' }), policy('a', 'p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] }] })];
  const ids = (objects: Obj[], options: LintOptions) => lint(objects, options).map((f) => f.rule).filter((r) => r === 'cilium-policy-without-cilium' || r === 'internet-egress-by-address-on-cilium');

  test('stay silent while the plugin is not declared', () => {
    expect(ids(fqdn, {})).toEqual([]);
    expect(ids(internet, {})).toEqual([]);
  });

  test('a Cilium policy on Calico or a standard plugin is an error naming the plugin; on Cilium it is fine', () => {
    const [finding] = lint(fqdn, { cni: 'calico' }).filter((f) => f.rule === 'cilium-policy-without-cilium');
    expect(finding.message).toBe('the cluster is declared as running Calico, which does not enforce CiliumNetworkPolicy: its rules do nothing there');
    expect(ids(fqdn, { cni: 'cilium' })).toEqual([]);
  });

  test('internet egress by address is pointed at toFQDNs only on Cilium', () => {
    expect(lint(internet, { cni: 'cilium' }).find((f) => f.rule === 'internet-egress-by-address-on-cilium')?.message).toBe('egress[0] allows every internet address on its ports, where Cilium could allow the hosts the pods call by name');
    expect(ids(internet, { cni: 'standard' })).toEqual([]);
  });
});

describe('unknown-field on Cilium policies (lib/lint/schema/cilium-fields.json)', () => {
  test('a misspelled field deep in a CiliumNetworkPolicy is named with its path and the known names, once', () => {
    const findings = lint([workload('a', 'web', { app: 'web' }), cilium({ egress: [{ toFQDNs: [{ matchNmae: 'api.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }], rules: { http: [{ methd: 'GET' }] } }] }] })]);
    const unknown = findings.filter((f) => f.rule === 'unknown-field').map((f) => `${f.message}; ${f.fix}`);
    expect(unknown).toEqual([
      'field spec.egress[0].toFQDNs[0].matchNmae is not in the CiliumNetworkPolicy CRD schema; Did you mean matchName?',
      'field spec.egress[0].toPorts[0].rules.http[0].methd is not in the CiliumNetworkPolicy CRD schema; Did you mean method?',
    ]);
    expect(findings.filter((f) => f.rule === 'cilium-policy-unread' && f.message.includes('unknown field'))).toEqual([]);
  });

  test('the field tree covers both kinds and the parts netkit writes and reads', () => {
    const tree = JSON.parse(readFileSync(join(__dirname, '../../lib/lint/schema/cilium-fields.json'), 'utf8'));
    expect(Object.keys(tree.kinds)).toEqual(['cilium.io/v2/CiliumClusterwideNetworkPolicy', 'cilium.io/v2/CiliumNetworkPolicy']);
    const rule = tree.types['cilium:policy/api/Rule.IRule'];
    expect(Object.keys(rule)).toEqual(expect.arrayContaining(['endpointSelector', 'ingress', 'egress', 'ingressDeny', 'egressDeny', 'enableDefaultDeny', 'nodeSelector']));
    expect(Object.keys(tree.types['cilium:policy/api/EgressRule.IEgressRule'])).toEqual(expect.arrayContaining(['toFQDNs', 'toEntities', 'toEndpoints', 'toCIDRSet', 'toPorts', 'toServices']));
    expect(Object.keys(tree.types['cilium:policy/api/PortRuleHTTP.IPortRuleHTTP'])).toEqual(['headerMatches', 'headers', 'host', 'method', 'path']);
  });
});

describe('cilium-policy-selects-nothing judges peers too', () => {
  const ns = namespace('a');
  const web = workload('a', 'web', { app: 'web' });
  const api = workload('a', 'api', { app: 'api' });
  const messages = (spec: Obj) => lint([ns, web, api, cilium(spec)]).filter((f) => f.rule === 'cilium-policy-selects-nothing').map((f) => f.message);

  test('a fromEndpoints selector that matches no pod of the policy\'s namespace is named by rule and peer', () => {
    expect(messages({ ingress: [{ fromEndpoints: [{ matchLabels: { app: 'api' } }, { matchLabels: { app: 'wbe' } }] }] }))
      .toEqual(['ingress[0] peer 2 (fromEndpoints) selects no workload in namespace a, so it admits nothing']);
  });

  test('peers that match, empty selectors (every endpoint) and peers in namespaces the input does not hold are not reported', () => {
    expect(messages({ ingress: [{ fromEndpoints: [{ matchLabels: { app: 'api' } }, {}] }], egress: [{ toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'elsewhere', app: 'x' } }] }] })).toEqual([]);
  });

  test('deny rules count', () => {
    expect(messages({ ingressDeny: [{ fromEndpoints: [{ matchLabels: { app: 'nope' } }] }] })).toEqual(['ingressDeny[0] peer 1 (fromEndpoints) selects no workload in namespace a, so it admits nothing']);
  });
});

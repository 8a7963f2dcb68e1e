import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { run } from '../../lib/cli/main';

async function netkit(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

// A storefront on Cilium: web calls an external API by name and an internal API by method and path.
const yaml = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "web:1", ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: "api:1", ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, "k8s:k8s-app": kube-dns}}]
    toPorts: [{ports: [{port: "53", protocol: ANY}], rules: {dns: [{matchName: api.stripe.com}]}}]
  - toFQDNs: [{matchName: api.stripe.com}]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  - toEndpoints: [{matchLabels: {app: api}}]
    toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: api}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: web}}]
    toPorts: [{ports: [{port: "8080", protocol: TCP}], rules: {http: [{method: GET, path: "/v1/.*"}]}}]
`;

describe('netkit reach on Cilium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netkit-cilium-'));
  writeFileSync(join(dir, 'shop.yaml'), yaml);

  test('a host name: allowed by toFQDNs; exit 0', async () => {
    const result = await netkit('reach', dir, '--from', 'shop/web', '--to', 'api.stripe.com', '--port', '443', '--cni', 'cilium');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^ALLOWED: shop\/web -> api\.stripe\.com on TCP 443\./);
    expect((await netkit('reach', dir, '--from', 'shop/web', '--to', 'files.stripe.com', '--port', '443', '--cni', 'cilium')).code).toBe(1);
  });

  test('layer 7: ALLOWED_SOME_REQUESTS exits 3; --http asks one request', async () => {
    const some = await netkit('reach', dir, '--from', 'shop/web', '--to', 'shop/api', '--port', 'http', '--json', '--cni', 'cilium');
    expect(some.code).toBe(3);
    expect(JSON.parse(some.out)).toMatchObject({ verdict: 'ALLOWED_SOME_REQUESTS', allowed: true, someRequestsOnly: true });
    const get = await netkit('reach', dir, '--from', 'shop/web', '--to', 'shop/api', '--port', '8080', '--http', 'GET:/v1/charges', '--json');
    expect(get.code).toBe(0);
    expect(JSON.parse(get.out).verdict).toBe('ALLOWED');
    expect(get.err).toContain('the network plugin is read as Cilium');
    const post = await netkit('reach', dir, '--from', 'shop/web', '--to', 'shop/api', '--port', '8080', '--http', 'POST:/v1/charges');
    expect(post.code).toBe(1);
    expect(post.out).toContain('POST /v1/charges matches none of the HTTP rules on TCP 8080');
    expect(await netkit('reach', dir, '--from', 'shop/web', '--to', 'shop/api', '--port', '8080', '--http', 'GET /v1')).toMatchObject({ code: 2 });
  });

  test('--cni standard leaves Cilium policies out, saying so', async () => {
    const result = await netkit('reach', dir, '--from', 'shop/api', '--to', 'shop/web', '--port', '8080', '--cni', 'standard');
    expect(result.code).toBe(0);
    expect(result.err).toContain('2 Cilium policies are left out: the network plugin is standard, where they have no effect');
  });

  test('--resolves-to gives a host name its addresses', async () => {
    const cidr = `${yaml}---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: api-out, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: api}}
  egress: [{toCIDR: [198.51.100.0/24]}]
`;
    writeFileSync(join(dir, 'shop.yaml'), cidr);
    expect((await netkit('reach', dir, '--from', 'shop/api', '--to', 'pay.example.com', '--port', '443', '--resolves-to', '198.51.100.9')).code).toBe(0);
    expect((await netkit('reach', dir, '--from', 'shop/api', '--to', 'pay.example.com', '--port', '443', '--resolves-to', '192.0.2.1')).code).toBe(1);
    // Addresses that are none, or given for a target that is no host name, are refused, not passed over.
    const notAnAddress = await netkit('reach', dir, '--from', 'shop/api', '--to', 'pay.example.com', '--port', '443', '--resolves-to', '198.51.100.9,pay');
    expect([notAnAddress.code, notAnAddress.err.split('\n').slice(-2)[0]]).toEqual([2, 'netkit: resolvesTo "pay" is not an IP address.']);
    const notAHost = await netkit('reach', dir, '--from', 'shop/web', '--to', 'shop/api', '--port', '8080', '--resolves-to', '198.51.100.9');
    expect([notAHost.code, notAHost.err.split('\n').slice(-2)[0]]).toEqual([2, 'netkit: resolvesTo is read only when to is a host name such as api.stripe.com; "shop/api" is not one. Leave resolvesTo (--resolves-to) out.']);
    writeFileSync(join(dir, 'shop.yaml'), yaml);
  });
});

import { describe, expect, test } from 'vitest';
import { Cidr, Peer } from '../../lib';

describe('Peer', () => {
  test('pods in another namespace are an AND of both selectors', () => {
    expect(Peer.pods({ role: 'backup' }, { namespace: 'ops' }).toPolicyPeers('shop')).toEqual([{
      podSelector: { matchLabels: { role: 'backup' } },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } },
    }]);
    expect(Peer.pods({ role: 'backup' }, { namespace: 'shop' }).toPolicyPeers('shop')).toEqual([{ podSelector: { matchLabels: { role: 'backup' } } }]);
  });

  test('namespaces, all namespaces and CIDRs', () => {
    expect(Peer.namespace({ purpose: 'monitoring' }).toPolicyPeers('x')).toEqual([{ namespaceSelector: { matchLabels: { purpose: 'monitoring' } } }]);
    expect(Peer.namespaceNamed('ops').toPolicyPeers('x')).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } } }]);
    expect(Peer.allNamespaces().toPolicyPeers('x')).toEqual([{ namespaceSelector: {} }]);
    expect(Peer.cidr(Cidr.of('10.0.0.0/8').except('10.0.1.0/24')).toPolicyPeers('x')).toEqual([{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.1.0/24'] } }]);
  });

  test('the internet excludes private and link-local ranges in both families', () => {
    expect(Peer.internet().toPolicyPeers('x')).toEqual([
      { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] } },
      { ipBlock: { cidr: '::/0', except: ['fc00::/7', 'fe80::/10'] } },
    ]);
  });

  test('cluster DNS, NodeLocal DNSCache and the ingress controller have documented defaults', () => {
    expect(Peer.clusterDns().toPolicyPeers('shop')).toEqual([{
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    }]);
    expect(Peer.nodeLocalDns().toPolicyPeers('shop')).toEqual([{ ipBlock: { cidr: '169.254.20.10/32' } }]);
    expect(Peer.ingressController().toString()).toBe('ingress controller (pods {app.kubernetes.io/name=ingress-nginx} in ingress-nginx)');
  });

  test('an open block must be said with Peer.anywhere()', () => {
    expect(() => Peer.cidr(Cidr.anyIpv4())).toThrow('Peer.cidr(0.0.0.0/0): this block is every address. Say so with Peer.anywhere() (a named opt-in), or use Peer.internet() to keep private ranges and cloud metadata out.');
    expect(Peer.anywhere().isAnywhere).toBe(true);
  });

  test('selectors that would match everything, or bad labels, are refused', () => {
    expect(() => Peer.pods({})).toThrow('Peer.pods({}): no labels given, which would match every pod.');
    expect(() => Peer.namespace({ team: 'x'.repeat(64) })).toThrow('label "team" value "' + 'x'.repeat(64) + '" is 64 characters long (at most 63)');
    expect(() => Peer.namespaceNamed('Prod_1')).toThrow('Peer.namespaceNamed("Prod_1"): namespace name "Prod_1" must consist of lowercase letters');
  });
});

import { describe, expect, test } from 'vitest';
import { DnsConfig, Protocol, podFqdn, serviceFqdn, srvName } from '../../lib';

describe('DNS names', () => {
  test('service, headless pod and SRV names follow the Kubernetes DNS spec', () => {
    expect(serviceFqdn('api', 'production')).toBe('api.production.svc.cluster.local');
    expect(serviceFqdn('api', 'production', 'corp.internal')).toBe('api.production.svc.corp.internal');
    expect(podFqdn('db-0', 'db', 'shop')).toBe('db-0.db.shop.svc.cluster.local');
    expect(srvName('postgres', Protocol.TCP, 'db', 'shop')).toBe('_postgres._tcp.db.shop.svc.cluster.local');
  });
});

describe('DnsConfig', () => {
  test('ClusterFirst with ndots writes dnsConfig options', () => {
    expect(DnsConfig.clusterFirst({ ndots: 2, timeout: 2, options: { 'single-request-reopen': '' } }).toJson()).toEqual({
      dnsPolicy: 'ClusterFirst',
      dnsConfig: { options: [{ name: 'ndots', value: '2' }, { name: 'timeout', value: '2' }, { name: 'single-request-reopen' }] },
    });
  });

  test('all four policies', () => {
    expect(DnsConfig.clusterFirst().toJson()).toEqual({ dnsPolicy: 'ClusterFirst' });
    expect(DnsConfig.clusterFirstWithHostNet().policy).toBe('ClusterFirstWithHostNet');
    expect(DnsConfig.nodeDefault().policy).toBe('Default');
    expect(DnsConfig.none({ nameservers: ['1.1.1.1'], searches: ['corp.example.com'] }).toJson()).toEqual({
      dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['corp.example.com'] },
    });
  });

  test('invalid settings are refused as the API server would', () => {
    expect(() => DnsConfig.none({})).toThrow('DnsConfig.none: dnsPolicy None needs at least one nameserver (the pod would have no resolver). Add nameservers, or use DnsConfig.clusterFirst().');
    expect(() => DnsConfig.clusterFirst({ nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9', '1.0.0.1'] })).toThrow('DnsConfig.clusterFirst: 4 nameservers given (1.1.1.1, 8.8.8.8, 9.9.9.9, 1.0.0.1); the resolver reads at most 3 and the API server rejects more. Keep at most 3.');
    expect(() => DnsConfig.clusterFirst({ ndots: -1 })).toThrow('DnsConfig.clusterFirst: ndots -1 is outside 0-15 (resolv.conf caps ndots at 15). Pick a whole number in that range.');
    expect(() => DnsConfig.clusterFirst({ nameservers: ['dns.google'] })).toThrow('nameserver "dns.google" is not an IP address');
    expect(() => DnsConfig.clusterFirst({ searches: Array.from({ length: 33 }, (_, i) => `s${i}.example.com`) })).toThrow('33 search domains given; the API server accepts at most 32. Remove some.');
    expect(() => DnsConfig.clusterFirst({ searches: Array.from({ length: 30 }, (_, i) => `${'a'.repeat(60)}.s${i}.example.com`) })).toThrow('characters long in all; the API server accepts at most 2048');
    expect(() => DnsConfig.clusterFirst({ searches: ['Bad_Domain'] })).toThrow('search domain "Bad_Domain"');
  });
});

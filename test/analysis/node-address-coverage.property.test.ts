import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { AddressBook } from '../../lib/analysis/model/addresses';
import { WorkloadInfo } from '../../lib/analysis/input/objects';
import { parseCidr, parseIp, rangeContains } from '../../lib/net/ip';

/**
 * A host-network workload's coverage by blocks is counted over the input's node addresses by
 * binary search (clusters have thousands of nodes); it must equal the plain count, address by
 * address, for any nodes and any blocks with excepts.
 */
describe('node address coverage', () => {
  const agent = { namespace: 'infra', name: 'agent', ref: 'infra/agent', labels: {}, ports: [], hostNetwork: true } as unknown as WorkloadInfo;
  const address = fc.oneof(
    fc.tuple(fc.constantFrom(10, 192), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 })).map(([a, b, c]) => `${a}.${a === 192 ? 168 : b}.${b}.${c}`),
    fc.integer({ min: 0, max: 300 }).map((n) => `2001:db8::${n.toString(16)}`),
  );
  const cidr = fc.oneof(
    fc.tuple(fc.constantFrom('10.0.0.0', '10.1.0.0', '10.2.0.0', '192.168.0.0', '192.168.1.0', '10.0.0.128', '0.0.0.0'), fc.constantFrom(0, 8, 16, 23, 24, 25, 32)).map(([base, prefix]) => `${base}/${prefix}`),
    fc.constantFrom('2001:db8::/32', '2001:db8::/120', '2001:db8::100/121', '::/0'),
  ).filter((text) => parseCidr(text) !== undefined);
  const block = fc.record({ cidr, except: fc.array(cidr, { maxLength: 2 }) });

  test('equals the count address by address', () => {
    fc.assert(fc.property(fc.uniqueArray(address, { minLength: 1, maxLength: 40 }), fc.array(block, { minLength: 1, maxLength: 3 }), (ips, blocks) => {
      const nodes = ips.map((ip, i) => ({ name: `n${i}`, labels: {}, addresses: [parseIp(ip)!] }));
      const cidrs = blocks.map((b) => ({ range: parseCidr(b.cidr)!, except: b.except.map((e) => parseCidr(e)!) }));
      const inside = nodes.filter((n) => cidrs.some((c) => rangeContains(c.range, n.addresses[0]) && !c.except.some((e) => rangeContains(e, n.addresses[0])))).length;
      const expected = inside === nodes.length ? 'yes' : inside === 0 ? 'no' : 'depends';
      expect(new AddressBook([agent], nodes).coverage(0, cidrs)).toBe(expected);
    }), { seed: 20261203, numRuns: 500 });
  });
});

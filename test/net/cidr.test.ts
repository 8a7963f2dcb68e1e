import { describe, expect, test } from 'vitest';
import { Cidr } from '../../lib';
import { formatIp, parseIp } from '../../lib/net/ip';

describe('Cidr', () => {
  test('IPv4 and IPv6 blocks with excepts render as ipBlock', () => {
    expect(Cidr.of('10.0.0.0/8').except('10.0.1.0/24', '10.2.0.0/16').toIpBlock())
      .toEqual({ cidr: '10.0.0.0/8', except: ['10.0.1.0/24', '10.2.0.0/16'] });
    expect(Cidr.of('2001:db8::/32').except('2001:db8:1::/48').toIpBlock())
      .toEqual({ cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] });
    expect(Cidr.host('192.0.2.1').cidr).toBe('192.0.2.1/32');
    expect(Cidr.host('2001:db8::1').cidr).toBe('2001:db8::1/128');
  });

  test('a repeated except is written once, sorted', () => {
    expect(Cidr.of('10.0.0.0/8').except('10.9.0.0/16').except('10.1.0.0/16', '10.9.0.0/16').exceptions)
      .toEqual(['10.1.0.0/16', '10.9.0.0/16']);
  });

  test('bad blocks are refused with the fix', () => {
    expect(() => Cidr.of('10.0.0.0/33')).toThrow('Cidr.of("10.0.0.0/33"): the CIDR has prefix length "/33", which is not 0-32 for IPv4. Write a network address and a prefix length, such as 10.0.0.0/8 or 2001:db8::/32.');
    expect(() => Cidr.of('10.0.0.1/8')).toThrow('has host bits set (the network address is 10.0.0.0/8)');
    expect(() => Cidr.of('300.0.0.0/8')).toThrow('has an invalid IP address "300.0.0.0"');
    expect(() => Cidr.of('10.0.0.0')).toThrow('is not in address/prefix form');
    expect(() => Cidr.of('10.0.0.0/8').except('192.168.0.0/16')).toThrow('Cidr.of("10.0.0.0/8").except("192.168.0.0/16"): 192.168.0.0/16 is not strictly inside 10.0.0.0/8, and the API server rejects an except outside its CIDR. Remove it or widen the CIDR.');
    expect(() => Cidr.of('10.0.0.0/8').except('10.0.0.0/8')).toThrow('is not strictly inside');
    expect(() => Cidr.of('10.0.0.0/8').except('::/64')).toThrow('is not strictly inside');
  });
});

describe('IP parsing', () => {
  test.each([
    ['::', '::'], ['::1', '::1'], ['2001:db8:0:0:0:0:0:1', '2001:db8::1'], ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['fe80::1:0:0:1', 'fe80::1:0:0:1'], ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'], ['0.0.0.0', '0.0.0.0'],
  ])('%s formats as %s', (input, output) => {
    expect(formatIp(parseIp(input)!)).toBe(output);
  });

  test.each(['1:2:3:4:5:6:7:8:9', '1::2::3', '01.2.3.4', '1.2.3', 'g::1', '', '1.2.3.4.5'])('%s is not an address', (input) => {
    expect(parseIp(input)).toBeUndefined();
  });
});

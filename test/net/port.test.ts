import { describe, expect, test } from 'vitest';
import { Port, Protocol } from '../../lib';

describe('Port', () => {
  test('a named TCP port renders by name in policies and keeps its number', () => {
    const port = Port.tcp(5432, 'postgres');
    expect(port.toPolicyPort()).toEqual({ protocol: 'TCP', port: 'postgres' });
    expect(port.toPolicyPort({ byNumber: true })).toEqual({ protocol: 'TCP', port: 5432 });
    expect(port.toString()).toBe('TCP 5432 (postgres)');
    expect(port.key).toBe('tcp-postgres');
  });

  test('UDP, SCTP and ranges render with endPort', () => {
    expect(Port.udp(53).toPolicyPort()).toEqual({ protocol: 'UDP', port: 53 });
    expect(Port.sctp(9000).protocol).toBe(Protocol.SCTP);
    expect(Port.tcpRange(6379, 6400).toPolicyPort()).toEqual({ protocol: 'TCP', port: 6379, endPort: 6400 });
    expect(Port.udpRange(1000, 1000).toPolicyPort()).toEqual({ protocol: 'UDP', port: 1000 });
  });

  test('every port of a protocol is 1-65535, never port 0', () => {
    expect(Port.allOf(Protocol.TCP).toPolicyPort()).toEqual({ protocol: 'TCP', port: 1, endPort: 65535 });
  });

  test('names follow IANA_SVC_NAME', () => {
    expect(Port.tcp(80, 'http-alt2').name).toBe('http-alt2');
    expect(() => Port.tcp(80, 'a-very-long-name-x')).toThrow('Port.tcp(80, "a-very-long-name-x"): the port name "a-very-long-name-x" is 18 characters long (at most 15). Use a name such as "http", "grpc" or "metrics".');
    expect(() => Port.tcp(80, '8080')).toThrow('must contain at least one letter');
    expect(() => Port.tcp(80, 'http--x')).toThrow("must not contain '--'");
    expect(() => Port.tcp(80, '-http')).toThrow("must not start or end with '-'");
    expect(() => Port.tcp(80, 'HTTP')).toThrow("may contain only lowercase letters, digits and '-'");
  });

  test('numbers outside 1-65535 are refused', () => {
    expect(() => Port.tcp(0)).toThrow('Port.tcp(0): 0 is not a valid port number. Use a whole number from 1 to 65535.');
    expect(() => Port.udp(65536)).toThrow('Port.udp(65536): 65536 is not a valid port number.');
    expect(() => Port.tcp(80.5)).toThrow('80.5 is not a valid port number');
    expect(() => Port.tcpRange(10, 5)).toThrow('Port.tcpRange(10, 5): the range ends (5) before it starts (10). Give the lower port first.');
  });
});

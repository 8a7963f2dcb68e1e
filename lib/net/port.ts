import { portNameProblem } from './names';
import { failValue } from '../private/errors';

/** Transport protocols a Kubernetes port may use. */
export enum Protocol {
  /** Transmission Control Protocol: the default everywhere. */
  TCP = 'TCP',
  /** User Datagram Protocol (DNS, QUIC, syslog, ...). */
  UDP = 'UDP',
  /** Stream Control Transmission Protocol (telecom signalling). */
  SCTP = 'SCTP',
}

/** The JSON shape of a NetworkPolicy port (networking.k8s.io/v1 NetworkPolicyPort). */
export interface PolicyPortJson {
  /** `TCP`, `UDP` or `SCTP`. */
  readonly protocol: string;
  /** A port number, or a port name resolved on the destination pod. @default - every port of the protocol */
  readonly port?: number | string;
  /** The last port of a range starting at `port` (a number then). @default - `port` alone */
  readonly endPort?: number;
}

/**
 * A port: a protocol plus a number, a name, or a range.
 *
 * A container port has a number and, ideally, a name (Services and policies then refer to
 * it by name, so renumbering the container does not break them). A policy port may be a
 * number, a name (resolved on the destination pod) or a range (`endPort`).
 *
 * ```ts
 * Port.tcp(5432, 'postgres');
 * Port.udp(53);
 * Port.tcpRange(6379, 6400);
 * Port.named('metrics');
 * ```
 */
export class Port {
  /** A TCP port, optionally named (IANA_SVC_NAME rules). */
  public static tcp(port: number, name?: string): Port {
    return Port.numbered(Protocol.TCP, port, name, 'Port.tcp');
  }

  /** A UDP port, optionally named. */
  public static udp(port: number, name?: string): Port {
    return Port.numbered(Protocol.UDP, port, name, 'Port.udp');
  }

  /** An SCTP port, optionally named. */
  public static sctp(port: number, name?: string): Port {
    return Port.numbered(Protocol.SCTP, port, name, 'Port.sctp');
  }

  /** A port of any protocol. */
  public static of(protocol: Protocol, port: number, name?: string): Port {
    return Port.numbered(protocol, port, name, 'Port.of');
  }

  /** A TCP port range `from`-`to` inclusive, for NetworkPolicy `endPort`. */
  public static tcpRange(from: number, to: number): Port {
    return Port.range(Protocol.TCP, from, to, 'Port.tcpRange');
  }

  /** A UDP port range `from`-`to` inclusive, for NetworkPolicy `endPort`. */
  public static udpRange(from: number, to: number): Port {
    return Port.range(Protocol.UDP, from, to, 'Port.udpRange');
  }

  /**
   * Every port of a protocol, written as the range 1-65535. (cdk8s-plus writes `port: 0`
   * for this, which the API server rejects.)
   */
  public static allOf(protocol: Protocol): Port {
    return new Port(protocol, 1, undefined, 65535);
  }

  /**
   * A port known only by name. In a NetworkPolicy it matches the destination pod's
   * container port of that name; a pod without such a port matches nothing.
   */
  public static named(name: string, protocol: Protocol = Protocol.TCP): Port {
    const problem = portNameProblem(name);
    if (problem) failValue(`Port.named(${JSON.stringify(name)})`, `the port name ${problem}. Use a name such as "http" or "metrics".`);
    return new Port(protocol, undefined, name, undefined);
  }

  private static numbered(protocol: Protocol, port: number, name: string | undefined, factory: string): Port {
    const where = name === undefined ? `${factory}(${port})` : `${factory}(${port}, ${JSON.stringify(name)})`;
    checkNumber(where, port);
    if (name !== undefined) {
      const problem = portNameProblem(name);
      if (problem) failValue(where, `the port name "${name}" ${problem}. Use a name such as "http", "grpc" or "metrics".`);
    }
    return new Port(protocol, port, name, undefined);
  }

  private static range(protocol: Protocol, from: number, to: number, factory: string): Port {
    const where = `${factory}(${from}, ${to})`;
    checkNumber(where, from);
    checkNumber(where, to);
    if (to < from) failValue(where, `the range ends (${to}) before it starts (${from}). Give the lower port first.`);
    return new Port(protocol, from, undefined, to === from ? undefined : to);
  }

  private constructor(
    /** The transport protocol. */
    public readonly protocol: Protocol,
    /** The port number (the first of a range); undefined for a port known only by name. */
    public readonly number: number | undefined,
    /** The port name, if any. */
    public readonly name: string | undefined,
    /** The last port of a range (inclusive), if this is a range. */
    public readonly endPort: number | undefined,
  ) {}

  /** True when the port has a number and is not a range: it can be a container or Service port. */
  public get isSingleNumbered(): boolean {
    return this.number !== undefined && this.endPort === undefined;
  }

  /**
   * The NetworkPolicy form. A named port is written by name, so the policy follows the
   * container if its number changes; `byNumber` forces the number.
   */
  public toPolicyPort(options: { byNumber?: boolean } = {}): PolicyPortJson {
    if (this.name !== undefined && (!options.byNumber || this.number === undefined)) {
      return { protocol: this.protocol, port: this.name };
    }
    if (this.endPort !== undefined) return { protocol: this.protocol, port: this.number, endPort: this.endPort };
    return { protocol: this.protocol, port: this.number };
  }

  /** A short stable key for construct ids and rule de-duplication, e.g. `tcp-http`, `udp-53`, `tcp-6379-6400`. */
  public get key(): string {
    const proto = this.protocol.toLowerCase();
    if (this.name !== undefined) return `${proto}-${this.name}`;
    if (this.endPort !== undefined) return `${proto}-${this.number}-${this.endPort}`;
    return `${proto}-${this.number}`;
  }

  /** Human form: `TCP 8080 (http)`, `UDP 53`, `TCP 6379-6400`, `TCP port named metrics`. */
  public toString(): string {
    if (this.number === undefined) return `${this.protocol} port named ${this.name}`;
    const numbers = this.endPort !== undefined ? `${this.number}-${this.endPort}` : `${this.number}`;
    return this.name ? `${this.protocol} ${numbers} (${this.name})` : `${this.protocol} ${numbers}`;
  }
}

function checkNumber(where: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    failValue(where, `${port} is not a valid port number. Use a whole number from 1 to 65535.`);
  }
}

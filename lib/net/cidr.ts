import { cidrProblem, IpRange, parseCidr, rangeStrictlyInside } from './ip';
import { failValue } from '../private/errors';

/** The JSON shape of a NetworkPolicy ipBlock. */
export interface IpBlockJson {
  /** The block, e.g. `10.0.0.0/8`. */
  readonly cidr: string;
  /** Blocks inside `cidr` that are left out. @default - none */
  readonly except?: string[];
}

/**
 * An IPv4 or IPv6 CIDR block, optionally with exceptions, for NetworkPolicy `ipBlock`
 * peers and LoadBalancer source ranges.
 *
 * ```ts
 * Cidr.of('10.0.0.0/8').except('10.0.1.0/24');
 * Cidr.anyIpv4();
 * ```
 *
 * Validation is stricter than the API server's: host bits must be clear (`10.0.0.1/8` is
 * refused, with the network address suggested), because a block written with host bits
 * usually means the author intended a different range.
 */
export class Cidr {
  /** Parses and validates a CIDR such as `10.0.0.0/8` or `2001:db8::/32`. */
  public static of(cidr: string): Cidr {
    const problem = cidrProblem(cidr);
    if (problem) failValue(`Cidr.of(${JSON.stringify(cidr)})`, `the CIDR ${problem}. Write a network address and a prefix length, such as 10.0.0.0/8 or 2001:db8::/32.`);
    return new Cidr(cidr, parseCidr(cidr)!, []);
  }

  /** A single IPv4 or IPv6 address as a /32 or /128 block. */
  public static host(address: string): Cidr {
    const bits = address.includes(':') ? 128 : 32;
    return Cidr.of(`${address}/${bits}`);
  }

  /** Every IPv4 address, `0.0.0.0/0`. */
  public static anyIpv4(): Cidr {
    return Cidr.of('0.0.0.0/0');
  }

  /** Every IPv6 address, `::/0`. */
  public static anyIpv6(): Cidr {
    return Cidr.of('::/0');
  }

  private constructor(
    /** The block, e.g. `10.0.0.0/8`. */
    public readonly cidr: string,
    private readonly range: IpRange,
    /** Blocks inside this one that are excluded. */
    public readonly exceptions: readonly string[],
  ) {}

  /** IP family: 4 or 6. */
  public get family(): 4 | 6 {
    return this.range.family;
  }

  /**
   * A copy that excludes the given blocks. Each must lie strictly inside this block, as
   * the API server requires.
   */
  public except(...blocks: string[]): Cidr {
    const added: string[] = [];
    for (const block of blocks) {
      const where = `Cidr.of(${JSON.stringify(this.cidr)}).except(${JSON.stringify(block)})`;
      const problem = cidrProblem(block);
      if (problem) failValue(where, `the except block ${problem}. Write it like 10.0.1.0/24.`);
      if (!rangeStrictlyInside(this.range, parseCidr(block)!)) {
        failValue(where, `${block} is not strictly inside ${this.cidr}, and the API server rejects an except outside its CIDR. Remove it or widen the CIDR.`);
      }
      if (!this.exceptions.includes(block) && !added.includes(block)) added.push(block);
    }
    return new Cidr(this.cidr, this.range, [...this.exceptions, ...added].sort());
  }

  /** The NetworkPolicy ipBlock form. */
  public toIpBlock(): IpBlockJson {
    return this.exceptions.length > 0 ? { cidr: this.cidr, except: [...this.exceptions] } : { cidr: this.cidr };
  }

  /** e.g. `10.0.0.0/8 except 10.0.1.0/24`. */
  public toString(): string {
    return this.exceptions.length > 0 ? `${this.cidr} except ${this.exceptions.join(', ')}` : this.cidr;
  }
}

/**
 * Which policy API a namespace's intents are written in. The intent API stays one
 * (`connectTo`, `allowEgressTo`, `allowFrom`); the dialect decides what is written, and intents
 * that only a dialect can say (a host by DNS name) are refused elsewhere, naming the option.
 *
 * ```ts
 * new SecureNamespace(chart, 'shop', { dialect: NetworkDialect.cilium() });
 * ```
 */
export class NetworkDialect {
  /** networking.k8s.io/v1 NetworkPolicy: what every conformant network plugin enforces. */
  public static kubernetes(): NetworkDialect {
    return new NetworkDialect('kubernetes');
  }

  /**
   * NetworkPolicy plus cilium.io/v2 CiliumNetworkPolicy for what NetworkPolicy cannot say:
   * egress to hosts by DNS name (`Peer.fqdn`), with the DNS-proxy rule that lets pods look
   * the names up. Only for clusters that run Cilium.
   */
  public static cilium(): NetworkDialect {
    return new NetworkDialect('cilium');
  }

  private constructor(
    /** `kubernetes` or `cilium`. */
    public readonly name: 'kubernetes' | 'cilium',
  ) {}

  /** Whether CiliumNetworkPolicy may be written. */
  public get isCilium(): boolean {
    return this.name === 'cilium';
  }

  /** The dialect as a person reads it. */
  public toString(): string {
    return `NetworkDialect.${this.name}()`;
  }
}

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

  /**
   * Calico's projectcalico.org/v3 kinds for cluster-wide rules: {@link ClusterGuardrails}
   * writes GlobalNetworkPolicies in a Calico Tier (with the Tier itself) instead of
   * network-policy-api objects. Namespaces keep writing NetworkPolicy, which Calico enforces
   * in its default tier. Only for clusters that run Calico.
   */
  public static calico(options: CalicoDialectOptions = {}): NetworkDialect {
    return new NetworkDialect('calico', {
      tier: options.tier ?? 'netkit-guardrails',
      order: options.order ?? 100,
      baselineTier: options.baselineTier ?? `${options.tier ?? 'netkit-guardrails'}-baseline`,
      baselineOrder: options.baselineOrder ?? 2_000_000,
    });
  }

  private constructor(
    /** `kubernetes`, `cilium` or `calico`. */
    public readonly name: 'kubernetes' | 'cilium' | 'calico',
    /** The Calico tiers guardrails are written in (the `calico` dialect only). @default - none */
    public readonly calicoTiers?: Required<CalicoDialectOptions>,
  ) {}

  /** Whether CiliumNetworkPolicy may be written. */
  public get isCilium(): boolean {
    return this.name === 'cilium';
  }

  /** Whether Calico's kinds may be written. */
  public get isCalico(): boolean {
    return this.name === 'calico';
  }

  /** The dialect as a person reads it. */
  public toString(): string {
    return `NetworkDialect.${this.name}()`;
  }
}

/** Options for {@link NetworkDialect.calico}. */
export interface CalicoDialectOptions {
  /** The Tier Admin-tier guardrails go in (written with them). @default 'netkit-guardrails' */
  readonly tier?: string;
  /**
   * That Tier's order: lower is evaluated first; it must come before Calico's default tier
   * (order 1,000,000), where namespaces' NetworkPolicies are.
   * @default 100
   */
  readonly order?: number;
  /** The Tier Baseline-tier guardrails go in, after the default tier. @default - `<tier>-baseline` */
  readonly baselineTier?: string;
  /** That Tier's order: after the default tier's 1,000,000. @default 2_000_000 */
  readonly baselineOrder?: number;
}

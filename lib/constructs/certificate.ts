/** A cert-manager issuer reference. */
export class IssuerRef {
  /** A cluster-wide `ClusterIssuer`. */
  public static cluster(name: string): IssuerRef {
    return new IssuerRef(name, 'ClusterIssuer');
  }

  /** An `Issuer` in the Ingress's namespace. */
  public static namespaced(name: string): IssuerRef {
    return new IssuerRef(name, 'Issuer');
  }

  private constructor(
    /** The issuer's name. */
    public readonly name: string,
    /** A cluster-wide `ClusterIssuer`, or an `Issuer` in the object's namespace. */
    public readonly kind: 'ClusterIssuer' | 'Issuer',
  ) {}
}

/** Options for an explicit cert-manager Certificate. */
export interface ExplicitCertificateOptions {
  /** The cert-manager issuer that signs it. */
  readonly issuer: IssuerRef;
  /** Certificate lifetime, as cert-manager parses it (e.g. `2160h`). @default - the issuer's */
  readonly duration?: string;
  /** How long before expiry to renew (e.g. `360h`). @default - cert-manager's (a third of the lifetime) */
  readonly renewBefore?: string;
}

/** @internal */
export type CertificateSpec =
  | { readonly kind: 'annotation'; readonly issuer: IssuerRef; readonly secretName?: string }
  | { readonly kind: 'explicit'; readonly options: ExplicitCertificateOptions; readonly secretName?: string }
  | { readonly kind: 'secret'; readonly secretName: string };

/**
 * Where an Ingress's TLS certificate comes from.
 *
 * ```ts
 * Certificate.clusterIssuer('letsencrypt-prod');               // cert-manager ingress-shim annotation
 * Certificate.explicit({ issuer: IssuerRef.cluster('corp-ca') }); // a cert-manager.io/v1 Certificate object
 * Certificate.existingSecret('shop-tls');                       // a Secret you manage
 * ```
 */
export class Certificate {
  /** cert-manager issues it from a ClusterIssuer (annotation `cert-manager.io/cluster-issuer`). */
  public static clusterIssuer(name: string, options: { secretName?: string } = {}): Certificate {
    return new Certificate({ kind: 'annotation', issuer: IssuerRef.cluster(name), secretName: options.secretName });
  }

  /** cert-manager issues it from an Issuer in the namespace (annotation `cert-manager.io/issuer`). */
  public static issuer(name: string, options: { secretName?: string } = {}): Certificate {
    return new Certificate({ kind: 'annotation', issuer: IssuerRef.namespaced(name), secretName: options.secretName });
  }

  /** A cert-manager.io/v1 Certificate whose dnsNames are the Ingress's hosts. */
  public static explicit(options: ExplicitCertificateOptions & { secretName?: string }): Certificate {
    return new Certificate({ kind: 'explicit', options, secretName: options.secretName });
  }

  /** A TLS Secret you provide (no cert-manager). */
  public static existingSecret(secretName: string): Certificate {
    return new Certificate({ kind: 'secret', secretName });
  }

  /** @internal */
  public readonly _spec: CertificateSpec;

  private constructor(spec: CertificateSpec) {
    this._spec = spec;
  }
}

/**
 * The JSON shapes of network-policy-api's cluster-scoped policies, as their published CRD
 * schemas define them (policy.networking.k8s.io; no maintained npm binding exists, so these
 * interfaces are written from the CRDs' OpenAPI schemas; the objects are then checked with
 * the same CRD validation the analyzer applies, `readClusterPolicy`).
 *
 * Only the standard-channel fields are here. The experimental peers (`nodes`, `domainNames`)
 * and `destinationNamedPort` are left out on purpose: a standard-channel CRD prunes them,
 * which would silently change what a rule matches.
 */

/** A label selector (meta/v1 LabelSelector). */
export interface LabelSelectorJson {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; readonly values?: readonly string[] }>;
}

/** Pods by namespace and pod selector. */
export interface NamespacedPodJson {
  readonly namespaceSelector: LabelSelectorJson;
  readonly podSelector: LabelSelectorJson;
}

/** The pods a policy applies to: exactly one field. */
export interface ClusterPolicySubjectJson {
  readonly namespaces?: LabelSelectorJson;
  readonly pods?: NamespacedPodJson;
}

/** An ingress peer: exactly one field. */
export interface ClusterPolicyIngressPeerJson {
  readonly namespaces?: LabelSelectorJson;
  readonly pods?: NamespacedPodJson;
}

/** An egress peer: exactly one field; `networks` holds 1-25 CIDRs. */
export interface ClusterPolicyEgressPeerJson extends ClusterPolicyIngressPeerJson {
  readonly networks?: readonly string[];
}

// ---- ClusterNetworkPolicy, v1alpha2 ----

/** A destination port: a number, or a range with start < end. */
export interface DestinationPortJson {
  readonly number?: number;
  readonly range?: { readonly start: number; readonly end: number };
}

/** One protocol match: exactly one of tcp, udp, sctp. */
export interface ClusterNetworkPolicyProtocolJson {
  readonly tcp?: { readonly destinationPort: DestinationPortJson };
  readonly udp?: { readonly destinationPort: DestinationPortJson };
  readonly sctp?: { readonly destinationPort: DestinationPortJson };
}

/** A ClusterNetworkPolicy rule's common fields. */
interface ClusterNetworkPolicyRuleJson {
  readonly name?: string;
  readonly action: 'Accept' | 'Deny' | 'Pass';
  readonly protocols?: readonly ClusterNetworkPolicyProtocolJson[];
}

/** The ClusterNetworkPolicy object. */
export interface ClusterNetworkPolicyJson {
  readonly apiVersion: 'policy.networking.k8s.io/v1alpha2';
  readonly kind: 'ClusterNetworkPolicy';
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly spec: {
    readonly tier: 'Admin' | 'Baseline';
    readonly priority: number;
    readonly subject: ClusterPolicySubjectJson;
    readonly ingress?: ReadonlyArray<ClusterNetworkPolicyRuleJson & { readonly from: readonly ClusterPolicyIngressPeerJson[] }>;
    readonly egress?: ReadonlyArray<ClusterNetworkPolicyRuleJson & { readonly to: readonly ClusterPolicyEgressPeerJson[] }>;
  };
}

// ---- AdminNetworkPolicy and BaselineAdminNetworkPolicy, v1alpha1 ----

/** One port match: exactly one of portNumber, portRange (namedPort is left out: see above). */
export interface AdminNetworkPolicyPortJson {
  readonly portNumber?: { readonly protocol: 'TCP' | 'UDP' | 'SCTP'; readonly port: number };
  readonly portRange?: { readonly protocol: 'TCP' | 'UDP' | 'SCTP'; readonly start: number; readonly end: number };
}

/** A v1alpha1 rule's common fields; the Baseline tier has no Pass. */
interface AdminNetworkPolicyRuleJson<Action extends string> {
  readonly name?: string;
  readonly action: Action;
  readonly ports?: readonly AdminNetworkPolicyPortJson[];
}

/** The v1alpha1 spec of either kind (the Baseline one has no priority). */
interface AdminNetworkPolicySpecJson<Action extends string> {
  readonly subject: ClusterPolicySubjectJson;
  readonly ingress?: ReadonlyArray<AdminNetworkPolicyRuleJson<Action> & { readonly from: readonly ClusterPolicyIngressPeerJson[] }>;
  readonly egress?: ReadonlyArray<AdminNetworkPolicyRuleJson<Action> & { readonly to: readonly ClusterPolicyEgressPeerJson[] }>;
}

/** The AdminNetworkPolicy object. */
export interface AdminNetworkPolicyJson {
  readonly apiVersion: 'policy.networking.k8s.io/v1alpha1';
  readonly kind: 'AdminNetworkPolicy';
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly spec: AdminNetworkPolicySpecJson<'Allow' | 'Deny' | 'Pass'> & { readonly priority: number };
}

/** The BaselineAdminNetworkPolicy object: a singleton named `default`. */
export interface BaselineAdminNetworkPolicyJson {
  readonly apiVersion: 'policy.networking.k8s.io/v1alpha1';
  readonly kind: 'BaselineAdminNetworkPolicy';
  readonly metadata: { readonly name: 'default'; readonly labels?: Record<string, string> };
  readonly spec: AdminNetworkPolicySpecJson<'Allow' | 'Deny'>;
}

/** Any of the three. */
export type ClusterPolicyJson = ClusterNetworkPolicyJson | AdminNetworkPolicyJson | BaselineAdminNetworkPolicyJson;

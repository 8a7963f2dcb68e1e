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
  /** Labels that must all be present with these values. @default - no label required */
  readonly matchLabels?: Record<string, string>;
  /** Set-based requirements, all of which must hold. @default - none */
  readonly matchExpressions?: ReadonlyArray<{
    /** The label key the requirement is about. */
    readonly key: string;
    /** How the label's value relates to `values`. */
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    /** The values for `In` and `NotIn`; empty for `Exists` and `DoesNotExist`. @default - none */
    readonly values?: readonly string[];
  }>;
}

/** Pods by namespace and pod selector. */
export interface NamespacedPodJson {
  /** The namespaces the pods are in (`{}`: every namespace). */
  readonly namespaceSelector: LabelSelectorJson;
  /** The pods within those namespaces (`{}`: every pod). */
  readonly podSelector: LabelSelectorJson;
}

/** The pods a policy applies to: exactly one field. */
export interface ClusterPolicySubjectJson {
  /** Every pod in the namespaces this selects. @default - none (then `pods`) */
  readonly namespaces?: LabelSelectorJson;
  /** The pods these selectors pick. @default - none (then `namespaces`) */
  readonly pods?: NamespacedPodJson;
}

/** An ingress peer: exactly one field. */
export interface ClusterPolicyIngressPeerJson {
  /** Every pod in the namespaces this selects. @default - none (then another field) */
  readonly namespaces?: LabelSelectorJson;
  /** The pods these selectors pick. @default - none (then another field) */
  readonly pods?: NamespacedPodJson;
}

/** An egress peer: exactly one field; `networks` holds 1-25 CIDRs. */
export interface ClusterPolicyEgressPeerJson extends ClusterPolicyIngressPeerJson {
  /** 1-25 CIDRs (pods whose addresses they hold are covered too, per the API's text). @default - none (then another field) */
  readonly networks?: readonly string[];
}

// ---- ClusterNetworkPolicy, v1alpha2 ----

/** A destination port: a number, or a range with start < end. */
export interface DestinationPortJson {
  /** One port, 1-65535. @default - none (then `range`) */
  readonly number?: number;
  /** Ports `start` to `end`, both included, with start < end. @default - none (then `number`) */
  readonly range?: {
    /** The first port of the range. */
    readonly start: number;
    /** The last port of the range. */
    readonly end: number;
  };
}

/** One protocol match: exactly one of tcp, udp, sctp. */
export interface ClusterNetworkPolicyProtocolJson {
  /** TCP to these destination ports. @default - none (then another protocol) */
  readonly tcp?: {
    /** The destination port or range. */
    readonly destinationPort: DestinationPortJson;
  };
  /** UDP to these destination ports. @default - none (then another protocol) */
  readonly udp?: {
    /** The destination port or range. */
    readonly destinationPort: DestinationPortJson;
  };
  /** SCTP to these destination ports. @default - none (then another protocol) */
  readonly sctp?: {
    /** The destination port or range. */
    readonly destinationPort: DestinationPortJson;
  };
}

/** A ClusterNetworkPolicy rule's common fields. */
export interface ClusterNetworkPolicyRuleJson {
  /** A name for status and audit logs. @default - none */
  readonly name?: string;
  /** Accept and Deny are final; Pass hands the decision to the next tier. */
  readonly action: 'Accept' | 'Deny' | 'Pass';
  /** The protocols and ports the rule matches. @default - every protocol and port */
  readonly protocols?: readonly ClusterNetworkPolicyProtocolJson[];
}

/** The ClusterNetworkPolicy object. */
export interface ClusterNetworkPolicyJson {
  /** The API group and version. */
  readonly apiVersion: 'policy.networking.k8s.io/v1alpha2';
  /** The kind. */
  readonly kind: 'ClusterNetworkPolicy';
  /** The (cluster-scoped) name, and labels. */
  readonly metadata: ClusterPolicyMetadataJson;
  /** What the policy says. */
  readonly spec: {
    /** Admin decides before NetworkPolicy; Baseline only where no NetworkPolicy decided. */
    readonly tier: 'Admin' | 'Baseline';
    /** 0-1000, lower first. */
    readonly priority: number;
    /** The pods the policy applies to. */
    readonly subject: ClusterPolicySubjectJson;
    /** Ingress rules, first match decides. @default - none */
    readonly ingress?: ReadonlyArray<ClusterNetworkPolicyRuleJson & {
      /** The sources the rule matches. */
      readonly from: readonly ClusterPolicyIngressPeerJson[];
    }>;
    /** Egress rules, first match decides. @default - none */
    readonly egress?: ReadonlyArray<ClusterNetworkPolicyRuleJson & {
      /** The destinations the rule matches. */
      readonly to: readonly ClusterPolicyEgressPeerJson[];
    }>;
  };
}

/** A cluster policy's metadata: a cluster-scoped name, and labels. */
export interface ClusterPolicyMetadataJson {
  /** The object's name. */
  readonly name: string;
  /** Labels. @default - none */
  readonly labels?: Record<string, string>;
}

// ---- AdminNetworkPolicy and BaselineAdminNetworkPolicy, v1alpha1 ----

/** One port match: exactly one of portNumber, portRange (namedPort is left out: see above). */
export interface AdminNetworkPolicyPortJson {
  /** One port of one protocol. @default - none (then `portRange`) */
  readonly portNumber?: {
    /** The protocol. */
    readonly protocol: 'TCP' | 'UDP' | 'SCTP';
    /** The port, 1-65535. */
    readonly port: number;
  };
  /** A range of ports of one protocol. @default - none (then `portNumber`) */
  readonly portRange?: {
    /** The protocol. */
    readonly protocol: 'TCP' | 'UDP' | 'SCTP';
    /** The first port of the range. */
    readonly start: number;
    /** The last port of the range (greater than `start`). */
    readonly end: number;
  };
}

/** A v1alpha1 rule's common fields; the Baseline tier has no Pass. */
export interface AdminNetworkPolicyRuleJson<Action extends string> {
  /** A name for status and audit logs. @default - none */
  readonly name?: string;
  /** What a match does. */
  readonly action: Action;
  /** The ports the rule matches. @default - every port */
  readonly ports?: readonly AdminNetworkPolicyPortJson[];
}

/** The v1alpha1 spec of either kind (the Baseline one has no priority). */
export interface AdminNetworkPolicySpecJson<Action extends string> {
  /** The pods the policy applies to. */
  readonly subject: ClusterPolicySubjectJson;
  /** Ingress rules, first match decides. @default - none */
  readonly ingress?: ReadonlyArray<AdminNetworkPolicyRuleJson<Action> & {
    /** The sources the rule matches. */
    readonly from: readonly ClusterPolicyIngressPeerJson[];
  }>;
  /** Egress rules, first match decides. @default - none */
  readonly egress?: ReadonlyArray<AdminNetworkPolicyRuleJson<Action> & {
    /** The destinations the rule matches. */
    readonly to: readonly ClusterPolicyEgressPeerJson[];
  }>;
}

/** The AdminNetworkPolicy object. */
export interface AdminNetworkPolicyJson {
  /** The API group and version. */
  readonly apiVersion: 'policy.networking.k8s.io/v1alpha1';
  /** The kind. */
  readonly kind: 'AdminNetworkPolicy';
  /** The (cluster-scoped) name, and labels. */
  readonly metadata: ClusterPolicyMetadataJson;
  /** What the policy says. */
  readonly spec: AdminNetworkPolicySpecJson<'Allow' | 'Deny' | 'Pass'> & {
    /** 0-1000, lower first. */
    readonly priority: number;
  };
}

/** The BaselineAdminNetworkPolicy object: a singleton named `default`. */
export interface BaselineAdminNetworkPolicyJson {
  /** The API group and version. */
  readonly apiVersion: 'policy.networking.k8s.io/v1alpha1';
  /** The kind. */
  readonly kind: 'BaselineAdminNetworkPolicy';
  /** The singleton's name, `default`, and labels. */
  readonly metadata: ClusterPolicyMetadataJson & {
    /** Always `default`: the API server refuses any other name. */
    readonly name: 'default';
  };
  /** What the policy says. */
  readonly spec: AdminNetworkPolicySpecJson<'Allow' | 'Deny'>;
}

/** Any of the three. */
export type ClusterPolicyJson = ClusterNetworkPolicyJson | AdminNetworkPolicyJson | BaselineAdminNetworkPolicyJson;

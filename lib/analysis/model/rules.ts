/**
 * The one rule model every policy dialect compiles into. A dialect's reader (dialects/*)
 * turns its objects into rule sets; the compiled model (compiled-model.ts, tiers.ts) indexes
 * them per workload and direction; the queries (queries/*) read nothing else.
 *
 * Per direction, traffic meets the tiers in this order:
 * 1. `Admin`: first matching rule by priority decides (Accept and Deny final, Pass goes on);
 *    then `Deny`: any matching deny rule denies (Cilium's ingressDeny/egressDeny, which win over
 *    every allow);
 * 2. `NetworkPolicy`: rule sets that isolate a workload; it is allowed only if one of their
 *    rules allows (a union), and nothing after this tier is asked;
 * 3. `Baseline`: first matching rule by priority, for traffic no isolating rule set decided;
 * 4. otherwise allowed.
 */
import { SourcedObject } from '../input/loader';
import { PolicyProtocol } from './port-set';
import { Selector } from './selectors';
import { IpRange } from '../../net/ip';

/** Where a rule set stands in the evaluation order (see the file comment). */
export type TierName = 'Admin' | 'Deny' | 'NetworkPolicy' | 'Baseline';

/** What a matching rule does. NetworkPolicy rules only accept. */
export type RuleAction = 'Accept' | 'Deny' | 'Pass';

/** Who a rule is about: the other end of the connection. */
export type RulePeer =
  | {
    /** Pods by selector. */
    readonly kind: 'pods';
    /** Which pods. @default - every pod of the selected namespaces */
    readonly podSelector?: Selector;
    /** Which namespaces. @default - the rule set's own (a NetworkPolicy's namespace) */
    readonly namespaceSelector?: Selector;
  }
  | {
    /** Addresses outside the cluster (a NetworkPolicy ipBlock: pods are not matched, see queries/network-model.ts). */
    readonly kind: 'ipBlock';
    /** The block. */
    readonly cidr: IpRange;
    /** Blocks inside it that are left out. */
    readonly except: readonly IpRange[];
    /** The block as written. */
    readonly text: string;
  }
  | {
    /** Addresses wherever they are, pods and nodes included (a ClusterNetworkPolicy `networks` peer). */
    readonly kind: 'networks';
    /** The blocks. */
    readonly ranges: readonly IpRange[];
    /** The blocks as written. */
    readonly text: readonly string[];
  }
  | {
    /** Nodes by label: their addresses, and host-network pods on them. */
    readonly kind: 'nodes';
    /** The node selector. */
    readonly selector: Selector;
    /** Where it was written, for messages. */
    readonly text: string;
  }
  | {
    /**
     * Cilium endpoints: pods whose identity labels (their labels, `io.kubernetes.pod.namespace`,
     * `io.cilium.k8s.policy.serviceaccount`, `io.cilium.k8s.namespace.labels.*`) the selector
     * matches, in `namespace`: the one the selector names, else the rule set's when it is namespaced.
     */
    readonly kind: 'endpoints';
    /** The selector over identity labels (`k8s:` and `any:` prefixes dropped). */
    readonly selector: Selector;
    /** The namespace it is held to. @default - every namespace */
    readonly namespace?: string;
  }
  | {
    /** A Cilium entity: `world`, `cluster`, `host`, `remote-node`, `kube-apiserver`, `all`, ... */
    readonly kind: 'entity';
    /** The entity's name. */
    readonly name: string;
  }
  | {
    /** Cilium CIDRs: addresses outside the cluster only (never pods or nodes, by Cilium's CIDR law). */
    readonly kind: 'cidr';
    /** The block. */
    readonly range: IpRange;
    /** Blocks inside it that are left out. */
    readonly except: readonly IpRange[];
    /** The block as written. */
    readonly text: string;
  }
  | {
    /** Cilium `toFQDNs`: hosts by DNS name, exact or by pattern (`*.stripe.com`). */
    readonly kind: 'fqdn';
    /** `matchName` or `matchPattern`, as written. */
    readonly text: string;
    /** Whether `text` is a pattern. */
    readonly pattern: boolean;
  }
  | {
    /** A peer the API server would refuse: it matches nothing. */
    readonly kind: 'invalid';
    /** Why. */
    readonly reason: string;
  }
  | {
    /** Read, but not modelled (the reader adds a notice): it matches nothing. */
    readonly kind: 'unmodelled';
    /** The field, e.g. `domainNames`. */
    readonly what: string;
  };

/** The ports a rule is about. */
export interface RulePort {
  /**
   * The protocol.
   * @default - for a named port, whatever protocol the destination declares it with
   */
  readonly protocol?: PolicyProtocol;
  /** A number, or a name resolved on the destination pod. @default - every port of the protocol */
  readonly port?: number | string;
  /** The last port of a range from `port`. @default - `port` alone */
  readonly endPort?: number;
  /** Layer 7 rules on these ports (Cilium): a request is allowed if one of them matches. @default - every request */
  readonly l7?: L7Rules;
}

/** One HTTP rule: each field an extended POSIX regex matched against the whole value. */
export interface HttpRule {
  /** The method, e.g. `GET` or `GET|HEAD`. @default - every method */
  readonly method?: string;
  /** The path, e.g. `/v1/.*`. @default - every path */
  readonly path?: string;
  /** The Host header. @default - every host */
  readonly host?: string;
  /** Headers that must be present (`Name` or `Name: value`). @default - none */
  readonly headers?: readonly string[];
}

/** Layer 7 rules of a port: HTTP requests or DNS lookups that are allowed. */
export interface L7Rules {
  /** HTTP rules. @default - none */
  readonly http?: readonly HttpRule[];
  /** DNS names (`matchName`) and patterns (`matchPattern`) that may be looked up. @default - none */
  readonly dns?: readonly {
    /** `matchName` or `matchPattern`, as written. */
    readonly text: string;
    /** Whether `text` is a pattern. */
    readonly pattern: boolean;
  }[];
}

/** One rule. `peers`/`ports` null: every peer / every port. */
export interface Rule {
  /** Its index in its rule set's `ingress` or `egress` list. */
  readonly index: number;
  /** Its name, where the dialect has one. @default - unnamed */
  readonly name?: string;
  /** How verdicts name its list, when not `ingress`/`egress` (Cilium's `egressDeny`). @default - the direction */
  readonly list?: string;
  /** What it does when it matches. */
  readonly action: RuleAction;
  /** The peers it is about; `null` for every peer. */
  readonly peers: readonly RulePeer[] | null;
  /** The ports; `null` for every port. */
  readonly ports: readonly RulePort[] | null;
  /**
   * A peer the reader could not understand: by network-policy-api's reference, an Accept
   * then matches nothing and a Deny or Pass everything.
   * @default false
   */
  readonly failClosed?: boolean;
}

/** The pods a rule set applies to. */
export interface RuleSubject {
  /** Their namespaces: one by name (a NetworkPolicy's own), or by selector. */
  readonly namespaces: string | Selector;
  /** The pods in them. */
  readonly pods: Selector;
}

/** A policy of any dialect, as the model reads it. */
export interface ModelPolicy {
  /** How verdicts name it: `shop/web` for a NetworkPolicy, `ClusterNetworkPolicy deny-metadata`. */
  readonly ref: string;
  /** The kind it was read from. */
  readonly kind: string;
  /** Where it stands in the evaluation order. */
  readonly tier: TierName;
  /** Order within its tier, lower first (0 where the tier has none). */
  readonly priority: number;
  /** The pods it applies to. */
  readonly subject: RuleSubject;
  /** Per direction, whether it isolates its subject (the `NetworkPolicy` tier's default deny). */
  readonly isolates: {
    /** Whether it isolates its subject for ingress. */
    readonly ingress: boolean;
    /** Whether it isolates its subject for egress. */
    readonly egress: boolean;
  };
  /** Ingress rules, in order. */
  readonly ingress: readonly Rule[];
  /** Egress rules, in order. */
  readonly egress: readonly Rule[];
  /** Parts read but not modelled, for notices. */
  readonly unmodelled: readonly string[];
  /** The object it was read from. @default - none */
  readonly source?: SourcedObject;
}

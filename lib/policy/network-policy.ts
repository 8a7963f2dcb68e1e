import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PolicyPeerJson } from '../net/peer';
import { PolicyPortJson } from '../net/port';
import { recordUndo } from '../private/transaction';

/** The directions a NetworkPolicy can isolate. */
export enum PolicyType {
  /** Who may connect to the selected pods. */
  INGRESS = 'Ingress',
  /** Where the selected pods may connect. */
  EGRESS = 'Egress',
}

/** One ingress or egress rule: peers (empty: every peer) and ports (empty: every port). */
export interface PolicyRuleJson {
  /** Who the rule admits (empty: every peer). */
  readonly peers: PolicyPeerJson[];
  /** On which ports (empty: every port). */
  readonly ports: PolicyPortJson[];
}

/**
 * Values keyed by the intent that wrote them. Adding the same key twice keeps one value, so
 * a repeated intent changes nothing; values come out sorted by key, so the YAML does not
 * depend on the order intents were declared in. Every change can be undone by a failing intent.
 */
export class KeyedRules<T> {
  private readonly rules = new Map<string, T>();

  /** Adds (or replaces) the value with this key. */
  public set(key: string, rule: T): void {
    const before = this.rules.get(key);
    this.rules.set(key, rule);
    recordUndo(() => (before === undefined ? this.rules.delete(key) : this.rules.set(key, before)));
  }

  /** Whether any value is present. */
  public get isEmpty(): boolean {
    return this.rules.size === 0;
  }

  /** The values, sorted by key. */
  public values(): T[] {
    return [...this.rules.keys()].sort().map((key) => this.rules.get(key)!);
  }
}

/** NetworkPolicy rules keyed by the intent that wrote them (see {@link KeyedRules}). */
export class RuleSet extends KeyedRules<PolicyRuleJson> {
  /** Rules as NetworkPolicy JSON, `from` or `to` naming the peer field. */
  public render(peerField: 'from' | 'to'): Record<string, unknown>[] {
    return this.values().map((rule) => {
      const json: Record<string, unknown> = {};
      if (rule.peers.length > 0) json[peerField] = rule.peers;
      if (rule.ports.length > 0) json.ports = rule.ports;
      return json;
    });
  }
}

/** Props for {@link ManagedNetworkPolicy}. */
export interface ManagedNetworkPolicyProps {
  /** metadata.name */
  readonly name: string;
  /** metadata.namespace */
  readonly namespace: string;
  /** Labels of the pods the policy applies to; `{}` selects every pod of the namespace. */
  readonly podSelector: Readonly<Record<string, string>>;
  /** The directions this policy isolates. Always written explicitly, never left to defaulting. */
  readonly policyTypes: PolicyType[];
  /** Labels on the policy object itself. @default - none */
  readonly labels?: Record<string, string>;
}

/**
 * A networking.k8s.io/v1 NetworkPolicy whose rules are added by intents after it is
 * created and rendered when the chart synthesizes. It is a plain cdk8s `ApiObject`, so
 * `addJsonPatch` works on it as on any other object.
 */
export class ManagedNetworkPolicy extends ApiObject {
  /** Ingress rules (`from`). */
  public readonly ingressRules: RuleSet;
  /** Egress rules (`to`). */
  public readonly egressRules: RuleSet;
  /** The namespace the policy lives in (it selects pods there only). */
  public readonly namespaceName: string;

  constructor(scope: Construct, id: string, props: ManagedNetworkPolicyProps) {
    const ingressRules = new RuleSet();
    const egressRules = new RuleSet();
    const podSelector = Object.keys(props.podSelector).length > 0 ? { matchLabels: { ...props.podSelector } } : {};
    const types = [...props.policyTypes];
    super(scope, id, {
      ...k8s.KubeNetworkPolicy.GVK,
      metadata: { name: props.name, namespace: props.namespace, ...(props.labels ? { labels: props.labels } : {}) },
      // Computed at synth time, so that rules added by later intents are included.
      spec: Lazy.any({
        produce: () => {
          const spec: Record<string, unknown> = { podSelector, policyTypes: types };
          if (types.includes(PolicyType.INGRESS) && !ingressRules.isEmpty) spec.ingress = ingressRules.render('from');
          if (types.includes(PolicyType.EGRESS) && !egressRules.isEmpty) spec.egress = egressRules.render('to');
          return spec;
        },
      }),
    });
    this.ingressRules = ingressRules;
    this.egressRules = egressRules;
    this.namespaceName = props.namespace;
  }
}

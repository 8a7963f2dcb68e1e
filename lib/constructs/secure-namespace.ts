import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NetkitLint } from './netkit-lint';
import { INamespace } from '../workload/namespace-ref';
import { dns1123LabelProblem, labelsProblem } from '../net/names';
import { NetworkDialect } from '../net/dialect';
import { NAMESPACE_NAME_LABEL, Peer } from '../net/peer';
import { Port } from '../net/port';
import { ManagedNetworkPolicy, PolicyType } from '../policy/network-policy';
import { nameFixHint } from '../private/construct-name';
import { failAt } from '../private/errors';
import { PodSecurityLevel } from '../lint/pod-security-standards';
import { clusterScoped } from '../private/cluster-scoped';
import { Transaction, recordUndo } from '../private/transaction';

export { PodSecurityLevel };

/** A peer allowed into every pod of a namespace, optionally on some ports only. */
export interface NamespaceIngressRule {
  /** Who may connect. */
  readonly peer: Peer;
  /**
   * Which ports. A named port (`Port.named('metrics')`) reaches every pod that declares a
   * port of that name and no other pod.
   * @default - every port
   */
  readonly ports?: Port[];
}

/** Props for {@link SecureNamespace}. */
export interface SecureNamespaceProps {
  /**
   * The namespace name, a DNS-1123 label.
   * @default - the construct id
   */
  readonly name?: string;
  /** Labels on the Namespace, so that policies elsewhere can select it. @default - none */
  readonly labels?: Record<string, string>;
  /**
   * The Pod Security Admission level, written as the enforce, audit and warn labels.
   * @default PodSecurityLevel.RESTRICTED — the hardened profile our workloads already satisfy.
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * The Kubernetes version the Pod Security level is pinned to, so that a cluster upgrade
   * does not tighten admission under running workloads without a diff.
   * @default 'v1.28'
   */
  readonly podSecurityVersion?: string;
  /**
   * Where pods resolve names. Egress to these on UDP and TCP 53 survives the default deny.
   * @default [Peer.clusterDns()] — kube-system pods labelled k8s-app=kube-dns
   */
  readonly dnsServers?: Peer[];
  /** Peers allowed into every pod of the namespace. @default - none */
  readonly allowFrom?: NamespaceIngressRule[];
  /**
   * Lets every pod of the namespace reach every other on any port. An explicit opt-in:
   * prefer `connectTo` between the workloads that talk.
   * @default false
   */
  readonly allowWithinNamespace?: boolean;
  /**
   * The policy API the workloads here write their intents in. `NetworkDialect.cilium()` adds
   * what NetworkPolicy cannot say (hosts by name, HTTP rules, the API server as an entity)
   * as CiliumNetworkPolicy; only for clusters that run Cilium.
   * @default NetworkDialect.kubernetes()
   */
  readonly dialect?: NetworkDialect;
}

/**
 * A Namespace that denies all ingress and egress by default, keeps DNS working, and
 * enforces Pod Security `restricted`.
 *
 * Writes: the Namespace; `default-deny` (podSelector {}, policyTypes Ingress and Egress,
 * no rules); `allow-dns` (egress to the DNS servers on UDP/TCP 53); and, when asked,
 * `allow-from-peers` and `allow-within-namespace`.
 */
export class SecureNamespace extends Construct implements INamespace {
  /** The namespace name. */
  public readonly namespaceName: string;
  /** The DNS servers pods here resolve names with. */
  public readonly dnsServers: readonly Peer[];
  /** The policy API the workloads here write their intents in. */
  public readonly dialect: NetworkDialect;
  /** Always true: the `allow-dns` policy lets every pod reach the DNS servers. */
  public readonly allowsDnsForAllPods = true;
  /** The namespace's labels, as written (Pod Security and the implied name label included). */
  public readonly namespaceLabels: Readonly<Record<string, string>>;
  /** The Namespace object. */
  public readonly namespace: k8s.KubeNamespace;
  /** The default-deny policy. */
  public readonly defaultDenyPolicy: ManagedNetworkPolicy;
  /** The DNS egress policy. */
  public readonly dnsPolicy: ManagedNetworkPolicy;
  private peersPolicy?: ManagedNetworkPolicy;

  constructor(scope: Construct, id: string, props: SecureNamespaceProps = {}) {
    super(scope, id);
    // A constructor that throws leaves nothing behind (lib/private/transaction.ts).
    const transaction = Transaction.begin(this);
    try {
      const name = props.name ?? id;
      const nameProblem = dns1123LabelProblem(name);
      if (nameProblem) failAt(this, `the namespace name "${name}" ${nameProblem}. Use a name like "shop-prod".${nameFixHint(props.name, name)}`);
      const labels = props.labels ?? {};
      const problem = labelsProblem(labels);
      if (problem) failAt(this, `${problem}. Label keys and values follow the Kubernetes label syntax (values at most 63 characters).`);
      if (labels[NAMESPACE_NAME_LABEL] !== undefined && labels[NAMESPACE_NAME_LABEL] !== name) {
        failAt(this, `label ${NAMESPACE_NAME_LABEL}="${labels[NAMESPACE_NAME_LABEL]}" contradicts the namespace name "${name}"; the API server sets it to the name. Remove that label.`);
      }
      const level = props.podSecurity ?? PodSecurityLevel.RESTRICTED;
      const version = props.podSecurityVersion ?? 'v1.28';
      if (!/^(latest|v1\.\d{1,2})$/.test(version)) {
        failAt(this, `podSecurityVersion "${version}" is not "latest" or a version such as "v1.28". Use one of those forms.`);
      }
      const dnsServers = props.dnsServers ?? [Peer.clusterDns()];
      if (dnsServers.length === 0) {
        failAt(this, 'dnsServers is empty, so no pod in the namespace could resolve a name. Omit it for the cluster DNS, or name your resolvers.');
      }
      NetkitLint.of(this);
      this.namespaceName = name;
      this.dnsServers = dnsServers;
      this.dialect = props.dialect ?? NetworkDialect.kubernetes();

      const namespaceLabels = {
        ...labels,
        'pod-security.kubernetes.io/enforce': level,
        'pod-security.kubernetes.io/enforce-version': version,
        'pod-security.kubernetes.io/audit': level,
        'pod-security.kubernetes.io/audit-version': version,
        'pod-security.kubernetes.io/warn': level,
        'pod-security.kubernetes.io/warn-version': version,
      };
      this.namespaceLabels = { ...namespaceLabels, [NAMESPACE_NAME_LABEL]: name };
      this.namespace = clusterScoped(new k8s.KubeNamespace(this, 'namespace', { metadata: { name, labels: namespaceLabels } }));
      this.defaultDenyPolicy = new ManagedNetworkPolicy(this, 'default-deny', {
        name: 'default-deny', namespace: name, podSelector: {}, policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS],
      });
      this.dnsPolicy = new ManagedNetworkPolicy(this, 'allow-dns', {
        name: 'allow-dns', namespace: name, podSelector: {}, policyTypes: [PolicyType.EGRESS],
      });
      const dnsPorts = [Port.udp(53), Port.tcp(53)].map((p) => p.toPolicyPort());
      for (const server of dnsServers) {
        this.dnsPolicy.egressRules.set(`dns-${server.key}`, { peers: server.toPolicyPeers(name), ports: dnsPorts });
      }
      for (const rule of props.allowFrom ?? []) this.allowFrom(rule.peer, ...(rule.ports ?? []));
      if (props.allowWithinNamespace) {
        const within = new ManagedNetworkPolicy(this, 'allow-within-namespace', {
          name: 'allow-within-namespace', namespace: name, podSelector: {}, policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS],
        });
        const self = [{ podSelector: {} }];
        within.ingressRules.set('same-namespace', { peers: self, ports: [] });
        within.egressRules.set('same-namespace', { peers: self, ports: [] });
      }
    } catch (error) {
      transaction.rollback();
      throw error;
    }
    transaction.commit();
  }

  /**
   * Lets `peer` into every pod of the namespace, on `ports` (default: every port).
   * Written into this namespace's `allow-from-peers` policy only.
   */
  public allowFrom(peer: Peer, ...ports: Port[]): void {
    if (!this.peersPolicy) {
      this.peersPolicy = new ManagedNetworkPolicy(this, 'allow-from-peers', {
        name: 'allow-from-peers', namespace: this.namespaceName, podSelector: {}, policyTypes: [PolicyType.INGRESS],
      });
      recordUndo(() => {
        this.node.tryRemoveChild('allow-from-peers');
        this.peersPolicy = undefined;
      });
    }
    const key = ports.map((p) => p.key).sort().join('+') || 'all-ports';
    this.peersPolicy.ingressRules.set(`from-${peer.key}-${key}`, {
      peers: peer.toPolicyPeers(this.namespaceName),
      ports: ports.map((p) => p.toPolicyPort()),
    });
  }
}

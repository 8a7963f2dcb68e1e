import { Cidr } from './cidr';
import { checkNamespaceName, labelsProblem } from './names';
import { NAMESPACE_NAME_LABEL } from './peer';
import { failValue } from '../private/errors';
import type { ClusterPolicyEgressPeerJson, ClusterPolicySubjectJson, LabelSelectorJson } from '../policy/cluster-policy-json';

/**
 * The pods a cluster-scoped policy applies to (its `subject`). Host-network pods are never
 * subjects: the reference leaves them out of every tier.
 *
 * ```ts
 * ClusterSubject.allNamespaces();
 * ClusterSubject.allNamespacesExcept('kube-system');
 * ClusterSubject.namespaceNamed('payments');
 * ClusterSubject.pods({ 'k8s-app': 'kube-dns' }, { namespace: 'kube-system' });
 * ```
 */
export class ClusterSubject {
  /** Every pod in every namespace. */
  public static allNamespaces(): ClusterSubject {
    return new ClusterSubject({ namespaces: {} }, 'every namespace');
  }

  /** Every pod outside the named namespaces (matched by `kubernetes.io/metadata.name`). */
  public static allNamespacesExcept(...names: string[]): ClusterSubject {
    const where = `ClusterSubject.allNamespacesExcept(${names.map((n) => JSON.stringify(n)).join(', ')})`;
    if (names.length === 0) failValue(where, 'no namespaces given. Use ClusterSubject.allNamespaces() for every namespace.');
    names.forEach((name) => checkNamespaceName(where, name));
    return new ClusterSubject({ namespaces: exceptNamespaces(names) }, `every namespace but ${names.join(', ')}`);
  }

  /** Every pod in namespaces with these labels. */
  public static namespaces(labels: Record<string, string>): ClusterSubject {
    checkLabels(`ClusterSubject.namespaces(${JSON.stringify(labels)})`, labels);
    return new ClusterSubject({ namespaces: { matchLabels: { ...labels } } }, `namespaces ${describe(labels)}`);
  }

  /** Every pod in one namespace. */
  public static namespaceNamed(name: string): ClusterSubject {
    checkNamespaceName(`ClusterSubject.namespaceNamed(${JSON.stringify(name)})`, name);
    return new ClusterSubject({ namespaces: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } } }, `namespace ${name}`);
  }

  /** Pods with these labels, in one namespace or (by default) every namespace. */
  public static pods(labels: Record<string, string>, options: { namespace?: string } = {}): ClusterSubject {
    const where = `ClusterSubject.pods(${JSON.stringify(labels)})`;
    checkLabels(where, labels);
    if (options.namespace !== undefined) checkNamespaceName(where, options.namespace);
    const namespaceSelector = options.namespace === undefined ? {} : { matchLabels: { [NAMESPACE_NAME_LABEL]: options.namespace } };
    return new ClusterSubject({ pods: { namespaceSelector, podSelector: { matchLabels: { ...labels } } } },
      `pods ${describe(labels)} in ${options.namespace ?? 'every namespace'}`);
  }

  private constructor(
    /** @internal */ public readonly _json: ClusterPolicySubjectJson,
    /** e.g. `every namespace but kube-system`. */
    public readonly description: string,
  ) {}
}

/**
 * The other end of a cluster-scoped policy rule: namespaces, pods, or (egress only) networks.
 *
 * ```ts
 * ClusterPeer.allNamespaces();
 * ClusterPeer.namespaceNamed('monitoring');
 * ClusterPeer.pods({ 'k8s-app': 'kube-dns' }, { namespace: 'kube-system' });
 * ClusterPeer.networks(Cidr.host('169.254.169.254'));
 * ```
 */
export class ClusterPeer {
  /** Every pod in every namespace. */
  public static allNamespaces(): ClusterPeer {
    return new ClusterPeer({ namespaces: {} }, 'every namespace');
  }

  /** Every pod in namespaces with these labels. */
  public static namespaces(labels: Record<string, string>): ClusterPeer {
    checkLabels(`ClusterPeer.namespaces(${JSON.stringify(labels)})`, labels);
    return new ClusterPeer({ namespaces: { matchLabels: { ...labels } } }, `namespaces ${describe(labels)}`);
  }

  /** Every pod in one namespace. */
  public static namespaceNamed(name: string): ClusterPeer {
    checkNamespaceName(`ClusterPeer.namespaceNamed(${JSON.stringify(name)})`, name);
    return new ClusterPeer({ namespaces: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } } }, `namespace ${name}`);
  }

  /** Pods with these labels, in one namespace or (by default) every namespace. */
  public static pods(labels: Record<string, string>, options: { namespace?: string } = {}): ClusterPeer {
    const where = `ClusterPeer.pods(${JSON.stringify(labels)})`;
    checkLabels(where, labels);
    if (options.namespace !== undefined) checkNamespaceName(where, options.namespace);
    const namespaceSelector = options.namespace === undefined ? {} : { matchLabels: { [NAMESPACE_NAME_LABEL]: options.namespace } };
    return new ClusterPeer({ pods: { namespaceSelector, podSelector: { matchLabels: { ...labels } } } },
      `pods ${describe(labels)} in ${options.namespace ?? 'every namespace'}`);
  }

  /**
   * Addresses outside (or inside) the cluster, for egress rules only. Cluster policies have
   * no `except`: carve holes with an earlier rule (lower index) of another action instead.
   */
  public static networks(...blocks: Cidr[]): ClusterPeer {
    const where = `ClusterPeer.networks(${blocks.map((b) => JSON.stringify(b.toString())).join(', ')})`;
    if (blocks.length === 0 || blocks.length > 25) failValue(where, `${blocks.length} blocks given; a peer holds 1 to 25. Split them over several peers.`);
    const withExcept = blocks.find((b) => b.exceptions.length > 0);
    if (withExcept) failValue(where, `${withExcept} has exceptions, which cluster policies cannot express. Put a rule with the other action for the excepted block before this one.`);
    const cidrs = [...new Set(blocks.map((b) => b.cidr))];
    return new ClusterPeer({ networks: cidrs }, `networks ${cidrs.join(', ')}`);
  }

  private constructor(
    /** @internal */ public readonly _json: ClusterPolicyEgressPeerJson,
    /** e.g. `namespace monitoring`, `networks 169.254.169.254/32`. */
    public readonly description: string,
  ) {}

  /** Whether this peer is only valid in egress rules. */
  public get isEgressOnly(): boolean {
    return this._json.networks !== undefined;
  }
}

function exceptNamespaces(names: readonly string[]): LabelSelectorJson {
  return { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [...new Set(names)].sort() }] };
}

function describe(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

function checkLabels(where: string, labels: Record<string, string>): void {
  if (Object.keys(labels).length === 0) failValue(where, 'no labels given, which would match everything. Give at least one label, or use allNamespaces() if you mean everything.');
  const problem = labelsProblem(labels);
  if (problem) failValue(where, `${problem}. Fix the label.`);
}

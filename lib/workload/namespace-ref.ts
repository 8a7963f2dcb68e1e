import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { NetworkDialect } from '../net/dialect';
import { dns1123LabelProblem } from '../net/names';
import { NAMESPACE_NAME_LABEL, Peer } from '../net/peer';
import { failAt } from '../private/errors';
import { recordNamespaceUse } from '../private/namespace-uses';

/** A namespace our constructs can be placed in. {@link SecureNamespace} is one. */
export interface INamespace {
  /** The namespace's name. */
  readonly namespaceName: string;
  /** The DNS servers pods in this namespace resolve names with. */
  readonly dnsServers: readonly Peer[];
  /**
   * Whether a namespace-wide policy already lets every pod reach `dnsServers`; workloads
   * then do not repeat that rule in their own policy.
   */
  readonly allowsDnsForAllPods: boolean;
  /** The namespace's labels, `kubernetes.io/metadata.name` included, where known. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** The policy API workloads here write their intents in. @default NetworkDialect.kubernetes() */
  readonly dialect?: NetworkDialect;
}

/**
 * Resolves a construct's namespace: the one given (a SecureNamespace or a name), else
 * the chart's namespace, else `default`. Always written explicitly into every object, so
 * that policies and peers agree on it whatever kubectl's context is.
 */
export function resolveNamespace(scope: IConstruct, given: INamespace | string | undefined): INamespace {
  if (given !== undefined && typeof given !== 'string') return given;
  const name = given ?? Chart.of(scope).namespace ?? 'default';
  const problem = dns1123LabelProblem(name);
  if (problem) failAt(scope, `the namespace name "${name}" ${problem}. Use a name like "shop-prod".`);
  recordNamespaceUse(scope, name);
  return { namespaceName: name, dnsServers: [Peer.clusterDns()], allowsDnsForAllPods: false, namespaceLabels: { [NAMESPACE_NAME_LABEL]: name } };
}

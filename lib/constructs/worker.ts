import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NetkitLint } from './netkit-lint';
import { NetworkedWorkload } from './networked-workload';
import { Port } from '../net/port';
import { ManagedNetworkPolicy, PolicyType } from '../policy/network-policy';
import { WorkloadNetwork } from '../policy/workload-network';
import { failAt } from '../private/errors';
import { Transaction } from '../private/transaction';
import { checkContainerPorts, containerProps, finishWorkload, podProps, resolveWorkload, serviceAccountFor } from '../workload/pod';
import { WorkloadProps } from '../workload/workload-props';

/** Props for {@link Worker}. */
export interface WorkerProps extends WorkloadProps {
  /**
   * Ports the worker listens on, if any (a metrics endpoint), which peers may be allowed to
   * with `allowFrom`. No Service is written for them.
   * @default - none: a worker only connects out
   */
  readonly ports?: Port[];
  /** @default 1 — a worker's replicas are throughput (queue consumers), not availability */
  readonly replicas?: number;
}

/**
 * A Deployment that serves no Service: queue consumers, schedulers, controllers. The same
 * secure pod as {@link ExposedApp} (restricted Pod Security, read-only root filesystem, no
 * token unless asked), a NetworkPolicy that denies everything but DNS until intents open it
 * (`worker.connectTo(db)`, `worker.allowEgressTo(...)`), and a `Peer.workload(worker)` that
 * others may `allowFrom`. No readiness probe is invented for a process that listens on nothing.
 */
export class Worker extends NetworkedWorkload {
  public readonly name: string;
  public readonly namespaceName: string;
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** Declared ports (may be empty). */
  public readonly ports: readonly Port[];
  /** The cdk8s-plus Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The pods' own NetworkPolicy, which intents such as `connectTo` extend. */
  public readonly networkPolicy: ManagedNetworkPolicy;
  public readonly network: WorkloadNetwork;
  /** Its own ServiceAccount, with `serviceAccount: true`. */
  public readonly serviceAccount?: k8s.KubeServiceAccount;

  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    // A constructor that throws leaves nothing behind (lib/private/transaction.ts).
    const transaction = Transaction.begin(this);
    try {
      const workload = resolveWorkload(this, id, props);
      const ports = props.ports && props.ports.length > 0 ? checkContainerPorts(this, props.ports) : [];
      const replicas = props.replicas ?? 1;
      if (!Number.isInteger(replicas) || replicas < 0) failAt(this, `replicas ${replicas} must be a whole number of at least 0.`);
      const container = containerProps(this, workload, props, ports, {}, { listens: false });
      NetkitLint.of(this);
      this.name = workload.name;
      this.namespaceName = workload.namespace.namespaceName;
      this.selectorLabels = workload.selectorLabels;
      this.ports = ports;
      this.deployment = new kplus.Deployment(this, 'deployment', {
        metadata: { name: this.name, namespace: this.namespaceName, labels: workload.objectLabels },
        ...podProps(workload, props),
        replicas,
        containers: [container],
      });
      this.serviceAccount = serviceAccountFor(this, workload, props);
      finishWorkload(this.deployment, workload, { serviceAccount: this.serviceAccount });
      this.networkPolicy = new ManagedNetworkPolicy(this, 'network-policy', {
        name: this.name, namespace: this.namespaceName, podSelector: this.selectorLabels, policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS],
      });
      this.network = new WorkloadNetwork(this, this.networkPolicy, ports, { dialect: workload.namespace.dialect, dnsServers: workload.namespace.dnsServers });
      this.network.allowDns(workload.dnsServers);
    } catch (error) {
      transaction.rollback();
      throw error;
    }
    transaction.commit();
  }
}

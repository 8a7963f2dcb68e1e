import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { DisruptionBudget } from './disruption-budget';
import { NetkitLint } from './netkit-lint';
import { ServiceWorkload } from './service-workload';
import { WorkloadProps } from '../workload/workload-props';
import { podFqdn, serviceFqdn, srvName } from '../net/dns';
import { Peer } from '../net/peer';
import { Port } from '../net/port';
import { ManagedNetworkPolicy, PolicyType } from '../policy/network-policy';
import { ServiceBinding } from '../policy/service-backend';
import { PortRef, WorkloadNetwork } from '../policy/workload-network';
import { failAt } from '../private/errors';
import { Transaction } from '../private/transaction';
import { KPLUS_PROTOCOL, checkContainerPorts, containerProps, finishWorkload, podProps, resolveWorkload, serviceAccountFor } from '../workload/pod';

/** How a StatefulSet starts and stops its pods. */
export enum PodManagementPolicy {
  /** One at a time, in order, each Ready before the next (the Kubernetes default). */
  ORDERED_READY = 'OrderedReady',
  /** All at once: faster, for software that finds its peers itself. */
  PARALLEL = 'Parallel',
}

/** PersistentVolumeClaim access modes. */
export enum AccessMode {
  /** Mounted read-write by pods on one node (what most block storage offers). */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Mounted read-write by a single pod. */
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
  /** Mounted read-only by pods on many nodes. */
  READ_ONLY_MANY = 'ReadOnlyMany',
  /** Mounted read-write by pods on many nodes (shared file systems). */
  READ_WRITE_MANY = 'ReadWriteMany',
}

/** A persistent volume per replica, through `volumeClaimTemplates`. */
export interface StatefulStorage {
  /** Size as a Kubernetes quantity, e.g. `10Gi`. */
  readonly size: string;
  /** Where the volume is mounted in the container (an absolute path). */
  readonly mountPath: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default [AccessMode.READ_WRITE_ONCE] */
  readonly accessModes?: AccessMode[];
  /** The claim template name; PVCs are `<name>-<statefulset>-<ordinal>`. @default 'data' */
  readonly name?: string;
}

/** Props for {@link HeadlessStateful}. */
export interface HeadlessStatefulProps extends WorkloadProps {
  /** Ports clients use (through the client Service). The first is the main port. */
  readonly clientPorts: Port[];
  /**
   * Ports replicas use to talk to each other (replication, raft, gossip). Only replicas
   * may reach them. A client port may be listed here too when replicas also use it.
   * @default - none
   */
  readonly peerPorts?: Port[];
  /** @default 3 — the smallest cluster that keeps quorum through one failure */
  readonly replicas?: number;
  /** @default PodManagementPolicy.ORDERED_READY */
  readonly podManagementPolicy?: PodManagementPolicy;
  /**
   * Publish DNS records for pods before they are ready. Clustered databases that must find
   * their peers to *become* ready (etcd, Cassandra, CockroachDB) need this; most others do not.
   * @default false
   */
  readonly publishNotReadyAddresses?: boolean;
  /** A persistent volume per replica. @default - none (ephemeral) */
  readonly storage?: StatefulStorage;
  /**
   * A ClusterIP Service named after the workload, load-balancing client ports, beside the
   * headless `<name>-headless` that gives each pod its DNS name.
   * @default true
   */
  readonly clientService?: boolean;
  /**
   * An environment variable listing every replica's FQDN, comma-separated, for software
   * that needs its peers at start (e.g. `PEERS`).
   * @default - none
   */
  readonly peerEnv?: string;
  /**
   * How many replicas voluntary disruptions (node drains, upgrades) may take at once.
   * @default DisruptionBudget.quorum() with 3 or more replicas, maxUnavailable(1) with 2, none
   *          with 1: never a budget that blocks every drain
   */
  readonly disruptionBudget?: DisruptionBudget;
  /**
   * The group that owns the storage volumes, so that a non-root process can write a freshly
   * provisioned (root-owned) volume: the kubelet makes the volume group-writable for it and
   * adds it to every container's groups. Ownership is changed only when the volume's root does
   * not match (fsGroupChangePolicy OnRootMismatch), since changing it on every start walks the
   * whole volume and delays restarts of large databases.
   * @default - with storage, `runAsUser` if set, else 1000 (any non-root group works: the
   *          kubelet adds it to the process's groups); without storage, none
   */
  readonly fsGroup?: number;
}

const QUANTITY = /^(\d+(\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/**
 * A StatefulSet with its governing headless Service (stable per-pod DNS names), an
 * optional client Service, a PodDisruptionBudget that keeps quorum, and a NetworkPolicy:
 * replicas reach each other on peer ports only; clients reach client ports only.
 *
 * ```ts
 * const db = new HeadlessStateful(chart, 'db', { namespace: ns, image: 'postgres:16',
 *   clientPorts: [Port.tcp(5432, 'postgres')], replicas: 3, storage: { size: '10Gi', mountPath: '/var/lib/postgresql/data' } });
 * api.connectTo(db);           // client port, both sides
 * db.podDnsNames();            // ['db-0.db-headless.shop.svc.cluster.local', ...]
 * ```
 */
export class HeadlessStateful extends ServiceWorkload {
  public readonly name: string;
  public readonly namespaceName: string;
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** Ports clients may use. */
  public readonly clientPorts: readonly Port[];
  /** Ports only replicas may use. */
  public readonly peerPorts: readonly Port[];
  /** How many pods the StatefulSet runs. */
  public readonly replicas: number;
  /** The governing headless Service's name, `<name>-headless`. */
  public readonly headlessServiceName: string;
  /** The cdk8s-plus StatefulSet. */
  public readonly statefulSet: kplus.StatefulSet;
  /** The headless Service (cdk8s-plus). */
  public readonly headlessService: kplus.Service;
  /** The client Service, if any. */
  public readonly clientService?: k8s.KubeService;
  /** The PodDisruptionBudget, if any. */
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The pods' own NetworkPolicy, which intents such as `connectTo` extend. */
  public readonly networkPolicy: ManagedNetworkPolicy;
  public readonly network: WorkloadNetwork;
  /** Its own ServiceAccount, with `serviceAccount: true`; bind Roles to it. */
  public readonly serviceAccount?: k8s.KubeServiceAccount;
  /** The cluster domain its DNS names use (CoreDnsConfig checks it serves this one). */
  public readonly clusterDomain: string;

  constructor(scope: Construct, id: string, props: HeadlessStatefulProps) {
    super(scope, id);
    // A constructor that throws leaves nothing behind (lib/private/transaction.ts).
    const transaction = Transaction.begin(this);
    try {
      const workload = resolveWorkload(this, id, props);
      // Pods carry a controller-revision-hash label of `<name>-<10 chars>`, which must fit 63.
      if (workload.name.length > 52) failAt(this, `name "${workload.name}" is ${workload.name.length} characters; a StatefulSet name must be at most 52 so its pods' controller-revision-hash label fits 63. Shorten it.`);
      const clientPorts = checkContainerPorts(this, props.clientPorts, 'clientPorts');
      const peerPorts = props.peerPorts ?? [];
      // A port may serve both roles (e.g. PostgreSQL replication on the client port): list it once.
      const sameAs = (a: Port, b: Port) => a.protocol === b.protocol && a.number === b.number && a.name === b.name;
      const allPorts = checkContainerPorts(this, [...clientPorts, ...peerPorts.filter((p) => !clientPorts.some((c) => sameAs(c, p)))], 'ports');
      if (peerPorts.some((p) => p.name === undefined)) failAt(this, 'every peer port needs a name (the headless Service has several ports). Name it, e.g. Port.tcp(2380, "peer").');
      const replicas = props.replicas ?? 3;
      if (!Number.isInteger(replicas) || replicas < 1) failAt(this, `replicas ${replicas} must be a whole number of at least 1. Use 3 for a cluster that survives one failure.`);
      const budget = resolveBudget(this, props.disruptionBudget, replicas);
      const storage = props.storage ? checkStorage(this, props.storage) : undefined;
      if (props.fsGroup !== undefined && (!Number.isInteger(props.fsGroup) || props.fsGroup <= 0 || props.fsGroup > 2147483647)) {
        failAt(this, `fsGroup ${props.fsGroup} is not a non-root group id. Use a whole number from 1, e.g. 1000, or omit it.`);
      }
      const fsGroup = props.fsGroup ?? (storage ? props.runAsUser ?? 1000 : undefined);
      if (props.peerEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(props.peerEnv)) {
        failAt(this, `peerEnv "${props.peerEnv}" is not an environment variable name. Use letters, digits and '_', e.g. "PEERS".`);
      }

      NetkitLint.of(this);
      this.name = workload.name;
      this.namespaceName = workload.namespace.namespaceName;
      this.clusterDomain = workload.clusterDomain;
      this.selectorLabels = workload.selectorLabels;
      this.clientPorts = clientPorts;
      this.peerPorts = peerPorts;
      this.replicas = replicas;
      this.headlessServiceName = `${this.name}-headless`;
      const peerEnv = props.peerEnv ? { [props.peerEnv]: this.podDnsNames().join(',') } : {};
      const container = containerProps(this, workload, props, allPorts, peerEnv);

      this.headlessService = new kplus.Service(this, 'headless-service', {
        metadata: { name: this.headlessServiceName, namespace: this.namespaceName, labels: workload.objectLabels },
        clusterIP: 'None',
        publishNotReadyAddresses: props.publishNotReadyAddresses ?? false,
        ports: allPorts.map((p) => ({ name: p.name, port: p.number!, targetPort: p.number, protocol: KPLUS_PROTOCOL[p.protocol] })),
      });
      this.statefulSet = new kplus.StatefulSet(this, 'statefulset', {
        metadata: { name: this.name, namespace: this.namespaceName, labels: workload.objectLabels },
        ...podProps(workload, props, fsGroup),
        service: this.headlessService,
        replicas,
        podManagementPolicy: props.podManagementPolicy === PodManagementPolicy.PARALLEL ? kplus.PodManagementPolicy.PARALLEL : kplus.PodManagementPolicy.ORDERED_READY,
        containers: [container],
      });
      this.serviceAccount = serviceAccountFor(this, workload, props);
      finishWorkload(this.statefulSet, workload, { serviceAccount: this.serviceAccount, fsGroup });
      // cdk8s-plus selects by its hashed address label and targets numbers; select by our
      // stable label and target container ports by name instead. Patches run before the
      // generated k8s converter, so values take its typed shapes (IntOrString, Quantity).
      ApiObject.of(this.headlessService).addJsonPatch(
        JsonPatch.replace('/spec/selector', { ...this.selectorLabels }),
        JsonPatch.remove('/spec/externalIPs'),
        ...allPorts.map((p, i) => JsonPatch.add(`/spec/ports/${i}/targetPort`, p.name ? k8s.IntOrString.fromString(p.name) : k8s.IntOrString.fromNumber(p.number!))),
      );
      if (storage && workload.writablePaths.some((w) => w.volume === storage.name)) {
        failAt(this, `storage name "${storage.name}" is also the volume of writable path ${workload.writablePaths.find((w) => w.volume === storage.name)!.path}. Name the storage differently.`);
      }
      if (storage) {
        ApiObject.of(this.statefulSet).addJsonPatch(
          JsonPatch.add('/spec/volumeClaimTemplates', [{
            metadata: { name: storage.name },
            spec: {
              accessModes: storage.accessModes,
              resources: { requests: { storage: k8s.Quantity.fromString(storage.size) } },
              ...(storage.storageClassName ? { storageClassName: storage.storageClassName } : {}),
            },
          }]),
          workload.writablePaths.length > 0
            ? JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/-', { name: storage.name, mountPath: storage.mountPath })
            : JsonPatch.add('/spec/template/spec/containers/0/volumeMounts', [{ name: storage.name, mountPath: storage.mountPath }]),
        );
      }

      if (props.clientService ?? true) {
        this.clientService = new k8s.KubeService(this, 'client-service', {
          metadata: { name: this.name, namespace: this.namespaceName, labels: workload.objectLabels },
          spec: {
            type: 'ClusterIP',
            selector: { ...this.selectorLabels },
            ports: clientPorts.map((p) => ({
              name: p.name,
              port: p.number!,
              targetPort: p.name ? k8s.IntOrString.fromString(p.name) : k8s.IntOrString.fromNumber(p.number!),
              protocol: p.protocol,
            })),
          },
        });
      }
      if (budget) {
        this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'disruption-budget', {
          metadata: { name: this.name, namespace: this.namespaceName, labels: workload.objectLabels },
          spec: {
            selector: { matchLabels: { ...this.selectorLabels } },
            ...(budget.kind === 'minAvailable' ? { minAvailable: k8s.IntOrString.fromNumber(budget.count) } : { maxUnavailable: k8s.IntOrString.fromNumber(budget.count) }),
          },
        });
      }

      this.networkPolicy = new ManagedNetworkPolicy(this, 'network-policy', {
        name: this.name, namespace: this.namespaceName, podSelector: this.selectorLabels, policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS],
      });
      this.network = new WorkloadNetwork(this, this.networkPolicy, clientPorts, { dialect: workload.namespace.dialect, dnsServers: workload.namespace.dnsServers });
      this.network.allowDns(workload.dnsServers);
      if (peerPorts.length > 0) {
        const self = Peer.workload(this);
        const rule = { peers: self.toPolicyPeers(this.namespaceName), ports: peerPorts.map((p) => p.toPolicyPort()) };
        this.networkPolicy.ingressRules.set('peers', rule);
        this.networkPolicy.egressRules.set('peers', rule);
      }
    } catch (error) {
      transaction.rollback();
      throw error;
    }
    transaction.commit();
  }

  /** The FQDN of every replica: `<name>-<i>.<name>-headless.<namespace>.svc.<domain>`. */
  public podDnsNames(): string[] {
    return Array.from({ length: this.replicas }, (_, i) => podFqdn(`${this.name}-${i}`, this.headlessServiceName, this.namespaceName, this.clusterDomain));
  }

  /** The SRV name of a named port on the headless Service, listing every replica. */
  public srvName(portName: string): string {
    const port = [...this.clientPorts, ...this.peerPorts].find((p) => p.name === portName);
    if (!port) failAt(this, `no port named "${portName}" (named ports: ${[...this.clientPorts, ...this.peerPorts].map((p) => p.name).filter(Boolean).join(', ')}). Use one of those.`);
    return srvName(portName, port.protocol, this.headlessServiceName, this.namespaceName, this.clusterDomain);
  }

  /** The client Service's FQDN (load-balanced), e.g. `db.shop.svc.cluster.local`. */
  public get fqdn(): string {
    if (!this.clientService) failAt(this, 'has no client Service (clientService: false). Use podDnsNames() to reach replicas.');
    return serviceFqdn(this.name, this.namespaceName, this.clusterDomain);
  }

  /** The client Service's name (same as the workload's). */
  public get serviceName(): string {
    if (!this.clientService) failAt(this, 'has no client Service (clientService: false), so it cannot be a Service backend. Enable clientService.');
    return this.name;
  }

  /** The client Service port for a client port (default: the main one). */
  public serviceBinding(port?: PortRef, asker?: IConstruct): ServiceBinding {
    const chosen = port === undefined ? this.clientPorts[0] : this.network.resolvePorts([port], asker)[0];
    return { servicePort: chosen.number!, port: chosen };
  }

}

/**
 * The PodDisruptionBudget to write. It always lets at least one pod be evicted (else no node
 * could drain), unless the user asks for exactly that with DisruptionBudget.blockAllDisruptions().
 */
function resolveBudget(scope: Construct, budget: DisruptionBudget | undefined, replicas: number): { kind: 'minAvailable' | 'maxUnavailable'; count: number } | undefined {
  const chosen = budget ?? (replicas >= 3 ? DisruptionBudget.quorum() : replicas === 2 ? DisruptionBudget.maxUnavailable(1) : DisruptionBudget.none());
  // Advice that is valid for this replica count.
  const instead = replicas >= 3 ? 'DisruptionBudget.quorum() or DisruptionBudget.maxUnavailable(1)' : replicas === 2 ? 'DisruptionBudget.maxUnavailable(1) (one replica may go down during a drain)' : 'DisruptionBudget.none() (a single replica cannot stay up through a drain), or 3 replicas with DisruptionBudget.quorum()';
  switch (chosen._kind) {
    case 'none': return undefined;
    case 'blockAll': return { kind: 'maxUnavailable', count: 0 };
    case 'quorum': {
      const quorum = Math.floor(replicas / 2) + 1;
      if (quorum >= replicas) {
        failAt(scope, `DisruptionBudget.quorum() with ${replicas} replica${replicas === 1 ? '' : 's'} keeps all ${replicas} up (a majority of ${replicas} is ${quorum}), which blocks every voluntary disruption (no node could ever drain). Use ${instead}.`);
      }
      return { kind: 'minAvailable', count: quorum };
    }
    default: {
      const count = chosen._count!;
      if (!Number.isInteger(count) || count < 0) failAt(scope, `disruption budget ${chosen._kind} ${count} must be a whole number of at least 0. Use ${instead}.`);
      if ((chosen._kind === 'minAvailable' && count >= replicas) || (chosen._kind === 'maxUnavailable' && count === 0)) {
        failAt(scope, `disruption budget ${chosen._kind} ${count} with ${replicas} replica${replicas === 1 ? '' : 's'} blocks every voluntary disruption (no node could ever drain). Use ${instead}, or DisruptionBudget.blockAllDisruptions() if that is truly meant.`);
      }
      return { kind: chosen._kind, count };
    }
  }
}

function checkStorage(scope: Construct, storage: StatefulStorage): Required<Omit<StatefulStorage, 'storageClassName'>> & { storageClassName?: string } {
  const match = QUANTITY.exec(storage.size);
  if (!match || Number(match[1]) === 0) {
    failAt(scope, `storage size "${storage.size}" is not a positive Kubernetes quantity. Write it like "10Gi" or "500Mi".`);
  }
  if (!storage.mountPath.startsWith('/')) failAt(scope, `storage mountPath "${storage.mountPath}" is not an absolute path. Write it like "/var/lib/data".`);
  const name = storage.name ?? 'data';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) failAt(scope, `storage name "${name}" is not a DNS-1123 label. Use one like "data".`);
  const accessModes = storage.accessModes ?? [AccessMode.READ_WRITE_ONCE];
  if (accessModes.length === 0) failAt(scope, 'storage accessModes is empty. Omit it for ReadWriteOnce, or name the modes.');
  return { ...storage, name, accessModes };
}

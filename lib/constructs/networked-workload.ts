import { Construct } from 'constructs';
import { Peer } from '../net/peer';
import { Port } from '../net/port';
import { ConnectOptions, IExternalEgress, INetworkedWorkload, PortRef, WorkloadNetwork } from '../policy/workload-network';
import { failAt } from '../private/errors';
import { atomically } from '../private/transaction';

/**
 * The intent API every workload construct shares (ExposedApp, HeadlessStateful, Worker,
 * ScheduledJob), so that `a.connectTo(b)` reads and behaves the same whatever kinds `a` and
 * `b` are. Every intent is all-or-nothing: one that throws writes nothing.
 */
export abstract class NetworkedWorkload extends Construct implements INetworkedWorkload {
  public abstract readonly name: string;
  public abstract readonly namespaceName: string;
  public abstract readonly selectorLabels: Readonly<Record<string, string>>;
  /** The workload's NetworkPolicy intents. */
  public abstract readonly network: WorkloadNetwork;

  /**
   * Both sides of a connection from this workload to `target`: egress here, ingress there,
   * on `port` (a declared port of the target, or its name). For an ExternalService of
   * addresses, egress to exactly those addresses and ports; for one named by hostname (in a
   * `NetworkDialect.cilium()` namespace), egress to that name.
   *
   * ```ts
   * web.connectTo(api, 'http', { http: [{ method: 'GET', path: '/v1/.*' }] });
   * ```
   * @param port default: every port the target accepts
   * @param options HTTP rules (Cilium) the connection is limited to
   */
  public connectTo(target: INetworkedWorkload | IExternalEgress, port?: PortRef, options: ConnectOptions = {}): void {
    const ports = port === undefined ? [] : [port];
    atomically(() => {
      if ('network' in target) return this.network.connectTo(target, ports, options);
      if (options.http !== undefined) failAt(this, 'connectTo(external service, { http }): HTTP rules apply to workloads of ours, whose ingress Cilium can inspect. Leave out http.');
      return this.network.connectToExternal(target, ports);
    });
  }

  /** Lets `peer` reach this workload on `ports` (ports it accepts; default all of them). */
  public allowFrom(peer: Peer, ...ports: PortRef[]): void {
    atomically(() => this.network.allowFrom(peer, ports));
  }

  /**
   * Lets this workload send to `peer` on `ports`: at least one, unless the peer comes with
   * its own (`Peer.kubeApiServer`).
   */
  public allowEgressTo(peer: Peer, ...ports: Port[]): void {
    atomically(() => this.network.allowEgressTo(peer, ports));
  }
}

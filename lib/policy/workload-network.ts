import { IConstruct } from 'constructs';
import { ManagedNetworkPolicy } from './network-policy';
import { closestMatches } from '../analysis/queries/suggest';
import { IPeerWorkload, Peer } from '../net/peer';
import { Port } from '../net/port';
import { failAt } from '../private/errors';

/** A workload of ours that can take part in connection intents (`connectTo`, `allowFrom`). */
export interface INetworkedWorkload extends IPeerWorkload, IConstruct {
  /** The workload's NetworkPolicy intents. */
  readonly network: WorkloadNetwork;
}

/** A destination outside the cluster that can say which addresses and ports to allow. */
export interface IExternalEgress {
  /**
   * The peer and ports a client must be allowed to reach; throws, naming `asker`, when
   * NetworkPolicy cannot say it (a destination known only by name).
   */
  egressRule(asker: IConstruct): ExternalEgressRule;
}

/** Where a client of an external destination may connect. */
export interface ExternalEgressRule {
  /** The destination's addresses. */
  readonly peer: Peer;
  /** Its ports. */
  readonly ports: Port[];
}

/** A port given as a {@link Port} or by the name of a declared port. */
export type PortRef = Port | string;

/**
 * The NetworkPolicy side of one workload: a policy that isolates its pods for ingress and
 * egress, plus the intents that open exactly what is declared. Shared by every workload
 * construct so that `a.connectTo(b)` works whatever kinds `a` and `b` are.
 */
export class WorkloadNetwork {
  constructor(
    private readonly owner: IConstruct & IPeerWorkload,
    /** The policy that selects the workload's pods. */
    public readonly policy: ManagedNetworkPolicy,
    /** Ports other workloads may be allowed to reach (client ports for stateful sets). */
    public readonly acceptedPorts: readonly Port[],
  ) {}

  /**
   * Resolves requested ports against the declared ones: a number or name must match a
   * declared port (which brings its name along); no request means every accepted port.
   */
  public resolvePorts(requested: readonly PortRef[], asker: IConstruct = this.owner): Port[] {
    if (requested.length === 0) return [...this.acceptedPorts];
    return requested.map((ref) => this.resolvePort(ref, asker));
  }

  private resolvePort(ref: PortRef, asker: IConstruct): Port {
    const declared = this.acceptedPorts;
    const found = typeof ref === 'string'
      ? declared.find((p) => p.name === ref)
      : declared.find((p) => p.protocol === ref.protocol && (ref.number === undefined ? p.name === ref.name : p.number === ref.number && ref.endPort === undefined));
    if (found) return found;
    const wanted = typeof ref === 'string' ? `port "${ref}"` : ref.toString();
    const list = declared.map((p) => p.toString()).join(', ') || 'none';
    const names = declared.flatMap((p) => (p.name === undefined ? [] : [p.name]));
    const close = typeof ref === 'string' ? closestMatches(ref, names, 2) : [];
    const hint = close.length > 0 ? ` Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : '';
    failAt(asker, `${wanted} is not a port ${this.owner.node.path} accepts (it accepts: ${list}).${hint} Declare the port on that workload, or use one of those.`);
  }

  /** Lets `peer` reach the workload on `ports` (default: every accepted port). Writes this side only. */
  public allowFrom(peer: Peer, ports: readonly PortRef[] = []): void {
    const resolved = this.resolvePorts(ports);
    this.policy.ingressRules.set(`from-${peer.key}-${portsKey(resolved)}`, {
      peers: peer.toPolicyPeers(this.policy.namespaceName),
      ports: resolved.map((p) => p.toPolicyPort()),
    });
  }

  /**
   * Lets the workload send to `peer` on `ports`. Ports are required: least privilege.
   * They are written by number: a port's name here is this app's label for it, while a
   * NetworkPolicy resolves names on the destination, which may name it otherwise or, for an
   * address, not at all. `Port.named()` asks for the destination's name explicitly.
   */
  public allowEgressTo(peer: Peer, requested: readonly Port[]): void {
    // A peer that comes with its ports (the API server) needs none named.
    const ports = requested.length === 0 ? peer.defaultPorts : requested;
    if (ports.length === 0) {
      failAt(this.owner, `allowEgressTo(${peer}) needs at least one port. Name the ports the app uses, or Port.allOf(Protocol.TCP) if it truly needs every TCP port.`);
    }
    const named = ports.find((p) => p.number === undefined);
    if (named && peer.isAddressBlock) {
      failAt(this.owner, `allowEgressTo(${peer}, ${named}): a named port resolves on a destination pod, and an IP block has none, so the rule would match nothing. Give the port number.`);
    }
    this.policy.egressRules.set(`to-${peer.key}-${portsKey(ports)}`, {
      peers: peer.toPolicyPeers(this.policy.namespaceName),
      ports: ports.map((p) => p.toPolicyPort({ byNumber: true })),
    });
  }

  /**
   * Both sides of a connection to another workload of ours: egress here, ingress there,
   * on the target's declared port (named when it has a name). Checks everything before
   * writing anything, so a failed call leaves no half-open connection behind.
   */
  public connectTo(target: INetworkedWorkload, ports: readonly PortRef[] = []): void {
    const resolved = target.network.resolvePorts(ports, this.owner);
    const portKey = portsKey(resolved);
    this.policy.egressRules.set(`to-${Peer.workload(target).key}-${portKey}`, {
      peers: Peer.workload(target).toPolicyPeers(this.policy.namespaceName),
      ports: resolved.map((p) => p.toPolicyPort()),
    });
    target.network.policy.ingressRules.set(`from-${Peer.workload(this.owner).key}-${portKey}`, {
      peers: Peer.workload(this.owner).toPolicyPeers(target.network.policy.namespaceName),
      ports: resolved.map((p) => p.toPolicyPort()),
    });
  }

  /**
   * Egress to a destination outside the cluster (an ExternalService of addresses), on its
   * declared ports or the requested subset of them.
   */
  public connectToExternal(target: IExternalEgress, ports: readonly PortRef[] = []): void {
    const rule = target.egressRule(this.owner);
    const chosen = ports.length === 0 ? rule.ports : ports.map((ref) => {
      const found = rule.ports.find((p) => (typeof ref === 'string' ? p.name === ref : p.protocol === ref.protocol && p.number === ref.number));
      if (!found) failAt(this.owner, `${typeof ref === 'string' ? `port "${ref}"` : ref.toString()} is not a port of the external service (it has: ${rule.ports.map(String).join(', ') || 'none'}).`);
      return found;
    });
    if (chosen.length === 0) failAt(this.owner, 'the external service declares no ports, so there is nothing to allow. Give it ports.');
    // Destination ports by number: a named port resolves on a pod, and there is none outside.
    this.policy.egressRules.set(`to-${rule.peer.key}-${portsKey(chosen)}`, {
      peers: rule.peer.toPolicyPeers(this.policy.namespaceName),
      ports: chosen.map((p) => p.toPolicyPort({ byNumber: true })),
    });
  }

  /** Egress to DNS servers on UDP and TCP 53 (TCP for answers too large for UDP). */
  public allowDns(servers: readonly Peer[]): void {
    const ports = [Port.udp(53), Port.tcp(53)];
    for (const server of servers) {
      this.policy.egressRules.set(`dns-${server.key}`, {
        peers: server.toPolicyPeers(this.policy.namespaceName),
        ports: ports.map((p) => p.toPolicyPort()),
      });
    }
  }
}

function portsKey(ports: readonly Port[]): string {
  return ports.map((p) => p.key).sort().join('+');
}


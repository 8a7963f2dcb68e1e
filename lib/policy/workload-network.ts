import { IConstruct } from 'constructs';
import { ManagedCiliumPolicy, HttpRule, ciliumPeerFields, ciliumPorts } from './cilium-network-policy';
import { ManagedNetworkPolicy } from './network-policy';
import { closestMatches } from '../analysis/queries/suggest';
import { NetworkDialect } from '../net/dialect';
import { IPeerWorkload, Peer } from '../net/peer';
import { Port } from '../net/port';
import { failAt } from '../private/errors';
import { recordUndo } from '../private/transaction';

/** A workload of ours that can take part in connection intents (`connectTo`, `allowFrom`). */
export interface INetworkedWorkload extends IPeerWorkload, IConstruct {
  /** The workload's NetworkPolicy intents. */
  readonly network: WorkloadNetwork;
}

/** A destination outside the cluster that can say which addresses and ports to allow. */
export interface IExternalEgress {
  /**
   * The peer and ports a client must be allowed to reach. A destination known only by name
   * comes as `Peer.fqdn`, which only a `NetworkDialect.cilium()` namespace can write (the
   * client's intent refuses it elsewhere, naming `asker`).
   */
  egressRule(asker: IConstruct): ExternalEgressRule;
}

/** Where a client of an external destination may connect. */
export interface ExternalEgressRule {
  /** The destination's addresses. */
  readonly peer: Peer;
  /** Its ports. */
  readonly ports: Port[];
  /** The destination as a person reads it (a construct path), for messages. @default - the peer */
  readonly destination?: string;
}

/** Options for a connection intent (`connectTo`). */
export interface ConnectOptions {
  /**
   * HTTP requests the connection is limited to (Cilium L7 rules on the target's ingress):
   * a request matching any one rule passes, every other gets 403. Needs the target's
   * namespace in `NetworkDialect.cilium()`.
   * @default - every request on the port
   */
  readonly http?: HttpRule[];
}

/** Where a workload network lives: its namespace's dialect and DNS servers. */
export interface WorkloadNetworkOptions {
  /** The policy API intents are written in. @default NetworkDialect.kubernetes() */
  readonly dialect?: NetworkDialect;
  /** The DNS servers the workload looks names up with. @default [Peer.clusterDns()] */
  readonly dnsServers?: readonly Peer[];
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
    private readonly options: WorkloadNetworkOptions = {},
  ) {}

  private ciliumPolicyOrUndefined?: ManagedCiliumPolicy;

  /** The policy API this workload's intents are written in. */
  public get dialect(): NetworkDialect {
    return this.options.dialect ?? NetworkDialect.kubernetes();
  }

  /** The workload's CiliumNetworkPolicy, when a Cilium-only intent has written one. */
  public get ciliumPolicy(): ManagedCiliumPolicy | undefined {
    return this.ciliumPolicyOrUndefined;
  }

  /** The CiliumNetworkPolicy for Cilium-only intents, created by the first one (`<name>-cilium`). */
  private ensureCiliumPolicy(): ManagedCiliumPolicy {
    if (this.ciliumPolicyOrUndefined) return this.ciliumPolicyOrUndefined;
    // Every Cilium-only intent refuses a plain namespace with its own words first; this is the floor.
    if (!this.dialect.isCilium) failAt(this.owner, `namespace ${this.policy.namespaceName} writes plain NetworkPolicy, so no CiliumNetworkPolicy can be written for it. Create it with dialect: NetworkDialect.cilium().`);
    const policy = this.policy;
    const created = new ManagedCiliumPolicy(this.owner, 'cilium-policy', {
      name: `${this.owner.name}-cilium`,
      namespace: policy.namespaceName,
      endpointLabels: this.owner.selectorLabels,
      dnsServers: this.options.dnsServers ?? [Peer.clusterDns()],
    });
    this.ciliumPolicyOrUndefined = created;
    recordUndo(() => {
      this.owner.node.tryRemoveChild('cilium-policy');
      this.ciliumPolicyOrUndefined = undefined;
    });
    return created;
  }

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
    if (peer.isFqdn) return this.allowEgressToHost(peer, ports, `allowEgressTo(${peer})`);
    if (peer.ciliumEntity !== undefined && this.dialect.isCilium) {
      // Cilium knows the API server as an entity, whatever addresses it moves to (policy/language.rst "Entities Based").
      this.ensureCiliumPolicy().egressRules.set(`entity-${peer.ciliumEntity}-${portsKey(ports)}`, {
        toEntities: [peer.ciliumEntity], toPorts: [{ ports: ciliumPorts(ports) }],
      });
      return;
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
   * Egress to a host by DNS name, on port numbers: `toFQDNs` in the workload's
   * CiliumNetworkPolicy, plus the DNS-proxy rule that lets it look exactly that name up.
   */
  private allowEgressToHost(peer: Peer, ports: readonly Port[], intent: string): void {
    const spec = peer.fqdnSpec!;
    if (!this.dialect.isCilium) {
      failAt(this.owner, `${intent}: NetworkPolicy matches IP addresses, never names, so "${spec.text}" cannot be written in namespace ${this.policy.namespaceName}. Create the namespace as new SecureNamespace(scope, id, { dialect: NetworkDialect.cilium() }) on a cluster that runs Cilium, or allow the host's address ranges with allowEgressTo(Peer.cidr(...), ...).`);
    }
    const named = ports.find((p) => p.number === undefined);
    if (named) failAt(this.owner, `${intent}: port "${named.name}" is a port name, and a host outside the cluster declares none. Give the port number.`);
    const fqdn = spec.pattern ? { matchPattern: spec.text } : { matchName: spec.text };
    const policy = this.ensureCiliumPolicy();
    policy.lookups.set(spec.text, fqdn);
    policy.egressRules.set(`fqdn-${spec.text}-${portsKey(ports)}`, { toFQDNs: [fqdn], toPorts: [{ ports: ciliumPorts(ports) }] });
  }

  /**
   * Both sides of a connection to another workload of ours: egress here, ingress there,
   * on the target's declared port (named when it has a name). Checks everything before
   * writing anything, so a failed call leaves no half-open connection behind. With `http`
   * rules the ingress side is a CiliumNetworkPolicy rule with those rules instead.
   */
  public connectTo(target: INetworkedWorkload, ports: readonly PortRef[] = [], options: ConnectOptions = {}): void {
    const resolved = target.network.resolvePorts(ports, this.owner);
    const portKey = portsKey(resolved);
    if (options.http !== undefined) target.network.checkHttp(this.owner, options.http);
    this.policy.egressRules.set(`to-${Peer.workload(target).key}-${portKey}`, {
      peers: Peer.workload(target).toPolicyPeers(this.policy.namespaceName),
      ports: resolved.map((p) => p.toPolicyPort()),
    });
    if (options.http !== undefined) {
      target.network.allowHttpFrom(Peer.workload(this.owner), resolved, options.http, this.owner);
      return;
    }
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
    if (rule.peer.isFqdn) return this.allowEgressToHost(rule.peer, chosen, `connectTo(${rule.destination ?? rule.peer})`);
    // Destination ports by number: a named port resolves on a pod, and there is none outside.
    this.policy.egressRules.set(`to-${rule.peer.key}-${portsKey(chosen)}`, {
      peers: rule.peer.toPolicyPeers(this.policy.namespaceName),
      ports: chosen.map((p) => p.toPolicyPort({ byNumber: true })),
    });
  }

  /**
   * Lets `peer` send HTTP requests matching `http` to this workload on `ports`, in its
   * CiliumNetworkPolicy only: a NetworkPolicy rule for the same peer and port would let every
   * request through, as Cilium unions an L4 allow with the L7 rules (policy/language.rst
   * "Layer 7 Examples").
   */
  public allowHttpFrom(peer: Peer, ports: readonly Port[], http: readonly HttpRule[], asker: IConstruct = this.owner): void {
    this.checkHttp(asker, http, asker === this.owner ? `allowHttpFrom(${peer})` : undefined);
    const namespace = this.policy.namespaceName;
    const rules = http.map((rule) => Object.fromEntries(Object.entries(rule).filter(([, v]) => v !== undefined)));
    // Keyed by the rules too: a second intent for the same peer adds requests, as intents do.
    this.ensureCiliumPolicy().ingressRules.set(`http-from-${peer.key}-${portsKey(ports)}-${JSON.stringify(rules)}`, {
      ...ciliumPeerFields(peer.toPolicyPeers(namespace), 'from', namespace),
      toPorts: [{ ports: ciliumPorts(ports), rules: { http: rules } }],
    });
  }

  /** HTTP rules for this workload's ingress must be non-empty, each field a regex Cilium can compile, paths absolute, and its namespace on Cilium. */
  private checkHttp(asker: IConstruct, http: readonly HttpRule[], intent = `connectTo(${this.owner.node.path}, { http })`): void {
    if (!this.dialect.isCilium) {
      failAt(asker, `${intent}: HTTP rules need Cilium, and namespace ${this.policy.namespaceName} writes plain NetworkPolicy, which stops at ports. Create it as new SecureNamespace(scope, id, { dialect: NetworkDialect.cilium() }), or leave out http.`);
    }
    if (http.length === 0) failAt(asker, `${intent}: http is empty, which would allow no request at all. Give at least one rule, or leave out http for every request.`);
    http.forEach((rule, index) => {
      for (const field of ['method', 'path', 'host'] as const) {
        const value = rule[field];
        if (value === undefined) continue;
        let problem: string | undefined;
        try {
          new RegExp(value);
        } catch {
          problem = 'is not a valid regular expression';
        }
        if (!problem && value === '') problem = 'is empty';
        if (!problem && field === 'path' && !value.startsWith('/')) problem = 'does not start with "/": Cilium matches the whole path, which always does';
        if (!problem && field === 'method' && !/^[A-Za-z|()]+$/.test(value)) problem = 'is not a method or alternatives such as "GET|HEAD"';
        if (problem) failAt(asker, `${intent}: http[${index}].${field} ${JSON.stringify(value)} ${problem}.`);
      }
      if (Object.values(rule).every((v) => v === undefined)) failAt(asker, `${intent}: http[${index}] has no field, so it would allow every request. Give a method, path, host or headers.`);
      for (const header of rule.headers ?? []) {
        if (!/^[A-Za-z0-9-]+(:.*)?$/.test(header)) failAt(asker, `${intent}: http[${index}].headers entry ${JSON.stringify(header)} is not "Name" or "Name: value".`);
      }
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


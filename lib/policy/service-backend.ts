import { IConstruct } from 'constructs';
import { INetworkedWorkload, PortRef } from './workload-network';
import { Port } from '../net/port';

/** A Service port and the container port behind it. */
export interface ServiceBinding {
  /** The Service port number clients (and Ingress backends) use. */
  readonly servicePort: number;
  /** The container port traffic arrives on (what NetworkPolicy must open). */
  readonly port: Port;
}

/** A workload of ours reachable through a ClusterIP Service: an ExposedApp or a HeadlessStateful's client Service. */
export interface IServiceBackend extends INetworkedWorkload {
  /** The Service's name. */
  readonly serviceName: string;
  /**
   * The Service port for a declared port (default: the main one). Throws, naming `asker`
   * (default: this workload), when the port is not one the Service exposes.
   */
  serviceBinding(port?: PortRef, asker?: IConstruct): ServiceBinding;
}

import { IConstruct } from 'constructs';
import { HttpRouteOptions, IHttpExposure } from './http-exposure';
import { NetworkedWorkload } from './networked-workload';
import { IServiceBackend, ServiceBinding } from '../policy/service-backend';
import { PortRef } from '../policy/workload-network';
import { atomically } from '../private/transaction';

/**
 * A workload behind a Service of its own (ExposedApp, HeadlessStateful): the shared intents,
 * plus being a backend that an Ingress or HTTPRoute can route to.
 */
export abstract class ServiceWorkload extends NetworkedWorkload implements IServiceBackend {
  public abstract readonly serviceName: string;
  public abstract serviceBinding(port?: PortRef, asker?: IConstruct): ServiceBinding;

  /**
   * Exposes this workload through a TlsIngress or HttpRoute at `host` + `path`; the edge's
   * pods may then reach it on that port, and nothing else changes.
   */
  public exposeVia(exposure: IHttpExposure, options: HttpRouteOptions): void {
    atomically(() => exposure.addRoute(this, options));
  }
}

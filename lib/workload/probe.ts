import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Port } from '../net/port';
import { failValue } from '../private/errors';

/** Timing options shared by every probe (core/v1 Probe). */
export interface ProbeTiming {
  /** Seconds after start before the first probe. @default 0 */
  readonly initialDelaySeconds?: number;
  /** Seconds between probes. @default 10 */
  readonly periodSeconds?: number;
  /** Seconds before a probe times out. @default 1 */
  readonly timeoutSeconds?: number;
  /** Failures in a row that count as failed. @default 3 */
  readonly failureThreshold?: number;
}

/** Options for HTTP and TCP probes. */
export interface NetworkProbeOptions extends ProbeTiming {
  /**
   * The container port to probe, as a Port or a declared port's name.
   * @default - the workload's main (first) port
   */
  readonly port?: Port | string;
}

type ProbeKind = { type: 'http'; path: string } | { type: 'tcp' } | { type: 'exec'; command: string[] };

/**
 * A health check. Readiness gates Service traffic; liveness restarts a stuck container;
 * startup holds the other two back while a slow app starts.
 *
 * ```ts
 * Probe.http('/ready');
 * Probe.tcp({ port: 'grpc', periodSeconds: 5 });
 * ```
 */
export class Probe {
  /** An HTTP GET; 200-399 is healthy. */
  public static http(path: string, options: NetworkProbeOptions = {}): Probe {
    if (typeof path !== 'string' || !path.startsWith('/')) {
      failValue(`Probe.http(${JSON.stringify(path)})`, 'the path must start with "/". Write it like "/healthz".');
    }
    return new Probe({ type: 'http', path }, options, `Probe.http(${JSON.stringify(path)})`);
  }

  /** A TCP connect. */
  public static tcp(options: NetworkProbeOptions = {}): Probe {
    return new Probe({ type: 'tcp' }, options, 'Probe.tcp()');
  }

  /** A command inside the container; exit 0 is healthy. */
  public static exec(command: string[], options: ProbeTiming = {}): Probe {
    if (command.length === 0) failValue('Probe.exec([])', 'the command is empty. Give the program and its arguments.');
    return new Probe({ type: 'exec', command }, options, `Probe.exec(${JSON.stringify(command)})`);
  }

  private constructor(private readonly kind: ProbeKind, private readonly options: NetworkProbeOptions, where: string) {
    const check = (field: keyof ProbeTiming, min: number) => {
      const value = options[field];
      if (value !== undefined && (!Number.isInteger(value) || value < min)) {
        failValue(where, `${field} ${value} must be a whole number of at least ${min}. Fix the value or omit it for the Kubernetes default.`);
      }
    };
    check('initialDelaySeconds', 0);
    check('periodSeconds', 1);
    check('timeoutSeconds', 1);
    check('failureThreshold', 1);
  }

  /** The port this probe asks for, if any (resolved by the workload). */
  public get requestedPort(): Port | string | undefined {
    return this.kind.type === 'exec' ? undefined : this.options.port;
  }

  /** Whether the probe talks to a port. */
  public get usesPort(): boolean {
    return this.kind.type !== 'exec';
  }

  /** @internal the cdk8s-plus probe, given the resolved port number. */
  public _toKplus(portNumber: number | undefined): kplus.Probe {
    const o = this.options;
    const timing = {
      initialDelaySeconds: o.initialDelaySeconds !== undefined ? Duration.seconds(o.initialDelaySeconds) : undefined,
      periodSeconds: o.periodSeconds !== undefined ? Duration.seconds(o.periodSeconds) : undefined,
      timeoutSeconds: o.timeoutSeconds !== undefined ? Duration.seconds(o.timeoutSeconds) : undefined,
      failureThreshold: o.failureThreshold,
    };
    switch (this.kind.type) {
      case 'http': return kplus.Probe.fromHttpGet(this.kind.path, { ...timing, port: portNumber });
      case 'tcp': return kplus.Probe.fromTcpSocket({ ...timing, port: portNumber });
      case 'exec': return kplus.Probe.fromCommand(this.kind.command, timing);
    }
  }
}

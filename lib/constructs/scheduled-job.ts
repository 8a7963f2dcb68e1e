import { ApiObject, Cron, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NetkitLint } from './netkit-lint';
import { NetworkedWorkload } from './networked-workload';
import { ManagedNetworkPolicy, PolicyType } from '../policy/network-policy';
import { WorkloadNetwork } from '../policy/workload-network';
import { failAt } from '../private/errors';
import { Transaction } from '../private/transaction';
import { containerProps, finishWorkload, podProps, resolveWorkload, serviceAccountFor } from '../workload/pod';
import { WorkloadProps } from '../workload/workload-props';

/** What happens when a run is due while the previous one still runs. */
export enum ConcurrencyPolicy {
  /** Skip the new run. */
  FORBID = 'Forbid',
  /** Run both. */
  ALLOW = 'Allow',
  /** Stop the old run and start the new one. */
  REPLACE = 'Replace',
}

/** Props for {@link ScheduledJob}. */
export interface ScheduledJobProps extends WorkloadProps {
  /** When to run, in cron syntax with five fields (minute hour day-of-month month day-of-week), e.g. `'0 3 * * *'`. */
  readonly schedule: string;
  /** The time zone of the schedule, e.g. `Europe/Berlin`. @default - the kube-controller-manager's (usually UTC) */
  readonly timeZone?: string;
  /** @default ConcurrencyPolicy.FORBID — a slow run does not pile up copies of itself */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /** Seconds after the scheduled time a missed run may still start. @default - no deadline */
  readonly startingDeadlineSeconds?: number;
  /** Retries of a failed run before the Job fails. @default 3 */
  readonly backoffLimit?: number;
  /** Seconds a run may take before it is stopped. @default - no limit */
  readonly activeDeadlineSeconds?: number;
  /**
   * Seconds a finished Job and its pods are kept before deletion. The alternative to the
   * history limits (the CronJob then deletes by age, not by count): give one or the other.
   * @default - none: the history limits apply
   */
  readonly ttlSecondsAfterFinished?: number;
  /** Succeeded Jobs kept for inspection. @default 3 */
  readonly successfulJobsHistoryLimit?: number;
  /** Failed Jobs kept for inspection. @default 1 */
  readonly failedJobsHistoryLimit?: number;
}

/** One cron field: `*`, numbers, ranges, lists and steps (`*\/15`, `1-5`, `0,30`), or names (`mon`, `jan`). */
const CRON_FIELD = /^(\*|[0-9a-zA-Z]+(-[0-9a-zA-Z]+)?)(\/\d+)?(,(\*|[0-9a-zA-Z]+(-[0-9a-zA-Z]+)?)(\/\d+)?)*$/;

/**
 * A CronJob whose pods get the same secure defaults and intents as every netkit workload: it
 * connects out (`job.connectTo(db)`), others may allow it in, and its NetworkPolicy denies
 * everything else but DNS. No readiness probe: a job serves nothing.
 */
export class ScheduledJob extends NetworkedWorkload {
  public readonly name: string;
  public readonly namespaceName: string;
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** The cdk8s-plus CronJob. */
  public readonly cronJob: kplus.CronJob;
  /** The pods' own NetworkPolicy, which intents such as `connectTo` extend. */
  public readonly networkPolicy: ManagedNetworkPolicy;
  public readonly network: WorkloadNetwork;
  /** Its own ServiceAccount, with `serviceAccount: true`. */
  public readonly serviceAccount?: k8s.KubeServiceAccount;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    // A constructor that throws leaves nothing behind (lib/private/transaction.ts).
    const transaction = Transaction.begin(this);
    try {
      const workload = resolveWorkload(this, id, props);
      // A CronJob names its Jobs `<name>-<11 digit timestamp>`, and Job names must fit 63.
      if (workload.name.length > 52) failAt(this, `name "${workload.name}" is ${workload.name.length} characters; a CronJob name must be at most 52 so its Jobs' names fit 63. Shorten it.`);
      const fields = typeof props.schedule === 'string' ? props.schedule.trim().split(/\s+/) : [];
      if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
        failAt(this, `schedule ${JSON.stringify(props.schedule)} is not a cron expression with five fields (minute hour day-of-month month day-of-week). Write it like "0 3 * * *" (every day at 03:00).`);
      }
      const whole = (what: string, value: number | undefined, min: number) => {
        if (value !== undefined && (!Number.isInteger(value) || value < min)) failAt(this, `${what} ${value} must be a whole number of at least ${min}.`);
      };
      whole('startingDeadlineSeconds', props.startingDeadlineSeconds, 10);
      whole('backoffLimit', props.backoffLimit, 0);
      whole('activeDeadlineSeconds', props.activeDeadlineSeconds, 1);
      whole('ttlSecondsAfterFinished', props.ttlSecondsAfterFinished, 0);
      whole('successfulJobsHistoryLimit', props.successfulJobsHistoryLimit, 0);
      whole('failedJobsHistoryLimit', props.failedJobsHistoryLimit, 0);
      if (props.ttlSecondsAfterFinished !== undefined && (props.successfulJobsHistoryLimit !== undefined || props.failedJobsHistoryLimit !== undefined)) {
        failAt(this, 'ttlSecondsAfterFinished and the history limits both decide when finished Jobs go (by age, by count). Give one of them.');
      }
      const container = containerProps(this, workload, props, [], {}, { listens: false });
      NetkitLint.of(this);
      this.name = workload.name;
      this.namespaceName = workload.namespace.namespaceName;
      this.selectorLabels = workload.selectorLabels;
      const [minute, hour, day, month, weekDay] = fields;
      this.cronJob = new kplus.CronJob(this, 'cron-job', {
        metadata: { name: this.name, namespace: this.namespaceName, labels: workload.objectLabels },
        ...podProps(workload, props),
        schedule: Cron.schedule({ minute, hour, day, month, weekDay }),
        ...(props.timeZone ? { timeZone: props.timeZone } : {}),
        concurrencyPolicy: props.concurrencyPolicy === ConcurrencyPolicy.ALLOW ? kplus.ConcurrencyPolicy.ALLOW
          : props.concurrencyPolicy === ConcurrencyPolicy.REPLACE ? kplus.ConcurrencyPolicy.REPLACE : kplus.ConcurrencyPolicy.FORBID,
        ...(props.startingDeadlineSeconds !== undefined ? { startingDeadline: Duration.seconds(props.startingDeadlineSeconds) } : {}),
        ...(props.ttlSecondsAfterFinished !== undefined
          ? { ttlAfterFinished: Duration.seconds(props.ttlSecondsAfterFinished) }
          : { successfulJobsRetained: props.successfulJobsHistoryLimit ?? 3, failedJobsRetained: props.failedJobsHistoryLimit ?? 1 }),
        backoffLimit: props.backoffLimit ?? 3,
        ...(props.activeDeadlineSeconds !== undefined ? { activeDeadline: Duration.seconds(props.activeDeadlineSeconds) } : {}),
        containers: [container],
      });
      this.serviceAccount = serviceAccountFor(this, workload, props);
      finishWorkload(this.cronJob, workload, { serviceAccount: this.serviceAccount });
      // cdk8s-plus writes a 10 s starting deadline by default, which skips runs whenever the
      // controller is briefly late; Kubernetes' own default is no deadline.
      if (props.startingDeadlineSeconds === undefined) ApiObject.of(this.cronJob).addJsonPatch(JsonPatch.remove('/spec/startingDeadlineSeconds'));
      this.networkPolicy = new ManagedNetworkPolicy(this, 'network-policy', {
        name: this.name, namespace: this.namespaceName, podSelector: this.selectorLabels, policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS],
      });
      this.network = new WorkloadNetwork(this, this.networkPolicy, [], { dialect: workload.namespace.dialect, dnsServers: workload.namespace.dnsServers });
      this.network.allowDns(workload.dnsServers);
    } catch (error) {
      transaction.rollback();
      throw error;
    }
    transaction.commit();
  }
}

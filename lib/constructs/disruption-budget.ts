/**
 * How many replicas voluntary disruptions (drains, upgrades) may take down at once, as a
 * policy/v1 PodDisruptionBudget.
 */
export class DisruptionBudget {
  /**
   * Keep a majority running (`minAvailable: floor(n/2)+1`), so a consensus cluster (etcd,
   * raft, ZooKeeper) keeps quorum through a node drain. Needs 3 or more replicas: with 1 or 2
   * the majority is every replica, which would block every drain (refused).
   */
  public static quorum(): DisruptionBudget {
    return new DisruptionBudget('quorum', undefined);
  }

  /** At most `count` replicas down at once. */
  public static maxUnavailable(count: number): DisruptionBudget {
    return new DisruptionBudget('maxUnavailable', count);
  }

  /** At least `count` replicas up at all times. */
  public static minAvailable(count: number): DisruptionBudget {
    return new DisruptionBudget('minAvailable', count);
  }

  /** No PodDisruptionBudget. */
  public static none(): DisruptionBudget {
    return new DisruptionBudget('none', undefined);
  }

  /**
   * `maxUnavailable: 0`: no voluntary eviction at all, so node drains and cluster upgrades
   * stall until someone deletes the budget. Only for workloads that must be moved by hand.
   */
  public static blockAllDisruptions(): DisruptionBudget {
    return new DisruptionBudget('blockAll', undefined);
  }

  private constructor(
    /** @internal */ public readonly _kind: 'quorum' | 'maxUnavailable' | 'minAvailable' | 'none' | 'blockAll',
    /** @internal */ public readonly _count: number | undefined,
  ) {}
}

/**
 * How many replicas voluntary disruptions (drains, upgrades) may take down at once, as a
 * policy/v1 PodDisruptionBudget.
 */
export class DisruptionBudget {
  /**
   * Keep a majority running (`minAvailable: floor(n/2)+1`), so a consensus cluster (etcd,
   * raft, ZooKeeper) keeps quorum through a node drain.
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

  private constructor(
    /** @internal */ public readonly _kind: 'quorum' | 'maxUnavailable' | 'minAvailable' | 'none',
    /** @internal */ public readonly _count: number | undefined,
  ) {}
}

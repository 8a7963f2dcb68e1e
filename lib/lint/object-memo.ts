/**
 * What lint derives from one object alone (its schema errors, unknown fields, a NetworkPolicy's
 * value problems), kept by object. Each lint run has its own; `netkit diff` gives both revisions
 * one, so that the objects they share (read once, `DocumentReuse`) are judged once. netkit never
 * changes an input object, so what is kept stays true (test/analysis/loader-reuse.test.ts diffs
 * deep-frozen objects).
 */
export class ObjectMemo {
  private readonly byTopic = new Map<string, WeakMap<object, unknown>>();

  /** What `derive` gives for `object` under `topic`, derived on first request. */
  public of<T>(topic: string, object: object, derive: () => T): T {
    let kept = this.byTopic.get(topic);
    if (!kept) this.byTopic.set(topic, (kept = new WeakMap()));
    if (kept.has(object)) return kept.get(object) as T;
    const value = derive();
    kept.set(object, value);
    return value;
  }
}

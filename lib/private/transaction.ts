import { IConstruct } from 'constructs';

/**
 * All-or-nothing construct calls. A construct or intent that throws must leave the app as
 * it was: no child left in the tree (which synth would then trip over with a misleading
 * error) and no rule written into another workload's policy. Every mutation that outlives
 * a call records how to undo itself here; a call that fails undoes them, newest first.
 *
 * Calls nest (a constructor's rules call intents): an inner call that succeeds hands its
 * undo steps to the outer one, so a later failure of the outer call undoes them too.
 */
let journal: (() => void)[] | undefined;

/** Records how to undo a mutation made inside the current call (a no-op outside any call). */
export function recordUndo(undo: () => void): void {
  journal?.push(undo);
}

/** An open all-or-nothing call; `commit()` on success, `rollback()` on failure. */
export class Transaction {
  /**
   * Opens a call. With `construct`, a rollback also removes that construct from its scope
   * (for constructors, whose `super()` has already added it).
   */
  public static begin(construct?: IConstruct): Transaction {
    const transaction = new Transaction(journal, construct);
    journal = transaction.steps;
    return transaction;
  }

  private readonly steps: (() => void)[] = [];

  private constructor(private readonly outer: (() => void)[] | undefined, private readonly construct?: IConstruct) {}

  /** Closes the call; its undo steps join the enclosing call's, if any. */
  public commit(): void {
    journal = this.outer;
    this.outer?.push(...this.steps);
  }

  /** Undoes every recorded mutation and removes the construct being built. */
  public rollback(): void {
    journal = this.outer;
    for (let i = this.steps.length - 1; i >= 0; i--) this.steps[i]();
    const construct = this.construct;
    if (construct?.node.scope) construct.node.scope.node.tryRemoveChild(construct.node.id);
  }
}

/** Runs `body` as one all-or-nothing call. */
export function atomically<T>(body: () => T): T {
  const transaction = Transaction.begin();
  let result: T;
  try {
    result = body();
  } catch (error) {
    transaction.rollback();
    throw error;
  }
  transaction.commit();
  return result;
}

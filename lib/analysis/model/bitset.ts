/** A fixed-size set of small integers (workload indexes), one bit each. */
export class Bitset {
  private readonly words: Uint32Array;

  constructor(size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }

  public add(index: number): void {
    this.words[index >>> 5] |= 1 << (index & 31);
  }

  public has(index: number): boolean {
    return (this.words[index >>> 5] & (1 << (index & 31))) !== 0;
  }

  public delete(index: number): void {
    this.words[index >>> 5] &= ~(1 << (index & 31));
  }

  /** The members, in increasing order. */
  public *[Symbol.iterator](): IterableIterator<number> {
    for (let i = 0; i < this.words.length; i++) {
      let word = this.words[i];
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        yield (i << 5) + bit;
        word &= word - 1;
      }
    }
  }

  /** Whether the set is empty. */
  public get isEmpty(): boolean {
    for (let i = 0; i < this.words.length; i++) if (this.words[i] !== 0) return false;
    return true;
  }

  /** A new set with the members of `other`, which stays as it is. */
  public static copyOf(other: Bitset): Bitset {
    const copy = new Bitset(other.words.length * 32);
    copy.words.set(other.words);
    return copy;
  }

  /** Adds every member of `other` (same size). */
  public addAll(other: Bitset): void {
    for (let i = 0; i < this.words.length; i++) this.words[i] |= other.words[i];
  }
}

/** Close matches for a mistyped name, by edit distance and shared suffix, best first. */
export function closestMatches(wanted: string, candidates: readonly string[], max: number): string[] {
  const scored = candidates.map((candidate) => {
    const tail = candidate.split('/').pop()!;
    const score = Math.min(distance(wanted, candidate), distance(wanted, tail) + 1);
    return { candidate, score };
  });
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return scored.filter((s) => s.score <= limit).sort((a, b) => a.score - b.score || (a.candidate < b.candidate ? -1 : 1))
    .slice(0, max).map((s) => s.candidate);
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 20) return Math.abs(a.length - b.length);
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}

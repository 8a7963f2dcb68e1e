/**
 * Close matches for a mistyped name: the candidates at the smallest edit distance
 * (transpositions count as one edit), if that distance is small for the name's length.
 */
export function closestMatches(wanted: string, candidates: readonly string[], max: number): string[] {
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  const scored = candidates.map((candidate) => {
    const tail = candidate.split('/').pop()!;
    return { candidate, score: Math.min(distance(wanted, candidate), distance(wanted, tail) + 1) };
  }).filter((s) => s.score <= limit);
  if (scored.length === 0) return [];
  const best = Math.min(...scored.map((s) => s.score));
  return scored.filter((s) => s.score === best).map((s) => s.candidate).sort().slice(0, max);
}

/** Optimal-string-alignment distance. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 20) return Math.abs(a.length - b.length);
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) { rows[0].push(j); continue; }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i].push(d);
    }
  }
  return rows[a.length][b.length];
}

/**
 * "Did you mean": the valid name nearest to a misspelt one (pure). A candidate is near when its optimal string
 * alignment distance (Levenshtein plus adjacent transpositions, as commander's own suggestions count them) is at most
 * 2, or when one of the two is a prefix of the other (`raise` → `raise_max`, `per_cpus` → `per_cpu`).
 * Compared case-insensitively; short words need a closer match so `ab` does not "mean" `max`.
 */

const maxDistance = 2;
const minPrefixLength = 3;

/** Edits (insert, delete, substitute, swap two adjacent characters) turning `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j += 1) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    const row = rows[i] as number[];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

function isPrefixPair(word: string, candidate: string): boolean {
  const shorter = word.length <= candidate.length ? word : candidate;
  const longer = shorter === word ? candidate : word;
  return shorter.length >= minPrefixLength && longer.startsWith(shorter);
}

/** The nearest candidate (first one on a tie), or undefined when none is near or the word is itself a candidate. */
export function nearestName(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const candidate = name.toLowerCase();
    if (candidate === lower) return name === word ? undefined : name;
    const distance = editDistance(lower, candidate);
    // a distance as long as the word is a rewrite, not a typo
    const near = (distance <= maxDistance && distance < lower.length) || isPrefixPair(lower, candidate);
    const rank = near ? Math.min(distance, maxDistance + 1) : Number.POSITIVE_INFINITY;
    if (rank !== Number.POSITIVE_INFINITY && (best === undefined || rank < best.distance))
      best = { name, distance: rank };
  }
  return best?.name;
}

/** ` (did you mean "raise_max"?)`, to put right after the unknown name in a message, or '' when nothing is near. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const nearest = nearestName(word, candidates);
  return nearest === undefined ? '' : ` (did you mean "${nearest}"?)`;
}

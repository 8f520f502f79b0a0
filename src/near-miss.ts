/**
 * A top-level key the operation does not take, but that resembles one it does, is almost
 * certainly a typo: `destinationSourceID` would otherwise be ignored and the write go to the
 * default source. "Resembles" is the contract's: the same letters in another case, or at
 * most two edits away (one for names of five letters or fewer, so that a workflow author's
 * own `note` is not taken for `name`).
 */
export function resemblance(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(lower, name.toLowerCase());
    const allowed = name.length <= 5 ? 1 : 2;
    if (distance <= allowed && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/**
 * The known name nearest to `key` however far it is (ties: the first listed), for messages
 * that always name one ("unknown; did you mean ...?"). Case is ignored.
 */
export function closestName(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = alignmentDistance(lower, name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best?.name;
}

/**
 * Edits (insert, delete, substitute, swap two neighbours) between two strings: the optimal
 * string alignment distance, or only the difference in length when that alone exceeds two
 * (all resemblance needs). A dozen lines, so no dependency for it.
 */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return Math.abs(a.length - b.length);
  return alignmentDistance(a, b);
}

function alignmentDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

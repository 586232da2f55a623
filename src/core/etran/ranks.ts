/**
 * Normalised ranks: the common scale on which `recommended` adds scores that
 * have different units (an accuracy, a log-evidence, a past fine-tuning result).
 *
 * r_m = (rank_m − 1) / (M − 1) over the M models that have a value, rank 1 the
 * lowest value, tied values sharing their average rank; so the best model gets
 * 1, the worst 0, and one model alone gets 0.5 (no comparison, no information).
 * Missing values (null, NaN, ±∞) get null.
 */
export function normalizedRanks(values: ReadonlyArray<number | null>): Array<number | null> {
  const idx: number[] = [];
  values.forEach((v, i) => {
    if (v !== null && Number.isFinite(v)) idx.push(i);
  });
  const out: Array<number | null> = values.map(() => null);
  const m = idx.length;
  if (m === 0) return out;
  if (m === 1) {
    out[idx[0]!] = 0.5;
    return out;
  }
  idx.sort((a, b) => values[a]! - values[b]!);
  for (let start = 0; start < m; ) {
    let end = start + 1;
    while (end < m && values[idx[end]!] === values[idx[start]!]) end++;
    const avg = (start + end - 1) / 2; // 0-based average rank of the tie group
    for (let k = start; k < end; k++) out[idx[k]!] = avg / (m - 1);
    start = end;
  }
  return out;
}

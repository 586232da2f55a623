/**
 * `recommended`: the ranking we advise, a fixed combination of target scores
 * and, when given, the zoo's track record.
 *
 *   T_m = mean over the form's components c of normRank_c(m)
 *   recommended_m = (1 − w_m)·T_m + w_m·P_m,   w_m = H_m / (H_m + κ)
 *
 * normRank (ranks.ts) puts every score on one scale across the models of the
 * ranking (best 1, worst 0), so scores with different units can be averaged
 * and no single score's outliers dominate. A component a model lacks (null) is
 * left out of that model's mean. P_m and H_m are the history prior and the
 * number of past datasets behind it (history.ts): the more past datasets, the
 * more weight the record gets; a model without a record keeps w_m = 0.
 *
 * The form (which components, κ) is not tuned by hand: it is what
 * leave-one-target-out picks on our benchmark (scripts/recommended-selection.ts,
 * results/recommended-selection.json), among the candidates that script fixes
 * in advance. `npm run transferability` fails if RECOMMENDED_FORM differs from
 * what the procedure picks on all targets.
 */
import type { HistoryPrior } from './history.js';
import { normalizedRanks } from './ranks.js';

export interface RecommendedForm {
  /** Target scores averaged as normalised ranks. */
  components: string[];
  /** History weight w = H/(H + κ); Infinity ignores the history. */
  kappa: number;
}

/**
 * What `etran rank` and `etran score` order by when --rank-by is not given
 * (with ≥ 2 models): recommended, because under leave-one-target-out it beats
 * etran on our benchmark (README, results/recommended-selection.json).
 */
export const RANK_BY_DEFAULT = 'recommended';

/** The shipped form (see the header: chosen by leave-one-target-out). */
export const RECOMMENDED_FORM: RecommendedForm = { components: ['knn'], kappa: 2 };

/**
 * recommended for each model from its component scores (values[m].get(c)),
 * and the history prior when given.
 */
export function recommendedCombine(
  names: string[],
  values: ReadonlyArray<ReadonlyMap<string, number | null>>,
  form: RecommendedForm = RECOMMENDED_FORM,
  history?: HistoryPrior,
): { values: Array<number | null>; warnings: string[] } {
  const warnings: string[] = [];
  const ranks = form.components.map((c) => normalizedRanks(values.map((v) => v.get(c) ?? null)));
  const out = names.map((name, m) => {
    let s = 0;
    let k = 0;
    for (const r of ranks) {
      if (r[m] !== null) (s += r[m]!), k++;
    }
    const target = k > 0 ? s / k : null;
    const p = history?.prior.get(name);
    const h = history?.count.get(name) ?? 0;
    if (p === undefined || h === 0 || !Number.isFinite(form.kappa)) return target;
    const w = h / (h + form.kappa);
    return target === null ? p : (1 - w) * target + w * p;
  });
  const missing = names.filter((_, m) => out[m] === null);
  if (missing.length > 0) warnings.push(`recommended: undefined for ${missing.join(', ')}: none of its scores (${form.components.join(', ')}) is defined`);
  return { values: out, warnings };
}

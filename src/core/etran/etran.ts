/**
 * The ETran score: components combined across the models of one ranking.
 *
 * Classification (official ETran): T_m = 0.15·minmax(S_en)_m + 0.85·minmax(S_cls)_m,
 * minmax(s) = (s − min)/(max − min) over the models being ranked.
 * Detection (regression component present; the official repository has no
 * detection code, this follows the paper's figure): T_m = minmax(S_en) +
 * minmax(S_cls) + minmax(S_reg), weights settable.
 *
 * A component equal for every model contributes 0 to each (upstream divides
 * 0 by 0). With a single model the combination is undefined: null, with the
 * reason in `warnings` (upstream yields NaN). A model whose component is not
 * finite gets null too.
 */
import { InputError } from '../errors.js';

export interface EtranComponents {
  energy: number;
  lda: number;
  regression?: number;
}

export interface EtranWeights {
  energy: number;
  lda: number;
  regression?: number;
}

export const CLASSIFICATION_WEIGHTS: EtranWeights = { energy: 0.15, lda: 0.85 };
export const DETECTION_WEIGHTS: EtranWeights = { energy: 1, lda: 1, regression: 1 };

export function etranCombineDetailed(
  components: EtranComponents[],
  opts: { weights?: Partial<EtranWeights> } = {},
): { values: Array<number | null>; warnings: string[] } {
  const warnings: string[] = [];
  const m = components.length;
  const withReg = components.filter((c) => c.regression !== undefined).length;
  if (withReg !== 0 && withReg !== m) {
    throw new InputError(null, `etran: ${withReg} of ${m} models have a regression score; give it for all models or none`);
  }
  const detection = withReg === m && m > 0;
  const base = detection ? DETECTION_WEIGHTS : CLASSIFICATION_WEIGHTS;
  const weights: EtranWeights = { ...base, ...opts.weights };
  if (m < 2) {
    if (m === 1) warnings.push('etran: the min-max combination needs at least 2 models; etran is undefined (null) for a single model');
    return { values: components.map(() => null), warnings };
  }
  const finite = components.map((c) =>
    Number.isFinite(c.energy) && Number.isFinite(c.lda) && (!detection || Number.isFinite(c.regression!)));
  const bad = finite.filter((f) => !f).length;
  if (bad > 0) warnings.push(`etran: ${bad} model(s) have a non-finite component score; their etran is null`);
  const keys: Array<keyof EtranComponents> = detection ? ['energy', 'lda', 'regression'] : ['energy', 'lda'];
  const values: Array<number | null> = components.map((_, i) => (finite[i] ? 0 : null));
  for (const key of keys) {
    const w = weights[key] ?? 0;
    let lo = Infinity, hi = -Infinity;
    components.forEach((c, i) => {
      if (!finite[i]) return;
      lo = Math.min(lo, c[key]!);
      hi = Math.max(hi, c[key]!);
    });
    if (!(hi > lo)) {
      if (lo === hi) warnings.push(`etran: ${key} is equal for every model and contributes 0`);
      continue;
    }
    components.forEach((c, i) => {
      if (finite[i]) values[i] = values[i]! + (w * (c[key]! - lo)) / (hi - lo);
    });
  }
  return { values, warnings };
}

/** The combination only (see etranCombineDetailed for the reasons behind nulls). */
export function etranCombine(components: EtranComponents[], opts: { weights?: Partial<EtranWeights> } = {}): Array<number | null> {
  return etranCombineDetailed(components, opts).values;
}

/**
 * Scoring orchestration: given each model's features on the same target data
 * (plus, when available, its source-class probabilities and regression
 * targets), compute the requested metrics per model, the cross-model ETran
 * combination, and a ranking. Used by `etran score`, `etran rank` and the
 * benchmark; plain data in, plain data out.
 */
import { InputError } from '../errors.js';
import { bootstrapRanking } from './bootstrap.js';
import { etranCombineDetailed } from './etran.js';
import type { HistoryPrior } from './history.js';
import { METRIC_NAMES, availableMetrics, isAcrossModels, isMetricName, metricOptionSpecs, perModelMetric, type MetricName, type PreparedModel } from './metrics.js';
import { checkOptionValue } from './metric-options.js';
import { nctiCombine, nctiTerms, type NctiOptions, type NctiTerms } from './ncti.js';
import { RANK_BY_DEFAULT, RECOMMENDED_FORM, recommendedCombine } from './recommended.js';
import { asSourceProbabilities } from './source-probs.js';
import { firstPass, type StreamedFeatures } from './streaming.js';
import type { Labels, Matrix } from './types.js';

export interface ModelFeatures {
  name: string;
  X: Matrix;
  labels: Labels;
  /** Source-model softmax over its own classes (N × C_s); logits are detected and soft-maxed with a warning. */
  sourceProbs?: Matrix;
  /** Regression targets (N × K), e.g. normalised box coordinates for detection. */
  targets?: Matrix;
  /**
   * Features too large to load (streaming.ts): X, labels and targets are then the
   * rows of the subsample, and the scores that can be streamed read the full
   * features from here.
   */
  streamed?: StreamedFeatures;
}

export interface ScoreOptions {
  /** Metric names to report (default: every metric the inputs allow). */
  metrics?: string[];
  /** Metric that orders the ranking (default: etran with ≥ 2 models, else the first metric). */
  rankBy?: string;
  /** Weights of the ETran components (defaults: 0.15/0.85 without targets, 1/1/1 with). */
  weights?: { energy?: number; lda?: number; regression?: number };
  /** Per-metric options, keyed by metric name, e.g. { leep: { variant: 'prob-mean' } }. */
  metricOptions?: Record<string, unknown>;
  /** --seed: folds, k-NN ties, mixture initialisation, bootstrap draws (default 0). */
  seed?: number;
  /** The zoo's track record (history.ts), for `recommended`. */
  history?: HistoryPrior;
  /** Bootstrap replicates over the target images (0 or absent: none). */
  bootstrap?: number;
  /** Called before each model is scored (progress for long runs). */
  onModel?: (index: number, total: number, name: string) => void;
}

export interface ScoredModel {
  name: string;
  n: number;
  d: number;
  scores: Record<string, number | null>;
  /** Share of bootstrap replicates in which the model ranks first (with bootstrap). */
  p_best?: number;
  /** 90 % bootstrap interval of its rank, 1 = best (with bootstrap). */
  rank_interval?: [number, number];
}

export interface ScoreResult {
  models: ScoredModel[];
  /** Model names, best first by the rank-by metric (undefined scores last). */
  ranking: string[];
  /** Human-readable warnings ("model: metric: reason"), for stderr. */
  warnings: string[];
  /** The metric the ranking used. */
  rankBy?: string;
  /** What the bootstrap did: replicates, the ranking metric, the scores recomputed on each replicate. */
  bootstrap?: { n: number; metric: string; seed: number; recomputed: string[] };
  /** The history behind `recommended`, when one was given. */
  history?: { datasets: string[]; models_with_history: number; kappa: number };
  /** Only when features were streamed: which scores read every row in blocks, and which (and the bootstrap) ran on the subsample. */
  streaming?: StreamingNote;
}

export interface StreamingNote {
  /** Rows per block read. */
  chunk_rows: number;
  /** Scores computed from all rows, read in blocks. */
  streamed: string[];
  /** The seeded, stratified subsample the other scores (and the bootstrap) used. */
  subsample: { rows: number; of: number; seed: number; scores: string[] };
}

/** What the inputs of a scoring run provide, to decide which metrics apply. */
export interface InputsAvailable {
  models: number;
  /** How many models have source probabilities. */
  withSourceProbs: number;
  withTargets: number;
}

function needsSatisfied(name: MetricName, avail: InputsAvailable): boolean {
  if (isAcrossModels(name)) return true;
  const need = perModelMetric(name)?.needs;
  if (need === 'sourceProbs') return avail.withSourceProbs > 0;
  if (need === 'targets') return avail.withTargets > 0;
  return true;
}

/**
 * The metrics a run reports: the requested ones (checked: known, available,
 * inputs present) or, by default, every available metric the inputs allow.
 */
export function resolveMetrics(requested: string[] | undefined, avail: InputsAvailable): MetricName[] {
  const available = availableMetrics();
  if (!requested || requested.length === 0) {
    return available.filter((n) => needsSatisfied(n, avail) && (n !== 'etran' || avail.withTargets === 0 || available.includes('regression')));
  }
  const out: MetricName[] = [];
  for (const raw of requested) {
    const name = raw.trim();
    if (!isMetricName(name)) throw new InputError(null, `unknown metric '${name}' (known: ${METRIC_NAMES.join(', ')})`);
    if (!available.includes(name)) throw new InputError(null, `metric '${name}' is not available in this build`);
    if (!needsSatisfied(name, avail)) {
      const need = perModelMetric(name)!.needs;
      throw new InputError(null, `metric '${name}' needs ${need === 'sourceProbs' ? 'source-model probabilities (--source-probs)' : 'regression targets (--targets)'}`);
    }
    if (name === 'etran' && avail.withTargets > 0 && !available.includes('regression')) {
      throw new InputError(null, "metric 'etran' with targets needs 'regression', which is not available in this build");
    }
    if (!out.includes(name)) out.push(name);
  }
  // `recommended` is reported for every model whatever the list says (the ranking we advise).
  if (!out.includes('recommended')) out.push('recommended');
  return out;
}

function checkModel(m: ModelFeatures): void {
  const who = `model '${m.name}'`;
  const n = m.X.rows;
  if (n === 0 || m.X.cols === 0) throw new InputError(null, `${who}: features are empty`);
  if (m.X.data.length !== n * m.X.cols) throw new InputError(null, `${who}: feature matrix holds ${m.X.data.length} values, expected ${n}×${m.X.cols}`);
  if (m.labels.ids.length !== n) throw new InputError(null, `${who}: ${m.labels.ids.length} labels for ${n} feature rows`);
  if (m.labels.numClasses < 2) throw new InputError(null, `${who}: labels hold one class only`);
  if (m.sourceProbs && m.sourceProbs.rows !== n) throw new InputError(null, `${who}: ${m.sourceProbs.rows} source-probability rows for ${n} feature rows`);
  if (m.targets && m.targets.rows !== n) throw new InputError(null, `${who}: ${m.targets.rows} target rows for ${n} feature rows`);
}

/** Sorts names by score, best first; undefined scores last; ties keep input order. */
export function rankByScore(names: string[], scores: Array<number | null>): string[] {
  const idx = names.map((_, i) => i);
  const key = (i: number) => (scores[i] === null || Number.isNaN(scores[i]!) ? -Infinity : scores[i]!);
  const undef = (i: number) => scores[i] === null || Number.isNaN(scores[i]!);
  idx.sort((a, b) => Number(undef(a)) - Number(undef(b)) || key(b) - key(a) || a - b);
  return idx.map((i) => names[i]!);
}

/** Scores every model with the chosen metrics and ranks them. Throws InputError for invalid input. */
export function scoreModels(models: ModelFeatures[], opts: ScoreOptions = {}): ScoreResult {
  if (models.length === 0) throw new InputError(null, 'no models to score');
  const seen = new Set<string>();
  for (const m of models) {
    if (seen.has(m.name)) throw new InputError(null, `model name '${m.name}' is given twice`);
    seen.add(m.name);
    checkModel(m);
  }
  const avail: InputsAvailable = {
    models: models.length,
    withSourceProbs: models.filter((m) => m.sourceProbs).length,
    withTargets: models.filter((m) => m.targets).length,
  };
  const metrics = resolveMetrics(opts.metrics, avail);
  const rankBy = chooseRankBy(opts.rankBy, metrics, models.length);
  const metricOptions = opts.metricOptions ?? {};
  for (const [key, value] of Object.entries(metricOptions)) {
    if (!isMetricName(key)) throw new InputError(null, `options given for unknown metric '${key}'`);
    const known = Object.keys(metricOptionSpecs(key) ?? {});
    for (const [opt, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
      if (!known.includes(opt)) throw new InputError(null, `unknown option '${opt}' for metric ${key} (${known.length > 0 ? `known: ${known.join(', ')}` : 'it takes none'})`);
      checkMetricOption(key, opt, v);
    }
  }
  const warnings: string[] = [];
  for (const m of models) {
    const k = m.streamed ? firstPass(m.streamed.source, m.streamed.labels).constantColumns : constantColumns(m.X);
    if (k > 0) warnings.push(`${m.name}: ${k} of ${m.X.cols} feature column(s) are constant (they carry no information; metrics handle them, but check the features)`);
  }
  const seed = opts.seed ?? 0;
  const detection = avail.withTargets > 0;
  const etranParts: MetricName[] = detection ? ['energy', 'lda', 'regression'] : ['energy', 'lda'];
  // recommended's target scores, as far as these inputs allow them.
  const recParts = RECOMMENDED_FORM.components.filter((c) => isMetricName(c) && needsSatisfied(c, avail) && (c !== 'etran' || !detection || availableMetrics().includes('regression'))) as MetricName[];
  const wanted = new Set<MetricName>([...metrics, ...recParts]);
  // Per-model metrics to compute: the wanted ones plus the components of the across-model ones.
  const toCompute = [...new Set<MetricName>([...[...wanted].filter((n) => !isAcrossModels(n)), ...(wanted.has('etran') ? etranParts : [])])];

  const streamedScores = new Set<string>();
  const subsampledScores = new Set<string>();
  const values = models.map(() => new Map<MetricName, number | null>());
  const terms = models.map(() => new Map<MetricName, Float64Array>());
  models.forEach((m, mi) => {
    opts.onModel?.(mi, models.length, m.name);
    const prepared: PreparedModel = { name: m.name, X: m.X, labels: m.labels, targets: m.targets };
    if (m.sourceProbs) {
      const sp = asSourceProbabilities(m.sourceProbs);
      if (sp.softmaxReason) warnings.push(`${m.name}: source probabilities look like logits (${sp.softmaxReason}); applied softmax`);
      prepared.sourceProbs = sp.probs;
    }
    for (const name of toCompute) {
      const metric = perModelMetric(name)!;
      if (metric.needs === 'sourceProbs' && !prepared.sourceProbs) {
        values[mi]!.set(name, null);
        warnings.push(`${m.name}: ${name}: undefined: no source probabilities for this model`);
        continue;
      }
      if (metric.needs === 'targets' && !prepared.targets) {
        values[mi]!.set(name, null);
        warnings.push(`${m.name}: ${name}: undefined: no regression targets for this model`);
        continue;
      }
      const o = (metricOptions[name] ?? {}) as Record<string, unknown>;
      let res;
      try {
        const fromBlocks = m.streamed && metric.streamed ? metric.streamed(m.streamed, o, { seed }) : null;
        if (fromBlocks) {
          streamedScores.add(name);
          // Per-image terms of all rows; the bootstrap resamples the subsample's rows.
          res = fromBlocks.perSample ? { ...fromBlocks, perSample: pick(fromBlocks.perSample, m.streamed!.sample) } : fromBlocks;
        } else {
          if (m.streamed) subsampledScores.add(name);
          res = metric.compute(prepared, o, { seed });
        }
      } catch (err) {
        // Bad input, and programming errors, are not a metric's numerical failure: let them through
        // (bad input only for a metric the user asked for: recommended's own inputs just go undefined).
        if ((err instanceof InputError && metrics.includes(name)) || err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError) throw err;
        // One metric failing numerically must not lose the others: report it as undefined.
        values[mi]!.set(name, null);
        warnings.push(`${m.name}: ${name}: undefined: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      // Metric warnings may already start with the metric's name; say it once.
      for (const w of res.warnings) warnings.push(`${m.name}: ${name}: ${w.startsWith(`${name}: `) ? w.slice(name.length + 2) : w}`);
      if (Number.isFinite(res.value)) {
        values[mi]!.set(name, res.value);
        if (res.perSample && metric.resample) terms[mi]!.set(name, res.perSample);
      } else {
        values[mi]!.set(name, null);
        warnings.push(`${m.name}: ${name}: undefined: the metric evaluates to ${res.value}`);
      }
    }
  });

  const names = models.map((m) => m.name);
  if (wanted.has('etran')) {
    combineEtran(names, values, detection, opts.weights, warnings).forEach((v, mi) => values[mi]!.set('etran', v));
  }
  if (wanted.has('ncti')) {
    combineNcti(models, metricOptions.ncti as NctiOptions | undefined, warnings).forEach((v, mi) => values[mi]!.set('ncti', v));
  }
  const rec = recommendedCombine(names, values, RECOMMENDED_FORM, opts.history);
  warnings.push(...rec.warnings);
  rec.values.forEach((v, mi) => values[mi]!.set('recommended', v));
  if (opts.history) for (const w of opts.history.warnings) warnings.push(w);

  const out: ScoredModel[] = models.map((m, mi) => {
    const scores: Record<string, number | null> = {};
    for (const name of metrics) scores[name] = values[mi]!.get(name) ?? null;
    return { name: m.name, n: m.streamed ? m.streamed.source.rows : m.X.rows, d: m.X.cols, scores };
  });
  const ranking = rankByScore(
    out.map((m) => m.name),
    out.map((m) => m.scores[rankBy] ?? null),
  );
  const top = out.map((m) => m.scores[rankBy]).filter((v): v is number => v !== null && v !== undefined);
  if (new Set(top).size < top.length) warnings.push(`ranking: some models tie on ${rankBy}; tied models keep their input order`);
  const result: ScoreResult = { models: out, ranking, warnings, rankBy };
  if (opts.history) {
    result.history = { datasets: opts.history.datasets, models_with_history: names.filter((n) => opts.history!.prior.has(n)).length, kappa: RECOMMENDED_FORM.kappa };
  }

  const B = opts.bootstrap ?? 0;
  if (B > 0) {
    const plan = bootstrapPlan(models, rankBy, terms, values, warnings);
    if (plan) {
      const summary = bootstrapRanking(models[0]!.labels, B, seed, models.length, (idx) => {
        const v = models.map((_, mi) => {
          const copy = new Map(values[mi]!);
          for (const [name, t] of terms[mi]!) copy.set(name, perModelMetric(name)!.resample!(t, idx, (metricOptions[name] ?? {}) as Record<string, unknown>));
          return copy;
        });
        if (rankBy === 'etran' || (rankBy === 'recommended' && RECOMMENDED_FORM.components.includes('etran'))) {
          const quiet: string[] = [];
          combineEtran(names, v, detection, opts.weights, quiet).forEach((e, mi) => v[mi]!.set('etran', e));
        }
        if (rankBy === 'recommended') return recommendedCombine(names, v, RECOMMENDED_FORM, opts.history).values;
        return v.map((x) => x.get(rankBy) ?? null);
      });
      out.forEach((m, mi) => {
        m.p_best = summary.p_best[mi]!;
        m.rank_interval = summary.rank_interval[mi]!;
      });
      result.bootstrap = { n: B, metric: rankBy, seed, recomputed: plan.recomputed };
    }
  }
  const streamed = models.find((m) => m.streamed)?.streamed;
  if (streamed) {
    if (wanted.has('ncti')) subsampledScores.add('ncti');
    if (result.bootstrap) subsampledScores.add('bootstrap');
    const note: StreamingNote = {
      chunk_rows: Math.min(streamed.source.chunkRows, streamed.source.rows),
      streamed: [...streamedScores],
      subsample: { rows: streamed.sample.length, of: streamed.source.rows, seed, scores: [...subsampledScores] },
    };
    result.streaming = note;
    const sub = note.subsample;
    warnings.push(
      `streaming: ${sub.of} feature rows read in blocks of ${note.chunk_rows} for ${note.streamed.join(', ') || 'no score'}` +
        (sub.scores.length > 0 ? `; ${sub.scores.join(', ')} on a stratified subsample of ${sub.rows} of ${sub.of} rows (seed ${seed})` : ''),
    );
  }
  return result;
}

/**
 * Which scores a bootstrap replicate recomputes for the ranking metric, or null
 * (with a warning) when the models were not scored on the same images.
 */
function bootstrapPlan(
  models: ModelFeatures[],
  rankBy: MetricName,
  terms: Array<Map<MetricName, Float64Array>>,
  values: Array<Map<MetricName, number | null>>,
  warnings: string[],
): { recomputed: string[] } | null {
  const ids = models[0]!.labels.ids;
  const same = models.every((m) => m.labels.ids.length === ids.length && m.labels.ids.every((c, i) => c === ids[i]) && m.labels.numClasses === models[0]!.labels.numClasses);
  if (!same) {
    warnings.push('bootstrap: skipped: the models were not scored on the same images with the same labels, so no common resample exists');
    return null;
  }
  const parts: string[] =
    rankBy === 'recommended'
      ? RECOMMENDED_FORM.components.flatMap((c) => (c === 'etran' ? ['etran', 'energy', 'lda'] : [c]))
      : rankBy === 'etran'
        ? ['etran', 'energy', 'lda']
        : [rankBy];
  const resampled = (n: string): boolean => terms.every((t, mi) => t.has(n as MetricName) || values[mi]!.get(n as MetricName) == null) && terms.some((t) => t.has(n as MetricName));
  const recomputed = parts.filter((n) => (n === 'etran' ? resampled('energy') || resampled('lda') : resampled(n)));
  if (rankBy === 'recommended' && recomputed.length > 0) recomputed.unshift('recommended');
  if (recomputed.length === 0) warnings.push(`bootstrap: ${rankBy} is not recomputed on resamples (it is not a function of per-image terms), so p(best) and the intervals show no sampling spread`);
  return { recomputed };
}

function pick(terms: Float64Array, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = terms[idx[k]!]!;
  return out;
}

/** Number of columns whose values are all equal. */
function constantColumns(X: Matrix): number {
  const { rows, cols, data } = X;
  const varies = new Uint8Array(cols);
  for (let i = 1; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) if (data[o + j] !== data[j]) varies[j] = 1;
  }
  let k = 0;
  for (let j = 0; j < cols; j++) if (!varies[j]) k++;
  return k;
}

/** The metric a ranking uses: the requested one (checked) or, with ≥ 2 models, RANK_BY_DEFAULT (recommended.ts), else the first metric. */
export function chooseRankBy(requested: string | undefined, metrics: MetricName[], nModels: number): MetricName {
  if (requested !== undefined) {
    if (!isMetricName(requested)) throw new InputError(null, `unknown --rank-by metric '${requested}' (known: ${METRIC_NAMES.join(', ')})`);
    if (!metrics.includes(requested)) throw new InputError(null, `--rank-by '${requested}' is not among the computed metrics (${metrics.join(', ')})`);
    return requested;
  }
  if (nModels >= 2 && metrics.includes(RANK_BY_DEFAULT)) return RANK_BY_DEFAULT;
  if (nModels >= 2 && metrics.includes('etran')) return 'etran';
  return metrics[0]!;
}

/**
 * ETran across the models of this run: min-max each component over the models,
 * then weight and sum (etranCombine). A model missing a component gets null.
 */
function combineEtran(
  names: string[],
  values: Array<Map<MetricName, number | null>>,
  detection: boolean,
  weights: ScoreOptions['weights'],
  warnings: string[],
): Array<number | null> {
  if (names.length < 2) {
    warnings.push(`${names[0]}: etran: undefined: ETran min-max normalises scores across models, so it needs at least 2 models`);
    return [null];
  }
  const complete = values.map((v) => v.get('energy') != null && v.get('lda') != null && (!detection || v.get('regression') != null));
  const idx = complete.flatMap((ok, i) => (ok ? [i] : []));
  names.forEach((n, i) => {
    if (!complete[i]) warnings.push(`${n}: etran: undefined: a component score (energy, lda${detection ? ', regression' : ''}) is undefined`);
  });
  const out: Array<number | null> = names.map(() => null);
  if (idx.length < 2) {
    if (idx.length === 1) warnings.push(`${names[idx[0]!]}: etran: undefined: fewer than 2 models have all component scores`);
    return out;
  }
  const combined = etranCombineDetailed(
    idx.map((i) => {
      const v = values[i]!;
      return detection ? { energy: v.get('energy')!, lda: v.get('lda')!, regression: v.get('regression')! } : { energy: v.get('energy')!, lda: v.get('lda')! };
    }),
    weights ? { weights } : undefined,
  );
  warnings.push(...combined.warnings);
  idx.forEach((i, k) => (out[i] = combined.values[k] ?? null));
  return out;
}

/** NCTI across the models of this run (ncti.ts): per-model terms, then the official min-max combination. */
function combineNcti(models: ModelFeatures[], options: NctiOptions | undefined, warnings: string[]): Array<number | null> {
  const all = models.map((m): NctiTerms => {
    try {
      const t = nctiTerms(m.X, m.labels, options ?? {});
      for (const w of t.warnings) warnings.push(`${m.name}: ncti: ${w.startsWith('ncti: ') ? w.slice(6) : w}`);
      return t.terms;
    } catch (err) {
      if (err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError) throw err;
      // Too few samples for its LDA, say: this model's ncti is undefined, the others are still combined.
      warnings.push(`${m.name}: ncti: undefined: ${err instanceof Error ? err.message.replace(/^ncti: /, '') : String(err)}`);
      return { seli: Number.NaN, ncc: Number.NaN, vc: Number.NaN };
    }
  });
  const combined = nctiCombine(all);
  warnings.push(...combined.warnings);
  return combined.values;
}

/** Checks one option value against the spec its metric declares (InputError: exit 2, one line). Options without a spec pass. */
export function checkMetricOption(metric: string, option: string, value: unknown): void {
  const specs = metricOptionSpecs(metric);
  if (specs && Object.hasOwn(specs, option)) checkOptionValue(metric, option, specs[option]!, value);
}

/**
 * Scoring orchestration: given each model's features on the same target data
 * (plus, when available, its source-class probabilities and regression
 * targets), compute the requested metrics per model, the cross-model ETran
 * combination, and a ranking. Used by `etran score`, `etran rank` and the
 * benchmark; plain data in, plain data out.
 */
import { InputError } from '../errors.js';
import { etranCombineDetailed } from './etran.js';
import { METRIC_NAMES, availableMetrics, isMetricName, perModelMetric, type MetricName, type PreparedModel } from './metrics.js';
import { asSourceProbabilities } from './source-probs.js';
import type { Labels, Matrix } from './types.js';

export interface ModelFeatures {
  name: string;
  X: Matrix;
  labels: Labels;
  /** Source-model softmax over its own classes (N × C_s); logits are detected and soft-maxed with a warning. */
  sourceProbs?: Matrix;
  /** Regression targets (N × K), e.g. normalised box coordinates for detection. */
  targets?: Matrix;
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
}

export interface ScoreResult {
  models: Array<{ name: string; n: number; d: number; scores: Record<string, number | null> }>;
  /** Model names, best first by the rank-by metric (undefined scores last). */
  ranking: string[];
  /** Human-readable warnings ("model: metric: reason"), for stderr. */
  warnings: string[];
  /** The metric the ranking used. */
  rankBy?: string;
}

/** What the inputs of a scoring run provide, to decide which metrics apply. */
export interface InputsAvailable {
  models: number;
  /** How many models have source probabilities. */
  withSourceProbs: number;
  withTargets: number;
}

function needsSatisfied(name: MetricName, avail: InputsAvailable): boolean {
  if (name === 'etran') return true;
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
    const known = key === 'etran' ? [] : (perModelMetric(key)?.options ?? []);
    for (const opt of Object.keys((value ?? {}) as Record<string, unknown>)) {
      if (!known.includes(opt)) throw new InputError(null, `unknown option '${opt}' for metric ${key} (${known.length > 0 ? `known: ${known.join(', ')}` : 'it takes none'})`);
    }
  }
  const warnings: string[] = [];
  for (const m of models) {
    const k = constantColumns(m.X);
    if (k > 0) warnings.push(`${m.name}: ${k} of ${m.X.cols} feature column(s) are constant (they carry no information; metrics handle them, but check the features)`);
  }

  // Per-model metrics to compute: the requested ones plus ETran's components.
  const detection = avail.withTargets > 0;
  const components: MetricName[] = metrics.includes('etran') ? (detection ? ['energy', 'lda', 'regression'] : ['energy', 'lda']) : [];
  const toCompute = [...new Set<MetricName>([...metrics.filter((n) => n !== 'etran'), ...components])];

  const values = models.map(() => new Map<MetricName, number | null>());
  models.forEach((m, mi) => {
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
        res = metric.compute(prepared, o);
      } catch (err) {
        // Bad input, and programming errors, are not a metric's numerical failure: let them through.
        if (err instanceof InputError || err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError) throw err;
        // One metric failing numerically must not lose the others: report it as undefined.
        values[mi]!.set(name, null);
        warnings.push(`${m.name}: ${name}: undefined: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      // Metric warnings may already start with the metric's name; say it once.
      for (const w of res.warnings) warnings.push(`${m.name}: ${name}: ${w.startsWith(`${name}: `) ? w.slice(name.length + 2) : w}`);
      if (Number.isFinite(res.value)) values[mi]!.set(name, res.value);
      else {
        values[mi]!.set(name, null);
        warnings.push(`${m.name}: ${name}: undefined: the metric evaluates to ${res.value}`);
      }
    }
  });

  if (metrics.includes('etran')) {
    const etran = combineEtran(models.map((m) => m.name), values, detection, opts.weights, warnings);
    etran.forEach((v, mi) => values[mi]!.set('etran', v));
  }

  const out = models.map((m, mi) => {
    const scores: Record<string, number | null> = {};
    for (const name of metrics) scores[name] = values[mi]!.get(name) ?? null;
    return { name: m.name, n: m.X.rows, d: m.X.cols, scores };
  });
  const ranking = rankByScore(
    out.map((m) => m.name),
    out.map((m) => m.scores[rankBy] ?? null),
  );
  const top = out.map((m) => m.scores[rankBy]).filter((v): v is number => v !== null && v !== undefined);
  if (new Set(top).size < top.length) warnings.push(`ranking: some models tie on ${rankBy}; tied models keep their input order`);
  return { models: out, ranking, warnings, rankBy };
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

/** The metric a ranking uses: the requested one (checked) or etran with ≥ 2 models, else the first metric. */
export function chooseRankBy(requested: string | undefined, metrics: MetricName[], nModels: number): MetricName {
  if (requested !== undefined) {
    if (!isMetricName(requested)) throw new InputError(null, `unknown --rank-by metric '${requested}' (known: ${METRIC_NAMES.join(', ')})`);
    if (!metrics.includes(requested)) throw new InputError(null, `--rank-by '${requested}' is not among the computed metrics (${metrics.join(', ')})`);
    return requested;
  }
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

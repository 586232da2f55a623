/**
 * The registry of transferability metrics: each name `etran score` accepts,
 * what inputs it needs and how to compute it for one model. Three names are
 * not per-model and are listed in ACROSS_MODELS instead: `etran`, `ncti` and
 * `recommended` combine per-model values across the models of one ranking
 * (score.ts does the combining).
 *
 * Every metric is "higher is better", so one ranking rule serves all.
 * A metric that is a plain function of per-image terms declares `resample`:
 * the bootstrap (bootstrap.ts) recomputes it from those terms on each resample.
 */
import { energy, lowestMean, type EnergyOptions } from './energy.js';
import { choice, int, nonNegative, share, type OptionSpec } from './metric-options.js';
import { LDA_NORMALIZE, LDA_VARIANTS, lda, type LdaOptions } from './lda.js';
import { hscore } from './hscore.js';
import { LEEP_VARIANTS, leep, type LeepOptions } from './leep.js';
import { logme, type LogmeOptions } from './logme.js';
import { gbc, type GbcOptions } from './gbc.js';
import { regression, type RegressionOptions } from './regression.js';
import { regularizedHscore } from './regularized_hscore.js';
import { sfda, type SfdaOptions } from './sfda.js';
import { transrate, type TransrateOptions } from './transrate.js';
import { nce } from './nce.js';
import { PROBE_CLASSIFIERS, probe, type ProbeOptions } from './probe.js';
import { knn, type KnnOptions } from './knn.js';
import { nleep, type NleepOptions } from './nleep.js';
import { RECOMMENDED_FORM } from './recommended.js';
import { energyStreamed, gbcStreamed, hscoreStreamed, ldaStreamedMetric, logmeStreamed, regressionStreamed, regularizedHscoreStreamed } from './streamed-metrics.js';
import type { StreamedFeatures } from './streaming.js';
import type { Labels, Matrix } from './types.js';

/** Every metric name of the CLI contract, in the canonical output order. */
export const METRIC_NAMES = [
  'energy',
  'lda',
  'etran',
  'regression',
  'logme',
  'leep',
  'nce',
  'hscore',
  'regularized_hscore',
  'sfda',
  'transrate',
  'gbc',
  'probe',
  'knn',
  'ncti',
  'nleep',
  'recommended',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

/** What a metric needs besides features and labels. */
export type MetricNeed = 'labels' | 'sourceProbs' | 'targets';

/** One model's inputs once loaded and checked (source probabilities already soft-maxed if they were logits). */
export interface PreparedModel {
  name: string;
  X: Matrix;
  labels: Labels;
  sourceProbs?: Matrix;
  targets?: Matrix;
}

export interface MetricResult {
  value: number;
  warnings: string[];
  /** Per-image terms the value is a function of (for the bootstrap), when the metric has `resample`. */
  perSample?: Float64Array;
}

/** What every metric computation may use besides its own options. */
export interface MetricContext {
  /** --seed: folds, k-NN ties, mixture initialisation. */
  seed: number;
}

export type AcrossModelsName = 'etran' | 'ncti' | 'recommended';
export const ACROSS_MODELS: Record<AcrossModelsName, { summary: string; options: Record<string, OptionSpec> }> = {
  etran: { summary: 'ETran: 0.15·minmax(energy) + 0.85·minmax(lda) across models (official); + minmax(regression) with --targets', options: {} },
  ncti: {
    summary: 'NCTI (Wang et al. 2023): PCA-64, shrinkage LDA, three neural-collapse terms min-max combined across models (BUserName/NCTI)',
    options: { pcaDims: int(1) },
  },
  recommended: {
    summary: `our advised ranking: ${RECOMMENDED_FORM.components.join(' + ')} as normalised ranks (+ the --history prior, weight H/(H + ${RECOMMENDED_FORM.kappa})), form chosen by leave-one-target-out (README)`,
    options: {},
  },
};

export function isAcrossModels(name: string): name is AcrossModelsName {
  return name === 'etran' || name === 'ncti' || name === 'recommended';
}

export interface PerModelMetric {
  name: Exclude<MetricName, AcrossModelsName>;
  needs: MetricNeed;
  /** One line for --help. */
  summary: string;
  /** The options the metric accepts and their values (checked, so a typo is an error rather than silently ignored). */
  options: Record<string, OptionSpec>;
  compute(model: PreparedModel, options: Record<string, unknown>, ctx: MetricContext): MetricResult;
  /**
   * The value from features read in blocks (streaming.ts), for features too large
   * to load; null when these options need the rows in memory. Metrics without it
   * run on the streamed run's subsample.
   */
  streamed?(features: StreamedFeatures, options: Record<string, unknown>, ctx: MetricContext): MetricResult | null;
  /** The value on the resampled rows idx from the full run's perSample terms (bootstrap). */
  resample?(perSample: Float64Array, idx: Int32Array, options: Record<string, unknown>): number;
}

function pick(terms: Float64Array, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = terms[idx[i]!]!;
  return out;
}

/** Mean of the terms at idx: the resample of any metric that is a mean over images. */
function meanAt(terms: Float64Array, idx: Int32Array): number {
  let s = 0;
  for (let i = 0; i < idx.length; i++) s += terms[idx[i]!]!;
  return s / idx.length;
}

const registry = new Map<string, PerModelMetric>();

function add(metric: PerModelMetric): void {
  registry.set(metric.name, metric);
}

add({
  name: 'energy',
  options: { fraction: share },
  needs: 'labels',
  summary: 'ETran energy S_en: mean of the 0.5 % lowest logsumexp of the features (official Energy_Score); option fraction',
  compute: (m, o) => energy(m.X, o as EnergyOptions),
  streamed: (s, o) => energyStreamed(s, o as EnergyOptions),
  // The energy score is the mean of the lowest per-image energies: recomputed exactly on a resample.
  resample: (E, idx, o) => lowestMean(pick(E, idx), (o as EnergyOptions).fraction),
});
add({
  name: 'lda',
  options: { variant: choice(LDA_VARIANTS), normalize: choice(LDA_NORMALIZE) },
  needs: 'labels',
  summary: "ETran classification S_cls: the official shrinkage-LDA score in closed form; options variant=shrinkage-projection, normalize=l2|pooled-variance",
  compute: (m, o) => lda(m.X, m.labels, o as LdaOptions),
  streamed: (s, o) => ldaStreamedMetric(s, o as LdaOptions),
  // Mean true-class probability: resampled over images, the class means stay fitted on all images.
  resample: meanAt,
});
add({
  name: 'regression',
  options: { energyShare: share },
  needs: 'targets',
  summary: 'ETran regression S_reg: −mean squared residual of the minimum-norm SVD least-squares fit of the targets; option energyShare for truncation',
  compute: (m, o) => {
    const r = regression(m.X, m.targets!, o as RegressionOptions);
    return { value: r.value, warnings: r.warnings };
  },
  streamed: (s, o) => regressionStreamed(s, o as RegressionOptions),
});
add({
  name: 'logme',
  options: { corrected: { kind: 'boolean' } },
  needs: 'labels',
  summary: 'LogME (You et al. 2021): mean log marginal evidence of a Bayesian linear model per class (thuml/LogME); option corrected=true for the N < D evidence fix',
  compute: (m, o) => logme(m.X, m.labels, o as LogmeOptions),
  streamed: (s, o) => logmeStreamed(s, o as LogmeOptions),
});
add({
  name: 'leep',
  options: { variant: choice(LEEP_VARIANTS) },
  needs: 'sourceProbs',
  summary: 'LEEP (Nguyen et al. 2020): mean log empirical prediction from the source classifier (thuml/LogME); option variant=prob-mean for the ETran/SFDA benchmark',
  compute: (m, o) => leep(m.sourceProbs!, m.labels, o as LeepOptions),
});
add({
  name: 'nce',
  options: {},
  needs: 'sourceProbs',
  summary: 'NCE (Tran et al. 2019): negative conditional entropy of labels given the source argmax (thuml/LogME)',
  compute: (m) => nce(m.sourceProbs!, m.labels),
});

add({
  name: 'hscore',
  options: {},
  needs: 'labels',
  summary: 'H-score (Bao et al. 2019): tr(pinv(Cov X)·Cov of class means) (TLlib)',
  compute: (m) => hscore(m.X, m.labels),
  streamed: (s) => hscoreStreamed(s),
});
add({
  name: 'regularized_hscore',
  options: {},
  needs: 'labels',
  summary: 'regularised H-score (Ibrahim et al. 2022): H-score with Ledoit–Wolf shrinkage of the covariance (TLlib)',
  compute: (m) => {
    const r = regularizedHscore(m.X, m.labels);
    return { value: r.value, warnings: r.warnings };
  },
  streamed: (s) => regularizedHscoreStreamed(s),
});
add({
  name: 'sfda',
  options: { shrinkage: { kind: 'number', min: 0, max: 1 } },
  needs: 'labels',
  summary: 'SFDA (Shao et al. 2022): shrinkage Fisher discriminant, ConfMix, refit; mean probability of the true class (TencentARC/SFDA); option shrinkage',
  compute: (m, o) => {
    const r = sfda(m.X, m.labels, o as SfdaOptions);
    return { value: r.value, warnings: r.warnings };
  },
});
add({
  name: 'transrate',
  options: { eps: nonNegative(true) },
  needs: 'labels',
  summary: 'TransRate (Huang et al. 2022): coding rate of the features minus the mean per-class rate (TLlib); option eps',
  compute: (m, o) => transrate(m.X, m.labels, o as TransrateOptions),
});
add({
  name: 'gbc',
  options: { pcaDims: int(1) },
  needs: 'labels',
  summary: 'GBC (Pándy et al. 2022): −Σ Bhattacharyya coefficients between spherical class Gaussians (google-research); option pcaDims',
  compute: (m, o) => gbc(m.X, m.labels, o as GbcOptions),
  streamed: (s, o) => gbcStreamed(s, o as GbcOptions),
});

add({
  name: 'probe',
  options: {
    folds: int(2),
    classifier: choice(PROBE_CLASSIFIERS),
    shrinkage: { kind: 'number', min: 0, max: 1, words: ['auto', 'auto-per-class'] },
    lambda: nonNegative(),
  },
  needs: 'labels',
  summary: 'linear probe: stratified k-fold (5) cross-validated accuracy of shrinkage LDA (Ledoit–Wolf) on standardised features; options folds, classifier=lda|ridge, shrinkage, lambda',
  compute: (m, o, ctx) => withCorrect(probe(m.X, m.labels, { ...(o as ProbeOptions), seed: ctx.seed })),
  resample: meanAt,
});
add({
  name: 'knn',
  options: { k: int(1), folds: int(2) },
  needs: 'labels',
  summary: 'k-NN probe: stratified 5-fold cross-validated accuracy of a cosine 20-nearest-neighbour vote on L2-normalised features; options k, folds',
  compute: (m, o, ctx) => withCorrect(knn(m.X, m.labels, { ...(o as KnnOptions), seed: ctx.seed })),
  resample: meanAt,
});
add({
  name: 'nleep',
  options: {
    varianceShare: share,
    componentsPerClass: int(1),
    variant: choice(['log', 'prob-mean']),
    maxIter: int(1),
    regCovar: nonNegative(),
    maxSamples: int(1),
    maxDims: int(1),
    maxComponents: int(1),
  },
  needs: 'labels',
  summary: 'NLEEP (Li et al. 2021): LEEP over the posteriors of a 5·C-component Gaussian mixture on PCA-80 % features; caps maxSamples 5000, maxDims 64, maxComponents 500',
  compute: (m, o, ctx) => {
    const r = nleep(m.X, m.labels, { ...(o as NleepOptions), seed: ctx.seed });
    return { value: r.value, warnings: r.warnings };
  },
});

/** A probe's out-of-fold correctness per image, as the bootstrap's per-image terms. */
function withCorrect(r: { value: number; warnings: string[]; correct: Uint8Array }): MetricResult {
  return { value: r.value, warnings: r.warnings, perSample: Float64Array.from(r.correct) };
}

/** The per-model metric of that name, or undefined when this build has none. */
export function perModelMetric(name: string): PerModelMetric | undefined {
  return registry.get(name);
}

/** The options a metric (per-model or across models) declares, or undefined for an unknown name. */
export function metricOptionSpecs(name: string): Record<string, OptionSpec> | undefined {
  return isAcrossModels(name) ? ACROSS_MODELS[name].options : registry.get(name)?.options;
}

/** Metric names this build can compute (etran included when its components exist). */
export function availableMetrics(): MetricName[] {
  return METRIC_NAMES.filter((n) => (n === 'etran' ? registry.has('energy') && registry.has('lda') : isAcrossModels(n) || registry.has(n)));
}

export function isMetricName(name: string): name is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(name);
}

/**
 * The registry of transferability metrics: each name `etran score` accepts,
 * what inputs it needs and how to compute it for one model. `etran` itself is
 * not here: it combines other metrics across models (see score.ts).
 *
 * Every metric is "higher is better", so one ranking rule serves all.
 */
import { energy, type EnergyOptions } from './energy.js';
import { lda, type LdaOptions } from './lda.js';
import { hscore } from './hscore.js';
import { leep, type LeepOptions } from './leep.js';
import { logme, type LogmeOptions } from './logme.js';
import { gbc, type GbcOptions } from './gbc.js';
import { regression, type RegressionOptions } from './regression.js';
import { regularizedHscore } from './regularized_hscore.js';
import { sfda, type SfdaOptions } from './sfda.js';
import { transrate, type TransrateOptions } from './transrate.js';
import { nce } from './nce.js';
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
}

export interface PerModelMetric {
  name: Exclude<MetricName, 'etran'>;
  needs: MetricNeed;
  /** One line for --help. */
  summary: string;
  /** Names of the options the metric accepts (checked, so a typo is an error rather than silently ignored). */
  options: string[];
  compute(model: PreparedModel, options: Record<string, unknown>): MetricResult;
}

const registry = new Map<string, PerModelMetric>();

function add(metric: PerModelMetric): void {
  registry.set(metric.name, metric);
}

add({
  name: 'energy',
  options: ['fraction'],
  needs: 'labels',
  summary: 'ETran energy S_en: mean of the 0.5 % lowest logsumexp of the features (official Energy_Score); option fraction',
  compute: (m, o) => energy(m.X, o as EnergyOptions),
});
add({
  name: 'lda',
  options: ['variant', 'normalize'],
  needs: 'labels',
  summary: "ETran classification S_cls: the official shrinkage-LDA score in closed form; options variant=shrinkage-projection, normalize=l2|pooled-variance",
  compute: (m, o) => lda(m.X, m.labels, o as LdaOptions),
});
add({
  name: 'regression',
  options: ['energyShare'],
  needs: 'targets',
  summary: 'ETran regression S_reg: −mean squared residual of the minimum-norm SVD least-squares fit of the targets; option energyShare for truncation',
  compute: (m, o) => {
    const r = regression(m.X, m.targets!, o as RegressionOptions);
    return { value: r.value, warnings: r.warnings };
  },
});
add({
  name: 'logme',
  options: ['corrected'],
  needs: 'labels',
  summary: 'LogME (You et al. 2021): mean log marginal evidence of a Bayesian linear model per class (thuml/LogME); option corrected=true for the N < D evidence fix',
  compute: (m, o) => logme(m.X, m.labels, o as LogmeOptions),
});
add({
  name: 'leep',
  options: ['variant'],
  needs: 'sourceProbs',
  summary: 'LEEP (Nguyen et al. 2020): mean log empirical prediction from the source classifier (thuml/LogME); option variant=prob-mean for the ETran/SFDA benchmark',
  compute: (m, o) => leep(m.sourceProbs!, m.labels, o as LeepOptions),
});
add({
  name: 'nce',
  options: [],
  needs: 'sourceProbs',
  summary: 'NCE (Tran et al. 2019): negative conditional entropy of labels given the source argmax (thuml/LogME)',
  compute: (m) => nce(m.sourceProbs!, m.labels),
});

add({
  name: 'hscore',
  options: [],
  needs: 'labels',
  summary: 'H-score (Bao et al. 2019): tr(pinv(Cov X)·Cov of class means) (TLlib)',
  compute: (m) => hscore(m.X, m.labels),
});
add({
  name: 'regularized_hscore',
  options: [],
  needs: 'labels',
  summary: 'regularised H-score (Ibrahim et al. 2022): H-score with Ledoit–Wolf shrinkage of the covariance (TLlib)',
  compute: (m) => {
    const r = regularizedHscore(m.X, m.labels);
    return { value: r.value, warnings: r.warnings };
  },
});
add({
  name: 'sfda',
  options: ['shrinkage'],
  needs: 'labels',
  summary: 'SFDA (Shao et al. 2022): shrinkage Fisher discriminant, ConfMix, refit; mean probability of the true class (TencentARC/SFDA); option shrinkage',
  compute: (m, o) => {
    const r = sfda(m.X, m.labels, o as SfdaOptions);
    return { value: r.value, warnings: r.warnings };
  },
});
add({
  name: 'transrate',
  options: ['eps'],
  needs: 'labels',
  summary: 'TransRate (Huang et al. 2022): coding rate of the features minus the mean per-class rate (TLlib); option eps',
  compute: (m, o) => transrate(m.X, m.labels, o as TransrateOptions),
});
add({
  name: 'gbc',
  options: ['pcaDims'],
  needs: 'labels',
  summary: 'GBC (Pándy et al. 2022): −Σ Bhattacharyya coefficients between spherical class Gaussians (google-research); option pcaDims',
  compute: (m, o) => gbc(m.X, m.labels, o as GbcOptions),
});

/** The per-model metric of that name, or undefined when this build has none. */
export function perModelMetric(name: string): PerModelMetric | undefined {
  return registry.get(name);
}

/** Metric names this build can compute (etran included when its components exist). */
export function availableMetrics(): MetricName[] {
  return METRIC_NAMES.filter((n) => (n === 'etran' ? registry.has('energy') && registry.has('lda') : registry.has(n)));
}

export function isMetricName(name: string): name is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(name);
}

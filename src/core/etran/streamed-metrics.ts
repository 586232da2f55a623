/**
 * The scores that streaming.ts can compute from features read in blocks: each
 * is the metric's own formula (its *From / *FromStats function, which the
 * in-memory path calls too) fed with statistics from the streamed passes.
 * metrics.ts hangs them on the registry as `streamed`; a null result means
 * "not with these options", and the score then runs on the subsample.
 */
import { InputError } from '../errors.js';
import { gbcFromMoments, type GbcOptions } from './gbc.js';
import { hscoreFromStats, type HscoreStats } from './hscore.js';
import { ldaStreamed, type LdaOptions } from './lda.js';
import { logmeFrom, type LogmeOptions } from './logme.js';
import { regressionFrom, type RegressionOptions } from './regression.js';
import { regularizedHscoreFromStats } from './regularized_hscore.js';
import { crossProducts, firstPass, rowGram, secondPass, type StreamedFeatures } from './streaming.js';
import { lowestMean, type EnergyOptions } from './energy.js';
import type { MetricResult } from './metrics.js';

function checkLabelCount(s: StreamedFeatures, metric: string): void {
  if (s.labels.ids.length !== s.source.rows) throw new InputError(null, `${metric}: ${s.source.rows} feature rows but ${s.labels.ids.length} labels`);
  if (s.labels.numClasses < 2) throw new InputError(null, `${metric}: needs at least 2 classes, got ${s.labels.numClasses}`);
}

export function energyStreamed(s: StreamedFeatures, o: EnergyOptions): MetricResult {
  const fraction = o.fraction ?? 0.005;
  if (!(fraction > 0 && fraction <= 1)) throw new InputError(null, `energy: fraction must be in (0, 1], got ${fraction}`);
  const n = s.source.rows;
  const warnings: string[] = [];
  if (Math.floor((Math.round(fraction * 1e6) * n) / 1e6) < 1) {
    warnings.push(`energy: N = ${n} is too small for the ${(fraction * 100).toFixed(2)} % tail (upstream gives NaN below ${Math.ceil(1 / fraction)} samples); using the single lowest-energy sample`);
  }
  const E = firstPass(s.source, s.labels).energies;
  return { value: lowestMean(E, fraction), warnings, perSample: E };
}

export function ldaStreamedMetric(s: StreamedFeatures, o: LdaOptions): MetricResult {
  return ldaStreamed(s.source, s.labels, o);
}

function hscoreStats(s: StreamedFeatures): HscoreStats {
  const first = firstPass(s.source, s.labels);
  const second = secondPass(s.source, s.labels);
  return { n: s.source.rows, d: s.source.cols, numClasses: s.labels.numClasses, mean: first.mean, scatter: second.scatter, classMeans: first.classes.means, counts: first.classes.counts };
}

export function hscoreStreamed(s: StreamedFeatures): MetricResult {
  checkLabelCount(s, 'hscore');
  return hscoreFromStats(hscoreStats(s));
}

export function regularizedHscoreStreamed(s: StreamedFeatures): MetricResult {
  checkLabelCount(s, 'regularized_hscore');
  const r = regularizedHscoreFromStats(hscoreStats(s), secondPass(s.source, s.labels).sumNorm4);
  return { value: r.value, warnings: r.warnings };
}

export function logmeStreamed(s: StreamedFeatures, o: LogmeOptions): MetricResult {
  checkLabelCount(s, 'logme');
  const first = firstPass(s.source, s.labels);
  return logmeFrom(s.source.rows, s.source.cols, s.labels, first.classes.counts, o, {
    tall: () => ({ mean: first.mean, scatter: secondPass(s.source, s.labels).scatter, classMeans: first.classes.means }),
    rowGram: () => rowGram(s.source),
  });
}

export function regressionStreamed(s: StreamedFeatures, o: RegressionOptions): MetricResult {
  const T = s.targets!;
  if (T.rows !== s.source.rows) throw new InputError(null, `regression: ${s.source.rows} feature rows but ${T.rows} target rows`);
  const r = regressionFrom(s.source.rows, s.source.cols, T, o, { crossProducts: () => crossProducts(s.source, T), rowGram: () => rowGram(s.source) });
  return { value: r.value, warnings: r.warnings };
}

/** GBC on the raw features (class means and spherical variances); with pcaDims it needs the rows, so null (subsample). */
export function gbcStreamed(s: StreamedFeatures, o: GbcOptions): MetricResult | null {
  if (o.pcaDims !== undefined) return null;
  checkLabelCount(s, 'gbc');
  const first = firstPass(s.source, s.labels);
  const second = secondPass(s.source, s.labels);
  const { means, counts } = first.classes;
  return { value: gbcFromMoments(means, second.classSquares, counts, s.labels.numClasses, s.source.cols), warnings: [] };
}

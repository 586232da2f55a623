/**
 * scoreModels (the orchestration `etran score` and `etran rank` share) and the
 * file loaders, in process.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { readLabelsFile, readMatrixFile } from '../../../src/core/etran/features-file.js';
import { labelsFromIds, labelsFromValues } from '../../../src/core/etran/labels.js';
import { METRIC_NAMES, availableMetrics } from '../../../src/core/etran/metrics.js';
import { rankByScore, resolveMetrics, scoreModels, type ModelFeatures } from '../../../src/core/etran/score.js';
import type { Matrix } from '../../../src/core/etran/types.js';
import { historyPrior } from '../../../src/core/etran/history.js';
import { RANK_BY_DEFAULT, RECOMMENDED_FORM, recommendedCombine } from '../../../src/core/etran/recommended.js';
import { classFeatures, gauss, rng, seededLabels, tmpDir, writeText } from './score-fixtures.js';

const N = 300;
const D = 10;
const C = 3;
const y = seededLabels(N, C, 11);
const labels = labelsFromIds(y);
const model = (name: string, sep: number, seed: number, extra: Partial<ModelFeatures> = {}): ModelFeatures => ({
  name,
  X: { rows: N, cols: D, data: classFeatures(N, D, y, C, sep, seed) },
  labels,
  ...extra,
});
const probs = (seed: number, cs: number): Matrix => {
  const g = gauss(rng(seed));
  const data = new Float64Array(N * cs);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let j = 0; j < cs; j++) s += (data[i * cs + j] = Math.exp(g() + (y[i]! === j % C ? 1 : 0)));
    for (let j = 0; j < cs; j++) data[i * cs + j]! /= s;
  }
  return { rows: N, cols: cs, data };
};

describe('resolveMetrics', () => {
  it('this build has every metric of the contract', () => {
    expect(availableMetrics()).toEqual([...METRIC_NAMES]);
  });
  it('defaults to every metric the inputs allow', () => {
    const plain = resolveMetrics(undefined, { models: 2, withSourceProbs: 0, withTargets: 0 });
    expect(plain).toContain('energy');
    expect(plain).toContain('lda');
    expect(plain).toContain('etran');
    expect(plain).not.toContain('leep');
    expect(plain).not.toContain('nce');
    expect(plain).not.toContain('regression');
    const withProbs = resolveMetrics(undefined, { models: 2, withSourceProbs: 2, withTargets: 0 });
    expect(withProbs).toContain('leep');
    expect(withProbs).toContain('nce');
  });
  it('rejects unknown metrics and metrics without their input', () => {
    expect(() => resolveMetrics(['lda', 'foo'], { models: 1, withSourceProbs: 0, withTargets: 0 })).toThrow(InputError);
    expect(() => resolveMetrics(['nce'], { models: 1, withSourceProbs: 0, withTargets: 0 })).toThrow(/--source-probs/);
  });
});

describe('rankByScore', () => {
  it('best first, undefined last, ties in input order', () => {
    expect(rankByScore(['a', 'b', 'c', 'd', 'e'], [0.5, null, 0.9, 0.5, NaN])).toEqual(['c', 'a', 'd', 'b', 'e']);
  });
});

describe('scoreModels', () => {
  const three = [model('weak', 0.1, 1), model('mid', 0.6, 2), model('strong', 1.5, 3)];

  it('etran is 0.15·minmax(energy) + 0.85·minmax(lda) over the models, and ranks by it', () => {
    const r = scoreModels(three, { metrics: ['energy', 'lda', 'etran'], rankBy: 'etran' });
    const e = r.models.map((m) => m.scores.energy!);
    const l = r.models.map((m) => m.scores.lda!);
    const mm = (v: number[], i: number) => (v[i]! - Math.min(...v)) / (Math.max(...v) - Math.min(...v));
    r.models.forEach((m, i) => expect(m.scores.etran).toBeCloseTo(0.15 * mm(e, i) + 0.85 * mm(l, i), 14));
    expect(r.rankBy).toBe('etran');
    expect(r.ranking[0]).toBe('strong');
    expect(r.ranking[2]).toBe('weak');
    // recommended is always reported (the ranking we advise), after the metrics asked for.
    for (const m of r.models) expect(Object.keys(m.scores)).toEqual(['energy', 'lda', 'etran', 'recommended']);
  });

  it('etran components are computed but not reported when only etran is asked for; weights apply', () => {
    const r = scoreModels(three, { metrics: ['etran'], weights: { energy: 1, lda: 0 } });
    expect(Object.keys(r.models[0]!.scores)).toEqual(['etran', 'recommended']);
    const full = scoreModels(three, { metrics: ['energy', 'etran'], weights: { energy: 1, lda: 0 } });
    const e = full.models.map((m) => m.scores.energy!);
    const k = e.indexOf(Math.max(...e));
    expect(r.models[k]!.scores.etran).toBeCloseTo(1, 14);
  });

  it('scores do not depend on how the labels are named', () => {
    const names = ['zz', 'aa', 'mm'];
    const renamed = labelsFromValues(Array.from(y, (v) => names[v]!));
    const P = probs(5, 7);
    const metrics = ['energy', 'lda', 'logme', 'hscore', 'leep', 'nce'];
    const a = scoreModels([{ ...three[1]!, sourceProbs: P }], { metrics });
    const b = scoreModels([{ ...three[1]!, labels: renamed, sourceProbs: P }], { metrics });
    for (const k of metrics) expect(b.models[0]!.scores[k]).toBeCloseTo(a.models[0]!.scores[k]!, 10);
  });

  it('a model without source probabilities gets null leep with a reason; metric options reach the metric', () => {
    const r = scoreModels([model('a', 1, 1, { sourceProbs: probs(2, 5) }), model('b', 1, 2)], {
      metrics: ['leep'],
      rankBy: 'leep',
      metricOptions: { leep: { variant: 'prob-mean' } },
    });
    const a = r.models[0]!.scores.leep!;
    expect(a).toBeGreaterThan(0);
    expect(a).toBeLessThan(1);
    expect(r.models[1]!.scores.leep).toBeNull();
    expect(r.warnings.join('\n')).toMatch(/b: leep: undefined: no source probabilities/);
    expect(r.ranking).toEqual(['a', 'b']);
  });

  it('logits given as source probabilities are soft-maxed with a warning', () => {
    const P = probs(3, 4);
    const logits = { ...P, data: P.data.map((v) => Math.log(v) + 3) };
    const a = scoreModels([model('m', 1, 1, { sourceProbs: P })], { metrics: ['leep', 'nce'] });
    const b = scoreModels([model('m', 1, 1, { sourceProbs: logits })], { metrics: ['leep', 'nce'] });
    expect(b.models[0]!.scores.leep).toBeCloseTo(a.models[0]!.scores.leep!, 12);
    expect(b.warnings.join()).toMatch(/logits/);
  });

  it('with regression targets (detection) etran = minmax(energy) + minmax(lda) + minmax(regression)', () => {
    const g = gauss(rng(21));
    const T: Matrix = { rows: N, cols: 4, data: Float64Array.from({ length: N * 4 }, (_, k) => 0.3 * y[Math.floor(k / 4)]! + 0.1 * g()) };
    const models = three.map((m) => ({ ...m, targets: T }));
    const r = scoreModels(models);
    expect(Object.keys(r.models[0]!.scores)).toContain('regression');
    const col = (k: string) => r.models.map((m) => m.scores[k]!);
    const mm = (v: number[], i: number) => (v[i]! - Math.min(...v)) / (Math.max(...v) - Math.min(...v));
    r.models.forEach((m, i) => {
      expect(m.scores.regression!).toBeLessThanOrEqual(0);
      expect(m.scores.etran).toBeCloseTo(mm(col('energy'), i) + mm(col('lda'), i) + mm(col('regression'), i), 12);
    });
  });

  it('computes every metric by default when every input is given', () => {
    const r = scoreModels(three.map((m, i) => ({ ...m, sourceProbs: probs(30 + i, 6), targets: { rows: N, cols: 1, data: Float64Array.from(y) } })));
    expect(Object.keys(r.models[0]!.scores)).toEqual([...METRIC_NAMES]);
    for (const m of r.models) for (const v of Object.values(m.scores)) expect(Number.isFinite(v)).toBe(true);
  });

  it('ties across models on the rank-by metric: a defined ranking and a warning', () => {
    const r = scoreModels([three[0]!, { ...three[0]!, name: 'twin' }], { metrics: ['lda', 'etran'], rankBy: 'etran' });
    expect(r.ranking).toEqual(['weak', 'twin']);
    expect(r.models.map((m) => m.scores.etran)).toEqual([0, 0]);
    expect(r.warnings.join('\n')).toMatch(/tie on etran/);
  });

  it('rejects inconsistent input with InputError', () => {
    expect(() => scoreModels([])).toThrow(InputError);
    expect(() => scoreModels([three[0]!, { ...three[1]!, name: 'weak' }])).toThrow(/given twice/);
    expect(() => scoreModels([{ ...three[0]!, labels: labelsFromIds(Array.from(y).slice(1)) }])).toThrow(/299 labels for 300/);
    expect(() => scoreModels([{ ...three[0]!, labels: { ids: new Int32Array(N), numClasses: 1, names: ['x'] } }])).toThrow(/one class/);
    expect(() => scoreModels(three, { metrics: ['lda'], rankBy: 'energy' })).toThrow(/not among the computed metrics/);
    expect(() => scoreModels(three, { metrics: ['lda'], metricOptions: { bogus: {} } })).toThrow(/unknown metric 'bogus'/);
    expect(() => scoreModels(three, { metrics: ['lda'], metricOptions: { leep: { varient: 'log' } } })).toThrow(/unknown option 'varient' for metric leep \(known: variant\)/);
    const P = probs(9, 4);
    expect(() => scoreModels([{ ...three[0]!, sourceProbs: P }], { metrics: ['leep'], metricOptions: { leep: { variant: 'nolog' } } })).toThrow(InputError);
  });
});

describe('file loaders', () => {
  const dir = tmpDir('etran-files-');
  it('reads numpy string labels (<U) and maps them in sorted order', async () => {
    const words = ['dog', 'cat', 'emu', 'cat'];
    const width = 3;
    let header = `{'descr': '<U${width}', 'fortran_order': False, 'shape': (${words.length},), }`;
    header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
    const data = Buffer.alloc(words.length * width * 4);
    words.forEach((w, i) => [...w].forEach((ch, k) => data.writeUInt32LE(ch.codePointAt(0)!, (i * width + k) * 4)));
    const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
    const f = join(dir, 'words.npy');
    writeFileSync(f, Buffer.concat([pre, Buffer.from(header, 'latin1'), data]));
    const l = await readLabelsFile(f);
    expect(l.names).toEqual(['cat', 'dog', 'emu']);
    expect(Array.from(l.ids)).toEqual([1, 0, 2, 0]);
  });
  it('label text files: header lines, numeric order for integers', async () => {
    const l = await readLabelsFile(writeText(dir, 'y.csv', 'label\n10\n2\n10\n-1\n'));
    expect(l.names).toEqual(['-1', '2', '10']);
    expect(Array.from(l.ids)).toEqual([2, 1, 2, 0]);
    const s = await readLabelsFile(writeText(dir, 'y2.txt', 'b\na\nb\n'));
    expect(s.names).toEqual(['a', 'b']);
  });
  it('CSV features: optional header, every cell numeric', async () => {
    const m = await readMatrixFile(writeText(dir, 'x.csv', 'a,b\n1,2\n3,4.5\n'), 'features');
    expect(m.matrix).toEqual({ rows: 2, cols: 2, data: Float64Array.from([1, 2, 3, 4.5]) });
    await expect(readMatrixFile(writeText(dir, 'bad.csv', '1,2\n3,x\n'), 'features')).rejects.toThrow(/bad\.csv: 'x' at data row 2, column 2/);
    await expect(readMatrixFile(writeText(dir, 'nan.csv', '1,2\n3,nan\n'), 'features')).rejects.toThrow(/nan\.csv: features contain NaN at row 2, column 2/);
    await expect(readMatrixFile(writeText(dir, 'ragged.csv', '1,2\n3\n'), 'features')).rejects.toThrow(/ragged\.csv/);
    await expect(readMatrixFile(join(dir, 'missing.npy'), 'features')).rejects.toThrow(/missing\.npy: no such file/);
  });
});

describe('recommended, history and bootstrap in scoreModels', () => {
  const four = [model('weak', 0.1, 1), model('mid', 0.5, 2), model('good', 0.9, 3), model('strong', 1.5, 4)];
  const names = four.map((m) => m.name);

  it('recommended is reported for every model and orders the ranking by default', () => {
    const r = scoreModels(four, { metrics: ['lda'] });
    expect(r.rankBy).toBe(RANK_BY_DEFAULT);
    for (const m of r.models) expect(m.scores.recommended).not.toBeNull();
    // It is the shipped combination of its components, computed whatever --metrics says.
    const parts = scoreModels(four, { metrics: RECOMMENDED_FORM.components });
    const want = recommendedCombine(names, parts.models.map((m) => new Map(Object.entries(m.scores))), RECOMMENDED_FORM).values;
    r.models.forEach((m, i) => expect(m.scores.recommended).toBeCloseTo(want[i]!, 14));
    expect(r.ranking[0]).toBe('strong');
    expect(r.ranking[3]).toBe('weak');
  });

  it('a history prior moves recommended by its weight, and is summarised', () => {
    const rows = ['d1', 'd2', 'd3'].flatMap((d) => names.map((model, i) => ({ model, dataset: d, score: -i }))); // the record says weak is best
    const h = historyPrior(rows, names, 'target');
    const a = scoreModels(four, { metrics: ['lda'] });
    const b = scoreModels(four, { metrics: ['lda'], history: h });
    const w = 3 / (3 + RECOMMENDED_FORM.kappa);
    const prior = [1, 2 / 3, 1 / 3, 0];
    b.models.forEach((m, i) => expect(m.scores.recommended).toBeCloseTo((1 - w) * a.models[i]!.scores.recommended! + w * prior[i]!, 12));
    expect(b.history).toEqual({ datasets: ['d1', 'd2', 'd3'], models_with_history: 4, kappa: RECOMMENDED_FORM.kappa });
  });

  it('--bootstrap: p_best sums to 1, intervals in [1, M], recomputed scores listed, deterministic for a seed', () => {
    const r = scoreModels(four, { metrics: ['lda'], bootstrap: 60, seed: 3 });
    const sum = r.models.reduce((a, m) => a + m.p_best!, 0);
    expect(sum).toBeCloseTo(1, 12);
    for (const m of r.models) {
      expect(m.rank_interval![0]).toBeGreaterThanOrEqual(1);
      expect(m.rank_interval![1]).toBeLessThanOrEqual(4);
      expect(m.rank_interval![0]).toBeLessThanOrEqual(m.rank_interval![1]);
    }
    expect(r.bootstrap).toEqual({ n: 60, metric: 'recommended', seed: 3, recomputed: ['recommended', ...RECOMMENDED_FORM.components.filter((c) => c === 'probe' || c === 'knn' || c === 'etran').flatMap((c) => (c === 'etran' ? ['etran', 'energy', 'lda'] : [c]))] });
    expect(r.models.find((m) => m.name === 'strong')!.p_best).toBeGreaterThan(0.5);
    expect(scoreModels(four, { metrics: ['lda'], bootstrap: 60, seed: 3 })).toEqual(r);
    const byLda = scoreModels(four, { metrics: ['lda'], rankBy: 'lda', bootstrap: 60, seed: 3 });
    expect(byLda.bootstrap!.recomputed).toEqual(['lda']);
  });

  it('a score that is not a function of per-image terms is not resampled, and the bootstrap says so', () => {
    const r = scoreModels(four, { metrics: ['logme'], rankBy: 'logme', bootstrap: 20 });
    expect(r.bootstrap!.recomputed).toEqual([]);
    expect(r.warnings.join('\n')).toMatch(/logme is not recomputed on resamples/);
    expect(r.models.map((m) => m.p_best).sort()).toEqual([0, 0, 0, 1]);
  });

  it('--seed seeds the folds: the same seed gives the same scores', () => {
    const a = scoreModels(four, { metrics: ['probe', 'knn'], seed: 5 });
    expect(scoreModels(four, { metrics: ['probe', 'knn'], seed: 5 })).toEqual(a);
  });
});

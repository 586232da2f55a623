/**
 * Streaming scores (src/core/etran/streaming.ts, streamed-metrics.ts): on data
 * both paths can hold, every streamed score equals the in-memory score to
 * 1e−9 relative (blocks of a few rows, so sums cross many block boundaries);
 * the subsample is stratified, seeded and reported by scoreModels.
 */
import { describe, expect, it } from 'vitest';
import { perModelMetric, type MetricResult } from '../../../src/core/etran/metrics.js';
import { scoreModels, type ModelFeatures } from '../../../src/core/etran/score.js';
import { labelsAt, rowSourceFromMatrix, rowsAt, shouldStream, STREAM_ABOVE_BYTES, stratifiedSubsample, type StreamedFeatures } from '../../../src/core/etran/streaming.js';
import { labelsFromIds } from '../../../src/core/etran/labels.js';
import type { Labels, Matrix } from '../../../src/core/etran/types.js';
import { gramT, gramTAddLower, largeArray } from '../../../src/core/linalg/gram.js';
import { mirrorLower } from '../../../src/core/linalg/kernels.js';
import { columnMeans } from '../../../src/core/linalg/statistics.js';
import { classFeatures, gauss, rng, seededLabels } from './score-fixtures.js';

function data(n: number, d: number, C: number, seed: number): { X: Matrix; y: Labels; T: Matrix } {
  const ids = seededLabels(n, C, seed);
  const X = { rows: n, cols: d, data: classFeatures(n, d, ids, C, 1.2, seed + 1) };
  const g = gauss(rng(seed + 2));
  const T = { rows: n, cols: 3, data: Float64Array.from({ length: n * 3 }, (_, k) => X.data[Math.floor(k / 3) * d + (k % 3)]! * 0.5 + 0.3 * g()) };
  return { X, y: labelsFromIds(ids), T };
}

function relClose(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** The streamed and the in-memory result of one metric with options o. */
function both(name: string, X: Matrix, y: Labels, T: Matrix, o: Record<string, unknown>, chunkRows: number): [MetricResult, MetricResult] {
  const metric = perModelMetric(name)!;
  const s: StreamedFeatures = { source: rowSourceFromMatrix(X, chunkRows), labels: y, sample: new Int32Array(0), targets: T };
  const streamed = metric.streamed!(s, o, { seed: 0 })!;
  const loaded = metric.compute({ name: 'm', X, labels: y, targets: T }, o, { seed: 0 });
  return [streamed, loaded];
}

const CASES: Array<[string, Record<string, unknown>]> = [
  ['energy', {}],
  ['energy', { fraction: 0.05 }],
  ['lda', {}],
  ['lda', { variant: 'shrinkage-projection' }],
  ['lda', { normalize: 'l2' }],
  ['lda', { normalize: 'pooled-variance' }],
  ['lda', { variant: 'shrinkage-projection', normalize: 'l2' }],
  ['regression', {}],
  ['regression', { energyShare: 0.9 }],
  ['logme', {}],
  ['logme', { corrected: true }],
  ['hscore', {}],
  ['regularized_hscore', {}],
  ['gbc', {}],
];

describe('streamed scores equal the in-memory scores', () => {
  for (const [shape, n, d, C] of [['N > D', 420, 16, 5], ['N ≤ D', 36, 50, 4]] as const) {
    for (const [name, o] of CASES) {
      it(`${name} ${JSON.stringify(o)} (${shape})`, () => {
        const { X, y, T } = data(n, d, C, 7);
        // An all-zero row and a constant column: the L2 and rank warnings must match too.
        X.data.fill(0, 5 * d, 6 * d);
        for (let i = 0; i < n; i++) X.data[i * d + 2] = 0.25;
        for (const chunkRows of [1, 13, n]) {
          const [s, m] = both(name, X, y, T, o, chunkRows);
          expect(relClose(s.value, m.value), `${name} chunk ${chunkRows}: ${s.value} vs ${m.value}`).toBe(true);
          expect(s.warnings.map((w) => w.replace(/[0-9.]+e?-?\d*/g, '#'))).toEqual(m.warnings.map((w) => w.replace(/[0-9.]+e?-?\d*/g, '#')));
          if (m.perSample) {
            expect(s.perSample!.length).toBe(m.perSample.length);
            m.perSample.forEach((v, i) => expect(relClose(s.perSample![i]!, v)).toBe(true));
          }
        }
      });
    }
  }

  it('gbc with pcaDims is not streamed (it needs the rows): null, so it runs on the subsample', () => {
    const { X, y, T } = data(120, 8, 3, 3);
    const s: StreamedFeatures = { source: rowSourceFromMatrix(X, 10), labels: y, sample: new Int32Array(0), targets: T };
    expect(perModelMetric('gbc')!.streamed!(s, { pcaDims: 4 }, { seed: 0 })).toBeNull();
  });
});

describe('the subsample', () => {
  it('is stratified, seeded, ascending and keeps every class', () => {
    const ids = seededLabels(5000, 7, 3);
    const y = labelsFromIds(ids);
    const a = stratifiedSubsample(y, 700, 1);
    expect(Array.from(a)).toEqual(Array.from(stratifiedSubsample(y, 700, 1)));
    expect(Array.from(a)).not.toEqual(Array.from(stratifiedSubsample(y, 700, 2)));
    expect(Math.abs(a.length - 700)).toBeLessThanOrEqual(7);
    for (let k = 1; k < a.length; k++) expect(a[k]!).toBeGreaterThan(a[k - 1]!);
    const counts = new Array(7).fill(0);
    for (const i of ids) counts[i]++;
    const got = new Array(7).fill(0);
    for (const i of a) got[ids[i]!]++;
    counts.forEach((c, k) => expect(Math.abs(got[k] - (700 * c) / 5000)).toBeLessThanOrEqual(0.5 + 1e-9));
  });

  it('is every row when N is at most the cap, and keeps a rare class', () => {
    const ids = Int32Array.from({ length: 1000 }, (_, i) => (i === 999 ? 2 : i % 2));
    const y = labelsFromIds(ids);
    expect(stratifiedSubsample(y, 1000, 0).length).toBe(1000);
    expect(Array.from(stratifiedSubsample(y, 100, 0)).some((i) => ids[i] === 2)).toBe(true);
  });

  it('streams only above the documented size unless forced', () => {
    expect(shouldStream(10_000, 2048)).toBe(false);
    expect(shouldStream(200_000, 2048)).toBe(true);
    expect(shouldStream(Math.floor(STREAM_ABOVE_BYTES / 8 / 100), 100)).toBe(false);
    expect(shouldStream(10, 10, 'always')).toBe(true);
    expect(shouldStream(1e7, 1e4, 'never')).toBe(false);
  });
});

describe('scoreModels with streamed features', () => {
  function streamedModel(name: string, X: Matrix, y: Labels, cap: number, seed: number): ModelFeatures {
    const sample = stratifiedSubsample(y, cap, seed);
    return { name, X: rowsAt(X, sample), labels: labelsAt(y, sample), streamed: { source: rowSourceFromMatrix(X, 17), labels: y, sample } };
  }

  it('gives the in-memory scores when the subsample is every row, and says what streamed', () => {
    const a = data(300, 10, 4, 21);
    const b = data(300, 10, 4, 21);
    b.X = { rows: 300, cols: 10, data: classFeatures(300, 10, a.y.ids, 4, 0.4, 99) };
    const loaded = scoreModels([{ name: 'a', X: a.X, labels: a.y }, { name: 'b', X: b.X, labels: a.y }], { bootstrap: 20 });
    const streamed = scoreModels([streamedModel('a', a.X, a.y, 10_000, 0), streamedModel('b', b.X, a.y, 10_000, 0)], { bootstrap: 20 });
    expect(loaded.streaming).toBeUndefined();
    expect(streamed.ranking).toEqual(loaded.ranking);
    streamed.models.forEach((m, i) => {
      expect(m.n).toBe(300);
      for (const [k, v] of Object.entries(loaded.models[i]!.scores)) {
        const w = m.scores[k];
        if (v === null) expect(w).toBeNull();
        else expect(relClose(w!, v), `${m.name} ${k}: ${w} vs ${v}`).toBe(true);
      }
    });
    expect(streamed.streaming!.streamed).toEqual(expect.arrayContaining(['energy', 'lda', 'logme', 'hscore', 'regularized_hscore', 'gbc']));
    expect(streamed.streaming!.subsample).toMatchObject({ rows: 300, of: 300, seed: 0 });
    expect(streamed.streaming!.subsample.scores).toEqual(expect.arrayContaining(['knn', 'probe', 'nleep', 'ncti', 'sfda', 'transrate', 'bootstrap']));
    expect(streamed.warnings.some((w) => w.startsWith('streaming: 300 feature rows read in blocks of 17'))).toBe(true);
  });

  it('runs the other scores on the capped subsample and reports its size', () => {
    const { X, y } = data(600, 8, 3, 5);
    const m = streamedModel('a', X, y, 150, 4);
    const r = scoreModels([m], { metrics: ['energy', 'lda', 'knn'], seed: 4 });
    const sub = r.streaming!.subsample;
    expect(sub.of).toBe(600);
    expect(sub.rows).toBe(m.streamed!.sample.length);
    expect(sub.scores).toEqual(['knn']);
    expect(r.models[0]!.n).toBe(600);
    const knnOnSample = scoreModels([{ name: 'a', X: m.X, labels: m.labels }], { metrics: ['knn'], seed: 4 });
    expect(r.models[0]!.scores.knn).toBe(knnOnSample.models[0]!.scores.knn);
    const full = scoreModels([{ name: 'a', X, labels: y }], { metrics: ['energy', 'lda'] });
    expect(relClose(r.models[0]!.scores.lda!, full.models[0]!.scores.lda!)).toBe(true);
    expect(relClose(r.models[0]!.scores.energy!, full.models[0]!.scores.energy!)).toBe(true);
  });
});

describe('gramTAddLower (the scatter of features read in blocks)', () => {
  it('adds blocks up to gramT of the whole, on one thread and on worker threads, reusing one scratch array', () => {
    const before = process.env.ETRAN_THREADS;
    try {
      for (const threads of ['1', '2']) {
        process.env.ETRAN_THREADS = threads;
        const n = 1100;
        const d = 620; // 500 × 620² > 2·MIN_PARALLEL_WORK, so blocks of 500 rows go to the workers
        const g = gauss(rng(31));
        const data = largeArray(n * d);
        for (let k = 0; k < data.length; k++) data[k] = g() + 0.5;
        const X = { rows: n, cols: d, data };
        const mean = columnMeans(X);
        const whole = gramT(X, mean);
        const acc = new Float64Array(d * d);
        const scratch = largeArray(d * d);
        for (const [s0, s1] of [[0, 500], [500, 1000], [1000, n]] as const) {
          gramTAddLower({ rows: s1 - s0, cols: d, data: data.subarray(s0 * d, s1 * d) }, mean, acc, scratch);
        }
        mirrorLower(acc, d);
        let worst = 0;
        for (let k = 0; k < acc.length; k++) worst = Math.max(worst, Math.abs(acc[k]! - whole[k]!) / Math.max(1, Math.abs(whole[k]!)));
        expect(worst, `threads ${threads}`).toBeLessThan(1e-12);
      }
    } finally {
      if (before === undefined) delete process.env.ETRAN_THREADS;
      else process.env.ETRAN_THREADS = before;
    }
  });
});

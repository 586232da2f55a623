/**
 * The `etran score` CLI contract: JSON shape, names, null + reason, logits
 * detection, file formats, and exit 2 with one line naming the file.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli, runCliInProcess } from '../helpers/cli.js';
import { leep } from '../../src/core/etran/leep.js';
import { labelsFromIds } from '../../src/core/etran/labels.js';
import { classFeatures, gauss, rng, seededLabels, tmpDir, writeFortranNpy, writeNpyFile, writeText } from '../core/etran/score-fixtures.js';

const N = 240;
const D = 12;
const C = 4;
let dir: string;
let y: Int32Array;
let good: Float64Array;
let weak: Float64Array;
let logits: Float64Array;
const CS = 6;

// In process: `etran score` never starts ONNX Runtime, and 28 spawned runs cost a minute of start-ups.
// One test below runs the real process, so the launcher path stays covered.
const etran = (args: string[]) => runCliInProcess('etran', ['score', ...args]);
const json = (stdout: string) => JSON.parse(stdout) as { models: Array<{ name: string; n: number; d: number; scores: Record<string, number | null> }>; ranking: string[] };
const oneLineError = (stderr: string, file: string) => {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(file);
};

beforeAll(() => {
  dir = tmpDir();
  y = seededLabels(N, C, 1);
  good = classFeatures(N, D, y, C, 2.0, 2);
  weak = classFeatures(N, D, y, C, 0.2, 3);
  writeNpyFile(dir, 'y.npy', { dtype: 'int64', shape: [N], data: BigInt64Array.from(y, (v) => BigInt(v)) });
  writeNpyFile(dir, 'good.npy', { dtype: 'float64', shape: [N, D], data: good });
  writeNpyFile(dir, 'weak32.npy', { dtype: 'float32', shape: [N, D], data: Float32Array.from(weak) });
  const g = gauss(rng(4));
  // Source logits that lean towards the target class: informative but noisy.
  logits = Float64Array.from({ length: N * CS }, (_, k) => 2 * g() + (y[Math.floor(k / CS)]! === k % CS ? 2 : 0));
  writeNpyFile(dir, 'logits.npy', { dtype: 'float32', shape: [N, CS], data: Float32Array.from(logits) });
});

describe('etran score: contract', () => {
  it('--help lists every metric and has examples', async () => {
    const r = await etran(['--help']);
    expect(r.code).toBe(0);
    for (const m of ['energy', 'lda', 'etran', 'regression', 'logme', 'leep', 'nce', 'hscore', 'regularized_hscore', 'sfda', 'transrate', 'gbc', 'probe', 'knn', 'ncti', 'nleep', 'recommended', '--history', '--bootstrap', '--seed']) expect(r.stdout).toContain(m);
    expect(r.stdout).toContain('Examples:');
  });

  it('--bootstrap, --seed, --history and --target-name; bad values are one line, exit 2', async () => {
    const models = [`weak=${join(dir, 'weak32.npy')}`, `good=${join(dir, 'good.npy')}`];
    const hist = join(dir, 'history.json');
    writeText(dir, 'history.json', JSON.stringify([{ model: 'weak', dataset: 'pets', score: 0.9 }, { model: 'good', dataset: 'pets', score: 0.5 }, { model: 'good', dataset: 'mine', score: 1 }, { model: 'weak', dataset: 'mine', score: 0 }]));
    const r = await etran(['--labels', join(dir, 'y.npy'), '--metrics', 'lda', '--bootstrap', '40', '--seed', '2', '--history', hist, '--target-name', 'mine', '--json', ...models]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.bootstrap).toEqual({ n: 40, metric: 'recommended', seed: 2, recomputed: expect.arrayContaining(['recommended']) });
    expect(out.history).toMatchObject({ datasets: ['pets'], models_with_history: 2 });
    expect(r.stderr).toMatch(/row\(s\) of the target dataset 'mine' ignored/);
    for (const m of out.models) expect(m.p_best).toBeGreaterThanOrEqual(0);
    // the same run as a real process: same bytes on stdout, same exit code
    const again = runCli('etran', ['score', '--labels', join(dir, 'y.npy'), '--metrics', 'lda', '--bootstrap', '40', '--seed', '2', '--history', hist, '--target-name', 'mine', '--json', ...models]);
    expect(again.stdout).toBe(r.stdout);
    const all = JSON.parse((await etran(['--labels', join(dir, 'y.npy'), '--metrics', 'all', '--json', ...models])).stdout);
    for (const m of ['probe', 'knn', 'ncti', 'nleep', 'recommended', 'etran', 'logme']) expect(Object.keys(all.models[0].scores)).toContain(m);
    const bad = await etran(['--labels', join(dir, 'y.npy'), '--bootstrap', '2.5', ...models]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const badSeed = await etran(['--labels', join(dir, 'y.npy'), '--seed', '-3', ...models]);
    expect(badSeed.code).toBe(2);
    expect(badSeed.stderr).toMatch(/--seed: expected an integer/);
  });

  it('--json: models with n, d, the requested scores; ranking best first; etran from min-max of energy and lda', async () => {
    const r = await etran(['--labels', join(dir, 'y.npy'), '--metrics', 'energy,lda,etran', '--json', `weak=${join(dir, 'weak32.npy')}`, `good=${join(dir, 'good.npy')}`]);
    expect(r.code).toBe(0);
    const out = json(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['models', 'rank_by', 'ranking']);
    expect(out.models.map((m) => m.name)).toEqual(['weak', 'good']);
    for (const m of out.models) {
      expect(m.n).toBe(N);
      expect(m.d).toBe(D);
      expect(Object.keys(m.scores)).toEqual(['energy', 'lda', 'etran', 'recommended']);
    }
    const [w, g] = out.models as [(typeof out.models)[0], (typeof out.models)[0]];
    // Well-separated classes classify better.
    expect(g.scores.lda!).toBeGreaterThan(w.scores.lda!);
    // With two models each min-max component is 0 or 1: etran ∈ {0, 0.15, 0.85, 1}.
    const expectEtran = (m: typeof g, other: typeof g) =>
      0.15 * Number(m.scores.energy! > other.scores.energy!) + 0.85 * Number(m.scores.lda! > other.scores.lda!);
    expect(g.scores.etran).toBeCloseTo(expectEtran(g, w), 12);
    expect(w.scores.etran).toBeCloseTo(expectEtran(w, g), 12);
    expect(out.ranking).toEqual(['good', 'weak']);
  });

  it('a single model: etran is null with the reason on stderr; ranking by the first metric; bare path names the model by its stem', async () => {
    const r = await etran(['--labels', join(dir, 'y.npy'), '--metrics', 'lda,etran', '--json', join(dir, 'good.npy')]);
    expect(r.code).toBe(0);
    const out = json(r.stdout);
    expect(out.models[0]!.name).toBe('good');
    expect(out.models[0]!.scores.etran).toBeNull();
    expect(typeof out.models[0]!.scores.lda).toBe('number');
    expect(r.stderr).toMatch(/etran.*at least 2 models/);
    expect(out.ranking).toEqual(['good']);
  });

  it('leep/nce with --source-probs: logits are detected, soft-maxed, and the user is told', async () => {
    const r = await etran(['--labels', join(dir, 'y.npy'), '--source-probs', join(dir, 'logits.npy'), '--metrics', 'leep,nce', '--json', join(dir, 'good.npy')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/logits\.npy.*logits.*softmax/);
    const out = json(r.stdout);
    // Same number as the core function on soft-maxed float32 logits.
    const l32 = Float64Array.from(Float32Array.from(logits));
    const p = new Float64Array(N * CS);
    for (let i = 0; i < N; i++) {
      let mx = -Infinity;
      for (let j = 0; j < CS; j++) mx = Math.max(mx, l32[i * CS + j]!);
      let s = 0;
      for (let j = 0; j < CS; j++) s += (p[i * CS + j] = Math.exp(l32[i * CS + j]! - mx));
      for (let j = 0; j < CS; j++) p[i * CS + j]! /= s;
    }
    const expected = leep({ rows: N, cols: CS, data: p }, labelsFromIds(y)).value;
    expect(out.models[0]!.scores.leep).toBeCloseTo(expected, 12);
    expect(out.models[0]!.scores.nce!).toBeLessThanOrEqual(0);
  });

  it('leep option variant=prob-mean gives the benchmark\'s no-log LEEP', async () => {
    const base = ['--labels', join(dir, 'y.npy'), '--source-probs', `good=${join(dir, 'logits.npy')}`, '--metrics', 'leep', '--json', `good=${join(dir, 'good.npy')}`];
    const a = json((await etran(base)).stdout).models[0]!.scores.leep!;
    const b = json((await etran([...base, '--metric-option', 'leep.variant=prob-mean'])).stdout).models[0]!.scores.leep!;
    expect(a).toBeLessThan(0);
    expect(b).toBeGreaterThan(0);
    expect(b).toBeLessThan(1);
    expect(Math.exp(a)).toBeLessThanOrEqual(b + 1e-12); // Jensen: exp(mean log) ≤ mean
  });

  it('string labels from .txt, features from .csv and Fortran-order .npy give the same scores as the .npy inputs', async () => {
    const names = ['cat', 'dog', 'emu', 'fox'];
    writeText(dir, 'y.txt', Array.from(y, (v) => names[v]).join('\n') + '\n');
    const rows = [];
    for (let i = 0; i < N; i++) rows.push(Array.from(good.subarray(i * D, (i + 1) * D), (v) => v.toPrecision(17)).join(','));
    writeText(dir, 'good.csv', Array.from({ length: D }, (_, j) => `f${j}`).join(',') + '\n' + rows.join('\n') + '\n');
    writeFortranNpy(dir, 'goodF.npy', N, D, good);
    const ref = json((await etran(['--labels', join(dir, 'y.npy'), '--metrics', 'lda,energy', '--json', `m=${join(dir, 'good.npy')}`])).stdout).models[0]!.scores;
    for (const args of [
      ['--labels', join(dir, 'y.txt'), `m=${join(dir, 'good.npy')}`],
      ['--labels', join(dir, 'y.npy'), `m=${join(dir, 'good.csv')}`],
      ['--labels', join(dir, 'y.npy'), `m=${join(dir, 'goodF.npy')}`],
    ]) {
      const r = await etran(['--metrics', 'lda,energy', '--json', ...args]);
      expect(r.code, r.stderr).toBe(0);
      const s = json(r.stdout).models[0]!.scores;
      expect(s.lda).toBeCloseTo(ref.lda!, 12);
      expect(s.energy).toBeCloseTo(ref.energy!, 12);
    }
  });

  it('--targets (detection): regression is reported and etran sums the three min-max components', async () => {
    const T = Float64Array.from({ length: N * 4 }, (_, k) => (y[Math.floor(k / 4)]! + (k % 4)) / 10);
    const t = writeNpyFile(dir, 'boxes.npy', { dtype: 'float32', shape: [N, 4], data: Float32Array.from(T) });
    const r = await etran(['--labels', join(dir, 'y.npy'), '--targets', t, '--metrics', 'energy,lda,regression,etran', '--json', `weak=${join(dir, 'weak32.npy')}`, `good=${join(dir, 'good.npy')}`]);
    expect(r.code, r.stderr).toBe(0);
    const [w, g] = json(r.stdout).models;
    for (const m of [w, g]) expect(m.scores.regression).toBeLessThanOrEqual(0);
    const wins = (a: typeof w, b: typeof w) => ['energy', 'lda', 'regression'].filter((k) => a.scores[k]! > b.scores[k]!).length;
    expect(g.scores.etran).toBeCloseTo(wins(g, w), 12);
    expect(w.scores.etran).toBeCloseTo(wins(w, g), 12);
  });

  it('usage errors: bare --source-probs with two models, bad --weights, --rank-by outside the metrics', async () => {
    const two = [`a=${join(dir, 'good.npy')}`, `b=${join(dir, 'weak32.npy')}`];
    const r1 = await etran(['--labels', join(dir, 'y.npy'), '--source-probs', join(dir, 'logits.npy'), '--metrics', 'leep', ...two]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/logits\.npy: --source-probs needs NAME=FILE/);
    const r2 = await etran(['--labels', join(dir, 'y.npy'), '--weights', 'energy=x', ...two]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--weights/);
    const r3 = await etran(['--labels', join(dir, 'y.npy'), '--metrics', 'lda', '--rank-by', 'energy', ...two]);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/--rank-by 'energy'/);
  });

  it('human output is a ranked table, plain text when piped', async () => {
    const r = await etran(['--labels', join(dir, 'y.npy'), '--metrics', 'lda,energy,etran', `weak=${join(dir, 'weak32.npy')}`, `good=${join(dir, 'good.npy')}`]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/#\s+model\s+N\s+D\s+lda\s+energy\s+etran/);
    expect(lines[1]).toMatch(/^1\s+good/);
    expect(lines[2]).toMatch(/^2\s+weak/);
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });

  it('degenerate but valid input (constant column, N < 200, N < D) → a result and warnings', async () => {
    const n = 30;
    const d = 40;
    const yy = seededLabels(n, 3, 9);
    const x = classFeatures(n, d, yy, 3, 1, 10);
    for (let i = 0; i < n; i++) x[i * d + 5] = 1.5;
    writeNpyFile(dir, 'small.npy', { dtype: 'float64', shape: [n, d], data: x });
    writeNpyFile(dir, 'ysmall.npy', { dtype: 'int32', shape: [n], data: yy });
    const r = await etran(['--labels', join(dir, 'ysmall.npy'), '--metrics', 'energy,lda', '--json', join(dir, 'small.npy')]);
    expect(r.code).toBe(0);
    expect(typeof json(r.stdout).models[0]!.scores.energy).toBe('number');
    expect(r.stderr).toMatch(/warning:.*energy/);
    expect(r.stderr).toMatch(/warning: small: 1 of 40 feature column\(s\) are constant/);
  });
});

describe('etran score: bad input exits 2 with one line naming the file', () => {
  it('NaN / Inf in features', async () => {
    const x = good.slice();
    x[7 * D + 3] = NaN;
    const f = writeNpyFile(dir, 'nan.npy', { dtype: 'float64', shape: [N, D], data: x });
    const r = await etran(['--labels', join(dir, 'y.npy'), '--metrics', 'lda', f]);
    expect(r.code).toBe(2);
    oneLineError(r.stderr, 'nan.npy');
    expect(r.stderr).toMatch(/NaN at row 8, column 4/);
    x[7 * D + 3] = Infinity;
    const f2 = writeNpyFile(dir, 'inf.npy', { dtype: 'float32', shape: [N, D], data: Float32Array.from(x) });
    const r2 = await etran(['--labels', join(dir, 'y.npy'), '--metrics', 'lda', f2]);
    expect(r2.code).toBe(2);
    oneLineError(r2.stderr, 'inf.npy');
  });
  it('label count ≠ feature rows', async () => {
    const f = writeNpyFile(dir, 'short.npy', { dtype: 'float64', shape: [N - 1, D], data: good.subarray(0, (N - 1) * D) });
    const r = await etran(['--labels', join(dir, 'y.npy'), '--metrics', 'lda', f]);
    expect(r.code).toBe(2);
    oneLineError(r.stderr, 'short.npy');
    expect(r.stderr).toMatch(/239 rows.*240 labels/);
  });
  it('one class only', async () => {
    const f = writeText(dir, 'one.txt', 'a\na\na\n');
    const r = await etran(['--labels', f, '--metrics', 'lda', join(dir, 'good.npy')]);
    expect(r.code).toBe(2);
    oneLineError(r.stderr, 'one.txt');
    expect(r.stderr).toMatch(/one class/);
  });
  it('empty file', async () => {
    const f = writeText(dir, 'empty.npy', '');
    const r = await etran(['--labels', join(dir, 'y.npy'), '--metrics', 'lda', f]);
    expect(r.code).toBe(2);
    oneLineError(r.stderr, 'empty.npy');
    const g = writeNpyFile(dir, 'zero.npy', { dtype: 'float32', shape: [0, D], data: new Float32Array(0) });
    const r2 = await etran(['--labels', join(dir, 'y.npy'), '--metrics', 'lda', g]);
    expect(r2.code).toBe(2);
    oneLineError(r2.stderr, 'zero.npy');
  });
  it('wrong dtype (integer features, fractional labels)', async () => {
    const f = writeNpyFile(dir, 'ints.npy', { dtype: 'int32', shape: [N, D], data: Int32Array.from(good, Math.round) });
    const r = await etran(['--labels', join(dir, 'y.npy'), '--metrics', 'lda', f]);
    expect(r.code).toBe(2);
    oneLineError(r.stderr, 'ints.npy');
    expect(r.stderr).toMatch(/dtype int32/);
    const l = writeNpyFile(dir, 'yfrac.npy', { dtype: 'float64', shape: [N], data: Float64Array.from(y, (v) => v + 0.5) });
    const r2 = await etran(['--labels', l, '--metrics', 'lda', join(dir, 'good.npy')]);
    expect(r2.code).toBe(2);
    oneLineError(r2.stderr, 'yfrac.npy');
  });
  it('unknown metric, and a metric whose input is missing', async () => {
    const r = await etran(['--labels', join(dir, 'y.npy'), '--metrics', 'lda,bogus', join(dir, 'good.npy')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown metric 'bogus'/);
    const r2 = await etran(['--labels', join(dir, 'y.npy'), '--metrics', 'leep', join(dir, 'good.npy')]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--source-probs/);
  });
});

/**
 * The committed transferability benchmark (results/transferability.json) has the
 * issue's shape, and its numbers follow from what is stored next to it: the
 * weighted τ / top-1 regret from the stored scores and truth (evaluateScores),
 * the means from the per-target τ, and the truth from the committed fine-tuning
 * runs (results/finetune_runs.json) by the stated selection rule.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateScores } from '../../src/core/etran/correlation.js';
import { LOTO_ROWS, TARGETS, TASKS, meanTau, noiseAnalysis, truthFor, type Benchmark, type FinetuneRuns, type RunRow } from '../../scripts/transferability.js';
import { leaveOneTargetOut, type BenchTarget, type Selection } from '../../scripts/recommended-selection.js';
import { RECOMMENDED_FORM } from '../../src/core/etran/recommended.js';
import { repoRoot } from '../helpers/cli.js';

const bench = JSON.parse(readFileSync(join(repoRoot, 'results/transferability.json'), 'utf8')) as Benchmark;
const runs = JSON.parse(readFileSync(join(repoRoot, 'results/finetune_runs.json'), 'utf8')) as FinetuneRuns;

const NEW_METRICS = ['probe', 'knn', 'ncti', 'nleep', 'recommended'];
const CLASSIFICATION_METRICS = ['etran', 'energy', 'lda', 'logme', 'leep', 'nce', 'hscore', 'regularized_hscore', 'sfda', 'transrate', 'gbc', ...NEW_METRICS];
const DETECTION_METRICS = ['etran', 'energy', 'lda', 'regression', 'logme', 'hscore', 'regularized_hscore', 'sfda', 'transrate', 'gbc', ...NEW_METRICS];
const selection = JSON.parse(readFileSync(join(repoRoot, 'results/recommended-selection.json'), 'utf8')) as Selection;

describe('results/transferability.json', () => {
  it('has exactly the issue shape', () => {
    expect(Object.keys(bench).sort()).toEqual(['classification', 'detection']);
    for (const task of TASKS) {
      expect(Object.keys(bench[task]).sort()).toEqual(['mean_weighted_tau', 'targets']);
      const want = task === 'classification' ? CLASSIFICATION_METRICS : DETECTION_METRICS;
      for (const [name, t] of Object.entries(bench[task].targets)) {
        expect(TARGETS[task]).toContain(name);
        expect(Object.keys(t).sort()).toEqual(['scores', 'top1_regret', 'truth', 'weighted_tau']);
        expect(Object.keys(t.scores).sort()).toEqual([...want].sort());
        expect(Object.keys(t.weighted_tau).sort()).toEqual([...want, ...LOTO_ROWS].sort());
        expect(Object.keys(t.top1_regret).sort()).toEqual([...want].sort());
        const models = Object.keys(t.truth).sort();
        expect(models.length).toBe(task === 'classification' ? 13 : 5);
        for (const m of want) expect(Object.keys(t.scores[m]!).sort()).toEqual(models);
        for (const v of Object.values(t.truth)) expect(v).toBeGreaterThanOrEqual(0), expect(v).toBeLessThanOrEqual(1);
      }
    }
    // The table must not be empty: at least one finished classification target.
    expect(Object.keys(bench.classification.targets).length).toBeGreaterThan(0);
  });

  it('every weighted τ and top-1 regret follows from the stored scores and truth', () => {
    for (const task of TASKS) {
      for (const t of Object.values(bench[task].targets)) {
        for (const [metric, scores] of Object.entries(t.scores)) {
          const e = evaluateScores(scores, t.truth);
          expect(e.n).toBe(Object.keys(t.truth).length);
          expect(t.weighted_tau[metric]).toBe(e.weighted_tau);
          expect(t.top1_regret[metric]).toBe(e.top1_regret);
        }
      }
      expect(bench[task].mean_weighted_tau).toEqual(meanTau(bench[task].targets));
    }
  });

  it('the truth is what the committed fine-tuning runs give under the stated selection rule', () => {
    for (const task of TASKS) {
      for (const [name, t] of Object.entries(bench[task].targets)) {
        const d = truthFor(runs, task, name, Object.keys(t.truth).sort());
        expect(d).not.toBeNull();
        expect(d!.truth).toEqual(t.truth);
        const stored = JSON.parse(readFileSync(join(repoRoot, 'results/truth', `${name}.json`), 'utf8'));
        expect(stored.truth).toEqual(t.truth);
      }
    }
  });
});

describe('results/transferability-linear-probe.json: the second ground truth (backbone frozen)', () => {
  const linear = JSON.parse(readFileSync(join(repoRoot, 'results/transferability-linear-probe.json'), 'utf8')) as Benchmark;
  const linearRuns = JSON.parse(readFileSync(join(repoRoot, 'results/linear_probe_runs.json'), 'utf8')) as FinetuneRuns;
  it('same scores as the fine-tuning table, truth from the committed linear-probe runs, τ from both', () => {
    for (const task of TASKS) {
      for (const [name, t] of Object.entries(linear[task].targets)) {
        expect(t.scores).toEqual(bench[task].targets[name]!.scores);
        expect(truthFor(linearRuns, task, name, Object.keys(t.truth).sort())!.truth).toEqual(t.truth);
        for (const [metric, scores] of Object.entries(t.scores)) expect(t.weighted_tau[metric]).toBe(evaluateScores(scores, t.truth).weighted_tau);
      }
      expect(Object.keys(linear[task].targets).sort()).toEqual(Object.keys(bench[task].targets).sort());
    }
  });
});

describe('results/recommended-selection.json', () => {
  const targets: BenchTarget[] = TASKS.flatMap((task) => Object.entries(bench[task].targets).map(([name, t]) => ({ name, task, truth: t.truth, scores: t.scores })));

  it('is what the leave-one-target-out procedure gives on the stored scores, and the shipped form is its pick', () => {
    expect(leaveOneTargetOut(targets)).toEqual(selection);
    expect(selection.shipped.components).toEqual(RECOMMENDED_FORM.components);
    expect(selection.shipped.kappa).toBe(RECOMMENDED_FORM.kappa);
  });

  it('the table rows of recommended (LOTO) are the held-out figures', () => {
    for (const h of selection.held_out) {
      const t = bench[h.task as 'classification' | 'detection'].targets[h.target]!;
      expect(t.weighted_tau[LOTO_ROWS[0]!]).toBe(h.tau_without_history);
      expect(t.weighted_tau[LOTO_ROWS[1]!]).toBe(h.tau_with_history);
    }
  });
});

describe('ground-truth rules', () => {
  const protocol = { lr_grid: [0.1, 0.01], wd_grid: [0, 0.001] };
  const row = (model: string, seed: number, lr: number, wd: number, val: number, test: number): RunRow => ['classification', 'T', model, seed, lr, wd, val, test, 1];

  it('selects the best-val config per seed (ties: first in grid order) and averages only seeds complete for every model', () => {
    const r: FinetuneRuns = {
      description: '',
      columns: [],
      protocol: { classification: protocol },
      splits: {},
      runs: [
        // a, seed 0: tie on val between (0.1, 0) and (0.01, 0) → the first, test 0.5
        row('a', 0, 0.1, 0, 0.8, 0.5), row('a', 0, 0.1, 0.001, 0.7, 0.9), row('a', 0, 0.01, 0, 0.8, 0.6), row('a', 0, 0.01, 0.001, 0.1, 0.9),
        row('a', 1, 0.1, 0, 0.1, 0.1), row('a', 1, 0.1, 0.001, 0.9, 0.7), row('a', 1, 0.01, 0, 0.2, 0.2), row('a', 1, 0.01, 0.001, 0.3, 0.3),
        row('b', 0, 0.1, 0, 0.5, 0.4), row('b', 0, 0.1, 0.001, 0.5, 0.4), row('b', 0, 0.01, 0, 0.6, 0.45), row('b', 0, 0.01, 0.001, 0.5, 0.4),
        // b, seed 1 unfinished (3 of 4 configs): seed 1 is left out for every model
        row('b', 1, 0.1, 0, 0.9, 0.9), row('b', 1, 0.1, 0.001, 0.9, 0.9), row('b', 1, 0.01, 0, 0.9, 0.9),
      ],
    };
    const d = truthFor(r, 'classification', 'T', ['a', 'b'])!;
    expect(d.seeds).toEqual([0]);
    expect(d.truth).toEqual({ a: 0.5, b: 0.45 });
    expect(d.noise).toBeNull();
    expect(truthFor(r, 'classification', 'T', ['a', 'b', 'c'])).toBeNull();
  });

  it('seed-noise analysis by hand', () => {
    // a: 0.9, 0.8 (var 0.005); b: 0.5, 0.6 (var 0.005); c: 0.52, 0.58 (var 0.0018)
    const n = noiseAnalysis([[0.9, 0.8], [0.5, 0.6], [0.52, 0.58]], ['a', 'b', 'c']);
    expect(n.pooled_seed_std).toBeCloseTo(Math.sqrt((0.005 + 0.005 + 0.0018) / 3), 5);
    expect(n.diff_se).toBeCloseTo(n.pooled_seed_std, 5); // √(2/2)
    expect(n.best).toBe('a');
    expect(n.top_gap).toBeCloseTo(0.85 - 0.55, 5);
    expect(n.pairs).toBe(3);
    expect(n.pairs_separated).toBe(2); // a–b and a–c (0.30 > 2·0.0627); b–c tie
    expect(n.top_gap_exceeds_noise).toBe(true);
    // seed 0 ranks a > c > b, seed 1 a > b > c: scipy.stats.weightedtau([0.9, 0.5, 0.52], [0.8, 0.6, 0.58]) = 0.545454…
    expect(n.seed_vs_seed_weighted_tau).toBeCloseTo(6 / 11, 6);
  });
});

/**
 * `etran eval` against the published 11×11 fine-tuning table
 * (fixtures/transferability/ground_truth.json) with scipy goldens.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { tmpDir, writeText } from '../core/etran/score-fixtures.js';

const GT = join(repoRoot, 'fixtures/transferability/ground_truth.json');
const table = (JSON.parse(readFileSync(GT, 'utf8')) as { supervised_finetune_acc: Record<string, Record<string, number>> }).supervised_finetune_acc;
interface EvalCase {
  dataset: string;
  scores: Record<string, number>;
  weighted_tau: number;
  kendall_tau: number;
  pearson: number;
  top1_regret: number;
}
const golden = (JSON.parse(readFileSync(join(repoRoot, 'test/golden/etran_cli_golden.json'), 'utf8')) as { eval_11x11: EvalCase[] }).eval_11x11;

let dir: string;
const evalCli = (args: string[]) => runCli('etran', ['eval', ...args]);
type Out = { metric: string; weighted_tau: number | null; kendall_tau: number | null; pearson: number | null; top1_regret: number; n: number };

beforeAll(() => {
  dir = tmpDir('etran-eval-');
});

describe('etran eval on the published 11×11 table', () => {
  it('the fixture is the 11 models × 11 datasets table', () => {
    expect(Object.keys(table)).toHaveLength(11);
    for (const accs of Object.values(table)) expect(Object.keys(accs)).toHaveLength(11);
    expect(table.cifar10!.resnet152).toBe(97.53);
  });

  it('matches scipy (weighted τ to 1e-12) for a seeded score map on every dataset, via --truth-key', () => {
    // One CLI run per dataset would be slow; check three datasets end to end (the core is checked on all 11 in correlation tests).
    for (const c of golden.slice(0, 3)) {
      const s = writeText(dir, `s_${c.dataset}.json`, JSON.stringify(c.scores));
      const r = evalCli(['--scores', s, '--truth', GT, '--truth-key', `supervised_finetune_acc.${c.dataset}`, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Out;
      expect(Object.keys(out)).toEqual(['metric', 'weighted_tau', 'kendall_tau', 'pearson', 'top1_regret', 'n']);
      expect(out.n).toBe(11);
      expect(Math.abs(out.weighted_tau! - c.weighted_tau)).toBeLessThan(1e-12);
      expect(Math.abs(out.kendall_tau! - c.kendall_tau)).toBeLessThan(1e-12);
      expect(Math.abs(out.pearson! - c.pearson)).toBeLessThan(1e-12);
      expect(out.top1_regret).toBeCloseTo(c.top1_regret, 10);
    }
  });

  it('regret is in accuracy points: a score that picks mobilenet_v2 on cifar10 loses 97.53 − 94.74 = 2.79', () => {
    const scores = Object.fromEntries(Object.keys(table.cifar10!).map((m) => [m, m === 'mobilenet_v2' ? 10 : table.cifar10![m]! / 100]));
    const s = writeText(dir, 'pick_mnv2.json', JSON.stringify(scores));
    const t = writeText(dir, 'cifar10.json', JSON.stringify(table.cifar10));
    const out = JSON.parse(evalCli(['--scores', s, '--truth', t, '--json']).stdout) as Out;
    expect(out.top1_regret).toBeCloseTo(2.79, 10);
    // The truth itself as score: perfect on every measure.
    const perfect = writeText(dir, 'perfect.json', JSON.stringify(table.cifar10));
    const p = JSON.parse(evalCli(['--scores', perfect, '--truth', t, '--json']).stdout) as Out;
    expect(p).toMatchObject({ metric: 'etran', weighted_tau: 1, kendall_tau: 1, top1_regret: 0, n: 11 });
    expect(p.pearson).toBeCloseTo(1, 14);
  });

  it('reads `etran score --json` output, picks --metric, drops models missing on one side with a warning', () => {
    const names = Object.keys(table.dtd!);
    const doc = {
      models: [...names.slice(0, 9), 'vit_b16'].map((name, i) => ({ name, n: 100, d: 8, scores: { logme: -i, lda: i % 3 } })),
      ranking: [],
    };
    const s = writeText(dir, 'doc.json', JSON.stringify(doc));
    const t = writeText(dir, 'dtd.json', JSON.stringify(table.dtd));
    const r = evalCli(['--scores', s, '--truth', t, '--metric', 'logme', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.metric).toBe('logme');
    expect(out.n).toBe(9);
    expect(r.stderr).toMatch(/1 model\(s\) only in .*doc\.json, left out: vit_b16/);
    expect(r.stderr).toMatch(/2 model\(s\) only in .*dtd\.json, left out: googlenet, inception_v3/);
    // The best-scored model (-0: resnet34) has 72.96 on dtd; the best of the 9 is resnet152's 76.44.
    expect(out.top1_regret).toBeCloseTo(76.44 - 72.96, 10);
  });

  it('computes etran from lda and energy when a score file has no etran column', () => {
    const names = ['resnet50', 'densenet121', 'mnasnet1_0'];
    const doc = { models: names.map((name, i) => ({ name, n: 10, d: 4, scores: { energy: [3, 1, 2][i], lda: [0.9, 0.8, 0.1][i] } })), ranking: names };
    const s = writeText(dir, 'noetran.json', JSON.stringify(doc));
    const t = writeText(dir, 'pets.json', JSON.stringify(table.pets));
    const r = evalCli(['--scores', s, '--truth', t, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/computed them from energy and lda/);
    // etran = 0.15·[1, 0, 0.5] + 0.85·[1, 0.875, 0] = [1, 0.74375, 0.075]: resnet50 first.
    const out = JSON.parse(r.stdout) as Out;
    expect(out.top1_regret).toBeCloseTo(Math.max(...names.map((n) => table.pets![n]!)) - table.pets!.resnet50!, 10);
    expect(out.n).toBe(3);
  });

  it('bad input exits 2 with one line naming the file', () => {
    const t = writeText(dir, 'aircraft.json', JSON.stringify(table.aircraft));
    const few = writeText(dir, 'few.json', JSON.stringify({ resnet50: 1, vit: 2 }));
    const r = evalCli(['--scores', few, '--truth', t]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('warning'))).toHaveLength(1);
    expect(r.stderr).toMatch(/few\.json.*at least 2/);
    const nested = evalCli(['--scores', few, '--truth', GT]);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toMatch(/ground_truth\.json.*--truth-key/);
    const broken = writeText(dir, 'broken.json', '{"a": 1,');
    const b = evalCli(['--scores', broken, '--truth', t]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/broken\.json: not valid JSON/);
    const noMetric = writeText(dir, 'nometric.json', JSON.stringify({ models: [{ name: 'resnet50', scores: { logme: 1 } }] }));
    const m = evalCli(['--scores', noMetric, '--truth', t, '--metric', 'sfda']);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/nometric\.json: no 'sfda' scores.*logme/);
  });
});

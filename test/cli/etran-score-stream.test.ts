/**
 * `etran score --stream`: forcing the streamed path on small files gives the
 * in-memory values (1e−9 relative) and says what streamed and what ran on the
 * subsample; under the threshold (auto) the output has no trace of it; bad
 * modes and inputs are exit 2 with one line.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';
import { classFeatures, seededLabels, tmpDir, writeNpyFile, writeText } from '../core/etran/score-fixtures.js';

const N = 260;
const D = 9;
const C = 4;
let dir: string;
let yPath: string;
let aPath: string;
let bPath: string;

const etran = (args: string[]) => runCliInProcess('etran', ['score', ...args]);
type Out = { models: Array<{ name: string; n: number; scores: Record<string, number | null> }>; ranking: string[]; streaming?: { streamed: string[]; subsample: { rows: number; of: number; seed: number; scores: string[] } } };

beforeAll(() => {
  dir = tmpDir('etran-stream-');
  const y = seededLabels(N, C, 5);
  yPath = writeNpyFile(dir, 'y.npy', { dtype: 'int64', shape: [N], data: BigInt64Array.from(y, (v) => BigInt(v)) });
  aPath = writeNpyFile(dir, 'a.npy', { dtype: 'float32', shape: [N, D], data: Float32Array.from(classFeatures(N, D, y, C, 1.5, 6)) });
  bPath = writeNpyFile(dir, 'b.npy', { dtype: 'float64', shape: [N, D], data: classFeatures(N, D, y, C, 0.4, 7) });
});

describe('etran score --stream', () => {
  it('always: the in-memory values, and a note of what streamed', async () => {
    const metrics = ['--metrics', 'energy,lda,etran,logme,hscore,regularized_hscore,gbc,knn'];
    const loaded = await etran(['--labels', yPath, '--json', ...metrics, `a=${aPath}`, `b=${bPath}`]);
    const streamed = await etran(['--labels', yPath, '--json', '--stream', 'always', ...metrics, `a=${aPath}`, `b=${bPath}`]);
    expect(loaded.code).toBe(0);
    expect(streamed.code).toBe(0);
    const l = JSON.parse(loaded.stdout) as Out;
    const s = JSON.parse(streamed.stdout) as Out;
    expect(l.streaming).toBeUndefined();
    expect(Object.keys(l)).toEqual(['models', 'ranking', 'rank_by']);
    expect(s.ranking).toEqual(l.ranking);
    s.models.forEach((m, i) => {
      for (const [k, v] of Object.entries(l.models[i]!.scores)) {
        const w = m.scores[k]!;
        expect(v === w || Math.abs(v! - w) <= 1e-9 * Math.abs(v!), `${m.name} ${k}`).toBe(true);
      }
    });
    expect(s.streaming!.streamed).toEqual(['energy', 'lda', 'logme', 'hscore', 'regularized_hscore', 'gbc']);
    expect(s.streaming!.subsample).toEqual({ rows: N, of: N, seed: 0, scores: ['knn'] });
    expect(streamed.stderr).toContain(`streaming: ${N} feature rows read in blocks`);
  });

  it('prints a line saying so in the table', async () => {
    const r = await etran(['--labels', yPath, '--stream', 'always', '--metrics', 'energy,knn', `a=${aPath}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`streamed (all ${N} rows, in blocks): energy; on a stratified subsample of ${N} rows (seed 0): knn`);
  });

  it('refuses an unknown mode, and .csv features when forced, in one line (exit 2)', async () => {
    const bad = await etran(['--labels', yPath, '--stream', 'sometimes', `a=${aPath}`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--stream');
    const csv = writeText(dir, 'a.csv', Array.from({ length: N }, (_, i) => `${i % 3},${i % 5}`).join('\n'));
    const r = await etran(['--labels', yPath, '--stream', 'always', `a=${csv}`]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('a.csv');
  });

  it('names the file, row and column of a NaN found while streaming (exit 2)', async () => {
    const y = seededLabels(N, C, 5);
    const x = classFeatures(N, D, y, C, 1.5, 6);
    x[200 * D + 4] = Number.NaN;
    const p = writeNpyFile(dir, 'nan.npy', { dtype: 'float64', shape: [N, D], data: x });
    const r = await etran(['--labels', yPath, '--stream', 'always', `a=${p}`]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('nan.npy');
    expect(r.stderr).toContain('row 201, column 5');
  });
});

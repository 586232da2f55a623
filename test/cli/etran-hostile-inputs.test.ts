/**
 * Issue 15: what `etran score` reads is checked for what it is before it is
 * read (no FIFO, device or lying header fills memory), and every metric
 * option's value is checked (a typo is exit 2, not a silently odd score).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors.js';
import { readLabelsFile, readMatrixFile } from '../../src/core/etran/features-file.js';
import { labelsFromIds } from '../../src/core/etran/labels.js';
import { checkMetricOption, scoreModels } from '../../src/core/etran/score.js';
import { runCli } from '../helpers/cli.js';
import { classFeatures, seededLabels, tmpDir, writeNpyFile } from '../core/etran/score-fixtures.js';

describe('score inputs: regular files only, bounded by what they claim', () => {
  it('a FIFO or /dev/zero as features or labels is refused before any read, naming the file', async () => {
    const dir = tmpDir();
    const fifo = join(dir, 'y.npy');
    execFileSync('mkfifo', [fifo]);
    const fifoCsv = join(dir, 'x.csv');
    execFileSync('mkfifo', [fifoCsv]);
    const zero = join(dir, 'zero.npy');
    symlinkSync('/dev/zero', zero);
    await expect(readLabelsFile(fifo)).rejects.toThrow(/y\.npy: is not a regular file/);
    await expect(readMatrixFile(fifoCsv, 'features')).rejects.toThrow(/x\.csv: is not a regular file/);
    await expect(readMatrixFile(zero, 'features')).rejects.toThrow(/zero\.npy: is not a regular file/);
    // An unsupported extension is refused before the file is even opened.
    await expect(readMatrixFile('/dev/zero', 'features')).rejects.toThrow(/unsupported features file type/);
  });

  it('a .npy whose header claims more rows than the file holds is refused', async () => {
    const dir = tmpDir();
    const p = writeNpyFile(dir, 'x.npy', { dtype: 'float32', shape: [4, 2], data: new Float32Array(8) });
    const bytes = execFileSync('head', ['-c', '-8', p]);
    writeFileSync(p, bytes);
    await expect(readMatrixFile(p, 'features')).rejects.toThrow(/x\.npy: truncated \.npy data/);
  });
});

describe('metric options: value types and ranges', () => {
  it('checkMetricOption accepts the documented values and refuses the rest with one line', () => {
    for (const [metric, option, value] of [
      ['logme', 'corrected', true],
      ['leep', 'variant', 'prob-mean'],
      ['probe', 'shrinkage', 'auto'],
      ['probe', 'shrinkage', 0.3],
      ['knn', 'k', 5],
      ['energy', 'fraction', 1],
      ['nleep', 'maxIter', 10],
    ] as const) {
      expect(() => checkMetricOption(metric, option, value), `${metric}.${option}=${value}`).not.toThrow();
    }
    for (const [metric, option, value] of [
      ['logme', 'corrected', 'banana'],
      ['logme', 'corrected', 1],
      ['leep', 'variant', 'banana'],
      ['probe', 'shrinkage', 2],
      ['probe', 'folds', 1],
      ['knn', 'k', 2.5],
      ['knn', 'k', 1e9],
      ['energy', 'fraction', 0],
      ['transrate', 'eps', -1],
      ['nleep', 'maxIter', null],
      ['lda', 'normalize', 'l3'],
    ] as const) {
      expect(() => checkMetricOption(metric, option, value), `${metric}.${option}=${String(value)}`).toThrow(InputError);
    }
  });

  it('scoreModels refuses logme.corrected=banana before computing anything', () => {
    const y = seededLabels(60, 3, 1);
    const model = { name: 'm', X: { rows: 60, cols: 4, data: classFeatures(60, 4, y, 3, 1, 2) }, labels: labelsFromIds(y) };
    expect(() => scoreModels([model], { metrics: ['logme'], metricOptions: { logme: { corrected: 'banana' } } })).toThrow(/--metric-option logme\.corrected: expected true or false, got "banana"/);
    expect(scoreModels([model], { metrics: ['logme'], metricOptions: { logme: { corrected: true } } }).models[0]!.scores.logme).toEqual(expect.any(Number));
  });
});

describe('etran score (CLI): one line, exit 2', () => {
  it('a FIFO as --labels, and --metric-option logme.corrected=banana', () => {
    const dir = tmpDir();
    const y = seededLabels(40, 2, 1);
    const x = writeNpyFile(dir, 'x.npy', { dtype: 'float32', shape: [40, 3], data: Float32Array.from(classFeatures(40, 3, y, 2, 1, 2)) });
    const yp = writeNpyFile(dir, 'y.npy', { dtype: 'int32', shape: [40], data: Int32Array.from(y) });
    const fifo = join(dir, 'labels.npy');
    execFileSync('mkfifo', [fifo]);
    const r = runCli('etran', ['score', '--labels', fifo, '--metrics', 'lda', x]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/labels\.npy: is not a regular file/)]);
    const b = runCli('etran', ['score', '--labels', yp, '--metrics', 'logme', '--metric-option', 'logme.corrected=banana', x]);
    expect(b.code).toBe(2);
    expect(b.stderr.trim().split('\n')).toEqual([expect.stringMatching(/logme\.corrected.*banana/)]);
  });
});

/**
 * Issue 15: a features directory is one unit. `rank --data DIR` uses only
 * what its manifest lists (rows checked); without a manifest every array's
 * rows are checked and the user is warned; a NaN/Inf array fails its model
 * (named, with the file) while the rest are ranked; a JSON bomb as
 * labels.json is one line naming it.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/core/errors.js';
import { buildFeatureSets } from '../../../src/core/features/pipeline.js';
import { encodeNpy } from '../../../src/core/io/npy.js';
import { SessionOpener } from '../../../src/core/runtime/session.js';

const N = 6;
const labels = ['a', 'b', 'a', 'b', 'a', 'b'];

function npy(dir: string, name: string, rows: number, cols: number, fill = (k: number) => k % 7): void {
  writeFileSync(join(dir, name), encodeNpy({ dtype: 'float32', shape: [rows, cols], data: Float32Array.from({ length: rows * cols }, (_, k) => fill(k)) }));
}

function featuresDir(withManifest: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'etran-pre-'));
  writeFileSync(join(dir, 'labels.json'), JSON.stringify({ task: 'classification', labels }));
  npy(dir, 'good.npy', N, 3);
  npy(dir, 'other.npy', N, 2);
  if (withManifest) {
    const models = [
      { name: 'good', rows: N, cols: 3, features: 'good.npy', probs: null },
      { name: 'other', rows: N, cols: 2, features: 'other.npy', probs: null },
    ];
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ format: 'etran-features/1', task: 'classification', models }));
  }
  return dir;
}

const build = (data: string) => buildFeatureSets({ data, cacheDir: null, opener: new SessionOpener({ device: 'cpu' }) });

describe('precomputed features directory', () => {
  it('with a manifest: only the listed models; a stale unlisted array is ignored with a warning', async () => {
    const dir = featuresDir(true);
    npy(dir, 'stale.npy', N, 4); // left from another run: same row count, not in the manifest
    const r = await build(dir);
    expect(r.features.map((f) => f.name)).toEqual(['good', 'other']);
    expect(r.failures).toEqual([]);
    expect(r.warnings.join('\n')).toMatch(/1 \.npy file\(s\) not in manifest\.json ignored \(stale\.npy\)/);
  });

  it('with a manifest: an array whose shape differs from the manifest fails that model; the rest are kept', async () => {
    const dir = featuresDir(true);
    npy(dir, 'other.npy', N, 5); // replaced behind the manifest's back
    const r = await build(dir);
    expect(r.features.map((f) => f.name)).toEqual(['good']);
    expect(r.failures).toEqual([{ name: 'other', message: expect.stringMatching(/other\.npy: 5 feature columns but manifest\.json says 2/) }]);
  });

  it('without a manifest: a warning, and an array with rows ≠ labels fails its model', async () => {
    const dir = featuresDir(false);
    npy(dir, 'other.npy', N + 2, 2);
    const r = await build(dir);
    expect(r.warnings.join('\n')).toMatch(/no manifest\.json/);
    expect(r.features.map((f) => f.name)).toEqual(['good']);
    expect(r.failures[0]).toEqual({ name: 'other', message: expect.stringMatching(/other\.npy: 8 feature rows but 6 labels/) });
  });

  it('a NaN or Inf in a feature file puts that model under failures with the file and the position', async () => {
    const dir = featuresDir(true);
    npy(dir, 'other.npy', N, 2, (k) => (k === 5 ? NaN : k));
    const r = await build(dir);
    expect(r.features.map((f) => f.name)).toEqual(['good']);
    expect(r.failures).toEqual([{ name: 'other', message: expect.stringMatching(/other\.npy: features contain NaN at row 3, column 2/) }]);
    npy(dir, 'good.npy', N, 3, (k) => (k === 0 ? -Infinity : k));
    const none = await build(dir);
    expect(none.features).toEqual([]);
    expect(none.failures.map((f) => f.name)).toEqual(['good', 'other']);
  });

  it('a JSON bomb as labels.json, or non-scalar labels, is one line naming labels.json', async () => {
    const dir = featuresDir(false);
    writeFileSync(join(dir, 'labels.json'), '['.repeat(100_000) + ']'.repeat(100_000));
    await expect(build(dir)).rejects.toThrow(/labels\.json: JSON nested more than/);
    writeFileSync(join(dir, 'labels.json'), JSON.stringify([[1], 'b', 'a', 'b', 'a', 'b']));
    await expect(build(dir)).rejects.toThrow(InputError);
    await expect(build(dir)).rejects.toThrow(/labels\.json: label 1 is \[1\]/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a FIFO as labels.txt or as a MODEL.npy is refused without reading it', async () => {
    const dir = featuresDir(false);
    rmSync(join(dir, 'labels.json'));
    execFileSync('mkfifo', [join(dir, 'labels.txt')]);
    await expect(build(dir)).rejects.toThrow(/labels\.txt: is not a regular file/);
    rmSync(join(dir, 'labels.txt'));
    writeFileSync(join(dir, 'labels.json'), JSON.stringify(labels));
    execFileSync('mkfifo', [join(dir, 'pipe.npy')]);
    const r = await build(dir);
    expect(r.features.map((f) => f.name)).toEqual(['good', 'other']);
    expect(r.failures).toEqual([{ name: 'pipe', message: expect.stringMatching(/pipe\.npy: is not a regular file/) }]);
  });
});

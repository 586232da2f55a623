/**
 * Issue 15: `etran features --out O` writes O as one unit, and what O may be
 * (absent, empty, an earlier features output) is checked before extraction.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boundedPositiveInt, checkFeaturesOut, MAX_BATCH_SIZE, MAX_THREADS } from '../../src/commands/etran/features.js';
import { InputError } from '../../src/core/errors.js';
import { buildFeatureSets } from '../../src/core/features/pipeline.js';
import { SessionOpener } from '../../src/core/runtime/session.js';
import { runCli } from '../helpers/cli.js';

const fx = (p: string) => new URL(`../../fixtures/rank/${p}`, import.meta.url).pathname;
const tmp = () => mkdtempSync(join(tmpdir(), 'etran-out-'));

describe('features --out: what may be replaced', () => {
  it('absent, empty or an earlier output pass; a file, a foreign directory or unlisted files are refused', async () => {
    const root = tmp();
    await expect(checkFeaturesOut(join(root, 'absent'))).resolves.toBeUndefined();
    mkdirSync(join(root, 'empty'));
    await expect(checkFeaturesOut(join(root, 'empty'))).resolves.toBeUndefined();
    writeFileSync(join(root, 'file'), 'x');
    await expect(checkFeaturesOut(join(root, 'file'))).rejects.toThrow(/file: --out exists and is not a directory/);
    const mine = join(root, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'thesis.tex'), 'x');
    await expect(checkFeaturesOut(mine)).rejects.toThrow(/holds no manifest\.json/);
    const prev = join(root, 'prev');
    mkdirSync(prev);
    const manifest = { task: 'classification', models: [{ name: 'a', rows: 2, cols: 3, features: 'a.npy', probs: 'a.probs.npy' }] };
    writeFileSync(join(prev, 'manifest.json'), JSON.stringify(manifest));
    for (const f of ['a.npy', 'a.probs.npy', 'labels.json']) writeFileSync(join(prev, f), 'x');
    await expect(checkFeaturesOut(prev)).resolves.toBeUndefined();
    writeFileSync(join(prev, 'notes.txt'), 'x');
    await expect(checkFeaturesOut(prev)).rejects.toThrow(/files its manifest does not list \(notes\.txt\)/);
    writeFileSync(join(mine, 'manifest.json'), JSON.stringify({ models: [{ features: '../../etc/passwd' }] }));
    await expect(checkFeaturesOut(mine)).rejects.toThrow(/not from `etran features`/);
  });
});

describe('etran features (CLI)', () => {
  it('--out an existing file: one line, exit 2, before any extraction; --threads 100000 is bad usage', () => {
    const root = tmp();
    const file = join(root, 'taken');
    writeFileSync(file, 'x');
    const r = runCli('etran', ['features', '--zoo', fx('zoo-cls'), '--data', fx('images'), '--no-cache', '--out', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/taken: --out exists and is not a directory/)]);
    expect(readFileSync(file, 'utf8')).toBe('x');
    // --threads / --batch-size parse through this (an InputError: exit 2, one line).
    const threads = boundedPositiveInt('--threads', MAX_THREADS);
    expect(threads('8')).toBe(8);
    for (const bad of ['100000', '0', '1.5', '', 'x']) expect(() => threads(bad), bad).toThrow(InputError);
    expect(() => threads('100000')).toThrow(/--threads: expected an integer from 1 to 1024, got '100000'/);
    expect(() => boundedPositiveInt('--batch-size', MAX_BATCH_SIZE)(String(MAX_BATCH_SIZE + 1))).toThrow(InputError);
  });

  it('over an earlier output of another zoo: the old arrays are gone, nothing temporary is left, rank sees only the new models', async () => {
    const root = tmp();
    const out = join(root, 'feats');
    const a = runCli('etran', ['features', '--zoo', fx('zoo-cls'), '--data', fx('images'), '--no-cache', '--out', out]);
    expect(a.code, a.stderr).toBe(0);
    expect(readdirSync(out).filter((f) => f.endsWith('.npy')).sort()).toEqual(['gemm_a.npy', 'gemm_a.probs.npy', 'gemm_b.npy', 'gemm_b.probs.npy', 'matmul_c.npy', 'matmul_c.probs.npy']);
    // zoo-bad: gemm_a works, convonly fails (exit 1, the rest exported)
    const b = runCli('etran', ['features', '--zoo', fx('zoo-bad'), '--data', fx('images-broken'), '--no-cache', '--out', out]);
    expect(b.code, b.stderr).toBe(1);
    expect(readdirSync(out).sort()).toEqual(['gemm_a.npy', 'gemm_a.probs.npy', 'labels.json', 'manifest.json']);
    expect(readdirSync(root)).toEqual(['feats']);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.models.map((m: { name: string; rows: number }) => [m.name, m.rows])).toEqual([['gemm_a', 3]]);
    const r = await buildFeatureSets({ data: out, cacheDir: null, opener: new SessionOpener({ device: 'cpu' }) });
    expect(r.features.map((f) => [f.name, f.rows])).toEqual([['gemm_a', 3]]);
    expect(r.failures).toEqual([]);
    expect(r.warnings).toEqual([]);
  });
});

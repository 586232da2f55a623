import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const fx = (p: string) => new URL(`../../fixtures/rank/${p}`, import.meta.url).pathname;
const tmp = () => mkdtempSync(join(tmpdir(), 'etran-rank-'));

describe('etran rank (CLI contract)', () => {
  it('--json: the `etran score --json` shape plus extraction; names are file stems', () => {
    const cache = tmp();
    const r = runCli('etran', ['rank', '--zoo', fx('zoo-cls'), '--data', fx('images'), '--cache', cache, '--device', 'cpu', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.models.map((m: { name: string }) => m.name)).toEqual(['gemm_a', 'gemm_b', 'matmul_c']);
    expect(j.models[0]).toMatchObject({ n: 24, d: 8 });
    expect(Object.keys(j.models[0].scores)).toEqual(['etran', 'energy', 'lda']);
    expect([...j.ranking].sort()).toEqual(['gemm_a', 'gemm_b', 'matmul_c']);
    // the ranking follows etran
    const etran = new Map(j.models.map((m: { name: string; scores: { etran: number } }) => [m.name, m.scores.etran]));
    expect(j.ranking.map((n: string) => etran.get(n))).toEqual([...j.ranking.map((n: string) => etran.get(n))].sort((a, b) => b - a));
    expect(j.extraction.gemm_a).toMatchObject({ images: 24, cached: false });
    expect(j.extraction.gemm_a.images_per_s).toBeGreaterThan(0);
    expect(j.skipped.count).toBe(0);
    // second run: everything from the cache, same scores
    const again = JSON.parse(runCli('etran', ['rank', '--zoo', fx('zoo-cls'), '--data', fx('images'), '--cache', cache, '--json']).stdout);
    expect(Object.values(again.extraction).every((e) => (e as { cached: boolean }).cached)).toBe(true);
    expect(again.models).toEqual(j.models);
  });

  it('--metrics adds baselines (LEEP/NCE from the models\' own logits); --csv; --truth adds eval', () => {
    const truth = join(tmp(), 'truth.json');
    writeFileSync(truth, JSON.stringify({ gemm_a: 70, gemm_b: 60, matmul_c: 80 }));
    const j = JSON.parse(runCli('etran', ['rank', '--zoo', fx('zoo-cls'), '--data', fx('images'), '--no-cache', '--metrics', 'leep,nce', '--truth', truth, '--json']).stdout);
    expect(Object.keys(j.models[0].scores)).toEqual(['etran', 'energy', 'lda', 'leep', 'nce']);
    expect(j.eval.etran).toMatchObject({ n: 3 });
    expect(j.eval.etran.weighted_tau).toBeGreaterThanOrEqual(-1);
    const csv = runCli('etran', ['rank', '--zoo', fx('zoo-cls'), '--data', fx('list.csv'), '--no-cache', '--csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('rank,model,etran,energy,lda,n,d,images_per_s,cached');
    expect(lines).toHaveLength(4);
    expect(lines[1]!.startsWith('1,')).toBe(true);
    expect(lines[1]!.split(',')[5]).toBe('9'); // 9 images in the list
  });

  it('human table on stdout, progress and notes on stderr', () => {
    const r = runCli('etran', ['rank', '--zoo', fx('zoo-cls'), '--data', fx('images'), '--no-cache']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^#\s+model\s+etran\s+energy\s+lda\s+N\s+D\s+img\/s$/);
    expect(r.stdout).toContain('ranked by etran');
    expect(r.stderr).toContain('extracting features: 3 model(s), 24 image(s)');
  });

  it('a model without a feature layer: named, with the zoo.json key; the rest ranked; exit 1', () => {
    const r = runCli('etran', ['rank', '--zoo', fx('zoo-bad'), '--data', fx('images-broken'), '--no-cache', '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.models.map((m: { name: string }) => m.name)).toEqual(['gemm_a']);
    expect(j.failed.convonly).toMatch(/cannot find the feature layer of convonly.*set "feature"/);
    expect(j.skipped.count).toBe(1);
    expect(r.stderr).toMatch(/1 unreadable image\(s\) skipped/);
    expect(r.stderr).toMatch(/model convonly failed/);
  });

  it('--strict: an unreadable image is a one-line error, exit 2', () => {
    const r = runCli('etran', ['rank', '--zoo', fx('zoo-cls'), '--data', fx('images-broken'), '--no-cache', '--strict']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.png: unreadable image/);
    expect(r.stdout).toBe('');
  });

  it('bad zoo / bad data / bad options exit 2 with one line', () => {
    for (const args of [
      ['--zoo', '/nonexistent', '--data', fx('images')],
      ['--zoo', fx('images'), '--data', fx('images')],
      ['--zoo', fx('zoo-cls'), '--data', '/nonexistent'],
      ['--zoo', fx('zoo-cls'), '--data', fx('zoo-cls')],
      ['--zoo', fx('zoo-cls'), '--data', fx('images'), '--metrics', 'nope'],
      ['--zoo', fx('zoo-cls'), '--data', fx('images'), '--device', 'tpu'],
    ]) {
      const r = runCli('etran', ['rank', '--no-cache', ...args]);
      expect(r.code, args.join(' ') + '\n' + r.stderr).toBe(2);
      expect(r.stdout).toBe('');
    }
  });

  it('detection: COCO target, one row per box, ETran with the regression component', () => {
    const r = runCli('etran', ['rank', '--zoo', fx('zoo-det'), '--data', fx('coco'), '--no-cache', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.task).toBe('detection');
    expect(j.models.map((m: { n: number }) => m.n)).toEqual([24, 24]);
    expect(Object.keys(j.models[0].scores)).toEqual(['etran', 'energy', 'lda', 'regression']);
  });

  it('--device cuda without the CUDA provider fails with how to install it (exit 1)', () => {
    const r = runCli('etran', ['rank', '--zoo', fx('zoo-cls'), '--data', fx('images'), '--no-cache', '--device', 'cuda']);
    if (r.code === 0) return; // a machine with the CUDA provider installed
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot run on CUDA.*ONNXRUNTIME_NODE_INSTALL=cuda12/);
  });
});

describe('etran features', () => {
  it('exports .npy per model that `etran rank --data DIR` ranks identically without inference', () => {
    const out = tmp();
    const f = runCli('etran', ['features', '--zoo', fx('zoo-cls'), '--data', fx('images'), '--no-cache', '--out', out, '--json']);
    expect(f.code, f.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.models.map((m: { name: string; rows: number; cols: number }) => [m.name, m.rows, m.cols])).toEqual([
      ['gemm_a', 24, 8],
      ['gemm_b', 24, 6],
      ['matmul_c', 24, 7],
    ]);
    const direct = JSON.parse(runCli('etran', ['rank', '--zoo', fx('zoo-cls'), '--data', fx('images'), '--no-cache', '--metrics', 'leep', '--json']).stdout);
    const fromFiles = JSON.parse(runCli('etran', ['rank', '--data', out, '--metrics', 'leep', '--json']).stdout);
    expect(fromFiles.models).toEqual(direct.models);
  });

  it('detection export includes box targets', () => {
    const out = tmp();
    const f = runCli('etran', ['features', '--zoo', fx('zoo-det'), '--data', fx('yolo'), '--no-cache', '--out', out]);
    expect(f.code, f.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'labels.json'), 'utf8')).task).toBe('detection');
    const r = JSON.parse(runCli('etran', ['rank', '--data', out, '--json']).stdout);
    expect(Object.keys(r.models[0].scores)).toContain('regression');
  });
});

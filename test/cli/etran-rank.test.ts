import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliInProcess } from '../helpers/cli.js';

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
    expect(Object.keys(j.models[0].scores)).toEqual(['etran', 'energy', 'lda', 'recommended']);
    expect([...j.ranking].sort()).toEqual(['gemm_a', 'gemm_b', 'matmul_c']);
    // the ranking follows recommended (the default), with the bootstrap's confidence
    expect(j.rank_by).toBe('recommended');
    const rec = new Map(j.models.map((m: { name: string; scores: { recommended: number } }) => [m.name, m.scores.recommended]));
    expect(j.ranking.map((n: string) => rec.get(n))).toEqual([...j.ranking.map((n: string) => rec.get(n))].sort((a, b) => b - a));
    expect(j.bootstrap).toMatchObject({ n: 200, metric: 'recommended', seed: 0 });
    expect(j.bootstrap.recomputed).toContain('recommended');
    const pBest = j.models.map((m: { p_best: number }) => m.p_best);
    expect(pBest.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12);
    for (const m of j.models) expect(m.rank_interval[0]).toBeLessThanOrEqual(m.rank_interval[1]);
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
    expect(Object.keys(j.models[0].scores)).toEqual(['etran', 'energy', 'lda', 'leep', 'nce', 'recommended']);
    expect(j.eval.etran).toMatchObject({ n: 3 });
    expect(j.eval.etran.weighted_tau).toBeGreaterThanOrEqual(-1);
    const csv = runCli('etran', ['rank', '--zoo', fx('zoo-cls'), '--data', fx('list.csv'), '--no-cache', '--csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('rank,model,recommended,etran,energy,lda,p_best,rank_lo,rank_hi,n,d,images_per_s,cached');
    expect(lines).toHaveLength(4);
    expect(lines[1]!.startsWith('1,')).toBe(true);
    expect(lines[1]!.split(',')[9]).toBe('9'); // 9 images in the list
  });

  it('human table on stdout, progress and notes on stderr', () => {
    const r = runCli('etran', ['rank', '--zoo', fx('zoo-cls'), '--data', fx('images'), '--no-cache']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^#\s+model\s+recommended\s+etran\s+energy\s+lda\s+p\(best\)\s+rank 90 %\s+N\s+D\s+img\/s$/);
    expect(r.stdout).toContain('ranked by recommended');
    expect(r.stdout).toMatch(/▕[█·]{3}▏/);
    expect(r.stdout).toContain('p(best), rank 90 %: 200 stratified resamples');
    expect(r.stderr).toContain('extracting features: 3 model(s), 24 image(s)');
  });

  it("--history: the zoo's record moves recommended, the target's own rows are ignored; --rank-by etran; --bootstrap 0", () => {
    const dir = tmp();
    const hist = join(dir, 'past.csv');
    // The record puts matmul_c first on two past datasets; the rows of the target itself ('images', the --data folder) must be ignored.
    writeFileSync(hist, 'model,dataset,score\nmatmul_c,pets,0.9\ngemm_a,pets,0.5\ngemm_b,pets,0.1\nmatmul_c,cars,0.8\ngemm_b,cars,0.7\ngemm_a,cars,0.2\ngemm_a,images,1\ngemm_b,images,0\n');
    const r = runCli('etran', ['rank', '--zoo', fx('zoo-cls'), '--data', fx('images'), '--no-cache', '--history', hist, '--bootstrap', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.history).toMatchObject({ target_name: 'images', datasets: ['pets', 'cars'], models_with_history: 3 });
    expect(r.stderr).toMatch(/2 row\(s\) of the target dataset 'images' ignored/);
    expect(j.bootstrap).toBeUndefined();
    expect(j.models[0].p_best).toBeUndefined();
    const byEtran = JSON.parse(runCli('etran', ['rank', '--zoo', fx('zoo-cls'), '--data', fx('images'), '--no-cache', '--rank-by', 'etran', '--bootstrap', '0', '--json']).stdout);
    expect(byEtran.rank_by).toBe('etran');
    const e = new Map(byEtran.models.map((m: { name: string; scores: { etran: number } }) => [m.name, m.scores.etran]));
    expect(byEtran.ranking.map((n: string) => e.get(n))).toEqual([...byEtran.ranking.map((n: string) => e.get(n))].sort((a, b) => b - a));
  });

  it('bad --history / --bootstrap: one line naming the file and the problem, exit 2, before any extraction', async () => {
    const dir = tmp();
    const bad = join(dir, 'past.csv');
    writeFileSync(bad, 'model,dataset,score\ngemm_a,pets,0.5\ngemm_b,pets,n/a\n');
    for (const [args, re] of [
      [['--history', bad], /past\.csv: line 3: "score" must be a finite number/],
      [['--history', join(dir, 'missing.csv')], /missing\.csv: no such file/],
      [['--history', dir], /is a directory/],
      [['--bootstrap', '-1'], /--bootstrap: expected an integer from 0 to 100000/],
      [['--bootstrap', 'many'], /--bootstrap: expected an integer/],
      [['--bootstrap', '1e9'], /--bootstrap: expected an integer from 0 to 100000/],
    ] as Array<[string[], RegExp]>) {
      // in process: each is refused before any model runs, so a process start-up per case is all a spawn would add
      const r = await runCliInProcess('etran', ['rank', '--zoo', fx('zoo-cls'), '--data', fx('images'), '--no-cache', ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
      expect(r.stderr).not.toContain('extracting');
    }
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

  it('bad zoo / bad data / bad options exit 2 with one line', async () => {
    for (const args of [
      ['--zoo', '/nonexistent', '--data', fx('images')],
      ['--zoo', fx('images'), '--data', fx('images')],
      ['--zoo', fx('zoo-cls'), '--data', '/nonexistent'],
      ['--zoo', fx('zoo-cls'), '--data', fx('zoo-cls')],
      ['--zoo', fx('zoo-cls'), '--data', fx('images'), '--metrics', 'nope'],
      ['--zoo', fx('zoo-cls'), '--data', fx('images'), '--device', 'tpu'],
    ]) {
      const r = await runCliInProcess('etran', ['rank', '--no-cache', ...args]);
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
    expect(Object.keys(j.models[0].scores)).toEqual(['etran', 'energy', 'lda', 'regression', 'recommended']);
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

/**
 * Issue 18, CLI contract of sharded extraction: the usage errors of --shard
 * (exit 2, one line, before any model runs), and a simulation of an array
 * job: 4 concurrent `etran rank --shard auto` processes (Slurm, Kubernetes
 * and AWS Batch variables), one killed as soon as its first unit is in the
 * cache and rerun, then a plain rank that runs nothing and ranks exactly as
 * a one-process run does.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/etran.js';
import { cacheStatus } from '../../src/core/features/pipeline.js';
import { repoRoot } from '../helpers/cli.js';

const fx = (p: string) => join(repoRoot, 'fixtures/rank', p);
const SCHEDULER_VARS = /^(JOB_COMPLETION_INDEX|SLURM_ARRAY_|AWS_BATCH_JOB_ARRAY_)/;

/** Runs `etran` in this process: exit code, stdout and stderr. */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (err.push(String(c)), true));
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('etran --shard: usage errors', () => {
  afterEach(() => vi.restoreAllMocks());
  const base = ['--zoo', fx('zoo-cls'), '--data', fx('images')];
  it.each([
    ['rank --no-cache', ['rank', ...base, '--no-cache', '--shard', '0/2'], /--shard fills the feature cache and cannot go with --no-cache/],
    ['features --no-cache', ['features', ...base, '--no-cache', '--shard', '1/2'], /cannot go with --no-cache/],
    ['features --out', ['features', ...base, '--cache', '/nonexistent/c', '--shard', '0/2', '--out', '/nonexistent/o'], /--out with --shard/],
    ['rank --truth', ['rank', ...base, '--cache', '/nonexistent/c', '--shard', '0/2', '--truth', '/nonexistent/t.json'], /--truth with --shard/],
    ['rank --shard 2/2', ['rank', ...base, '--shard', '2/2'], /--shard: the index is 0-based/],
    ['rank --shard x', ['rank', ...base, '--shard', 'x'], /--shard: expected I\/N/],
    ['rank --shards without auto', ['rank', ...base, '--shard', '0/4', '--shards', '4'], /--shards goes with --shard auto/],
    ['rank --shard auto outside an array job', ['rank', ...base, '--shard', 'auto'], /no array-job index in the environment/],
    ['features --status --no-cache', ['features', ...base, '--status', '--no-cache'], /--status reads the feature cache/],
    ['features without --out, as before', ['features', ...base], /required option '--out <dir>' not specified/],
  ])('%s: exit 2, one line', async (_name, args, pattern) => {
    const saved = Object.entries(process.env).filter(([k]) => SCHEDULER_VARS.test(k));
    for (const [k] of saved) delete process.env[k];
    try {
      const r = await inProcess(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    } finally {
      for (const [k, v] of saved) process.env[k] = v;
    }
  });
});

/** A zoo of 3 models of the demo zoo, with their zoo.json settings. */
function demoZoo3(): string {
  const src = join(repoRoot, 'models/zoo/classification');
  const names = ['cnn_small_skdigits', 'mlp_fmnist10', 'resnet8_fmnist10'];
  const dir = mkdtempSync(join(tmpdir(), 'etran-zoo3-'));
  for (const n of names) copyFileSync(join(src, `${n}.onnx`), join(dir, `${n}.onnx`));
  const zoo = JSON.parse(readFileSync(join(src, 'zoo.json'), 'utf8')) as { models: Record<string, unknown> };
  zoo.models = Object.fromEntries(names.map((n) => [n, zoo.models[n]]));
  writeFileSync(join(dir, 'zoo.json'), JSON.stringify(zoo));
  return dir;
}

interface Proc {
  done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
  kill: () => void;
}

/** `etran ARGS` from source as a child process with `env` added (scheduler variables of the host removed). */
function etran(args: string[], env: Record<string, string>): Proc {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SCHEDULER_VARS.test(k))) as Record<string, string>;
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/etran.ts'), ...args], { cwd: repoRoot, env: { ...base, NO_COLOR: '1', CI: '1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { done, kill: () => void child.kill('SIGKILL') };
}

describe('a simulated 4-task array job', () => {
  it('4 shards, one killed after its first unit and rerun; the merge runs nothing and ranks byte-identically to one process', async () => {
    const zoo = demoZoo3();
    const data = join(repoRoot, 'fixtures/targets/classification');
    const cache = mkdtempSync(join(tmpdir(), 'etran-shared-cache-'));
    // 200 images in chunks of 10: 20 units per model, 60 in all, 15 per shard over 5 chunks.
    const common = ['--zoo', zoo, '--data', data, '--max-images', '200', '--threads', '1', '--device', 'cpu', '--chunk-size', '10', '--cache', cache];
    const slurm = (id: number) => ({ SLURM_ARRAY_JOB_ID: '77', SLURM_ARRAY_TASK_ID: String(10 + 2 * id), SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_STEP: '2', SLURM_ARRAY_TASK_MAX: '16', SLURM_ARRAY_TASK_COUNT: '4' });
    const tasks: Array<{ args: string[]; env: Record<string, string> }> = [
      { args: [], env: slurm(0) },
      { args: [], env: slurm(1) },
      { args: ['--shards', '4'], env: { JOB_COMPLETION_INDEX: '2' } },
      { args: [], env: { AWS_BATCH_JOB_ARRAY_INDEX: '3', AWS_BATCH_JOB_ARRAY_SIZE: '4' } },
    ];
    const started = performance.now();
    const procs = tasks.map((t) => etran(['rank', ...common, '--shard', 'auto', ...t.args, '--json'], t.env));

    // Kill task 1 as soon as one of its units (k mod 4 = 1) is in the cache.
    const VICTIM = 1;
    let victimEnded = false;
    void procs[VICTIM]!.done.then(() => (victimEnded = true));
    for (;;) {
      const st = await cacheStatus({ zoo, data, maxImages: 200, chunkSize: 10, cacheDir: cache });
      const victimDone = st.models.flatMap((m, i) => Array.from({ length: m.units }, (_, c) => i * m.units + c).filter((k) => k % 4 === VICTIM && !m.missing.includes(k)));
      if (victimDone.length > 0 || victimEnded) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    procs[VICTIM]!.kill();
    const results = await Promise.all(procs.map((p) => p.done));
    for (const [i, r] of results.entries()) {
      if (i === VICTIM) continue;
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ shard: `${i}/4`, units: 15, done: 15, failed: 0, cached: 0 });
    }

    // What the killed task left: --status (JSON) counts it; the rerun redoes only the missing units.
    const status = JSON.parse((await inProcess(['features', ...common, '--status', '--json'])).stdout) as { units: number; done: number; models: Array<{ missing: number[] }> };
    const victimLeft = status.models.flatMap((m) => m.missing).filter((k) => k % 4 === VICTIM).length;
    expect(status.units).toBe(60);
    expect(status.done).toBe(60 - victimLeft);
    const rerun = await etran(['rank', ...common, '--shard', 'auto', '--json'], slurm(VICTIM)).done;
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout)).toEqual({ shard: '1/4', units: 15, done: 15, failed: 0, cached: 15 - victimLeft });
    const shardSeconds = (performance.now() - started) / 1000;

    // The merge: a plain rank over the same inputs, every feature from the cache.
    const merged = await inProcess(['rank', ...common, '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    const m = JSON.parse(merged.stdout) as { models: unknown; ranking: string[]; extraction: Record<string, { cached: boolean; images: number }> };
    expect(Object.values(m.extraction).map((e) => [e.cached, e.images])).toEqual([[true, 200], [true, 200], [true, 200]]);
    // One process, no cache, the default chunk size (one unit per model, batches of 32 instead of 10).
    const one = await inProcess(['rank', '--zoo', zoo, '--data', data, '--max-images', '200', '--threads', '1', '--device', 'cpu', '--no-cache', '--json']);
    expect(one.code, one.stderr).toBe(0);
    const o = JSON.parse(one.stdout) as { models: unknown; ranking: string[] };
    expect(JSON.stringify(m.models)).toBe(JSON.stringify(o.models));
    expect(JSON.stringify(m.ranking)).toBe(JSON.stringify(o.ranking));
    // Information for the log (not asserted): how long the shards took and what the killed task left.
    console.info(`4 shards + rerun: ${shardSeconds.toFixed(1)} s; killed task had ${15 - victimLeft} of 15 units done`);
  });
});

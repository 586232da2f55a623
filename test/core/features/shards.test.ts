/**
 * Issue 18: units of extraction work and shards. The scheduler variables are
 * read by a pure function (every scheduler and every inconsistency checked
 * here without one); features are bit-identical whether a model is extracted
 * in one run, in small units, or by shards merged through the cache; a shard
 * rerun after losing a unit redoes only that unit.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/core/errors.js';
import { FeatureCache } from '../../../src/core/features/cache.js';
import { loadDataset, type ImageDataset } from '../../../src/core/features/datasets.js';
import { extractFeatures, type ExtractResult } from '../../../src/core/features/extract.js';
import { cacheStatus } from '../../../src/core/features/pipeline.js';
import { chunkRanges, inShard, parseShardOption, shardFromEnv, unitNumber } from '../../../src/core/features/shards.js';
import { loadZoo } from '../../../src/core/features/zoo.js';
import { SessionOpener } from '../../../src/core/runtime/session.js';

const fx = (p: string) => new URL(`../../../fixtures/rank/${p}`, import.meta.url).pathname;
const opener = () => new SessionOpener({ device: 'cpu', intraOpThreads: 1 });
/** A session factory that throws: proves nothing is run. */
const noRuntime = () =>
  new SessionOpener({ device: 'cpu' }, async () => {
    throw new Error('inference attempted');
  });

/** The InputError message `fn` throws (one line), or a failure. */
function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('expected an InputError');
}

describe('--shard I/N', () => {
  it('parses 0-based index and count, and auto', () => {
    expect(parseShardOption('0/4')).toEqual({ index: 0, count: 4 });
    expect(parseShardOption('3/4')).toEqual({ index: 3, count: 4 });
    expect(parseShardOption('auto')).toBe('auto');
  });
  it.each(['4/4', '1/0', '-1/4', '1', '1/4/2', 'a/b', '', '1.5/4'])('refuses %j as one line', (v) => {
    expect(usageError(() => parseShardOption(v))).toMatch(/^--shard: /);
  });
});

describe('--shard auto: the schedulers\' array variables', () => {
  it('Kubernetes Indexed Job: JOB_COMPLETION_INDEX, count from --shards (required)', () => {
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '2' }, 4)).toEqual({ index: 2, count: 4 });
    expect(usageError(() => shardFromEnv({ JOB_COMPLETION_INDEX: '2' }))).toMatch(/--shards N is not/);
    expect(usageError(() => shardFromEnv({ JOB_COMPLETION_INDEX: '4' }, 4))).toMatch(/index 4 is not below the shard count 4/);
    expect(usageError(() => shardFromEnv({ JOB_COMPLETION_INDEX: 'x' }, 4))).toMatch(/JOB_COMPLETION_INDEX='x' is not a whole number/);
  });

  it('Slurm array: (ID − MIN) / STEP of COUNT, checked against MAX and --shards', () => {
    const slurm = { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_STEP: '2', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MAX: '7' };
    expect(shardFromEnv(slurm)).toEqual({ index: 2, count: 4 });
    expect(shardFromEnv({ ...slurm, SLURM_ARRAY_TASK_MAX: undefined })).toEqual({ index: 2, count: 4 });
    expect(shardFromEnv(slurm, 4)).toEqual({ index: 2, count: 4 });
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '1', SLURM_ARRAY_TASK_COUNT: '1' })).toEqual({ index: 0, count: 1 });
    expect(usageError(() => shardFromEnv(slurm, 3))).toMatch(/says 4 shards but --shards says 3/);
    expect(usageError(() => shardFromEnv({ ...slurm, SLURM_ARRAY_TASK_ID: '4' }))).toMatch(/not SLURM_ARRAY_TASK_MIN=1 plus a multiple of SLURM_ARRAY_TASK_STEP=2/);
    expect(usageError(() => shardFromEnv({ ...slurm, SLURM_ARRAY_TASK_ID: '0' }))).toMatch(/not SLURM_ARRAY_TASK_MIN=1 plus a multiple/);
    expect(usageError(() => shardFromEnv({ ...slurm, SLURM_ARRAY_TASK_MAX: '9' }))).toMatch(/not 4 evenly spaced tasks/);
    expect(usageError(() => shardFromEnv({ ...slurm, SLURM_ARRAY_TASK_COUNT: undefined }))).toMatch(/SLURM_ARRAY_TASK_COUNT is not set/);
    expect(usageError(() => shardFromEnv({ ...slurm, SLURM_ARRAY_TASK_STEP: '' }))).toMatch(/SLURM_ARRAY_TASK_STEP is not set/);
    expect(usageError(() => shardFromEnv({ ...slurm, SLURM_ARRAY_TASK_STEP: '0' }))).toMatch(/not a positive step/);
    expect(usageError(() => shardFromEnv({ ...slurm, SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_MAX: undefined }))).toMatch(/index 4 is not below the shard count 4/);
  });

  it('AWS Batch array: AWS_BATCH_JOB_ARRAY_INDEX of AWS_BATCH_JOB_ARRAY_SIZE (or --shards)', () => {
    expect(shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '3', AWS_BATCH_JOB_ARRAY_SIZE: '8' })).toEqual({ index: 3, count: 8 });
    expect(shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '3' }, 8)).toEqual({ index: 3, count: 8 });
    expect(usageError(() => shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '3' }))).toMatch(/neither AWS_BATCH_JOB_ARRAY_SIZE nor --shards/);
    expect(usageError(() => shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '3', AWS_BATCH_JOB_ARRAY_SIZE: '8' }, 4))).toMatch(/says 8 shards but --shards says 4/);
    expect(usageError(() => shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '8', AWS_BATCH_JOB_ARRAY_SIZE: '8' }))).toMatch(/index 8 is not below/);
  });

  it('no scheduler, or two, is one line', () => {
    expect(usageError(() => shardFromEnv({ PATH: '/bin' }, 4))).toMatch(/no array-job index in the environment/);
    expect(usageError(() => shardFromEnv({ JOB_COMPLETION_INDEX: '1', AWS_BATCH_JOB_ARRAY_INDEX: '1' }, 4))).toMatch(/\(Kubernetes\) and AWS_BATCH_JOB_ARRAY_INDEX \(AWS Batch\) are both set/);
  });
});

describe('units', () => {
  it('chunks cover the listing in order; every unit belongs to exactly one shard, each shard a share of every model', () => {
    expect(chunkRanges(10, 4)).toEqual([{ start: 0, end: 4 }, { start: 4, end: 8 }, { start: 8, end: 10 }]);
    expect(chunkRanges(0, 4)).toEqual([]);
    const models = 3;
    const chunks = 8;
    const count = 4;
    const owners = new Map<number, number[]>();
    for (let m = 0; m < models; m++) {
      for (let c = 0; c < chunks; c++) {
        const k = unitNumber(m, c, chunks);
        const mine = [0, 1, 2, 3].filter((i) => inShard(k, { index: i, count }));
        expect(mine).toHaveLength(1);
        owners.set(mine[0]!, [...(owners.get(mine[0]!) ?? []), m]);
      }
    }
    for (const [, ms] of owners) for (let m = 0; m < models; m++) expect(ms.filter((x) => x === m)).toHaveLength(chunks / count);
    expect(inShard(7, null)).toBe(true);
  });
});

describe('extraction in units', () => {
  const bits = (r: ExtractResult) => r.features.map((f) => ({ name: f.name, X: Buffer.from(f.X.buffer, f.X.byteOffset, f.X.byteLength).toString('base64'), probs: f.probs ? Buffer.from(f.probs.buffer, f.probs.byteOffset, f.probs.byteLength).toString('base64') : null, labels: f.labels }));

  it('one run, small units with other batches, and 3 shards merged through the cache give the same bits; the merge runs nothing', async () => {
    const zoo = await loadZoo(fx('zoo-cls'));
    const data = (await loadDataset(fx('images'))) as ImageDataset;
    const whole = await extractFeatures(zoo.models, data, { opener: opener(), cache: null });
    // 24 images in chunks of 5 with batches of 4: batches 4+1 per chunk instead of one of 24.
    const units = await extractFeatures(zoo.models, data, { opener: opener(), cache: null, chunkSize: 5, batchSize: 4 });
    expect(bits(units)).toEqual(bits(whole));
    expect(units.units).toEqual({ units: 15, done: 15, cached: 0, failed: 0 });

    const cacheDir = mkdtempSync(join(tmpdir(), 'etran-shards-'));
    const cache = new FeatureCache(cacheDir);
    const counts = [];
    for (let index = 0; index < 3; index++) {
      const r = await extractFeatures(zoo.models, data, { opener: opener(), cache, chunkSize: 5, batchSize: 4, shard: { index, count: 3 } });
      expect(r.features).toEqual([]);
      expect(r.failures).toEqual([]);
      counts.push(r.units);
    }
    expect(counts).toEqual([0, 1, 2].map(() => ({ units: 5, done: 5, cached: 0, failed: 0 })));
    expect(readdirSync(join(cacheDir, 'features'))).toHaveLength(15);
    const merged = await extractFeatures(zoo.models, data, { opener: noRuntime(), cache, chunkSize: 5 });
    expect(merged.failures).toEqual([]);
    expect(merged.features.every((f) => f.cached)).toBe(true);
    expect(bits(merged)).toEqual(bits(whole));
    expect(merged.features.map((f) => f.images)).toEqual([24, 24, 24]);
  });

  it('a shard rerun after losing a unit redoes only that unit; --status counts what is there', async () => {
    const zoo = await loadZoo(fx('zoo-cls'));
    const data = (await loadDataset(fx('images'))) as ImageDataset;
    const cacheDir = mkdtempSync(join(tmpdir(), 'etran-shards-'));
    const cache = new FeatureCache(cacheDir);
    const shard = { index: 1, count: 2 };
    const first = await extractFeatures(zoo.models, data, { opener: opener(), cache, chunkSize: 10, shard });
    // 3 chunks (10, 10, 4) × 3 models = units 0..8; shard 1 has 1, 3, 5, 7.
    expect(first.units).toEqual({ units: 4, done: 4, cached: 0, failed: 0 });
    const status = await cacheStatus({ zoo: fx('zoo-cls'), data: fx('images'), chunkSize: 10, cacheDir });
    expect(status.chunks).toBe(3);
    expect(status.models.map((m) => [m.name, m.done, m.missing])).toEqual([
      ['gemm_a', 1, [0, 2]],
      ['gemm_b', 2, [4]],
      ['matmul_c', 1, [6, 8]],
    ]);
    // A task killed before its last unit: that unit's meta.json is not there.
    const entries = readdirSync(join(cacheDir, 'features'));
    const lost = entries.find((k) => JSON.parse(readFileSync(join(cacheDir, 'features', k, 'meta.json'), 'utf8')).name === 'gemm_b')!;
    rmSync(join(cacheDir, 'features', lost, 'meta.json'));
    const again = await extractFeatures(zoo.models, data, { opener: opener(), cache, chunkSize: 10, shard });
    expect(again.units).toEqual({ units: 4, done: 4, cached: 3, failed: 0 });
    const after = await cacheStatus({ zoo: fx('zoo-cls'), data: fx('images'), chunkSize: 10, cacheDir });
    expect(after.models.map((m) => m.done)).toEqual([1, 2, 1]);
  });
});

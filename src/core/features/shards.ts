/**
 * Units of extraction work and the shards that share them out.
 *
 * A unit is one model × one chunk of `chunkSize` consecutive images of the
 * (sampled) listing. Units are numbered model by model, chunk by chunk
 * (unit = model · chunks + chunk), and unit k belongs to shard k mod N: every
 * shard then gets a near-equal share of every model, so one slow model does
 * not make one slow shard. An unsharded run works through the same units, so
 * the cache it fills is the one the shards fill.
 *
 * `--shard auto` reads the index and count from the array-job variables of
 * the usual schedulers; that reading is a pure function of an environment
 * object, so it is tested without any scheduler.
 */
import { InputError } from '../errors.js';
import { listingHash } from './cache.js';

/** Images per unit unless --chunk-size says otherwise. */
export const DEFAULT_CHUNK_SIZE = 1024;
/** More images per unit than this only delays the first cached result; no machine needs it. */
export const MAX_CHUNK_SIZE = 1 << 20;
/** More shards than this is not a cluster an array job can describe (Slurm's own cap is lower). */
export const MAX_SHARDS = 1_000_000;

/** Shard `index` of `count` (0-based). */
export interface ShardSpec {
  index: number;
  count: number;
}

/** A chunk of the listing: items [start, end) and the hash of their listing, which keys its units in the cache. */
export interface Chunk {
  start: number;
  end: number;
  listing: string;
}

const COUNT = /^[0-9]+$/;

/** `--shard` as given: "I/N" (0-based), or "auto". Anything else is bad usage. */
export function parseShardOption(value: string): ShardSpec | 'auto' {
  if (value === 'auto') return 'auto';
  const m = /^([0-9]+)\/([0-9]+)$/.exec(value.trim());
  if (!m) throw new InputError(null, `--shard: expected I/N (0-based, e.g. 0/4) or auto, got '${value}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw new InputError(null, `--shard: the shard count must be from 1 to ${MAX_SHARDS}, got '${value}'`);
  if (index >= count) throw new InputError(null, `--shard: the index is 0-based and must be below the count, got '${value}'`);
  return { index, count };
}

/** An environment variable that must hold a whole number, or null when it is not set. */
function countVar(env: Record<string, string | undefined>, name: string): number | null {
  const v = env[name];
  if (v === undefined || v === '') return null;
  if (!COUNT.test(v.trim())) throw new InputError(null, `--shard auto: ${name}='${v}' is not a whole number`);
  return Number(v.trim());
}

function required(env: Record<string, string | undefined>, name: string, why: string): number {
  const n = countVar(env, name);
  if (n === null) throw new InputError(null, `--shard auto: ${name} is not set (${why})`);
  return n;
}

/**
 * The shard of this task from the array-job variables of Kubernetes Indexed
 * Jobs (JOB_COMPLETION_INDEX; the count is the Job's completions, which the
 * pod is not told: `shards` is required), Slurm job arrays (index
 * (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP,
 * count SLURM_ARRAY_TASK_COUNT) and AWS Batch array jobs
 * (AWS_BATCH_JOB_ARRAY_INDEX, count AWS_BATCH_JOB_ARRAY_SIZE or `shards`).
 * A missing or inconsistent variable, or variables of two schedulers, is an
 * InputError of one line: a task that guessed its shard would fill the cache
 * with another task's units and leave its own undone.
 */
export function shardFromEnv(env: Record<string, string | undefined>, shards?: number): ShardSpec {
  const set = (name: string) => env[name] !== undefined && env[name] !== '';
  const found = [
    set('JOB_COMPLETION_INDEX') ? 'JOB_COMPLETION_INDEX (Kubernetes)' : null,
    set('SLURM_ARRAY_TASK_ID') ? 'SLURM_ARRAY_TASK_ID (Slurm)' : null,
    set('AWS_BATCH_JOB_ARRAY_INDEX') ? 'AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch)' : null,
  ].filter((s): s is string => s !== null);
  if (found.length === 0) {
    throw new InputError(null, '--shard auto: no array-job index in the environment (JOB_COMPLETION_INDEX with --shards N, SLURM_ARRAY_TASK_ID, or AWS_BATCH_JOB_ARRAY_INDEX); give --shard I/N instead');
  }
  if (found.length > 1) throw new InputError(null, `--shard auto: ${found.join(' and ')} are both set; give --shard I/N instead`);
  const check = (index: number, count: number, what: string): ShardSpec => {
    if (count < 1 || count > MAX_SHARDS) throw new InputError(null, `--shard auto: ${what}: the shard count ${count} is not from 1 to ${MAX_SHARDS}`);
    if (shards !== undefined && shards !== count) throw new InputError(null, `--shard auto: ${what} says ${count} shards but --shards says ${shards}`);
    if (index >= count) throw new InputError(null, `--shard auto: ${what}: index ${index} is not below the shard count ${count}`);
    return { index, count };
  };
  if (set('JOB_COMPLETION_INDEX')) {
    const index = required(env, 'JOB_COMPLETION_INDEX', 'Kubernetes Indexed Job');
    if (shards === undefined) throw new InputError(null, '--shard auto: JOB_COMPLETION_INDEX is set (Kubernetes Indexed Job) but --shards N is not; give the Job\'s completions as --shards');
    return check(index, shards, 'JOB_COMPLETION_INDEX');
  }
  if (set('SLURM_ARRAY_TASK_ID')) {
    const id = required(env, 'SLURM_ARRAY_TASK_ID', 'Slurm job array');
    const min = required(env, 'SLURM_ARRAY_TASK_MIN', 'Slurm job array');
    const step = required(env, 'SLURM_ARRAY_TASK_STEP', 'Slurm job array');
    const count = required(env, 'SLURM_ARRAY_TASK_COUNT', 'Slurm job array');
    const max = countVar(env, 'SLURM_ARRAY_TASK_MAX');
    if (step < 1) throw new InputError(null, `--shard auto: SLURM_ARRAY_TASK_STEP=${step} is not a positive step`);
    if (id < min || (id - min) % step !== 0) throw new InputError(null, `--shard auto: SLURM_ARRAY_TASK_ID=${id} is not SLURM_ARRAY_TASK_MIN=${min} plus a multiple of SLURM_ARRAY_TASK_STEP=${step}`);
    // An array such as --array=1,4,9 has no single step: its task ids cannot be turned into shard indices.
    if (max !== null && min + (count - 1) * step !== max) {
      throw new InputError(null, `--shard auto: the Slurm array ${min}–${max} is not ${count} evenly spaced tasks (step ${step}); submit it as --array=0-${count - 1}`);
    }
    return check((id - min) / step, count, 'SLURM_ARRAY_TASK_COUNT');
  }
  const index = required(env, 'AWS_BATCH_JOB_ARRAY_INDEX', 'AWS Batch array job');
  const size = countVar(env, 'AWS_BATCH_JOB_ARRAY_SIZE');
  if (size === null && shards === undefined) throw new InputError(null, '--shard auto: AWS_BATCH_JOB_ARRAY_INDEX is set but neither AWS_BATCH_JOB_ARRAY_SIZE nor --shards N gives the array size');
  return check(index, size ?? shards!, size === null ? '--shards' : 'AWS_BATCH_JOB_ARRAY_SIZE');
}

/** The [start, end) item ranges of the chunks of a listing of `images` items, in listing order. */
export function chunkRanges(images: number, chunkSize: number): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  for (let start = 0; start < images; start += chunkSize) out.push({ start, end: Math.min(images, start + chunkSize) });
  return out;
}

/** The chunks of a listing with the hash of each chunk's own listing (each file is stat'ed once, as for the whole listing). */
export async function planChunks(items: Array<{ path: string; label?: string; boxes?: unknown }>, chunkSize: number): Promise<Chunk[]> {
  const out: Chunk[] = [];
  for (const { start, end } of chunkRanges(items.length, chunkSize)) out.push({ start, end, listing: await listingHash(items.slice(start, end)) });
  return out;
}

/** The number of the unit of model `model` (its place in the zoo) and chunk `chunk`, of `chunks` per model. */
export const unitNumber = (model: number, chunk: number, chunks: number): number => model * chunks + chunk;

/** Whether a unit is this shard's (every unit is, without a shard). */
export const inShard = (unit: number, shard: ShardSpec | null | undefined): boolean => !shard || unit % shard.count === shard.index;

/** "I/N", as the option is written. */
export const shardLabel = (s: ShardSpec): string => `${s.index}/${s.count}`;

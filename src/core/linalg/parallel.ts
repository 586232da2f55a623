/**
 * Worker threads for the two kernels that dominate large problems: the Gram
 * matrix XᵀX (N·D² multiply-adds) and the product X·Mᵀ with a few rows M
 * (N·D·C). Behind plain synchronous functions: the calling thread posts the
 * work, does its own share, then blocks on Atomics.wait until the workers
 * have written theirs into shared memory.
 *
 * The split is by blocks of output rows, and every output entry is computed by
 * exactly one thread with the same loop as the single-threaded path, so results
 * are bit-identical whatever the thread count.
 *
 * Threads: ETRAN_THREADS (1 disables workers), else the machine's available
 * parallelism, at most 8. The workers are started on first use and unref'd, so
 * they never keep a process alive.
 *
 * A worker's code is the source text of the kernels it runs (kernels.ts and
 * wasm/dots.ts, see the `.toString()` rule in kernels.ts). gram.ts calls in
 * here, never the other way round.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { abtRowsScalar, dotBlock, gramRowsScalar, mirrorLower, packPanel, panelRowsFor, PANEL_ROWS } from './kernels.js';
import { abtRowsWasm, DOTS_WASM_BASE64, dotsKernel, gramRowsWasm, instantiateDots } from './wasm/dots.js';

/** Below this many multiply-adds a job stays on the calling thread. */
const MIN_PARALLEL_WORK = 2e8;

let pool: Worker[] | null = null;
let poolBroken = false;

export function threadCount(): number {
  const env = Number(process.env.ETRAN_THREADS);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 64);
  return Math.max(1, Math.min(availableParallelism(), 8));
}

function workerSource(): string {
  return `
const { parentPort } = require('node:worker_threads');
const dotBlock = ${dotBlock.toString()};
const packPanel = ${packPanel.toString()};
const gramRowsScalar = ${gramRowsScalar.toString()};
const abtRowsScalar = ${abtRowsScalar.toString()};
const instantiateDots = ${instantiateDots.toString()};
const gramRowsWasm = ${gramRowsWasm.toString()};
const abtRowsWasm = ${abtRowsWasm.toString()};
const kern = instantiateDots(${JSON.stringify(DOTS_WASM_BASE64)});
const f64 = (b) => (b ? new Float64Array(b) : null);
parentPort.on('message', (job) => {
  const flag = new Int32Array(job.flag);
  try {
    if (job.kind === 'gram') {
      const X = f64(job.X), center = f64(job.center), rowScale = f64(job.rowScale), G = f64(job.G);
      const { n, d, i0, i1, panelRows } = job;
      if (job.wasm && kern) {
        gramRowsWasm(kern, X, n, d, center, rowScale, i0, i1, G, panelRows);
        Atomics.store(flag, 0, 1);
        Atomics.notify(flag, 0);
        return;
      }
      gramRowsScalar(X, n, d, center, rowScale, i0, i1, G, panelRows);
    } else if (job.kind === 'abt') {
      const A = f64(job.A), B = f64(job.B), out = f64(job.out);
      const { n, k, r0, r1, stripe } = job;
      if (job.wasm && kern) abtRowsWasm(kern, A, B, n, k, r0, r1, out);
      else abtRowsScalar(A, B, n, k, r0, r1, out, stripe);
    }
    Atomics.store(flag, 0, 1);
  } catch (e) {
    Atomics.store(flag, 0, 2);
  }
  Atomics.notify(flag, 0);
});
`;
}

function getPool(workers: number): Worker[] | null {
  if (poolBroken || workers <= 0) return null;
  if (!pool) pool = [];
  try {
    while (pool.length < workers) {
      const w = new Worker(workerSource(), { eval: true });
      w.unref();
      w.on('error', () => {
        poolBroken = true;
      });
      pool.push(w);
    }
  } catch {
    poolBroken = true;
    return null;
  }
  return pool.slice(0, workers);
}

const sharedCopies = new WeakMap<Float64Array, Float64Array>();

/** The array itself when it already lives in shared memory, else a cached shared copy. */
function shared(a: Float64Array): Float64Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const hit = sharedCopies.get(a);
  if (hit) return hit;
  const s = new Float64Array(new SharedArrayBuffer(a.byteLength));
  s.set(a);
  sharedCopies.set(a, s);
  return s;
}

function sharedZeros(len: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(len * 8));
}

/** Posts jobs[1..] to workers, runs jobs[0] here, waits for the rest. False when a worker failed. */
function runSplit(jobs: Array<Record<string, unknown>>, local: () => void): boolean {
  const workers = getPool(jobs.length - 1);
  if (!workers) return false;
  const flags = jobs.slice(1).map(() => new Int32Array(new SharedArrayBuffer(4)));
  jobs.slice(1).forEach((job, w) => workers[w]!.postMessage({ ...job, flag: flags[w]!.buffer }));
  local();
  let ok = true;
  for (const f of flags) {
    while (Atomics.load(f, 0) === 0) Atomics.wait(f, 0, 0, 1000);
    if (Atomics.load(f, 0) !== 1) ok = false;
  }
  return ok;
}

/**
 * Splits [0, rows) of a lower-triangular output into `parts` ranges of equal area
 * (row i costs i+1), boundaries on multiples of 4 (the micro-kernel's block).
 */
function triangularSplit(rows: number, parts: number): number[] {
  const cuts = [0];
  for (let p = 1; p < parts; p++) {
    let r = Math.round(rows * Math.sqrt(p / parts));
    r = Math.min(rows, Math.max(cuts[cuts.length - 1]!, r - (r % 4)));
    cuts.push(r);
  }
  cuts.push(rows);
  return cuts;
}

/**
 * Σ_i s_i²(x_i − c)(x_i − c)ᵀ over worker threads (see gram.ts gramT), full
 * symmetric D×D; null when the job is too small or workers are unavailable, in
 * which case the caller computes it on its own thread. With `into` (D×D), only
 * its lower triangle is written and it is returned: no D×D array is allocated,
 * for callers that add up many blocks of rows (gram.ts gramTAddLower).
 */
export function parallelGramPanels(
  data: Float64Array, n: number, d: number, center: Float64Array | null, rowScale: Float64Array | null, into?: Float64Array,
): Float64Array | null {
  const threads = threadCount();
  if (threads < 2 || n * d * d < 2 * MIN_PARALLEL_WORK) return null;
  const X = shared(data);
  const c = center ? shared(center) : null;
  const s = rowScale ? shared(rowScale) : null;
  const G = into && into.buffer instanceof SharedArrayBuffer ? into : sharedZeros(d * d);
  const cuts = triangularSplit(d, threads);
  // Every thread must take the same path (SIMD or scalar) for thread-count-independent results.
  const kern = dotsKernel();
  const wasm = kern !== null;
  const panelRows = wasm ? panelRowsFor(n) : PANEL_ROWS;
  const jobs = cuts.slice(0, -1).map((i0, p) => ({
    kind: 'gram', X: X.buffer, center: c?.buffer ?? null, rowScale: s?.buffer ?? null, G: G.buffer,
    n, d, i0, i1: cuts[p + 1]!, panelRows, wasm,
  }));
  const ok = runSplit(jobs, () => {
    if (kern) gramRowsWasm(kern, X, n, d, c, s, 0, cuts[1]!, G, panelRows);
    else gramRowsScalar(X, n, d, c, s, 0, cuts[1]!, G, panelRows);
  });
  if (!ok) return null;
  if (into) {
    if (G !== into) into.set(G);
    return into;
  }
  const out = new Float64Array(G);
  mirrorLower(out, d);
  return out;
}

/** A·Bᵀ (A m×k, B n×k) over worker threads; null when too small or workers are unavailable. */
export function parallelMatmulABt(A: Float64Array, m: number, B: Float64Array, n: number, k: number, stripe: number): Float64Array | null {
  const threads = threadCount();
  if (threads < 2 || m * n * k < MIN_PARALLEL_WORK) return null;
  const As = shared(A);
  const Bs = shared(B);
  const out = sharedZeros(m * n);
  const per = Math.ceil(m / threads / stripe) * stripe;
  const ranges: Array<[number, number]> = [];
  for (let r = 0; r < m; r += per) ranges.push([r, Math.min(m, r + per)]);
  const kern = dotsKernel();
  const wasm = kern !== null;
  const jobs = ranges.map(([r0, r1]) => ({ kind: 'abt', A: As.buffer, B: Bs.buffer, out: out.buffer, n, k, r0, r1, stripe, wasm }));
  const ok = runSplit(jobs, () => {
    const [r0, r1] = ranges[0]!;
    if (kern) abtRowsWasm(kern, As, Bs, n, k, r0, r1, out);
    else abtRowsScalar(As, Bs, n, k, r0, r1, out, stripe);
  });
  return ok ? new Float64Array(out) : null;
}

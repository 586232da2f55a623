/**
 * Per-metric time of the transferability kernels, in process, at the size of
 * the `etran score` benchmark (N = 10,000, D = 2,048, C = 100 by default;
 * ETRAN_METRICS_BENCH_SIZE="NxDxC" to change, ETRAN_THREADS to set the thread count).
 *
 * Data as bench/etran-score.bench.ts: x = 0.5·μ_y + ε, μ_c and ε standard
 * normal, rounded to float32. The shared centred scatter (one XᵀX) is timed on
 * its own first; each metric's time after it excludes that shared work, and
 * `first-use` shows what a metric costs when it is the first to need it.
 */
import { centredScatter } from '../src/core/linalg/statistics.js';
import { energy } from '../src/core/etran/energy.js';
import { lda } from '../src/core/etran/lda.js';
import { logme } from '../src/core/etran/logme.js';
import { hscore } from '../src/core/etran/hscore.js';
import { regularizedHscore } from '../src/core/etran/regularized_hscore.js';
import { sfda } from '../src/core/etran/sfda.js';
import { transrate } from '../src/core/etran/transrate.js';
import { gbc } from '../src/core/etran/gbc.js';
import { threadCount } from '../src/core/linalg/parallel.js';
import type { Labels, Matrix } from '../src/core/etran/types.js';
import { normals } from './normals.js';

const [N, D, C] = (process.env.ETRAN_METRICS_BENCH_SIZE ?? '10000x2048x100').split('x').map(Number) as [number, number, number];
const only = process.argv.slice(2);

const rnd = normals(20261127);
const mu = Float64Array.from({ length: C * D }, () => rnd());
const ids = new Int32Array(N);
for (let i = 0; i < N; i++) ids[i] = i % C;
const data = new Float64Array(N * D);
for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) data[i * D + j] = Math.fround(0.5 * mu[ids[i]! * D + j]! + rnd());
const X: Matrix = { rows: N, cols: D, data };
const y: Labels = { ids, numClasses: C, names: Array.from({ length: C }, (_, i) => String(i)) };

console.log(`N=${N} D=${D} C=${C} threads=${threadCount()} (wall and CPU seconds per step)`);
const time = (name: string, f: () => { value: number }): void => {
  if (only.length && !only.some((o) => name.startsWith(o))) return;
  const t = performance.now();
  const c = process.cpuUsage();
  const r = f();
  const u = process.cpuUsage(c);
  const wall = (performance.now() - t) / 1000;
  // CPU seconds of all threads: on a busy machine wall time overstates the work, CPU time does not.
  console.log(`${name.padEnd(22)} wall ${wall.toFixed(2).padStart(6)} s  cpu ${((u.user + u.system) / 1e6).toFixed(2).padStart(6)} s   value ${r.value}`);
};
time('shared scatter (XᵀX)', () => ({ value: centredScatter(X).scatter[0]! }));
time('energy', () => energy(X));
time('lda', () => lda(X, y));
time('logme', () => logme(X, y));
time('hscore', () => hscore(X, y));
time('sfda', () => sfda(X, y));
time('regularized_hscore', () => regularizedHscore(X, y));
time('transrate', () => transrate(X, y));
time('gbc', () => gbc(X, y));

/**
 * Time of NLEEP with its default caps at the size of the `etran score`
 * benchmark (N = 10,000, D = 2,048, C = 100; ETRAN_NLEEP_BENCH_SIZE="NxDxC"
 * to change), next to ETran's two components (energy, lda) on the same data,
 * in process.
 *
 * Data as bench/etran-score.bench.ts: seeded x = 0.03·μ_y + ε, μ_c and ε
 * standard normal, rounded to float32. Order: energy, lda, then nleep, whose
 * time includes the centred scatter XᵀX its PCA needs (the first metric of a
 * run to need it pays for it; `scatter` shows that share, timed on a copy).
 * Results go to bench/results/etran-nleep.json and stdout.
 */
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomicSync } from '../src/core/io/atomic.js';
import { energy } from '../src/core/etran/energy.js';
import { lda } from '../src/core/etran/lda.js';
import { centredScatter } from '../src/core/linalg/statistics.js';
import { NLEEP_DEFAULTS, nleep } from '../src/core/etran/nleep.js';
import { threadCount } from '../src/core/linalg/parallel.js';
import type { Labels, Matrix } from '../src/core/etran/types.js';
import { normals } from './normals.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [N, D, C] = (process.env.ETRAN_NLEEP_BENCH_SIZE ?? '10000x2048x100').split('x').map(Number) as [number, number, number];
if (!N || !D || !C) throw new Error('ETRAN_NLEEP_BENCH_SIZE: expected NxDxC');

const rnd = normals(20261127);
const mu = Float64Array.from({ length: C * D }, () => rnd());
const ids = new Int32Array(N);
for (let i = 0; i < N; i++) ids[i] = i % C;
const data = new Float64Array(N * D);
for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) data[i * D + j] = Math.fround(0.03 * mu[ids[i]! * D + j]! + rnd());
const X: Matrix = { rows: N, cols: D, data };
const y: Labels = { ids, numClasses: C, names: Array.from({ length: C }, (_, i) => String(i)) };

interface Timing {
  wall_s: number;
  cpu_s: number;
  value: number;
}
const loadStart = loadavg();
console.log(`N=${N} D=${D} C=${C} threads=${threadCount()} load=${loadStart.map((v) => v.toFixed(2)).join(' ')}`);
function time<T extends { value: number }>(name: string, f: () => T): { t: Timing; r: T } {
  const t0 = performance.now();
  const c = process.cpuUsage();
  const r = f();
  const u = process.cpuUsage(c);
  const t: Timing = { wall_s: (performance.now() - t0) / 1000, cpu_s: (u.user + u.system) / 1e6, value: r.value };
  console.log(`${name.padEnd(10)} wall ${t.wall_s.toFixed(2).padStart(6)} s  cpu ${t.cpu_s.toFixed(2).padStart(6)} s   value ${r.value}`);
  return { t, r };
}

const e = time('energy', () => energy(X));
const l = time('lda', () => lda(X, y));
const nl = time('nleep', () => nleep(X, y));
// The scatter share of nleep's time, on a copy (the cache is keyed by the array).
const sc = time('scatter', () => ({ value: centredScatter({ ...X, data: new Float64Array(X.data) }).scatter[0]! }));
const r = nl.r;
console.log(`nleep: ${r.dims} PCA dims, ${r.components} components, fitted on ${r.fitSamples} rows, ${r.iterations} EM iterations (converged ${r.converged})`);
for (const w of r.warnings) console.log(`  ${w}`);
console.log(`etran components (energy + lda): ${(e.t.wall_s + l.t.wall_s).toFixed(2)} s; nleep: ${nl.t.wall_s.toFixed(2)} s (of which XᵀX ≈ ${sc.t.wall_s.toFixed(2)} s)`);

const out = {
  benchmark: 'nleep with its default caps vs ETran components (energy, lda), in process',
  data: 'x = 0.03·μ_y + ε, μ_c and ε standard normal (seed 20261127), float32-rounded; labels i mod C',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? '', node: process.version, threads: threadCount(), load_average_at_start: loadStart, load_average_at_end: loadavg() },
  n: N,
  d: D,
  c: C,
  caps: { maxSamples: NLEEP_DEFAULTS.maxSamples, maxDims: NLEEP_DEFAULTS.maxDims, maxComponents: NLEEP_DEFAULTS.maxComponents },
  nleep: { ...nl.t, dims: r.dims, components: r.components, fit_samples: r.fitSamples, iterations: r.iterations, converged: r.converged, warnings: r.warnings },
  scatter_share: sc.t,
  energy: e.t,
  lda: l.t,
  etran_components_wall_s: e.t.wall_s + l.t.wall_s,
};
writeFileAtomicSync(join(root, 'bench', 'results', 'etran-nleep.json'), JSON.stringify(out, null, 2) + '\n');

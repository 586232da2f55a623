/**
 * Speed of `etran score --metrics energy,lda,logme,hscore,sfda` against the
 * same five metrics computed the official way in numpy/scipy
 * (bench/etran_official.py), in the same run, on the same files.
 *
 * Both sides are timed as whole processes (start-up, loading the .npy files,
 * computing, printing), with peak memory from /usr/bin/time -v when present.
 * Ours runs as `node dist/cli/etran.js` (the built CLI, what `bin/etran.js`
 * loads); the script builds it first unless ETRAN_BENCH_NO_BUILD=1.
 * numpy runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its
 * environment (only for that command) and reports its BLAS thread count.
 *
 * Sizes: ETRAN_BENCH_SIZES="10000x2048,5000x2048,10000x1024" (N×D; C = 100
 * classes). The data are synthetic, seeded and class-structured:
 * x = 0.03·μ_y + ε with μ_c, ε standard normal, saved as float32 (weak
 * enough separation that lda and sfda stay below 1, so the value check means something).
 * Results go to bench/results/etran-score.json and stdout.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomicSync } from '../src/core/io/atomic.js';
import { encodeNpy } from '../src/core/io/npy.js';
import { availableMetrics } from '../src/core/etran/metrics.js';
import { pairedNormals } from './normals.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH_METRICS = ['energy', 'lda', 'logme', 'hscore', 'sfda'] as const;
// A build that lacks one of the five times the others only, on both sides, and says so.
const METRICS = BENCH_METRICS.filter((m) => (availableMetrics() as string[]).includes(m));
const C = 100;
const SEED = 20261127;
const sizes = (process.env.ETRAN_BENCH_SIZES ?? '10000x2048,5000x2048,10000x1024').split(',').map((s) => {
  const [n, d] = s.split('x').map(Number);
  if (!n || !d) throw new Error(`ETRAN_BENCH_SIZES: bad size '${s}'`);
  return { n, d };
});

function writeData(dir: string, n: number, d: number): { X: string; y: string } {
  const g = pairedNormals(SEED + n * 7 + d);
  const mu = Float64Array.from({ length: C * d }, g);
  const y = new BigInt64Array(n);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = i < C ? i : Math.floor(((g() + 10) * 1e6) % C);
    y[i] = BigInt(c);
    for (let j = 0; j < d; j++) x[i * d + j] = 0.03 * mu[c * d + j]! + g();
  }
  const X = join(dir, `X_${n}x${d}.npy`);
  const Y = join(dir, `y_${n}.npy`);
  writeFileAtomicSync(X, encodeNpy({ dtype: 'float32', shape: [n, d], data: x }));
  writeFileAtomicSync(Y, encodeNpy({ dtype: 'int64', shape: [n], data: y }));
  return { X, y: Y };
}

interface Run {
  wallSeconds: number;
  /** user + system CPU seconds of the process and its threads (less sensitive than wall time to other load on the machine). */
  cpuSeconds: number | null;
  peakRssMiB: number | null;
  stdout: string;
  stderr: string;
  code: number;
}

const haveTime = existsSync('/usr/bin/time');

/** Runs a command as a whole process; wall time measured here, peak RSS from /usr/bin/time -v. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Run {
  const argv = haveTime ? ['/usr/bin/time', ['-v', cmd, ...args]] as const : [cmd, args] as const;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], [...argv[1]], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr ?? '');
  const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr ?? '');
  const cpu = user && sys ? Number(user[1]) + Number(sys[1]) : null;
  return { wallSeconds: wall, cpuSeconds: cpu, peakRssMiB: rss ? Number(rss[1]) / 1024 : null, stdout: r.stdout ?? '', stderr: r.stderr ?? '', code: r.status ?? -1 };
}

function pythonAvailable(): string | null {
  if (!existsSync('/usr/bin/python3')) return '/usr/bin/python3 not found';
  const r = spawnSync('/usr/bin/python3', ['-c', 'import numpy, scipy'], { encoding: 'utf8' });
  return r.status === 0 ? null : `numpy/scipy not importable by /usr/bin/python3 (${(r.stderr ?? '').trim().split('\n').pop()})`;
}

function build(): void {
  if (process.env.ETRAN_BENCH_NO_BUILD === '1' && existsSync(join(root, 'dist/cli/etran.js'))) return;
  console.log('building dist/ (tsc) …');
  // tsc emits even when some file has type errors; only a missing output is fatal.
  spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'ignore' });
  if (!existsSync(join(root, 'dist/cli/etran.js'))) throw new Error('build failed: dist/cli/etran.js missing');
}

const fmtS = (s: number) => `${s.toFixed(2)} s`;
const fmtC = (s: number | null) => (s === null ? '' : `, CPU ${s.toFixed(1)} s`);
const fmtM = (m: number | null) => (m === null ? 'n/a' : `${Math.round(m)} MiB`);

function main(): void {
  const loadAtStart = loadavg();
  build();
  const missing = BENCH_METRICS.filter((m) => !METRICS.includes(m));
  if (missing.length > 0) console.log(`not in this build, left out on both sides: ${missing.join(', ')}`);
  const skipPython = pythonAvailable();
  if (skipPython) console.log(`official numpy side skipped: ${skipPython}`);
  const dir = mkdtempSync(join(tmpdir(), 'etran-bench-'));
  const pyEnv = { ...process.env };
  delete pyEnv.OPENBLAS_CORETYPE;
  delete pyEnv.OPENBLAS_L2_SIZE;
  const results: unknown[] = [];
  // Start-up cost of the CLI alone (module loading), part of every whole-process figure below.
  const startup = timed(process.execPath, [join(root, 'dist/cli/etran.js'), 'score', '--help'], process.env);
  console.log(`etran score --help (start-up only): ${fmtS(startup.wallSeconds)}${fmtC(startup.cpuSeconds)}`);
  try {
    for (const { n, d } of sizes) {
      console.log(`\nN=${n} D=${d} C=${C}: generating data …`);
      const files = writeData(dir, n, d);
      const ours = timed(process.execPath, [join(root, 'dist/cli/etran.js'), 'score', '--labels', files.y, '--metrics', METRICS.join(','), '--json', `bench=${files.X}`], process.env);
      if (ours.code !== 0) throw new Error(`etran score failed (exit ${ours.code}): ${ours.stderr.slice(-2000)}`);
      const oursScores = (JSON.parse(ours.stdout) as { models: Array<{ scores: Record<string, number | null> }> }).models[0]!.scores;
      const row: Record<string, unknown> = { n, d, c: C, ours: { wall_s: ours.wallSeconds, cpu_s: ours.cpuSeconds, peak_rss_mib: ours.peakRssMiB, runner: 'node dist/cli/etran.js', scores: oursScores } };
      console.log(`  etran score (node dist): ${fmtS(ours.wallSeconds)}${fmtC(ours.cpuSeconds)}, peak ${fmtM(ours.peakRssMiB)}`);
      // Where our time goes: each metric in process, in CLI order (tsx; compute only).
      const bd = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/etran-score-breakdown.ts'), files.X, files.y, METRICS.join(',')], { encoding: 'utf8', cwd: root });
      if (bd.status === 0) {
        const b = JSON.parse(bd.stdout) as { load_s: number; metrics: Record<string, { seconds: number; cpu_seconds: number }> };
        row.ours_per_metric_s = Object.fromEntries(METRICS.map((m) => [m, b.metrics[m]!.seconds]));
        row.ours_per_metric_cpu_s = Object.fromEntries(METRICS.map((m) => [m, b.metrics[m]!.cpu_seconds]));
        console.log(`    in process, wall/CPU s: load ${b.load_s.toFixed(2)}, ${METRICS.map((m) => `${m} ${b.metrics[m]!.seconds.toFixed(1)}/${b.metrics[m]!.cpu_seconds.toFixed(1)}`).join(', ')}`);
      }
      if (!skipPython) {
        const py = timed('/usr/bin/python3', [join(root, 'bench/etran_official.py'), files.X, files.y, METRICS.join(',')], pyEnv);
        if (py.code !== 0) throw new Error(`etran_official.py failed (exit ${py.code}): ${py.stderr.slice(-2000)}`);
        const off = JSON.parse(py.stdout) as { metrics: Record<string, { value: number; seconds: number; cpu_seconds: number }>; compute_seconds: number; blas: { threads: number | null; library: string } };
        const relDiff = Object.fromEntries(
          METRICS.map((m) => {
            const a = oursScores[m];
            const b = off.metrics[m]!.value;
            return [m, a === null || a === undefined ? null : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300)];
          }),
        );
        row.official = {
          wall_s: py.wallSeconds,
          cpu_s: py.cpuSeconds,
          compute_s: off.compute_seconds,
          peak_rss_mib: py.peakRssMiB,
          blas: off.blas,
          per_metric_s: Object.fromEntries(METRICS.map((m) => [m, off.metrics[m]!.seconds])),
          per_metric_cpu_s: Object.fromEntries(METRICS.map((m) => [m, off.metrics[m]!.cpu_seconds])),
          scores: Object.fromEntries(METRICS.map((m) => [m, off.metrics[m]!.value])),
        };
        row.ratio = ours.wallSeconds / py.wallSeconds;
        if (ours.cpuSeconds !== null && py.cpuSeconds !== null) row.cpu_ratio = ours.cpuSeconds / py.cpuSeconds;
        row.relative_difference = relDiff;
        console.log(`  official numpy/scipy:    ${fmtS(py.wallSeconds)}${fmtC(py.cpuSeconds)} (compute ${fmtS(off.compute_seconds)}; wall/CPU s: ${METRICS.map((m) => `${m} ${off.metrics[m]!.seconds.toFixed(1)}/${off.metrics[m]!.cpu_seconds.toFixed(1)}`).join(', ')}), peak ${fmtM(py.peakRssMiB)}, ${off.blas.library} with ${off.blas.threads ?? '?'} thread(s)`);
        console.log(`  ratio ours/official: ${(ours.wallSeconds / py.wallSeconds).toFixed(2)}× wall (target ≤ 0.5×)${ours.cpuSeconds !== null && py.cpuSeconds !== null ? `, ${(ours.cpuSeconds / py.cpuSeconds).toFixed(2)}× CPU` : ''}`);
        console.log(`  max relative difference of the values: ${METRICS.map((m) => `${m} ${relDiff[m] === null ? 'n/a' : relDiff[m]!.toExponential(1)}`).join(', ')}`);
      }
      results.push(row);
      rmSync(files.X, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const out = {
    benchmark: `etran score --metrics ${METRICS.join(',')} vs bench/etran_official.py`,
    metrics_missing_from_build: missing,
    cli_startup: { wall_s: startup.wallSeconds, cpu_s: startup.cpuSeconds },
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version, load_average_at_start: loadAtStart, load_average_at_end: loadavg() },
    results,
  };
  writeFileAtomicSync(join(root, 'bench/results/etran-score.json'), JSON.stringify(out, null, 2) + '\n');
  console.log('\nwrote bench/results/etran-score.json');
}

main();

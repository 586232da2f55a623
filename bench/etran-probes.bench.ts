/**
 * Speed of the scores that predict fine-tuning (issue 13): `probe` and `knn`
 * (and `ncti`, `nleep` when their files exist), next to ETran's own components
 * (`energy` + `lda`), in process, on the same data.
 *
 * Each metric runs in its own child process (this script with `--child`), so a
 * metric cannot profit from another's caches and a slow one can be stopped
 * (ETRAN_PROBES_BENCH_TIMEOUT seconds, default 900). The child regenerates the
 * data from the seed (not timed) and times the metric call alone: wall seconds
 * and CPU seconds (process.cpuUsage, worker threads included).
 *
 * Data: synthetic, seeded, class-structured, x = 0.03·μ_y + ε (μ_c, ε standard
 * normal), the first C samples one per class and the rest uniform over classes
 * — the data of bench/etran-score.bench.ts. Size: ETRAN_PROBES_BENCH_SIZE="NxD"
 * (default 10000x2048), ETRAN_PROBES_BENCH_C (default 100); only some metrics:
 * ETRAN_PROBES_BENCH_METRICS="probe,knn,…".
 * Targets (issue 13): probe + knn + ncti ≤ 60 s at the default size on the
 * project's 2-core machine; aim for probe + knn ≤ 40 s.
 * Results go to bench/results/etran-probes.json (default size only, unless
 * ETRAN_PROBES_BENCH_WRITE=1) and stdout.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileAtomicSync } from '../src/core/io/atomic.js';
import type { Labels, Matrix } from '../src/core/etran/types.js';
import { pairedNormals } from './normals.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEED = 20261127;
const DEFAULT_SIZE = '10000x2048';
const sizeSpec = process.env.ETRAN_PROBES_BENCH_SIZE ?? DEFAULT_SIZE;
const [N, D] = sizeSpec.split('x').map(Number) as [number, number];
if (!N || !D) throw new Error(`ETRAN_PROBES_BENCH_SIZE: bad size '${sizeSpec}'`);
const C = Number(process.env.ETRAN_PROBES_BENCH_C ?? 100);
const TIMEOUT_S = Number(process.env.ETRAN_PROBES_BENCH_TIMEOUT ?? 900);

/** The features as `etran score` would hold them: float32 values in Float64. */
function makeData(): { X: Matrix; y: Labels } {
  const g = pairedNormals(SEED + N * 7 + D);
  const mu = Float64Array.from({ length: C * D }, g);
  const ids = new Int32Array(N);
  const data = new Float64Array(N * D);
  for (let i = 0; i < N; i++) {
    const c = i < C ? i : Math.floor(((g() + 10) * 1e6) % C);
    ids[i] = c;
    for (let j = 0; j < D; j++) data[i * D + j] = Math.fround(0.03 * mu[c * D + j]! + g());
  }
  return { X: { rows: N, cols: D, data }, y: { ids, numClasses: C, names: Array.from({ length: C }, (_, c) => String(c)) } };
}

type Runner = (X: Matrix, y: Labels) => { value: number; note?: string };

/** Each metric as the CLI would call it with defaults; null when its module is absent. */
async function runnerFor(name: string): Promise<Runner | null> {
  const load = async (file: string): Promise<Record<string, unknown> | null> => {
    const path = join(root, 'src/core/etran', file);
    if (!existsSync(path)) return null;
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  };
  switch (name) {
    case 'probe': {
      const m = await load('probe.ts');
      const probe = m?.probe as typeof import('../src/core/etran/probe.js').probe | undefined;
      return probe ? (X, y) => ({ value: probe(X, y).value }) : null;
    }
    case 'probe (auto-per-class)': {
      // scikit-learn's shrinkage='auto' rule: one row-weighted Gram per fold instead of shared fold Grams.
      const m = await load('probe.ts');
      const probe = m?.probe as typeof import('../src/core/etran/probe.js').probe | undefined;
      return probe ? (X, y) => ({ value: probe(X, y, { shrinkage: 'auto-per-class' }).value }) : null;
    }
    case 'knn': {
      const m = await load('knn.ts');
      const knn = m?.knn as typeof import('../src/core/etran/knn.js').knn | undefined;
      return knn ? (X, y) => ({ value: knn(X, y).value }) : null;
    }
    case 'etran (energy + lda)': {
      const e = await load('energy.ts');
      const l = await load('lda.ts');
      const energy = e?.energy as typeof import('../src/core/etran/energy.js').energy | undefined;
      const lda = l?.lda as typeof import('../src/core/etran/lda.js').lda | undefined;
      if (!energy || !lda) return null;
      return (X, y) => {
        const en = energy(X).value;
        const ld = lda(X, y).value;
        return { value: ld, note: `energy ${en.toPrecision(8)}, lda ${ld.toPrecision(8)}` };
      };
    }
    case 'ncti': {
      // Another helper's file (issue 13): included when present. The per-model cost is
      // nctiTerms; the min-max combination across models is O(models).
      const m = await load('ncti.ts');
      const f = m?.nctiTerms as ((X: Matrix, y: Labels) => { terms: Record<string, number> }) | undefined;
      return f ? (X, y) => {
        const t = f(X, y).terms;
        return { value: Number.NaN, note: Object.entries(t).map(([k, v]) => `${k} ${v.toPrecision(6)}`).join(', ') };
      } : null;
    }
    case 'nleep': {
      // Another helper's file (issue 13): included when present, with its documented caps.
      const m = await load('nleep.ts');
      const f = m?.nleep as ((X: Matrix, y: Labels) => { value: number; warnings: string[] }) | undefined;
      return f ? (X, y) => {
        const r = f(X, y);
        return { value: r.value, note: r.warnings.join(' | ') };
      } : null;
    }
    default:
      return null;
  }
}

const ALL = ['etran (energy + lda)', 'probe', 'knn', 'ncti', 'nleep', 'probe (auto-per-class)'];

async function child(name: string): Promise<void> {
  const run = await runnerFor(name);
  if (!run) {
    console.log(JSON.stringify({ missing: true }));
    return;
  }
  const { X, y } = makeData();
  const t = performance.now();
  const c = process.cpuUsage();
  const r = run(X, y);
  const dc = process.cpuUsage(c);
  console.log(JSON.stringify({ seconds: (performance.now() - t) / 1000, cpu_seconds: (dc.user + dc.system) / 1e6, value: r.value, note: r.note ?? null }));
}

interface Row {
  metric: string;
  seconds: number | null;
  cpu_seconds: number | null;
  ratio_to_etran: number | null;
  value: number | null;
  note: string | null;
  status: 'ok' | 'missing' | 'failed' | 'timeout';
}

function main(): void {
  const wanted = process.env.ETRAN_PROBES_BENCH_METRICS?.split(',').map((s) => s.trim()) ?? ALL;
  const list = ALL.filter((m) => wanted.includes(m) || (m.startsWith('etran') && wanted.includes('etran')));
  const loadStart = loadavg();
  console.log(`N=${N} D=${D} C=${C}, ${cpus().length} CPU(s), load ${loadStart.map((v) => v.toFixed(2)).join(' ')}`);
  const rows: Row[] = [];
  for (const metric of list) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', metric], {
      cwd: root, encoding: 'utf8', timeout: TIMEOUT_S * 1000, maxBuffer: 64 * 1024 * 1024,
    });
    let row: Row;
    if (r.error && /ETIMEDOUT/.test(String(r.error))) {
      row = { metric, seconds: null, cpu_seconds: null, ratio_to_etran: null, value: null, note: `stopped after ${TIMEOUT_S} s`, status: 'timeout' };
    } else if (r.status !== 0) {
      row = { metric, seconds: null, cpu_seconds: null, ratio_to_etran: null, value: null, note: (r.stderr ?? '').trim().split('\n').slice(-3).join(' '), status: 'failed' };
    } else {
      const out = JSON.parse((r.stdout ?? '').trim().split('\n').pop()!) as { missing?: boolean; seconds: number; cpu_seconds: number; value: number; note: string | null };
      row = out.missing
        ? { metric, seconds: null, cpu_seconds: null, ratio_to_etran: null, value: null, note: 'module not present in this tree', status: 'missing' }
        : { metric, seconds: out.seconds, cpu_seconds: out.cpu_seconds, ratio_to_etran: null, value: Number.isFinite(out.value) ? out.value : null, note: out.note, status: 'ok' };
    }
    rows.push(row);
    const t = row.seconds === null ? row.status : `${row.seconds.toFixed(2)} s (CPU ${row.cpu_seconds!.toFixed(1)} s)`;
    console.log(`  ${metric.padEnd(22)} ${t}${row.value !== null ? `, value ${row.value.toPrecision(6)}` : ''}${row.note ? ` — ${row.note}` : ''}`);
  }
  const ref = rows.find((r) => r.metric.startsWith('etran'))?.seconds ?? null;
  for (const r of rows) r.ratio_to_etran = ref && r.seconds !== null ? r.seconds / ref : null;
  const sec = (m: string) => rows.find((r) => r.metric === m)?.seconds ?? null;
  const sum = (ms: string[]) => (ms.every((m) => sec(m) !== null) ? ms.reduce((s, m) => s + sec(m)!, 0) : null);
  const totals = {
    probe_knn_s: sum(['probe', 'knn']),
    probe_knn_target_s: 40,
    probe_knn_ncti_s: sum(['probe', 'knn', 'ncti']),
    probe_knn_ncti_target_s: 60,
  };
  if (ref) console.log(`  ratios to ETran (energy + lda, ${ref.toFixed(2)} s): ${rows.filter((r) => r.ratio_to_etran !== null && !r.metric.startsWith('etran')).map((r) => `${r.metric} ${r.ratio_to_etran!.toFixed(1)}×`).join(', ')}`);
  console.log(`  probe + knn: ${totals.probe_knn_s?.toFixed(2) ?? 'n/a'} s (aim ≤ 40 s); probe + knn + ncti: ${totals.probe_knn_ncti_s?.toFixed(2) ?? 'n/a'} s (target ≤ 60 s)`);
  const out = {
    benchmark: 'in-process time of probe, knn, ncti, nleep vs ETran components (energy + lda), bench/etran-probes.bench.ts',
    data: { n: N, d: D, c: C, seed: SEED, model: 'x = 0.03·μ_y + ε, float32 values' },
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version, threads: process.env.ETRAN_THREADS ?? 'default', load_average_at_start: loadStart, load_average_at_end: loadavg() },
    metrics: rows,
    totals,
  };
  if (sizeSpec === DEFAULT_SIZE && C === 100 || process.env.ETRAN_PROBES_BENCH_WRITE === '1') {
    writeFileAtomicSync(join(root, 'bench/results/etran-probes.json'), JSON.stringify(out, null, 2) + '\n');
    console.log('wrote bench/results/etran-probes.json');
  }
}

const ci = process.argv.indexOf('--child');
if (ci >= 0) await child(process.argv[ci + 1]!);
else main();

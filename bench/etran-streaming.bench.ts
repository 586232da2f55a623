/**
 * `etran score` on features too large to load (issue 18, streaming scores):
 * peak memory and time at 200,000 × 2,048 float32 (C = 100), where the
 * features stream, against the in-memory path at 10,000 × 2,048; at 10,000
 * rows the streamed path is also forced (--stream always) and its values are
 * checked against the in-memory ones (1e−9 relative).
 *
 * Each run is a whole `etran score --json` process (through tsx), timed here,
 * peak RSS from /usr/bin/time -v. The .npy files are written to a temporary
 * directory in blocks of rows (the 200k file is 1.6 GB and never in memory)
 * and deleted at the end. Synthetic, seeded, class-structured data:
 * x = 0.03·μ_y + ε, μ_c and ε standard normal (as bench/etran-score.bench.ts).
 *
 * Environment: ETRAN_STREAMING_ROWS (default 200000), ETRAN_STREAMING_METRICS
 * (a --metrics list; default every metric), ETRAN_STREAMING_KEEP=1 keeps the files.
 * Results go to bench/results/etran-streaming.json and stdout.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomicSync } from '../src/core/io/atomic.js';
import { encodeNpy } from '../src/core/io/npy.js';
import { SUBSAMPLE_ROWS, STREAM_ABOVE_BYTES } from '../src/core/etran/streaming.js';
import { pairedNormals } from './normals.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const C = 100;
const D = 2048;
const SMALL = 10_000;
const LARGE = Number(process.env.ETRAN_STREAMING_ROWS ?? 200_000);
const SEED = 20261206;
const METRICS = process.env.ETRAN_STREAMING_METRICS;
/** The scores the streamed path reads in full (the rest run on the subsample, identical at 10k rows). */
const STREAMED = ['energy', 'lda', 'regression', 'logme', 'hscore', 'regularized_hscore', 'gbc'];

/** A float32 .npy version 1.0 header for rows × cols, padded to 64 bytes as numpy (and npy.ts encodeNpy) write it. */
function npyHeader(rows: number, cols: number): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = Buffer.alloc(10 + header.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  return out;
}

/** Writes features (rows × D float32) and labels block by block; only one block is ever in memory. */
function writeData(dir: string, rows: number): { X: string; y: string } {
  const g = pairedNormals(SEED);
  const mu = Float64Array.from({ length: C * D }, g);
  const y = new BigInt64Array(rows);
  const X = join(dir, `X_${rows}x${D}.npy`);
  const fd = openSync(X, 'w');
  writeSync(fd, npyHeader(rows, D));
  const block = 4096;
  const buf = new Float32Array(block * D);
  for (let s = 0; s < rows; s += block) {
    const n = Math.min(block, rows - s);
    for (let r = 0; r < n; r++) {
      const i = s + r;
      const c = i < C ? i : Math.floor(((g() + 10) * 1e6) % C);
      y[i] = BigInt(c);
      for (let j = 0; j < D; j++) buf[r * D + j] = 0.03 * mu[c * D + j]! + g();
    }
    writeSync(fd, new Uint8Array(buf.buffer, 0, n * D * 4));
  }
  closeSync(fd);
  const Y = join(dir, `y_${rows}.npy`);
  writeFileAtomicSync(Y, encodeNpy({ dtype: 'int64', shape: [rows], data: y }));
  return { X, y: Y };
}

interface Run {
  wall_s: number;
  cpu_s: number | null;
  peak_rss_mib: number | null;
  scores: Record<string, number | null>;
  streaming?: unknown;
}

const haveTime = existsSync('/usr/bin/time');

function score(files: { X: string; y: string }, stream: 'auto' | 'always' | 'never'): Run {
  const args = ['--import', 'tsx', join(root, 'src/cli/etran.ts'), 'score', '--labels', files.y, '--stream', stream, '--json', ...(METRICS ? ['--metrics', METRICS] : []), `bench=${files.X}`];
  const argv = haveTime ? ['/usr/bin/time', ['-v', process.execPath, ...args]] as const : [process.execPath, args] as const;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], [...argv[1]], { encoding: 'utf8', cwd: root, maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`etran score --stream ${stream} failed (exit ${r.status ?? r.signal}): ${(r.stderr ?? '').slice(-2000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr ?? '');
  const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr ?? '');
  const out = JSON.parse(r.stdout) as { models: Array<{ scores: Record<string, number | null> }>; streaming?: unknown };
  return {
    wall_s: wall,
    cpu_s: user && sys ? Number(user[1]) + Number(sys[1]) : null,
    peak_rss_mib: rss ? Number(rss[1]) / 1024 : null,
    scores: out.models[0]!.scores,
    ...(out.streaming ? { streaming: out.streaming } : {}),
  };
}

/** Largest relative difference per score between two runs (null where a side is undefined). */
function relDiffs(a: Record<string, number | null>, b: Record<string, number | null>): Record<string, number | null> {
  return Object.fromEntries(
    Object.keys(a).map((k) => {
      const x = a[k];
      const y = b[k];
      if (x == null || y == null) return [k, x === y ? 0 : null];
      return [k, x === y ? 0 : Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y))];
    }),
  );
}

const line = (label: string, r: Run) =>
  `  ${label.padEnd(34)} wall ${r.wall_s.toFixed(1)} s${r.cpu_s === null ? '' : `, CPU ${r.cpu_s.toFixed(1)} s`}, peak RSS ${r.peak_rss_mib === null ? 'n/a' : `${Math.round(r.peak_rss_mib)} MiB`}`;

function main(): void {
  const load = loadavg();
  console.log(`${cpus().length} CPUs, load average at start ${load.map((l) => l.toFixed(1)).join(' ')} (other work on the machine slows every figure below)`);
  console.log(`streaming above N·D·8 = ${STREAM_ABOVE_BYTES / 2 ** 30} GiB; subsample cap ${SUBSAMPLE_ROWS} rows; metrics: ${METRICS ?? 'all'}`);
  const dir = mkdtempSync(join(tmpdir(), 'etran-streaming-'));
  try {
    const small = writeData(dir, SMALL);
    const inMemory = score(small, 'never');
    console.log(line(`${SMALL} × ${D}, in memory`, inMemory));
    const forced = score(small, 'always');
    console.log(line(`${SMALL} × ${D}, streamed (forced)`, forced));
    const diffs = relDiffs(inMemory.scores, forced.scores);
    const worst = Math.max(...Object.values(diffs).map((v) => v ?? 0));
    console.log(`  streamed vs in memory at ${SMALL} rows, max relative difference: ${worst.toExponential(2)} (${worst <= 1e-9 ? 'within' : 'OUTSIDE'} 1e-9)`);
    rmSync(small.X);
    console.log(`  writing ${LARGE} × ${D} float32 (${((LARGE * D * 4) / 2 ** 30).toFixed(2)} GiB) in blocks …`);
    const t0 = Date.now();
    const large = writeData(dir, LARGE);
    console.log(`  written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const streamed = score(large, 'auto');
    console.log(line(`${LARGE} × ${D}, streamed (auto)`, streamed));
    if (process.env.ETRAN_STREAMING_KEEP !== '1') rmSync(large.X);
    const result = {
      date: new Date().toISOString(),
      cpus: cpus().length,
      load_at_start: load,
      d: D,
      c: C,
      metrics: METRICS ?? 'all',
      streamed_scores: STREAMED,
      small: { n: SMALL, in_memory: inMemory, streamed_forced: forced, max_rel_diff: worst, rel_diff: diffs },
      large: { n: LARGE, streamed },
    };
    writeFileAtomicSync(join(root, 'bench/results/etran-streaming.json'), JSON.stringify(result, null, 2) + '\n');
    console.log(JSON.stringify({ small_scores: inMemory.scores, large_scores: streamed.scores, large_streaming: streamed.streaming }, null, 2));
    if (worst > 1e-9) process.exitCode = 1;
  } finally {
    if (process.env.ETRAN_STREAMING_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  }
}

main();

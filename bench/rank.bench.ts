/**
 * Extraction throughput of `etran rank` against raw `session.run`, in the
 * same run, on a ResNet-18-size export (torchvision resnet18, random
 * weights, 224×224) and ≥ 500 generated JPEG images.
 *
 *  - raw:   ONNX Runtime on the original model, images decoded and
 *           normalised beforehand (not timed), batches of 32, timed
 *           session.run loop only.
 *  - etran: the pipeline `etran rank` runs (buildFeatureSets, cache off):
 *           model read + graph surgery + session creation + decoding +
 *           inference + feature collection, all timed.
 * Each side runs in its own child process (for its peak RSS), alternating
 * raw/etran/raw/etran/…; the fastest run of each is reported.
 * Then the cache's effect: the `etran rank` CLI run twice with a fresh cache
 * directory (cold, then warm) as whole processes.
 *
 * Inputs are made when missing: bench/out/zoo/resnet18.onnx by
 * training/export_bench_resnet18.py (Python + torch, offline), and
 * bench/out/images/<class>/*.jpg (320×256, seeded) by this script.
 * Results: stdout and bench/results/rank.json.
 * Env: RANK_BENCH_IMAGES (default 500), RANK_BENCH_REPEATS (default 3).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import * as ort from 'onnxruntime-node';
import { seededRandom } from '../src/core/random.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', 'out');
const zooDir = join(out, 'zoo');
const modelPath = join(zooDir, 'resnet18.onnx');
const imageDir = join(out, 'images');
const N_IMAGES = Number(process.env.RANK_BENCH_IMAGES ?? 500);
const REPEATS = Number(process.env.RANK_BENCH_REPEATS ?? 3);
const CLASSES = 5;
const BATCH = 32;

/** Smooth colour gradients with a bright ellipse: JPEG-realistic content (not noise). */
async function makeImages(): Promise<void> {
  const want = N_IMAGES;
  const have = existsSync(imageDir) ? readdirSync(imageDir).reduce((n, c) => n + readdirSync(join(imageDir, c)).length, 0) : 0;
  if (have === want) return;
  rmSync(imageDir, { recursive: true, force: true });
  const W = 320;
  const H = 256;
  for (let i = 0; i < want; i++) {
    const r = seededRandom(1000 + i);
    const cls = i % CLASSES;
    const px = Buffer.alloc(W * H * 3);
    const base = [r() * 255, r() * 255, r() * 255];
    const grad = [r() - 0.5, r() - 0.5, r() - 0.5];
    const cx = W * r();
    const cy = H * r();
    const rx = 20 + 60 * r();
    const ry = 20 + 60 * r();
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const inside = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1;
        for (let c = 0; c < 3; c++) {
          const v = inside ? 40 + cls * 50 + c * 10 : base[c]! + grad[c]! * (x + y) * 0.5;
          px[(y * W + x) * 3 + c] = Math.max(0, Math.min(255, v));
        }
      }
    const dir = join(imageDir, `class_${cls}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `img_${String(i).padStart(4, '0')}.jpg`), await sharp(px, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
  }
}

function ensureModel(): void {
  if (existsSync(modelPath)) return;
  mkdirSync(zooDir, { recursive: true });
  const r = spawnSync('/usr/bin/python3', [join(root, 'training', 'export_bench_resnet18.py'), modelPath], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(modelPath)) {
    throw new Error(`cannot make ${modelPath}: run /usr/bin/python3 training/export_bench_resnet18.py ${modelPath} (needs torch + torchvision)`);
  }
}

interface ChildReport {
  seconds: number;
  /** etran: model read, hashing, graph surgery and session creation (raw: session creation is not timed). */
  setupSeconds?: number;
  /** CPU time (user + system, all threads) of the timed part: less sensitive than wall time to other load on the machine. */
  cpuSeconds: number;
  images: number;
  maxRssMB: number;
  perModel?: Record<string, { images: number; seconds: number }>;
}

/** Child: raw session.run over pre-decoded batches. */
async function childRaw(): Promise<ChildReport> {
  const { loadDataset } = await import('../src/core/features/datasets.js');
  const { decodeImage, fillTensor } = await import('../src/core/features/preprocess.js');
  const { DEFAULT_SETTINGS } = await import('../src/core/features/zoo.js');
  const ds = await loadDataset(imageDir);
  if (ds.kind !== 'images') throw new Error('expected images');
  const g = { height: 224, width: 224, resize: 'shorter_side' as const, cropPct: 1 };
  const per = 3 * 224 * 224;
  const batches: ort.Tensor[] = [];
  for (let i = 0; i < ds.items.length; i += BATCH) {
    const items = ds.items.slice(i, i + BATCH);
    const t = new Float32Array(items.length * per);
    for (let k = 0; k < items.length; k++) {
      const im = await decodeImage(items[k]!.path, [g]);
      fillTensor(t, k, im.pixels.values().next().value!, g, DEFAULT_SETTINGS);
    }
    batches.push(new ort.Tensor('float32', t, [items.length, 3, 224, 224]));
  }
  const session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const b of batches) await session.run({ input: b });
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { seconds, cpuSeconds: (c.user + c.system) / 1e6, images: ds.items.length, maxRssMB: process.resourceUsage().maxRSS / 1024 };
}

/** Child: the pipeline `etran rank` runs, cache off. */
async function childEtran(): Promise<ChildReport> {
  const { buildFeatureSets } = await import('../src/core/features/pipeline.js');
  const { SessionOpener } = await import('../src/core/runtime/session.js');
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await buildFeatureSets({ zoo: zooDir, data: imageDir, cacheDir: null, batchSize: BATCH, opener: new SessionOpener({ device: 'cpu', spin: false }) }); // as `etran rank` opens them
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  if (r.failures.length > 0) throw new Error(r.failures.map((f) => f.message).join('; '));
  const perModel = Object.fromEntries(r.features.map((f) => [f.name, { images: f.images, seconds: f.seconds }]));
  return { seconds, cpuSeconds: (c.user + c.system) / 1e6, setupSeconds: r.setupSeconds, images: r.images, maxRssMB: process.resourceUsage().maxRSS / 1024, perModel };
}

function runChild(mode: 'raw' | 'etran'): ChildReport {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), mode], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${mode} child failed: ${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as ChildReport;
}

function cliRank(cacheDir: string): { seconds: number; json: { extraction: Record<string, { cached: boolean }> } } {
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'src', 'cli', 'etran.ts'), 'rank', '--zoo', zooDir, '--data', imageDir, '--device', 'cpu', '--cache', cacheDir, '--json'],
    { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, CI: '1' } },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`etran rank failed (${r.status}): ${r.stderr}`);
  return { seconds, json: JSON.parse(r.stdout) };
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode === 'raw' || mode === 'etran') {
    const rep = mode === 'raw' ? await childRaw() : await childEtran();
    process.stdout.write(JSON.stringify(rep) + '\n');
    return;
  }
  ensureModel();
  await makeImages();
  const raws: ChildReport[] = [];
  const etrans: ChildReport[] = [];
  for (let i = 0; i < REPEATS; i++) {
    raws.push(runChild('raw'));
    etrans.push(runChild('etran'));
  }
  const best = (xs: ChildReport[]) => xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const raw = best(raws);
  const etran = best(etrans);
  const rawRate = raw.images / raw.seconds;
  const etranRate = etran.images / etran.seconds;

  const cacheDir = mkdtempSync(join(tmpdir(), 'etran-bench-cache-'));
  let cold;
  let warm;
  try {
    cold = cliRank(cacheDir);
    warm = cliRank(cacheDir);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const result = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, ort: ort.env.versions.common },
    images: raw.images,
    model: 'torchvision resnet18 (random weights), 224×224, batch 32, CPU',
    raw_session_run: { seconds: raw.seconds, images_per_s: rawRate, cpu_seconds: raw.cpuSeconds, peak_rss_mb: raw.maxRssMB, runs_s: raws.map((r) => r.seconds), runs_cpu_s: raws.map((r) => r.cpuSeconds) },
    etran_extraction: { seconds: etran.seconds, images_per_s: etranRate, cpu_seconds: etran.cpuSeconds, setup_seconds: etran.setupSeconds, peak_rss_mb: etran.maxRssMB, runs_s: etrans.map((r) => r.seconds), runs_cpu_s: etrans.map((r) => r.cpuSeconds), per_model: etran.perModel },
    /** CPU-time ratio over the fastest (by CPU time) run of each side. */
    cpu_ratio: Math.min(...raws.map((r) => r.cpuSeconds)) / Math.min(...etrans.map((r) => r.cpuSeconds)),
    ratio: etranRate / rawRate,
    ratio_excluding_setup: raw.seconds > 0 ? raw.seconds / (etran.seconds - (etran.setupSeconds ?? 0)) : null,
    target_ratio: 0.9,
    load_average_1m: loadavg()[0],
    cache: {
      cold_cli_seconds: cold.seconds,
      warm_cli_seconds: warm.seconds,
      warm_all_cached: Object.values(warm.json.extraction).every((e) => e.cached),
    },
  };
  const f = (x: number, d = 2) => x.toFixed(d);
  console.log(`images: ${result.images} (${result.model}); ${result.machine.cpus} CPUs (${result.machine.model})`);
  console.log(`raw session.run      ${f(raw.seconds)} s  ${f(rawRate, 1)} img/s  peak RSS ${f(raw.maxRssMB, 0)} MB  (runs: ${raws.map((r) => f(r.seconds)).join(', ')} s wall; ${raws.map((r) => f(r.cpuSeconds)).join(', ')} s CPU)`);
  console.log(`etran extraction     ${f(etran.seconds)} s  ${f(etranRate, 1)} img/s  peak RSS ${f(etran.maxRssMB, 0)} MB  (runs: ${etrans.map((r) => f(r.seconds)).join(', ')} s wall; ${etrans.map((r) => f(r.cpuSeconds)).join(', ')} s CPU)`);
  for (const [name, pm] of Object.entries(etran.perModel ?? {})) console.log(`  per model: ${name} ${f(pm.images / pm.seconds, 1)} img/s`);
  console.log(`ratio etran/raw      ${f(result.ratio, 3)} (target ≥ ${result.target_ratio}) ${result.ratio >= result.target_ratio ? 'MET' : 'NOT MET'}; without etran's ${f(etran.setupSeconds ?? 0)} s setup: ${f(result.ratio_excluding_setup ?? NaN, 3)}`);
  console.log(`CPU time ratio       ${f(result.cpu_ratio, 3)} (raw ${f(Math.min(...raws.map((r) => r.cpuSeconds)))} s vs etran ${f(Math.min(...etrans.map((r) => r.cpuSeconds)))} s of CPU, fastest runs)`);
  console.log(`load average (1 min) at the end: ${f(loadavg()[0]!)} on ${cpus().length} CPUs${loadavg()[0]! > cpus().length ? ' — the machine is shared and busy: figures are noisy' : ''}`);
  console.log(`cache: cold \`etran rank\` ${f(cold.seconds)} s, warm ${f(warm.seconds)} s (all cached: ${result.cache.warm_all_cached})`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'rank.json'), JSON.stringify(result, null, 2) + '\n');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

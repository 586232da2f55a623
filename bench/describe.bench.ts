/**
 * `archbert describe` speed: load + analyze (shape inference, folding, params,
 * MACs, blocks, depth, task, family) of every committed torchvision export in
 * fixtures/models, median of RUNS in-process runs after one warm-up; then
 * the whole CLI process for ResNet-50 (`describe --json`), from source (with
 * tsx start-up) and, when dist/ is built, as the installed binary runs.
 * Target: ResNet-50 well under a second.
 * Env: DESCRIBE_BENCH_RUNS (default 7).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGraph } from '../src/core/graph/load.js';
import { analyzeGraph } from '../src/core/graph/analyze.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'fixtures', 'models');
const RUNS = Number(process.env.DESCRIBE_BENCH_RUNS ?? 7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`describe: load + analyze, median of ${RUNS} runs (ms)`);
console.log(`${'model'.padEnd(34)} ${'nodes'.padStart(6)} ${'load'.padStart(8)} ${'analyze'.padStart(8)} ${'total'.padStart(8)}`);
for (const f of readdirSync(dir).filter((x) => x.endsWith('.onnx')).sort()) {
  const path = join(dir, f);
  const loads: number[] = [];
  const analyses: number[] = [];
  let nodes = 0;
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    const g = await loadGraph(path);
    const t1 = performance.now();
    analyzeGraph(g);
    const t2 = performance.now();
    nodes = g.nodes.length;
    if (i === 0) continue; // warm-up
    loads.push(t1 - t0);
    analyses.push(t2 - t1);
  }
  const l = median(loads);
  const a = median(analyses);
  console.log(`${f.padEnd(34)} ${String(nodes).padStart(6)} ${l.toFixed(1).padStart(8)} ${a.toFixed(1).padStart(8)} ${(l + a).toFixed(1).padStart(8)}`);
}

const cli = join(root, 'src', 'cli', 'archbert.ts');
const times: number[] = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'describe', join(dir, 'resnet50.onnx'), '--json'], { encoding: 'utf8' });
  times.push(performance.now() - t0);
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
}
console.log(`\nCLI process 'archbert describe resnet50.onnx --json' from source (incl. Node + tsx start-up): median ${median(times).toFixed(0)} ms of 3`);

// The installed binary runs the compiled dist/ (npm run build): no tsx start-up.
const bin = join(root, 'bin', 'archbert.js');
if (existsSync(join(root, 'dist', 'cli', 'archbert.js'))) {
  const built: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, 'describe', join(dir, 'resnet50.onnx'), '--json'], { encoding: 'utf8' });
    built.push(performance.now() - t0);
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
  }
  console.log(`CLI process 'bin/archbert.js describe resnet50.onnx --json' (built dist/): median ${median(built).toFixed(0)} ms of 3`);
} else console.log('(dist/ not built: run npm run build to time the installed binary)');

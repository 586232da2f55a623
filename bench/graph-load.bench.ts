/**
 * Graph loading speed (src/core/graph/load.ts), separately from analysis:
 *  - a ~100 MB ONNX model WITH its weight data (generated here: a 12-layer
 *    1024-wide MLP + a 4096×4096 layer, float32, written to a temp file):
 *    the loader must not copy or decode large raw_data, so this stays in the
 *    order of the time it takes to read the file;
 *  - every stripped torchvision export in fixtures/models and the JSON
 *    fixtures in fixtures/graphs (median of RUNS runs after a warm-up).
 * Env: GRAPH_LOAD_BENCH_RUNS (default 7).
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGraph } from '../src/core/graph/load.js';
import { encodeModel, type NodeSpec, type TensorSpec } from '../src/core/graph/onnx-builder.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.GRAPH_LOAD_BENCH_RUNS ?? 7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(path: string): Promise<{ ms: number; nodes: number; read: number }> {
  const ms: number[] = [];
  const reads: number[] = [];
  let nodes = 0;
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    await readFile(path);
    const t1 = performance.now();
    const g = await loadGraph(path);
    const t2 = performance.now();
    nodes = g.nodes.length;
    if (i === 0) continue;
    reads.push(t1 - t0);
    ms.push(t2 - t1);
  }
  return { ms: median(ms), nodes, read: median(reads) };
}

// --- a big model with real weight data
const nodes: NodeSpec[] = [];
const inits: TensorSpec[] = [];
let x = 'x';
const widths = [1024, ...new Array(12).fill(1024), 4096, 4096, 1000];
for (let i = 0; i + 1 < widths.length; i++) {
  inits.push({ name: `fc${i}.weight`, dims: [widths[i + 1]!, widths[i]!], data: 'zeros' }, { name: `fc${i}.bias`, dims: [widths[i + 1]!], data: 'zeros' });
  nodes.push({ op: 'Gemm', name: `fc${i}`, inputs: [x, `fc${i}.weight`, `fc${i}.bias`], outputs: [`h${i}`], attrs: { transB: 1 } });
  x = `h${i}`;
  if (i + 2 < widths.length) {
    nodes.push({ op: 'Relu', name: `relu${i}`, inputs: [x], outputs: [`a${i}`] });
    x = `a${i}`;
  }
}
const dir = mkdtempSync(join(tmpdir(), 'archbert-bench-'));
const big = join(dir, 'mlp_with_weights.onnx');
writeFileSync(big, encodeModel({ graph: { name: 'mlp', nodes, inputs: [{ name: 'x', shape: ['batch', 1024] }], outputs: [{ name: x, shape: ['batch', 1000] }], initializers: inits } }));
const mb = statSync(big).size / 2 ** 20;
const r = await time(big);
console.log(`ONNX with weights: ${mb.toFixed(0)} MB, ${r.nodes} nodes: load ${r.ms.toFixed(1)} ms (reading the file alone: ${r.read.toFixed(1)} ms)`);
rmSync(dir, { recursive: true, force: true });

console.log(`\n${'fixture'.padEnd(40)} ${'nodes'.padStart(6)} ${'load ms'.padStart(8)}`);
const files = [
  ...readdirSync(join(root, 'fixtures', 'models')).filter((f) => f.endsWith('.onnx')).map((f) => join('fixtures', 'models', f)),
  ...readdirSync(join(root, 'fixtures', 'graphs')).filter((f) => /\.json$/.test(f) && f !== 'tfjs_reference.json').map((f) => join('fixtures', 'graphs', f)),
].sort();
for (const f of files) {
  const t = await time(join(root, f));
  console.log(`${f.padEnd(40)} ${String(t.nodes).padStart(6)} ${t.ms.toFixed(2).padStart(8)}`);
}

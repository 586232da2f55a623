/**
 * Latency of the commands that run the trained ArchBERT set (medians):
 *  - find: one query over an index of the ~200 real architectures
 *    (training/out/real; fixtures/models when it is absent), after load;
 *  - ask: one question about an already analysed ResNet-50 (embedding of the
 *    architecture, question understanding, QA + reasoning heads, facts), and
 *    the same including the graph load + analysis of the model file;
 *  - describe: generated description (arch encoder + beam search, width 4) and
 *    claim check for ResNet-50, after its analysis, and including it;
 *  - process start → first answer: `archbert ask` as a fresh process (the
 *    built dist/ binary when present, else from source through tsx).
 * Targets (issue 6): find ≤ 50 ms, ask ≤ 50 ms, describe ≤ 300 ms,
 * start → first answer ≤ 1.5 s. Skips when no trained set is installed.
 * Env: ARCHBERT_MODELS, SERVE_BENCH_RUNS (default 15).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { answerQuestion, learnedView } from '../src/core/archbert/ask.js';
import { encodeArchitecture } from '../src/core/archbert/model/embed.js';
import { analyzeModelFile } from '../src/core/archbert/facts/model-file.js';
import { defaultModelDir, loadModelSet } from '../src/core/archbert/model/model-set.js';
import { indexDirectory, prepareIndex } from '../src/core/archbert/index/index-directory.js';
import { search } from '../src/core/archbert/find.js';
import { describeChecked } from '../src/core/archbert/describe.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.SERVE_BENCH_RUNS ?? 15);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const dir = defaultModelDir();
if (!existsSync(join(dir, 'manifest.json'))) {
  console.log(`archbert-serve: SKIPPED, no trained set at ${dir} (set ARCHBERT_MODELS or export one to models/archbert)`);
  process.exit(0);
}

async function timeIt(label: string, fn: (i: number) => Promise<unknown>, target: number): Promise<void> {
  await fn(0); // warm-up (session creation)
  const ts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn(i + 1);
    ts.push(performance.now() - t0);
  }
  const m = median(ts);
  console.log(`${label.padEnd(58)} median ${m.toFixed(1).padStart(7)} ms  (min ${Math.min(...ts).toFixed(1)}, max ${Math.max(...ts).toFixed(1)}; target ≤ ${target} ms${m <= target ? '' : ', MISSED'})`);
}

const t0 = performance.now();
const set = loadModelSet({ dir, threads: 1 });
console.log(`model set ${dir} (version ${set.version}) loaded and verified in ${(performance.now() - t0).toFixed(0)} ms; ORT intra-op threads 1; ${RUNS} runs after a warm-up`);

const gallery = existsSync(join(root, 'training/out/real')) ? join(root, 'training/out/real') : join(root, 'fixtures/models');
const built = await indexDirectory(set, gallery, undefined, {});
const prepared = prepareIndex(built.index);
const queries = [
  'a small image classifier under 5M parameters without attention',
  'vision transformer with layer norm and gelu',
  'object detector with a feature pyramid',
  'recurrent text classifier using gated recurrent units',
  'segmentation network with dilated convolutions',
];
await timeIt(`find over ${prepared.entries.length} indexed architectures`, (i) => search(set, prepared, queries[i % queries.length]!, { top: 5 }), 50);

const resnet = join(root, 'fixtures/models/resnet50.onnx');
const m = await analyzeModelFile(resnet);
const questions = ['does it use depthwise convolutions?', 'which normalisation layers does it use?', 'what task is it for?', 'this model uses attention', 'how many parameters does it have?'];
await timeIt('ask, ResNet-50 analysed (encode + heads + facts)', async (i) => {
  const enc = await encodeArchitecture(set, m.opGraph);
  const q = questions[i % questions.length]!;
  return answerQuestion(q, m.summary, m.opGraph, await learnedView(set, q, enc), m.facts.ideas, m.facts.task.detail);
}, 50);
await timeIt('ask, ResNet-50 incl. loading + analysing the file', async (i) => {
  const mm = await analyzeModelFile(resnet);
  const enc = await encodeArchitecture(set, mm.opGraph);
  const q = questions[i % questions.length]!;
  return answerQuestion(q, mm.summary, mm.opGraph, await learnedView(set, q, enc), mm.facts.ideas, mm.facts.task.detail);
}, 50);
await timeIt('describe, ResNet-50 analysed (encode + beam 4 + check)', async () => {
  const enc = await encodeArchitecture(set, m.opGraph);
  return describeChecked(set, enc, m.summary, 4);
}, 300);
await timeIt('describe, ResNet-50 incl. loading + analysing the file', async () => {
  const mm = await analyzeModelFile(resnet);
  const enc = await encodeArchitecture(set, mm.opGraph);
  return describeChecked(set, enc, mm.summary, 4);
}, 300);
// A held-out family: the facts contradict the first beam, so the search is rerun with a beam of 8.
const convnext = await analyzeModelFile(join(root, 'fixtures/models/convnext_tiny.onnx'));
await timeIt('describe, ConvNeXt-T analysed (beam 4, widened as needed)', async () => {
  const enc = await encodeArchitecture(set, convnext.opGraph);
  return describeChecked(set, enc, convnext.summary, 4);
}, 300);

const dist = join(root, 'dist/cli/archbert.js');
const launchers: Array<[string, string[]]> = [['tsx, from source', ['--import', 'tsx', join(root, 'src/cli/archbert.ts')]]];
if (existsSync(dist) && existsSync(join(root, 'dist/commands/archbert/ask.js'))) launchers.unshift(['dist/, as installed', [dist]]);
for (const [label, argv] of launchers) {
  const starts: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 7); i++) {
    const s0 = performance.now();
    const r = spawnSync(process.execPath, [...argv, 'ask', join(root, 'fixtures/models/resnet18.onnx'), 'does it use batch norm?', '--json', '--models', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    starts.push(performance.now() - s0);
  }
  const sm = median(starts);
  console.log(`${`process start → first answer (${label}, ResNet-18)`.padEnd(58)} median ${sm.toFixed(1).padStart(7)} ms  (target ≤ 1500 ms${sm <= 1500 ? '' : ', MISSED'})`);
}

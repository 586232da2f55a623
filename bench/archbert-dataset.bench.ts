/**
 * `archbert dataset build` speed. Target: 20,000 generated architectures (plus
 * the ~150–200 real exports) in 1–2 minutes on a laptop CPU.
 *
 * Part 1: per-graph cost of each stage on 1,000 generated graphs (generate,
 * facts, featurize, summary + texts). Part 2: a whole build of N generated
 * graphs (env ARCHBERT_BENCH_GENERATED, default 20000; add the real exports
 * with ARCHBERT_BENCH_REAL=training/out/real) into a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphDeps } from '../src/commands/archbert/dataset.js';
import { summarize } from '../src/core/archbert/facts/arch-summary.js';
import { hasCausalAttention } from '../src/core/archbert/facts/generated-meta.js';
import { buildDataset } from '../src/core/archbert/data/dataset.js';
import { captions } from '../src/core/archbert/data/describe-text.js';
import { queries } from '../src/core/archbert/data/queries.js';
import { featurize } from '../src/core/archbert/model/featurize.js';
import { generateArchitecture } from '../src/core/archbert/data/generate.js';
import { qaPairs } from '../src/core/archbert/data/qa.js';
import { statements } from '../src/core/archbert/data/statements.js';
import { Rng } from '../src/core/archbert/data/rng.js';

const N = Number(process.env.ARCHBERT_BENCH_GENERATED ?? 20000);
const REAL = process.env.ARCHBERT_BENCH_REAL ?? null;

const t: Record<string, number> = { generate: 0, facts: 0, featurize: 0, texts: 0 };
const time = <X>(k: string, f: () => X): X => {
  const s = performance.now();
  const r = f();
  t[k]! += performance.now() - s;
  return r;
};
const M = 1000;
for (let i = 0; i < M; i++) {
  const a = time('generate', () => generateArchitecture(i));
  const facts = time('facts', () => graphDeps.factsOf(a.graph, { name: a.name, input: a.meta.input, causalMask: hasCausalAttention(a.meta) }));
  time('featurize', () => featurize(a.graph));
  time('texts', () => {
    const s = summarize(a.graph, facts, { id: a.id, name: a.name, source: 'generated', family: null, variant: null, task: 'image classification', generated: a.meta });
    const rng = new Rng(i);
    captions(s, rng, 2);
    queries(s, rng, 2);
    qaPairs(s, rng, 6);
    statements(s, rng, 6);
  });
}
console.log(`per generated graph, mean over ${M} (ms):`);
for (const [k, v] of Object.entries(t)) console.log(`  ${k.padEnd(10)} ${(v / M).toFixed(3)}`);

const out = mkdtempSync(join(tmpdir(), 'archbert-bench-'));
const started = performance.now();
const r = await buildDataset({ realDir: REAL, generated: N, seed: 0, out: join(out, 'data') }, graphDeps);
const seconds = (performance.now() - started) / 1000;
rmSync(out, { recursive: true, force: true });
const g = r.manifest.graphs;
console.log(`whole build: ${g.real} real + ${g.generated} generated in ${seconds.toFixed(1)} s (target 60–120 s for 20k)`);
console.log(`  ${Object.values(r.manifest.texts).reduce((a, b) => a + b, 0)} texts, ${Object.values(r.manifest.qa).reduce((a, b) => a + b, 0)} QA, vocabulary ${r.manifest.vocab_size}`);

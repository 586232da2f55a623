/**
 * `archbert dataset build --real DIR --generated N --seed S --bins log|bucket|blocks|output --out DIR [--json]`
 *
 * Builds the ArchBERT training data (docs/archbert-dataset.md) from the
 * exported real models and N generated architectures.
 */
import { execFileSync } from 'node:child_process';
import type { Command } from 'commander';
import { buildDataset, type DatasetDeps } from '../../core/archbert/data/dataset.js';
import { SPLITS, type Split } from '../../core/archbert/data/splits.js';
import { BIN_LAYOUT_NAMES, binLayoutNamed } from '../../core/archbert/model/bin-layout.js';
import { SPECIAL, Tokenizer } from '../../core/archbert/model/tokenizer.js';
import { InputError } from '../../core/errors.js';
import { readJsonInput } from '../../core/io/files.js';
import { analyzeGraph } from '../../core/graph/analyze.js';
import { factsFromOpGraph } from '../../core/graph/facts.js';
import { action, info, interactive, print, printJson, warn, withJson } from '../common.js';

interface BuildOpts {
  real?: string;
  generated: string;
  seed: string;
  bins: string;
  split?: string;
  vocab?: string;
  out: string;
  json?: boolean;
}

/** --vocab: a vocab.json as a set or a dataset writes it ({"tokens": [...]}, the specials first). */
async function readVocab(file: string): Promise<Tokenizer> {
  const doc = await readJsonInput(file);
  const tokens = (doc as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === 'string')) {
    throw new InputError(file, 'expected a vocabulary {"tokens": ["[pad]", …]} (a vocab.json)');
  }
  try {
    return Tokenizer.fromJSON({ tokens, special: SPECIAL });
  } catch (err) {
    throw new InputError(file, err instanceof Error ? err.message : String(err));
  }
}

/** The graph analysis the builder uses: the same code as `archbert describe`. */
export const graphDeps: DatasetDeps = {
  async analyzeFile(path) {
    const { loadGraph } = await import('../../core/graph/load.js');
    const g = await loadGraph(path);
    const { opGraph, facts } = analyzeGraph(g);
    return { opGraph, facts: { file: path, ...facts } };
  },
  factsOf(og, meta) {
    const out = og.nodes[og.outputNodes[0] ?? og.nodes.length - 1];
    const facts = factsFromOpGraph(og, {
      format: 'native',
      // Generated text models take token ids (int64), image models float pixels.
      inputs: [{ name: 'input', shape: meta.input, dtype: meta.input.length === 2 ? 'int64' : 'float32' }],
      outputs: [{ name: 'output', shape: out?.outShape ?? null, dtype: 'float32' }],
      name: meta.name,
      causalMask: meta.causalMask,
    });
    return { file: meta.name, ...facts };
  },
};

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * Most generated architectures one build accepts: 50× the published set's 20,000, so a typo such
 * as 20000000000 is bad usage (exit 2) rather than a run of days that fills the disk.
 */
export const MAX_GENERATED = 1_000_000;

function parseIntOption(name: string, v: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new InputError(null, `${name} must be an integer ≥ ${min}, got '${v}'`);
  if (n > max) throw new InputError(null, `${name} ${n} is too large: at most ${max}`);
  return n;
}

export function register(program: Command): void {
  const dataset = program.command('dataset').description('build the ArchBERT training data (graphs, captions, queries, QA, statements)');
  const build = dataset
    .command('build')
    .description('featurize real and generated architectures and write the JSONL files the trainer reads')
    .option('--real <dir>', 'directory with index.json and the exported .onnx files (omit for generated graphs only)')
    .option('--generated <n>', `number of generated AutoNet-style architectures (at most ${MAX_GENERATED})`, '20000')
    .option('--seed <s>', 'seed for generation, texts and splits (same seed + inputs → identical files)', '0')
    .option('--split <name>', `put every graph in this split (${SPLITS.join(', ')}) instead of the held-out families and the 80/10/10 hash: an evaluation-only dataset, e.g. training/archbert/heldout2.py`)
    .option('--bins <layout>', `[graph]-node bins: ${BIN_LAYOUT_NAMES.join(', ')} (log: log grids of the sizes; bucket: edges on the text's size buckets; blocks: log plus the count of each block kind, the bundled set's; output: blocks plus the output width, e.g. the class count)`, 'log')
    .option('--vocab <file>', 'write token ids with this vocab.json (a trained set\'s, e.g. models/archbert/vocab.json) instead of building one from the train split, so a continued run can keep its text encoder frozen (train.py --freeze-text)')
    .requiredOption('--out <dir>', 'output directory (replaced atomically when the build completes)');
  withJson(build);
  build.addHelpText(
    'after',
    `
Examples:
  $ archbert dataset build --real training/out/real --generated 20000 --seed 0 --out training/out/archbert-data
  $ archbert dataset build --generated 500 --out /tmp/archbert-small --json
  $ npm run dataset:archbert

Writes vocab.json, ops.json, bins.json, answers.json, graphs.jsonl, texts.jsonl,
qa.jsonl, statements.jsonl and manifest.json (format: docs/archbert-dataset.md).
Families ${'ConvNeXt, RegNet, Swin, EfficientNetV2 and GRU'} go to the "heldout" split;
other real models and the generated ones are split 80/10/10 by a hash.
Real models that fail to load are skipped with a warning and listed in the manifest.`,
  );
  build.action(
    action(async (opts: BuildOpts) => {
      const generated = parseIntOption('--generated', opts.generated, 0, MAX_GENERATED);
      const seed = parseIntOption('--seed', opts.seed, 0);
      const bins = binLayoutNamed(opts.bins);
      if (!bins) throw new InputError(null, `--bins must be one of ${BIN_LAYOUT_NAMES.join(', ')}, got '${opts.bins}'`);
      if (opts.split !== undefined && !(SPLITS as readonly string[]).includes(opts.split)) {
        throw new InputError(null, `--split must be one of ${SPLITS.join(', ')}, got '${opts.split}'`);
      }
      const vocab = opts.vocab !== undefined ? { tokenizer: await readVocab(opts.vocab), from: opts.vocab } : undefined;
      const started = Date.now();
      const tty = interactive() && !opts.json;
      let lastStage = '';
      const result = await buildDataset(
        {
          realDir: opts.real ?? null,
          generated,
          seed,
          bins,
          ...(vocab ? { vocab } : {}),
          ...(opts.split !== undefined ? { split: opts.split as Split } : {}),
          out: opts.out,
          commit: gitCommit(),
          onProgress: (stage, done, total) => {
            if (tty) process.stderr.write(`\r${stage}: ${done}/${total}   `);
            else if (stage !== lastStage && !opts.json) info(`${stage}…`);
            lastStage = stage;
          },
          onSkip: (file, reason) => warn(`skipped ${file}: ${reason}`),
        },
        graphDeps,
      );
      if (tty) process.stderr.write('\n');
      const seconds = (Date.now() - started) / 1000;
      const m = result.manifest;
      if (opts.json) {
        printJson({ out: result.out, seconds, ...m });
        return;
      }
      print(`wrote ${result.out} in ${seconds.toFixed(1)} s`);
      print(`graphs: ${m.graphs.real} real + ${m.graphs.generated} generated (${m.graphs.coarsened} coarsened to ≤ ${m.max_nodes} nodes)`);
      print(`splits: train ${m.graphs.train}, val ${m.graphs.val}, test ${m.graphs.test}, heldout ${m.graphs.heldout}`);
      const total = (r: Record<string, number>) => r.train! + r.val! + r.test! + r.heldout!;
      print(`texts ${total(m.texts)}, qa ${total(m.qa)}, statements ${total(m.statements)} (${m.statements.hard_negative} hard negatives)`);
      print(`vocabulary ${m.vocab_size} tokens, ${m.answers} answers, ${m.bins} size bins; data hash ${m.data_hash.slice(0, 16)}`);
      if (m.skipped_real.length) print(`skipped ${m.skipped_real.length} real model(s): see manifest.json`);
    }),
  );
}

/**
 * `archbert dataset build`: real and generated architectures → the JSONL
 * files the Python trainer reads (contract: docs/archbert-dataset.md).
 *
 * Steps: (1) real graphs from the exporter's index.json (load → analyze) and
 * generated graphs (generate → facts from the same analysis code);
 * (2) per graph: featurize, summarize, split, and make captions, queries, QA
 * pairs and statements with a per-graph seeded RNG; (3) the tokenizer
 * vocabulary and the QA answer list from the TRAIN split only; (4) write every
 * file into a temporary directory, then swap it into place (dataset-files.ts).
 *
 * Deterministic given the seed and inputs: no timestamps in any file.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import type { ArchFacts, OpGraph } from '../../graph/types.js';
import { summarize, type ArchSummary } from '../facts/arch-summary.js';
import { hasCausalAttention } from '../facts/generated-meta.js';
import { canonicalCaption, captions } from './describe-text.js';
import { hashFiles, JsonlSink, writeDirAtomic, type DatasetFile } from './dataset-files.js';
import { LOG_LAYOUT, binsFile, type BinLayout } from '../model/bin-layout.js';
import { OP_VOCAB, featurize, MAX_NODES, type Featurized } from '../model/featurize.js';
import { MAX_CAPTION_TOKENS, MAX_TEXT_TOKENS } from '../model/limits.js';
import { sparseNumberChannel } from '../model/number-channel.js';
import { knownWordIds } from '../model/unknown-words.js';
import { generateArchitecture, generatedTask } from './generate.js';
import { qaPairs } from './qa.js';
import { queries } from './queries.js';
import { readRealIndex } from './real-index.js';
import { Rng, hash32 } from './rng.js';
import { HELDOUT_FAMILIES, generatedSplit, realSplit, type Split } from './splits.js';
import { statements } from './statements.js';
import { buildVocab, type Tokenizer } from '../model/tokenizer.js';

export interface AnalyzedGraph {
  opGraph: OpGraph;
  facts: ArchFacts;
}

/** The graph code the builder needs: injected so the builder stays plain data in, data out. */
export interface DatasetDeps {
  /** Load and analyze one real model file. */
  analyzeFile(path: string): Promise<AnalyzedGraph>;
  /** Facts of a generated OpGraph (the same analysis as for real graphs). */
  /** `causalMask`: a generated graph has no source to read a mask from, so the generator's record says whether its attention is causal. */
  factsOf(og: OpGraph, info: { name: string; input: number[]; causalMask: boolean }): ArchFacts;
}

export interface TextCounts {
  captions: number;
  queries: number;
  qa: number;
  statements: number;
}

export interface BuildOptions {
  /** Directory with index.json and the .onnx files; null = no real graphs. */
  realDir: string | null;
  generated: number;
  seed: number;
  out: string;
  commit?: string | null;
  /** Bin layout of the [graph] node's sizes (bin-layout.ts); default: "log" (the bundled set uses "blocks"). */
  bins?: BinLayout;
  /**
   * Every graph in this one split instead of the held-out families and the 80/10/10 hash
   * (an evaluation-only dataset, e.g. the second held-out split of unseen families).
   */
  split?: Split;
  /**
   * The vocabulary to write token ids with, instead of one built from the train split: a trained
   * set's, so a run continuing that set with its text encoder frozen (train.py --freeze-text) reads
   * every text in ids the encoder was trained on. Words it lacks are spelled in its pieces and read
   * as the runtime reads them (model/unknown-words.ts).
   */
  vocab?: { tokenizer: Tokenizer; from: string };
  /** Texts per graph (real graphs are few and get more). */
  perGenerated?: TextCounts;
  perReal?: TextCounts;
  /** Called now and then with progress (the command draws it). */
  onProgress?: (stage: string, done: number, total: number) => void;
  /** Called for each real file that could not be used. */
  onSkip?: (file: string, reason: string) => void;
}

export interface BuildResult {
  out: string;
  manifest: DatasetManifest;
}

export interface DatasetManifest {
  version: 1;
  seed: number;
  commit: string | null;
  data_hash: string;
  files: Record<string, { sha256: string; lines: number }>;
  graphs: Record<Split, number> & { real: number; generated: number; coarsened: number; redrawn_duplicates: number };
  texts: Record<Split, number>;
  qa: Record<Split, number>;
  statements: Record<Split, number> & { true: number; false: number; hard_negative: number };
  vocab_size: number;
  answers: number;
  op_vocab: number;
  truncated: { queries: number; captions: number; qa: number; statements: number };
  max_nodes: number;
  max_tokens: { query: number; caption: number; question: number; statement: number };
  heldout_families: string[];
  /** Real families: members per split (held-out families have all their members in "heldout"). */
  families: Record<string, Record<Split, number>>;
  skipped_real: Array<{ file: string; reason: string }>;
  coarsening_rule: string;
  /** The bin layout bins.json and graphs.jsonl use ("log" or "bucket"). */
  bins: BinLayout['name'];
  /** Where vocab.json came from when it was given (BuildOptions.vocab); absent when built from the train split. */
  vocab_from?: string;
}

const DEFAULT_GENERATED: TextCounts = { captions: 2, queries: 2, qa: 6, statements: 6 };
const DEFAULT_REAL: TextCounts = { captions: 10, queries: 10, qa: 16, statements: 16 };

interface PendingText {
  graphId: string;
  split: Split;
  kind: 'caption' | 'query';
  text: string;
  canonical: boolean;
  /** Queries only: what the query states, to find every graph of its split it describes. */
  fits?: (o: ArchSummary) => boolean;
}
interface PendingQA {
  graphId: string;
  split: Split;
  question: string;
  answers: string[];
  familyQuestion: boolean;
  template: string;
}
interface PendingStatement {
  graphId: string;
  split: Split;
  text: string;
  label: 0 | 1;
  hardNegative: boolean;
  template: string;
}

const zeroSplits = (): Record<Split, number> => ({ train: 0, val: 0, test: 0, heldout: 0 });

export async function buildDataset(opts: BuildOptions, deps: DatasetDeps): Promise<BuildResult> {
  if (!Number.isInteger(opts.generated) || opts.generated < 0) throw new InputError(null, `--generated must be a non-negative integer, got ${opts.generated}`);
  if (!Number.isInteger(opts.seed)) throw new InputError(null, `--seed must be an integer, got ${opts.seed}`);
  const perGen = opts.perGenerated ?? DEFAULT_GENERATED;
  const perReal = opts.perReal ?? DEFAULT_REAL;
  const progress = opts.onProgress ?? (() => {});
  const binLayout = opts.bins ?? LOG_LAYOUT;

  const graphsOut = new JsonlSink();
  const texts: PendingText[] = [];
  const qas: PendingQA[] = [];
  const stmts: PendingStatement[] = [];
  const graphCounts = { ...zeroSplits(), real: 0, generated: 0, coarsened: 0 };
  const families: Record<string, Record<Split, number>> = Object.create(null);
  const skipped: Array<{ file: string; reason: string }> = [];

  // Featurized structures seen so far: a generated graph identical to an earlier one (same
  // ops, bins and edges) is redrawn, since the encoder could never tell the two apart.
  const structures = new Set<string>();
  const structureKey = (f: Featurized) => createHash('sha1').update(JSON.stringify([f.ops, f.bins, f.edges])).digest('hex');
  let redrawn = 0;

  // Summaries of the evaluation splits: a query's relevant set is every graph of its split
  // that has all the properties the query states (train queries need none, and 16k² tests would be slow).
  const evalSummaries: Record<Exclude<Split, 'train'>, ArchSummary[]> = { val: [], test: [], heldout: [] };
  const addGraph = (summary: ArchSummary, f: Featurized, split: Split, per: TextCounts) => {
    structures.add(structureKey(f));
    graphsOut.push({
      id: summary.id,
      name: summary.name,
      family: summary.family,
      source: summary.source,
      split,
      ops: f.ops,
      bins: f.bins,
      edges: f.edges,
      n: f.n,
      coarsened: f.coarsened,
      original_nodes: f.originalNodes,
      coarsening: f.coarsening,
      task: summary.task,
    });
    graphCounts[split]++;
    graphCounts[summary.source]++;
    if (f.coarsened) graphCounts.coarsened++;
    const rng = Rng.derive(opts.seed, `text:${summary.id}`);
    texts.push({ graphId: summary.id, split, kind: 'caption', text: canonicalCaption(summary), canonical: true });
    for (const text of captions(summary, rng, per.captions)) texts.push({ graphId: summary.id, split, kind: 'caption', text, canonical: false });
    for (const q of queries(summary, rng, per.queries)) texts.push({ graphId: summary.id, split, kind: 'query', text: q.text, canonical: false, fits: q.fits });
    if (split !== 'train') evalSummaries[split].push(summary);
    for (const q of qaPairs(summary, rng, per.qa)) qas.push({ graphId: summary.id, split, ...q });
    // Held-out family names appear only in held-out texts: no "is a RegNet model" negatives in train.
    const avoidFamilies = split === 'heldout' ? [] : HELDOUT_FAMILIES;
    for (const s of statements(summary, rng, per.statements, { avoidFamilies })) stmts.push({ graphId: summary.id, split, ...s });
  };

  // (1a) real architectures
  if (opts.realDir !== null) {
    const entries = await readRealIndex(opts.realDir);
    const seen = new Set<string>();
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      progress('real', i, entries.length);
      if (seen.has(e.name)) {
        skipped.push({ file: e.file, reason: 'duplicate name in index.json' });
        continue;
      }
      seen.add(e.name);
      let analyzed: AnalyzedGraph;
      try {
        analyzed = await deps.analyzeFile(join(opts.realDir, e.file));
      } catch (err) {
        const reason = err instanceof Error ? err.message.split('\n')[0]! : String(err);
        skipped.push({ file: e.file, reason });
        opts.onSkip?.(e.file, reason);
        continue;
      }
      if (analyzed.opGraph.nodes.length === 0) {
        skipped.push({ file: e.file, reason: 'no compute ops after analysis' });
        opts.onSkip?.(e.file, 'no compute ops after analysis');
        continue;
      }
      const split = opts.split ?? realSplit(e.name, e.family);
      const summary = summarize(analyzed.opGraph, analyzed.facts, {
        id: `real:${e.name}`,
        name: e.name,
        source: 'real',
        family: e.family,
        variant: e.variant ?? null,
        task: e.task,
      });
      const fam = families[e.family] ?? zeroSplits();
      fam[split]++;
      families[e.family] = fam;
      addGraph(summary, featurize(analyzed.opGraph, MAX_NODES, binLayout, analyzed.facts.blocks), split, perReal);
    }
  }

  // (1b) generated architectures
  for (let i = 0; i < opts.generated; i++) {
    if (i % 500 === 0) progress('generated', i, opts.generated);
    let graphSeed = hash32(`${opts.seed}:generated:${i}`);
    let arch = generateArchitecture(graphSeed);
    let f = featurize(arch.graph, MAX_NODES, binLayout);
    for (let attempt = 1; structures.has(structureKey(f)) && attempt <= 20; attempt++) {
      redrawn++;
      graphSeed = hash32(`${opts.seed}:generated:${i}:${attempt}`);
      arch = generateArchitecture(graphSeed);
      f = featurize(arch.graph, MAX_NODES, binLayout);
    }
    const facts = deps.factsOf(arch.graph, { name: arch.name, input: arch.meta.input, causalMask: hasCausalAttention(arch.meta) });
    const task = generatedTask(arch.meta);
    const summary = summarize(arch.graph, facts, {
      id: arch.id,
      name: arch.name,
      source: 'generated',
      family: null,
      variant: null,
      task,
      generated: arch.meta,
    });
    addGraph(summary, f, opts.split ?? generatedSplit(graphSeed), perGen);
  }
  progress('generated', opts.generated, opts.generated);

  // (2) vocabulary (unless given) and answers from the train split only
  progress('vocabulary', 0, 1);
  const trainText = function* () {
    for (const t of texts) if (t.split === 'train') yield t.text;
    for (const q of qas) if (q.split === 'train') yield q.question;
    for (const s of stmts) if (s.split === 'train') yield s.text;
  };
  const tokenizer = opts.vocab?.tokenizer ?? buildVocab(trainText());
  const answerSet = new Set<string>();
  for (const q of qas) if (q.split === 'train') for (const a of q.answers) answerSet.add(a);
  const answers = [...answerSet].sort();
  const answerId = new Map(answers.map((a, i) => [a, i]));

  // (3) token ids
  const truncated = { queries: 0, captions: 0, qa: 0, statements: 0 };
  // Texts the text encoder reads (queries, questions, statements) are written as the runtime reads
  // them, without words outside the vocabulary (model/unknown-words.ts), so training and inference see
  // the same ids; captions, the decoder's targets, are written whole.
  const enc = (tok: Tokenizer, text: string, max: number, key: keyof typeof truncated) => {
    const r = tok.encode(text, { maxLength: max });
    if (r.truncated) truncated[key]++;
    return key === 'captions' ? r.ids : knownWordIds(r.ids, tok);
  };
  // the number channel beside the ids, only on rows that state a quantity (model/number-channel.ts)
  const withNumbers = (ids: number[]) => {
    const numbers = sparseNumberChannel(ids.map((i) => tokenizer.tokens[i]!));
    return numbers.length > 0 ? { tokens: ids, numbers } : { tokens: ids };
  };
  const textsOut = new JsonlSink();
  const textCounts = zeroSplits();
  for (const t of texts) {
    const max = t.kind === 'caption' ? MAX_CAPTION_TOKENS : MAX_TEXT_TOKENS;
    textsOut.push({
      graph_id: t.graphId,
      split: t.split,
      kind: t.kind,
      text: t.text,
      ...withNumbers(enc(tokenizer, t.text, max, t.kind === 'caption' ? 'captions' : 'queries')),
      canonical: t.canonical,
      ...(t.fits && t.split !== 'train' ? { relevant: evalSummaries[t.split].filter((o) => t.fits!(o)).map((o) => o.id) } : {}),
    });
    textCounts[t.split]++;
  }
  const qaOut = new JsonlSink();
  const qaCounts = zeroSplits();
  for (const q of qas) {
    qaOut.push({
      graph_id: q.graphId,
      split: q.split,
      question: q.question,
      ...withNumbers(enc(tokenizer, q.question, MAX_TEXT_TOKENS, 'qa')),
      answers: q.answers,
      answer_ids: q.answers.map((a) => answerId.get(a)).filter((x): x is number => x !== undefined),
      family_question: q.familyQuestion,
      template: q.template,
    });
    qaCounts[q.split]++;
  }
  const stOut = new JsonlSink();
  const stCounts = { ...zeroSplits(), true: 0, false: 0, hard_negative: 0 };
  for (const s of stmts) {
    stOut.push({
      graph_id: s.graphId,
      split: s.split,
      text: s.text,
      ...withNumbers(enc(tokenizer, s.text, MAX_TEXT_TOKENS, 'statements')),
      label: s.label,
      hard_negative: s.hardNegative,
      template: s.template,
    });
    stCounts[s.split]++;
    if (s.label) stCounts.true++;
    else stCounts.false++;
    if (s.hardNegative) stCounts.hard_negative++;
  }

  // (4) write into a temporary directory, then swap it into place
  progress('write', 0, 1);
  const files: DatasetFile[] = [
    ['vocab.json', [JSON.stringify(tokenizer.toJSON()) + '\n'], 1],
    ['ops.json', [JSON.stringify({ ops: OP_VOCAB, pad: 0, mask: 1 }) + '\n'], 1],
    ['bins.json', [JSON.stringify(binsFile(binLayout)) + '\n'], 1],
    ['answers.json', [JSON.stringify({ answers }) + '\n'], 1],
    ['graphs.jsonl', graphsOut.parts(), graphsOut.lines],
    ['texts.jsonl', textsOut.parts(), textsOut.lines],
    ['qa.jsonl', qaOut.parts(), qaOut.lines],
    ['statements.jsonl', stOut.parts(), stOut.lines],
  ];
  const hashed = hashFiles(files);
  const manifest: DatasetManifest = {
    version: 1,
    seed: opts.seed,
    commit: opts.commit ?? null,
    data_hash: hashed.dataHash,
    files: hashed.files,
    graphs: { ...graphCounts, redrawn_duplicates: redrawn },
    texts: textCounts,
    qa: qaCounts,
    statements: stCounts,
    vocab_size: tokenizer.size,
    answers: answers.length,
    op_vocab: OP_VOCAB.length,
    truncated,
    max_nodes: MAX_NODES,
    max_tokens: { query: MAX_TEXT_TOKENS, caption: MAX_CAPTION_TOKENS, question: MAX_TEXT_TOKENS, statement: MAX_TEXT_TOKENS },
    heldout_families: [...HELDOUT_FAMILIES],
    families,
    skipped_real: skipped,
    coarsening_rule: 'plumbing → repeats → elementwise → window (src/core/archbert/model/featurize.ts, coarsen())',
    bins: binLayout.name,
    ...(opts.vocab ? { vocab_from: opts.vocab.from } : {}),
  };
  files.push(['manifest.json', [JSON.stringify(manifest, null, 2) + '\n'], 1]);
  await writeDirAtomic(opts.out, files.map(([n, c]) => [n, c]));
  progress('write', 1, 1);
  return { out: opts.out, manifest };
}

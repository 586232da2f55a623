/**
 * `archbert eval`: the metrics of training/archbert/README.md ("Metrics"),
 * computed with the exported ONNX models through onnxruntime-node on the
 * dataset files `archbert dataset build` writes, so they reproduce the
 * figures export.py records in manifest.json (up to float32 differences
 * between runtimes, which can flip a near-tie).
 */
import { createReadStream, existsSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { InputError } from '../errors.js';
import { readInputFileSync } from '../io/files.js';
import { dot, embedTokenIds, encodeFeaturized, type ArchEncoding } from './model/embed.js';
import { captionGreedy, pickAnswers, qaLogits, reasoningProbs } from './model/heads.js';
import { MAX_CAPTION_TOKENS, MAX_TEXT_TOKENS } from './model/limits.js';
import type { ModelSet } from './model/model-set.js';
import { SPECIAL } from './model/tokenizer.js';

const SPECIAL_IDS: ReadonlySet<number> = new Set(Object.values(SPECIAL));
/** Padded nodes per arch_encoder batch (graphs of similar size go together, at most 64), as evaluate.py batches them. */
const GRAPH_BATCH_NODES = 8192;

export interface SplitMetrics {
  /** Relevant = every graph of the split having all the properties the query states. */
  retrieval: { r1: number | null; r5: number | null; mrr: number | null };
  /** The stricter reading: relevant = only the graph(s) the query text was generated from. */
  retrieval_source_only: { r1: number | null; r5: number | null; mrr: number | null };
  /** by_template (with `byTemplate`): accuracy per statement template. */
  reasoning: { accuracy: number | null; f1: number | null; by_template?: ByTemplate };
  /** by_template (with `byTemplate`): exact match per question template. */
  qa: { exact_match: number | null; f1: number | null; by_template?: ByTemplate };
  caption: { rouge_l: number | null; bleu4: number | null };
}

/**
 * Share answered right ("correct") and items ("n") per generator template, worst first (ties in the
 * order the templates first occur): the form export.py (evaluate.py by_template) records in manifest.json.
 */
export type ByTemplate = Record<string, { correct: number; n: number }>;

/** The template a row without one (a dataset written before templates were recorded) is tallied under, as evaluate.py does. */
export const NO_TEMPLATE = '?';

/** Tallies items by template into a ByTemplate (an object without a prototype: template names come from files). */
export function scoreByTemplate(items: ReadonlyArray<{ template: string; correct: boolean }>): ByTemplate {
  const tally = new Map<string, [number, number]>();
  for (const { template, correct } of items) {
    const t = tally.get(template) ?? [0, 0];
    t[0]++;
    if (correct) t[1]++;
    tally.set(template, t);
  }
  const out: ByTemplate = Object.create(null);
  // Array.prototype.sort is stable: equal shares keep the order of first occurrence
  for (const [template, [n, correct]] of [...tally.entries()].sort(([, a], [, b]) => a[1] / a[0] - b[1] / b[0])) out[template] = { correct: correct / n, n };
  return out;
}

export interface EvalCounts {
  graphs: number;
  queries: number;
  statements: number;
  questions: number;
  captioned: number;
}

interface EvalGraph {
  id: string;
  ops: number[];
  bins: number[][];
  edges: Array<[number, number]>;
  n: number;
  captions: number[][];
  /** relevant: ids of every graph of the split the query describes (the dataset's list; absent in old datasets). */
  queries: Array<{ text: string; tokens: number[]; relevant?: string[] }>;
  statements: Array<{ tokens: number[]; label: number; template: string }>;
  qa: Array<{ tokens: number[]; answers: string[]; family: boolean; template: string }>;
}

const templateOf = (row: { template?: unknown }) => (typeof row.template === 'string' ? row.template : NO_TEMPLATE);

/** Lines of a JSONL file, or of its gzipped form (the packed eval splits in models/archbert/eval). */
async function* lines(path: string): AsyncGenerator<string> {
  const gz = `${path}.gz`;
  const source = existsSync(path) ? path : existsSync(gz) ? gz : null;
  if (!source) throw new InputError(path, 'missing (build the dataset with `npm run dataset:archbert`)');
  const raw = createReadStream(source);
  const input = source === gz ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input, crlfDelay: Infinity });
  for await (const line of rl) if (line.trim()) yield line;
}

/**
 * Reads the graphs of the given splits and their texts, QA and statements.
 * `encode`: token ids from each row's text instead of its stored `tokens` (a
 * dataset written for another vocabulary, read by a model set's tokenizer).
 */
export async function readSplits(dataDir: string, splits: string[], encode?: (text: string) => number[]): Promise<Map<string, EvalGraph[]>> {
  const ids = (row: { tokens: number[]; text?: string; question?: string }): number[] => {
    const text = row.text ?? row.question;
    if (!encode) return row.tokens;
    if (typeof text !== 'string') throw new InputError(dataDir, 'a row has no text to re-tokenize (dataset written before texts were kept?)');
    return encode(text);
  };
  const want = new Set(splits);
  const bySplit = new Map<string, EvalGraph[]>(splits.map((s) => [s, []]));
  const byId = new Map<string, EvalGraph>();
  const splitOf = (line: string) => /"split"\s*:\s*"([a-z]+)"/.exec(line)?.[1];
  for await (const line of lines(join(dataDir, 'graphs.jsonl'))) {
    if (!want.has(splitOf(line) ?? '')) continue;
    const g = JSON.parse(line);
    if (!want.has(g.split)) continue;
    const eg: EvalGraph = { id: g.id, ops: g.ops, bins: g.bins, edges: g.edges, n: g.n, captions: [], queries: [], statements: [], qa: [] };
    bySplit.get(g.split)!.push(eg);
    byId.set(g.id, eg);
  }
  for await (const line of lines(join(dataDir, 'texts.jsonl'))) {
    if (!want.has(splitOf(line) ?? '')) continue;
    const t = JSON.parse(line);
    const g = byId.get(t.graph_id);
    if (!g) continue;
    if (t.kind === 'caption') g.captions.push(ids(t).slice(0, MAX_CAPTION_TOKENS));
    else g.queries.push({ text: t.text, tokens: ids(t).slice(0, MAX_TEXT_TOKENS), ...(Array.isArray(t.relevant) ? { relevant: t.relevant } : {}) });
  }
  for await (const line of lines(join(dataDir, 'qa.jsonl'))) {
    if (!want.has(splitOf(line) ?? '')) continue;
    const q = JSON.parse(line);
    byId.get(q.graph_id)?.qa.push({ tokens: ids(q).slice(0, MAX_TEXT_TOKENS), answers: q.answers, family: Boolean(q.family_question), template: templateOf(q) });
  }
  for await (const line of lines(join(dataDir, 'statements.jsonl'))) {
    if (!want.has(splitOf(line) ?? '')) continue;
    const s = JSON.parse(line);
    byId.get(s.graph_id)?.statements.push({ tokens: ids(s).slice(0, MAX_TEXT_TOKENS), label: s.label, template: templateOf(s) });
  }
  return bySplit;
}

/** Embeddings and node states of every graph, batched by size as evaluate.py does. */
async function encodeGraphs(set: ModelSet, graphs: EvalGraph[]): Promise<ArchEncoding[]> {
  const order = graphs.map((_, i) => i).sort((a, b) => graphs[a]!.n - graphs[b]!.n || a - b);
  const encoded: ArchEncoding[] = new Array(graphs.length);
  let i = 0;
  while (i < order.length) {
    let j = i + 1;
    while (j < order.length && (j - i + 1) * graphs[order[j]!]!.n <= GRAPH_BATCH_NODES && j - i < 64) j++;
    const idx = order.slice(i, j);
    const batch = await encodeFeaturized(set, idx.map((k) => graphs[k]!));
    idx.forEach((k, r) => (encoded[k] = batch[r]!));
    i = j;
  }
  return encoded;
}

async function embedTokens(set: ModelSet, seqs: number[][], keepUnknownWords: boolean, batch = 256): Promise<Float32Array[]> {
  const order = seqs.map((_, i) => i).sort((a, b) => seqs[a]!.length - seqs[b]!.length || a - b);
  const out: Float32Array[] = new Array(seqs.length);
  for (let b = 0; b < order.length; b += batch) {
    const idx = order.slice(b, b + batch);
    const e = await embedTokenIds(set, idx.map((k) => seqs[k]!), { keepUnknownWords });
    idx.forEach((k, r) => (out[k] = e[r]!));
  }
  return out;
}

/** Rank of the first relevant item as the README defines it (ties broken by gallery order). */
export function retrievalRank(scores: ArrayLike<number>, relevant: Set<number>): number {
  let best = -Infinity;
  for (const g of relevant) best = Math.max(best, scores[g]!);
  let first = Infinity;
  for (const g of relevant) if (scores[g] === best) first = Math.min(first, g);
  let higher = 0;
  for (let g = 0; g < scores.length; g++) if (scores[g]! > best || (g < first && scores[g] === best)) higher++;
  return higher + 1;
}

/**
 * The words the caption metrics compare, as evaluate.py splits them: every
 * special id dropped and "##" pieces joined onto their word. Not
 * Tokenizer.decode, which keeps [unk] and [mask] and joins punctuation into text.
 */
export function words(ids: readonly number[], vocab: readonly string[]): string[] {
  const out: string[] = [];
  for (const i of ids) {
    if (SPECIAL_IDS.has(i)) continue;
    const t = vocab[i]!;
    if (t.startsWith('##') && out.length) out[out.length - 1] += t.slice(2);
    else out.push(t);
  }
  return out;
}

function lcs(a: string[], b: string[]): number {
  if (!a.length || !b.length) return 0;
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const cur = [0];
    for (let j = 0; j < b.length; j++) cur.push(x === b[j] ? prev[j]! + 1 : Math.max(prev[j + 1]!, cur[j]!));
    prev = cur;
  }
  return prev[b.length]!;
}

export function rougeL(hyp: string[], ref: string[]): number {
  const l = lcs(hyp, ref);
  if (l === 0) return 0;
  const p = l / hyp.length;
  const r = l / ref.length;
  return (2 * p * r) / (p + r);
}

function ngrams(seq: string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= seq.length; i++) {
    const k = seq.slice(i, i + n).join('\u0000');
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** Corpus BLEU-4 as evaluate.py: clipped counts vs max over references, closest reference length (shorter on ties), no smoothing. */
export function corpusBleu4(hyps: string[][], refsList: string[][][]): number {
  const match = [0, 0, 0, 0];
  const total = [0, 0, 0, 0];
  let hypLen = 0;
  let refLen = 0;
  hyps.forEach((hyp, i) => {
    const refs = refsList[i]!;
    hypLen += hyp.length;
    let bestRef = refs[0]!.length;
    let bestDiff = Math.abs(bestRef - hyp.length);
    for (const r of refs) {
      const d = Math.abs(r.length - hyp.length);
      if (d < bestDiff || (d === bestDiff && r.length < bestRef)) {
        bestDiff = d;
        bestRef = r.length;
      }
    }
    refLen += bestRef;
    for (let n = 1; n <= 4; n++) {
      const h = ngrams(hyp, n);
      const maxref = new Map<string, number>();
      for (const r of refs) for (const [g, c] of ngrams(r, n)) maxref.set(g, Math.max(maxref.get(g) ?? 0, c));
      for (const [g, c] of h) match[n - 1]! += Math.min(c, maxref.get(g) ?? 0);
      total[n - 1]! += Math.max(hyp.length - n + 1, 0);
    }
  });
  if (Math.min(...match) === 0 || hypLen === 0) return 0;
  const logp = match.reduce((s, m, i) => s + Math.log(m / total[i]!), 0) / 4;
  const bp = hypLen > refLen ? 1 : Math.exp(1 - refLen / hypLen);
  return bp * Math.exp(logp);
}

export async function evaluateSplit(
  set: ModelSet,
  graphs: EvalGraph[],
  opts: { includeFamily: boolean; captionLimit: number | null; captions?: boolean; keepUnknownWords?: boolean; byTemplate?: boolean },
): Promise<{ metrics: SplitMetrics; counts: EvalCounts }> {
  const encoded = await encodeGraphs(set, graphs);
  const emb = encoded.map((e) => e.embedding);
  const keepUnknownWords = opts.keepUnknownWords === true;
  // retrieval, with both relevance readings
  const rel = new Map<string, Set<number>>();
  const source = new Map<string, Set<number>>();
  const tok = new Map<string, number[]>();
  const position = new Map(graphs.map((g, gi) => [g.id, gi]));
  graphs.forEach((g, gi) => {
    for (const q of g.queries) {
      if (!rel.has(q.text)) rel.set(q.text, new Set()), source.set(q.text, new Set());
      rel.get(q.text)!.add(gi);
      source.get(q.text)!.add(gi);
      for (const id of q.relevant ?? []) if (position.has(id)) rel.get(q.text)!.add(position.get(id)!);
      if (!tok.has(q.text)) tok.set(q.text, q.tokens);
    }
  });
  const texts = [...rel.keys()];
  const none = { r1: null, r5: null, mrr: null };
  let retrieval: SplitMetrics['retrieval'] = none;
  let retrievalSourceOnly: SplitMetrics['retrieval'] = none;
  if (texts.length) {
    const qe = await embedTokens(set, texts.map((t) => tok.get(t)!), keepUnknownWords);
    const sums = { rel: [0, 0, 0], source: [0, 0, 0] };
    const scores = new Float32Array(graphs.length);
    qe.forEach((q, qi) => {
      // float32 scores, as torch computes them
      for (let g = 0; g < graphs.length; g++) scores[g] = dot(q, emb[g]!);
      for (const [key, map] of [['rel', rel], ['source', source]] as const) {
        const rank = retrievalRank(scores, map.get(texts[qi]!)!);
        sums[key][0]! += rank <= 1 ? 1 : 0;
        sums[key][1]! += rank <= 5 ? 1 : 0;
        sums[key][2]! += 1 / rank;
      }
    });
    const mean = ([a, b, c]: number[]) => ({ r1: a! / texts.length, r5: b! / texts.length, mrr: c! / texts.length });
    retrieval = mean(sums.rel);
    retrievalSourceOnly = mean(sums.source);
  }
  // reasoning
  const st = graphs.flatMap((g, gi) => g.statements.map((s) => ({ ...s, gi })));
  let reasoning: SplitMetrics['reasoning'] = { accuracy: null, f1: null };
  const reasoningItems: Array<{ template: string; correct: boolean }> = [];
  if (st.length) {
    const te = await embedTokens(set, st.map((s) => s.tokens), keepUnknownWords);
    const p = await reasoningProbs(set, te, st.map((s) => encoded[s.gi]!));
    let tp = 0,
      fp = 0,
      fn = 0,
      ok = 0;
    st.forEach((s, i) => {
      const pred = p[i]! >= 0.5 ? 1 : 0;
      if (pred === s.label) ok++;
      reasoningItems.push({ template: s.template, correct: pred === s.label });
      if (pred === 1 && s.label === 1) tp++;
      if (pred === 1 && s.label === 0) fp++;
      if (pred === 0 && s.label === 1) fn++;
    });
    reasoning = { accuracy: ok / st.length, f1: tp + fp + fn ? (2 * tp) / (2 * tp + fp + fn) : 0 };
    if (opts.byTemplate) reasoning.by_template = scoreByTemplate(reasoningItems);
  }
  // QA
  const qs = graphs.flatMap((g, gi) => g.qa.filter((q) => opts.includeFamily || !q.family).map((q) => ({ ...q, gi })));
  let qa: SplitMetrics['qa'] = { exact_match: null, f1: null };
  const qaItems: Array<{ template: string; correct: boolean }> = [];
  if (qs.length) {
    const qe = await embedTokens(set, qs.map((q) => q.tokens), keepUnknownWords);
    const logits = await qaLogits(set, qe, qs.map((q) => encoded[q.gi]!));
    let em = 0,
      f1 = 0;
    qs.forEach((q, i) => {
      const pred = new Set(pickAnswers(logits[i]!, set.answers).map((a) => a.answer));
      const gold = new Set(q.answers);
      const inter = [...pred].filter((x) => gold.has(x)).length;
      const exact = inter === pred.size && inter === gold.size;
      if (exact) em++;
      qaItems.push({ template: q.template, correct: exact });
      f1 += (2 * inter) / (pred.size + gold.size);
    });
    qa = { exact_match: em / qs.length, f1: f1 / qs.length };
    if (opts.byTemplate) qa.by_template = scoreByTemplate(qaItems);
  }
  // captions
  let caption: SplitMetrics['caption'] = { rouge_l: null, bleu4: null };
  let idx = graphs.map((g, i) => (g.captions.length ? i : -1)).filter((i) => i >= 0);
  if (opts.captionLimit) idx = idx.slice(0, opts.captionLimit);
  if (opts.captions !== false && idx.length) {
    const vocab = set.tokenizer.tokens;
    const hyps: string[][] = [];
    // Greedy decoding 32 graphs at a time (the decoder's batch in evaluate.py).
    for (let b = 0; b < idx.length; b += 32) {
      const seqs = await captionGreedy(set, idx.slice(b, b + 32).map((k) => encoded[k]!));
      for (const s of seqs) hyps.push(words(s, vocab));
    }
    const refs = idx.map((k) => graphs[k]!.captions.map((c) => words(c, vocab)));
    let rl = 0;
    hyps.forEach((h, i) => (rl += Math.max(...refs[i]!.map((r) => rougeL(h, r)))));
    caption = { rouge_l: rl / idx.length, bleu4: corpusBleu4(hyps, refs) };
  }
  return {
    metrics: { retrieval, retrieval_source_only: retrievalSourceOnly, reasoning, qa, caption },
    counts: { graphs: graphs.length, queries: texts.length, statements: st.length, questions: qs.length, captioned: opts.captions === false ? 0 : idx.length },
  };
}

/** The splits `archbert eval` can measure; heldout and test unless asked otherwise. */
export const EVAL_SPLITS = ['heldout', 'test', 'val', 'train'] as const;
export type EvalSplit = (typeof EVAL_SPLITS)[number];

export interface EvalReport {
  /** Metrics per measured split (null: the split has no graphs). */
  splits: Partial<Record<EvalSplit, SplitMetrics | null>>;
  counts: Record<string, EvalCounts>;
  /** Figures export.py recorded in manifest.json, for comparison. */
  manifest: Record<string, unknown> | null;
  /** True when the dataset is not the one the models were trained on (texts re-tokenized). */
  otherDataset: boolean;
}

export interface EvaluateOptions {
  captionLimit?: number | null;
  captions?: boolean;
  /**
   * Feed each text's ids as the dataset wrote them, as the trainer read them
   * (on a dataset built before the unknown-word rule, unknown words included:
   * the manifest figures of a set trained on it), instead of as `find` and
   * `ask` read texts (model/unknown-words.ts).
   */
  keepUnknownWords?: boolean;
  splits?: readonly EvalSplit[];
  /** Also reasoning accuracy and QA exact match per template of the dataset (by_template in SplitMetrics' reasoning and qa). */
  byTemplate?: boolean;
  /**
   * Accept a dataset the models were not trained on (to compare two model sets on one
   * split): every text is re-tokenized with the set's vocabulary and answers are matched by
   * string. Its graph features must be written in the set's layout (same ops.json and bins.json).
   */
  otherDataset?: boolean;
}

/** The parsed JSON of a file, or null when it is absent (through the shared input check: a FIFO is refused, not waited on). */
function jsonOrNull(path: string): unknown {
  if (!existsSync(path)) return null;
  const text = readInputFileSync(path).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(path, `not valid JSON: ${(err as Error).message}`);
  }
}

export async function evaluate(set: ModelSet, dataDir: string, opts: EvaluateOptions = {}): Promise<EvalReport> {
  const manifestPath = join(dataDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new InputError(manifestPath, 'missing: not an archbert dataset directory (build it with `npm run dataset:archbert`)');
  const dm = jsonOrNull(manifestPath);
  if (typeof dm !== 'object' || dm === null || Array.isArray(dm)) throw new InputError(manifestPath, 'is not a JSON object: not an archbert dataset manifest');
  const dataHash = (['dataHash', 'data_hash', 'hash', 'sha256'].map((k) => (dm as Record<string, unknown>)[k]).find((v) => typeof v === 'string') as string | undefined) ?? null;
  const modelHash = (set.manifest.data?.hash as string | undefined) ?? null;
  const other = Boolean(dataHash && modelHash && dataHash !== modelHash);
  if (other && !opts.otherDataset) {
    throw new InputError(dataDir, `dataset ${dataHash!.slice(0, 12)}… is not the one the models were trained on (${modelHash!.slice(0, 12)}…): its splits and answer list differ; pass --data with that dataset (or --other-dataset to compare sets on it)`);
  }
  if (other) {
    // the graphs are read as stored: their op and bin ids must mean what the set's encoder learned
    for (const f of ['ops.json', 'bins.json']) {
      if (JSON.stringify(jsonOrNull(join(dataDir, f))) !== JSON.stringify(jsonOrNull(join(set.dir, f)))) {
        throw new InputError(join(dataDir, f), `differs from the model set's ${f}: its graphs are featurized for another encoder`);
      }
    }
  }
  const captionLimit = opts.captionLimit !== undefined ? opts.captionLimit : ((set.manifest.caption_limit as number | null | undefined) ?? 500);
  const wanted = opts.splits ?? ['heldout', 'test'];
  const encode = other ? (text: string) => set.tokenizer.encode(text).ids : undefined;
  const bySplit = await readSplits(dataDir, [...wanted], encode);
  const counts: Record<string, EvalCounts> = Object.create(null);
  const splits: EvalReport['splits'] = Object.create(null);
  for (const split of wanted) {
    const graphs = bySplit.get(split)!;
    splits[split] = null;
    if (!graphs.length) continue;
    // family questions are left out on heldout only: a held-out family's name cannot be a trained answer
    const r = await evaluateSplit(set, graphs, { includeFamily: split !== 'heldout', captionLimit, captions: opts.captions, keepUnknownWords: opts.keepUnknownWords, byTemplate: opts.byTemplate });
    splits[split] = r.metrics;
    counts[split] = r.counts;
  }
  return { splits, counts, manifest: (set.manifest.metrics as Record<string, unknown>) ?? null, otherDataset: other };
}

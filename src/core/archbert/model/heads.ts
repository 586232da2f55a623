/**
 * The learned heads on top of the two encoders, fed as the trainer feeds them
 * (training/archbert/model.py ReasoningHead, QAHead, CaptionDecoder): the QA
 * head (a logit per answer of answers.json), the reasoning head (the
 * probability that a statement is true of an architecture) and the caption
 * decoder (next-token logits for a batch of prefixes, given an architecture's
 * node states). When the set has the cached pair (caption_cross_kv +
 * caption_decoder_step), a search computes the cross-attention keys/values of
 * its architectures once, and each step feeds only each hypothesis' new token
 * and keeps the decoder's key/value cache (cachedCaptionStep); otherwise every
 * step re-runs the whole prefix.
 *
 * This is the one place outside embedding (embed.ts) that builds ONNX Runtime
 * tensors, so `ask`, `describe` and `eval` run the heads the same way: a
 * change to how a head is fed or read is made here once.
 */
import * as ort from 'onnxruntime-node';
import { beamSearch, DEFAULT_BEAM_WIDTH, greedyDecode, type BeamHypothesis, type StepFn } from './beam.js';
import { graphNodeState, type ArchEncoding } from './embed.js';
import { MAX_CAPTION_TOKENS } from './limits.js';
import type { ModelSet } from './model-set.js';
import { SPECIAL } from './tokenizer.js';

/** Rows per head call: bounds the feed tensors when `eval` scores thousands of pairs. */
const HEAD_BATCH = 1024;

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** [B, E] float32 tensor of B equally long rows. */
function stack(rows: readonly Float32Array[], width: number): ort.Tensor {
  const data = new Float32Array(rows.length * width);
  rows.forEach((v, i) => data.set(v, i * width));
  return new ort.Tensor('float32', data, [rows.length, width]);
}

/** Input and output names of the pair heads, as export.py names them. */
const PAIR_IO = {
  qa_head: { text: 'question_embedding', output: 'logits' },
  reasoning_head: { text: 'text_embedding', output: 'prob' },
} as const;

/** The third input of a head that also reads the [graph] node's state (a set trained with Config.head_graph_state). */
const GRAPH_STATE_INPUT = 'arch_graph_state';

/** The fourth input of a head that also reads the node states through attention (Config.head_node_attention); the mask is the fifth. */
const NODE_STATES_INPUT = 'node_states';

/** Padded node rows per call of a head that reads node states: bounds the [rows, nodes, H] feed (32 MiB at H = 128 in float32). */
const HEAD_NODE_ROWS = 1 << 16;

/** What a pair head reads of an encoded architecture. */
export type HeadArch = Pick<ArchEncoding, 'embedding' | 'nodeStates' | 'n' | 'hidden'>;

/** How many rows from `start` go into one head call: HEAD_BATCH, fewer when the padded node states would pass HEAD_NODE_ROWS. */
function headChunk(archs: readonly HeadArch[], start: number, readsNodes: boolean): number {
  if (!readsNodes) return Math.min(HEAD_BATCH, archs.length - start);
  let rows = 0;
  let widest = 0;
  while (start + rows < archs.length && rows < HEAD_BATCH) {
    const w = Math.max(widest, archs[start + rows]!.n);
    if (rows > 0 && (rows + 1) * w > HEAD_NODE_ROWS) break;
    widest = w;
    rows++;
  }
  return rows;
}

/**
 * Runs a text/architecture pair head over row-aligned inputs (text i goes with architecture i), HEAD_BATCH rows
 * a call at most; one output row per pair. A head whose file declares arch_graph_state gets each architecture's
 * [graph] node state too, and one that declares node_states the node states themselves, padded to the call's
 * largest graph with their mask (as the caption decoder gets them); the other heads get the two embeddings.
 */
async function pairHead(set: ModelSet, head: 'qa_head' | 'reasoning_head', texts: readonly Float32Array[], archs: readonly HeadArch[]): Promise<Float32Array[]> {
  if (texts.length === 0) return [];
  const E = texts[0]!.length;
  const inputs = (await set.session(head)).inputNames;
  const readsGraphState = inputs.includes(GRAPH_STATE_INPUT);
  const readsNodes = inputs.includes(NODE_STATES_INPUT);
  const out: Float32Array[] = [];
  for (let b = 0; b < texts.length; ) {
    const rows = headChunk(archs, b, readsNodes);
    const t = texts.slice(b, b + rows);
    const a = archs.slice(b, b + rows);
    b += rows;
    const feeds: Record<string, ort.Tensor> = { [PAIR_IO[head].text]: stack(t, E), arch_embedding: stack(a.map((x) => x.embedding), E) };
    if (readsGraphState) feeds[GRAPH_STATE_INPUT] = stack(a.map(graphNodeState), a[0]!.hidden);
    if (readsNodes) {
      const { states, mask, N, H } = paddedStates(a);
      feeds[NODE_STATES_INPUT] = new ort.Tensor('float32', states, [a.length, N, H]);
      feeds.node_mask = new ort.Tensor('float32', mask, [a.length, N]);
    }
    const r = await set.run(head, feeds);
    const data = r[PAIR_IO[head].output]!.data as Float32Array;
    const width = data.length / t.length;
    for (let i = 0; i < t.length; i++) out.push(data.slice(i * width, (i + 1) * width));
  }
  return out;
}

/** QA head: one logit per answer of answers.json for each (question, architecture) embedding pair. */
export function qaLogits(set: ModelSet, questions: readonly Float32Array[], archs: readonly HeadArch[]): Promise<Float32Array[]> {
  return pairHead(set, 'qa_head', questions, archs);
}

/** Reasoning head: the probability that each statement is true of its architecture. */
export async function reasoningProbs(set: ModelSet, statements: readonly Float32Array[], archs: readonly HeadArch[]): Promise<number[]> {
  return (await pairHead(set, 'reasoning_head', statements, archs)).map((p) => p[0]!);
}

/**
 * The QA head's answer, as the metric definition (training/archbert/README.md)
 * picks it: every answer with logit ≥ 0 (sigmoid ≥ 0.5), else the single best
 * (lowest index on ties); with sigmoid probabilities, most probable first.
 */
export function pickAnswers(logits: ArrayLike<number>, answers: readonly string[]): Array<{ answer: string; prob: number }> {
  let picks: Array<{ answer: string; prob: number }> = [];
  let best = 0;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i]! > logits[best]!) best = i;
    if (logits[i]! >= 0) picks.push({ answer: answers[i]!, prob: sigmoid(logits[i]!) });
  }
  if (picks.length === 0) picks = [{ answer: answers[best]!, prob: sigmoid(logits[best]!) }];
  return picks.sort((x, y) => y.prob - x.prob);
}

/** What the caption decoder reads of an encoded architecture. */
export type NodeStates = Pick<ArchEncoding, 'nodeStates' | 'n' | 'hidden'>;

/**
 * The caption decoder as a beam.ts step over the given architectures, padded
 * to their largest node count (padding masked out). Prefix i decodes
 * architecture rows[i] (greedy decoding of a batch); without rows (beam search
 * over one architecture) every prefix decodes archs[0].
 */
export function captionStep(set: ModelSet, archs: readonly NodeStates[]): StepFn {
  // `has` is absent on stand-in sets of the unit tests: they get the full-prefix step. A set
  // with only the first version's caption_decoder_cached.onnx also does (same captions, slower).
  if (set.has?.('caption_cross_kv') && set.has('caption_decoder_step')) return cachedCaptionStep(set, archs);
  return fullPrefixStep(set, archs);
}

/** Node states of the architectures padded to their largest node count, and the mask of the real nodes. */
function paddedStates(archs: readonly NodeStates[]): { states: Float32Array; mask: Float32Array; N: number; H: number } {
  const N = Math.max(...archs.map((a) => a.n));
  const H = archs[0]!.hidden;
  const states = new Float32Array(archs.length * N * H);
  const mask = new Float32Array(archs.length * N);
  archs.forEach((a, r) => {
    states.set(a.nodeStates, r * N * H);
    mask.fill(1, r * N, r * N + a.n);
  });
  return { states, mask, N, H };
}

/** Splits [B, V] logits into one row per prefix. */
function logitRows(out: Record<string, ort.Tensor>, B: number): Float32Array[] {
  const logits = out.logits!.data as Float32Array;
  const V = logits.length / B;
  return Array.from({ length: B }, (_, i) => logits.subarray(i * V, (i + 1) * V));
}

/** caption_decoder: the whole prefix of every hypothesis at every step. */
export function fullPrefixStep(set: ModelSet, archs: readonly NodeStates[]): StepFn {
  const { states: allStates, mask: allMask, N, H } = paddedStates(archs);
  return async (prefixes, rows) => {
    const B = prefixes.length;
    const T = prefixes[0]!.length;
    const ids = new BigInt64Array(B * T);
    prefixes.forEach((p, i) => p.forEach((t, j) => (ids[i * T + j] = BigInt(t))));
    const states = new Float32Array(B * N * H);
    const mask = new Float32Array(B * N);
    for (let i = 0; i < B; i++) {
      const r = rows ? rows[i]! : 0;
      states.set(allStates.subarray(r * N * H, (r + 1) * N * H), i * N * H);
      mask.set(allMask.subarray(r * N, (r + 1) * N), i * N);
    }
    const out = await set.run('caption_decoder', {
      input_ids: new ort.Tensor('int64', ids, [B, T]),
      node_states: new ort.Tensor('float32', states, [B, N, H]),
      node_mask: new ort.Tensor('float32', mask, [B, N]),
    });
    return logitRows(out, B);
  };
}

/**
 * The cached pair (training/archbert/decoder_cache.py): on a search's first
 * call, caption_cross_kv turns the architectures' node states into every
 * decoder layer's cross-attention keys/values, once (they do not depend on the
 * prefix; recomputing them was most of a step for graphs of ~500 nodes). Each
 * call of caption_decoder_step then feeds the tokens of the prefixes the cache
 * does not hold yet (one per step after the first), the previous call's
 * present_kv as past_kv and, as past_rows, the row each prefix continues
 * (beam.ts `parents`), so the decoder itself gathers the survivors' caches.
 * The architectures are fed once per call, not per hypothesis (arch_rows). One
 * closure per search: it holds that search's cross keys/values and cache.
 */
export function cachedCaptionStep(set: ModelSet, archs: readonly NodeStates[]): StepFn {
  const { states, mask, N, H } = paddedStates(archs);
  const nodeMask = new ort.Tensor('float32', mask, [archs.length, N]);
  let cross: Promise<{ crossKv: ort.Tensor; empty: ort.Tensor }> | null = null;
  let past: ort.Tensor | null = null;
  return async (prefixes, rows, parents) => {
    cross ??= (async () => {
      const empty = await emptyPast(set);
      await expectSignature(set, 'caption_cross_kv', ['node_states'], ['cross_kv']);
      const out = await set.run('caption_cross_kv', { node_states: new ort.Tensor('float32', states, [archs.length, N, H]) });
      return { crossKv: out.cross_kv!, empty };
    })();
    const { crossKv, empty } = await cross;
    const B = prefixes.length;
    const T = prefixes[0]!.length;
    // A first call (or a caller that gives no parents) starts from an empty cache.
    if (!parents) past = null;
    const cached = past ? past.dims[4]! : 0;
    if (past && T !== cached + 1) throw new Error(`cached caption step: prefixes of ${T} ids after a cache of ${cached}`);
    const t = T - cached;
    const ids = new BigInt64Array(B * t);
    prefixes.forEach((p, i) => {
      for (let j = 0; j < t; j++) ids[i * t + j] = BigInt(p[cached + j]!);
    });
    const pastRows = BigInt64Array.from(prefixes, (_, i) => BigInt(past && parents ? parents[i]! : 0));
    const archRows = BigInt64Array.from(prefixes, (_, i) => BigInt(rows ? rows[i]! : 0));
    const out = await set.run('caption_decoder_step', {
      input_ids: new ort.Tensor('int64', ids, [B, t]),
      past_kv: past ?? empty,
      past_rows: new ort.Tensor('int64', pastRows, [B]),
      cross_kv: crossKv,
      node_mask: nodeMask,
      arch_rows: new ort.Tensor('int64', archRows, [B]),
    });
    past = out.present_kv!;
    return logitRows(out, B);
  };
}

/** A one-line error unless the model has exactly these inputs and outputs (a file from another export). */
async function expectSignature(set: ModelSet, name: 'caption_cross_kv' | 'caption_decoder_step', inputs: readonly string[], outputs: readonly string[]): Promise<void> {
  const s = await set.session(name);
  const got = `(${s.inputNames.join(', ')}) -> (${s.outputNames.join(', ')})`;
  if (got !== `(${inputs.join(', ')}) -> (${outputs.join(', ')})`) {
    throw new Error(`${name}.onnx: expected inputs (${inputs.join(', ')}) and outputs (${outputs.join(', ')}), the file has ${got}`);
  }
}

/**
 * past_kv with no positions, [layers, 2, 1, heads, 0, head width]: the fixed
 * axes are read from the step model's own input description, so no manifest
 * field can disagree with the file.
 */
async function emptyPast(set: ModelSet): Promise<ort.Tensor> {
  await expectSignature(set, 'caption_decoder_step', ['input_ids', 'past_kv', 'past_rows', 'cross_kv', 'node_mask', 'arch_rows'], ['logits', 'present_kv']);
  const session = await set.session('caption_decoder_step');
  const meta = session.inputMetadata.find((m) => m.name === 'past_kv');
  const shape = meta && meta.isTensor ? meta.shape : [];
  const [layers, two, , heads, , width] = shape;
  if (shape.length !== 6 || typeof layers !== 'number' || two !== 2 || typeof heads !== 'number' || typeof width !== 'number') {
    throw new Error(`caption_decoder_step.onnx: past_kv is not [layers, 2, batch, heads, past, width] (${JSON.stringify(shape)})`);
  }
  return new ort.Tensor('float32', new Float32Array(0), [layers, 2, 1, heads, 0, width]);
}

/** Token ids the decoder must never produce inside a caption ([eos] ends it; the rest are not words). */
const NOT_CAPTION_WORDS = [SPECIAL.pad, SPECIAL.unk, SPECIAL.cls, SPECIAL.sep, SPECIAL.mask, SPECIAL.bos];

/** Beam search over the caption decoder for one encoded architecture (describe): finished hypotheses, best first. */
export function captionBeam(set: ModelSet, arch: NodeStates, width = DEFAULT_BEAM_WIDTH): Promise<BeamHypothesis[]> {
  return beamSearch(captionStep(set, [arch]), { width, maxLength: MAX_CAPTION_TOKENS, bos: SPECIAL.bos, eos: SPECIAL.eos, banned: NOT_CAPTION_WORDS });
}

/** Greedy captions of a batch of architectures, as the caption metrics define them (eval): token ids without [bos]/[eos]. */
export function captionGreedy(set: ModelSet, archs: readonly NodeStates[]): Promise<number[][]> {
  return greedyDecode(captionStep(set, archs), { bos: SPECIAL.bos, eos: SPECIAL.eos, maxLength: MAX_CAPTION_TOKENS }, archs.length);
}

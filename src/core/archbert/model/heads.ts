/**
 * The learned heads on top of the two encoders, fed as the trainer feeds them
 * (training/archbert/model.py ReasoningHead, QAHead, CaptionDecoder): the QA
 * head (a logit per answer of answers.json), the reasoning head (the
 * probability that a statement is true of an architecture) and the caption
 * decoder (next-token logits for a batch of prefixes, given an architecture's
 * node states).
 *
 * This is the one place outside embedding (embed.ts) that builds ONNX Runtime
 * tensors, so `ask`, `describe` and `eval` run the heads the same way: a
 * change to how a head is fed or read is made here once.
 */
import * as ort from 'onnxruntime-node';
import { beamSearch, DEFAULT_BEAM_WIDTH, greedyDecode, type BeamHypothesis, type StepFn } from './beam.js';
import type { ArchEncoding } from './embed.js';
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

/**
 * Runs a text/architecture pair head over row-aligned embeddings (text i goes
 * with architecture i), HEAD_BATCH rows a call; one output row per pair.
 */
async function pairHead(set: ModelSet, head: 'qa_head' | 'reasoning_head', texts: readonly Float32Array[], archs: readonly Float32Array[]): Promise<Float32Array[]> {
  if (texts.length === 0) return [];
  const E = texts[0]!.length;
  const out: Float32Array[] = [];
  for (let b = 0; b < texts.length; b += HEAD_BATCH) {
    const t = texts.slice(b, b + HEAD_BATCH);
    const textFeed = stack(t, E);
    const archFeed = stack(archs.slice(b, b + HEAD_BATCH), E);
    const r = await set.run(head, { [PAIR_IO[head].text]: textFeed, arch_embedding: archFeed });
    const data = r[PAIR_IO[head].output]!.data as Float32Array;
    const width = data.length / t.length;
    for (let i = 0; i < t.length; i++) out.push(data.slice(i * width, (i + 1) * width));
  }
  return out;
}

/** QA head: one logit per answer of answers.json for each (question, architecture) embedding pair. */
export function qaLogits(set: ModelSet, questions: readonly Float32Array[], archs: readonly Float32Array[]): Promise<Float32Array[]> {
  return pairHead(set, 'qa_head', questions, archs);
}

/** Reasoning head: the probability that each statement is true of its architecture. */
export async function reasoningProbs(set: ModelSet, statements: readonly Float32Array[], archs: readonly Float32Array[]): Promise<number[]> {
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
  const N = Math.max(...archs.map((a) => a.n));
  const H = archs[0]!.hidden;
  const allStates = new Float32Array(archs.length * N * H);
  const allMask = new Float32Array(archs.length * N);
  archs.forEach((a, r) => {
    allStates.set(a.nodeStates, r * N * H);
    allMask.fill(1, r * N, r * N + a.n);
  });
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
    const logits = out.logits!.data as Float32Array;
    const V = logits.length / B;
    return Array.from({ length: B }, (_, i) => logits.subarray(i * V, (i + 1) * V));
  };
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

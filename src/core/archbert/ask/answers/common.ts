/**
 * What every exact answer returns, and the few sentence pieces the answer
 * functions share (a yes/no head, a list in words, the task in words, what a
 * token model's output predicts).
 */
import type { OpGraph } from '../../../graph/types.js';
import type { ArchSummary } from '../../facts/arch-summary.js';
import type { AskKind, Intent } from '../../language/question.js';

/** An answer from the facts alone: the sentence, the typed value, and the graph nodes that show it. */
export interface Exact {
  answer: string;
  value: boolean | number | string | string[];
  evidence: Array<{ node: string; op: string }>;
}

/** The intent of one question kind. */
export type IntentOf<T extends Intent['type']> = Extract<Intent, { type: T }>;

/** One question kind's answer function. */
export type AnswerFn<T extends Intent['type']> = (intent: IntentOf<T>, kind: AskKind, s: ArchSummary, og: OpGraph) => Exact;

/** "Yes: …" / "No: …" to a question, "True: …" / "False: …" to a statement. */
export function yesNo(kind: AskKind, truth: boolean, detail: string): string {
  const head = kind === 'statement' ? (truth ? 'True' : 'False') : truth ? 'Yes' : 'No';
  return `${head}: ${detail}`;
}

/** "a", "a and b", "a, b and c". */
export const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/** The first letter in upper case. */
export const cap = (t: string) => (t ? t[0]!.toUpperCase() + t.slice(1) : t);

/** A kernel size's area ("3x3" → 9), to compare kernel sizes. */
export const area = (k: string) => k.split('x').reduce((p, v) => p * Number(v), 1);

/**
 * What a token model's output says about its task: one distribution over the
 * vocabulary per position (a language model, or an encoder-decoder with a
 * source and a target input) or one vector per sequence (a classifier). null
 * for other models: their task guess says it already.
 */
export function outputKind(og: OpGraph, s: ArchSummary): string | null {
  const st = s.structure;
  if (!st || (st.tokenInputs === 0 && s.recurrent.length === 0)) return null;
  const shape = og.outputNodes.map((i) => og.nodes[i]!.outShape).find((x) => x !== null);
  const shown = shape ? `the output ${JSON.stringify(shape)} is ` : 'the output is ';
  if (st.languageModel) return `${shown}a score for each of the ${st.vocab} vocabulary entries at every position: a language model (next-token prediction)`;
  if (st.encoderDecoder) return `${shown}a score for each of the ${st.vocab} vocabulary entries at every target position, from a source and a target input: an encoder-decoder (sequence-to-sequence) model`;
  if (st.pooledOutput) return `${shown}one vector per sequence: a sequence classifier`;
  return null;
}

/**
 * The task in words. The graph-level guess says only "sequence modeling" for
 * a token-input network; what its output predicts tells a text classifier
 * (one vector per sequence) from a language model (a vocabulary score per
 * token) or an encoder-decoder.
 */
export function specificTask(s: ArchSummary): string {
  const st = s.structure;
  if (!st || !(st.tokenInputs > 0 || s.recurrent.length > 0) || !/sequence/.test(s.task)) return s.task;
  if (st.encoderDecoder) return 'sequence-to-sequence (translation)';
  if (st.languageModel) return 'language modeling';
  if (st.pooledOutput) return s.modality === 'text' ? 'text classification' : 'sequence classification';
  return s.task;
}

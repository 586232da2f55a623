/**
 * Answers to statements and yes/no questions about what the network is:
 * its task, input modality, kernel sizes against a stated size, number of
 * inputs, causal mask, network kind and family. Each says what the facts
 * show, true or false.
 */
import type { OpGraph } from '../../../graph/types.js';
import type { ArchSummary } from '../../facts/arch-summary.js';
import type { AskKind } from '../../language/question.js';
import { familyInfo } from '../../facts/family-knowledge.js';
import { familyAgrees, satisfies, taskMatches } from '../../language/constraint-check.js';
import { KIND_CANON } from '../../language/vocabulary.js';
import { nodeRefs } from '../evidence.js';
import { area, outputKind, yesNo, type Exact, type IntentOf } from './common.js';

/** "Is it for detection?", "an image classification model": the task (and input, when stated). */
export function answerTaskIs(intent: IntentOf<'task_is'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  const modalityOk = !intent.modality || satisfies(s, { kind: 'modality', modality: intent.modality, text: '' });
  const truth = taskMatches(s, intent.task) && modalityOk;
  const out = outputKind(og, s);
  const inputNote = modalityOk ? '' : `; the input is ${s.modality}, not ${intent.modality}`;
  return { answer: yesNo(kind, truth, `the graph's task guess is ${s.task}${out ? `; ${out}` : ''}${inputNote}`), value: truth, evidence: nodeRefs(og, og.outputNodes.slice(0, 4)) };
}

/** "Does it take images?": the input modality. */
export function answerModalityIs(intent: IntentOf<'modality_is'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  const truth = satisfies(s, { kind: 'modality', modality: intent.modality, text: '' });
  return { answer: yesNo(kind, truth, `the input is ${s.modality}${s.input ? ` (shape ${s.input.map((d) => (d === null ? '?' : String(d))).join('x')})` : ''}`), value: truth, evidence: nodeRefs(og, og.inputNodes.slice(0, 4)) };
}

/** Kernel sizes against a stated size, by area: any larger, or all within it. */
export function answerKernelCmp(intent: IntentOf<'kernel_cmp'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  const bigger = s.kernelSizes.filter((k) => area(k) > intent.size);
  // "any bigger than 3x3?" is true when one is; "all at most 3x3" / "smaller than 3x3" when none exceeds it.
  const truth = intent.larger ? bigger.length > 0 : bigger.length === 0 && s.kernelSizes.length > 0;
  return { answer: yesNo(kind, truth, `kernel sizes in the graph: ${s.kernelSizes.join(', ') || 'none'}${bigger.length ? ` (larger than ${intent.text}: ${bigger.join(', ')})` : ` (none larger than ${intent.text})`}`), value: truth, evidence: [] };
}

/** "It takes a single input tensor": the number of graph inputs. */
export function answerInputsAre(intent: IntentOf<'inputs_are'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  const n = og.inputNodes.length;
  return { answer: yesNo(kind, n === intent.count, `the graph has ${n} input tensor(s)`), value: n === intent.count, evidence: nodeRefs(og, og.inputNodes.slice(0, 4)) };
}

/** A causal attention mask (a decoder), as the family rules find it. */
export function answerCausal(intent: IntentOf<'causal'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  // The family rules look for the causal mask: a GPT-like decoder, or the decoder of an encoder-decoder Transformer.
  const truth = s.familyKey === 'gptlike' || s.familyKey === 'transformer';
  const detail = truth ? `a causal attention mask (${s.familyKey === 'gptlike' ? 'decoder-only' : 'in the decoder of an encoder-decoder'})` : s.blocks.attention > 0 ? 'no causal mask on the attention (a bidirectional encoder)' : 'no attention, so no attention mask';
  return { answer: yesNo(kind, truth, detail), value: truth, evidence: [] };
}

/** "Is it a transformer?": the network kind; a hybrid is both a convnet and a transformer. */
export function answerKindIs(intent: IntentOf<'kind_is'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  // A hybrid convolution-attention network is both a convnet and a transformer.
  const truth = s.kind === intent.kind || (s.kind === 'hybrid' && (intent.kind === 'transformer' || intent.kind === 'convolutional'));
  return { answer: yesNo(kind, truth, `the graph is a ${KIND_CANON[s.kind]}`), value: truth, evidence: [] };
}

/** "Is it a ResNet?": the structural family guess. */
export function answerFamilyIs(intent: IntentOf<'family_is'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  const truth = familyAgrees(s, intent.family);
  const fam = s.family ? (familyInfo(s.familyKey)?.display ?? s.family) : 'no known family';
  return { answer: yesNo(kind, truth, `the graph matches ${fam}`), value: truth, evidence: [] };
}

/**
 * Answers to "what is its …?": task, family, network kind, encoder/decoder
 * role, what follows a convolution, input modality, largest kernel, year of
 * the family, input and output shapes.
 */
import type { OpGraph } from '../../../graph/types.js';
import type { ArchSummary } from '../../facts/arch-summary.js';
import type { AskKind } from '../../language/question.js';
import { familyInfo } from '../../facts/family-knowledge.js';
import { KIND_CANON, canon } from '../../language/vocabulary.js';
import { evidenceFor, nodeRefs } from '../evidence.js';
import { ACTIVATIONS } from '../../../graph/categories.js';
import { area, cap, list, outputKind, specificTask, type Exact, type IntentOf } from './common.js';

/** Ops that only move or reshape data: walked through from an output back to the op that computed it. */
const DATA_MOVES = new Set(['reshape', 'transpose', 'flatten', 'dropout', 'identity', 'squeeze', 'unsqueeze', 'slice', 'concat', 'split', 'gather', 'pad', 'cast']);
const ACTIVATION_SET = new Set<string>([...ACTIVATIONS, 'softmax', 'log_softmax']);

/** The activation nodes the outputs come out of (through reshapes and the like), one per output at most. */
function outputActivation(og: OpGraph): number[] {
  const preds: number[][] = og.nodes.map(() => []);
  for (const [a, b] of og.edges) preds[b]!.push(a);
  const found = new Set<number>();
  for (const out of og.outputNodes) {
    let i: number | undefined = out;
    for (let steps = 0; i !== undefined && steps < 8; steps++) {
      const c = og.nodes[i]!.category;
      if (ACTIVATION_SET.has(c)) {
        found.add(i);
        break;
      }
      if (!DATA_MOVES.has(c)) break;
      i = preds[i]![0];
    }
  }
  return [...found];
}

/** One property of the whole network, as a value and a sentence. */
export function answerWhat(intent: IntentOf<'what'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  switch (intent.what) {
    case 'task': {
      const task = specificTask(s);
      return { answer: `${cap(task)}${outputKind(og, s) ? ` (${outputKind(og, s)})` : ''}`, value: task, evidence: nodeRefs(og, og.outputNodes.slice(0, 4)) };
    }
    case 'family': {
      const fam = s.family ? (familyInfo(s.familyKey)?.display ?? s.family) : null;
      // The typed value is always the facts' family key (family.guess: "swin", "regnet", "mobilenet_v2"); the sentence uses the display name.
      return { answer: fam ? `${fam} (matched by the graph's structure)` : 'No known family matches the graph', value: s.family ?? 'unknown', evidence: [] };
    }
    case 'kind':
      return { answer: cap(KIND_CANON[s.kind]!), value: KIND_CANON[s.kind]!, evidence: [] };
    case 'role': {
      const st = s.structure;
      const role = st?.encoderDecoder || s.familyKey === 'transformer' ? 'encoder-decoder' : s.familyKey === 'gptlike' || st?.languageModel ? 'decoder' : s.familyKey === 'bertlike' ? 'encoder' : null;
      return role
        ? { answer: `${cap(role)}${role === 'decoder' ? ' (causal, predicts the next token)' : role === 'encoder' ? ' (bidirectional attention, no causal mask)' : ' (reads a source sequence, generates a target)'}`, value: role, evidence: [] }
        : { answer: 'Neither: it is not a sequence encoder or decoder', value: 'none', evidence: [] };
    }
    case 'after_conv':
      return s.afterConv
        ? { answer: `${cap(canon(s.afterConv))} most often follows a convolution`, value: canon(s.afterConv), evidence: evidenceFor(og, [s.afterConv]) }
        : { answer: 'There are no convolutions', value: 'none', evidence: [] };
    case 'modality':
      return { answer: cap(s.modality), value: kind === 'choice' ? [s.modality] : s.modality, evidence: [] };
    case 'largest_kernel': {
      const ks = [...s.kernelSizes].sort((a, b) => area(b) - area(a));
      return ks.length ? { answer: `${ks[0]}`, value: ks[0]!, evidence: [] } : { answer: 'There are no convolutions', value: 'none', evidence: [] };
    }
    case 'year': {
      const info = familyInfo(s.familyKey);
      return info ? { answer: `${info.year} (${info.display})`, value: info.year, evidence: [] } : { answer: 'Unknown: no known family matches the graph', value: 'unknown', evidence: [] };
    }
    case 'output': {
      const outs = og.outputNodes.map((i) => og.nodes[i]!).filter((n) => n.outShape);
      const shape = outs[0]?.outShape ? outs[0].outShape.map((d) => (typeof d === 'number' ? String(d) : '?')).join('x') : 'unknown';
      const kindNote = outputKind(og, s);
      return { answer: `Output shape ${shape}${kindNote ? `: ${kindNote}` : ''}`, value: shape, evidence: nodeRefs(og, og.outputNodes.slice(0, 4)) };
    }
    case 'output_activation': {
      const found = outputActivation(og);
      return found.length
        ? { answer: `${cap(list(found.map((i) => canon(og.nodes[i]!.category))))} on the output`, value: canon(og.nodes[found[0]!]!.category), evidence: nodeRefs(og, found) }
        : { answer: 'None: the outputs come straight from a linear or convolution layer (raw scores)', value: 'none', evidence: nodeRefs(og, og.outputNodes.slice(0, 4)) };
    }
    case 'input': {
      const shape = s.input ? s.input.map((d) => (d === null ? '?' : String(d))).join('x') : 'unknown';
      return { answer: `Input shape ${shape}`, value: shape, evidence: nodeRefs(og, og.inputNodes.slice(0, 4)) };
    }
  }
}

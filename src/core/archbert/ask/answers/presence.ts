/**
 * Answers to "does it use X?" / "it has no X" (presence), "which norms /
 * activations / kernels …?" (which) and "which of X, Y, Z does it use?"
 * (which_of), from the facts, with the graph nodes that show them.
 */
import type { OpGraph } from '../../../graph/types.js';
import type { ArchSummary } from '../../facts/arch-summary.js';
import type { AskKind } from '../../language/question.js';
import { BLOCK_KINDS, isBlockKind } from '../../facts/arch-summary.js';
import { featureLabel, hasFeature } from '../../language/feature-phrases.js';
import { canon } from '../../language/vocabulary.js';
import { factAnswerStrings } from '../answer-strings.js';
import { MAX_EVIDENCE, evidenceCategories, evidenceFor, nodeRefs, structuralEvidence } from '../evidence.js';
import { cap, list, yesNo, type Exact, type IntentOf } from './common.js';

/** Every named feature present (or, negated, absent); "X instead of Y" also wants every Y absent. */
export function answerPresence(intent: IntentOf<'presence'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  const present = intent.keys.map((k) => ({ k, has: hasFeature(s, k) }));
  const excluded = (intent.absent ?? []).map((k) => ({ k, has: hasFeature(s, k) }));
  // "does it use X?" → all present; "does it have no X?" / "it does not use X" → all absent;
  // "X instead of Y" → additionally every Y absent.
  const positive = intent.anyOf ? present.some((p) => p.has) : present.every((p) => p.has);
  const truth = (intent.negated ? present.every((p) => !p.has) : positive) && excluded.every((p) => !p.has);
  const parts = [...present, ...excluded].map((p) => {
    const sx = structuralEvidence(og, s, p.k);
    if (sx) return sx.detail;
    const count = evidenceFor(og, evidenceCategories(p.k), 1e9).length;
    const name = featureLabel(p.k);
    // The block rule's inverted residual is MBConv (1x1 expand → depthwise → 1x1 project); say so when the net expands after the depthwise conv instead.
    const dwIB = s.structure?.dwInvertedBottleneck ?? 0;
    if (!p.has && p.k === 'inverted_residual' && dwIB > 0) return `no ${name} (MBConv: 1x1 expand → depthwise → 1x1 project) block in the graph, but ${dwIB} depthwise conv → expand → project block(s) (ConvNeXt-style inverted bottlenecks)`;
    if (!p.has) return `no ${name} in the graph`;
    return isBlockKind(p.k) ? `${s.blocks[p.k] || count} ${name} block(s) found` : `${count} ${name} op(s) in the graph`;
  });
  const evidence = [...present, ...excluded]
    .filter((p) => p.has)
    .flatMap((p) => {
      const sx = structuralEvidence(og, s, p.k);
      return sx ? nodeRefs(og, sx.nodes) : evidenceFor(og, evidenceCategories(p.k));
    });
  const unique = evidence.filter((e, i) => evidence.findIndex((o) => o.node === e.node && o.op === e.op) === i);
  return { answer: yesNo(kind, truth, parts.join('; ')), value: truth, evidence: unique.slice(0, MAX_EVIDENCE) };
}

/** The layer types of one kind the graph has, in the QA vocabulary's words. */
export function answerWhich(intent: IntentOf<'which'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  // Softmax (attention weights, output probabilities) is an activation in the graph too; the QA vocabulary keeps it apart.
  const strings = [...factAnswerStrings(s, intent)!.filter((x) => x !== 'none'), ...(intent.what === 'activation' ? s.outputActivations.map(canon) : [])];
  const cats: string[] =
    intent.what === 'norm' ? s.norms : intent.what === 'activation' ? s.activations : intent.what === 'pooling' ? s.pooling : intent.what === 'kernels' && intent.convKind ? [intent.convKind] : intent.what === 'conv_kinds' || intent.what === 'kernels' ? s.convKinds : intent.what === 'recurrent' ? s.recurrent : [];
  const evidence =
    intent.what === 'blocks'
      ? BLOCK_KINDS.filter((b) => s.blocks[b] > 0).flatMap((b) => evidenceFor(og, evidenceCategories(b), 3))
      : evidenceFor(og, cats.flatMap((c) => [c]), MAX_EVIDENCE);
  const label = { norm: 'normalization', activation: 'activation functions', pooling: 'pooling', kernels: intent.convKind ? `${intent.convKind.replace(/_/g, ' ')} kernel sizes` : 'convolution kernel sizes', blocks: 'block types', conv_kinds: 'convolution types', recurrent: 'recurrent layers' }[intent.what];
  return { answer: strings.length ? `${cap(label)}: ${list(strings)}` : `None: the graph has no ${label}`, value: strings, evidence: evidence.slice(0, MAX_EVIDENCE) };
}

/** Which of the named options the graph has (or, negated, lacks). */
export function answerWhichOf(intent: IntentOf<'which_of'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  const chosen = intent.options.filter((k) => (intent.negated ? !hasFeature(s, k) : hasFeature(s, k)));
  const names = chosen.map(canon);
  const evidence = intent.negated ? [] : chosen.flatMap((k) => evidenceFor(og, evidenceCategories(k), 4));
  return { answer: names.length ? `${cap(list(names))}` : `None of them`, value: names, evidence: evidence.slice(0, MAX_EVIDENCE) };
}

/**
 * Answers about sizes and counts: "how many parameters / layers / MACs / SE
 * blocks?" (count), stated comparisons "fewer than 20 SE blocks" (quantity),
 * parameter bounds "under 5m parameters" (params_bound) and "is it
 * lightweight?". A stated count is checked through the same path as the
 * question that asks it, so the two always agree.
 */
import type { OpGraph } from '../../../graph/types.js';
import type { ArchSummary } from '../../facts/arch-summary.js';
import type { AskKind } from '../../language/question.js';
import { CONV_KINDS, RECURRENT, WEIGHTED, isBlockKind } from '../../facts/arch-summary.js';
import { satisfies } from '../../language/constraint-check.js';
import { statedParamCount } from '../../language/constraints.js';
import { featureLabel, layerCount } from '../../language/feature-phrases.js';
import { CMP_TEXT, compare, quantityOf } from '../../language/quantity.js';
import { formatCount } from '../../language/vocabulary.js';
import { MAX_EVIDENCE, evidenceCategories, evidenceFor, nodeRefs, paramEvidence, structuralEvidence } from '../evidence.js';
import { yesNo, type Exact, type IntentOf } from './common.js';

/** A count from the facts: parameters (all, trainable, of one layer type), MACs, depth, layers, or one feature's ops or blocks. */
export function answerCount(intent: IntentOf<'count'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  if (intent.what === 'params' && intent.key) {
    const cats = intent.key === 'conv' ? [...CONV_KINDS] : intent.key === 'normalization' ? evidenceCategories('normalization') : intent.key === 'recurrent' ? [...RECURRENT] : [intent.key];
    const by = s.paramsByCategory;
    if (by) {
      const n = cats.reduce((a, c) => a + (by[c] ?? 0), 0);
      return { answer: `${n.toLocaleString('en-US')} parameters in ${featureLabel(intent.key)} layers (${formatCount(n)} of ${formatCount(s.params)})`, value: n, evidence: evidenceFor(og, cats) };
    }
  }
  if (intent.what === 'params' && intent.trainable && s.trainableParams !== undefined) {
    const t = s.trainableParams;
    const rest = s.params - t;
    return { answer: `${t.toLocaleString('en-US')} trainable parameters (${formatCount(t)})${rest > 0 ? `; ${s.params.toLocaleString('en-US')} with the ${rest.toLocaleString('en-US')} buffers and constants` : ''}`, value: t, evidence: paramEvidence(og) };
  }
  if (intent.what === 'params') return { answer: `${s.params.toLocaleString('en-US')} parameters (${formatCount(s.params)})`, value: s.params, evidence: paramEvidence(og) };
  if (intent.what === 'macs') {
    return s.macs === null
      ? { answer: 'Unknown: the MACs could not be computed for this graph (see describe notes)', value: 0, evidence: [] }
      : { answer: `${s.macs.toLocaleString('en-US')} multiply-accumulates (${formatCount(s.macs)} MACs, about ${formatCount(2 * s.macs)} FLOPs)`, value: s.macs, evidence: paramEvidence(og) };
  }
  if (intent.what === 'depth') return { answer: `${s.depth} weighted layers on the longest path`, value: s.depth, evidence: [] };
  if (intent.what === 'transformer_layers') {
    const n = layerCount(s, 'transformer');
    const st = s.structure;
    return { answer: n ? `${n} transformer layer(s)${st?.encoderDecoder ? ' in each of the encoder and the decoder' : ''} (${s.blocks.attention} attention blocks)` : 'No transformer layers: the graph has no attention', value: n, evidence: evidenceFor(og, ['attention', 'softmax'], MAX_EVIDENCE) };
  }
  if (intent.what === 'layers') {
    // Said of a transformer or recurrent net, "layers" often means its transformer / recurrent layers: name those too.
    const tl = layerCount(s, 'transformer');
    const rl = layerCount(s, 'recurrent');
    const also = rl > 0 ? `; ${rl} recurrent layer(s)` : tl > 0 ? `; ${tl} transformer layer(s)` : '';
    return { answer: `${s.weightedLayers} weighted layers (convolution, linear, embedding, attention, recurrent)${also}`, value: s.weightedLayers, evidence: evidenceFor(og, WEIGHTED) };
  }
  const key = intent.key!;
  const sx = structuralEvidence(og, s, key);
  if (sx && key !== 'hierarchical') return { answer: sx.detail.startsWith(`${sx.count} `) ? sx.detail : `${sx.count}: ${sx.detail}`, value: sx.count, evidence: nodeRefs(og, sx.nodes) };
  const cats = evidenceCategories(key);
  const n = isBlockKind(key) ? s.blocks[key] : og.nodes.filter((x) => cats.includes(x.category)).length;
  return { answer: `${n} ${key.replace(/_/g, ' ')}${isBlockKind(key) ? ' block(s)' : ' op(s)'}`, value: n, evidence: evidenceFor(og, cats) };
}

/** Stated comparisons of counts ("fewer than 20 SE blocks", "depth above 200"): true when all hold. */
export function answerQuantity(intent: IntentOf<'quantity'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  const checks = intent.constraints.map((c) => {
    // Feature counts through the same path as "how many X?", so the two answers always agree.
    const metric = ['depth', 'layers', 'macs', 'flops'].includes(c.what);
    const counted = metric ? null : answerCount({ type: 'count', what: 'op', key: c.what }, 'value', s, og);
    const x = metric ? quantityOf(s, c.what) : typeof counted!.value === 'number' ? counted!.value : null;
    const label = metric ? { depth: 'graph depth (weighted layers on the longest path)', layers: 'weighted layers', macs: 'MACs', flops: 'FLOPs' }[c.what]! : featureLabel(c.what);
    const holds = x !== null && compare(x, c.cmp, c.value);
    const shown = x === null ? 'unknown' : ['macs', 'flops'].includes(c.what) ? formatCount(x) : x.toLocaleString('en-US');
    const stated = `stated: ${CMP_TEXT[c.cmp]} ${['macs', 'flops'].includes(c.what) ? formatCount(c.value) : c.value}`;
    const detail = metric ? `${label} ${shown} (${stated})` : `${shown} ${label}${isBlockKind(c.what) ? ' block(s)' : ' op(s)'} in the graph (${stated})`;
    return { holds, detail, evidence: counted?.evidence ?? [] };
  });
  const truth = checks.every((c) => c.holds);
  return { answer: yesNo(kind, truth, checks.map((c) => c.detail).join('; ')), value: truth, evidence: checks.flatMap((c) => c.evidence).slice(0, MAX_EVIDENCE) };
}

/** A stated parameter count, bound or range checked against the count. */
export function answerParamsBound(intent: IntentOf<'params_bound'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  // "does it have 25.6m parameters?" states a count (true within 5 %, the rounding of a 3-digit figure); "about 50m" within 20 %;
  // bounds and ranges are checked as stated (both ends of a range). "trainable parameters" leaves buffers and constants out.
  if (intent.trainable && s.trainableParams !== undefined && s.trainableParams !== s.params) {
    const r = answerParamsBound({ ...intent, trainable: false }, kind, { ...s, params: s.trainableParams }, og);
    return { ...r, answer: r.answer.replace(' parameters (', ' trainable parameters (') };
  }
  const stated = statedParamCount(intent.text);
  const truth = stated
    ? Math.abs(s.params - stated.value) <= (stated.approximate ? 0.2 : 0.05) * stated.value
    : satisfies(s, { kind: intent.kind, value: intent.value, text: intent.text }) && (!intent.also || satisfies(s, { kind: intent.also.kind, value: intent.also.value, text: intent.text }));
  return { answer: yesNo(kind, truth, `it has ${s.params.toLocaleString('en-US')} parameters (${formatCount(s.params)})`), value: truth, evidence: paramEvidence(og) };
}

/** Lightweight means under 5m parameters here (the dataset's wording). */
export function answerLightweight(intent: IntentOf<'lightweight'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  const truth = s.params < 5e6;
  return { answer: yesNo(kind, truth, `${formatCount(s.params)} parameters (lightweight here means under 5m)`), value: truth, evidence: paramEvidence(og) };
}

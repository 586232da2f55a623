/**
 * The graph nodes that show an answer: which op categories stand for a
 * feature, the nodes behind the structure facts (window attention, fused
 * MBConv, stem …) with a sentence of what the graph shows, and the
 * biggest-parameter nodes for a parameter count. At most MAX_EVIDENCE nodes.
 */
import type { OpGraph } from '../../graph/types.js';
import type { ArchSummary } from '../facts/arch-summary.js';
import { CONV_KINDS, POOLING, RECURRENT } from '../facts/arch-summary.js';
import { CONV_CATEGORIES, structureNodes } from '../facts/structure.js';
import { NORMS } from '../../graph/categories.js';
import { LARGE_KERNEL, LARGE_STEM_KERNEL, exclusiveGroup, layerCount, featureLabel, hasFeature } from '../language/feature-phrases.js';

export const MAX_EVIDENCE = 12;

/** Categories whose nodes are evidence for a feature key. */
export function evidenceCategories(key: string): string[] {
  switch (key) {
    case 'conv':
      return [...CONV_KINDS];
    case 'normalization':
      return [...NORMS];
    case 'attention':
    case 'attention_block':
      return ['attention', 'softmax', 'matmul'];
    case 'recurrent':
      return [...RECURRENT];
    case 'pooling':
      return [...POOLING];
    case 'residual':
      return ['add'];
    case 'depthwise_separable':
    case 'inverted_residual':
      return ['depthwise_conv'];
    case 'squeeze_excitation':
      return ['global_avg_pool', 'mul'];
    case 'feature_pyramid':
      return ['resize', 'add'];
    default:
      return [key];
  }
}

/** The graph nodes at these indices, as evidence (their source node ids). */
export const nodeRefs = (og: OpGraph, idx: number[]) => idx.slice(0, MAX_EVIDENCE).map((i) => ({ node: og.nodes[i]!.sources[0] ?? og.nodes[i]!.id, op: og.nodes[i]!.category }));

/** The first nodes of these categories, as evidence. */
export function evidenceFor(og: OpGraph, categories: readonly string[], limit = MAX_EVIDENCE): Array<{ node: string; op: string }> {
  const set = new Set(categories);
  const out: Array<{ node: string; op: string }> = [];
  for (const n of og.nodes) {
    if (!set.has(n.category)) continue;
    out.push({ node: n.sources[0] ?? n.id, op: n.category });
    if (out.length >= limit) break;
  }
  return out;
}

/** Biggest-parameter nodes: evidence for a parameter count. */
export function paramEvidence(og: OpGraph, limit = 5): Array<{ node: string; op: string }> {
  return [...og.nodes]
    .filter((n) => n.params > 0)
    .sort((a, b) => b.params - a.params)
    .slice(0, limit)
    .map((n) => ({ node: n.sources[0] ?? n.id, op: n.category }));
}

/** The graph nodes behind the structure facts (window attention, attention softmaxes, …), for the summary's input. */
export const nodesOfStructure = (og: OpGraph, s: ArchSummary) => structureNodes(og, { inputs: [{ name: 'input', shape: s.input, dtype: 'float32' }] });

/**
 * Feature keys decided by the structure facts (structure.ts) rather than by a
 * category count: the nodes behind them, how many, and a sentence of what the
 * graph shows (said whether the feature is there or not). null for the plain
 * category / block keys.
 */
export function structuralEvidence(og: OpGraph, s: ArchSummary, key: string): { nodes: number[]; count: number; detail: string } | null {
  // "ReLU-only", "layer norm is its only norm": which activations (or norms) the graph has.
  if (key.startsWith('only:')) {
    const k = key.slice('only:'.length);
    const group = exclusiveGroup(s, k);
    if (!group) return null;
    const { kinds, what } = group;
    const name = k.replace(/_/g, ' ');
    const nodes = og.nodes.flatMap((n, i) => (n.category === k ? [i] : []));
    const detail =
      kinds.length === 1 && kinds[0] === k
        ? `${name} is the only ${what} in the graph (${nodes.length} op(s))`
        : kinds.includes(k)
          ? `${name} is not the only ${what}: the graph has ${kinds.map((x) => x.replace(/_/g, ' ')).join(', ')}`
          : `no ${name} in the graph${kinds.length ? ` (${what}s there: ${kinds.map((x) => x.replace(/_/g, ' ')).join(', ')})` : ''}`;
    return { nodes, count: nodes.length, detail };
  }
  const st = s.structure;
  if (!st) return null;
  const convIdx = og.nodes.flatMap((n, i) => ((CONV_CATEGORIES as readonly string[]).includes(n.category) && n.kernel ? [i] : []));
  const sn = () => nodesOfStructure(og, s);
  if (key.startsWith('kernel:')) {
    const [, kind, size] = key.split(':') as [string, string, string];
    const nodes = convIdx.filter((i, j) => {
      const n = og.nodes[i]!;
      if (kind !== 'any' && n.category !== kind) return false;
      if (size === 'large') return Math.max(n.kernel![0], n.kernel![1]) >= (j === 0 ? LARGE_STEM_KERNEL : LARGE_KERNEL);
      return `${n.kernel![0]}x${n.kernel![1]}` === size;
    });
    const sizes = Object.entries(st.kernelsByKind).filter(([k]) => kind === 'any' || k === kind).flatMap(([, v]) => v);
    const what = featureLabel(key);
    const rule = size === 'large' ? `; large = a side ≥ ${LARGE_KERNEL} after the stem, ≥ ${LARGE_STEM_KERNEL} for the stem` : '';
    return { nodes, count: nodes.length, detail: nodes.length ? `${nodes.length} ${what} op(s) in the graph` : `no ${what} in the graph${sizes.length ? ` (kernel sizes there: ${[...new Set(sizes)].join(', ')}${rule})` : ''}` };
  }
  // Dilated (atrous) convolutions of any kind: a depthwise or grouped conv with dilation > 1 is categorised by its grouping.
  if (key === 'dilated_conv') {
    const nodes = convIdx.filter((i) => (og.nodes[i]!.dilation ?? []).some((d) => d > 1));
    const kinds = [...new Set(nodes.map((i) => og.nodes[i]!.category))].map((c) => c.replace(/_/g, ' '));
    const detail = nodes.length ? `${nodes.length} conv op(s) with dilation > 1 in the graph${kinds.some((k) => k !== 'dilated conv') ? ` (${kinds.join(', ')})` : ''}` : 'no dilated conv in the graph';
    return { nodes, count: nodes.length, detail };
  }
  if (key.startsWith('count:')) {
    const [, what] = key.split(':') as [string, string];
    const n = layerCount(s, what);
    const recurrent = what === 'gru' || what === 'lstm' ? sn().recurrent.filter((i) => og.nodes[i]!.category === what) : ['rnn', 'recurrent', 'layer'].includes(what) ? sn().recurrent : [];
    const noun = what === 'layer' ? (st.recurrentLayers ? 'recurrent' : s.blocks.attention ? 'transformer' : 'weighted') : what;
    return { nodes: recurrent, count: n, detail: `${n} ${noun} layer(s)${st.encoderDecoder && ['transformer', 'attention', 'encoder'].includes(what) ? ' per encoder and decoder' : ''}` };
  }
  if (key.startsWith('stem:')) {
    const stem = st.stem;
    return { nodes: convIdx.slice(0, 1), count: stem ? 1 : 0, detail: stem ? `the stem (first convolution) is a ${stem.kernel} ${stem.category.replace(/_/g, ' ')} with stride ${stem.stride}` : 'there are no convolutions' };
  }
  switch (key) {
    case 'window_attention': {
      const nodes = sn().windowAttention;
      const shape = nodes.length ? og.nodes[nodes[0]!]!.outShape : null;
      return { nodes, count: nodes.length, detail: nodes.length ? `${nodes.length} attention softmax op(s) computed per window (attention map ${JSON.stringify(shape)}: windows folded into the batch)` : 'no attention computed per window in the graph' };
    }
    case 'shifted_windows': {
      const nodes = st.windowAttention > 0 ? sn().shiftedWindows : [];
      return { nodes, count: nodes.length, detail: nodes.length ? `${nodes.length} cyclic shift(s) (two slices concatenated back swapped, i.e. a roll) around ${st.windowAttention} windowed attention op(s)` : 'no shifted windows (no cyclic shift around windowed attention) in the graph' };
    }
    case 'patch_merging': {
      const nodes = sn().patchMerging;
      return { nodes, count: nodes.length, detail: nodes.length ? `${nodes.length} patch merging op(s) (strided slices of one tensor concatenated)` : 'no patch merging in the graph' };
    }
    case 'fused_mbconv': {
      const nodes = sn().fusedMBConv;
      return { nodes, count: nodes.length, detail: nodes.length ? `${nodes.length} fused-MBConv block(s) (a full k×k conv in place of the 1x1 expansion + depthwise conv: expanding then projected by a 1x1 conv, or alone with a residual add)` : 'no fused-MBConv block (full k×k expansion conv, 1x1 projection, residual) in the graph' };
    }
    case 'relative_position_bias': {
      const nodes = sn().relativePositionBias;
      return { nodes, count: nodes.length, detail: nodes.length ? `${nodes.length} attention op(s) add a constant table of heads × N × N to the logits before the softmax (a per-head position bias)` : 'no position-bias table added to attention logits in the graph' };
    }
    case 'layer_scale': {
      const nodes = sn().layerScale;
      return { nodes, count: nodes.length, detail: nodes.length ? `${nodes.length} learned per-channel scale(s) right before a residual add (layer scale)` : 'no learned per-channel scale before a residual add in the graph' };
    }
    case 'hierarchical':
      return { nodes: [], count: st.resolutions, detail: `feature maps at ${st.resolutions} spatial resolution(s)${st.resolutions >= 3 ? ' (multi-stage)' : ''}` };
    case 'bidirectional':
    case 'unidirectional': {
      const n = sn();
      const nodes = key === 'bidirectional' ? n.bidirectional : n.recurrent.filter((i) => !n.bidirectional.includes(i));
      if (!st.recurrentLayers && key === 'bidirectional' && hasFeature(s, 'bidirectional')) {
        return { nodes: sn().softmaxAttention, count: s.blocks.attention, detail: `a transformer encoder over tokens (${s.blocks.attention} attention blocks, no causal per-token vocabulary output): every token attends in both directions` };
      }
      const none = st.languageModel ? 'no recurrent layers, and a language model (per-token next-token output) attends one way only' : 'no recurrent layers in the graph';
      return { nodes, count: nodes.length, detail: st.recurrentLayers ? `${st.bidirectional} of ${st.recurrentLayers} recurrent layer(s) bidirectional` : none };
    }
    case 'large_kernel': {
      const nodes = convIdx.filter((i, j) => Math.max(...og.nodes[i]!.kernel!) >= (j === 0 ? LARGE_STEM_KERNEL : LARGE_KERNEL));
      const stemNote = st.stem ? `; the stem is ${st.stem.kernel}` : '';
      return { nodes, count: nodes.length, detail: `${st.maxBodyKernel ? `largest kernel side after the stem is ${st.maxBodyKernel}` : 'no convolutions after the stem'}${stemNote}${nodes.length ? ` (${nodes.length} large conv op(s): side ≥ ${LARGE_KERNEL}, or ≥ ${LARGE_STEM_KERNEL} for the stem)` : ''}` };
    }
    case 'attention':
    case 'attention_block':
      if (s.blocks.attention > 0 || (s.ops.attention ?? 0) > 0 || st.softmaxAttention === 0) return null;
      return { nodes: sn().softmaxAttention, count: st.softmaxAttention, detail: `${st.softmaxAttention} softmax op(s) whose weights multiply values (additive attention, no attention block)` };
  }
  return null;
}

/**
 * Answers about sizes read off the graph's shapes: classes, attention heads,
 * vocabulary, attention window, input and output tensors (size_of), hidden
 * and MLP widths, patch size and longest sequence of a token model, and the
 * stem convolution (stem).
 */
import type { OpGraph } from '../../../graph/types.js';
import type { ArchSummary } from '../../facts/arch-summary.js';
import type { AskKind } from '../../language/question.js';
import { CONV_KINDS, RECURRENT } from '../../facts/arch-summary.js';
import { MAX_EVIDENCE, nodeRefs, nodesOfStructure } from '../evidence.js';
import { cap, type Exact, type IntentOf } from './common.js';

/** A size the shapes give: classes, heads, vocabulary, window, inputs/outputs, or a token model's widths. */
export function answerSizeOf(intent: IntentOf<'size_of'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  const st = s.structure;
  if (intent.what === 'classes') {
    // The last dim of a [batch, classes] output (a per-token output's last dim is its vocabulary).
    const outIdx = og.outputNodes.find((i) => (og.nodes[i]!.outShape?.length ?? 0) === 2);
    const n = outIdx !== undefined ? og.nodes[outIdx]!.outShape![1] : null;
    return typeof n === 'number'
      ? { answer: `${n} output classes (output shape ${og.nodes[outIdx!]!.outShape!.join('x')})`, value: n, evidence: nodeRefs(og, [outIdx!]) }
      : { answer: 'The output is not one score vector per input, so there is no class count', value: 'none', evidence: [] };
  }
  if (intent.what === 'width' || intent.what === 'mlp_width' || intent.what === 'patch' || intent.what === 'max_len') return tokenModelSize(intent.what, s, og);
  if (intent.what === 'inputs' || intent.what === 'outputs') {
    const ends = intent.what === 'inputs' ? og.inputNodes : og.outputNodes;
    const shapes = ends.map((i) => og.nodes[i]!).map((n) => `${n.sources[0] ?? n.id}${n.outShape ? ` [${n.outShape.map((d) => (typeof d === 'number' ? String(d) : '?')).join(', ')}]` : ''}`);
    return { answer: `${ends.length} ${intent.what === 'inputs' ? 'input' : 'output'} tensor(s): ${shapes.join('; ')}`, value: ends.length, evidence: nodeRefs(og, ends.slice(0, MAX_EVIDENCE)) };
  }
  if (intent.what === 'heads') {
    // The attention map ends [..., heads, queries, keys]: windows or the batch sit before the heads (rank ≥ 4);
    // a rank-3 map is [batch·heads, q, k] (batch 1 at export); a rank-2 map is one additive-attention distribution.
    const att = nodesOfStructure(og, s).softmaxAttention;
    const batch = typeof s.input?.[0] === 'number' ? (s.input[0] as number) : 1;
    const heads = att
      .map((i) => og.nodes[i]!.outShape)
      .map((sh) => (!sh ? null : sh.length >= 4 ? sh[sh.length - 3] : sh.length === 3 && typeof sh[0] === 'number' ? sh[0] / batch : sh.length === 2 ? 1 : null))
      .filter((h): h is number => typeof h === 'number' && Number.isInteger(h) && h > 0);
    if (!heads.length) return { answer: att.length ? 'Unknown: the attention maps have no static shape' : 'No attention in the graph, so no heads', value: att.length ? 'unknown' : 'none', evidence: [] };
    const distinct = heads.filter((h, i) => heads.indexOf(h) === i);
    const evidence = nodeRefs(og, att.slice(0, 4));
    return distinct.length === 1
      ? { answer: `${distinct[0]} head(s) in each of the ${att.length} attention layer(s)`, value: distinct[0]!, evidence }
      : { answer: `${distinct.join(', ')} heads (varying by stage, in graph order over ${att.length} attention layers)`, value: distinct.map(String), evidence };
  }
  if (intent.what === 'vocab') {
    const emb = og.nodes.findIndex((n) => n.category === 'embedding');
    return st?.vocab
      ? { answer: `${st.vocab.toLocaleString('en-US')} entries in the embedding table (the vocabulary)`, value: st.vocab, evidence: emb >= 0 ? nodeRefs(og, [emb]) : [] }
      : { answer: 'No token embedding table in the graph, so no vocabulary', value: 'none', evidence: [] };
  }
  const nodes = nodesOfStructure(og, s).windowAttention;
  const shape = nodes.length ? og.nodes[nodes[0]!]!.outShape : null;
  const n = shape ? shape[shape.length - 1] : null;
  if (typeof n !== 'number') return { answer: 'No attention computed per window in the graph', value: 'none', evidence: [] };
  const side = Math.round(Math.sqrt(n));
  const value = side * side === n ? `${side}x${side}` : String(n);
  return { answer: `${value}: each window attends over ${n} tokens (attention map ${JSON.stringify(shape)})`, value, evidence: nodeRefs(og, nodes.slice(0, 4)) };
}

/** The first convolution: its kernel, its stride, or both. */
export function answerStem(intent: IntentOf<'stem'>, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  const stem = s.structure?.stem ?? null;
  if (!stem) return { answer: 'There are no convolutions, so no convolutional stem', value: 'none', evidence: [] };
  const first = og.nodes.findIndex((n) => n.category === stem.category && n.kernel !== null);
  const evidence = first >= 0 ? nodeRefs(og, [first]) : [];
  const sentence = `the stem (first convolution) is a ${stem.kernel} ${stem.category.replace(/_/g, ' ')} with stride ${stem.stride}`;
  if (intent.part === 'kernel') return { answer: `${stem.kernel}: ${sentence}`, value: stem.kernel, evidence };
  if (intent.part === 'stride') return { answer: `${stem.stride}: ${sentence}`, value: stem.stride, evidence };
  return { answer: cap(sentence), value: `${stem.kernel} ${stem.category.replace(/_/g, ' ')}, stride ${stem.stride}`, evidence };
}

/**
 * Sizes of a token / sequence model read off the graph: the hidden width
 * (recurrent hidden size, else token embedding width, else the patch
 * embedding's channels), the MLP's hidden width (linear layers followed by an
 * activation, the most common width), the patch size (a stem whose kernel
 * equals its stride) and the longest sequence (rows of the position table).
 */
function tokenModelSize(what: 'width' | 'mlp_width' | 'patch' | 'max_len', s: ArchSummary, og: OpGraph): Exact {
  const nodesOf = (cats: readonly string[]) => og.nodes.map((n, i) => [n, i] as const).filter(([n]) => cats.includes(n.category));
  const last = (n: { outShape: Array<number | string | null> | null }) => (n.outShape && typeof n.outShape[n.outShape.length - 1] === 'number' ? (n.outShape[n.outShape.length - 1] as number) : null);
  if (what === 'patch') {
    const stem = s.structure?.stem;
    if (!stem) return { answer: 'No convolutional stem, so no patches', value: 'none', evidence: [] };
    const patchify = stem.kernel === `${stem.stride}x${stem.stride}` && stem.stride > 1;
    return patchify
      ? { answer: `${stem.kernel}: the stem is a ${stem.kernel} conv with stride ${stem.stride} (non-overlapping patches)`, value: stem.kernel, evidence: [] }
      : { answer: `No patch embedding: the stem is a ${stem.kernel} conv with stride ${stem.stride} (overlapping windows)`, value: 'none', evidence: [] };
  }
  if (what === 'mlp_width') {
    const succ = new Map<number, number[]>();
    for (const [a, b] of og.edges) succ.set(a, [...(succ.get(a) ?? []), b]);
    const acts = new Set(['gelu', 'relu', 'silu', 'relu6', 'hard_swish', 'tanh', 'leaky_relu', 'elu', 'mish']);
    const widths = nodesOf(['linear']).filter(([, i]) => (succ.get(i) ?? []).some((j) => acts.has(og.nodes[j]!.category))).map(([n]) => n.outChannels ?? last(n)).filter((w): w is number => typeof w === 'number');
    if (!widths.length) return { answer: 'No MLP (a linear layer followed by an activation) in the graph', value: 'none', evidence: [] };
    const counts = new Map<number, number>();
    for (const w of widths) counts.set(w, (counts.get(w) ?? 0) + 1);
    const [w] = [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]!;
    return { answer: `${w}: the hidden width of ${counts.get(w)} of the ${widths.length} MLP layer(s) (a linear layer followed by an activation)`, value: w, evidence: [] };
  }
  const emb = nodesOf(['embedding']).map(([n, i]) => ({ n, i, dim: n.outChannels ?? last(n), rows: 0 })).map((e) => ({ ...e, rows: e.dim ? Math.round(e.n.params / e.dim) : 0 }));
  if (what === 'max_len') {
    // The vocabulary is the largest table; the position table is the next one of some size.
    const tables = [...emb].sort((a, b) => b.rows - a.rows);
    const pos = tables.slice(1).find((t) => t.rows >= 16);
    if (pos) return { answer: `${pos.rows} positions (rows of the position embedding table)`, value: pos.rows, evidence: nodeRefs(og, [pos.i]) };
    const len = s.input?.[1];
    return typeof len === 'number' && (s.structure?.tokenInputs ?? 0) > 0
      ? { answer: `No position table; the graph was exported for sequences of ${len} tokens`, value: len, evidence: [] }
      : { answer: 'No sequence length: the input is not a token sequence', value: 'none', evidence: [] };
  }
  const rec = nodesOf(RECURRENT);
  const recW = rec.length ? last(rec[0]![0]) : null;
  if (recW) return { answer: `${recW}: the hidden size of the first recurrent layer`, value: recW, evidence: nodeRefs(og, [rec[0]![1]]) };
  const e = [...emb].sort((a, b) => b.rows - a.rows)[0];
  if (e?.dim) return { answer: `${e.dim}: the width of the token embeddings`, value: e.dim, evidence: nodeRefs(og, [e.i]) };
  const stem = nodesOf([...CONV_KINDS]).find(([n]) => n.kernel);
  if (s.blocks.attention > 0 && stem?.[0].outChannels) return { answer: `${stem[0].outChannels}: the width of the patch embeddings`, value: stem[0].outChannels, evidence: nodeRefs(og, [stem[1]]) };
  return { answer: 'No single hidden size: the channel width changes through the network', value: 'none', evidence: [] };
}

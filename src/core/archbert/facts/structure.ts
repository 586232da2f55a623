/**
 * Structural facts that retrieval and QA need beyond the op counts and block
 * counts of ArchFacts: where attention is computed (whole sequence or local
 * windows), whether windows are cyclically shifted, whether tokens are merged
 * in stages, which way recurrent layers read the sequence, what the output
 * predicts (one vector per input, or one distribution over the vocabulary per
 * token), the kernel sizes of each convolution kind, and the stem.
 *
 * Every fact is read off the OpGraph (categories, inferred output shapes,
 * edges) and the facts' input/output shapes, so it is exact for the graph
 * and never a guess from a name. Kept apart from ArchSummary's other fields
 * because the caption grammar does not read it: adding facts here cannot
 * change the training data.
 */
import type { ArchFacts, Dim, OpGraph, OpNode } from '../../graph/types.js';
import { table } from '../../graph/formats/table.js';

export const CONV_CATEGORIES = ['conv', 'depthwise_conv', 'grouped_conv', 'dilated_conv', 'transposed_conv'] as const;
const RECURRENT = new Set(['lstm', 'gru', 'rnn']);
const NORM = new Set(['batch_norm', 'layer_norm', 'group_norm', 'instance_norm', 'rms_norm', 'lrn']);
/** Ops that only move data between an attention softmax and the product with the values. */
const PASS_THROUGH = new Set(['reshape', 'transpose', 'dropout', 'flatten', 'other']);

/**
 * Bumped whenever a fact is added or its rule changes, here or in the rest of
 * the summary an index stores (arch-summary.ts): index entries with another
 * version are re-analysed. 6: trainable and per-category parameters, point
 * cloud / 1-D signal modality, the plain-RNN family. 7: the named design
 * ideas and the finer task (ArchSummary.ideas, .taskDetail).
 */
export const STRUCTURE_VERSION = 7;

export interface StructureFacts {
  version: number;
  /** Softmax nodes whose attention map is computed per window (leading dims = batch × windows). */
  windowAttention: number;
  /** Cyclic shifts (torch.roll: two slices of one tensor concatenated back in swapped order). */
  shiftedWindows: number;
  /** Space-to-depth merges of neighbouring patches/pixels (four or more strided slices of one tensor concatenated). */
  patchMerging: number;
  /**
   * Fused-MBConv blocks (EfficientNetV2): a full (not depthwise) k×k conv that
   * expands the channels, then a 1x1 conv that projects them back, added to
   * the block input. Counted only with the residual add, so plain 3x3-then-1x1
   * stacks (SSD extras, darknet) are not taken for it.
   */
  fusedMBConv: number;
  /**
   * Inverted bottlenecks after a depthwise conv (ConvNeXt: dw k×k → norm →
   * expand ×≥2 → act → project back, added to the input), which the block
   * rules (blocks.ts: 1x1 expand → depthwise → 1x1 project) do not count.
   */
  dwInvertedBottleneck: number;
  /** Attention logits plus a constant table of ≥ 2 heads × N × N before the softmax: a (relative) position bias per head. */
  relativePositionBias: number;
  /** A learned per-channel scale (params = channels) right before a residual add: layer scale. */
  layerScale: number;
  /** Distinct spatial (or token-grid) resolutions of 2-D feature maps: ≥ 3 means a multi-stage (hierarchical) network. */
  resolutions: number;
  /** Softmax nodes (not outputs) whose result multiplies values: attention, also the additive kind blocks.ts does not count. */
  softmaxAttention: number;
  /** Recurrent layers that read the sequence in both directions, and all recurrent layers. */
  bidirectional: number;
  recurrentLayers: number;
  /** Rows of the largest embedding table (the vocabulary size), when there is one. */
  vocab: number | null;
  /** An output has a sequence dimension and one score per vocabulary entry at each position (a language model / decoder). */
  perTokenVocabOutput: boolean;
  /** Every output is one vector per input (rank ≤ 2): a classifier or regressor of whole inputs. */
  pooledOutput: boolean;
  /** Integer [batch, length] inputs (token ids). */
  tokenInputs: number;
  /** Per-token vocabulary output from one token input: a (decoder-only or recurrent) language model, next-token prediction. */
  languageModel: boolean;
  /** Per-token vocabulary output from a source and a target token input: an encoder-decoder (sequence-to-sequence) model. */
  encoderDecoder: boolean;
  /** Kernel sizes ("3x3") per convolution category. */
  kernelsByKind: Record<string, string[]>;
  /** Largest kernel side of any convolution after the first one (the stem is excluded: a 7x7 stem is not a "large-kernel" net). */
  maxBodyKernel: number;
  /** The first convolution: kernel ("4x4"), stride, category; null without convolutions. */
  stem: { kernel: string; stride: number; category: string } | null;
}

const num = (d: Dim | undefined): number | null => (typeof d === 'number' ? d : null);

function inputBatch(facts: Pick<ArchFacts, 'inputs'>): number {
  return num(facts.inputs[0]?.shape?.[0]) ?? 1;
}

/**
 * An attention map over windows: the softmax output is [..., heads, N, N]
 * (square: self-attention) and the dims in front of the heads dim multiply to
 * more than the batch, i.e. the batch was split into windows (Swin:
 * [B·nW, heads, N, N]; MaxViT: [B, nW, heads, N, N]). Global attention keeps
 * them equal to the batch (GPT: [B, heads, T, T]) or folds heads into it
 * (rank 3, [B·heads, T, T]: nothing in front of a heads dim).
 */
function isWindowAttention(n: OpNode, batch: number): boolean {
  const s = n.outShape;
  if (!s || s.length < 4) return false;
  const q = num(s[s.length - 2]);
  const k = num(s[s.length - 1]);
  if (q === null || q !== k) return false;
  let lead = 1;
  for (const d of s.slice(0, s.length - 3)) {
    const v = num(d);
    if (v === null) return false;
    lead *= v;
  }
  return lead > batch;
}

/**
 * Local attention written without folding windows into the batch: an image
 * model's attention map [.., queries, keys] where each of the queries sees
 * fewer keys than there are queries (self-attention over the whole map is
 * square). Only for image inputs: in a text encoder-decoder, cross-attention
 * over a shorter source looks the same.
 */
function isLocalAttention(n: OpNode): boolean {
  const s = n.outShape;
  if (!s || s.length < 3) return false;
  const q = num(s[s.length - 2]);
  const k = num(s[s.length - 1]);
  return q !== null && k !== null && k > 1 && k < q;
}

const GATES: Record<string, number> = table({ lstm: 4, gru: 3, rnn: 1 });

/**
 * Directions of an ONNX LSTM/GRU/RNN (attribute direction = "bidirectional"
 * gives 2). Read from the weights, which hold num_directions × gates × hidden
 * × (input + hidden + bias terms): exact whatever the layout (Keras exports
 * batch-major Y = [batch, seq, dirs, hidden], PyTorch seq-major
 * [seq, dirs, batch, hidden]). Bias terms: 2 per gate row (ONNX B = Wb ‖ Rb,
 * Keras GRU reset_after), 1 (Keras LSTM) or 0. Falls back to the seq-major
 * shape when the sizes are unknown.
 */
export function directions(n: OpNode): 1 | 2 | null {
  const gates = GATES[n.category];
  const s = n.outShape;
  const hidden = s ? num(s[s.length - 1]) : null;
  if (gates && hidden && n.inChannels && n.params > 0) {
    for (const bias of [2, 1, 0]) {
      const per = gates * hidden * (n.inChannels + hidden + bias);
      if (n.params === per) return 1;
      if (n.params === 2 * per) return 2;
    }
  }
  if (s && s.length === 4) {
    const d = num(s[1]);
    if (d === 1 || d === 2) return d;
  }
  return null;
}

/** Spatial size of a feature map: [B,C,H,W] or [B,H,W,C] (the pair of equal dims; NCHW when neither is), or [B,T,C] token grids. */
function spatialSize(shape: Dim[] | null, imageInput: boolean): number | null {
  if (!shape) return null;
  const d = shape.map(num);
  if (d.some((x) => x === null)) return null;
  const v = d as number[];
  if (v.length === 4) return v[1] === v[2] && v[2] !== v[3] ? v[1]! * v[2]! : v[2]! * v[3]!;
  if (v.length === 3 && imageInput) return v[1]!;
  return null;
}

/** The OpGraph nodes (indices) behind the counted structure facts: the evidence `ask` shows. */
export interface StructureNodes {
  windowAttention: number[];
  shiftedWindows: number[];
  patchMerging: number[];
  softmaxAttention: number[];
  bidirectional: number[];
  recurrent: number[];
  /** The expanding k×k conv of each fused-MBConv block. */
  fusedMBConv: number[];
  dwInvertedBottleneck: number[];
  relativePositionBias: number[];
  layerScale: number[];
}

export function structureFacts(og: OpGraph, facts: Pick<ArchFacts, 'inputs' | 'outputs'>): StructureFacts {
  return analyzeStructure(og, facts).facts;
}

export function structureNodes(og: OpGraph, facts: Pick<ArchFacts, 'inputs'>): StructureNodes {
  return analyzeStructure(og, { inputs: facts.inputs, outputs: [] }).nodes;
}

function analyzeStructure(og: OpGraph, facts: Pick<ArchFacts, 'inputs' | 'outputs'>): { facts: StructureFacts; nodes: StructureNodes } {
  const preds: number[][] = og.nodes.map(() => []);
  const succ: number[][] = og.nodes.map(() => []);
  for (const [a, b] of og.edges) {
    preds[b]!.push(a);
    succ[a]!.push(b);
  }
  const batch = inputBatch(facts);
  const imageInput = (facts.inputs[0]?.shape?.length ?? 0) === 4;
  const outputs = new Set(og.outputNodes);

  const nodes: StructureNodes = { windowAttention: [], shiftedWindows: [], patchMerging: [], softmaxAttention: [], bidirectional: [], recurrent: [], fusedMBConv: [], dwInvertedBottleneck: [], relativePositionBias: [], layerScale: [] };
  let vocab: number | null = null;
  let maxBodyKernel = 0;
  let stem: StructureFacts['stem'] = null;
  const sizes = new Set<number>();
  const kernels = new Map<string, Set<string>>();

  const feedsMatmul = (i: number): boolean => {
    const seen = new Set<number>();
    const stack = [...succ[i]!];
    while (stack.length) {
      const j = stack.pop()!;
      if (seen.has(j) || seen.size > 16) continue;
      seen.add(j);
      const c = og.nodes[j]!.category;
      if (c === 'matmul' || c === 'attention') return true;
      if (PASS_THROUGH.has(c)) stack.push(...succ[j]!);
    }
    return false;
  };

  og.nodes.forEach((n, i) => {
    const c = n.category;
    if (c === 'softmax') {
      const attends = !outputs.has(i) && feedsMatmul(i);
      if (isWindowAttention(n, batch) || (imageInput && attends && isLocalAttention(n))) nodes.windowAttention.push(i);
      if (attends) nodes.softmaxAttention.push(i);
    }
    if (c === 'concat') {
      const p = preds[i]!;
      // Strided 2-D slices (x[:, 0::2, 1::2]) are chains of one slice per axis: compare the tensors the chains start from.
      const root = (j: number): string => {
        while (og.nodes[j]!.category === 'slice' && preds[j]!.length === 1) j = preds[j]![0]!;
        return String(j);
      };
      const slices = p.filter((j) => og.nodes[j]!.category === 'slice');
      const sources = new Set(slices.map(root));
      if (p.length >= 2 && slices.length === p.length && sources.size === 1 && !sources.has(String(slices[0]))) {
        if (p.length === 2) nodes.shiftedWindows.push(i);
        else if (p.length >= 4) nodes.patchMerging.push(i);
      }
    }
    if (RECURRENT.has(c)) {
      nodes.recurrent.push(i);
      if (directions(n) === 2) nodes.bidirectional.push(i);
    }
    if (c === 'embedding' && n.outChannels && n.params > 0) {
      const rows = Math.round(n.params / n.outChannels);
      if (rows * n.outChannels === n.params) vocab = Math.max(vocab ?? 0, rows);
    }
    if ((CONV_CATEGORIES as readonly string[]).includes(c) && n.kernel) {
      const k = `${n.kernel[0]}x${n.kernel[1]}`;
      if (!kernels.has(c)) kernels.set(c, new Set());
      kernels.get(c)!.add(k);
      if (stem === null) stem = { kernel: k, stride: n.stride ? Math.max(n.stride[0], n.stride[1]) : 1, category: c };
      else maxBodyKernel = Math.max(maxBodyKernel, n.kernel[0], n.kernel[1]);
    }
    if (NORM.has(c) || (CONV_CATEGORIES as readonly string[]).includes(c) || c === 'linear') {
      const s = spatialSize(n.outShape, imageInput);
      if (s !== null && s > 1) sizes.add(s);
    }
  });

  const outShapes = facts.outputs.map((o) => o.shape);
  const perTokenVocabOutput =
    vocab !== null && outShapes.some((s) => s !== null && s.length >= 3 && num(s[s.length - 1]) === vocab);
  const pooledOutput = outShapes.length > 0 && outShapes.every((s) => s !== null && s.length <= 2);
  const tokenInputs = facts.inputs.filter((i) => /^u?int/.test(i.dtype) && i.shape?.length === 2).length;
  const kernelsByKind: Record<string, string[]> = Object.create(null);
  for (const [c, ks] of [...kernels].sort((a, b) => (a[0] < b[0] ? -1 : 1))) kernelsByKind[c] = [...ks].sort();
  // Fused-MBConv: expand k×k conv → (norm/act/SE) → 1x1 projection → (norm/dropout) → add with the block input.
  const BETWEEN = new Set(['batch_norm', 'layer_norm', 'group_norm', 'dropout', 'other', 'mul', 'relu', 'relu6', 'silu', 'gelu', 'hard_swish', 'leaky_relu', 'elu', 'prelu', 'mish']);
  /** First node after `from` that `want`s, walking breadth-first only through categories in `pass` (≤ 24 nodes). */
  const forwardThrough = (from: number, pass: Set<string>, want: (j: number) => boolean): number | null => {
    const seen = new Set<number>();
    const queue = [...succ[from]!];
    while (queue.length && seen.size < 24) {
      const j = queue.shift()!;
      if (seen.has(j)) continue;
      seen.add(j);
      if (want(j)) return j;
      if (pass.has(og.nodes[j]!.category)) queue.push(...succ[j]!);
    }
    return null;
  };
  const forward = (from: number, want: (j: number) => boolean) => forwardThrough(from, BETWEEN, want);
  // Counted like torchvision's FusedMBConv modules: expanding ones (with or without the residual: the first of a stage strides)
  // and expand-ratio-1 ones (one k×k conv added to its input) — but only in a net where some expanding one has the residual.
  const fused: number[] = [];
  let fusedWithResidual = 0;
  og.nodes.forEach((n, i) => {
    if (n.category !== 'conv' || !n.kernel || Math.max(...n.kernel) < 2 || !n.inChannels || !n.outChannels) return;
    const input = preds[i]![0];
    if (input === undefined) return;
    const residual = (from: number) => forward(from, (j) => og.nodes[j]!.category === 'add' && preds[j]!.includes(input)) !== null;
    if (n.outChannels > n.inChannels) {
      const proj = forward(i, (j) => {
        const m = og.nodes[j]!;
        return m.category === 'conv' && m.kernel?.[0] === 1 && m.kernel[1] === 1 && m.inChannels !== null && m.outChannels !== null && m.outChannels < m.inChannels;
      });
      if (proj === null) return;
      fused.push(i);
      if (residual(proj)) fusedWithResidual++;
    } else if (n.outChannels === n.inChannels && residual(i)) {
      fused.push(i);
    }
  });
  if (fusedWithResidual > 0) nodes.fusedMBConv.push(...fused);

  // Depthwise conv → (layout/norm) → expand (linear or 1x1 conv, ×≥2) → act → project (back to fewer) → … → add with the block input.
  const pointwise = (j: number) => {
    const m = og.nodes[j]!;
    return (m.category === 'linear' || (m.category === 'conv' && m.kernel?.[0] === 1 && m.kernel[1] === 1)) && m.inChannels !== null && m.outChannels !== null;
  };
  const LAYOUT = new Set([...BETWEEN, 'transpose', 'reshape', 'flatten']);
  og.nodes.forEach((n, i) => {
    if (n.category !== 'depthwise_conv') return;
    const input = preds[i]![0];
    const expand = forwardThrough(i, LAYOUT, (j) => pointwise(j) && og.nodes[j]!.outChannels! >= 2 * og.nodes[j]!.inChannels!);
    if (expand === null || input === undefined) return;
    const project = forwardThrough(expand, LAYOUT, (j) => pointwise(j) && og.nodes[j]!.outChannels! < og.nodes[j]!.inChannels!);
    if (project === null) return;
    if (forwardThrough(project, LAYOUT, (j) => og.nodes[j]!.category === 'add' && preds[j]!.includes(input)) !== null) nodes.dwInvertedBottleneck.push(i);
  });

  og.nodes.forEach((n, i) => {
    // Relative position bias: the logits' add carries a folded constant of heads × N × N (N = attention length), heads ≥ 2.
    if (n.category === 'softmax' && n.outShape) {
      const len = num(n.outShape[n.outShape.length - 1]);
      const add = preds[i]!.find((j) => og.nodes[j]!.category === 'add');
      const b = add !== undefined ? og.nodes[add]!.buffers + og.nodes[add]!.params : 0;
      if (len && len > 1 && b >= 2 * len * len && b % (len * len) === 0) nodes.relativePositionBias.push(add!);
    }
    // Layer scale: mul by a learned vector as long as the channels, feeding a residual add.
    if (n.category === 'mul' && n.params > 0 && n.outChannels !== null && n.params === n.outChannels && succ[i]!.some((j) => og.nodes[j]!.category === 'add')) nodes.layerScale.push(i);
  });

  const result: StructureFacts = {
    version: STRUCTURE_VERSION,
    fusedMBConv: nodes.fusedMBConv.length,
    dwInvertedBottleneck: nodes.dwInvertedBottleneck.length,
    relativePositionBias: nodes.relativePositionBias.length,
    layerScale: nodes.layerScale.length,
    windowAttention: nodes.windowAttention.length,
    shiftedWindows: nodes.shiftedWindows.length,
    patchMerging: nodes.patchMerging.length,
    resolutions: sizes.size,
    softmaxAttention: nodes.softmaxAttention.length,
    bidirectional: nodes.bidirectional.length,
    recurrentLayers: nodes.recurrent.length,
    vocab,
    perTokenVocabOutput,
    pooledOutput,
    tokenInputs,
    languageModel: perTokenVocabOutput && tokenInputs === 1,
    encoderDecoder: perTokenVocabOutput && tokenInputs >= 2,
    kernelsByKind,
    maxBodyKernel,
    stem,
  };
  return { facts: result, nodes };
}

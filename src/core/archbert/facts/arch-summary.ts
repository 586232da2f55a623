/**
 * ArchSummary: the one view of an architecture the caption grammar, the QA
 * generator and the statement generator read. It is derived only from the
 * exact facts (ArchFacts from src/core/graph/analyze.ts), the OpGraph they
 * were computed from, and trusted metadata (the exporter's family and task for
 * real models; the generator's own record for generated ones), so every
 * sentence made from it can be checked against the graph.
 */
import { ACTIVATIONS, NORMS } from '../../graph/categories.js';
import type { ArchFacts, BlockCounts, OpGraph } from '../../graph/types.js';
import type { GeneratedMeta } from './generated-meta.js';
import { structureFacts, type StructureFacts } from './structure.js';

export const CONV_KINDS = ['conv', 'depthwise_conv', 'grouped_conv', 'dilated_conv', 'transposed_conv'] as const;
export const POOLING = ['max_pool', 'avg_pool', 'global_avg_pool', 'global_max_pool', 'adaptive_pool'] as const;
export const RECURRENT = ['lstm', 'gru', 'rnn'] as const;
export const WEIGHTED = [...CONV_KINDS, 'linear', 'embedding', 'attention', ...RECURRENT] as const;
/**
 * The block kinds the graph rules count (graph/types.ts BlockCounts), in the order answers and captions list
 * them: the one vocabulary of block kinds for ask, find, describe and the dataset text.
 */
export const BLOCK_KINDS = ['residual', 'depthwise_separable', 'squeeze_excitation', 'attention', 'inverted_residual', 'feature_pyramid'] as const satisfies ReadonlyArray<keyof BlockCounts>;
export type BlockKind = (typeof BLOCK_KINDS)[number];
// A kind the graph rules start counting must be named here too: this fails to compile while one is missing.
const everyCountedKind: [Exclude<keyof BlockCounts, BlockKind>] extends [never] ? true : never = true;
void everyCountedKind;
/** Whether a feature key names one of the block kinds (counted in `blocks`). */
export const isBlockKind = (key: string): key is BlockKind => (BLOCK_KINDS as readonly string[]).includes(key);

/** Output activations that are not "activation functions" of the body. */
const OUTPUT_ONLY = new Set(['softmax', 'log_softmax']);

/** `signal`: a 1-D float sequence [batch, channels, length] (audio, time series) that is not a point cloud. */
export type Modality = 'image' | 'text' | 'video' | 'audio' | 'point cloud' | 'signal' | 'vector';
export type NetKind = 'convolutional' | 'transformer' | 'recurrent' | 'mlp' | 'hybrid';

export interface ArchSummary {
  id: string;
  name: string;
  source: 'real' | 'generated';
  /** Display name of the family ("ResNet") and its key ("resnet"); null for generated. */
  family: string | null;
  familyKey: string | null;
  variant: string | null;
  task: string;
  modality: Modality;
  kind: NetKind;
  params: number;
  /** Without buffers (BN running statistics) and exporter-made constants; absent in index files written before it existed. */
  trainableParams?: number;
  /** Parameters per op category (embedding, linear, conv, gru …), as the facts count them. */
  paramsByCategory?: Record<string, number>;
  macs: number | null;
  /** Weighted layers: convolutions, linear, embedding, attention and recurrent ops. */
  weightedLayers: number;
  depth: number;
  ops: Record<string, number>;
  convKinds: string[];
  kernelSizes: string[];
  activations: string[];
  /** softmax / log_softmax when present (kept apart from the body's activations). */
  outputActivations: string[];
  norms: string[];
  pooling: string[];
  recurrent: string[];
  blocks: Record<BlockKind, number>;
  /** The category most often directly after a convolution, when there are convolutions. */
  afterConv: string | null;
  /** Largest stride of any conv/pool, and dilation rates > 1 used. */
  maxStride: number;
  dilations: number[];
  input: Array<number | string | null> | null;
  generated: GeneratedMeta | null;
  /**
   * Window/shifted attention, recurrent direction, per-token vs pooled output,
   * kernels per conv kind, stem (structure.ts). Read by find/ask only, never by
   * the caption grammar. Optional: index files written before it existed lack it.
   */
  structure?: StructureFacts;
  /**
   * The named design ideas present (graph/ideas/registry.ts): id → instances
   * (null when the detector does not count them). Read by find, ask and the dataset text.
   * Optional: index files written before it existed lack it.
   */
  ideas?: Record<string, number | null>;
  /** The finer task (graph/task-detail.ts: "keypoints", "super_resolution" …), null when the graph does not say. */
  taskDetail?: string | null;
}

export interface SummaryMeta {
  id: string;
  name: string;
  source: 'real' | 'generated';
  family: string | null;
  variant: string | null;
  task: string;
  generated?: GeneratedMeta;
}

/** "ResNet" → "resnet", "EfficientNetV2" → "efficientnetv2", "U-Net" → "unet". */
export function familyKey(family: string | null): string | null {
  return family === null ? null : family.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function modalityOf(task: string, og: OpGraph, input: ArchSummary['input']): Modality {
  const t = task.toLowerCase();
  if (t.includes('video')) return 'video';
  if (t.includes('audio') || t.includes('speech')) return 'audio';
  if (t.includes('point cloud')) return 'point cloud';
  if (t.includes('text') || t.includes('language') || t.includes('translation') || t.includes('sequence')) return 'text';
  if (og.nodes.some((n) => n.category === 'embedding')) return 'text';
  if (input && input.length === 2) return 'vector';
  if (input && input.length === 3) {
    // A 3-D float input read by 1-D convolutions (kernels kx1) is a sequence: [batch, 3, N] with kernel-1 convolutions only
    // (a shared per-point MLP, PointNet) a point cloud, otherwise a 1-D signal. With 2-D kernels it is one image without
    // a batch dimension ([3, H, W], torchvision's detectors).
    const convs = og.nodes.filter((n) => (CONV_KINDS as readonly string[]).includes(n.category) && n.kernel);
    const oneD = convs.length > 0 && convs.every((n) => n.kernel![1] === 1);
    if (oneD) return input[1] === 3 && convs.every((n) => n.kernel![0] === 1) ? 'point cloud' : 'signal';
  }
  return 'image';
}

function kindOf(ops: Record<string, number>): NetKind {
  const conv = CONV_KINDS.reduce((s, k) => s + (ops[k] ?? 0), 0);
  const rec = RECURRENT.reduce((s, k) => s + (ops[k] ?? 0), 0);
  const attn = (ops.attention ?? 0) + Math.min(ops.softmax ?? 0, Math.floor((ops.matmul ?? 0) / 2));
  if (rec > 0) return 'recurrent';
  if (attn >= 2 && conv > 4) return 'hybrid';
  if (attn >= 1 && conv <= 4) return 'transformer';
  // A patch-embedding conv in front of an all-linear body (MLP-Mixer) is still an MLP.
  const linear = ops.linear ?? 0;
  if (conv > 0 && !(conv <= 2 && linear >= 6)) return 'convolutional';
  return 'mlp';
}

/** What the conv nodes feed, most common first (skipping nothing: the very next op). */
function followerOfConv(og: OpGraph): string | null {
  const succ: number[][] = og.nodes.map(() => []);
  for (const [a, b] of og.edges) succ[a]!.push(b);
  const counts = new Map<string, number>();
  og.nodes.forEach((n, i) => {
    if (!(CONV_KINDS as readonly string[]).includes(n.category)) return;
    for (const s of succ[i]!) {
      const c = og.nodes[s]!.category;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  });
  let best: string | null = null;
  let bestN = 0;
  for (const [c, n] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (n > bestN) {
      best = c;
      bestN = n;
    }
  }
  return best;
}

export function summarize(og: OpGraph, facts: ArchFacts, meta: SummaryMeta): ArchSummary {
  const ops = { ...facts.ops };
  const present = (c: string) => (ops[c] ?? 0) > 0;
  let maxStride = 1;
  const dil = new Set<number>();
  for (const n of og.nodes) {
    if (n.stride) maxStride = Math.max(maxStride, n.stride[0], n.stride[1]);
    if (n.dilation && Math.max(...n.dilation) > 1) dil.add(Math.max(...n.dilation));
  }
  const input = facts.inputs[0]?.shape ?? (meta.generated ? meta.generated.input : null);
  const blocks = {} as Record<BlockKind, number>;
  for (const b of BLOCK_KINDS) blocks[b] = facts.blocks[b] ?? 0;
  return {
    id: meta.id,
    name: meta.name,
    source: meta.source,
    family: meta.family,
    familyKey: familyKey(meta.family),
    variant: meta.variant,
    task: meta.task,
    modality: modalityOf(meta.task, og, input),
    kind: kindOf(ops),
    params: facts.params.total,
    trainableParams: facts.params.trainable,
    paramsByCategory: facts.params.by_category,
    macs: facts.macs,
    weightedLayers: WEIGHTED.reduce((s, k) => s + (ops[k] ?? 0), 0),
    depth: facts.depth,
    ops,
    convKinds: CONV_KINDS.filter(present),
    kernelSizes: [...facts.kernel_sizes].sort(kernelOrder),
    activations: facts.activations.filter((a) => !OUTPUT_ONLY.has(a) && (ACTIVATIONS as readonly string[]).includes(a)).sort(),
    outputActivations: facts.activations.filter((a) => OUTPUT_ONLY.has(a)).sort(),
    norms: facts.norms.filter((n) => (NORMS as readonly string[]).includes(n)).sort(),
    pooling: POOLING.filter(present),
    recurrent: RECURRENT.filter(present),
    blocks,
    afterConv: followerOfConv(og),
    maxStride,
    dilations: [...dil].sort((a, b) => a - b),
    input,
    generated: meta.generated ?? null,
    structure: structureFacts(og, facts),
    // Prototype-free: idea ids are looked up with names taken from user text.
    ideas: Object.assign(Object.create(null) as Record<string, number | null>, Object.fromEntries(Object.entries(facts.ideas ?? {}).map(([id, f]) => [id, f.count]))),
    taskDetail: facts.task.detail ?? null,
  };
}

/** "1x1" < "3x3" < "1x7" …: by area, then text. */
export function kernelOrder(a: string, b: string): number {
  const area = (k: string) => k.split('x').reduce((p, v) => p * Number(v), 1);
  return area(a) - area(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * OpGraph (+ input/output signature) → ArchFacts. Works from the OpGraph
 * alone (per-node params/MACs/shapes already on the nodes), so generated
 * architectures built directly as OpGraphs get the same facts as loaded files.
 */
import type { ArchFacts, ArchGraph, Dim, ModelFormat, OpGraph } from './types.js';
import { NORMS, OP_CATEGORIES } from './categories.js';
import { listActivations } from './activations.js';
import { findBlocks } from './blocks.js';
import { depthOf } from './depth.js';
import { guessTask } from './task.js';
import { guessFamily } from './family.js';
import { CONV_LIKE } from './categorize.js';
import { findIdeas } from './ideas/registry.js';

export interface FactsInfo {
  format: ModelFormat;
  inputs: Array<{ name: string; shape: Dim[] | null; dtype: string }>;
  outputs: Array<{ name: string; shape: Dim[] | null; dtype: string }>;
  notes?: string[];
  /** Model/graph name: reported as separate evidence for the family, never used to decide. */
  name?: string;
  /** A causal (autoregressive) attention mask was seen in the source graph. */
  causalMask?: boolean;
  /** Gate activations of fused recurrent ops (activations.ts); default: ONNX's for each recurrent category present. */
  recurrentActivations?: string[];
  /**
   * The graph has ops whose output sizes depend on the data (NonMaxSuppression,
   * NonZero, …): products after them get no static shape, and `macs` then sums
   * the statically known products (a lower bound, said in the notes) instead of
   * being null.
   */
  dataDependentShapes?: boolean;
  /** Exact parameter totals from the source (initializers); default: summed over the OpGraph nodes. */
  params?: { trainable: number; buffers: number; by_category?: Record<string, number> };
  /** The loaded source graph: some design ideas read its op types and attributes (absent for generated OpGraphs). */
  source?: ArchGraph;
}

const CAT_ORDER = new Map<string, number>(OP_CATEGORIES.map((c, i) => [c, i]));

export function factsFromOpGraph(og: OpGraph, info: FactsInfo): Omit<ArchFacts, 'file'> {
  const ops: Record<string, number> = Object.create(null);
  for (const n of og.nodes) ops[n.category] = (ops[n.category] ?? 0) + 1;
  const sortedOps: Record<string, number> = Object.create(null);
  for (const k of Object.keys(ops).sort((a, b) => (CAT_ORDER.get(a) ?? 999) - (CAT_ORDER.get(b) ?? 999) || a.localeCompare(b))) sortedOps[k] = ops[k]!;

  let params = info.params;
  if (!params) {
    const by: Record<string, number> = Object.create(null);
    let t = 0;
    let b = 0;
    for (const n of og.nodes) {
      t += n.params;
      b += n.buffers;
      if (n.params) by[n.category] = (by[n.category] ?? 0) + n.params;
    }
    params = { trainable: t, buffers: b, by_category: by };
  }
  let known = 0;
  const unknownMacs: string[] = [];
  for (const n of og.nodes) {
    if (n.macs === null) unknownMacs.push(n.id);
    else known += n.macs;
  }
  const macs: number | null = unknownMacs.length === 0 || info.dataDependentShapes ? known : null;

  const { counts: blocks, invertedResidualWithSkip } = findBlocks(og);
  const activations = listActivations(ops, info.recurrentActivations);
  const norms = NORMS.filter((a) => ops[a]);
  const kernels = new Map<string, number>();
  for (const n of og.nodes) {
    if (!n.kernel || !(CONV_LIKE.has(n.category) || n.category === 'transposed_conv')) continue;
    const k = `${n.kernel[0]}x${n.kernel[1]}`;
    kernels.set(k, (kernels.get(k) ?? 0) + 1);
  }
  const kernel_sizes = [...kernels.keys()].sort((a, b) => area(a) - area(b) || a.localeCompare(b));

  const intInput = info.inputs.some((i) => /int/.test(i.dtype));
  const task = guessTask(og, ops, info.inputs, info.outputs, { causalMask: info.causalMask });
  const ideas = findIdeas({ og, blocks, inputs: info.inputs, outputs: info.outputs, causalMask: info.causalMask, source: info.source });
  const family = guessFamily(og, ops, blocks, activations, norms, { intInput, causalMask: info.causalMask, name: info.name, ideas, taskDetail: task.detail });

  const notes = [...(info.notes ?? [])];
  if (blocks.inverted_residual > 0) notes.push(`inverted residual blocks: ${blocks.inverted_residual} (${invertedResidualWithSkip} with a skip connection)`);
  const list = (ids: string[]) => `${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''}`;
  if (macs === null) {
    notes.push(`MACs unknown: shapes could not be inferred for ${unknownMacs.length} product op(s) (${list(unknownMacs)}); pass --input-shape`);
  } else if (unknownMacs.length) {
    notes.push(
      `MACs are a lower bound: ${unknownMacs.length} product op(s) run on a data-dependent number of items (after NMS / NonZero, e.g. per detected box) and are not counted (${list(unknownMacs)})`,
    );
  }
  const facts: Omit<ArchFacts, 'file'> = {
    format: info.format,
    inputs: info.inputs.map((i) => ({ name: i.name, shape: i.shape, dtype: i.dtype })),
    outputs: info.outputs.map((o) => ({ name: o.name, shape: o.shape, dtype: o.dtype })),
    params: { total: params.trainable + params.buffers, trainable: params.trainable, buffers: params.buffers, by_category: params.by_category ?? {} },
    macs,
    ops: sortedOps,
    depth: depthOf(og),
    blocks,
    activations,
    norms,
    kernel_sizes,
    task,
    family,
    ideas,
  };
  if (notes.length) facts.notes = notes;
  return facts;
}

function area(k: string): number {
  const [a, b] = k.split('x').map(Number);
  return (a ?? 0) * (b ?? 0);
}

/**
 * What counts as a parameter, and where weights may appear.
 *
 * A weight is a float tensor (or a quantised weight of a QLinear/Integer op)
 * with more than one element, reaching a node in a slot that can carry
 * weights. Tensors in shape/axes/scales/indices slots, integer tensors and
 * single-element constants in arithmetic are not parameters (a single-element
 * PReLU slope is). Each tensor counts once however many ops use it.
 */
import type { ArchGraph, ArchNode } from './types.js';
import { table } from './formats/table.js';

export interface ParamRecord {
  name: string;
  shape: number[];
  numel: number;
  dtype: string;
  trainable: boolean;
  /** The loader's classification when it gives one ('constant' = plumbing, never a parameter). */
  role?: string;
}

/** Input slots that carry shapes, axes, indices or scalars, never weights. */
export const NON_WEIGHT_SLOTS: Record<string, number[]> = table({
  Reshape: [1], Expand: [1], Tile: [1], Slice: [1, 2, 3, 4], Squeeze: [1], Unsqueeze: [1], Split: [1], Resize: [1, 2, 3], Upsample: [1],
  Pad: [1, 2, 3], Clip: [1, 2], TopK: [1], OneHot: [0, 1, 2], NonMaxSuppression: [2, 3, 4], ConstantOfShape: [0], Range: [0, 1, 2],
  Gather: [1], GatherElements: [1], GatherND: [1], Pow: [1], Where: [0], CumSum: [1], Trilu: [1], ScatterND: [1], ScatterElements: [1],
  RoiAlign: [1, 2], MaxRoiPool: [1], Dropout: [1, 2], ReduceMean: [1], ReduceSum: [1], ReduceMax: [1], ReduceMin: [1], ReduceProd: [1],
  ReduceL2: [1], ReduceL1: [1], ReduceSumSquare: [1], ReduceLogSumExp: [1], DequantizeLinear: [1, 2], QuantizeLinear: [1, 2],
  // quantised ops: scales and zero points are not weights
  QLinearConv: [1, 2, 4, 5, 6, 7], QLinearMatMul: [1, 2, 4, 5, 6, 7], ConvInteger: [2, 3], MatMulInteger: [2, 3],
  DynamicQuantizeLinear: [0], QLinearAdd: [1, 2, 4, 5, 6, 7],
});
export const QUANT_WEIGHT_OPS = new Set(['DequantizeLinear', 'QLinearConv', 'QLinearMatMul', 'ConvInteger', 'MatMulInteger', 'DynamicQuantizeMatMul', 'MatMulNBits']);
export const FLOAT = /float|bfloat|double/i;

/** Weights referenced inside a node's subgraphs: outer-scope initializers by name, and the bodies' own initializers. */
export function subgraphWeights(n: ArchNode, flow: Map<string, ParamRecord[]>): ParamRecord[] {
  if (!n.subgraphs?.length) return [];
  const out: ParamRecord[] = [];
  const visit = (g: ArchGraph) => {
    for (const p of Object.values(g.initializers)) out.push({ name: `${n.id}/${p.name}`, shape: p.shape, numel: numel(p.shape), dtype: p.dtype, trainable: p.trainable });
    for (const m of g.nodes) {
      for (const t of m.inputs) if (t && !g.initializers[t]) for (const r of flow.get(t) ?? []) if (!out.includes(r)) out.push(r);
      for (const sg of m.subgraphs ?? []) visit(sg);
    }
  };
  for (const sg of n.subgraphs) visit(sg);
  return out;
}

/**
 * `dequantized`: integer tensors that reached this node through a
 * DequantizeLinear (QDQ-quantised weights and int32 biases).
 */
export function isParam(r: ParamRecord, n: ArchNode, dequantized: Set<ParamRecord>): boolean {
  if (r.role === 'constant') return false;
  if (!FLOAT.test(r.dtype)) return (QUANT_WEIGHT_OPS.has(n.op) || dequantized.has(r)) && r.numel > 1;
  if (r.numel <= 1) return n.op === 'PRelu';
  return true;
}

const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);

export function paramRecord(name: string, shape: number[], dtype: string, trainable: boolean, role?: string): ParamRecord {
  return { name, shape, numel: numel(shape), dtype, trainable, ...(role ? { role } : {}) };
}

/**
 * Which ONNX initializers are learned weights, and which are not.
 *
 * An initializer is TRAINABLE unless one of these holds:
 *  1. Its dtype is int32/int64/uint32/uint64/bool/string: shape, axis and
 *     index tensors. (int8/uint8/int4/fp16/bf16 stay trainable: those are
 *     how quantized or half-precision weights are stored.)
 *  2. It is rank 0: exported Python scalars (attention scale, epsilon, the 2
 *     of Pow); torchvision/keras parameters always have rank ≥ 1.
 *  3. Some node reads it at an input position that is never a learned weight:
 *     BatchNormalization mean/var (running statistics: buffers), Reshape/
 *     Expand/Tile shapes, Slice/Pad/Resize/Clip/Squeeze/Reduce* arguments,
 *     Gather indices, quantization scales and zero points, Dropout ratio …
 *     (NON_LEARNED_INPUTS below).
 * `role` refines this: 'buffer' for BatchNormalization running statistics,
 * 'constant' for the other non-trainable tensors, 'weight' otherwise.
 * Everything else (Conv/Gemm/MatMul weights, biases, norm scales, embedding
 * tables, ConvNeXt layer scales, ViT class token and position embedding) is
 * trainable.
 */
import type { ArchGraph, ParamInfo } from '../types.js';
import { table } from './table.js';

const NON_LEARNED_DTYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'bool', 'string']);

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** op → input indices that never hold learned weights. */
export const NON_LEARNED_INPUTS: Record<string, number[]> = table({
  BatchNormalization: [3, 4],
  Reshape: [1],
  Expand: [1],
  Tile: [1],
  ConstantOfShape: [0],
  Range: [0, 1, 2],
  Slice: [1, 2, 3, 4],
  Pad: [1, 2, 3],
  Resize: [1, 2, 3],
  Upsample: [1],
  Squeeze: [1],
  Unsqueeze: [1],
  Split: [1],
  TopK: [1],
  OneHot: [1, 2],
  Gather: [1],
  GatherElements: [1],
  GatherND: [1],
  ScatterND: [1],
  ScatterElements: [1],
  Clip: [1, 2],
  Dropout: [1, 2],
  CumSum: [1],
  Trilu: [1],
  NonMaxSuppression: [1, 2, 3, 4],
  RoiAlign: [1, 2],
  QuantizeLinear: [1, 2],
  DequantizeLinear: [1, 2],
  QLinearConv: [1, 2, 4, 5, 6, 7],
  QLinearMatMul: [1, 2, 4, 5, 6, 7],
  MatMulInteger: [2, 3],
  ConvInteger: [2, 3],
  ReduceSum: [1],
  ReduceMean: [1],
  ReduceMax: [1],
  ReduceMin: [1],
  ReduceProd: [1],
  ReduceL1: [1],
  ReduceL2: [1],
  ReduceLogSum: [1],
  ReduceLogSumExp: [1],
  ReduceSumSquare: [1],
  Loop: range(0, 1),
  If: [0],
});

/** True when `dtype`/`shape` alone say the tensor is not a learned weight. */
export function nonLearnedByType(dtype: string, shape: number[]): boolean {
  return NON_LEARNED_DTYPES.has(dtype) || shape.length === 0;
}

/**
 * Sets `trainable` on every initializer of `root` and its subgraphs, then
 * attaches to each node the initializers it reads (resolved innermost scope
 * first, as ONNX scoping does). Nodes share the ParamInfo objects of
 * `graph.initializers`: a tensor read by two nodes is one tensor (count it
 * once, by name).
 */
export function attachParams(root: ArchGraph): void {
  const nonLearnedUse = new Set<ParamInfo>();
  const statsUse = new Set<ParamInfo>();
  const visit = (g: ArchGraph, scopes: Array<Record<string, ParamInfo>>, attach: boolean) => {
    const chain = [g.initializers, ...scopes];
    const resolve = (name: string) => {
      for (const s of chain) if (Object.prototype.hasOwnProperty.call(s, name)) return s[name];
      return undefined;
    };
    for (const n of g.nodes) {
      const bad = (!n.domain || n.domain === 'ai.onnx') ? NON_LEARNED_INPUTS[n.op] ?? [] : [];
      const params: ParamInfo[] = [];
      n.inputs.forEach((t, i) => {
        if (!t) return;
        const p = resolve(t);
        if (!p) return;
        if (bad.includes(i)) nonLearnedUse.add(p);
        if (n.op === 'BatchNormalization' && (i === 3 || i === 4)) statsUse.add(p);
        if (attach && !params.includes(p)) params.push(p);
      });
      if (attach) n.params = params;
      for (const sg of n.subgraphs ?? []) visit(sg, chain, attach);
    }
  };
  visit(root, [], false);
  const mark = (g: ArchGraph) => {
    for (const p of Object.values(g.initializers)) {
      p.trainable = !nonLearnedByType(p.dtype, p.shape) && !nonLearnedUse.has(p);
      p.role = p.trainable ? 'weight' : statsUse.has(p) ? 'buffer' : 'constant';
    }
    for (const n of g.nodes) for (const sg of n.subgraphs ?? []) mark(sg);
  };
  mark(root);
  visit(root, [], true);
}

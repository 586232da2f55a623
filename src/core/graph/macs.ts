/**
 * Multiply-accumulates of matrix products only (the convention of fvcore /
 * ptflops-style counters restricted to products): Conv, ConvTranspose, Gemm,
 * MatMul (batched/broadcast), Einsum, recurrent cells and fused attention.
 * Elementwise ops, norms, pooling and biases count 0. null = a product whose
 * shapes are unknown.
 */
import type { ArchNode } from './types.js';
import { attrInt, attrInts } from './shape-inference/attrs.js';
import { baseOp } from './shape-inference/base-op.js';
import { layoutOf } from './shape-inference/conv-pool.js';
import { einsumShape, matmulShape } from './shape-inference/matmul.js';

const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);

export const PRODUCT_OPS = new Set([
  'Conv', 'ConvInteger', 'QLinearConv', 'ConvTranspose', 'Gemm', 'MatMul', 'MatMulInteger', 'QLinearMatMul', 'FusedMatMul', 'Einsum',
  'LSTM', 'GRU', 'RNN', 'Attention', 'MultiHeadAttention',
]);

/** MACs of one node given its input and output shapes (ONNX slot order). */
export function nodeMacs(node: ArchNode, ins: Array<number[] | null>, outs: Array<number[] | null>): number | null {
  const op = baseOp(node.op);
  if (!PRODUCT_OPS.has(op)) return 0;
  const x = ins[0] ?? null;
  const y = outs[0] ?? null;
  switch (op) {
    case 'Conv':
    case 'ConvInteger':
    case 'QLinearConv': {
      const w = ins[op === 'QLinearConv' ? 3 : 1];
      if (!x || !y || !w) return null;
      const L = layoutOf(node, x.length);
      const kernel = attrInts(node.attrs.kernel_shape) ?? (node.layout === 'NHWC' ? null : w.slice(2));
      if (!kernel) return null;
      const group = attrInt(node.attrs.group, 1);
      // each output element: (Cin/group) × kernel multiply-adds
      return numel(y) * numel(kernel) * (x[L.channelAxis]! / group);
    }
    case 'ConvTranspose': {
      const w = ins[1];
      if (!x || !w) return null;
      const L = layoutOf(node, x.length);
      // each input element scatters into (Cout/group) × kernel outputs; numel(W) = Cin × Cout/group × kernel
      return (numel(x) / x[L.channelAxis]!) * numel(w);
    }
    case 'Gemm': {
      if (!x || !y) return null;
      const k = attrInt(node.attrs.transA, 0) ? x[0]! : x[1]!;
      return numel(y) * k;
    }
    case 'MatMul':
    case 'MatMulInteger':
    case 'FusedMatMul':
    case 'QLinearMatMul': {
      const a = op === 'QLinearMatMul' ? ins[0] : x;
      const b = op === 'QLinearMatMul' ? ins[3] : ins[1];
      const transA = op === 'FusedMatMul' && attrInt(node.attrs.transA, 0) === 1;
      const out = matmulShape(a ?? null, b ?? null, transA, op === 'FusedMatMul' && attrInt(node.attrs.transB, 0) === 1);
      if (!a || !out) return null;
      const k = a.length === 1 ? a[0]! : transA ? a[a.length - 2]! : a[a.length - 1]!;
      return numel(out) * k;
    }
    case 'Einsum': {
      const r = einsumShape(String(node.attrs.equation ?? ''), ins);
      if (!r) return null;
      if (ins.length < 2) return 0;
      // a contraction visits every combination of all index values once
      let p = 1;
      for (const v of r.sizes.values()) p *= v;
      return p;
    }
    case 'LSTM':
    case 'GRU':
    case 'RNN': {
      const w = ins[1];
      const r = ins[2];
      if (!x || !w || !r) return null;
      const steps = x[0]! * x[1]!; // seq × batch in either layout (attr `layout` only swaps them)
      return steps * (numel(w) + numel(r));
    }
    case 'Attention': {
      // com.microsoft Attention: packed QKV projection + QKᵀ + AV.
      const w = ins[1];
      if (!x || !w || x.length !== 3) return null;
      const [b, s] = x as [number, number];
      const qkv = attrInts(node.attrs.qkv_hidden_sizes);
      const hq = qkv ? qkv[0]! : w[1]! / 3;
      const hv = qkv ? qkv[2]! : w[1]! / 3;
      return b * s * numel(w) + b * s * s * hq + b * s * s * hv;
    }
    case 'MultiHeadAttention': {
      const k = ins[1];
      const v = ins[2];
      if (!x || !k || !v || x.length !== 3 || k.length !== 3 || v.length !== 3) return null;
      return x[0]! * x[1]! * k[1]! * x[2]! + x[0]! * x[1]! * v[1]! * v[2]!;
    }
  }
  return 0;
}

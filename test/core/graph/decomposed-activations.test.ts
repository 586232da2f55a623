/**
 * Decomposed activations are recognised by what they compute, not by the
 * multiset of ops alone: x·σ(x) is a SiLU, but σ(f)·c with c a constant (the
 * first step of an unrolled LSTMCell multiplies its forget gate by c0 = 0) is
 * a gate.
 */
import { describe, expect, it } from 'vitest';
import { encodeModel, type NodeSpec } from '../../../src/core/graph/onnx-builder.js';
import { parseGraph } from '../../../src/core/graph/load.js';
import { analyzeGraph } from '../../../src/core/graph/analyze.js';

function activations(second: 'x' | 'const'): string[] {
  const nodes: NodeSpec[] = [
    { op: 'Gemm', inputs: ['input', 'w', 'b'], outputs: ['h'], name: '/fc', attrs: { transB: 1 } },
    { op: 'Sigmoid', inputs: ['h'], outputs: ['s'], name: '/sig', attrs: {} },
    { op: 'Mul', inputs: ['s', second === 'x' ? 'h' : 'c0'], outputs: ['y'], name: '/mul', attrs: {} },
    { op: 'Gemm', inputs: ['y', 'w2', 'b2'], outputs: ['out'], name: '/fc2', attrs: { transB: 1 } },
  ];
  const bytes = encodeModel({
    graph: {
      nodes,
      inputs: [{ name: 'input', shape: [1, 8] }],
      outputs: [{ name: 'out', shape: null }],
      initializers: [
        { name: 'w', dims: [8, 8] }, { name: 'b', dims: [8] }, { name: 'w2', dims: [2, 8] }, { name: 'b2', dims: [2] },
        { name: 'c0', dims: [1, 8], data: new Array(8).fill(0) },
      ],
    },
  });
  return analyzeGraph(parseGraph(bytes, 'act.onnx')).facts.activations;
}

describe('decomposed SiLU', () => {
  it('x·σ(x) is a SiLU', () => expect(activations('x')).toEqual(['silu']));
  it('σ(x)·constant is a sigmoid gate, not a SiLU', () => expect(activations('const')).toEqual(['sigmoid']));
});

/**
 * The shape-inference driver's contract for giving up: a node whose known
 * inputs give no shape leaves its outputs unknown and says so in a note
 * (which reaches the facts' notes); an unknown input is not reported again
 * downstream; any error other than ShapeError is a bug and propagates.
 */
import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../../../src/core/graph/shape-inference/infer.js';
import { SHAPE_FUNCTIONS } from '../../../../src/core/graph/shape-inference/registry.js';
import { analyzeGraph } from '../../../../src/core/graph/analyze.js';
import type { ArchGraph, ArchNode, AttrValue, ParamInfo } from '../../../../src/core/graph/types.js';

function node(id: string, op: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}): ArchNode {
  return { id, op, sourceOp: op, attrs, inputs, outputs, params: [] };
}
function weight(name: string, shape: number[], values?: number[]): ParamInfo {
  return { name, shape, dtype: values ? 'int64' : 'float32', trainable: !values, values };
}
function graph(nodes: ArchNode[], inputs: Array<[string, number[]]>, weights: ParamInfo[] = [], valueInfo: ArchGraph['valueInfo'] = {}): ArchGraph {
  return {
    format: 'onnx',
    name: 'hand-built',
    nodes,
    inputs: inputs.map(([name, shape]) => ({ name, shape, dtype: 'float32' })),
    outputs: [{ name: nodes[nodes.length - 1]!.outputs[0]!, shape: null, dtype: 'float32' }],
    valueInfo,
    initializers: Object.fromEntries(weights.map((w) => [w.name, w])),
    metadata: {},
    opset: 13,
  };
}

describe('shape inference gives up with a note', () => {
  // a skip connection whose two branches disagree: 14x14 + 16x16 does not broadcast
  const mismatched = () =>
    graph(
      [node('skip', 'Add', ['a', 'b'], ['sum']), node('act', 'Relu', ['sum'], ['y'])],
      [['a', [1, 8, 14, 14]], ['b', [1, 8, 16, 16]]],
    );

  it('a node whose known inputs give no shape: outputs unknown, one note naming the node and the reason', () => {
    const r = inferShapes(mismatched());
    expect(r.tensors.get('sum')!.shape).toBeNull();
    expect(r.tensors.get('y')!.shape).toBeNull();
    // one note: the Relu after it has an unknown input, which is not reported again
    expect(r.notes).toEqual([
      "shape of Add node 'skip' not inferred (input shapes [1, 8, 14, 14], [1, 8, 16, 16] do not broadcast): its outputs, and what is computed from them, have unknown shapes",
    ]);
  });

  it('the note says when the file declares the output shape (value_info), which is then used', () => {
    const g = mismatched();
    g.valueInfo = { sum: { name: 'sum', shape: [1, 8, 16, 16], dtype: 'float32' } };
    const r = inferShapes(g);
    expect(r.tensors.get('sum')!.shape).toEqual([1, 8, 16, 16]);
    expect(r.tensors.get('y')!.shape).toEqual([1, 8, 16, 16]);
    expect(r.notes).toEqual(["shape of Add node 'skip' not inferred (input shapes [1, 8, 14, 14], [1, 8, 16, 16] do not broadcast): the output shapes the file declares are used"]);
  });

  it('the note reaches the facts (describe --facts --json notes)', () => {
    const { facts } = analyzeGraph(mismatched());
    expect(facts.notes).toContain(
      "shape of Add node 'skip' not inferred (input shapes [1, 8, 14, 14], [1, 8, 16, 16] do not broadcast): its outputs, and what is computed from them, have unknown shapes",
    );
  });

  it('a missing operand is a ShapeError too: Conv without a weight', () => {
    const r = inferShapes(graph([node('c', 'Conv', ['x'], ['y'], { kernel_shape: [3, 3] })], [['x', [1, 3, 8, 8]]]));
    expect(r.tensors.get('y')!.shape).toBeNull();
    expect(r.notes).toEqual(["shape of Conv node 'c' not inferred (no weight input): its outputs, and what is computed from them, have unknown shapes"]);
  });

  it('an input whose contents are unknown is no note: Reshape to a shape computed from a data input', () => {
    // the target shape comes from a graph input, so its values are not known statically
    const g = graph([node('r', 'Reshape', ['x', 'target'], ['y']), node('act', 'Relu', ['y'], ['z'])], [['x', [2, 6]], ['target', [2]]]);
    const r = inferShapes(g);
    expect(r.tensors.get('z')!.shape).toBeNull();
    expect(r.notes).toEqual([]);
  });

  it('an op without a shape function is unknown, not a note', () => {
    const r = inferShapes(graph([node('l', 'SomeCustomOp', ['x'], ['y'])], [['x', [1, 4]]]));
    expect(r.tensors.get('y')!.shape).toBeNull();
    expect(r.notes).toEqual([]);
  });

  it('any other error is a bug and propagates', () => {
    // attrs must be an object (every loader sets one); a shape function reading it then fails with a TypeError
    const broken = node('c', 'Conv', ['x', 'w'], ['y']);
    (broken as { attrs: unknown }).attrs = null;
    const g = graph([broken], [['x', [1, 3, 8, 8]]], [weight('w', [4, 3, 3, 3])]);
    expect(() => inferShapes(g)).toThrow(TypeError);
  });
});

describe('shape function table', () => {
  it('is prototype-free and dispatches fused variants to their base op', () => {
    expect(SHAPE_FUNCTIONS['constructor']).toBeUndefined();
    expect(SHAPE_FUNCTIONS['__proto__']).toBeUndefined();
    const g = graph([node('f', 'FusedConv', ['x', 'w'], ['y'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] })], [['x', [1, 3, 8, 8]]], [weight('w', [4, 3, 3, 3])]);
    expect(inferShapes(g).tensors.get('y')!.shape).toEqual([1, 4, 8, 8]);
  });

  it('folds shape arithmetic: Shape → Gather → Unsqueeze → Concat → Reshape', () => {
    // flatten all but the batch dim of x[2,3,4] with a target computed in the graph: [2, -1] → [2, 12]
    const g = graph(
      [
        node('s', 'Shape', ['x'], ['shape']),
        node('g', 'Gather', ['shape', 'zero'], ['batch'], { axis: 0 }),
        node('u', 'Unsqueeze', ['batch', 'axes0'], ['batch1']),
        node('c', 'Concat', ['batch1', 'minus1'], ['target'], { axis: 0 }),
        node('r', 'Reshape', ['x', 'target'], ['y']),
      ],
      [['x', [2, 3, 4]]],
      [weight('zero', [], [0]), weight('axes0', [1], [0]), weight('minus1', [1], [-1])],
    );
    const r = inferShapes(g);
    expect(r.tensors.get('target')!.values).toEqual([2, -1]);
    expect(r.tensors.get('y')!.shape).toEqual([2, 12]);
    expect(r.notes).toEqual([]);
  });
});

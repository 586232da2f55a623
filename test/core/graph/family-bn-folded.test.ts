/**
 * Family guess on exports whose BatchNorm was folded into the convolutions
 * (`torch.onnx.export` of an eval-mode model folds it by default, so most
 * ResNet files found in the wild look like this). A folded basic block is
 * conv → relu → conv → add → relu: one step from a 3x3 conv past the add
 * reaches the next stage's 1x1 downsample conv, whose 2x widening must not be
 * read as a Wide-ResNet bottleneck (it was: resnet18 exported with default
 * settings came out "wide_resnet").
 */
import { describe, expect, it } from 'vitest';
import { encodeModel, type NodeSpec, type TensorSpec } from '../../../src/core/graph/onnx-builder.js';
import { parseGraph } from '../../../src/core/graph/load.js';
import { analyzeGraph } from '../../../src/core/graph/analyze.js';

function resnet(kind: 'basic' | 'bottleneck', width: number): string | null {
  const nodes: NodeSpec[] = [];
  const inits: TensorSpec[] = [];
  let k = 0;
  const conv = (x: string, cin: number, cout: number, kernel: number, stride = 1): string => {
    const w = `w${k++}`;
    const b = `b${k++}`;
    inits.push({ name: w, dims: [cout, cin, kernel, kernel] }, { name: b, dims: [cout] });
    const out = `conv${k++}`;
    const p = (kernel - 1) / 2;
    nodes.push({ op: 'Conv', inputs: [x, w, b], outputs: [out], name: `/${out}`, attrs: { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [p, p, p, p] } });
    return out;
  };
  const op = (type: string, inputs: string[], attrs: NodeSpec['attrs'] = {}): string => {
    const out = `${type.toLowerCase()}${k++}`;
    nodes.push({ op: type, inputs, outputs: [out], name: `/${out}`, attrs });
    return out;
  };
  let x = op('MaxPool', [op('Relu', [conv('input', 3, 64, 7, 2)])], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  let cin = 64;
  for (const [stage, planes] of [64, 128, 256].entries()) {
    for (let blk = 0; blk < 2; blk++) {
      const stride = stage > 0 && blk === 0 ? 2 : 1;
      const cout = kind === 'basic' ? planes : planes * 4;
      const mid = kind === 'basic' ? planes : planes * width;
      let y: string;
      if (kind === 'basic') y = conv(op('Relu', [conv(x, cin, mid, 3, stride)]), mid, cout, 3);
      else y = conv(op('Relu', [conv(op('Relu', [conv(x, cin, mid, 1)]), mid, mid, 3, stride)]), mid, cout, 1);
      const skip = stride !== 1 || cin !== cout ? conv(x, cin, cout, 1, stride) : x;
      x = op('Relu', [op('Add', [y, skip])]);
      cin = cout;
    }
  }
  const pooled = op('Flatten', [op('GlobalAveragePool', [x])]);
  inits.push({ name: 'fcw', dims: [1000, cin] }, { name: 'fcb', dims: [1000] });
  const logits = op('Gemm', [pooled, 'fcw', 'fcb'], { transB: 1 });
  const bytes = encodeModel({ graph: { nodes, inputs: [{ name: 'input', shape: [1, 3, 224, 224] }], outputs: [{ name: logits, shape: null }], initializers: inits } });
  return analyzeGraph(parseGraph(bytes, 'folded.onnx')).facts.family.guess;
}

describe('family of BN-folded ResNets', () => {
  it('basic blocks without BatchNorm are a ResNet, not a Wide ResNet', () => {
    expect(resnet('basic', 1)).toBe('resnet');
  });
  it('bottlenecks keep their width ratio: a quarter → resnet, a half → wide_resnet', () => {
    expect(resnet('bottleneck', 1)).toBe('resnet');
    expect(resnet('bottleneck', 2)).toBe('wide_resnet');
  });
});

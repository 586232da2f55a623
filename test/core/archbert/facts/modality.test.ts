/**
 * Input modality from the graph (arch-summary.ts modalityOf) and the query
 * words that ask for it (find.ts). A 3-D float input read by 1-D kernels is a
 * sequence: kernel-1 convolutions over [batch, 3, N] are PointNet's shared
 * per-point MLP (a point cloud), wider 1-D kernels a signal (WaveNet, TCN);
 * 2-D kernels over [3, H, W] are one image without a batch dimension
 * (torchvision's detectors). Graphs are built here with the ONNX writer.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConstraints } from '../../../../src/core/archbert/language/constraints.js';
import { satisfies } from '../../../../src/core/archbert/language/constraint-check.js';
import { analyzeModelFile, type AnalyzedModel } from '../../../../src/core/archbert/facts/model-file.js';
import { encodeModel } from '../../../../src/core/graph/onnx-builder.js';

/** One convolution (kernel `k`, 1-D or 2-D) over `shape`, then a global max. */
function convNet(shape: number[], k: number[]): Uint8Array {
  const cin = shape.length === 3 && k.length === 2 ? shape[0]! : shape[1]!;
  return encodeModel({
    graph: {
      name: 'm',
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { kernel_shape: k } },
        { op: 'Relu', inputs: ['y'], outputs: ['r'] },
        { op: 'ReduceMax', inputs: ['r'], outputs: ['out'], attrs: { keepdims: 0 } },
      ],
      inputs: [{ name: 'x', shape }],
      outputs: [{ name: 'out', shape: [] }],
      initializers: [{ name: 'w', dims: [8, cin, ...k], data: 'random' }],
    },
  });
}

describe('modality of 3-D float inputs', () => {
  const m: Record<string, AnalyzedModel> = {};
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archbert-modality-'));
    for (const [name, bytes] of Object.entries({ points: convNet([1, 3, 256], [1]), signal: convNet([1, 1, 128], [3]), image: convNet([3, 64, 64], [3, 3]) })) {
      writeFileSync(join(dir, `${name}.onnx`), bytes);
      m[name] = await analyzeModelFile(join(dir, `${name}.onnx`));
    }
  });
  it('tells a point cloud, a 1-D signal and a batchless image apart', () => {
    expect([m.points!.summary.modality, m.signal!.summary.modality, m.image!.summary.modality]).toEqual(['point cloud', 'signal', 'image']);
  });
  it('matches the modality a query names', () => {
    const fits = (q: string, name: string) => parseConstraints(q).filter((c) => c.kind === 'modality').every((c) => satisfies(m[name]!.summary, c));
    expect(fits('point cloud classifier', 'points')).toBe(true);
    expect(fits('point cloud classifier', 'image')).toBe(false);
    expect(fits('an audio model', 'signal')).toBe(true);
    expect(fits('temporal convolutional network', 'signal')).toBe(true);
    expect(fits('video model with 3d convolutions', 'image')).toBe(false);
    expect(fits('object detector for images', 'image')).toBe(true);
  });
});

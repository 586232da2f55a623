import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { exposeOutputs, findClassifierFeature, findLogits, parseModel } from '../../../src/core/features/surgery.js';

const { onnx } = onnxProto;
const fixture = (p: string) => new URL(`../../../fixtures/rank/${p}`, import.meta.url);
const load = (p: string) => parseModel(readFileSync(fixture(p)), p);

function initializer(bytes: Uint8Array, name: string): { dims: number[]; data: Float32Array } {
  const m = onnx.ModelProto.decode(bytes);
  const t = m.graph!.initializer!.find((i) => i.name === name)!;
  const raw = t.rawData!;
  return { dims: t.dims!.map(Number), data: new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)) };
}

describe('graph surgery', () => {
  it('finds the Gemm input through Flatten as the classifier feature', () => {
    const m = load('zoo-cls/gemm_a.onnx');
    const logits = findLogits(m, 'f');
    expect(logits).toBe('logits');
    expect(findClassifierFeature(m, logits)).toBe('flat');
  });

  it('follows Softmax back to the logits and MatMul + bias Add to the feature', () => {
    const m = load('zoo-cls/matmul_c.onnx');
    const logits = findLogits(m, 'f');
    expect(logits).toBe('scores');
    expect(findClassifierFeature(m, logits)).toBe('flat');
  });

  it('returns null when no linear layer makes the logits', () => {
    const m = load('zoo-bad/convonly.onnx');
    expect(findClassifierFeature(m, findLogits(m, 'f'))).toBeNull();
  });

  it('exposed outputs reproduce the logits: features · Wᵀ + b = logits (independent check of the tensor found)', async () => {
    const bytes = readFileSync(fixture('zoo-cls/gemm_a.onnx'));
    const m = parseModel(bytes, 'gemm_a');
    const modified = exposeOutputs(m, ['flat', 'logits']);
    const s = await ort.InferenceSession.create(modified);
    expect(s.outputNames).toEqual(['logits', 'flat']);
    const x = new Float32Array(2 * 3 * 16 * 16).map((_, i) => Math.sin(i));
    const out = await s.run({ input: new ort.Tensor('float32', x, [2, 3, 16, 16]) });
    const feat = out.flat!.data as Float32Array;
    const logits = out.logits!.data as Float32Array;
    const W = initializer(bytes, 'fc.w'); // [5, 8], transB = 1
    const b = initializer(bytes, 'fc.b');
    expect(out.flat!.dims).toEqual([2, 8]);
    for (let r = 0; r < 2; r++)
      for (let c = 0; c < 5; c++) {
        let v = b.data[c]!;
        for (let k = 0; k < 8; k++) v += feat[r * 8 + k]! * W.data[c * 8 + k]!;
        expect(v).toBeCloseTo(logits[r * 5 + c]!, 5);
      }
    await s.release();
  });

  // The committed demo zoo names its features in zoo.json; auto-detection must agree with those names.
  const zooDir = new URL('../../../models/zoo/classification/', import.meta.url);
  it.skipIf(!existsSync(new URL('zoo.json', zooDir)))('auto-detects the same feature tensors the demo zoo.json names', () => {
    const zoo = JSON.parse(readFileSync(new URL('zoo.json', zooDir), 'utf8')) as { models?: Record<string, { feature?: string }> };
    const files = readdirSync(zooDir).filter((f) => f.endsWith('.onnx'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const named = zoo.models?.[f.replace('.onnx', '')]?.feature;
      if (!named) continue;
      const m = parseModel(readFileSync(new URL(f, zooDir)), f);
      expect(findClassifierFeature(m, findLogits(m, f)), f).toBe(named);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { InputError } from '../../../src/core/errors.js';
import { FeatureCache } from '../../../src/core/features/cache.js';
import { loadDataset, type ImageDataset } from '../../../src/core/features/datasets.js';
import { extractFeatures } from '../../../src/core/features/extract.js';
import { boxTarget } from '../../../src/core/features/roi.js';
import { loadZoo } from '../../../src/core/features/zoo.js';
import { SessionOpener } from '../../../src/core/runtime/session.js';

const { onnx } = onnxProto;
const fx = (p: string) => new URL(`../../../fixtures/rank/${p}`, import.meta.url).pathname;
const opener = () => new SessionOpener({ device: 'cpu' });

function weights(path: string, name: string): Float32Array {
  const t = onnx.ModelProto.decode(readFileSync(path)).graph!.initializer!.find((i) => i.name === name)!;
  const raw = t.rawData!;
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

describe('classification extraction', () => {
  it('features are the classifier input: softmax(X·Wᵀ + b) equals the probabilities from the logits output', async () => {
    const zoo = await loadZoo(fx('zoo-cls'));
    const data = (await loadDataset(fx('images'))) as ImageDataset;
    const r = await extractFeatures(zoo.models, data, { opener: opener(), cache: null, batchSize: 5 });
    expect(r.failures).toEqual([]);
    expect(r.features.map((f) => [f.name, f.rows, f.cols, f.probCols])).toEqual([
      ['gemm_a', 24, 8, 5],
      ['gemm_b', 24, 6, 4], // fixed batch size 1 in its graph: run in chunks
      ['matmul_c', 24, 7, 6],
    ]);
    const a = r.features[0]!;
    expect(a.labels).toEqual(data.items.map((i) => i.label));
    const W = weights(fx('zoo-cls/gemm_a.onnx'), 'fc.w');
    const b = weights(fx('zoo-cls/gemm_a.onnx'), 'fc.b');
    for (let i = 0; i < a.rows; i++) {
      const z = Array.from({ length: 5 }, (_, c) => b[c]! + Array.from({ length: 8 }, (_, k) => a.X[i * 8 + k]! * W[c * 8 + k]!).reduce((p, q) => p + q, 0));
      const mx = Math.max(...z);
      const e = z.map((v) => Math.exp(v - mx));
      const s = e.reduce((p, q) => p + q, 0);
      e.forEach((v, c) => expect(a.probs![i * 5 + c]).toBeCloseTo(v / s, 5));
    }
  });

  it('unreadable images are skipped and reported; --strict makes them fatal', async () => {
    const zoo = await loadZoo(fx('zoo-bad'));
    const data = (await loadDataset(fx('images-broken'))) as ImageDataset;
    const r = await extractFeatures(zoo.models, data, { opener: opener(), cache: null });
    expect(r.skipped.map((s) => s.path)).toEqual([fx('images-broken/blue/broken.png')]);
    expect(r.features.map((f) => [f.name, f.rows])).toEqual([['gemm_a', 3]]);
    // the model without a linear layer fails with the zoo.json key that fixes it; the other runs
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.name).toBe('convonly');
    expect(r.failures[0]!.message).toMatch(/cannot find the feature layer of convonly.*set "feature"/);
    await expect(extractFeatures(zoo.models, data, { opener: opener(), cache: null, strict: true })).rejects.toThrow(InputError);
  });
});

describe('detection extraction', () => {
  it('one row per ground-truth box, targets cx,cy,w,h / image size, stride from zoo.json or inferred', async () => {
    const zoo = await loadZoo(fx('zoo-det'));
    const data = (await loadDataset(fx('coco'))) as ImageDataset;
    const r = await extractFeatures(zoo.models, data, { opener: opener(), cache: null, batchSize: 4 });
    expect(r.failures).toEqual([]);
    const boxes = data.items.flatMap((i) => i.boxes!);
    for (const f of r.features) {
      expect(f.rows).toBe(boxes.length);
      expect(f.labels).toEqual(boxes.map((b) => b.label));
      expect(f.probs).toBeNull();
      boxes.forEach((b, i) => boxTarget(b, 48, 40).forEach((v, k) => expect(f.targets![i * 4 + k]).toBeCloseTo(v, 6)));
    }
    expect(r.features.map((f) => [f.name, f.cols, f.stride])).toEqual([
      ['det_s4', 6, 4],
      ['det_s8', 5, 8],
    ]);
  });

  it('image_feature concatenates the image-level pooled feature', async () => {
    const zoo = await loadZoo(fx('zoo-det'));
    const data = (await loadDataset(fx('yolo'))) as ImageDataset;
    const models = zoo.models.map((m) => ({ ...m, settings: { ...m.settings, imageFeature: true } }));
    const r = await extractFeatures(models, data, { opener: opener(), cache: null });
    const f = r.features[0]!;
    expect(f.cols).toBe(12);
    // the second half is the same for both boxes of one image
    expect(Array.from(f.X.subarray(6, 12))).toEqual(Array.from(f.X.subarray(18, 24)));
  });
});

describe('feature cache', () => {
  it('a second run reads the cache (no inference) and returns the same features; a changed image is recomputed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'etran-cache-data-'));
    cpSync(fx('images'), dataDir, { recursive: true });
    const cache = new FeatureCache(mkdtempSync(join(tmpdir(), 'etran-cache-')));
    const zoo = await loadZoo(fx('zoo-cls'));
    const first = await extractFeatures(zoo.models, (await loadDataset(dataDir)) as ImageDataset, { opener: opener(), cache });
    expect(first.features.every((f) => !f.cached)).toBe(true);
    // A session factory that throws proves no model is opened on a full cache hit.
    const noRuntime = new SessionOpener({ device: 'cpu' }, async () => {
      throw new Error('inference attempted');
    });
    const second = await extractFeatures(zoo.models, (await loadDataset(dataDir)) as ImageDataset, { opener: noRuntime, cache });
    expect(second.failures).toEqual([]);
    expect(second.features.every((f) => f.cached)).toBe(true);
    second.features.forEach((f, i) => {
      expect(Array.from(f.X)).toEqual(Array.from(first.features[i]!.X));
      expect(Array.from(f.probs!)).toEqual(Array.from(first.features[i]!.probs!));
      expect(f.labels).toEqual(first.features[i]!.labels);
    });
    utimesSync(join(dataDir, 'red', 'red_0.png'), new Date(), new Date(Date.now() + 5000));
    const third = await extractFeatures(zoo.models, (await loadDataset(dataDir)) as ImageDataset, { opener: opener(), cache });
    expect(third.features.every((f) => !f.cached)).toBe(true);
  });
});

describe('decode limiter', () => {
  it('runs at most n tasks at once, all of them, results in place', async () => {
    const { limiter } = await import('../../../src/core/features/extract.js');
    const limit = limiter(2);
    let running = 0;
    let peak = 0;
    const task = (v: number) => async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (v === 3) throw new Error('three');
      return v * 10;
    };
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((v) => limit(task(v))));
    expect(peak).toBe(2);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 20, 'three', 40, 50]);
  });
});

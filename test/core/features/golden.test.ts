/**
 * Preprocessing and features against an independent implementation:
 * test/golden/rank-features.json is made by training/golden/rank_features.py
 * with PIL + torchvision transforms (Resize, CenterCrop, ToTensor, Normalize)
 * and the model's graph re-implemented in torch from the ONNX weights.
 * sharp's linear kernel and PIL's bilinear filter differ slightly, hence the
 * tolerances (stated in pixel levels).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadDataset, type ImageDataset } from '../../../src/core/features/datasets.js';
import { extractFeatures } from '../../../src/core/features/extract.js';
import { decodeImage, fillTensor, geometryKey, type Geometry } from '../../../src/core/features/preprocess.js';
import { DEFAULT_SETTINGS, loadZoo } from '../../../src/core/features/zoo.js';
import { SessionOpener } from '../../../src/core/runtime/session.js';

interface Golden {
  images: Array<{ path: string; input: number[]; features: number[]; probs: number[] }>;
}
const golden = JSON.parse(readFileSync(new URL('../../golden/rank-features.json', import.meta.url), 'utf8')) as Golden;
const fx = (p: string) => new URL(`../../../fixtures/rank/${p}`, import.meta.url).pathname;
const LEVEL = 1 / 255 / 0.225; // one pixel level after normalisation (largest of the three std)

describe('against torchvision + torch (golden)', () => {
  it('input tensors match torchvision preprocessing to a fraction of a pixel level on average', async () => {
    const g: Geometry = { height: 16, width: 16, resize: 'shorter_side', cropPct: 1 };
    let sum = 0;
    let count = 0;
    let max = 0;
    for (const im of golden.images) {
      const d = await decodeImage(fx(`images/${im.path}`), [g]);
      const t = new Float32Array(3 * 16 * 16);
      fillTensor(t, 0, d.pixels.get(geometryKey(g))!, g, DEFAULT_SETTINGS);
      t.forEach((v, i) => {
        const e = Math.abs(v - im.input[i]!);
        sum += e;
        count++;
        max = Math.max(max, e);
      });
    }
    expect(golden.images).toHaveLength(24);
    expect(sum / count).toBeLessThan(0.5 * LEVEL); // measured: 0.22 levels
    expect(max).toBeLessThan(10 * LEVEL); // measured: 7 levels, at the disc's edge
  });

  it('features and source probabilities match the torch forward pass', async () => {
    const zoo = await loadZoo(fx('zoo-cls'));
    const data = (await loadDataset(fx('images'))) as ImageDataset;
    const r = await extractFeatures([zoo.models[0]!], data, { opener: new SessionOpener({ device: 'cpu' }), cache: null });
    const f = r.features[0]!;
    expect(f.rows).toBe(golden.images.length);
    let maxFeature = 0;
    let maxProb = 0;
    golden.images.forEach((im, i) => {
      im.features.forEach((v, k) => (maxFeature = Math.max(maxFeature, Math.abs(f.X[i * 8 + k]! - v))));
      im.probs.forEach((v, k) => (maxProb = Math.max(maxProb, Math.abs(f.probs![i * 5 + k]! - v))));
    });
    expect(maxFeature).toBeLessThan(0.01); // measured: 0.0033 (features are ~0.1–1)
    expect(maxProb).toBeLessThan(0.005); // measured: 0.0003
  });
});

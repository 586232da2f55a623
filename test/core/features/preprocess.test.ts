import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage, fillTensor, geometryKey, planResize, type Geometry } from '../../../src/core/features/preprocess.js';
import { DEFAULT_SETTINGS } from '../../../src/core/features/zoo.js';

const sq = (n: number, extra: Partial<Geometry> = {}): Geometry => ({ height: n, width: n, resize: 'shorter_side', cropPct: 1, ...extra });
const dir = mkdtempSync(join(tmpdir(), 'etran-pre-'));

async function png(name: string, width: number, height: number, channels: 1 | 3, pixel: (x: number, y: number) => number[]): Promise<string> {
  const buf = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixel(x, y).forEach((v, c) => (buf[(y * width + x) * channels + c] = v));
  const path = join(dir, name);
  writeFileSync(path, await sharp(buf, { raw: { width, height, channels } }).png().toBuffer());
  return path;
}

describe('resize plan', () => {
  it('shorter side to the input size, then centre crop, with torchvision\'s rounding (Resize(224) + CenterCrop(224))', () => {
    // 400×300: long side int(224 · 400 / 300) = int(298.67) = 298; crop left = round(74 / 2) = 37.
    expect(planResize(400, 300, sq(224))).toEqual({ resizedWidth: 298, resizedHeight: 224, left: 37, top: 0 });
    expect(planResize(300, 400, sq(224))).toEqual({ resizedWidth: 224, resizedHeight: 298, left: 0, top: 37 });
    // 35×29 → 16: long int(16 · 35 / 29) = 19; left = round(1.5) = 2 (half to even, as Python's round).
    expect(planResize(35, 29, sq(16))).toEqual({ resizedWidth: 19, resizedHeight: 16, left: 2, top: 0 });
    // 37×27 → 16: long int(21.93) = 21; left = round(2.5) = 2.
    expect(planResize(37, 27, sq(16))).toEqual({ resizedWidth: 21, resizedHeight: 16, left: 2, top: 0 });
  });
  it('crop_pct 0.875 is timm\'s Resize(256) + CenterCrop(224)', () => {
    // 400×300 → shorter side floor(224 / 0.875) = 256: int(341.33) = 341; left = round(58.5) = 58, top = 16.
    expect(planResize(400, 300, sq(224, { cropPct: 0.875 }))).toEqual({ resizedWidth: 341, resizedHeight: 256, left: 58, top: 16 });
  });
  it('non-square inputs cover both sides', () => {
    // target 32×64 (H×W) from 100×100: scale max(0.32, 0.64) → 64×64, crop top 16.
    expect(planResize(100, 100, { height: 32, width: 64, resize: 'shorter_side', cropPct: 1 })).toEqual({ resizedWidth: 64, resizedHeight: 64, left: 0, top: 16 });
  });
  it('stretch ignores aspect', () => {
    expect(planResize(400, 300, sq(64, { resize: 'stretch' }))).toEqual({ resizedWidth: 64, resizedHeight: 64, left: 0, top: 0 });
  });
});

describe('decoding', () => {
  it('centre crop keeps the middle of a wide image', async () => {
    // 40×20: x < 10 red, 10 ≤ x < 30 green, x ≥ 30 blue. Resize to 32×16, crop x ∈ [8, 24) = original [10, 30): green only.
    const path = await png('bands.png', 40, 20, 3, (x) => (x < 10 ? [255, 0, 0] : x < 30 ? [0, 255, 0] : [0, 0, 255]));
    const g = sq(16);
    const im = await decodeImage(path, [g]);
    expect([im.width, im.height]).toEqual([40, 20]);
    const px = im.pixels.get(geometryKey(g))!;
    expect(px.length).toBe(16 * 16 * 3);
    for (const x of [1, 8, 14]) {
      const o = (8 * 16 + x) * 3;
      expect(px[o + 1]).toBeGreaterThan(200);
      expect(px[o]).toBeLessThan(60);
      expect(px[o + 2]).toBeLessThan(60);
    }
  });

  it('grayscale images become three equal channels; several geometries from one decode', async () => {
    const path = await png('gray.png', 30, 30, 1, (x, y) => [(x * 8 + y) % 256]);
    const im = await decodeImage(path, [sq(8), sq(12)]);
    for (const n of [8, 12]) {
      const px = im.pixels.get(geometryKey(sq(n)))!;
      expect(px.length).toBe(n * n * 3);
      for (let p = 0; p < n * n; p++) expect(px[p * 3]).toBe(px[p * 3 + 1]), expect(px[p * 3]).toBe(px[p * 3 + 2]);
    }
  });

  it('a flat colour stays that colour through resize and crop', async () => {
    const path = await png('flat.png', 50, 37, 3, () => [10, 120, 250]);
    const im = await decodeImage(path, [sq(16)]);
    const px = im.pixels.get(geometryKey(sq(16)))!;
    for (let p = 0; p < 256; p++) expect([px[p * 3], px[p * 3 + 1], px[p * 3 + 2]]).toEqual([10, 120, 250]);
  });

  it('rejects files that are not images', async () => {
    const path = join(dir, 'bad.png');
    writeFileSync(path, 'nope');
    await expect(decodeImage(path, [sq(8)])).rejects.toThrow();
  });
});

describe('tensor normalisation', () => {
  const g: Geometry = { height: 1, width: 2, resize: 'stretch', cropPct: 1 };
  const rgb = new Uint8Array([255, 0, 51, 0, 102, 255]); // two pixels
  it('NCHW RGB with ImageNet mean/std: (v/255 − mean)/std per channel plane', () => {
    const out = new Float32Array(2 * 6);
    fillTensor(out, 1, rgb, g, DEFAULT_SETTINGS);
    const [m, s] = [DEFAULT_SETTINGS.mean, DEFAULT_SETTINGS.std];
    const expected = [(1 - m[0]) / s[0], (0 - m[0]) / s[0], (0 - m[1]) / s[1], (0.4 - m[1]) / s[1], (0.2 - m[2]) / s[2], (1 - m[2]) / s[2]];
    expect(Array.from(out.subarray(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    Array.from(out.subarray(6)).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  });
  it('NHWC BGR, scale 1, zero mean, unit std: raw pixel values in B, G, R order', () => {
    const out = new Float32Array(6);
    fillTensor(out, 0, rgb, g, { ...DEFAULT_SETTINGS, layout: 'NHWC', color: 'BGR', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] });
    expect(Array.from(out)).toEqual([51, 0, 255, 255, 102, 0]);
  });
});

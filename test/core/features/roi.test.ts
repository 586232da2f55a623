import { describe, expect, it } from 'vitest';
import { boxCorners, boxTarget, globalAverage, roiAverage, type FeatureMap } from '../../../src/core/features/roi.js';

/** A 2-channel 4×4 map: channel 0 = x index, channel 1 = 10·y index. */
function map(layout: 'NCHW' | 'NHWC'): FeatureMap {
  const data = new Float32Array(2 * 16);
  for (let y = 0; y < 4; y++)
    for (let x = 0; x < 4; x++) {
      if (layout === 'NCHW') (data[y * 4 + x] = x), (data[16 + y * 4 + x] = 10 * y);
      else (data[(y * 4 + x) * 2] = x), (data[(y * 4 + x) * 2 + 1] = 10 * y);
    }
  return { data, offset: 0, channels: 2, height: 4, width: 4, layout };
}
const identity = { resizedWidth: 32, resizedHeight: 32, left: 0, top: 0 };

describe('RoI average pooling', () => {
  for (const layout of ['NCHW', 'NHWC'] as const) {
    it(`averages the cells whose centres are inside the box (${layout})`, () => {
      // stride 8, input 32×32: box x ∈ [8, 24), y ∈ [0, 16) → cells x 1..2, y 0..1 → mean x = 1.5, mean 10y = 5.
      const out = new Float64Array(2);
      roiAverage(map(layout), [8, 0, 24, 16], 32, 32, identity, 8, out, 0);
      expect(Array.from(out)).toEqual([1.5, 5]);
    });
  }

  it('maps boxes through the resize and the crop', () => {
    // The image is resized to 64×32 and cropped at left 16 to the 32×32 input.
    const plan = { resizedWidth: 64, resizedHeight: 32, left: 16, top: 0 };
    // Original image 128×64 (scale 0.5): box x ∈ [64, 96) → resized [32, 48) → input [16, 32) → cells 2..3 at stride 8.
    const out = new Float64Array(2);
    roiAverage(map('NCHW'), [64, 0, 96, 64], 128, 64, plan, 8, out, 0);
    expect(out[0]).toBe(2.5);
    expect(out[1]).toBe(15); // all rows
  });

  it('a box smaller than a cell takes the cell holding its centre', () => {
    const out = new Float64Array(2);
    roiAverage(map('NCHW'), [17, 25, 19, 27], 32, 32, identity, 8, out, 0); // centre (18, 26) → cell (2, 3)
    expect(Array.from(out)).toEqual([2, 30]);
  });

  it('a box outside the crop is clamped to the nearest cells', () => {
    const out = new Float64Array(2);
    roiAverage(map('NCHW'), [40, 0, 50, 8], 32, 32, identity, 8, out, 0);
    expect(out[0]).toBe(3);
  });

  it('image-level feature is the mean over the whole map', () => {
    const out = new Float32Array(3);
    globalAverage(map('NCHW'), out, 1);
    expect(Array.from(out)).toEqual([0, 1.5, 15]);
  });
});

describe('box targets', () => {
  it('COCO pixels and YOLO normalised boxes give the same cx, cy, w, h / image size', () => {
    const coco = boxTarget({ label: 'a', box: [10, 20, 30, 10], normalized: false }, 100, 50);
    expect(coco).toEqual([0.25, 0.5, 0.3, 0.2]);
    const yolo = boxTarget({ label: 'a', box: [0.25, 0.5, 0.3, 0.2], normalized: true }, 100, 50);
    yolo.forEach((v, i) => expect(v).toBeCloseTo(coco[i]!, 12));
    expect(boxCorners({ label: 'a', box: [0.25, 0.5, 0.3, 0.2], normalized: true }, 100, 50).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([10, 20, 40, 30]);
  });
});

/**
 * Per-box features for detection: average pooling of a detector's feature map
 * inside each ground-truth box, after mapping the box through the image's
 * resize/crop and the feature map's stride; and the box regression targets.
 */
import type { GtBox } from './datasets.js';
import type { ResizePlan } from './preprocess.js';

/** Box as x0, y0, x1, y1 in original-image pixels. */
export function boxCorners(b: GtBox, width: number, height: number): [number, number, number, number] {
  if (b.normalized) {
    const [cx, cy, w, h] = b.box;
    return [(cx - w / 2) * width, (cy - h / 2) * height, (cx + w / 2) * width, (cy + h / 2) * height];
  }
  const [x, y, w, h] = b.box;
  return [x, y, x + w, y + h];
}

/** Regression target: box centre x, centre y, width, height, each divided by the image's size. */
export function boxTarget(b: GtBox, width: number, height: number): [number, number, number, number] {
  const [x0, y0, x1, y1] = boxCorners(b, width, height);
  return [(x0 + x1) / 2 / width, (y0 + y1) / 2 / height, (x1 - x0) / width, (y1 - y0) / height];
}

export interface FeatureMap {
  /** one image's map */
  data: Float32Array;
  offset: number;
  channels: number;
  height: number;
  width: number;
  /** NCHW: value (c, y, x) at offset + (c·H + y)·W + x; NHWC: offset + (y·W + x)·C + c */
  layout: 'NCHW' | 'NHWC';
}

/**
 * Range of feature cells [start, end) whose centres lie inside [a, b] (feature
 * units); when none does (a box smaller than a cell), the cell holding the
 * box centre, clamped to the map.
 */
function cellRange(a: number, b: number, size: number): [number, number] {
  let start = Math.max(0, Math.ceil(a - 0.5));
  let end = Math.min(size, Math.floor(b - 0.5) + 1);
  if (end <= start) {
    const centre = Math.min(size - 1, Math.max(0, Math.floor((a + b) / 2)));
    start = centre;
    end = centre + 1;
  }
  return [start, end];
}

/**
 * Average of the feature map over the cells inside the box. The box
 * (original-image pixels) goes through the resize plan (scale, then crop
 * offset) into input pixels, and through the stride into feature cells.
 */
export function roiAverage(
  map: FeatureMap,
  corners: [number, number, number, number],
  imageWidth: number,
  imageHeight: number,
  plan: ResizePlan,
  stride: number,
  out: Float64Array | Float32Array,
  outOffset: number,
): void {
  const sx = plan.resizedWidth / imageWidth;
  const sy = plan.resizedHeight / imageHeight;
  const [x0, y0, x1, y1] = corners;
  const fx0 = (x0 * sx - plan.left) / stride;
  const fx1 = (x1 * sx - plan.left) / stride;
  const fy0 = (y0 * sy - plan.top) / stride;
  const fy1 = (y1 * sy - plan.top) / stride;
  const [cx0, cx1] = cellRange(fx0, fx1, map.width);
  const [cy0, cy1] = cellRange(fy0, fy1, map.height);
  averageCells(map, cy0, cy1, cx0, cx1, out, outOffset);
}

/** Image-level feature: the average over the whole map. */
export function globalAverage(map: FeatureMap, out: Float64Array | Float32Array, outOffset: number): void {
  averageCells(map, 0, map.height, 0, map.width, out, outOffset);
}

function averageCells(map: FeatureMap, y0: number, y1: number, x0: number, x1: number, out: Float64Array | Float32Array, o: number): void {
  const { channels: C, height: H, width: W, data, offset } = map;
  const count = (y1 - y0) * (x1 - x0);
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        sum += map.layout === 'NCHW' ? data[offset + (c * H + y) * W + x]! : data[offset + (y * W + x) * C + c]!;
      }
    }
    out[o + c] = sum / count;
  }
}

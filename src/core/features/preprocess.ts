/**
 * Image preprocessing with sharp: decode once, then for each model geometry
 * resize (shorter side, bilinear) and centre crop, and normalise into the
 * model's tensor layout. The resize/crop plan is computed here, not left to
 * sharp, so ground-truth boxes can be mapped through exactly the same
 * transform for RoI pooling.
 */
import sharp, { type Sharp } from 'sharp';

// Each image is decoded once: libvips' operation cache only costs memory and bookkeeping here.
sharp.cache(false);
import type { ModelSettings, ResizeMode } from './zoo.js';

/** What decides the pixels a model sees (its tensor normalisation is applied later). */
export interface Geometry {
  height: number;
  width: number;
  resize: ResizeMode;
  cropPct: number;
}

export const geometryKey = (g: Geometry): string => `${g.height}x${g.width}:${g.resize}:${g.cropPct}`;

/** Everything that decides a model's input tensor from an image: equal keys share tensors. */
export function preprocessingKey(g: Geometry, s: ModelSettings): string {
  return JSON.stringify([geometryKey(g), s.layout, s.color, s.scale, s.mean, s.std]);
}

/** How an image of w×h becomes the model input: resize to resizedW×resizedH, then crop at (left, top). */
export interface ResizePlan {
  resizedWidth: number;
  resizedHeight: number;
  left: number;
  top: number;
}

export function planResize(width: number, height: number, g: Geometry): ResizePlan {
  if (g.resize === 'stretch') return { resizedWidth: g.width, resizedHeight: g.height, left: 0, top: 0 };
  // torchvision's Resize(S) + CenterCrop((H, W)), with its rounding: the shorter side becomes S, the
  // longer floor(S · long / short); the crop offset is round-half-even((resized − crop) / 2).
  // S = floor(size / crop_pct) as timm computes it; for a non-square input S grows until the
  // resized image covers both sides (torchvision would pad instead).
  const th = Math.floor(g.height / g.cropPct);
  const tw = Math.floor(g.width / g.cropPct);
  const shortIsHeight = height <= width;
  const [shortSide, longSide] = shortIsHeight ? [height, width] : [width, height];
  const [needShort, needLong] = shortIsHeight ? [th, tw] : [tw, th];
  let s = Math.max(needShort, Math.ceil((needLong * shortSide) / longSide));
  while (Math.floor((s * longSide) / shortSide) < needLong) s++;
  const long = Math.floor((s * longSide) / shortSide);
  const [resizedWidth, resizedHeight] = shortIsHeight ? [long, s] : [s, long];
  return {
    resizedWidth,
    resizedHeight,
    left: roundHalfEven((resizedWidth - g.width) / 2),
    top: roundHalfEven((resizedHeight - g.height) / 2),
  };
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export interface DecodedImage {
  width: number;
  height: number;
  /** geometry key → RGB bytes, H×W×3 row-major */
  pixels: Map<string, Uint8Array>;
}

/**
 * The most pixels an image may have, and the most a resized intermediate may
 * have, before we decode or resize it: 64 M (8,192²), about 200 MB of RGB. Far
 * above any camera frame a model is fed from, far below what would exhaust
 * memory with two batches decoding ahead; a larger image (or a 1×10,000 strip
 * whose shorter side is scaled up to the model's input) is reported as
 * unreadable instead of taking the machine down.
 */
export const MAX_IMAGE_PIXELS = 8192 * 8192;

/**
 * Decodes an image once and produces its RGB pixels for every geometry.
 * Throws (a plain Error from sharp) when the file is not a readable image.
 */
export async function decodeImage(path: string, geometries: Geometry[]): Promise<DecodedImage> {
  if (geometries.length === 1) return decodeOne(path, geometries[0]!);
  // Several geometries: decode to raw pixels once, then resize that buffer per geometry.
  const { data, info } = await sharp(path, { limitInputPixels: MAX_IMAGE_PIXELS }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const raw = { width: info.width, height: info.height, channels: info.channels } as const;
  const pixels = new Map<string, Uint8Array>();
  await Promise.all(
    geometries.map(async (g) => {
      const out = await resizeAndCrop(sharp(data, { raw }), info.width, info.height, g).raw().toBuffer();
      pixels.set(geometryKey(g), toRgb(out, g.width * g.height, info.channels));
    }),
  );
  return { width: info.width, height: info.height, pixels };
}

/** One geometry: a single sharp pipeline from the file (header read, then decode + resize + crop in one pass). */
async function decodeOne(path: string, g: Geometry): Promise<DecodedImage> {
  const image = sharp(path, { limitInputPixels: MAX_IMAGE_PIXELS });
  const meta = await image.metadata();
  if (!meta.width || !meta.height) throw new Error('image has no dimensions');
  // EXIF orientation is not applied (as PIL/torchvision load images), so header size = decoded size.
  const { data, info } = await resizeAndCrop(image.removeAlpha().toColourspace('srgb'), meta.width, meta.height, g)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: meta.width, height: meta.height, pixels: new Map([[geometryKey(g), toRgb(data, g.width * g.height, info.channels)]]) };
}

function resizeAndCrop(pipeline: Sharp, width: number, height: number, g: Geometry): Sharp {
  const plan = planResize(width, height, g);
  if (plan.resizedWidth * plan.resizedHeight > MAX_IMAGE_PIXELS) {
    throw new Error(`a ${width}×${height} image would be resized to ${plan.resizedWidth}×${plan.resizedHeight} before cropping, over ${MAX_IMAGE_PIXELS} pixels (MAX_IMAGE_PIXELS)`);
  }
  if (plan.resizedWidth !== width || plan.resizedHeight !== height) {
    pipeline = pipeline.resize(plan.resizedWidth, plan.resizedHeight, { fit: 'fill', kernel: 'linear' });
  }
  if (plan.resizedWidth !== g.width || plan.resizedHeight !== g.height) {
    pipeline = pipeline.extract({ left: plan.left, top: plan.top, width: g.width, height: g.height });
  }
  return pipeline;
}

function toRgb(buf: Buffer, count: number, channels: number): Uint8Array {
  if (channels === 3) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const rgb = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) {
    const v = buf[i * channels]!;
    rgb[i * 3] = v;
    rgb[i * 3 + 1] = channels >= 3 ? buf[i * channels + 1]! : v;
    rgb[i * 3 + 2] = channels >= 3 ? buf[i * channels + 2]! : v;
  }
  return rgb;
}

/** Writes one image's normalised values into a batch tensor at position `index`. */
export function fillTensor(out: Float32Array, index: number, rgb: Uint8Array, g: Geometry, s: ModelSettings): void {
  const plane = g.height * g.width;
  const base = index * plane * 3;
  const order = s.color === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  for (let c = 0; c < 3; c++) {
    const src = order[c]!;
    const mul = s.scale / s.std[c]!;
    const add = -s.mean[c]! / s.std[c]!;
    if (s.layout === 'NCHW') {
      const o = base + c * plane;
      for (let p = 0; p < plane; p++) out[o + p] = rgb[p * 3 + src]! * mul + add;
    } else {
      for (let p = 0; p < plane; p++) out[base + p * 3 + c] = rgb[p * 3 + src]! * mul + add;
    }
  }
}

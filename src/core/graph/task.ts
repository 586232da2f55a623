/**
 * Task guess from structure and the input/output signature, never from names:
 * the coarse `guess` (classification / detection / segmentation / sequence /
 * generation / unknown) and the finer `detail` (task-detail.ts), with the
 * evidence used. First matching rule wins, in this order:
 *   1. detection ops (NMS, RoI pooling), or a table of boxes beside class scores;
 *   2. dense image outputs: upscaled (super-resolution), at input size
 *      (segmentation, image to image), or on a coarser grid (YOLO-style
 *      anchor grids, centre heatmaps, keypoint heatmaps);
 *   3. a latent vector decoded to an image (generation);
 *   4. token ids in: per-token vocabulary scores (language model / seq2seq),
 *      a causal mask (language model), else a label (text classification);
 *   5. recurrent layers or 1-D convolutions over a float sequence, or a point
 *      set (point-wise convolutions and a symmetric pooling over points);
 *   6. pooled [N, C] outputs (classification, embedding, regression).
 */
import type { Dim, OpGraph } from './types.js';
import type { Task } from './categories.js';
import { TASK_DETAILS, type TaskDetail } from './task-detail.js';

export interface SignatureTensor {
  name: string;
  shape: Dim[] | null;
  dtype: string;
}

export interface TaskGuess {
  guess: string;
  /** The finer task (task-detail.ts), null when the graph does not say. */
  detail: TaskDetail | null;
  evidence: string[];
}

const fmt = (s: Dim[] | null) => (s ? `[${s.join(', ')}]` : '[?]');
const num = (d: Dim | undefined): number | null => (typeof d === 'number' ? d : null);

/** The coarse task of a detail; details without one (embedding, regression) take `fallback`. */
function result(detail: TaskDetail | null, evidence: string[], fallback: Task = 'unknown'): TaskGuess {
  const coarse = detail === null ? fallback : (TASK_DETAILS[detail] ?? fallback);
  return { guess: coarse, detail, evidence };
}

/** Channels and spatial size of a rank-4 tensor in the given layout. */
interface Plane {
  c: number | null;
  h: number | null;
  w: number | null;
}
function planeOf(s: Dim[], nhwc: boolean): Plane {
  return nhwc ? { c: num(s[3]), h: num(s[1]), w: num(s[2]) } : { c: num(s[1]), h: num(s[2]), w: num(s[3]) };
}

export function guessTask(
  og: OpGraph,
  ops: Record<string, number>,
  inputs: SignatureTensor[],
  outputs: SignatureTensor[],
  hints: { causalMask?: boolean } = {},
): TaskGuess {
  const has = (c: string) => (ops[c] ?? 0) > 0;
  const present = (cs: string[]) => cs.filter(has);
  const outTensors = og.outputNodes.map((i) => og.nodes[i]!);
  const lastCats = outTensors.map((n) => n.category);

  // 1. detection ops, or boxes beside class scores
  const detOps = present(['nms', 'roi_align', 'roi_pool']);
  if (detOps.length) {
    const ev = [`detection ops present: ${detOps.map((c) => `${c} ×${ops[c]}`).join(', ')}`];
    // Mask R-CNN: a small square mask per RoI ([R, classes, 28, 28]) after RoIAlign
    const mask = has('roi_align') ? outputs.find((o) => o.shape?.length === 4 && num(o.shape[2]) !== null && o.shape[2] === o.shape[3] && num(o.shape[2])! <= 56) : undefined;
    if (mask) return result('instance_segmentation', [...ev, `per-RoI mask output ${mask.name} ${fmt(mask.shape)}`]);
    return result('object_detection', ev);
  }
  const boxOut = outputs.filter((o) => o.shape && o.shape.length >= 2 && o.shape[o.shape.length - 1] === 4);
  if (boxOut.length && outputs.length >= 2) {
    return result('object_detection', [`box-shaped output${boxOut.length > 1 ? 's' : ''} ${boxOut.map((o) => `${o.name} ${fmt(o.shape)}`).join(', ')} (last dim 4) among ${outputs.length} outputs`]);
  }
  const anchors = anchorTable(outputs);
  if (anchors) return result('object_detection', [anchors]);

  // 2. dense image outputs
  const img = inputs.find((i) => i.shape && i.shape.length === 4 && !/int/.test(i.dtype));
  if (img) {
    const dense = denseImageTask(og, has, lastCats, img, outputs);
    if (dense) return dense;
  }

  // 3. a latent/noise vector: [N, Z] or [N, Z, 1, 1] (DCGAN) decoded to an image
  const intIn = inputs.filter((i) => /int/.test(i.dtype));
  const vecIn = inputs.length > 0 && inputs.every((i) => i.shape && !/int/.test(i.dtype) && (i.shape.length <= 2 || (i.shape.length === 4 && i.shape[2] === 1 && i.shape[3] === 1)));
  const imgOut = outputs.find((o) => o.shape && o.shape.length === 4);
  if (vecIn && imgOut && (has('transposed_conv') || has('resize'))) {
    return result('generation', [`vector input ${inputs.map((i) => `${i.name} ${fmt(i.shape)}`).join(', ')} decoded to image output ${imgOut.name} ${fmt(imgOut.shape)}`, `upsampling ops: ${present(['transposed_conv', 'resize']).join(', ')}`]);
  }

  // 4. token ids in
  const seqOps = present(['embedding', 'lstm', 'gru', 'rnn', 'attention']);
  if (intIn.length && seqOps.length) {
    const ev = [`integer (token id) input${intIn.length > 1 ? 's' : ''}: ${intIn.map((i) => `${i.name} ${fmt(i.shape)} ${i.dtype}`).join(', ')}`, `sequence ops: ${seqOps.join(', ')}`];
    const vocab = perTokenVocabulary(og, intIn, outputs);
    if (vocab) {
      ev.push(vocab.evidence);
      if (vocab.streams >= 2) {
        ev.push(`${vocab.streams} token streams embedded with vocabulary-sized tables (source and target): an encoder-decoder that predicts target tokens`);
        return result('seq2seq', ev);
      }
      if (hints.causalMask) ev.push('causal attention mask: autoregressive decoding');
      return result('language_modelling', ev);
    }
    if (hints.causalMask) {
      ev.push('causal attention mask (a Trilu op, a unidirectional fused op, or a constant [S, S] mask added to the attention scores): autoregressive decoding');
      return result('language_modelling', ev);
    }
    return result('text_classification', ev);
  }

  // 5. float sequences and point sets
  if (has('lstm') || has('gru') || has('rnn')) {
    return result('sequence_classification', [`recurrent layers: ${['lstm', 'gru', 'rnn'].filter(has).map((c) => `${c} ×${ops[c]}`).join(', ')}`]);
  }
  const seqIn = inputs.find((i) => i.shape && i.shape.length === 3 && !/int/.test(i.dtype));
  if (seqIn && inputs.length === 1) {
    const r = sequenceOrPoints(og, seqIn, outputs, has);
    if (r) return r;
  }

  // 6. one vector per input
  const vecOut = outputs.find((o) => o.shape && (o.shape.length === 2 || (o.shape.length === 4 && o.shape[2] === 1 && o.shape[3] === 1)));
  const pooled = present(['global_avg_pool', 'global_max_pool', 'adaptive_pool', 'flatten', 'reduce']);
  if (vecOut && (pooled.length || lastCats.some((c) => c === 'linear' || c === 'softmax'))) {
    const ev = [`output ${vecOut.name} ${fmt(vecOut.shape)}: one score vector per input`];
    if (pooled.length) ev.push(`spatial/sequence reduction before the head: ${pooled.join(', ')}`);
    if (lastCats.length) ev.push(`final op${lastCats.length > 1 ? 's' : ''}: ${[...new Set(lastCats)].join(', ')}`);
    if (has('attention') && !img) ev.push('attention over a float sequence input');
    if (l2Normalised(og)) return result('embedding', [...ev, 'the vector is divided by its own norm (a reduction feeding the final division): an L2-normalised embedding, not class scores'], 'classification');
    const width = num(vecOut.shape![1]);
    const tabular = !img && inputs.every((i) => i.shape?.length === 2 && !/int/.test(i.dtype));
    if (tabular && width === 1 && lastCats.every((c) => c === 'linear')) return result('regression', [...ev, 'one unsquashed output value per row of a feature-vector input: regression'], 'classification');
    return result(img ? 'image_classification' : null, ev, 'classification');
  }
  return result(null, [`no rule matched (outputs: ${outputs.map((o) => `${o.name} ${fmt(o.shape)}`).join(', ') || 'none'})`]);
}

/**
 * Anchor tables ([B, A, D] outputs sharing A ≥ 100 anchors): one of them boxes
 * with landmarks (D = 4 + 2k, e.g. BlazeFace's 16), another the class scores.
 */
function anchorTable(outputs: SignatureTensor[]): string | null {
  const rows = outputs.filter((o) => o.shape && o.shape.length === 3 && num(o.shape[1]) !== null && num(o.shape[1])! >= 100 && num(o.shape[2]) !== null);
  for (const box of rows) {
    const d = num(box.shape![2])!;
    if (d < 4 || d % 2 !== 0) continue;
    const scores = rows.find((o) => o !== box && o.shape![1] === box.shape![1]);
    if (scores) return `per-anchor outputs ${box.name} ${fmt(box.shape)} (4 box values + ${(d - 4) / 2} landmark point(s) per anchor) and ${scores.name} ${fmt(scores.shape)} (scores) over the same ${box.shape![1]} anchors`;
  }
  return null;
}

/** Rule 2: outputs that are images / maps, read against the image input. */
function denseImageTask(og: OpGraph, has: (c: string) => boolean, lastCats: string[], img: SignatureTensor, outputs: SignatureTensor[]): TaskGuess | null {
  // NCHW unless the input's last dim looks like channels (≤ 4) and dim 1 does not; outputs follow the input
  const s = img.shape!;
  const nhwc = typeof s[3] === 'number' && s[3] <= 4 && typeof s[1] === 'number' && s[1] > 4;
  const inp = planeOf(s, nhwc);
  if (inp.h === null || inp.w === null) return null;
  const upsampling = ['resize', 'transposed_conv'].filter(has);
  const downsamples = og.nodes.some((n) => (n.stride !== null && (n.stride[0] > 1 || n.stride[1] > 1)) || n.category === 'global_avg_pool' || n.category === 'linear');
  const maps = outputs.filter((o) => o.shape?.length === 4).map((o) => ({ o, p: planeOf(o.shape!, nhwc) })).filter((m) => m.p.h !== null && m.p.w !== null && m.p.h > 1 && m.p.w > 1);
  const grids: typeof maps = [];
  for (const { o, p } of maps) {
    const sy = inp.h / p.h!;
    const sx = inp.w / p.w!;
    // upscaled by an integer factor with the input's channels: super-resolution
    if (p.h! > inp.h && Number.isInteger(p.h! / inp.h) && p.h! / inp.h === p.w! / inp.w && (p.c === inp.c || p.c === 3)) {
      return result('super_resolution', [`output ${o.name} ${fmt(o.shape)} is the input image ${fmt(s)} enlarged ${p.h! / inp.h}× with ${p.c} channels`, ...(upsampling.length ? [`upsampling ops: ${upsampling.join(', ')}`] : [])]);
    }
    if (sy < 2 && sx < 2 && sy >= 1 && sx >= 1) {
      const size = sy === 1 && sx === 1 ? `keeps the input's ${inp.h}x${inp.w} spatial size` : `is ${p.h}x${p.w} for a ${inp.h}x${inp.w} input (unpadded convolutions trim the border)`;
      if (!downsamples && !upsampling.length) {
        // a same-size conv stack (SRCNN, DnCNN): image in, image out, nothing reduced on the way
        if (p.c === inp.c) return result('image_restoration', [`output ${o.name} ${fmt(o.shape)} ${size} with the input's ${p.c} channels, and no op reduces the spatial size: image to image (restoration, denoising, or super-resolution of a pre-upsampled image)`]);
        continue; // a plain stack of same-size convs with other channels is no evidence
      }
      if (!upsampling.length) continue;
      const extra = `; upsampling back to input size (${upsampling.join(', ')})`;
      // an RGB image squashed into a range (tanh/sigmoid) is generated; per-pixel class scores are not squashed
      const squashed = lastCats.some((c) => c === 'tanh' || c === 'sigmoid' || c === 'hard_sigmoid' || c === 'clip');
      if ((p.c === 3 || (p.c !== null && p.c === inp.c)) && squashed) {
        const ev = `output ${o.name} ${fmt(o.shape)} is an image like the input (${p.c} channels, ${inp.h}x${inp.w}), squashed by ${lastCats.join('/')}: reconstruction / image-to-image${extra}`;
        // a fully connected bottleneck (an autoencoder's code) between the two images
        return has('linear') ? result('reconstruction', [ev, 'the image passes through a fully connected bottleneck (linear layers): an autoencoder']) : result('image_restoration', [ev]);
      }
      return result('semantic_segmentation', [`output ${o.name} ${fmt(o.shape)} ${size} with ${p.c ?? '?'} channels per pixel${extra}`]);
    }
    // a grid of stride k: in = k·out, or in − 1 = k·(out − 1) (odd sizes such as PoseNet's 257 → 17)
    const k = gridStride(inp.h, p.h!);
    if (k !== null && k === gridStride(inp.w, p.w!) && k >= 2) grids.push({ o, p });
  }
  if (!grids.length) return null;
  // several maps on one grid: centre heads (class heatmap + size + offset) or keypoints (heatmaps + 2 offsets per keypoint)
  const byGrid = new Map<string, typeof grids>();
  for (const g of grids) byGrid.set(`${g.p.h}x${g.p.w}`, [...(byGrid.get(`${g.p.h}x${g.p.w}`) ?? []), g]);
  for (const [size, group] of byGrid) {
    if (group.length < 2) continue;
    const list = group.map((g) => `${g.o.name} ${fmt(g.o.shape)}`).join(', ');
    const heat = group.find((g) => group.some((h) => h !== g && g.p.c !== null && h.p.c === 2 * g.p.c));
    if (heat) return result('keypoints', [`maps on one ${size} grid: ${list}; ${heat.o.name} has ${heat.p.c} channels and another map twice as many: keypoint heatmaps with an x/y offset per keypoint`]);
    if (group.some((g) => g.p.c === 2 || g.p.c === 4)) return result('object_detection', [`maps on one ${size} grid: ${list}; a class heatmap beside 2- or 4-channel size/offset maps: object centres with their boxes (anchor-free centre heads)`]);
  }
  // a coarse grid (stride ≥ 16) with channels = anchors × (4 box + 1 objectness + classes): YOLO-style
  for (const { o, p } of grids) {
    const stride = gridStride(inp.h, p.h!)!;
    const a = [3, 5, 6, 9].find((k) => p.c !== null && p.c % k === 0 && p.c / k >= 6);
    if (stride >= 16 && a) return result('object_detection', [`output ${o.name} ${fmt(o.shape)}: a ${p.h}x${p.w} grid (stride ${stride}) of ${p.c} = ${a} anchors × (4 box + 1 objectness + ${p.c! / a - 5} classes) predictions per cell`]);
  }
  // one map per keypoint, decoded up to a finer grid but not back to the input size
  const one = grids[0]!;
  const stride = gridStride(inp.h, one.p.h!)!;
  if (grids.length === 1 && stride <= 8 && upsampling.length) {
    return result('keypoints', [`output ${one.o.name} ${fmt(one.o.shape)}: ${one.p.c} maps at 1/${stride} of the input, produced by an upsampling decoder (${upsampling.join(', ')}) that stops short of the input size: keypoint heatmaps (segmentation nets upsample their class map back to the input)`]);
  }
  return null;
}

/** The integer stride that maps an input size to a grid size, or null. */
function gridStride(input: number, grid: number): number | null {
  if (input % grid === 0) return input / grid;
  return grid > 1 && (input - 1) % (grid - 1) === 0 ? (input - 1) / (grid - 1) : null;
}

/** Per-token scores over the vocabulary: [N, S, V] with S the token length and V an embedding table's rows (or ≥ 1000). */
function perTokenVocabulary(og: OpGraph, intIn: SignatureTensor[], outputs: SignatureTensor[]): { evidence: string; streams: number } | null {
  const lengths = new Set(intIn.map((i) => num(i.shape?.[1])).filter((x) => x !== null));
  const embeds = og.inputNodes.map((i) => og.nodes[i]!).filter((n) => n.category === 'embedding');
  const rows = embeds.map((n) => (n.outChannels ? n.params / n.outChannels : 0));
  for (const o of outputs) {
    if (o.shape?.length !== 3) continue;
    const s = num(o.shape[1]);
    const v = num(o.shape[2]);
    if (s === null || v === null || !lengths.has(s)) continue;
    if (!(rows.includes(v) || v >= 1000)) continue;
    // a token stream: a vocabulary-sized table, or a second use of a shared one (no own parameters)
    const streams = embeds.filter((n, k) => rows[k]! >= 1000 || n.params === 0).length;
    return { evidence: `output ${o.name} ${fmt(o.shape)}: ${v} scores for each of the ${s} token positions (${rows.includes(v) ? 'as many as the embedding table has rows' : 'a vocabulary-sized output'})`, streams };
  }
  return null;
}

/** Rule 5: a float [N, C, L] input: a time series (1-D convs along L) or a point set (point-wise convs, pooled over points). */
function sequenceOrPoints(og: OpGraph, seqIn: SignatureTensor, outputs: SignatureTensor[], has: (c: string) => boolean): TaskGuess | null {
  const convs = og.nodes.filter((n) => n.kernel && (n.category === 'conv' || n.category === 'dilated_conv' || n.category === 'depthwise_conv' || n.category === 'grouped_conv'));
  if (!convs.length) return null;
  const pointwise = convs.every((n) => n.kernel![0] === 1 && n.kernel![1] === 1);
  const len = num(seqIn.shape![2]);
  const out = outputs[0];
  if (pointwise && (has('reduce') || has('global_max_pool'))) {
    const ev = `every convolution is 1-wide (${convs.length} shared point-wise layers) over the ${len ?? '?'} items of ${seqIn.name} ${fmt(seqIn.shape)}, pooled by a symmetric reduction: an unordered point set`;
    if (out?.shape?.length === 3 && (out.shape[1] === len || out.shape[2] === len)) return result('point_cloud_segmentation', [ev, `output ${out.name} ${fmt(out.shape)}: scores per point`]);
    return result('point_cloud_classification', [ev, ...(out ? [`output ${out.name} ${fmt(out.shape)}: one score vector per point set`] : [])]);
  }
  if (pointwise) return null;
  const dilated = convs.filter((n) => n.category === 'dilated_conv').length;
  const ev = `1-D convolutions (kernels ${[...new Set(convs.map((n) => n.kernel![0]))].join(', ')}${dilated ? `, ${dilated} dilated` : ''}) along the ${len ?? '?'} steps of ${seqIn.name} ${fmt(seqIn.shape)}`;
  if (out?.shape?.length === 3 && out.shape.every((d, k) => d === seqIn.shape![k]) && dilated) {
    return result('audio_generation', [ev, `output ${out.name} ${fmt(out.shape)}: a distribution over the input's ${seqIn.shape![1]} levels at every step, from dilated (causal) convolutions: autoregressive sample generation (WaveNet-style)`]);
  }
  if (out?.shape?.length === 2) return result('sequence_classification', [ev, `output ${out.name} ${fmt(out.shape)}: one label vector per sequence`]);
  return null;
}

/** The final op divides by a norm the graph computed itself (ReduceL2 / LpNormalization → Div). */
function l2Normalised(og: OpGraph): boolean {
  const preds = new Map<number, number[]>();
  for (const [a, b] of og.edges) preds.set(b, [...(preds.get(b) ?? []), a]);
  return og.outputNodes.some((i) => {
    const n = og.nodes[i]!;
    if (n.category !== 'div') return false;
    const p = preds.get(i) ?? [];
    return p.some((j) => og.nodes[j]!.category === 'reduce' || (preds.get(j) ?? []).some((k) => og.nodes[k]!.category === 'reduce'));
  });
}

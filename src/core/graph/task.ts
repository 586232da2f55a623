/**
 * Task guess (classification / detection / segmentation / sequence /
 * generation / unknown) from structure and the input/output signature, with
 * the evidence used. First matching rule wins, in this order: detection ops or
 * box outputs; per-pixel outputs at input resolution; image outputs from a
 * vector (generation); token or sequence inputs; pooled [N, C] outputs.
 */
import type { Dim, OpGraph } from './types.js';

export interface SignatureTensor {
  name: string;
  shape: Dim[] | null;
  dtype: string;
}

export interface TaskGuess {
  guess: string;
  evidence: string[];
}

const fmt = (s: Dim[] | null) => (s ? `[${s.join(', ')}]` : '[?]');

export function guessTask(
  og: OpGraph,
  ops: Record<string, number>,
  inputs: SignatureTensor[],
  outputs: SignatureTensor[],
  hints: { causalMask?: boolean } = {},
): TaskGuess {
  const ev: string[] = [];
  const has = (c: string) => (ops[c] ?? 0) > 0;
  const detOps = ['nms', 'roi_align', 'roi_pool'].filter(has);
  if (detOps.length) return { guess: 'detection', evidence: [`detection ops present: ${detOps.map((c) => `${c} ×${ops[c]}`).join(', ')}`] };
  const boxOut = outputs.filter((o) => o.shape && o.shape.length >= 2 && o.shape[o.shape.length - 1] === 4);
  if (boxOut.length && outputs.length >= 2) {
    return { guess: 'detection', evidence: [`box-shaped output${boxOut.length > 1 ? 's' : ''} ${boxOut.map((o) => `${o.name} ${fmt(o.shape)}`).join(', ')} (last dim 4) among ${outputs.length} outputs`] };
  }
  const img = inputs.find((i) => i.shape && i.shape.length === 4 && !/int/.test(i.dtype));
  const intIn = inputs.filter((i) => /int/.test(i.dtype));
  const outTensors = og.outputNodes.map((i) => og.nodes[i]!);
  const lastCats = outTensors.map((n) => n.category);
  if (img) {
    const sp = spatialOf(img.shape!);
    for (const o of outputs) {
      if (!o.shape || o.shape.length !== 4 || !sp) continue;
      const osp = spatialOf(o.shape);
      const ch = channelOf(o.shape);
      if (osp && osp[0] === sp[0] && osp[1] === sp[1]) {
        // dense prediction nets downsample and upsample back; a plain stack of same-size convs is no evidence
        const resized = has('resize') || has('transposed_conv');
        if (!resized) continue;
        const extra = resized ? `; upsampling back to input size (${['resize', 'transposed_conv'].filter(has).join(', ')})` : '';
        // an RGB image squashed into a range (tanh/sigmoid) is generated; per-pixel class scores are not squashed
        const squashed = lastCats.some((c) => c === 'tanh' || c === 'sigmoid' || c === 'hard_sigmoid' || c === 'clip');
        const inCh = channelOf(img.shape!);
        if ((ch === 3 || (ch !== null && ch === inCh)) && squashed) {
          return { guess: 'generation', evidence: [`output ${o.name} ${fmt(o.shape)} is an image like the input (${ch} channels, ${sp.join('x')}), squashed by ${lastCats.join('/')}: reconstruction / image-to-image${extra}`] };
        }
        return { guess: 'segmentation', evidence: [`output ${o.name} ${fmt(o.shape)} keeps the input's ${sp.join('x')} spatial size with ${ch ?? '?'} channels per pixel${extra}`] };
      }
    }
  }
  // a latent/noise vector: [N, Z] or [N, Z, 1, 1] (DCGAN)
  const vecIn = inputs.length > 0 && inputs.every((i) => i.shape && !/int/.test(i.dtype) && (i.shape.length <= 2 || (i.shape.length === 4 && i.shape[2] === 1 && i.shape[3] === 1)));
  const imgOut = outputs.find((o) => o.shape && o.shape.length === 4);
  if (vecIn && imgOut && (has('transposed_conv') || has('resize'))) {
    return { guess: 'generation', evidence: [`vector input ${inputs.map((i) => `${i.name} ${fmt(i.shape)}`).join(', ')} decoded to image output ${imgOut.name} ${fmt(imgOut.shape)}`, `upsampling ops: ${['transposed_conv', 'resize'].filter(has).join(', ')}`] };
  }
  const seqOps = ['embedding', 'lstm', 'gru', 'rnn', 'attention'].filter(has);
  if (intIn.length && (has('embedding') || seqOps.length)) {
    ev.push(`integer (token id) input${intIn.length > 1 ? 's' : ''}: ${intIn.map((i) => `${i.name} ${fmt(i.shape)} ${i.dtype}`).join(', ')}`);
    if (seqOps.length) ev.push(`sequence ops: ${seqOps.join(', ')}`);
    if (hints.causalMask) {
      ev.push('causal attention mask (a Trilu op, a unidirectional fused op, or a constant [S, S] mask added to the attention scores): autoregressive decoding');
      return { guess: 'generation', evidence: ev };
    }
    return { guess: 'sequence', evidence: ev };
  }
  if (has('lstm') || has('gru') || has('rnn')) {
    return { guess: 'sequence', evidence: [`recurrent layers: ${['lstm', 'gru', 'rnn'].filter(has).map((c) => `${c} ×${ops[c]}`).join(', ')}`] };
  }
  const vecOut = outputs.find((o) => o.shape && (o.shape.length === 2 || (o.shape.length === 4 && o.shape[2] === 1 && o.shape[3] === 1)));
  const pooled = ['global_avg_pool', 'global_max_pool', 'adaptive_pool', 'flatten', 'reduce'].filter(has);
  if (vecOut && (pooled.length || lastCats.some((c) => c === 'linear' || c === 'softmax'))) {
    ev.push(`output ${vecOut.name} ${fmt(vecOut.shape)}: one score vector per input`);
    if (pooled.length) ev.push(`spatial/sequence reduction before the head: ${pooled.join(', ')}`);
    if (lastCats.length) ev.push(`final op${lastCats.length > 1 ? 's' : ''}: ${[...new Set(lastCats)].join(', ')}`);
    if (has('attention') && !img) ev.push('attention over a float sequence input');
    return { guess: 'classification', evidence: ev };
  }
  return { guess: 'unknown', evidence: [`no rule matched (outputs: ${outputs.map((o) => `${o.name} ${fmt(o.shape)}`).join(', ') || 'none'})`] };
}

function spatialOf(s: Dim[]): [Dim, Dim] | null {
  // NCHW unless the last dim looks like channels (≤ 4) and dim 1 does not
  if (s.length !== 4) return null;
  if (typeof s[3] === 'number' && s[3] <= 4 && typeof s[1] === 'number' && s[1] > 4) return [s[1], s[2]!];
  return [s[2]!, s[3]!];
}
function channelOf(s: Dim[]): number | null {
  if (typeof s[3] === 'number' && s[3] <= 4 && typeof s[1] === 'number' && s[1] > 4) return s[3];
  return typeof s[1] === 'number' ? s[1] : null;
}

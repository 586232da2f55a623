/**
 * Shape functions of operators of no other family: region pooling of
 * detection heads (RoiAlign, MaxRoiPool), fused attention (ONNX
 * MultiHeadAttention-style and com.microsoft Attention), and the ops whose
 * output size depends on the data (left unknown on purpose).
 */
import { attrInt, attrInts } from './attrs.js';
import { unknown, type ShapeFn } from './shape-fn.js';

/** [number of regions, channels, pooled height, pooled width]. */
const roiPool: ShapeFn = ({ node, ins, x }) => {
  const rois = ins[1]?.shape;
  if (!x || !rois) return unknown();
  const a = node.attrs;
  const pooled = attrInts(a.pooled_shape);
  const oh = pooled ? pooled[0]! : attrInt(a.output_height, 1);
  const ow = pooled ? pooled[1]! : attrInt(a.output_width, 1);
  return [{ shape: [rois[0]!, x[1]!, oh, ow] }];
};

/** NonMaxSuppression, NonZero, Unique: how many elements come out is only known at run time. */
const dataDependent: ShapeFn = () => unknown();

/** The query's shape with the value's hidden size (3-D [B, S, H] or 4-D [B, N, S, H]). */
const attention: ShapeFn = ({ node, op, ins, x }) => {
  if (!x) return unknown();
  // com.microsoft Attention: [B, S, hidden_in] with packed QKV weights [hidden_in, 3*hidden]
  if (node.domain === 'com.microsoft' && op === 'Attention') {
    const w = ins[1]?.shape;
    if (!w) return unknown();
    const qkvSizes = attrInts(node.attrs.qkv_hidden_sizes);
    const vHidden = qkvSizes ? qkvSizes[2]! : w[1]! / 3;
    return [{ shape: [x[0]!, x[1]!, vHidden] }];
  }
  const v = ins[2]?.shape;
  if (x.length === 3 && v?.length === 3) return [{ shape: [x[0]!, x[1]!, v[2]!] }];
  if (x.length === 4 && v?.length === 4) return [{ shape: [x[0]!, x[1]!, x[2]!, v[3]!] }];
  return [{ shape: x }];
};

export const MISC_SHAPES: Record<string, ShapeFn> = {
  RoiAlign: roiPool,
  MaxRoiPool: roiPool,
  NonMaxSuppression: dataDependent,
  NonZero: dataDependent,
  Unique: dataDependent,
  Attention: attention,
  MultiHeadAttention: attention,
};

/**
 * Shape functions of normalisation operators: the output has the input's
 * shape. LayerNormalization (and ORT's SkipLayerNormalization) have optional
 * extra outputs; only the ones that keep the input's shape are given.
 */
import type { ShapeFn } from './shape-fn.js';

const sameShape: ShapeFn = ({ x }) => [{ shape: x }];

/** Outputs: Y, Mean, InvStdDev (reduced shapes, not inferred), and ORT's input-plus-skip sum (SkipLayerNormalization). */
const layerNorm: ShapeFn = ({ x }) => [{ shape: x }, { shape: null }, { shape: null }, { shape: x }];

export const NORMALIZATION_SHAPES: Record<string, ShapeFn> = {
  BatchNormalization: sameShape,
  InstanceNormalization: sameShape,
  GroupNormalization: sameShape,
  RMSNormalization: sameShape,
  SimplifiedLayerNormalization: sameShape,
  LRN: sameShape,
  MeanVarianceNormalization: sameShape,
  LpNormalization: sameShape,
  LayerNormalization: layerNorm,
  SkipLayerNormalization: layerNorm,
};

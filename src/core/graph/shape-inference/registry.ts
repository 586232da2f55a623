/**
 * The table of shape functions: ONNX op type (after baseOp) → its shape
 * function, merged from the operator families. An op missing here has
 * unknown output shapes. Prototype-free, like the loaders' tables, because
 * the keys come from model files.
 */
import { table } from '../formats/table.js';
import type { ShapeFn } from './shape-fn.js';
import { CONSTANT_SHAPES } from './constants.js';
import { ELEMENTWISE_SHAPES } from './elementwise.js';
import { NORMALIZATION_SHAPES } from './normalization.js';
import { CONV_POOL_SHAPES } from './conv-pool.js';
import { MATMUL_SHAPES } from './matmul.js';
import { SHAPE_MANIPULATION_SHAPES } from './shape-manipulation.js';
import { REDUCE_SHAPES } from './reduce.js';
import { RECURRENT_SHAPES } from './recurrent.js';
import { RESIZE_SHAPES } from './resize.js';
import { MISC_SHAPES } from './misc.js';

const FAMILIES: Array<Record<string, ShapeFn>> = [
  CONSTANT_SHAPES, ELEMENTWISE_SHAPES, NORMALIZATION_SHAPES, CONV_POOL_SHAPES, MATMUL_SHAPES,
  SHAPE_MANIPULATION_SHAPES, REDUCE_SHAPES, RECURRENT_SHAPES, RESIZE_SHAPES, MISC_SHAPES,
];

function merge(families: Array<Record<string, ShapeFn>>): Record<string, ShapeFn> {
  const out: Record<string, ShapeFn> = table({});
  for (const family of families) {
    for (const [op, fn] of Object.entries(family)) {
      // one op, one shape function: a second entry would silently win over the first
      if (op in out) throw new Error(`shape function for ${op} defined in two operator families`);
      out[op] = fn;
    }
  }
  return out;
}

export const SHAPE_FUNCTIONS: Record<string, ShapeFn> = merge(FAMILIES);

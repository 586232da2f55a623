/**
 * Readers for node attributes and for the small constant inputs that newer
 * opsets pass instead of attributes (axes, pads, split sizes …).
 */
import type { ArchNode, AttrValue } from '../types.js';
import type { TensorState } from './shape-fn.js';

export function attrInt(a: AttrValue | undefined, dflt: number): number {
  return typeof a === 'number' ? a : typeof a === 'boolean' ? Number(a) : dflt;
}

export function attrInts(a: AttrValue | undefined): number[] | null {
  if (Array.isArray(a) && a.every((x) => typeof x === 'number')) return a as number[];
  if (typeof a === 'number') return [a];
  return null;
}

/** A possibly negative axis as an index into a shape of the given rank. */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/**
 * Integers given as an attribute (old opsets) or as a constant input (newer
 * ones); null when neither is there or the input's contents are unknown.
 */
export function intsFrom(node: ArchNode, ins: TensorState[], attr: string, inputIdx: number): number[] | null {
  const a = attrInts(node.attrs[attr]);
  if (a) return a;
  if (!node.inputs[inputIdx]) return null;
  return ins[inputIdx]?.values ?? null;
}

/** True when the integers `intsFrom` looks for are simply not given (neither attribute nor input). */
export function intsMissing(node: ArchNode, attr: string, inputIdx: number): boolean {
  return !attrInts(node.attrs[attr]) && !node.inputs[inputIdx];
}

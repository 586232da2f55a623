/**
 * The contract of a per-operator shape function, shared by every operator
 * family in this folder: what a function is given (OpInput), what it returns
 * (one TensorState per output), and the one error it may throw (ShapeError).
 *
 * Two ways a shape function ends without a shape, on purpose different:
 * - `unknown()`: an input's shape or contents are themselves unknown (or the
 *   output size depends on the data). Nothing to report here: the cause lies
 *   upstream and was reported there, if at all.
 * - `throw new ShapeError(reason)`: the inputs are known but do not give a
 *   shape (a required operand is missing, or shapes and attributes contradict
 *   each other). The driver (infer.ts) records the reason as a note.
 * Any other error escaping a shape function is a bug and propagates.
 */
import type { ArchGraph, ArchNode } from '../types.js';

export interface TensorState {
  /** Fully known shape, or null. */
  shape: number[] | null;
  /** Constant-folded contents (small tensors only), when statically known. */
  values?: number[];
}

/** What a shape function sees of one node. */
export interface OpInput {
  graph: ArchGraph;
  node: ArchNode;
  /** The node's op with ONNX Runtime's fused variants mapped to their base op (see base-op.ts). */
  op: string;
  /** One state per input slot; an omitted optional input or an unknown tensor is {shape: null}. */
  ins: TensorState[];
  /** Shape of the first input: the data operand of almost every op. */
  x: number[] | null;
}

/** Output states in the node's output order; outputs not returned are unknown. */
export type ShapeFn = (input: OpInput) => TensorState[];

/** The inputs of a node are known but give no shape; the message says why (it becomes a note). */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** A shape as written in notes: [1, 3, 224, 224]; [] for a scalar. */
export function formatShape(s: number[]): string {
  return `[${s.join(', ')}]`;
}

/** Every output unknown, without a note: the cause is an unknown input, reported upstream if at all. */
export function unknown(): TensorState[] {
  return [];
}

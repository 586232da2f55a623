/**
 * Shape functions of the recurrent layers LSTM, GRU and RNN (ONNX layout:
 * sequence first, or batch first when layout = 1).
 */
import { attrInt } from './attrs.js';
import { ShapeError, unknown, type ShapeFn } from './shape-fn.js';

/** Outputs: Y (every step's hidden state), Y_h (last hidden state), Y_c (last cell state, LSTM). */
const recurrent: ShapeFn = ({ node, x }) => {
  const hidden = attrInt(node.attrs.hidden_size, 0);
  if (!x) return unknown();
  if (!hidden) throw new ShapeError('no hidden_size');
  const dirs = node.attrs.direction === 'bidirectional' ? 2 : 1;
  const batchFirst = attrInt(node.attrs.layout, 0) === 1;
  const [seq, batch] = batchFirst ? [x[1]!, x[0]!] : [x[0]!, x[1]!];
  const y = batchFirst ? [batch, seq, dirs, hidden] : [seq, dirs, batch, hidden];
  const h = batchFirst ? [batch, dirs, hidden] : [dirs, batch, hidden];
  return [{ shape: y }, { shape: h }, { shape: h }];
};

export const RECURRENT_SHAPES: Record<string, ShapeFn> = {
  LSTM: recurrent,
  GRU: recurrent,
  RNN: recurrent,
};

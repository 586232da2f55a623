/**
 * Shape functions of element-wise operators: unary ops keep their input's
 * shape (and fold its contents where the op is simple arithmetic), binary and
 * variadic ops broadcast numpy-style (folding integer shape arithmetic), Where
 * broadcasts its three operands.
 */
import { table } from '../formats/table.js';
import { broadcast, broadcastValues } from './broadcast.js';
import { formatShape, ShapeError, type ShapeFn, type TensorState } from './shape-fn.js';
import { MAX_VALUES, numel } from './small-tensors.js';

/** Unary ops whose contents are folded (casts and the arithmetic found in shape computations). */
const VALUE_UNARY: Record<string, (x: number) => number> = table({
  Identity: (x) => x, Cast: (x) => x, Neg: (x) => -x, Floor: Math.floor, Ceil: Math.ceil, Sqrt: Math.sqrt, Abs: Math.abs,
  Reciprocal: (x) => 1 / x, Round: (x) => Math.round(x), Sign: Math.sign, Exp: Math.exp, Log: Math.log,
});

/** Unary ops (activations, math, quantisation) whose output has the input's shape; contents are not folded. */
const SAME_SHAPE = [
  'Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'Gelu', 'Erf', 'HardSigmoid', 'HardSwish', 'Softplus',
  'Softsign', 'Mish', 'Softmax', 'LogSoftmax', 'Hardmax', 'Sin', 'Cos', 'Not', 'IsNaN', 'IsInf', 'ThresholdedRelu', 'Shrink',
  'Clip', 'CumSum', 'Trilu', 'BiasGelu', 'FastGelu', 'QuickGelu', 'Swish', 'DequantizeLinear', 'QuantizeLinear', 'DynamicQuantizeLinear',
];

/** Binary and variadic ops that broadcast their inputs (PRelu broadcasts its slope). */
const BROADCASTING = [
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor',
  'Mod', 'BitShift', 'Sum', 'Mean', 'PRelu',
];

const valueUnary = (f: (x: number) => number): ShapeFn => ({ ins, x }) => [{ shape: x, values: ins[0]?.values?.map(f) }];

const sameShape: ShapeFn = ({ x }) => [{ shape: x }];

/** Dropout's optional second output, the mask, has the input's shape too. */
const dropout: ShapeFn = ({ x }) => [{ shape: x }, { shape: x }];

/** The inputs' common shape; null when one is unknown, ShapeError when all are known but do not broadcast. */
function broadcastInputs(ins: TensorState[]): number[] | null {
  const shape = broadcast(ins.map((t) => t.shape));
  if (!shape && ins.every((t) => t.shape)) throw new ShapeError(`input shapes ${ins.map((t) => formatShape(t.shape!)).join(', ')} do not broadcast`);
  return shape;
}

const broadcasting: ShapeFn = ({ op, ins }) => {
  const shape = broadcastInputs(ins);
  let values: number[] | undefined;
  if (ins.length === 2) values = broadcastValues(op === 'Sum' ? 'Add' : op, ins[0]!, ins[1]!, shape);
  return [{ shape, values }];
};

const where: ShapeFn = ({ ins }) => {
  if (ins.length < 3) throw new ShapeError(`Where needs a condition and two values, got ${ins.length} input(s)`);
  const [cond, ifTrue, ifFalse] = ins as [TensorState, TensorState, TensorState];
  const shape = broadcastInputs(ins);
  let values: number[] | undefined;
  if (shape && ins.every((t) => t.values && t.shape && numel(t.shape) === numel(shape))) {
    values = cond.values!.map((c, i) => (c ? ifTrue.values![i]! : ifFalse.values![i]!));
  } else if (shape && numel(shape) <= MAX_VALUES && ins.every((t) => t.values && t.shape && (numel(t.shape) === numel(shape) || numel(t.shape) === 1))) {
    // a single value broadcasts to every position
    const at = (t: TensorState, i: number) => (t.values!.length === 1 ? t.values![0]! : t.values![i]!);
    values = Array.from({ length: numel(shape) }, (_, i) => (at(cond, i) ? at(ifTrue, i) : at(ifFalse, i)));
  }
  return [{ shape, values }];
};

export const ELEMENTWISE_SHAPES: Record<string, ShapeFn> = {
  ...Object.fromEntries(Object.entries(VALUE_UNARY).map(([op, f]) => [op, valueUnary(f)])),
  ...Object.fromEntries(SAME_SHAPE.map((op) => [op, sameShape])),
  Dropout: dropout,
  ...Object.fromEntries(BROADCASTING.map((op) => [op, broadcasting])),
  Where: where,
};

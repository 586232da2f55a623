/**
 * Shape functions of Resize and Upsample: output sizes given directly
 * (`sizes`) or as scale factors, for all axes or the listed `axes`. Which
 * input holds them depends on the opset (Upsample: attribute or input 1;
 * Resize opset 10: input 1; opset 11+: scales input 2 or sizes input 3).
 */
import { attrInts, normAxis } from './attrs.js';
import { ShapeError, unknown, type ShapeFn } from './shape-fn.js';

const resize: ShapeFn = ({ node, op, ins, x }) => {
  if (!x) return unknown();
  let scales: number[] | null | undefined;
  let sizes: number[] | null | undefined;
  let given: boolean; // whether an attribute or input for the scales/sizes exists at all
  if (op === 'Upsample') {
    scales = attrInts(node.attrs.scales) ?? ins[1]?.values;
    given = !!attrInts(node.attrs.scales) || !!node.inputs[1];
  } else if (node.inputs.length >= 4 && node.inputs[3]) {
    sizes = ins[3]?.values;
    given = true;
  } else if (node.inputs.length >= 3 && node.inputs[2]) {
    scales = ins[2]?.values;
    given = true;
  } else if (node.inputs.length === 2) {
    scales = ins[1]?.values; // opset 10
    given = !!node.inputs[1];
  } else given = false;
  const axes = attrInts(node.attrs.axes);
  if (sizes && sizes.length) {
    if (axes) {
      const out = x.slice();
      axes.forEach((ax, i) => (out[normAxis(ax, x.length)] = sizes![i]!));
      return [{ shape: out }];
    }
    if (sizes.length !== x.length) throw new ShapeError(`${sizes.length} sizes for an input of rank ${x.length}`);
    return [{ shape: sizes.slice() }];
  }
  if (scales && scales.length) {
    const out = x.slice();
    if (axes) axes.forEach((ax, i) => (out[normAxis(ax, x.length)] = Math.floor(x[normAxis(ax, x.length)]! * scales![i]!)));
    else if (scales.length === x.length) x.forEach((d, i) => (out[i] = Math.floor(d * scales![i]! + 1e-9)));
    else throw new ShapeError(`${scales.length} scales for an input of rank ${x.length}`);
    return [{ shape: out }];
  }
  if (!given) throw new ShapeError('no scales or sizes');
  return unknown();
};

export const RESIZE_SHAPES: Record<string, ShapeFn> = {
  Resize: resize,
  Upsample: resize,
};

/**
 * Numpy-style broadcasting of shapes, and the element-wise arithmetic folded
 * over broadcast constant tensors (integer shape arithmetic exported by
 * PyTorch: Add/Sub/Mul/Div on Shape/Gather results).
 */
import type { TensorState } from './shape-fn.js';
import { MAX_VALUES, numel } from './small-tensors.js';

/** Broadcast shapes numpy-style; null when incompatible or unknown. */
export function broadcast(shapes: Array<number[] | null>): number[] | null {
  if (shapes.some((s) => s === null)) return null;
  const ss = shapes as number[][];
  const r = Math.max(0, ...ss.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    let d = 1;
    for (const s of ss) {
      const v = s[s.length - r + i];
      if (v === undefined || v === 1) continue;
      if (d !== 1 && d !== v) return null;
      d = v;
    }
    out.push(d);
  }
  return out;
}

/** `op` applied element-wise to two constant tensors broadcast to `outShape`; undefined when not foldable. */
export function broadcastValues(op: string, a: TensorState, b: TensorState, outShape: number[] | null): number[] | undefined {
  if (!a.values || !b.values || !outShape || !a.shape || !b.shape) return undefined;
  const n = numel(outShape);
  if (n > MAX_VALUES) return undefined;
  const f = binaryFn(op);
  if (!f) return undefined;
  // fast paths: equal sizes, or one side a single value
  const av = a.values;
  const bv = b.values;
  if (av.length === n && bv.length === n) return av.map((x, i) => f(x, bv[i]!));
  if (av.length === n && bv.length === 1) return av.map((x) => f(x, bv[0]!));
  if (av.length === 1 && bv.length === n) return bv.map((y) => f(av[0]!, y));
  const idx = (s: number[], flat: number) => {
    // map flat index of outShape to flat index of s (broadcast)
    let rem = flat;
    let off = 0;
    let stride = 1;
    const coords: number[] = new Array(outShape.length);
    for (let i = outShape.length - 1; i >= 0; i--) {
      coords[i] = rem % outShape[i]!;
      rem = Math.floor(rem / outShape[i]!);
    }
    for (let i = s.length - 1; i >= 0; i--) {
      const c = coords[outShape.length - s.length + i]!;
      off += (s[i] === 1 ? 0 : c) * stride;
      stride *= s[i]!;
    }
    return off;
  };
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(f(av[idx(a.shape, k)]!, bv[idx(b.shape, k)]!));
  return out;
}

function binaryFn(op: string): ((x: number, y: number) => number) | null {
  switch (op) {
    case 'Add': return (x, y) => x + y;
    case 'Sub': return (x, y) => x - y;
    case 'Mul': return (x, y) => x * y;
    // Integer shape arithmetic: ONNX integer Div truncates.
    case 'Div': return (x, y) => (Number.isInteger(x) && Number.isInteger(y) ? Math.trunc(x / y) : x / y);
    case 'Max': return Math.max;
    case 'Min': return Math.min;
    case 'Equal': return (x, y) => Number(x === y);
    case 'Less': return (x, y) => Number(x < y);
    case 'Greater': return (x, y) => Number(x > y);
    case 'Pow': return (x, y) => x ** y;
    case 'Mod': return (x, y) => x % y;
    default: return null;
  }
}

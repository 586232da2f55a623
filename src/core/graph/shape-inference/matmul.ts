/**
 * Shape functions of the matrix products: Gemm, MatMul (numpy matmul with
 * batch broadcasting; ORT's FusedMatMul with its transposes) and Einsum.
 * `matmulShape` and `einsumShape` are shared with the MAC count (macs.ts).
 */
import { attrInt } from './attrs.js';
import { broadcast } from './broadcast.js';
import { formatShape, ShapeError, unknown, type ShapeFn } from './shape-fn.js';

/** ONNX MatMul (numpy matmul) output shape, with optional transposes (FusedMatMul). */
export function matmulShape(a: number[] | null, b: number[] | null, transA = false, transB = false): number[] | null {
  if (!a || !b || a.length === 0 || b.length === 0) return null;
  let A = a.length === 1 ? [1, a[0]!] : a.slice();
  let B = b.length === 1 ? [b[0]!, 1] : b.slice();
  if (transA) A = [...A.slice(0, -2), A[A.length - 1]!, A[A.length - 2]!];
  if (transB) B = [...B.slice(0, -2), B[B.length - 1]!, B[B.length - 2]!];
  if (A[A.length - 1] !== B[B.length - 2]) return null;
  const batch = broadcast([A.slice(0, -2), B.slice(0, -2)]);
  if (!batch) return null;
  const out = [...batch, A[A.length - 2]!, B[B.length - 1]!];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.pop();
  return out;
}

/**
 * Einsum: output shape and the size of every index letter. Handles explicit
 * ("bhid,bhjd->bhij") and implicit equations; '...' broadcasts leading dims.
 */
export function einsumShape(eq: string, shapes: Array<number[] | null>): { out: number[]; sizes: Map<string, number> } | null {
  if (!eq || shapes.some((s) => !s)) return null;
  const clean = eq.replace(/\s+/g, '');
  const [lhs, rhsRaw] = clean.split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  if (terms.length !== shapes.length) return null;
  const sizes = new Map<string, number>();
  let ellipsis: number[] = [];
  for (let t = 0; t < terms.length; t++) {
    const term = terms[t]!;
    const s = shapes[t]!;
    const parts = term.split('...');
    const head = parts[0]!;
    const tail = parts.length > 1 ? parts[1]! : '';
    const nEll = s.length - head.length - tail.length;
    if (parts.length === 1 && nEll !== 0) return null;
    [...head].forEach((c, i) => setSize(sizes, c, s[i]!));
    [...tail].forEach((c, i) => setSize(sizes, c, s[head.length + nEll + i]!));
    if (parts.length > 1) {
      const ell = s.slice(head.length, head.length + nEll);
      const b = broadcast([ellipsis, ell]);
      if (!b) return null;
      ellipsis = b;
    }
  }
  let rhs: string;
  if (rhsRaw !== undefined) rhs = rhsRaw;
  else {
    const counts = new Map<string, number>();
    for (const c of terms.join('').replace(/\./g, '')) counts.set(c, (counts.get(c) ?? 0) + 1);
    rhs = (clean.includes('...') ? '...' : '') + [...counts].filter(([, n]) => n === 1).map(([c]) => c).sort().join('');
  }
  const out: number[] = [];
  const parts = rhs.split('...');
  for (const c of parts[0]!) out.push(sizes.get(c) ?? NaN);
  if (parts.length > 1) {
    out.push(...ellipsis);
    for (const c of parts[1]!) out.push(sizes.get(c) ?? NaN);
  }
  if (out.some((d) => Number.isNaN(d))) return null;
  // Ellipsis dims count towards the product like ordinary letters.
  ellipsis.forEach((d, i) => sizes.set(`…${i}`, d));
  return { out, sizes };
}

/** A letter's size: the first size other than 1 seen for it (1 broadcasts). */
function setSize(m: Map<string, number>, c: string, d: number) {
  const prev = m.get(c);
  if (prev === undefined || prev === 1) m.set(c, d);
}


const gemm: ShapeFn = ({ node, ins, x }) => {
  const b = ins[1]?.shape;
  if (!x || !b) {
    if (!node.inputs[1]) throw new ShapeError('no B input');
    return unknown();
  }
  if (x.length !== 2 || b.length !== 2) throw new ShapeError(`Gemm takes two matrices, got ${formatShape(x)} and ${formatShape(b)}`);
  const m = attrInt(node.attrs.transA, 0) ? x[1]! : x[0]!;
  const n = attrInt(node.attrs.transB, 0) ? b[0]! : b[1]!;
  return [{ shape: [m, n] }];
};

const matmul: ShapeFn = ({ node, op, ins, x }) => {
  const b = ins[1]?.shape ?? null;
  const fused = op === 'FusedMatMul';
  const shape = matmulShape(x, b, fused ? attrInt(node.attrs.transA, 0) === 1 : false, fused ? attrInt(node.attrs.transB, 0) === 1 : false);
  if (!shape && x && b) throw new ShapeError(`${formatShape(x)} and ${formatShape(b)} do not multiply`);
  if (!shape && !node.inputs[1]) throw new ShapeError('no B input');
  return [{ shape }];
};

const einsum: ShapeFn = ({ node, ins }) => {
  const equation = String(node.attrs.equation ?? '');
  const shapes = ins.map((t) => t.shape);
  const r = einsumShape(equation, shapes);
  if (!r && shapes.every((s) => s)) throw new ShapeError(`equation '${equation}' does not fit input shapes ${shapes.map((s) => formatShape(s!)).join(', ')}`);
  return [{ shape: r ? r.out : null }];
};

export const MATMUL_SHAPES: Record<string, ShapeFn> = {
  Gemm: gemm,
  MatMul: matmul,
  MatMulInteger: matmul,
  FusedMatMul: matmul,
  Einsum: einsum,
};

/**
 * Static shape inference over an ArchGraph, in ONNX operator semantics: the
 * walk over the graph. The per-operator rules live in the family files of
 * this folder, dispatched through SHAPE_FUNCTIONS (registry.ts).
 *
 * Every tensor gets a fully numeric shape or `null` (unknown): a partly known
 * shape is treated as unknown, so downstream figures are either exact or
 * absent, never silently wrong. Small integer tensors (shape arithmetic:
 * Shape → Gather → Concat → Reshape, as exported for ViT/attention) are
 * constant-folded: their `values` are tracked so Reshape/Slice/Expand/Resize
 * targets computed at run time in the graph are still known statically.
 *
 * Symbolic input dims are replaced by an assumed value (batch-like dims → 1)
 * and every assumption is reported in `notes`; `inputShapes` overrides. A node
 * whose known inputs give no shape (ShapeError) is reported in `notes` too.
 */
import type { ArchGraph, ArchNode, Dim } from '../types.js';
import { baseOp } from './base-op.js';
import { SHAPE_FUNCTIONS } from './registry.js';
import { ShapeError, unknown, type TensorState } from './shape-fn.js';
import { MAX_VALUES } from './small-tensors.js';

export type { TensorState } from './shape-fn.js';

export interface ShapeResult {
  tensors: Map<string, TensorState>;
  /** Nodes in a topological order (the input order when it already is one). */
  order: ArchNode[];
  notes: string[];
  /** Input shapes actually used (after assumptions / overrides). */
  inputShapes: Record<string, number[] | null>;
}

/** Orders nodes so producers come before consumers (Kahn; stable on the given order). */
export function topoOrder(nodes: ArchNode[]): ArchNode[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.outputs.forEach((t) => t && producer.set(t, i)));
  const indeg = new Array(nodes.length).fill(0);
  const succ: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    const deps = new Set<number>();
    for (const t of n.inputs) {
      const p = t ? producer.get(t) : undefined;
      if (p !== undefined && p !== i) deps.add(p);
    }
    for (const p of deps) {
      succ[p]!.push(i);
      indeg[i]++;
    }
  });
  let inOrder = true;
  nodes.forEach((n, i) => {
    for (const t of n.inputs) {
      const p = t ? producer.get(t) : undefined;
      if (p !== undefined && p >= i) inOrder = false;
    }
  });
  if (inOrder) return nodes;
  const out: ArchNode[] = [];
  const ready: number[] = [];
  indeg.forEach((d, i) => d === 0 && ready.push(i));
  ready.reverse();
  while (ready.length) {
    const i = ready.pop()!;
    out.push(nodes[i]!);
    for (const s of succ[i]!) if (--indeg[s] === 0) ready.push(s);
  }
  // Cycles (malformed graphs): append the rest in file order so nothing is lost.
  if (out.length < nodes.length) {
    const seen = new Set(out);
    for (const n of nodes) if (!seen.has(n)) out.push(n);
  }
  return out;
}

export function inferShapes(g: ArchGraph, opts: { inputShapes?: Record<string, number[]> } = {}): ShapeResult {
  const T = new Map<string, TensorState>();
  const notes: string[] = [];
  const inputShapes: Record<string, number[] | null> = Object.create(null);

  for (const p of Object.values(g.initializers)) T.set(p.name, { shape: p.shape, values: p.values });
  for (const n of g.nodes) for (const p of n.params) if (!T.has(p.name)) T.set(p.name, { shape: p.shape, values: p.values });

  for (const inp of g.inputs) {
    if (T.has(inp.name) && g.initializers[inp.name]) continue; // old-opset initializers listed as inputs
    const override = opts.inputShapes?.[inp.name];
    if (override) {
      T.set(inp.name, { shape: override });
      inputShapes[inp.name] = override;
      continue;
    }
    const shape = assumeDims(inp.name, inp.shape, inp.dtype, notes);
    T.set(inp.name, { shape });
    inputShapes[inp.name] = shape;
  }
  if (opts.inputShapes) {
    for (const name of Object.keys(opts.inputShapes)) {
      if (!g.inputs.some((i) => i.name === name)) notes.push(`--input-shape names '${name}', which is not a graph input (inputs: ${g.inputs.map((i) => i.name).join(', ')})`);
    }
  }

  const get = (t: string): TensorState => (t ? T.get(t) ?? { shape: null } : { shape: null });
  const order = topoOrder(g.nodes);
  for (const node of order) {
    let outs: TensorState[];
    let givenUp: string | null = null;
    try {
      outs = inferNode(g, node, get);
    } catch (e) {
      // only the shape functions' own "no shape from these inputs"; anything else is a bug
      if (!(e instanceof ShapeError)) throw e;
      outs = unknown();
      givenUp = e.message;
    }
    node.outputs.forEach((t, i) => {
      if (!t) return;
      let st = outs[i] ?? { shape: null };
      if (st.shape && (st.shape.some((d) => !Number.isFinite(d) || d < 0))) st = { shape: null };
      if (!st.shape) {
        const vi = g.valueInfo[t];
        if (vi?.shape && vi.shape.every((d) => typeof d === 'number' && d >= 0)) st = { ...st, shape: vi.shape as number[] };
      }
      if (st.values && st.values.length > MAX_VALUES) delete st.values;
      T.set(t, st);
    });
    if (givenUp !== null) notes.push(givenUpNote(node, givenUp, node.outputs.every((t) => !t || T.get(t)!.shape)));
  }
  return { tensors: T, order, notes, inputShapes };
}

function inferNode(g: ArchGraph, node: ArchNode, get: (t: string) => TensorState): TensorState[] {
  const op = baseOp(node.op);
  const shapeFn = SHAPE_FUNCTIONS[op];
  if (!shapeFn) return unknown(); // no shape function for this op
  const ins = node.inputs.map(get);
  return shapeFn({ graph: g, node, op, ins, x: ins[0]?.shape ?? null });
}

/** The note for a node whose shape was given up; `declared`: the file's own value_info gave every output shape. */
function givenUpNote(node: ArchNode, reason: string, declared: boolean): string {
  const then = declared ? 'the output shapes the file declares are used' : 'its outputs, and what is computed from them, have unknown shapes';
  return `shape of ${node.op} node '${node.id}' not inferred (${reason}): ${then}`;
}

/** Replaces symbolic/unknown input dims by assumed values, noting each assumption. */
function assumeDims(name: string, shape: Dim[] | null, dtype: string, notes: string[]): number[] | null {
  if (!shape) {
    notes.push(`input '${name}' has no known rank; shapes downstream are unknown (pass --input-shape ${name}=...)`);
    return null;
  }
  const out: number[] = [];
  const assumed: string[] = [];
  const isInt = /int/.test(dtype);
  shape.forEach((d, i) => {
    if (typeof d === 'number' && d > 0) {
      out.push(d);
      return;
    }
    let v: number;
    if (i === 0) v = 1; // batch
    else if (shape.length === 4 && !isInt) v = i === 1 || (i === 3 && shape[1] !== 3 && shape[3] === 3) ? 3 : 224;
    else if (isInt && shape.length <= 3) v = 128; // token sequence length
    else v = 1;
    out.push(v);
    assumed.push(`dim ${i}${d === null ? '' : ` '${d}'`} = ${v}`);
  });
  if (assumed.length) notes.push(`input '${name}': symbolic ${assumed.join(', ')} assumed (override with --input-shape ${name}=${out.join('x')})`);
  return out;
}

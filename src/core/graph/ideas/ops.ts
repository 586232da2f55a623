/**
 * Ideas that a single kind of op shows by itself: normalisations, the
 * activations papers name as a design choice, dropout, weight normalisation.
 */
import type { IdeaDetector } from './detector.js';
import { found, type IdeaContext } from './context.js';

const byCategory = (id: string, ...cats: string[]): IdeaDetector => ({ id, detect: (ctx) => found(ctx, ctx.all(...cats)) });

export const OP_IDEAS: IdeaDetector[] = [
  byCategory('batch_norm', 'batch_norm'),
  byCategory('layer_norm', 'layer_norm'),
  byCategory('local_response_norm', 'lrn'),
  byCategory('gelu', 'gelu'),
  byCategory('hard_swish', 'hard_swish', 'hard_sigmoid'),
  byCategory('dropout', 'dropout'),
  {
    // w = g · v / ‖v‖: the conv's weight input is computed (a norm of a stored tensor) instead of stored
    id: 'weight_norm',
    detect(ctx) {
      const g = ctx.input.source;
      if (!g) return null;
      const hits = ctx.all('conv', 'dilated_conv', 'grouped_conv', 'depthwise_conv', 'transposed_conv', 'linear').filter((i) =>
        ctx.rawNodes(i).some((r) => {
          const w = r.inputs[1];
          if (!['Conv', 'ConvTranspose', 'MatMul', 'Gemm'].includes(r.op) || !w || g.initializers[w] || !['Div', 'Mul'].includes(ctx.producerOf(w)?.op ?? '')) return false;
          return weightNormed(ctx, w);
        }),
      );
      return found(ctx, hits);
    },
  },
];

/** the division by the norm: a ReduceL2 / LpNormalization / Sqrt among the weight's producers */
function weightNormed(ctx: IdeaContext, tensor: string): boolean {
  const seen = new Set<string>();
  const st = [tensor];
  for (let steps = 0; st.length && steps < 40; steps++) {
    const t = st.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    const n = ctx.producerOf(t);
    if (!n) continue;
    if (['ReduceL2', 'LpNormalization', 'Sqrt'].includes(n.op)) return true;
    st.push(...n.inputs.filter(Boolean));
  }
  return false;
}

/**
 * Ideas of sequence models: recurrent cells (LSTM / GRU gates, both
 * directions, stacked layers, attention over their states), TextCNN's parallel widths and max over time,
 * TCN / WaveNet's dilated causal convs, WaveNet's gated activation and its
 * skip outputs summed into the head; gated linear units.
 */
import type { IdeaDetector } from './detector.js';
import { found, type IdeaContext } from './context.js';
import { attentionSites } from './transformer.js';

const RNN = ['lstm', 'gru', 'rnn'];

const conv1d = (ctx: IdeaContext, i: number) => ctx.isConv(i) && ctx.is1d(i);

export const SEQUENCE_IDEAS: IdeaDetector[] = [
  { id: 'recurrent_cell', detect: (ctx) => found(ctx, ctx.all(...RNN)) },
  { id: 'lstm_gates', detect: (ctx) => found(ctx, ctx.all('lstm')) },
  { id: 'gru_gates', detect: (ctx) => found(ctx, ctx.all('gru')) },
  {
    // the cell's output [T, directions, B, H] has two directions
    id: 'bidirectional',
    detect: (ctx) => found(ctx, ctx.all(...RNN).filter((i) => ctx.rank(i) === 4 && ctx.shape(i)![1] === 2)),
  },
  {
    id: 'stacked_recurrent',
    detect(ctx) {
      const cells = ctx.all(...RNN);
      const stacked = cells.filter((c) => cells.some((d) => d !== c && (ctx.ancestors(c).has(d) || ctx.ancestors(d).has(c))));
      return stacked.length >= 2 ? found(ctx, stacked) : null;
    },
  },
  {
    // attention whose keys are the states of a recurrent layer (Bahdanau / Luong over encoder states)
    id: 'recurrent_attention',
    detect(ctx) {
      const overStates = (o: number) => RNN.includes(ctx.cat(ctx.behind(o))) || RNN.includes(ctx.cat(o));
      return found(ctx, attentionSites(ctx).filter((a) => overStates(a.kOrigin)).map((a) => a.softmax));
    },
  },
  {
    // a max over the whole time axis of 1-D conv features with a window > 1
    id: 'max_over_time_pooling',
    detect(ctx) {
      const hits = ctx.all('reduce', 'global_max_pool', 'max_pool').filter((i) => {
        if (ctx.cat(i) === 'reduce' && ctx.rawOp(i) !== 'ReduceMax') return false;
        const src = ctx.behind(ctx.preds[i]![0] ?? i);
        const s = ctx.shape(i);
        return conv1d(ctx, src) && ctx.kmax(src) > 1 && !!s && (s.length === 2 || (s.length === 3 && s[2] === 1));
      });
      return found(ctx, hits);
    },
  },
  {
    // ≥ 2 parallel 1-D convs of different widths over the same input, concatenated
    id: 'parallel_kernel_widths',
    detect(ctx) {
      const hits = ctx.all('concat').filter((c) => {
        const convs = ctx.preds[c]!.map((p) => ctx.walk('backward', p, (j) => !ctx.isConv(j) && ctx.preds[j]!.length === 1, (j) => ctx.isConv(j), 4)[0] ?? (ctx.isConv(p) ? p : -1));
        if (convs.length < 2 || convs.some((x) => x < 0 || !conv1d(ctx, x))) return false;
        const src = new Set(convs.map((x) => ctx.preds[x]![0]));
        return src.size === 1 && new Set(convs.map((x) => ctx.kmax(x))).size >= 2;
      });
      return found(ctx, hits);
    },
  },
  {
    // 1-D convs padded on the left only by (k−1)·d so the output keeps the input length, with growing dilations
    id: 'dilated_causal_conv',
    detect(ctx) {
      const causal = ctx.all('conv', 'dilated_conv').filter((i) => {
        if (!ctx.is1d(i) || ctx.kmax(i) < 2) return false;
        const pad = ctx.preds[i]![0];
        if (pad === undefined || ctx.cat(pad) !== 'pad') return false;
        const before = ctx.preds[pad]![0];
        const k = ctx.kmax(i);
        const d = ctx.nodes[i]!.dilation?.[0] ?? 1;
        const padded = ctx.shape(pad)?.[2];
        const orig = before === undefined ? ctx.input.inputs[0]?.shape?.[2] : ctx.shape(before)?.[2];
        return typeof padded === 'number' && typeof orig === 'number' && padded - orig === (k - 1) * d && ctx.shape(i)?.[2] === orig;
      });
      const rates = new Set(causal.map((i) => ctx.nodes[i]!.dilation?.[0] ?? 1));
      return rates.size >= 2 ? found(ctx, causal) : null;
    },
  },
  {
    // tanh(conv) ⊙ sigmoid(conv)
    id: 'gated_activation',
    detect(ctx) {
      const hits = ctx.all('mul').filter((m) => {
        const ps = ctx.preds[m]!;
        if (ps.length !== 2) return false;
        const cats = ps.map((p) => ctx.cat(p)).sort();
        if (cats[0] !== 'sigmoid' || cats[1] !== 'tanh') return false;
        return ps.every((p) => {
          const q = ctx.behind(ctx.preds[p]![0] ?? p, (j) => ctx.cat(j) === 'split' || ctx.cat(j) === 'slice');
          return ctx.isConv(q);
        });
      });
      return found(ctx, hits);
    },
  },
  {
    // one projection split in two halves, one half gating the other: a ⊙ σ(b) (GLU), or with GELU / SiLU gates (GEGLU, SwiGLU)
    id: 'gated_linear_unit',
    detect(ctx) {
      const isHalf = (i: number) => ctx.cat(i) === 'split' || ctx.cat(i) === 'slice';
      const hits = ctx.all('mul').filter((m) => {
        const ps = ctx.preds[m]!;
        if (ps.length !== 2) return false;
        return ps.some((gate) => {
          if (!['sigmoid', 'gelu', 'silu'].includes(ctx.cat(gate))) return false;
          const g = ctx.preds[gate]![0];
          const other = ps.find((p) => p !== gate)!;
          if (g === undefined || !isHalf(g) || !isHalf(other)) return false;
          const src = (i: number) => (ctx.cat(i) === 'split' ? i : ctx.preds[i]![0]);
          const a = src(g);
          const b = src(other);
          return a !== undefined && a === b && (ctx.cat(a) === 'split' || g !== other);
        });
      });
      return found(ctx, hits);
    },
  },
  {
    // an accumulator: a chain of ≥ 3 adds, each adding one layer's 1×1 skip conv and feeding only the next add
    id: 'skip_connections_to_output',
    detect(ctx) {
      const isAcc = (a: number) => ctx.cat(a) === 'add' && ctx.preds[a]!.length === 2 && ctx.preds[a]!.some((p) => ctx.isPointwise(p));
      const next = (a: number) => (ctx.succ[a]!.length === 1 && isAcc(ctx.succ[a]![0]!) && ctx.preds[ctx.succ[a]![0]!]!.includes(a) ? ctx.succ[a]![0]! : -1);
      const chain: number[] = [];
      for (const a of ctx.all('add').filter(isAcc)) {
        // chain starts: an accumulator add not fed by another accumulator add
        if (ctx.preds[a]!.some((p) => isAcc(p) && next(p) === a)) continue;
        const c = [a];
        for (let x = next(a); x >= 0 && c.length < 10000; x = next(x)) c.push(x);
        if (c.length >= 3 && c.length > chain.length) chain.splice(0, chain.length, ...c);
      }
      return chain.length ? found(ctx, chain) : null;
    },
  },
];

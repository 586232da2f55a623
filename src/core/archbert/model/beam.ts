/**
 * Beam search over a one-step decoder (the exported caption_decoder gives the
 * next-token logits for a batch of prefixes). Pure: the step function is
 * injected, so the search is tested with hand-made logits.
 *
 * Hypotheses are ranked by length-normalised log-probability
 * score = Σ log p / len^alpha (GNMT-style, alpha = 1 → mean log-prob), so the
 * search does not favour short captions; len counts generated tokens
 * including [eos]. A hypothesis ends at [eos] or at maxLength ids (incl. [bos]).
 *
 * Both searches tell the step function where each prefix comes from (`parents`,
 * see StepFn), so a decoder that keeps per-hypothesis state between calls (a
 * key/value cache) can carry it over to the surviving hypotheses; the searches
 * themselves hold no such state and stay pure.
 */

export interface BeamOptions {
  /** Beams kept per step (default 4). */
  width?: number;
  /** Maximum ids in a sequence, [bos] included (the dataset's captions: 96). */
  maxLength?: number;
  /** Length-normalisation exponent (0 = raw sum, 1 = mean). */
  alpha?: number;
  bos: number;
  eos: number;
  /** Ids never generated (pad, cls, …). */
  banned?: readonly number[];
}

export interface BeamHypothesis {
  /** Generated ids without [bos] and without [eos]. */
  tokens: number[];
  logProb: number;
  score: number;
  finished: boolean;
}

/**
 * Logits of the next token for each prefix (rows in the same order).
 * `rows`: which sequences they are (greedy over a batch; absent in beam search).
 * `parents`: absent on a search's first call; afterwards parents[i] is the index,
 * in the previous call's prefixes, of the prefix that prefixes[i] extends by
 * exactly one token, so a stateful step keeps row parents[i]'s state for row i.
 * Every prefix of one call has the same length. A stateless step ignores it.
 */
export type StepFn = (prefixes: number[][], rows?: number[], parents?: number[]) => Promise<Float32Array[]>;

export const DEFAULT_BEAM_WIDTH = 4;

/**
 * The `k` likeliest next tokens of one row with their log-probabilities
 * (log-softmax over the allowed ids), best first, ties to the lower id.
 * Two passes over the vocabulary (max and top-k together, then the sum of
 * exponentials) instead of a whole log-softmax row per hypothesis: the search
 * only ever reads the top k, and at a vocabulary of ~4,000 the full rows and
 * a Set lookup per entry were most of a wide beam's time outside the model.
 */
function topLogProbs(logits: Float32Array, k: number, banned: Uint8Array): Array<{ id: number; lp: number }> {
  let max = -Infinity;
  const idx: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    if (banned[i]) continue;
    const v = logits[i]!;
    if (v > max) max = v;
    if (idx.length < k) {
      idx.push(i);
      idx.sort((a, b) => logits[b]! - logits[a]! || a - b);
    } else if (v > logits[idx[k - 1]!]!) {
      idx[k - 1] = i;
      idx.sort((a, b) => logits[b]! - logits[a]! || a - b);
    }
  }
  let sum = 0;
  for (let i = 0; i < logits.length; i++) if (!banned[i]) sum += Math.exp(logits[i]! - max);
  const lse = max + Math.log(sum);
  return idx.map((id) => ({ id, lp: logits[id]! - lse }));
}

const normalised = (logProb: number, len: number, alpha: number) => logProb / Math.pow(Math.max(1, len), alpha);

/** Best hypotheses, best first (at most `width`). */
export async function beamSearch(step: StepFn, opts: BeamOptions): Promise<BeamHypothesis[]> {
  const width = Math.max(1, opts.width ?? DEFAULT_BEAM_WIDTH);
  const maxLength = opts.maxLength ?? 96;
  const alpha = opts.alpha ?? 1;
  const banned = bannedMask(opts.banned ?? [], opts.eos);
  // parent: the hypothesis' row in the previous step call (-1 before the first)
  let live: Array<{ tokens: number[]; logProb: number; parent: number }> = [{ tokens: [], logProb: 0, parent: -1 }];
  const done: BeamHypothesis[] = [];
  let first = true;
  while (live.length > 0) {
    const prefixes = live.map((h) => [opts.bos, ...h.tokens]);
    const logits = await (first ? step(prefixes) : step(prefixes, undefined, live.map((h) => h.parent)));
    first = false;
    const cands: Array<{ tokens: number[]; logProb: number; eos: boolean; parent: number }> = [];
    live.forEach((h, i) => {
      // Only the top `width` continuations of each beam can survive the cut.
      for (const { id, lp } of topLogProbs(logits[i]!, width, banned)) {
        if (lp === -Infinity) continue;
        cands.push({ tokens: [...h.tokens, id], logProb: h.logProb + lp, eos: id === opts.eos, parent: i });
      }
    });
    // Ties broken by token sequence so the search is deterministic.
    cands.sort((a, b) => b.logProb - a.logProb || cmpSeq(a.tokens, b.tokens));
    live = [];
    for (const c of cands) {
      if (live.length >= width) break;
      if (c.eos) {
        const tokens = c.tokens.slice(0, -1);
        done.push({ tokens, logProb: c.logProb, score: normalised(c.logProb, c.tokens.length, alpha), finished: true });
      } else if (c.tokens.length + 1 >= maxLength) {
        done.push({ tokens: c.tokens, logProb: c.logProb, score: normalised(c.logProb, c.tokens.length, alpha), finished: false });
      } else {
        live.push({ tokens: c.tokens, logProb: c.logProb, parent: c.parent });
      }
    }
    // Stop once `width` hypotheses have finished and no live beam, were it to end now, would
    // rank among them (the usual beam-search rule, as in transformers' BeamHypotheses.is_done):
    // a live beam could still gain by growing longer under length normalisation, but waiting for
    // that bound (every further token at probability 1, up to maxLength) kept rambling beams
    // alive to the length limit and doubled the decoding time.
    if (done.length >= width && live.length > 0) {
      const worstKept = [...done].sort((a, b) => b.score - a.score)[width - 1]!.score;
      const bestLive = Math.max(...live.map((h) => normalised(h.logProb, h.tokens.length + 1, alpha)));
      if (bestLive < worstKept) break;
    }
  }
  return done.sort((a, b) => b.score - a.score || cmpSeq(a.tokens, b.tokens)).slice(0, width);
}

/** One flag per id the search never produces ([eos] always allowed); ids beyond the mask are allowed. */
function bannedMask(ids: readonly number[], eos: number): Uint8Array {
  const mask = new Uint8Array(Math.max(0, ...ids) + 1);
  for (const id of ids) if (id >= 0 && id !== eos) mask[id] = 1;
  return mask;
}

function cmpSeq(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Greedy decoding exactly as the metric definition: argmax (lowest id on ties) until [eos] or maxLength ids. */
export async function greedyDecode(step: StepFn, opts: { bos: number; eos: number; maxLength?: number }, count = 1): Promise<number[][]> {
  const maxLength = opts.maxLength ?? 96;
  const seqs: number[][] = Array.from({ length: count }, () => []);
  const active = new Set(seqs.map((_, i) => i));
  let previous: number[] | null = null;
  while (active.size > 0) {
    const ids = [...active];
    const prefixes = ids.map((i) => [opts.bos, ...seqs[i]!]);
    // Each sequence continues itself: its parent is its row in the previous call.
    const prevRow: Map<number, number> | null = previous ? new Map(previous.map((id, r) => [id, r])) : null;
    const logits = await (prevRow ? step(prefixes, ids, ids.map((i) => prevRow.get(i)!)) : step(prefixes, ids));
    previous = ids;
    ids.forEach((i, r) => {
      const l = logits[r]!;
      let best = 0;
      for (let t = 1; t < l.length; t++) if (l[t]! > l[best]!) best = t;
      if (best === opts.eos) active.delete(i);
      else {
        seqs[i]!.push(best);
        if (seqs[i]!.length + 1 >= maxLength) active.delete(i);
      }
    });
  }
  return seqs;
}

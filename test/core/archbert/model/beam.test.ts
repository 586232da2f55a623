import { describe, expect, it } from 'vitest';
import { beamSearch, greedyDecode, type StepFn } from '../../../../src/core/archbert/model/beam.js';

const BOS = 5;
const EOS = 6;
const V = 10;

/** A step function from a table: prefix (without bos) joined by ',' → probabilities over the vocabulary. */
function tableStep(table: Record<string, Record<number, number>>): StepFn {
  return async (prefixes) =>
    prefixes.map((p) => {
      const key = p.slice(1).join(',');
      const probs = table[key] ?? { [EOS]: 1 };
      const l = new Float32Array(V).fill(-1e9);
      for (const [t, pr] of Object.entries(probs)) l[Number(t)] = Math.log(pr);
      return l;
    });
}

describe('beam search', () => {
  // Greedy takes 7 (0.6) then is stuck with 0.3-probability continuations;
  // 8 (0.4) then 9 (1.0) has joint 0.4 > 0.6·0.5 = 0.3: a width-2 beam finds it.
  const table = {
    '': { 7: 0.6, 8: 0.4 },
    '7': { 9: 0.5, 8: 0.5 },
    '8': { 9: 1.0 },
    '7,9': { [EOS]: 1 },
    '7,8': { [EOS]: 1 },
    '8,9': { [EOS]: 1 },
  };

  it('finds the higher-probability sequence greedy decoding misses', async () => {
    const [greedy] = await greedyDecode(tableStep(table), { bos: BOS, eos: EOS });
    expect(greedy).toEqual([7, 8]); // argmax, lowest id on the 0.5/0.5 tie
    const best = await beamSearch(tableStep(table), { width: 2, bos: BOS, eos: EOS, alpha: 0 });
    expect(best[0]!.tokens).toEqual([8, 9]);
    expect(best[0]!.logProb).toBeCloseTo(Math.log(0.4), 6);
    expect(best[0]!.finished).toBe(true);
    // width 1 is greedy
    const one = await beamSearch(tableStep(table), { width: 1, bos: BOS, eos: EOS });
    expect(one[0]!.tokens).toEqual([7, 8]);
  });

  it('length normalisation: mean log-prob prefers the longer, more confident caption', async () => {
    // short: [3] then eos (p = 0.5 · 0.5 = 0.25, mean log over 2 tokens = log 0.5)
    // long: [4, 4, 4] then eos (p = 0.5 · 0.9 · 0.9 · 0.9 ≈ 0.36 over 4 tokens, mean ≈ log 0.774)
    const t = { '': { 3: 0.5, 4: 0.5 }, '3': { [EOS]: 0.5, 9: 0.5 }, '3,9': { [EOS]: 1 }, '4': { 4: 0.9, [EOS]: 0.1 }, '4,4': { 4: 0.9, [EOS]: 0.1 }, '4,4,4': { [EOS]: 0.9, 4: 0.1 } };
    const norm = await beamSearch(tableStep(t), { width: 4, bos: BOS, eos: EOS, alpha: 1 });
    expect(norm[0]!.tokens).toEqual([4, 4, 4]);
    expect(norm[0]!.score).toBeCloseTo((Math.log(0.5) + 3 * Math.log(0.9)) / 4, 6);
    // scores are sorted best first
    for (let i = 1; i < norm.length; i++) expect(norm[i - 1]!.score).toBeGreaterThanOrEqual(norm[i]!.score);
  });

  it('stops at maxLength and never emits banned ids', async () => {
    const loop: StepFn = async (ps) => ps.map(() => Float32Array.from({ length: V }, (_, i) => (i === 0 ? 10 : i === 2 ? 5 : 0)));
    const r = await beamSearch(loop, { width: 3, maxLength: 6, bos: BOS, eos: EOS, banned: [0] });
    expect(r[0]!.tokens.length).toBe(5); // 6 ids including [bos]
    expect(r[0]!.finished).toBe(false);
    for (const h of r) expect(h.tokens).not.toContain(0);
  });

  it('default width is at least 4', async () => {
    const calls: number[] = [];
    const step: StepFn = async (ps) => {
      calls.push(ps.length);
      return ps.map((p) => Float32Array.from({ length: V }, (_, i) => (p.length > 2 && i === EOS ? 5 : i)));
    };
    await beamSearch(step, { bos: BOS, eos: EOS, maxLength: 8 });
    expect(Math.max(...calls)).toBeGreaterThanOrEqual(4);
  });
});

describe('describe with the bundled set: widening', () => {
  it('never keeps less than the first beam, and is empty only when a beam of 16 is empty too', async () => {
    const { loadModelSet } = await import('../../../../src/core/archbert/model/model-set.js');
    const { analyzeModelFile } = await import('../../../../src/core/archbert/facts/model-file.js');
    const { encodeArchitecture } = await import('../../../../src/core/archbert/model/embed.js');
    const { describeChecked, bestChecked, generateCaptions, LAST_BEAM_WIDTH } = await import('../../../../src/core/archbert/describe.js');
    const { repoRoot } = await import('../../../helpers/cli.js');
    const set = loadModelSet();
    const net = (c: { summary: string; flags: Array<{ action: string; sentence: string }> }) =>
      c.summary.split(/(?<=\.)\s+/).filter((x) => x.trim()).length - new Set(c.flags.filter((f) => f.action === 'removed').map((f) => f.sentence)).size;
    for (const f of ['convnext_tiny', 'regnet_y_400mf', 'vit_b_16']) {
      const m = await analyzeModelFile(`${repoRoot}/fixtures/models/${f}.onnx`);
      const enc = await encodeArchitecture(set, m.opGraph);
      const first = await describeChecked(set, enc, m.summary, 4, false);
      const widened = await describeChecked(set, enc, m.summary, 4, true);
      expect(net(widened)).toBeGreaterThanOrEqual(net(first));
      if (!widened.summary.trim()) expect(bestChecked(await generateCaptions(set, enc, LAST_BEAM_WIDTH), m.summary).summary.trim()).toBe('');
    }
  });
});

describe('beam search against a reference that takes the whole log-softmax row', () => {
  /** The search as first written: a full log-softmax row per hypothesis, banned ids at -Infinity, top-k of that row. */
  async function referenceBeam(step: StepFn, width: number, maxLength: number, banned: number[]) {
    const ban = new Set(banned.filter((b) => b !== EOS));
    let live = [{ tokens: [] as number[], logProb: 0, parent: -1 }];
    const done: Array<{ tokens: number[]; logProb: number; score: number; finished: boolean }> = [];
    let first = true;
    while (live.length) {
      const logits = await (first ? step(live.map((h) => [BOS, ...h.tokens])) : step(live.map((h) => [BOS, ...h.tokens]), undefined, live.map((h) => h.parent)));
      first = false;
      const cands: Array<{ tokens: number[]; logProb: number; eos: boolean; parent: number }> = [];
      live.forEach((h, i) => {
        const row = logits[i]!;
        let max = -Infinity;
        row.forEach((v, j) => { if (!ban.has(j) && v > max) max = v; });
        let sum = 0;
        row.forEach((v, j) => { if (!ban.has(j)) sum += Math.exp(v - max); });
        const lse = max + Math.log(sum);
        const lp = Array.from(row, (v, j) => (ban.has(j) ? -Infinity : v - lse));
        const order = lp.map((_, j) => j).sort((a, b) => lp[b]! - lp[a]! || a - b).slice(0, width);
        for (const t of order) if (lp[t] !== -Infinity) cands.push({ tokens: [...h.tokens, t], logProb: h.logProb + lp[t]!, eos: t === EOS, parent: i });
      });
      const cmp = (a: number[], b: number[]) => { for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return a[k]! - b[k]!; return a.length - b.length; };
      cands.sort((a, b) => b.logProb - a.logProb || cmp(a.tokens, b.tokens));
      live = [];
      for (const c of cands) {
        if (live.length >= width) break;
        if (c.eos) done.push({ tokens: c.tokens.slice(0, -1), logProb: c.logProb, score: c.logProb / c.tokens.length, finished: true });
        else if (c.tokens.length + 1 >= maxLength) done.push({ tokens: c.tokens, logProb: c.logProb, score: c.logProb / c.tokens.length, finished: false });
        else live.push({ tokens: c.tokens, logProb: c.logProb, parent: c.parent });
      }
      if (done.length >= width && live.length > 0) {
        const worstKept = [...done].sort((a, b) => b.score - a.score)[width - 1]!.score;
        if (Math.max(...live.map((h) => h.logProb / (h.tokens.length + 1))) < worstKept) break;
      }
    }
    const cmp = (a: number[], b: number[]) => { for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return a[k]! - b[k]!; return a.length - b.length; };
    return done.sort((a, b) => b.score - a.score || cmp(a.tokens, b.tokens)).slice(0, width);
  }

  /** Seeded pseudo-random logits per prefix (the same prefix always gets the same row), with ties and -Infinity entries. */
  function randomStep(seed: number, vocab: number): StepFn {
    const rowFor = (p: number[]) => {
      let h = seed;
      for (const t of p) h = Math.imul(h ^ (t + 0x9e3779b9), 0x85ebca6b) >>> 0;
      const row = new Float32Array(vocab);
      for (let j = 0; j < vocab; j++) {
        h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
        const u = h / 2 ** 32;
        // Coarse values so ties occur; a few impossible tokens.
        row[j] = u < 0.03 ? -Infinity : Math.round(u * 12) / 2;
      }
      row[EOS] = p.length > 3 ? 5 : -2;
      return row;
    };
    return async (prefixes) => prefixes.map(rowFor);
  }

  it('gives the same hypotheses and scores on random logits with ties, banned ids and impossible tokens', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const width = 1 + (seed % 6);
      const banned = [0, 1, 2, seed % 30, EOS];
      const step = randomStep(seed, 30);
      const got = await beamSearch(step, { width, maxLength: 9, bos: BOS, eos: EOS, banned });
      expect(got).toEqual(await referenceBeam(step, width, 9, banned));
    }
  });
});

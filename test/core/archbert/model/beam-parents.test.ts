/**
 * beam.ts tells the step function which earlier prefix each prefix extends
 * (`parents`), so a decoder with a per-hypothesis cache can carry it over.
 * Checked with a step that records every call: no parents on the first call,
 * then prefix i = previous call's prefix parents[i] plus one token, while the
 * beam reorders, duplicates and drops hypotheses and greedy sequences finish.
 */
import { describe, expect, it } from 'vitest';
import { beamSearch, greedyDecode, type StepFn } from '../../../../src/core/archbert/model/beam.js';

const BOS = 5;
const EOS = 6;
const V = 12;

/** Deterministic pseudo-logits from the prefix, with [eos] likelier as it grows. */
function logitsFor(prefix: number[]): Float32Array {
  const l = new Float32Array(V);
  let h = 17;
  for (const t of prefix) h = (h * 31 + t * 7) % 9973;
  for (let v = 0; v < V; v++) l[v] = ((h * (v + 3)) % 101) / 25;
  l[EOS] = prefix.length / 2 - 1 + (h % 7) / 3;
  return l;
}

interface Call {
  prefixes: number[][];
  parents?: number[];
}

/** A step that records its calls and answers from the prefix (and, in greedy decoding, its row) alone. */
function recordingStep(): { step: StepFn; calls: Call[] } {
  const calls: Call[] = [];
  const step: StepFn = async (prefixes, rows, parents) => {
    calls.push({ prefixes: prefixes.map((p) => [...p]), parents: parents && [...parents] });
    return prefixes.map((p, i) => logitsFor(rows ? [rows[i]! * 13, ...p] : p));
  };
  return { step, calls };
}

function expectChained(calls: Call[]): void {
  expect(calls[0]!.parents).toBeUndefined();
  for (let c = 1; c < calls.length; c++) {
    const { prefixes, parents } = calls[c]!;
    expect(parents).toHaveLength(prefixes.length);
    prefixes.forEach((p, i) => {
      const parent = calls[c - 1]!.prefixes[parents![i]!]!;
      expect(p.slice(0, -1)).toEqual(parent);
      expect(p).toHaveLength(parent.length + 1);
    });
  }
}

describe('beam search parents', () => {
  it('each prefix names the previous-call prefix it extends', async () => {
    const { step, calls } = recordingStep();
    const hyps = await beamSearch(step, { width: 4, bos: BOS, eos: EOS, maxLength: 20 });
    expect(calls.length).toBeGreaterThan(3);
    // the beam does reorder: some call's parents are not 0, 1, 2, … in order
    expect(calls.slice(1).some((c) => c.parents!.some((p, i) => p !== i))).toBe(true);
    expectChained(calls);
    expect(hyps.length).toBeGreaterThan(0);
  });

  it('a step that ignores parents decodes the same as before (they are advisory)', async () => {
    const withParents = await beamSearch(recordingStep().step, { width: 3, bos: BOS, eos: EOS, maxLength: 20 });
    const stateless: StepFn = async (prefixes) => prefixes.map(logitsFor);
    expect(await beamSearch(stateless, { width: 3, bos: BOS, eos: EOS, maxLength: 20 })).toEqual(withParents);
  });

  it('a chain check fails on wrong parents (the check itself can fail)', () => {
    const calls: Call[] = [
      { prefixes: [[BOS]] },
      { prefixes: [[BOS, 7], [BOS, 8]], parents: [0, 0] },
      { prefixes: [[BOS, 8, 9]], parents: [0] },
    ];
    expect(() => expectChained(calls)).toThrow();
  });
});

describe('greedy decoding parents', () => {
  it('each sequence continues its own row, also after others finished', async () => {
    const { step, calls } = recordingStep();
    // rows of different lengths: the pseudo-logits end sequences at different steps
    const seqs = await greedyDecode(step, { bos: BOS, eos: EOS, maxLength: 30 }, 5);
    expect(new Set(seqs.map((s) => s.length)).size).toBeGreaterThan(1);
    // some rows finished while others went on: a later call has fewer rows
    expect(calls.some((c, i) => i > 0 && c.prefixes.length < calls[i - 1]!.prefixes.length)).toBe(true);
    expectChained(calls);
  });
});

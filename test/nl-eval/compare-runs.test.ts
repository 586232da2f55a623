/**
 * fixtures/nl-eval/compare-runs.ts: the one-sided sign test against
 * hand-computed binomial tails, and the lost / gained counts and sums on
 * two small made-up report directories.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareRuns, SET_NAMES, signTestUpper } from '../../fixtures/nl-eval/compare-runs.js';

describe('signTestUpper', () => {
  it('matches binomial tails worked by hand', () => {
    expect(signTestUpper(3, 3)).toBeCloseTo(1 / 8, 12);
    expect(signTestUpper(2, 3)).toBeCloseTo(4 / 8, 12); // (3 + 1) / 8
    expect(signTestUpper(4, 5)).toBeCloseTo(6 / 32, 12); // (5 + 1) / 32
    expect(signTestUpper(16, 31)).toBeCloseTo(0.5, 12); // odd n: the upper half exactly
    expect(signTestUpper(0, 0)).toBe(1);
    expect(signTestUpper(0, 7)).toBe(1);
    expect(signTestUpper(8, 7)).toBe(0);
  });
  it('stays a probability for hundreds of changed queries and falls as losses grow', () => {
    let prev = 1;
    for (let k = 0; k <= 385; k++) {
      const p = signTestUpper(k, 385);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      expect(p).toBeLessThanOrEqual(prev + 1e-12);
      prev = p;
    }
    // symmetry: P(X ≥ k) + P(X ≥ n − k + 1) = 1
    expect(signTestUpper(26, 43) + signTestUpper(18, 43)).toBeCloseTo(1, 10);
  });
});

describe('compareRuns', () => {
  const root = mkdtempSync(join(tmpdir(), 'compare-runs-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const queries = ['a', 'b', 'c', 'd'];
  const write = (dir: string, missed: (set: string) => string[], askRight: number) => {
    mkdirSync(dir, { recursive: true });
    for (const s of SET_NAMES) {
      const misses = missed(s);
      const group = { r5: (queries.length - misses.length) / queries.length, n: queries.length, misses_at_5: misses.map((query) => ({ query })) };
      writeFileSync(join(dir, `${s}.json`), JSON.stringify({ qa: { n: 10, exact_match: askRight / 10 }, retrieval: { all_with_constraints: group, all_learned_only: group } }));
    }
  };
  it('counts each query that left or entered the top 5, set by set, and sums the rest', () => {
    write(join(root, 'base'), (s) => (s === 'set4' ? ['a'] : []), 8);
    write(join(root, 'run'), (s) => (s === 'set4' ? ['b'] : s === 'set9' ? ['c', 'd'] : []), 9);
    const c = compareRuns(join(root, 'base'), join(root, 'run'));
    expect(c.per_set.find((s) => s.set === 'set4')).toMatchObject({ lost: ['b'], gained: ['a'] });
    expect(c.per_set.find((s) => s.set === 'set9')).toMatchObject({ lost: ['c', 'd'], gained: [] });
    expect(c.learned).toEqual({ queries: 40, lost: 3, gained: 1, p_lost_outnumber: signTestUpper(3, 4) });
    expect(c.base).toEqual({ ask_right: 80, find_hits: 39, learned_hits: 39 });
    expect(c.run).toEqual({ ask_right: 90, find_hits: 37, learned_hits: 37 });
  });
  it('names the missing report', () => {
    expect(() => compareRuns(join(root, 'base'), join(root, 'nowhere'))).toThrow(/nowhere\/set1\.json: missing/);
  });
});

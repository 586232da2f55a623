/**
 * The leave-one-target-out protocol that fixes `recommended`'s form: candidates
 * fixed in advance, each held-out target's form picked on the others only.
 */
import { describe, expect, it } from 'vitest';
import { componentCandidates, formValues, leaveOneTargetOut, selectComponents, tauOf, type BenchTarget } from '../../scripts/recommended-selection.js';

const models = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'];
const truth = Object.fromEntries(models.map((m, i) => [m, i / 10]));
const up = Object.fromEntries(models.map((m, i) => [m, i])); // agrees with the truth
const down = Object.fromEntries(models.map((m, i) => [m, -i])); // disagrees
const target = (name: string, scores: Record<string, Record<string, number>>, task = 'classification'): BenchTarget => ({ name, task, truth, scores });

describe('componentCandidates', () => {
  it('every 1-, 2- and 3-subset of the pool, smaller first', () => {
    const c = componentCandidates(['a', 'b', 'c', 'd']);
    expect(c.length).toBe(4 + 6 + 4);
    expect(c[0]).toEqual(['a']);
    expect(c[4]).toEqual(['a', 'b']);
    expect(c.at(-1)).toEqual(['b', 'c', 'd']);
    expect(componentCandidates().length).toBe(6 + 15 + 20);
  });
});

describe('leaveOneTargetOut', () => {
  it('picks on the other targets only: a score that wins only on the held-out target is not picked for it', () => {
    const all = { probe: up, knn: down, ncti: down, nleep: down, etran: down, logme: down };
    const targets = [
      target('t1', all),
      target('t2', all),
      // On t3, knn is perfect and probe is wrong: its own figures must not steer its pick.
      target('t3', { ...all, probe: down, knn: up }),
    ];
    const sel = leaveOneTargetOut(targets);
    const t3 = sel.held_out.find((h) => h.target === 't3')!;
    expect(t3.components).toEqual(['probe']);
    expect(t3.tau_without_history).toBeCloseTo(-1, 12);
    expect(sel.held_out.find((h) => h.target === 't1')!.components).toEqual(['probe']);
    expect(sel.shipped.components).toEqual(['probe']);
  });
  it('with history, the other targets of the same task are the record, the target itself never', () => {
    const noisy = Object.fromEntries(models.map((m, i) => [m, [2, 0, 1, 5, 3, 4][i]!]));
    const scores = { probe: noisy, knn: noisy, ncti: noisy, nleep: noisy, etran: noisy, logme: noisy };
    const targets = [target('a', scores), target('b', scores), target('c', scores), target('d', scores, 'detection')];
    const sel = leaveOneTargetOut(targets);
    const a = sel.held_out.find((h) => h.target === 'a')!;
    expect(a.history_datasets).toBe(2);
    // The record (b, c share a's truth) is perfect, so any weight on it helps.
    expect(a.tau_with_history!).toBeGreaterThan(a.tau_without_history!);
    const d = sel.held_out.find((h) => h.target === 'd')!;
    expect(d.history_datasets).toBe(0);
    expect(d.tau_with_history).toBeNull();
    // The form's values with history never include the target's own truth.
    const v = formValues(targets[0]!, { components: ['probe'], kappa: 1 }, [targets[0]!]);
    expect(v).toEqual(formValues(targets[0]!, { components: ['probe'], kappa: 1 }, []));
  });
  it('selectComponents maximises the mean weighted τ; ties go to the smaller set', () => {
    const targets = [target('x', { probe: up, knn: up, ncti: down, nleep: down, etran: down, logme: down })];
    expect(selectComponents(targets).components).toEqual(['probe']);
    expect(tauOf(targets[0]!, up)).toBeCloseTo(1, 12);
  });
});

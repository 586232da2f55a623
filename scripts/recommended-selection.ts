/**
 * How `recommended` gets its form: leave-one-target-out (LOTO) on the
 * transferability benchmark, among candidates fixed here in advance.
 *
 * Candidates. Components: every set of 1 to 3 scores from CANDIDATE_POOL (the
 * target scores that need nothing but features and labels, so they exist for
 * classification and detection alike); history weight κ from KAPPAS.
 *
 * Procedure, for each held-out target t:
 *   1. components S_t = the candidate with the best mean weighted τ (against
 *      full fine-tuning) over the other targets, without history;
 *   2. κ_t = the value with the best mean weighted τ over the other targets of
 *      recommended(S_t, κ) with history, where a training target's history is
 *      the ground truth of the remaining targets of its task, t excluded;
 *   3. t's reported τ: recommended(S_t) without history, and recommended(S_t,
 *      κ_t) with the other targets of its task as history.
 * Ties go to the smaller set, then to candidate order. The shipped form
 * (recommended.ts RECOMMENDED_FORM) is what steps 1–2 pick on all targets. No
 * choice ever looks at the held-out target's own τ.
 */
import { weightedTau } from '../src/core/etran/correlation.js';
import { historyPrior, type HistoryRow } from '../src/core/etran/history.js';
import { recommendedCombine, type RecommendedForm } from '../src/core/etran/recommended.js';

export interface BenchTarget {
  name: string;
  task: string;
  truth: Record<string, number>;
  /** scores[metric][model] */
  scores: Record<string, Record<string, number>>;
}

export const CANDIDATE_POOL = ['probe', 'knn', 'ncti', 'nleep', 'etran', 'logme'];
export const KAPPAS = [0.5, 1, 2, 4];

/** Every subset of CANDIDATE_POOL with 1 to 3 members, smaller sets first, each in pool order. */
export function componentCandidates(pool: string[] = CANDIDATE_POOL): string[][] {
  const out: string[][] = [];
  for (let size = 1; size <= 3; size++) {
    const rec = (start: number, acc: string[]): void => {
      if (acc.length === size) return void out.push([...acc]);
      for (let i = start; i < pool.length; i++) rec(i + 1, [...acc, pool[i]!]);
    };
    rec(0, []);
  }
  return out;
}

/** History rows from other targets' ground truth (as a user's --history file would hold them). */
export function historyRows(targets: BenchTarget[]): HistoryRow[] {
  return targets.flatMap((t) => Object.entries(t.truth).map(([model, score]) => ({ model, dataset: t.name, score })));
}

/** recommended's values on one target for a form, with the given past targets as history (none: no history). */
export function formValues(target: BenchTarget, form: RecommendedForm, past: BenchTarget[]): Record<string, number | null> {
  const names = Object.keys(target.truth);
  const values = names.map((n) => new Map(form.components.map((c) => [c, target.scores[c]?.[n] ?? null] as [string, number | null])));
  const history = past.length > 0 ? historyPrior(historyRows(past), names, target.name) : undefined;
  const { values: v } = recommendedCombine(names, values, form, history);
  return Object.fromEntries(names.map((n, i) => [n, v[i]!]));
}

/** Weighted τ of a score map against the target's truth (null scores rank last; null when undefined). */
export function tauOf(target: BenchTarget, scores: Record<string, number | null>): number | null {
  const names = Object.keys(target.truth);
  return weightedTau(names.map((n) => scores[n] ?? Number.NaN), names.map((n) => target.truth[n]!));
}

function meanOrNull(xs: Array<number | null>): number | null {
  if (xs.length === 0 || xs.some((x) => x === null)) return null;
  return (xs as number[]).reduce((a, b) => a + b, 0) / xs.length;
}

/** The other targets of t's task among `pool`: t's history. */
function pastOf(t: BenchTarget, pool: BenchTarget[]): BenchTarget[] {
  return pool.filter((o) => o.task === t.task && o.name !== t.name);
}

/** Step 1: the component set with the best mean τ over `train` (no history). */
export function selectComponents(train: BenchTarget[], candidates = componentCandidates()): { components: string[]; mean_tau: number } {
  let best: { components: string[]; mean_tau: number } | null = null;
  for (const comps of candidates) {
    const m = meanOrNull(train.map((t) => tauOf(t, formValues(t, { components: comps, kappa: Infinity }, []))));
    if (m !== null && (best === null || m > best.mean_tau)) best = { components: comps, mean_tau: m };
  }
  if (!best) throw new Error('no candidate has a defined τ on every training target');
  return best;
}

/** Step 2: κ with the best mean τ over `train`, each training target's history being the rest of `train` of its task. */
export function selectKappa(train: BenchTarget[], components: string[]): { kappa: number; mean_tau: number } {
  let best: { kappa: number; mean_tau: number } | null = null;
  for (const kappa of KAPPAS) {
    const m = meanOrNull(train.map((t) => tauOf(t, formValues(t, { components, kappa }, pastOf(t, train)))));
    if (m !== null && (best === null || m > best.mean_tau)) best = { kappa, mean_tau: m };
  }
  if (!best) throw new Error('no κ has a defined τ on every training target');
  return best;
}

export interface HeldOut {
  target: string;
  task: string;
  components: string[];
  kappa: number;
  tau_without_history: number | null;
  tau_with_history: number | null;
  history_datasets: number;
}

export interface Selection {
  protocol: string;
  candidates: { components: string[][]; kappas: number[] };
  held_out: HeldOut[];
  shipped: { components: string[]; kappa: number; mean_tau_without_history: number; mean_tau_with_history: number };
}

export function leaveOneTargetOut(targets: BenchTarget[]): Selection {
  const held_out = targets.map((t): HeldOut => {
    const train = targets.filter((o) => o !== t);
    const { components } = selectComponents(train);
    const { kappa } = selectKappa(train, components);
    const past = pastOf(t, targets);
    return {
      target: t.name,
      task: t.task,
      components,
      kappa,
      tau_without_history: tauOf(t, formValues(t, { components, kappa: Infinity }, [])),
      tau_with_history: past.length > 0 ? tauOf(t, formValues(t, { components, kappa }, past)) : null,
      history_datasets: past.length,
    };
  });
  const c = selectComponents(targets);
  const k = selectKappa(targets, c.components);
  return {
    protocol: 'leave-one-target-out; components by mean weighted τ without history, then κ by mean weighted τ with the other targets of each task as history (scripts/recommended-selection.ts)',
    candidates: { components: componentCandidates(), kappas: KAPPAS },
    held_out,
    shipped: { components: c.components, kappa: k.kappa, mean_tau_without_history: c.mean_tau, mean_tau_with_history: k.mean_tau },
  };
}

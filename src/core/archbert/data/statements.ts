/**
 * True/false statements from an ArchSummary, built from claims ({slot,
 * value}); a statement's label is computed by evaluating its claims against
 * the summary, never assumed. Hard negatives take a true claim and swap its
 * value for a plausible wrong one from the same slot (batch norm → layer norm,
 * relu → gelu, 3x3 → 7x7, ResNet → ResNeXt, 11.7m → 117m parameters …),
 * keeping the rest true.
 */
import { ACTIVATIONS, NORMS } from '../../graph/categories.js';
import { BLOCK_KINDS, CONV_KINDS, POOLING, RECURRENT, type ArchSummary, type BlockKind } from '../facts/arch-summary.js';
import { FAMILY_KNOWLEDGE, familyInfo } from '../facts/family-knowledge.js';
import { COMMON_ACTS, COMMON_KERNELS, COMMON_NORMS, COMMON_TASKS } from './alternatives.js';
import { article, blockKey, say, taskWord } from './phrasing.js';
import { consistent, ideaWords, namedIdeas, plausibleAbsentIdeas, sayIdea } from './idea-text.js';
import type { Rng } from './rng.js';
import { KIND_CANON, KIND_WORDS, formatCount } from '../language/vocabulary.js';

export interface Statement {
  text: string;
  label: 0 | 1;
  hardNegative: boolean;
  template: string;
}

const BODY_ACTS = ACTIVATIONS.filter((a) => a !== 'softmax' && a !== 'log_softmax');

/** Slots whose claim is "it has value X" (or, negated, "it has no X"). */
type SetSlot = 'norm' | 'act' | 'pool' | 'conv' | 'rec' | 'kernel' | 'block' | 'idea';
type SetClaim = { slot: SetSlot; value: string; negated?: boolean };

export type Claim =
  | SetClaim
  | { slot: 'params'; value: number }
  | { slot: 'task'; value: string }
  | { slot: 'family'; value: string }
  | { slot: 'kind'; value: string }
  | { slot: 'layers'; value: number };

/**
 * Per set slot: the values the summary has, and the universe a wrong value is drawn from (alternatives.ts;
 * for design ideas, the named ideas of the summary's domains, so a wrong idea stays plausible).
 */
const SET_SLOTS: Record<SetSlot, { present: (s: ArchSummary) => string[]; universe: readonly string[] | ((s: ArchSummary) => readonly string[]) }> = {
  norm: { present: (s) => s.norms, universe: COMMON_NORMS },
  act: { present: (s) => s.activations, universe: COMMON_ACTS },
  pool: { present: (s) => s.pooling, universe: POOLING },
  conv: { present: (s) => s.convKinds, universe: CONV_KINDS },
  rec: { present: (s) => s.recurrent, universe: RECURRENT },
  kernel: { present: (s) => s.kernelSizes, universe: COMMON_KERNELS },
  block: { present: (s) => BLOCK_KINDS.filter((b) => s.blocks[b] > 0), universe: BLOCK_KINDS },
  idea: { present: namedIdeas, universe: plausibleAbsentIdeas },
};

const universeOf = (slot: SetSlot, s: ArchSummary): readonly string[] => {
  const u = SET_SLOTS[slot].universe;
  return typeof u === 'function' ? u(s) : u;
};

function isSetClaim(c: Claim): c is SetClaim {
  return Object.hasOwn(SET_SLOTS, c.slot);
}

/** Whether a claim holds for the summary: the single source of statement labels. */
export function claimHolds(s: ArchSummary, c: Claim): boolean {
  if (isSetClaim(c)) {
    const has = SET_SLOTS[c.slot].present(s).includes(c.value);
    return c.negated ? !has : has;
  }
  switch (c.slot) {
    case 'params':
      // "about X": within a factor of 1.25 either way.
      return s.params > 0 && c.value / s.params <= 1.25 && s.params / c.value <= 1.25;
    case 'task':
      return c.value === s.task;
    case 'family':
      return s.familyKey === c.value;
    case 'kind':
      return c.value === s.kind;
    case 'layers':
      return c.value === s.weightedLayers;
  }
}

function realize(c: Claim, rng: Rng, s: ArchSummary): string {
  switch (c.slot) {
    case 'norm':
    case 'act':
    case 'pool':
    case 'conv':
    case 'rec':
    case 'block': {
      const word = say(rng, c.slot === 'block' ? blockKey(c.value as BlockKind) : c.value).replace(/^(an?|the) /, '');
      const noun = c.slot === 'act' ? `${word}${/(activations?|units|\))$/.test(word) ? '' : ' activations'}` : word;
      return c.negated ? rng.pick([`does not use ${noun}`, `has no ${noun}`]) : rng.pick([`uses ${noun}`, `contains ${noun}`, `has ${noun}`]);
    }
    case 'kernel':
      return c.negated ? `has no ${c.value} convolutions` : rng.pick([`uses ${c.value} convolutions`, `has ${c.value} kernels`]);
    case 'idea': {
      // words the checkers read as true where the claim is true; any words where it is false
      const w = ideaWords(c.value, s, rng) ?? sayIdea(rng, c.value);
      return c.negated ? rng.pick([`does not use ${w}`, `has no ${w}`]) : rng.pick([`uses ${w}`, `is built with ${w}`, `has ${w}`, `relies on ${w}`]);
    }
    case 'params':
      return rng.pick([`has about ${formatCount(c.value)} parameters`, `has roughly ${formatCount(c.value)} parameters`, `counts about ${formatCount(c.value)} parameters`]);
    case 'task':
      return rng.pick([`is designed for ${taskWord(rng, c.value)}`, `is used for ${taskWord(rng, c.value)}`, `performs ${taskWord(rng, c.value)}`]);
    case 'family': {
      const d = FAMILY_KNOWLEDGE[c.value]?.display ?? c.value;
      return rng.pick([`belongs to the ${d} family`, `is ${article(d)} model`, `is a variant of ${d}`]);
    }
    case 'kind':
      return `is ${/^[aeiou]/.test(KIND_CANON[c.value]!) ? 'an' : 'a'} ${rng.pick(KIND_WORDS[c.value] ?? [c.value])}`;
    case 'layers':
      return `has ${c.value} weighted layers`;
  }
}

function statementText(claims: Claim[], rng: Rng, s: ArchSummary): string {
  const subject = rng.pick(['it', 'the network', 'this model', 'the architecture']);
  const parts = claims.map((c) => realize(c, rng, s));
  return `${subject} ${parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`}.`;
}

/** True claims the summary supports (the positive pool); rng draws the absent design ideas claimed absent. */
function trueClaims(s: ArchSummary, rng: Rng): Claim[] {
  const c: Claim[] = [];
  for (const v of s.norms) c.push({ slot: 'norm', value: v });
  for (const v of s.activations) c.push({ slot: 'act', value: v });
  for (const v of s.pooling) c.push({ slot: 'pool', value: v });
  for (const v of s.convKinds) c.push({ slot: 'conv', value: v });
  for (const v of s.recurrent) c.push({ slot: 'rec', value: v });
  for (const v of s.kernelSizes) c.push({ slot: 'kernel', value: v });
  for (const b of BLOCK_KINDS) if (s.blocks[b] > 0) c.push({ slot: 'block', value: b });
  if (s.params > 0) c.push({ slot: 'params', value: s.params });
  c.push({ slot: 'task', value: s.task });
  if (s.familyKey && FAMILY_KNOWLEDGE[s.familyKey]) c.push({ slot: 'family', value: s.familyKey });
  c.push({ slot: 'kind', value: s.kind });
  if (s.weightedLayers > 0) c.push({ slot: 'layers', value: s.weightedLayers });
  // True statements of absence, for balance ("has no attention").
  for (const b of ['residual', 'attention'] as const) if (s.blocks[b] === 0) c.push({ slot: 'block', value: b, negated: true });
  if (s.norms.length === 0) c.push({ slot: 'norm', value: 'batch_norm', negated: true });
  // Design ideas found in the graph, and one plausible idea it lacks ("has no channel shuffle").
  for (const id of namedIdeas(s)) c.push({ slot: 'idea', value: id });
  const absent = s.ideas ? plausibleAbsentIdeas(s) : [];
  if (absent.length) c.push({ slot: 'idea', value: rng.pick(absent), negated: true });
  return c;
}

/** The same claim with its value swapped for a plausible wrong one (null if none is wrong). */
function swap(s: ArchSummary, c: Claim, rng: Rng, avoid: readonly string[]): Claim | null {
  const alt = (universe: readonly string[], used: string[]) => {
    const cands = universe.filter((u) => !used.includes(u));
    return cands.length ? rng.pick(cands) : null;
  };
  if (isSetClaim(c)) {
    const used = SET_SLOTS[c.slot].present(s);
    // "has no attention" → "has no batch norm" where batch norm IS used.
    if (c.negated) return used.length ? { slot: c.slot, value: rng.pick(used), negated: true } : null;
    const v = alt(universeOf(c.slot, s), used);
    return v ? { slot: c.slot, value: v } : null;
  }
  switch (c.slot) {
    case 'params': {
      // A different order of magnitude, or a factor of 2.5–4: never "about" right.
      const f = rng.pick([0.1, 0.25, 0.3, 2.5, 3, 4, 10]);
      return { slot: 'params', value: Math.max(1000, Math.round(s.params * f)) };
    }
    case 'task': {
      const v = alt(COMMON_TASKS, [s.task]);
      return v ? { slot: 'task', value: v } : null;
    }
    case 'family': {
      const rel = familyInfo(c.value)?.related.filter((r) => r !== s.familyKey && !avoid.includes(r)) ?? [];
      return rel.length ? { slot: 'family', value: rng.pick(rel) } : null;
    }
    case 'kind': {
      const v = alt(Object.keys(KIND_CANON), [s.kind]);
      return v ? { slot: 'kind', value: v } : null;
    }
    case 'layers': {
      const d = rng.pick([-3, -2, 2, 3, 5, 8]);
      const v = Math.max(1, s.weightedLayers + d * Math.max(1, Math.round(s.weightedLayers / 20)));
      return v === s.weightedLayers ? null : { slot: 'layers', value: v };
    }
  }
}

/** Easy negatives: claims far from the architecture (a recurrent layer in a CNN, …). */
function easyNegative(s: ArchSummary, rng: Rng): Claim | null {
  const cands: Claim[] = [];
  for (const r of RECURRENT) if (!s.recurrent.includes(r)) cands.push({ slot: 'rec', value: r });
  for (const n of NORMS) if (!s.norms.includes(n)) cands.push({ slot: 'norm', value: n });
  for (const a of BODY_ACTS) if (!s.activations.includes(a)) cands.push({ slot: 'act', value: a });
  return cands.length ? rng.pick(cands) : null;
}

export interface StatementOptions {
  /** Family keys never used as a wrong family (held-out names must not leak into training text). */
  avoidFamilies?: readonly string[];
}

/**
 * `count` statements, about half true. Each negative is a true statement with
 * one claim swapped (hard) or a single far-off claim (easy, ~1 in 4).
 * Labels are re-evaluated from the claims, so a swap that happens to be true
 * is labelled true.
 */
export function statements(s: ArchSummary, rng: Rng, count: number, opts: StatementOptions = {}): Statement[] {
  const avoid = opts.avoidFamilies ?? [];
  const pool = trueClaims(s, rng);
  const out: Statement[] = [];
  const seen = new Set<string>();
  for (let tries = 0; out.length < count && tries < count * 6; tries++) {
    const nClaims = rng.chance(0.35) ? 2 : 1;
    const claims = rng.sample(pool, nClaims);
    if (!claims.length) break;
    // A claim of absence stands alone: a sentence with a negation is read whole as one ("has 3x3 kernels and has no X").
    if (claims.length > 1 && claims.some((c) => isSetClaim(c) && c.negated)) claims.splice(1);
    const wantFalse = out.length % 2 === 1;
    let hard = false;
    let template = claims.map((c) => c.slot).join('+');
    if (wantFalse) {
      if (rng.chance(0.25)) {
        const e = easyNegative(s, rng);
        if (!e) continue;
        claims.splice(0, claims.length, e);
        template = `easy:${e.slot}`;
      } else {
        const k = rng.int(0, claims.length - 1);
        const swapped = swap(s, claims[k]!, rng, avoid);
        if (!swapped) continue;
        claims[k] = swapped;
        hard = true;
        template = `swap:${swapped.slot}`;
      }
    }
    const label = claims.every((c) => claimHolds(s, c)) ? 1 : 0;
    const text = statementText(claims, rng, s);
    if (seen.has(text)) continue;
    // An idea's words may hold a feature word the other facts deny ("has no skip connections to the output"
    // beside residual connections): such a true statement would read as false, so it is not made.
    if (label === 1 && claims.some((c) => c.slot === 'idea') && !consistent(text, s)) continue;
    seen.add(text);
    out.push({ text, label, hardNegative: hard && label === 0, template });
  }
  return out;
}

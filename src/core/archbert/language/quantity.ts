/**
 * Stated comparisons of a countable quantity: "fewer than 20 SE blocks",
 * "graph depth above 200", "at least 3 pooling layers", "under 1G MACs",
 * "exactly 12 attention blocks", "50 weighted layers or more".
 *
 * Shared by `find` (a hard constraint) and `ask` (a statement to check), so
 * both read a count the same way. Parameter bounds are not handled here
 * (constraints.ts's parameter parser owns them, with its ranges). Unit
 * words ("1g", "25 mil") are units.ts's, as everywhere.
 */
import type { ArchSummary } from '../facts/arch-summary.js';
import { BLOCK_KINDS, CONV_KINDS, POOLING, RECURRENT } from '../facts/arch-summary.js';
import { featurePhrases, layerCount } from './feature-phrases.js';
import { UNITS, unitScale } from './units.js';
import { NORMS } from '../../graph/categories.js';
import { table } from '../../graph/formats/table.js';

export type Comparator = '<' | '<=' | '>' | '>=' | '=';

/** `what`: a feature key (as featurePhrases gives), or 'depth' | 'layers' | 'macs' | 'flops'. */
export interface QuantityConstraint {
  kind: 'quantity';
  what: string;
  cmp: Comparator;
  value: number;
  text: string;
}

const CMP_WORDS: Array<[RegExp, Comparator]> = [
  [/^(?:no more than|not more than|at most|up to|a maximum of|max(?:imum)?(?: of)?|<=|≤)$/, '<='],
  [/^(?:no fewer than|no less than|not fewer than|not less than|at least|a minimum of|min(?:imum)?(?: of)?|>=|≥)$/, '>='],
  [/^(?:fewer than|less than|under|below|smaller than|lower than|<)$/, '<'],
  [/^(?:more than|over|above|greater than|larger than|higher than|bigger than|exceeding|in excess of|>|deeper than)$/, '>'],
  [/^(?:exactly|precisely|equal to|=)$/, '='],
];
const CMP = String.raw`(no more than|not more than|at most|up to|a maximum of|maximum of|max|no fewer than|no less than|not fewer than|not less than|at least|a minimum of|minimum of|min|fewer than|less than|under|below|smaller than|lower than|more than|over|above|greater than|larger than|higher than|bigger than|exceeding|in excess of|deeper than|exactly|precisely|equal to|<=|>=|≤|≥|<|>|=)`;
const NUM = String.raw`(\d+(?:[.,]\d+)?)\s*(${UNITS})?`;
const WORDS: Record<string, number> = table({ one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, twenty: 20, fifty: 50, hundred: 100 });

function comparator(word: string): Comparator | null {
  const w = word.trim();
  return CMP_WORDS.find(([re]) => re.test(w))?.[1] ?? null;
}

/** The metric a noun names right at the start of `tail` ("weighted layers", "gmacs"), with the unit folded in. */
function metricNoun(tail: string): { what: string; scale: number; len: number } | null {
  const m = /^(?:weighted |total |conv(?:olution)?\/linear )?(layers?|macs?|gmacs?|mmacs?|multiply-?accumulates?|flops|gflops|mflops|tflops)(?![a-z0-9])/.exec(tail);
  if (!m) return null;
  const w = m[1]!;
  const prefix = /^g/.test(w) ? 1e9 : /^m(?!acs?$)(?=flops|macs)/.test(w) ? 1e6 : /^t/.test(w) ? 1e12 : 1;
  const what = /layer/.test(w) ? 'layers' : /flops/.test(w) ? 'flops' : 'macs';
  return { what, scale: prefix, len: m[0].length };
}

/** Keys a count can be read for (presence-only keys such as "kernel:…" or "kind:…" cannot be counted). */
function countableKey(key: string): boolean {
  return !/^(kernel|stem|kind|count):/.test(key) && !['bidirectional', 'unidirectional', 'hierarchical', 'lightweight'].includes(key);
}

/** What is counted at the start of `tail` (a metric noun or a countable feature phrase) and how long its words are. */
function countedNoun(tail: string): { what: string; scale: number; len: number; phrase: string } | null {
  const metric = metricNoun(tail);
  if (metric) return { ...metric, phrase: tail.slice(0, metric.len) };
  const first = featurePhrases(tail)[0];
  return first && first.start === 0 && countableKey(first.key) ? { what: first.key, scale: 1, len: first.end, phrase: first.phrase } : null;
}

/** The quantity a metric phrase names ("graph depth", "number of layers", "gflops"). */
function metricOf(noun: string): 'depth' | 'layers' | 'flops' | 'macs' {
  return /depth|longest/.test(noun) ? 'depth' : /layer/.test(noun) ? 'layers' : /flops/.test(noun) ? 'flops' : 'macs';
}

/** Every stated quantity comparison in a lower-cased query or question. */
export function parseQuantities(text: string): QuantityConstraint[] {
  const q = spelledAmounts(text.toLowerCase().replace(/\s+/g, ' '));
  const out: QuantityConstraint[] = [];
  const push = (what: string, cmp: Comparator, value: number, t: string) => {
    if (Number.isFinite(value) && !out.some((o) => o.what === what && o.cmp === cmp && o.value === value)) out.push({ kind: 'quantity', what, cmp, value, text: t.trim() });
  };
  const read = (num: string, unit: string | undefined) => (WORDS[num] ?? Number(num.replace(',', '.'))) * unitScale(unit);
  const NUMW = String.raw`(\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|fifty|hundred)\s*(${UNITS})?`;

  // "fewer than 20 SE blocks", "at least 3 pooling layers", "under 1g macs", "deeper than 100 layers".
  for (const m of q.matchAll(new RegExp(String.raw`(?<![a-z])${CMP}\s*~?\s*${NUMW}\s+(?:(?:weighted|separate|distinct|individual|total)\s+)?`, 'g'))) {
    const cmp = comparator(m[1]!);
    if (!cmp) continue;
    const tail = q.slice(m.index! + m[0].length);
    if (/^(?:trainable\s+)?(?:parameters|params|weights)\b/.test(tail) || /^(?:ms|mb|gb|kb|%|percent|x\d)/.test(tail)) continue;
    const value = read(m[2]!, m[3]);
    if (m[1] === 'deeper than') {
      push('depth', cmp, value, m[0] + (/^layers?\b/.exec(tail)?.[0] ?? ''));
      continue;
    }
    const noun = countedNoun(tail);
    // A unit ("under 5m …") goes with MACs / FLOPs, not with a count of layers or blocks.
    if (noun && (noun.scale !== 1 || noun.what === 'macs' || noun.what === 'flops' || !m[3])) push(noun.what, cmp, value * noun.scale, m[0] + noun.phrase);
  }
  // Count ranges: "25 to 35 MBConv blocks", "15-20 SE modules", "between 10 and 20 attention blocks".
  for (const m of q.matchAll(new RegExp(String.raw`(?<![\w.,])(?:between\s+|from\s+)?(\d+)\s*(?:-|–|to|and)\s*(\d+)\s+(?:(?:weighted|total)\s+)?`, 'g'))) {
    const lo = Number(m[1]);
    const hi = Number(m[2]);
    if (!(lo < hi) || (/\band\b/.test(m[0]) && !/^between/.test(m[0]))) continue;
    const noun = countedNoun(q.slice(m.index! + m[0].length));
    if (!noun || noun.scale !== 1) continue;
    push(noun.what, '>=', lo, m[0] + noun.phrase);
    push(noun.what, '<=', hi, m[0] + noun.phrase);
  }
  // "depth is between 105 and 115", "number of layers from 50 to 100", "macs between 1g and 5g".
  const METRIC_RANGE = String.raw`(graph depth|network depth|depth|longest path|number of (?:weighted )?layers|layer count|weighted layers|macs|flops)\s+(?:is\s+|of\s+|:\s*)?(?:between|from|in the range)\s+${NUM}\s*(?:and|to|-|–)\s*${NUM}`;
  for (const m of q.matchAll(new RegExp(METRIC_RANGE, 'g'))) {
    const what = metricOf(m[1]!);
    push(what, '>=', read(m[2]!, m[3] ?? m[5]), m[0]);
    push(what, '<=', read(m[4]!, m[5]), m[0]);
  }
  // "depth above 200", "graph depth > 100", "a depth of at least 50", "number of layers over 50", "macs under 1g".
  const METRIC = String.raw`(graph depth|network depth|depth|longest path|number of (?:weighted )?layers|layer count|weighted layers|layers|total layers|macs|mac count|gmacs|flops|gflops|compute)`;
  for (const m of q.matchAll(new RegExp(String.raw`${METRIC}\s+(?:is\s+|of\s+|:\s*)?${CMP}\s*~?\s*${NUM}\s*(g?macs?|g?flops)?`, 'g'))) {
    const cmp = comparator(m[2]!);
    if (!cmp) continue;
    const noun = m[1]!;
    const what = metricOf(`${noun} ${m[5] ?? ''}`);
    let value = read(m[3]!, m[4]);
    if (/^g(macs|flops)/.test(noun) || /^g/.test(m[5] ?? '')) value *= 1e9;
    push(what, cmp, value, m[0]);
  }
  // "50 weighted layers or more", "20+ se blocks", "3 attention blocks or fewer".
  for (const m of q.matchAll(new RegExp(String.raw`(?<![\w.,x×-])${NUMW}(\+)?\s+(?:(?:weighted|total)\s+)?`, 'g'))) {
    const tail = q.slice(m.index! + m[0].length);
    const noun = countedNoun(tail);
    if (!noun) continue;
    const after = /^\s*(or more|or greater|or above|or higher|or fewer|or less|or below|at least|at most|max(?:imum)?|min(?:imum)?)\b/.exec(tail.slice(noun.len));
    const cmp: Comparator | null = m[3] ? '>=' : after ? (/more|greater|above|higher|least|min/.test(after[1]!) ? '>=' : '<=') : null;
    if (!cmp) continue;
    push(noun.what, cmp, read(m[1]!, m[2]) * noun.scale, m[0] + noun.phrase + (after?.[0] ?? ''));
  }
  return out;
}

/** "half a billion" → "0.5 billion", "a million" → "1 million", "a quarter of a billion" → "0.25 billion". */
export function spelledAmounts(q: string): string {
  return q
    .replace(/\b(?:a )?half (?:of )?an? (thousand|million|billion)\b/g, '0.5 $1')
    .replace(/\b(?:a )?quarter (?:of )?an? (thousand|million|billion)\b/g, '0.25 $1')
    .replace(/\b(?:a|one) (thousand|million|billion)\b/g, '1 $1');
}

/** "it has 20 SE blocks", "contains 12 attention blocks": a bare count stated for a countable feature (read as "exactly"). */
export function parseStatedCounts(text: string): QuantityConstraint[] {
  const q = text.toLowerCase().replace(/\s+/g, ' ');
  const out: QuantityConstraint[] = [];
  for (const m of q.matchAll(/(?:^|\b(?:has|have|having|with|contains?|containing|uses?|using|includes?|including|of|only|just)\s+)(\d+)\s+(?!x\d)/g)) {
    const tail = q.slice(m.index! + m[0].length);
    const first = featurePhrases(tail)[0];
    if (!first || first.start !== 0 || !countableKey(first.key)) continue;
    out.push({ kind: 'quantity', what: first.key, cmp: '=', value: Number(m[1]), text: `${m[1]} ${first.phrase}` });
  }
  return out;
}

const BLOCK_KEYS = new Set<string>([...BLOCK_KINDS, 'attention_block']);

/** The count a quantity refers to, from the facts; null when the facts cannot count it. */
export function quantityOf(s: ArchSummary, what: string): number | null {
  const ops = (cats: readonly string[]) => cats.reduce((a, c) => a + (s.ops[c] ?? 0), 0);
  switch (what) {
    case 'depth':
      return s.depth;
    case 'layers':
      return s.weightedLayers;
    case 'macs':
      return s.macs;
    case 'flops':
      return s.macs === null ? null : 2 * s.macs;
    case 'attention':
    case 'attention_block':
      return layerCount(s, 'attention');
    case 'normalization':
      return ops(NORMS);
    case 'conv':
      return ops(CONV_KINDS);
    case 'recurrent':
      return ops(RECURRENT);
    case 'pooling':
      return ops(POOLING);
  }
  if (BLOCK_KEYS.has(what)) return s.blocks[what as keyof ArchSummary['blocks']] ?? 0;
  return what in s.ops || /^[a-z_0-9]+$/.test(what) ? s.ops[what] ?? 0 : null;
}

export function compare(x: number, cmp: Comparator, value: number): boolean {
  switch (cmp) {
    case '<':
      return x < value;
    case '<=':
      return x <= value;
    case '>':
      return x > value;
    case '>=':
      return x >= value;
    case '=':
      return x === value;
  }
}

export function quantityHolds(s: ArchSummary, c: QuantityConstraint): boolean | null {
  const x = quantityOf(s, c.what);
  return x === null ? null : compare(x, c.cmp, c.value);
}

export const CMP_TEXT: Record<Comparator, string> = { '<': 'fewer than', '<=': 'at most', '>': 'more than', '>=': 'at least', '=': 'exactly' };

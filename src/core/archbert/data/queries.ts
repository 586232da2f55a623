/**
 * Facts → queries: short search-style phrases naming 1–3 attributes. Each
 * phrase carries the test of what it states, so the dataset can list every
 * graph a query fits (its relevant set for retrieval), not just the one it
 * came from. Words as in the captions (phrasing.ts).
 */
import { BLOCK_KINDS, type ArchSummary } from '../facts/arch-summary.js';
import type { Rng } from './rng.js';
import { KIND_WORDS, formatCount, paramRange } from '../language/vocabulary.js';
import { STAGE_BLOCK_WORDS, blockKey, blocksPresent, familyName, kindWord, list, safeVariant, say, sizeWord, taskWord } from './phrasing.js';
import { consistent, ideaPresent, ideaWords, keyIdeas } from './idea-text.js';

/** A piece of a query and the condition it puts on an architecture. */
export interface Phrase {
  text: string;
  fits: (o: ArchSummary) => boolean;
}
type QueryPart = (s: ArchSummary, rng: Rng) => Phrase | null;

/** Whether a key the qWith phrase can name (block, norm, activation, recurrent, conv kind, pooling) is present. */
function present(o: ArchSummary, key: string): boolean {
  return (
    blocksPresent(o).includes(key) ||
    o.norms.includes(key) ||
    o.activations.includes(key) ||
    o.recurrent.includes(key) ||
    o.convKinds.includes(key) ||
    o.pooling.includes(key)
  );
}

const qKind: QueryPart = (s, rng) => {
  const word = kindWord(rng, s);
  return { text: word, fits: (o) => (KIND_WORDS[o.kind] ?? ['network']).includes(word) };
};
const qTask: QueryPart = (s, rng) => ({ text: `for ${taskWord(rng, s.task)}`, fits: (o) => o.task === s.task });
const qFamily: QueryPart = (s, rng) => {
  const f = familyName(s);
  const variant = safeVariant(s) ?? '';
  if (!f) return null;
  const text = rng.pick([f, `${f} model`, `${f}-style network`, `${f} ${variant}`.trim()]);
  const namesVariant = variant !== '' && text === `${f} ${variant}`;
  return { text, fits: (o) => familyName(o) === f && (!namesVariant || safeVariant(o) === variant) };
};
/** "about 50.2m parameters" fits within ±5 % of the stated count; a size word fits every range that uses it. */
const qSize: QueryPart = (s, rng) => {
  const about = (o: ArchSummary) => Math.abs(o.params - s.params) <= 0.05 * s.params;
  const word = sizeWord(rng, s); // drawn before the pick, as the grammar always has (same random stream)
  return rng.pick<Phrase>([
    { text: `with about ${formatCount(s.params)} parameters`, fits: about },
    { text: `around ${formatCount(s.params)} params`, fits: about },
    { text: word, fits: (o) => paramRange(o.params).size.includes(word) },
  ]);
};
const qWith: QueryPart = (s, rng) => {
  const things = [
    ...blocksPresent(s),
    ...s.norms,
    ...s.activations,
    ...s.recurrent,
    ...s.convKinds.filter((c) => c !== 'conv'),
    ...s.pooling.filter((p) => p === 'max_pool' || p === 'avg_pool'),
  ];
  if (!things.length) return null;
  const pick = rng.sample(things, rng.int(1, Math.min(2, things.length)));
  return { text: `with ${list(pick.map((k) => say(rng, k).replace(/^(an?|the) /, '')), rng)}`, fits: (o) => pick.every((k) => present(o, k)) };
};
const qKernel: QueryPart = (s, rng) => {
  if (!s.kernelSizes.length) return null;
  const k = rng.pick(s.kernelSizes);
  return { text: `using ${k} convolutions`, fits: (o) => o.kernelSizes.includes(k) };
};
const qDepth: QueryPart = (s, rng) =>
  s.weightedLayers
    ? { text: rng.pick([`${s.weightedLayers} layers`, `with ${s.weightedLayers} weighted layers`]), fits: (o) => o.weightedLayers === s.weightedLayers }
    : null;
const qGen: QueryPart = (s, rng) => {
  const g = s.generated;
  if (!g) return null;
  const same = (keys: Array<'style' | 'cells' | 'blockKind'>) => (o: ArchSummary) => o.generated !== null && keys.every((k) => o.generated![k] === g[k]);
  if (g.style === 'cell') return { text: rng.pick([`${g.cells}-cell network`, `cell network with ${g.cells} cells`, `darts-like net, ${g.cells} cells`]), fits: same(['style', 'cells']) };
  if (g.style === 'stage') return { text: `${g.cells} ${STAGE_BLOCK_WORDS[g.blockKind ?? ''] ?? 'blocks'}`, fits: same(['style', 'cells', 'blockKind']) };
  if (g.style === 'vit')
    return g.blockKind === 'windowed'
      ? { text: `hierarchical window-attention vision transformer`, fits: same(['style', 'blockKind']) }
      : { text: `${g.cells}-layer vision transformer`, fits: same(['style', 'cells']) };
  if (g.style === 'mixer') return { text: `${g.cells}-layer mlp-mixer`, fits: same(['style', 'cells']) };
  if (g.style === 'dense_prediction') return { text: g.blockKind === 'unet' ? 'u-net-like encoder-decoder' : g.blockKind === 'deeplab' ? 'deeplab-like segmenter' : 'super-resolution network', fits: same(['style', 'blockKind']) };
  if (g.style === 'temporal_conv') return { text: `${g.cells}-layer ${g.blockKind === 'wavenet' ? 'wavenet-like' : 'temporal conv'} network`, fits: same(['style', 'cells', 'blockKind']) };
  if (g.style === 'transformer') return { text: `${g.cells}-layer ${g.blockKind} transformer`, fits: same(['style', 'cells', 'blockKind']) };
  return { text: `${g.cells}-layer ${g.blockKind}`, fits: same(['style', 'cells', 'blockKind']) };
};

/**
 * Round bounds people search by ("under 10m parameters", "more than 50 layers",
 * "between 5m and 20m params"). A bound is drawn only with a margin (the
 * graph at least 10 % inside it), so a graph on the edge never defines one.
 */
const PARAM_STEPS = [1e5, 2e5, 5e5, 1e6, 2e6, 3e6, 5e6, 1e7, 2e7, 3e7, 5e7, 1e8, 2e8, 3e8, 5e8, 1e9, 2e9];
const LAYER_STEPS = [5, 10, 15, 20, 30, 40, 50, 75, 100, 150, 200, 300];
/**
 * The two round steps just above and just below n that keep the margin: 10 % of n, and for counts at
 * least `gap` (one block) more, so a bound drawn from them never sits on the graph's own value.
 */
function stepsAround(steps: readonly number[], n: number, gap = 0): { above: number[]; below: number[] } {
  return {
    above: steps.filter((v) => v >= Math.max(n + gap, n * 1.1)).slice(0, 2),
    below: steps.filter((v) => v <= Math.min(n - gap, n / 1.1)).slice(-2),
  };
}
const sayMillions = (n: number, rng: Rng) => (n >= 1e6 && rng.chance(0.3) ? `${formatCount(n).replace(/m$/, '')} million` : formatCount(n));
const qSizeBound: QueryPart = (s, rng) => {
  const { above, below } = stepsAround(PARAM_STEPS, s.params);
  const noun = () => rng.pick(['parameters', 'params']);
  const forms: Array<() => Phrase | null> = [
    () => {
      if (!above.length) return null;
      const hi = rng.pick(above);
      return { text: `${rng.pick(['under', 'below', 'fewer than', 'less than', 'at most'])} ${sayMillions(hi, rng)} ${noun()}`, fits: (o) => o.params < hi };
    },
    () => {
      if (!below.length) return null;
      const lo = rng.pick(below);
      return { text: `${rng.pick(['over', 'above', 'more than', 'at least'])} ${sayMillions(lo, rng)} ${noun()}`, fits: (o) => o.params > lo };
    },
    () => {
      if (!above.length || !below.length) return null;
      const lo = rng.pick(below);
      const hi = rng.pick(above);
      return { text: `between ${formatCount(lo)} and ${formatCount(hi)} ${noun()}`, fits: (o) => o.params > lo && o.params < hi };
    },
  ];
  return rng.pick(forms)();
};
const qDepthBound: QueryPart = (s, rng) => {
  if (!s.weightedLayers) return null;
  const n = s.weightedLayers;
  const noun = rng.pick(['layers', 'weighted layers']);
  const { above, below } = stepsAround(LAYER_STEPS, n);
  if (rng.chance(0.5)) {
    const hi = above[0];
    return hi === undefined ? null : { text: `${rng.pick(['fewer than', 'under', 'less than'])} ${hi} ${noun}`, fits: (o) => o.weightedLayers > 0 && o.weightedLayers < hi };
  }
  const lo = below.at(-1);
  return lo === undefined ? null : { text: `${rng.pick(['more than', 'over', 'at least'])} ${lo} ${noun}`, fits: (o) => o.weightedLayers > lo };
};

/**
 * Bounds on a block count ("more than 20 se blocks", "between 10 and 20 inverted residual blocks"), drawn
 * with the same margin as the layer bounds (and at least one block off), so a graph on the edge never
 * defines one; "at least", "at most" and ranges include their ends. Why: people bound block counts when
 * they search, and the training text only ever stated exact ones. Feature pyramids are not counted in
 * text (a graph has one or none).
 */
const BLOCK_STEPS = [2, 3, 4, 5, 6, 8, 10, 12, 15, 16, 20, 24, 25, 30, 40, 50, 75, 100, 150, 200];
const COUNTED_BLOCKS = BLOCK_KINDS.filter((b) => b !== 'feature_pyramid');
const qBlockBound: QueryPart = (s, rng) => {
  const kinds = COUNTED_BLOCKS.filter((b) => s.blocks[b] > 0);
  if (!kinds.length) return null;
  const kind = rng.pick(kinds);
  const n = s.blocks[kind];
  const noun = say(rng, blockKey(kind)).replace(/^(an?|the) /, '');
  const { above, below } = stepsAround(BLOCK_STEPS, n, 1);
  const count = (o: ArchSummary) => o.blocks[kind];
  const forms: Array<() => Phrase | null> = [
    () => {
      if (!above.length) return null;
      const hi = rng.pick(above);
      const word = rng.pick(['fewer than', 'under', 'less than', 'at most']);
      const within = word === 'at most' ? (c: number) => c <= hi : (c: number) => c < hi;
      return { text: `${word} ${hi} ${noun}`, fits: (o) => count(o) > 0 && within(count(o)) };
    },
    () => {
      if (!below.length) return null;
      const lo = rng.pick(below);
      const word = rng.pick(['more than', 'over', 'at least']);
      return { text: `${word} ${lo} ${noun}`, fits: (o) => (word === 'at least' ? count(o) >= lo : count(o) > lo) };
    },
    () => {
      if (!above.length || !below.length) return null;
      const lo = rng.pick(below);
      const hi = rng.pick(above);
      return { text: `${rng.pick([`between ${lo} and`, `from ${lo} to`])} ${hi} ${noun}`, fits: (o) => count(o) >= lo && count(o) <= hi };
    },
  ];
  return rng.pick(forms)();
};

/** Features people exclude in a search ("without batch norm", "no attention"): one the graph does not have. */
const ABSENT_CANDIDATES = [
  'batch_norm', 'layer_norm', 'group_norm', 'gelu', 'silu', 'hard_swish', 'max_pool', 'avg_pool',
  'depthwise_conv', 'grouped_conv', 'dilated_conv', 'transposed_conv', 'lstm', 'gru',
  'residual', 'depthwise_separable', 'squeeze_excitation', 'attention_block', 'inverted_residual', 'feature_pyramid',
];
const qWithout: QueryPart = (s, rng) => {
  const absent = ABSENT_CANDIDATES.filter((k) => !present(s, k));
  if (!absent.length) return null;
  const k = rng.pick(absent);
  const w = say(rng, k).replace(/^(an?|the) /, '');
  // Said last, after a comma or "but": a negation reads (and is checked) up to the end of its clause.
  return { text: `${rng.pick([', without', ', with no', ', no', 'but no', 'but without'])} ${w}`, fits: (o) => !present(o, k) };
};

/** A key design idea found in the graph ("with channel shuffle", "built from fire modules"): fits every graph that shows it. */
const qIdea: QueryPart = (s, rng) => {
  const key = keyIdeas(s);
  if (!key.length) return null;
  const id = rng.pick(key);
  const w = ideaWords(id, s, rng);
  if (w === null) return null;
  const text = rng.pick([`with ${w}`, `using ${w}`, `built from ${w}`, `based on ${w}`]);
  return consistent(text, s) ? { text, fits: (o) => ideaPresent(o, id) } : null;
};

/** One query and the test every architecture it describes passes (the source architecture always does). */
export function queryPhrase(s: ArchSummary, rng: Rng): Phrase {
  const head = (s.family && rng.chance(0.6) ? qFamily(s, rng) : null) ?? (s.generated && rng.chance(0.4) ? qGen(s, rng) : null) ?? qKind(s, rng)!;
  // One size part at most (an exact count and a bound together read oddly); negations and bounds as often as the rest.
  const size = rng.chance(0.5) ? qSize : qSizeBound;
  const depth = rng.chance(0.5) ? qDepth : qDepthBound;
  const without = qWithout(s, rng);
  const mods = [qTask, size, qWith, qKernel, depth, qIdea, qBlockBound].map((f) => f(s, rng)).concat(without).filter((x): x is Phrase => x !== null);
  const chosen = rng.sample(mods, rng.int(1, Math.min(3, mods.length))).sort((a, b) => Number(a === without) - Number(b === without));
  const lead = rng.chance(0.3) ? rng.pick(['a ', 'an architecture: ', 'find a ', 'show me a ', 'model: ']) : '';
  const parts = [head, ...chosen];
  return { text: `${lead}${parts.map((p) => p.text).join(' ')}`.replace(/\s+/g, ' ').replace(/ ,/g, ',').trim(), fits: (o) => parts.every((p) => p.fits(o)) };
}

export function query(s: ArchSummary, rng: Rng): string {
  return queryPhrase(s, rng).text;
}

/** Up to `count` distinct queries for one architecture, with their tests. */
export function queries(s: ArchSummary, rng: Rng, count: number): Phrase[] {
  const out = new Map<string, Phrase>();
  for (let i = 0; out.size < count && i < count * 4; i++) {
    const p = queryPhrase(s, rng);
    if (!out.has(p.text)) out.set(p.text, p);
  }
  return [...out.values()];
}

/**
 * Question–answer pairs and true/false statements from an ArchSummary.
 *
 * QA: each template has several phrasings and a multi-label answer set of
 * canonical strings (vocabulary-text.ts); "none" when the asked-about thing is
 * absent. Statements: built from claims ({slot, value}); a statement's label
 * is computed by evaluating its claims against the summary, never assumed.
 * Hard negatives take a true claim and swap its value for a plausible wrong
 * one from the same slot (batch norm → layer norm, relu → gelu, 3x3 → 7x7,
 * ResNet → ResNeXt, 11.7m → 117m parameters …), keeping the rest true.
 */
import { ACTIVATIONS, NORMS } from '../../graph/categories.js';
import { CONV_KINDS, POOLING, RECURRENT, type ArchSummary, type BlockKind } from '../facts/arch-summary.js';
import { article, say, taskWord } from './describe-text.js';
import { FAMILY_KNOWLEDGE, familyInfo } from '../facts/family-knowledge.js';
import { Rng } from './rng.js';
import { KIND_CANON, KIND_WORDS, LIGHTWEIGHT_MAX, canon, formatCount, layerBucket, paramRange, PARAM_RANGES } from '../language/vocabulary.js';

export interface QAPair {
  question: string;
  answers: string[];
  /** The answer is a family name (scored on the in-distribution split only). */
  familyQuestion: boolean;
  template: string;
}

export interface Statement {
  text: string;
  label: 0 | 1;
  hardNegative: boolean;
  template: string;
}

const BODY_ACTS = ACTIVATIONS.filter((a) => a !== 'softmax' && a !== 'log_softmax');
const BLOCKS: BlockKind[] = ['residual', 'depthwise_separable', 'squeeze_excitation', 'attention', 'inverted_residual', 'feature_pyramid'];
const blockKey = (b: BlockKind) => (b === 'attention' ? 'attention_block' : b);
const NONE = 'none';

/** Common plausible alternatives first: hard negatives should be believable. */
const COMMON_ACTS = ['relu', 'gelu', 'silu', 'relu6', 'hard_swish', 'leaky_relu', 'sigmoid', 'tanh', 'elu', 'mish'];
const COMMON_NORMS = ['batch_norm', 'layer_norm', 'group_norm', 'instance_norm'];
const COMMON_KERNELS = ['1x1', '3x3', '5x5', '7x7', '11x11', '1x7', '7x1', '2x2', '4x4'];
const TASKS = [
  'image classification',
  'object detection',
  'semantic segmentation',
  'text classification',
  'language modeling',
  'machine translation',
  'image generation',
  'video classification',
];

type QA = (s: ArchSummary, rng: Rng) => QAPair | null;

function qa(template: string, question: string, answers: string[], familyQuestion = false): QAPair {
  return { template, question, answers: [...new Set(answers)].sort(), familyQuestion };
}

const QA_TEMPLATES: QA[] = [
  (s, rng) =>
    qa(
      'norm',
      rng.pick(['which normalization does it use?', 'what normalization layers are used?', 'which kind of normalization is applied?', 'how are activations normalized?']),
      s.norms.length ? s.norms.map(canon) : [NONE],
    ),
  (s, rng) =>
    qa(
      'activation',
      rng.pick(['which activation functions are used?', 'what nonlinearities does it use?', 'which activations appear in the network?', 'what activation function does it use?']),
      s.activations.length ? s.activations.map(canon) : [NONE],
    ),
  (s, rng) =>
    qa(
      'pooling',
      rng.pick(['which pooling operations are used?', 'what kind of pooling does it use?', 'which pooling layers does it have?']),
      s.pooling.length ? s.pooling.map(canon) : [NONE],
    ),
  (s, rng) =>
    s.convKinds.length
      ? qa(
          'kernels',
          rng.pick(['what kernel sizes do the convolutions use?', 'which kernel sizes are used?', 'what are the convolution kernel sizes?', 'which filter sizes appear?']),
          s.kernelSizes.length ? s.kernelSizes : [NONE],
        )
      : null,
  (s, rng) => {
    const present = BLOCKS.filter((b) => s.blocks[b] > 0).map((b) => canon(blockKey(b)));
    return qa(
      'blocks',
      rng.pick(['which block types does it contain?', 'what building blocks are used?', 'which structural blocks does it have?', 'what kinds of blocks make up the network?']),
      present.length ? present : [NONE],
    );
  },
  (s, rng) =>
    qa('layers', rng.pick(['how many weighted layers does it have?', 'how many layers with weights are there?', 'how deep is it in weighted layers?']), [
      layerBucket(s.weightedLayers),
    ]),
  (s, rng) =>
    qa('params', rng.pick(['how many parameters does it have?', 'what is its parameter count?', 'how large is the model in parameters?', 'roughly how many weights does it have?']), [
      paramRange(s.params).label,
    ]),
  (s, rng) => qa('task', rng.pick(['what task is it for?', 'what is this model used for?', 'which task does it solve?', 'what problem is it designed for?']), [s.task]),
  (s, rng) =>
    s.family
      ? qa('family', rng.pick(['which family does it belong to?', 'what architecture family is this?', 'which model family is it?', 'what kind of well-known architecture is this?']), [
          (familyInfo(s.familyKey)?.display ?? s.family).toLowerCase(),
        ], true)
      : null,
  (s, rng) =>
    s.afterConv && s.convKinds.length
      ? qa('after_conv', rng.pick(['what follows the convolution layers?', 'what comes after each convolution?', 'which operation usually follows a convolution?']), [canon(s.afterConv)])
      : null,
  (s, rng) => {
    // Which of X, Y, Z is not used: at least one used and one unused option.
    const pools: Array<[string[], string[]]> = [
      [COMMON_NORMS, s.norms],
      [COMMON_ACTS, s.activations],
      [[...POOLING], s.pooling],
      [[...CONV_KINDS], s.convKinds],
    ];
    const [universe, used] = rng.pick(pools);
    const usedHere = universe.filter((u) => used.includes(u));
    const unused = universe.filter((u) => !used.includes(u));
    if (!usedHere.length || !unused.length) return null;
    const opts = rng.shuffle([...rng.sample(usedHere, rng.int(1, Math.min(2, usedHere.length))), ...rng.sample(unused, rng.int(1, 2))]);
    const names = opts.map(canon);
    return qa(
      'not_used',
      `${rng.pick(['which of these is not used', 'which of the following does it not use', 'which of these is absent'])}: ${names.join(', ')}?`,
      opts.filter((o) => !used.includes(o)).map(canon),
    );
  },
  (s, rng) => {
    const pools: Array<[string[], string[]]> = [
      [COMMON_NORMS, s.norms],
      [COMMON_ACTS, s.activations],
      [[...POOLING], s.pooling],
    ];
    const [universe, used] = rng.pick(pools);
    const usedHere = universe.filter((u) => used.includes(u));
    const unused = universe.filter((u) => !used.includes(u));
    if (!usedHere.length || !unused.length) return null;
    const opts = rng.shuffle([...rng.sample(usedHere, rng.int(1, Math.min(2, usedHere.length))), ...rng.sample(unused, rng.int(1, 2))]);
    return qa(
      'used_of',
      `${rng.pick(['which of these does it use', 'which of the following appear in it', 'which of these layers are present'])}: ${opts.map(canon).join(', ')}?`,
      opts.filter((o) => used.includes(o)).map(canon),
    );
  },
  (s, rng) => {
    const b = rng.pick(BLOCKS);
    const word = say(rng, blockKey(b)).replace(/^(an?|the) /, '');
    return qa(`has_${b}`, rng.pick([`does it use ${word}?`, `are there ${word} in it?`, `does the network contain ${word}?`]), [s.blocks[b] > 0 ? 'yes' : 'no']);
  },
  (s, rng) => qa('kind', rng.pick(['what kind of network is it?', 'what type of neural network is this?', 'is it a cnn, a transformer, an rnn or an mlp?']), [KIND_CANON[s.kind]!]),
  (s, rng) =>
    s.convKinds.length
      ? qa('conv_kinds', rng.pick(['which convolution types are used?', 'what kinds of convolution does it have?']), s.convKinds.map(canon))
      : null,
  (s, rng) =>
    s.recurrent.length || s.modality === 'text'
      ? qa('recurrent', rng.pick(['which recurrent layers does it use?', 'what recurrent cells are used?']), s.recurrent.length ? s.recurrent.map(canon) : [NONE])
      : null,
  (s, rng) => qa('lightweight', rng.pick(['is it a lightweight model (under 5m parameters)?', 'does it have fewer than 5m parameters?', 'is this a compact network, below 5m parameters?']), [s.params < LIGHTWEIGHT_MAX ? 'yes' : 'no']),
  (s, rng) =>
    s.kernelSizes.length
      ? qa('largest_kernel', rng.pick(['what is the largest kernel size?', 'how large is the biggest convolution kernel?']), [largestKernel(s.kernelSizes)])
      : null,
  (s, rng) => qa('modality', rng.pick(['what kind of input does it take?', 'what is the input modality?', 'which data type does it process?']), [s.modality]),
  (s, rng) => {
    const info = familyInfo(s.familyKey);
    return info ? qa('year', rng.pick(['when was this architecture family introduced?', 'in which year was its family published?']), [String(info.year)], true) : null;
  },
  (s, rng) => {
    const g = s.generated;
    if (!g || g.task !== 'classification' || !g.numClasses) return null;
    return qa('classes', rng.pick(['how many classes does it predict?', 'how many output classes are there?']), [String(g.numClasses)]);
  },
];

function largestKernel(ks: string[]): string {
  let best = ks[0]!;
  const area = (k: string) => k.split('x').reduce((p, v) => p * Number(v), 1);
  for (const k of ks) if (area(k) > area(best)) best = k;
  return best;
}

/** `count` QA pairs from different templates (fewer when fewer apply). */
export function qaPairs(s: ArchSummary, rng: Rng, count: number): QAPair[] {
  const out: QAPair[] = [];
  const seen = new Set<string>();
  for (const t of rng.shuffle(QA_TEMPLATES)) {
    if (out.length >= count) break;
    const p = t(s, rng);
    if (!p || seen.has(p.template)) continue;
    seen.add(p.template);
    out.push(p);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Statements

export type Claim =
  | { slot: 'norm' | 'act' | 'pool' | 'conv' | 'rec' | 'kernel' | 'block'; value: string; negated?: boolean }
  | { slot: 'params'; value: number }
  | { slot: 'task'; value: string }
  | { slot: 'family'; value: string }
  | { slot: 'kind'; value: string }
  | { slot: 'layers'; value: number };

/** Whether a claim holds for the summary: the single source of statement labels. */
export function claimHolds(s: ArchSummary, c: Claim): boolean {
  switch (c.slot) {
    case 'norm':
    case 'act':
    case 'pool':
    case 'conv':
    case 'rec':
    case 'kernel':
    case 'block': {
      const has = presentIn(s, c.slot).includes(c.value);
      return c.negated ? !has : has;
    }
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

function presentIn(s: ArchSummary, slot: 'norm' | 'act' | 'pool' | 'conv' | 'rec' | 'kernel' | 'block'): string[] {
  switch (slot) {
    case 'norm':
      return s.norms;
    case 'act':
      return s.activations;
    case 'pool':
      return s.pooling;
    case 'conv':
      return s.convKinds;
    case 'rec':
      return s.recurrent;
    case 'kernel':
      return s.kernelSizes;
    case 'block':
      return BLOCKS.filter((b) => s.blocks[b] > 0);
  }
}

function realize(c: Claim, rng: Rng): string {
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

function statementText(claims: Claim[], rng: Rng): string {
  const subject = rng.pick(['it', 'the network', 'this model', 'the architecture']);
  const parts = claims.map((c) => realize(c, rng));
  return `${subject} ${parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`}.`;
}

/** True claims the summary supports (the positive pool). */
function trueClaims(s: ArchSummary): Claim[] {
  const c: Claim[] = [];
  for (const v of s.norms) c.push({ slot: 'norm', value: v });
  for (const v of s.activations) c.push({ slot: 'act', value: v });
  for (const v of s.pooling) c.push({ slot: 'pool', value: v });
  for (const v of s.convKinds) c.push({ slot: 'conv', value: v });
  for (const v of s.recurrent) c.push({ slot: 'rec', value: v });
  for (const v of s.kernelSizes) c.push({ slot: 'kernel', value: v });
  for (const b of BLOCKS) if (s.blocks[b] > 0) c.push({ slot: 'block', value: b });
  if (s.params > 0) c.push({ slot: 'params', value: s.params });
  c.push({ slot: 'task', value: s.task });
  if (s.familyKey && FAMILY_KNOWLEDGE[s.familyKey]) c.push({ slot: 'family', value: s.familyKey });
  c.push({ slot: 'kind', value: s.kind });
  if (s.weightedLayers > 0) c.push({ slot: 'layers', value: s.weightedLayers });
  // True statements of absence, for balance ("has no attention").
  for (const b of ['residual', 'attention'] as const) if (s.blocks[b] === 0) c.push({ slot: 'block', value: b, negated: true });
  if (s.norms.length === 0) c.push({ slot: 'norm', value: 'batch_norm', negated: true });
  return c;
}

/** The same claim with its value swapped for a plausible wrong one (null if none is wrong). */
function swap(s: ArchSummary, c: Claim, rng: Rng, avoid: readonly string[]): Claim | null {
  const alt = (universe: readonly string[], used: string[]) => {
    const cands = universe.filter((u) => !used.includes(u));
    return cands.length ? rng.pick(cands) : null;
  };
  switch (c.slot) {
    case 'norm':
    case 'act':
    case 'pool':
    case 'conv':
    case 'rec':
    case 'kernel':
    case 'block': {
      if (c.negated) {
        // "has no attention" → "has no batch norm" where batch norm IS used.
        const used = presentIn(s, c.slot);
        return used.length ? { slot: c.slot, value: rng.pick(used), negated: true } : null;
      }
      const universe: Record<string, readonly string[]> = {
        norm: COMMON_NORMS,
        act: COMMON_ACTS,
        pool: POOLING,
        conv: CONV_KINDS,
        rec: RECURRENT,
        kernel: COMMON_KERNELS,
        block: BLOCKS,
      };
      const v = alt(universe[c.slot]!, presentIn(s, c.slot));
      return v ? { slot: c.slot, value: v } : null;
    }
    case 'params': {
      // A different order of magnitude, or a factor of 2.5–4: never "about" right.
      const f = rng.pick([0.1, 0.25, 0.3, 2.5, 3, 4, 10]);
      return { slot: 'params', value: Math.max(1000, Math.round(s.params * f)) };
    }
    case 'task': {
      const v = alt(TASKS, [s.task]);
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
  const pool = trueClaims(s);
  const out: Statement[] = [];
  const seen = new Set<string>();
  for (let tries = 0; out.length < count && tries < count * 6; tries++) {
    const nClaims = rng.chance(0.35) ? 2 : 1;
    const claims = rng.sample(pool, nClaims);
    if (!claims.length) break;
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
    const text = statementText(claims, rng);
    if (seen.has(text)) continue;
    seen.add(text);
    out.push({ text, label, hardNegative: hard && label === 0, template });
  }
  return out;
}

export { PARAM_RANGES };

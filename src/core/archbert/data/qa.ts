/**
 * Question–answer pairs from an ArchSummary: each template has several
 * phrasings and a multi-label answer set of canonical strings
 * (language/vocabulary.ts); "none" when the asked-about thing is absent.
 * True/false statements are made in statements.ts.
 */
import { BLOCK_KINDS, CONV_KINDS, POOLING, type ArchSummary } from '../facts/arch-summary.js';
import { familyInfo } from '../facts/family-knowledge.js';
import { COMMON_ACTS, COMMON_NORMS } from './alternatives.js';
import { blockKey, say } from './phrasing.js';
import { IDEA_QA_TEMPLATES } from './idea-qa.js';
import type { Rng } from './rng.js';
import { KIND_CANON, LIGHTWEIGHT_MAX, canon, layerBucket, paramRange } from '../language/vocabulary.js';

export interface QAPair {
  question: string;
  answers: string[];
  /** The answer is a family name (scored on the in-distribution split only). */
  familyQuestion: boolean;
  template: string;
}

const NONE = 'none';

type QA = (s: ArchSummary, rng: Rng) => QAPair | null;

function qa(template: string, question: string, answers: string[], familyQuestion = false): QAPair {
  return { template, question, answers: [...new Set(answers)].sort(), familyQuestion };
}


/**
 * For the "which of these" templates: a random slot (a universe of values and
 * those the summary uses), and a shuffled mix of 1–2 used and 1–2 unused
 * values; null when the summary uses none or all of the slot's values.
 */
function mixedOptions(pools: Array<[string[], string[]]>, rng: Rng): { options: string[]; used: string[] } | null {
  const [universe, used] = rng.pick(pools);
  const usedHere = universe.filter((u) => used.includes(u));
  const unused = universe.filter((u) => !used.includes(u));
  if (!usedHere.length || !unused.length) return null;
  const options = rng.shuffle([...rng.sample(usedHere, rng.int(1, Math.min(2, usedHere.length))), ...rng.sample(unused, rng.int(1, 2))]);
  return { options, used };
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
    const present = BLOCK_KINDS.filter((b) => s.blocks[b] > 0).map((b) => canon(blockKey(b)));
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
    const mix = mixedOptions(pools, rng);
    if (!mix) return null;
    return qa(
      'not_used',
      `${rng.pick(['which of these is not used', 'which of the following does it not use', 'which of these is absent'])}: ${mix.options.map(canon).join(', ')}?`,
      mix.options.filter((o) => !mix.used.includes(o)).map(canon),
    );
  },
  (s, rng) => {
    const pools: Array<[string[], string[]]> = [
      [COMMON_NORMS, s.norms],
      [COMMON_ACTS, s.activations],
      [[...POOLING], s.pooling],
    ];
    const mix = mixedOptions(pools, rng);
    if (!mix) return null;
    return qa(
      'used_of',
      `${rng.pick(['which of these does it use', 'which of the following appear in it', 'which of these layers are present'])}: ${mix.options.map(canon).join(', ')}?`,
      mix.options.filter((o) => mix.used.includes(o)).map(canon),
    );
  },
  (s, rng) => {
    const b = rng.pick(BLOCK_KINDS);
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
  // design ideas (idea-qa.ts): the key ideas, yes / no per idea, the count of a counted idea
  ...IDEA_QA_TEMPLATES.map(
    (t): QA =>
      (s, rng) => {
        const p = t(s, rng);
        return p && qa(p.template, p.question, p.answers);
      },
  ),
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

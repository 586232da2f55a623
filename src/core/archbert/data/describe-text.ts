/**
 * Facts → captions: full descriptions through a grammar with many paraphrases,
 * sentence orders and levels of detail, plus one canonical caption per graph.
 * Every fragment is made from the ArchSummary only (design ideas: those the
 * detectors found, ArchSummary.ideas, named as in idea-text.ts), and is only produced when
 * the facts support it; statements of absence are produced only in the fixed
 * forms "does not use X" / "without X" / "no X", which the tests' fact checker
 * understands. Search queries are made in queries.ts, with the same words
 * (phrasing.ts).
 */
import type { ArchSummary } from '../facts/arch-summary.js';
import { familyInfo } from '../facts/family-knowledge.js';
import type { CellOp } from './generate/styles/cell.js';
import type { Rng } from './rng.js';
import { KIND_CANON, canon, formatCount } from '../language/vocabulary.js';
import { table } from '../../graph/formats/table.js';
import { STAGE_BLOCK_WORDS, article, blocksPresent, cap, familyName, kindWord, list, safeVariant, say, sizeWord, taskWord } from './phrasing.js';
import { COUNTED_IDEAS, consistent, ideaPresent, ideaWords, isPluralNoun, keyIdeas } from './idea-text.js';

// ---------------------------------------------------------------------------
// Sentence fragments. Each returns null when the facts give it nothing to say.

type Fragment = (s: ArchSummary, rng: Rng) => string | null;

const opening: Fragment = (s, rng) => {
  const task = taskWord(rng, s.task);
  const kind = kindWord(rng, s);
  const fam = familyName(s);
  if (fam) {
    const variant = safeVariant(s) && rng.chance(0.5) ? ` (${safeVariant(s)})` : '';
    return rng.pick([
      `${fam}${variant} is ${article(kind)} for ${task}.`,
      `this is ${article(fam)} model${variant} for ${task}.`,
      `${article(sizeWord(rng, s))} ${kind} from the ${fam} family, used for ${task}.`,
      `${article(fam)}${variant} ${kind} that performs ${task}.`,
      `${fam}${variant}: ${article(kind)} designed for ${task}.`,
    ]);
  }
  const g = s.generated;
  if (g && g.style === 'cell') {
    return rng.pick([
      `a randomly generated cell-based ${kind} with ${g.cells} cells, ${g.reductionCells} of them reduction cells, for ${task}.`,
      `an autonet-style ${kind} stacking ${g.cells} searched cells for ${task}.`,
      `${article(kind)} built from ${g.cells} darts-like cells (${g.cells - g.reductionCells} normal and ${g.reductionCells} reduction) for ${task}.`,
      `a sampled cell network of ${g.cells} cells that does ${task}.`,
    ]);
  }
  if (g && g.style === 'stage') {
    const blk = STAGE_BLOCK_WORDS[g.blockKind ?? ''] ?? 'blocks';
    return rng.pick([
      `a generated ${kind} of ${g.cells} ${blk} in ${g.reductionCells + 1} stages, for ${task}.`,
      `${article(kind)} for ${task} that stacks ${g.cells} ${blk}.`,
      `a randomly sampled staged ${kind} with ${g.cells} ${blk}, built for ${task}.`,
    ]);
  }
  if (g && g.style === 'vit') {
    if (g.blockKind === 'windowed') {
      // "shifted" only where the detectors found shifted windows (a stage of one block has none)
      const windows = ideaPresent(s, 'shifted_windows') ? 'shifted-window' : 'windowed-attention';
      return rng.pick([
        `a generated hierarchical vision transformer with ${g.cells} windowed-attention blocks in ${g.reductionCells + 1} stages for ${task}.`,
        `a ${windows} ${kind} for ${task}: ${g.cells} blocks of local window attention with ${g.reductionCells} patch-merging steps.`,
        `a hierarchical ${kind} (${g.reductionCells + 1} stages, ${g.cells} blocks, local window attention) used for ${task}.`,
      ]);
    }
    return rng.pick([
      `a generated vision transformer with ${g.cells} layers and width ${g.width} for ${task}.`,
      `a vit-like ${kind} of ${g.cells} global-attention layers over image patches, for ${task}.`,
      `${article(kind)} that splits the image into patches and applies ${g.cells} transformer layers, for ${task}.`,
    ]);
  }
  if (g && g.style === 'transformer') {
    const side = g.blockKind === 'decoder' ? rng.pick(['decoder-only', 'causal']) : rng.pick(['encoder-only', 'bidirectional']);
    return rng.pick([
      `a generated ${side} transformer with ${g.cells} layers and width ${g.width} for ${task}.`,
      `${article(side)} transformer of ${g.cells} layers (hidden size ${g.width}) used for ${task}.`,
      `a ${g.cells}-layer ${side} transformer for ${task}.`,
    ]);
  }
  if (g && g.style === 'mixer') {
    return rng.pick([
      `a generated mlp-mixer with ${g.cells} mixer layers and width ${g.width} for ${task}.`,
      `an all-mlp ${kind} of ${g.cells} layers over image patches, for ${task}.`,
      `${article(kind)} that alternates mlps across patches and across channels ${g.cells} times, for ${task}.`,
    ]);
  }
  if (g && g.style === 'dense_prediction') {
    const what = g.blockKind === 'unet' ? 'u-net-like encoder-decoder' : g.blockKind === 'deeplab' ? 'deeplab-like segmentation network' : 'super-resolution network';
    return rng.pick([
      `a generated ${what} for ${task}.`,
      `${article(what)} whose output is an image-sized map, for ${task}.`,
      `${article(kind)} for ${task}: ${article(what)}.`,
    ]);
  }
  if (g && g.style === 'temporal_conv') {
    const what = g.blockKind === 'wavenet' ? 'wavenet-like' : 'temporal convolutional';
    return rng.pick([
      `a generated ${what} network of ${g.cells} causal conv layers for ${task}.`,
      `${article(what)} model over 1-d signals with ${g.cells} dilated layers, for ${task}.`,
      `a ${g.cells}-layer ${what} network for ${task}.`,
    ]);
  }
  if (g && g.style === 'recurrent') {
    return rng.pick([
      `a generated recurrent text model with ${g.cells} ${g.blockKind} layer${g.cells > 1 ? 's' : ''} of hidden size ${g.width}, for ${task}.`,
      `${article(g.blockKind ?? 'recurrent')} network (${g.cells} layer${g.cells > 1 ? 's' : ''}) for ${task}.`,
      `a ${g.cells}-layer ${g.blockKind} model for ${task}.`,
    ]);
  }
  return `${article(kind)} for ${task}.`;
};


const convSentence: Fragment = (s, rng) => {
  if (s.convKinds.length === 0) return null;
  const kinds = list(s.convKinds.map((k) => say(rng, k)), rng);
  const ks = s.kernelSizes.length ? list(s.kernelSizes, rng) : null;
  const opts = [`it uses ${kinds}.`, `its layers include ${kinds}.`];
  if (ks) {
    opts.push(
      `it uses ${kinds} with ${ks} kernels.`,
      `the convolution kernels are ${ks}.`,
      `kernel sizes used: ${ks}.`,
      `it relies on ${kinds}; kernels are ${ks}.`,
    );
  }
  return rng.pick(opts);
};

const normActSentence: Fragment = (s, rng) => {
  const acts = s.activations.map((a) => say(rng, a));
  const norms = s.norms.map((n) => say(rng, n));
  if (!acts.length && !norms.length) return null;
  if (acts.length && norms.length) {
    return rng.pick([
      `it normalizes with ${list(norms, rng)} and uses ${list(acts, rng)}.`,
      `activations: ${list(acts, rng)}; normalization: ${list(norms, rng)}.`,
      `${cap(list(norms, rng))} and the nonlinearities ${list(acts, rng)} appear throughout.`,
      `it combines ${list(norms, rng)} with ${list(acts, rng)}.`,
    ]);
  }
  if (acts.length) {
    return rng.pick([
      `it uses ${list(acts, rng)}; it has no normalization layers.`,
      `nonlinearities: ${list(acts, rng)}; it has no normalization.`,
      `its activation functions are ${list(acts, rng)}.`,
    ]);
  }
  return rng.pick([`it normalizes with ${list(norms, rng)}.`, `normalization: ${list(norms, rng)}.`]);
};

const afterConvSentence: Fragment = (s, rng) => {
  if (!s.afterConv || s.convKinds.length === 0) return null;
  const f = canon(s.afterConv);
  return rng.pick([
    `convolutions are usually followed by ${f}.`,
    `most convolutions feed ${article(f)} layer.`,
    `after each convolution typically comes ${f}.`,
  ]);
};

const blockSentence: Fragment = (s, rng) => {
  const present = blocksPresent(s);
  if (present.length === 0) return null;
  const phr = present.map((b) => say(rng, b));
  const counted = present
    .filter((b) => b !== 'feature_pyramid')
    .map((b) => {
      const n = s.blocks[(b === 'attention_block' ? 'attention' : b) as keyof ArchSummary['blocks']];
      return `${n} ${say(rng, b).replace(/^(an?|the) /, '')}`;
    });
  const opts = [`it is built from ${list(phr, rng)}.`, `its building blocks include ${list(phr, rng)}.`, `it features ${list(phr, rng)}.`];
  if (counted.length) opts.push(`it contains ${list(counted, rng)}.`);
  return rng.pick(opts);
};

const poolingSentence: Fragment = (s, rng) => {
  if (s.pooling.length === 0) return null;
  const globalP = s.pooling.filter((p) => p.startsWith('global') || p === 'adaptive_pool');
  const local = s.pooling.filter((p) => !globalP.includes(p));
  if (local.length && globalP.length) {
    return rng.pick([
      `it downsamples with ${list(local.map((p) => say(rng, p)), rng)} and ends with ${list(globalP.map((p) => say(rng, p)), rng)}.`,
      `pooling: ${list(s.pooling.map((p) => say(rng, p)), rng)}.`,
    ]);
  }
  return rng.pick([`it uses ${list(s.pooling.map((p) => say(rng, p)), rng)}.`, `pooling: ${list(s.pooling.map((p) => say(rng, p)), rng)}.`]);
};

const sizeSentence: Fragment = (s, rng) => {
  const p = formatCount(s.params);
  const macs = s.macs !== null && s.macs > 0 ? formatCount(s.macs) : null;
  const opts = [
    `it has ${p} parameters.`,
    `with about ${p} parameters it is ${sizeWord(rng, s)}.`,
    `the model is ${sizeWord(rng, s)}: ${p} parameters.`,
    `${p} parameters in total.`,
  ];
  if (macs) opts.push(`it has ${p} parameters and needs ${macs} multiply-accumulates per input.`, `size: ${p} parameters, ${macs} macs.`);
  return rng.pick(opts);
};

const depthSentence: Fragment = (s, rng) => {
  if (s.weightedLayers === 0) return null;
  return rng.pick([
    `it has ${s.weightedLayers} weighted layers.`,
    `there are ${s.weightedLayers} layers with weights.`,
    `it stacks ${s.weightedLayers} parameterized layers.`,
  ]);
};

const recurrentSentence: Fragment = (s, rng) => {
  if (s.recurrent.length === 0 && !s.ops.embedding) return null;
  const parts: string[] = [];
  if (s.ops.embedding) parts.push(say(rng, 'embedding'));
  for (const r of s.recurrent) parts.push(say(rng, r));
  return rng.pick([`it processes tokens with ${list(parts, rng)}.`, `the sequence path uses ${list(parts, rng)}.`]);
};

const knowledgeSentence: Fragment = (s, rng) => {
  const info = familyInfo(s.familyKey);
  if (!info) return null;
  return rng.pick([
    `${info.display} (${info.year}) introduced ${info.keyIdea}.`,
    `the key idea of ${info.display} is ${info.keyIdea}.`,
    `the ${info.display} family, from ${info.year}, is designed for ${info.purpose}.`,
    `its design follows ${info.display}: ${info.keyIdea}.`,
    `${info.display} targets ${info.purpose}; its key idea is ${info.keyIdea}.`,
  ]);
};

/** Things a reader might expect that are absent: at most two, in the fixed negative forms. */
const absenceSentence: Fragment = (s, rng) => {
  const absent: string[] = [];
  // Residual absence is said only with "residual" words: a U-Net's concatenating skips are not residual,
  // but "it has no skip connections" would mislead a reader.
  if (s.blocks.residual === 0 && s.kind !== 'recurrent') absent.push('residual_strict');
  if (s.blocks.attention === 0 && !s.ops.attention && s.kind !== 'transformer') absent.push('attention_block');
  if (s.norms.length === 0) absent.push('normalization');
  if (s.kind === 'convolutional' && s.convKinds.length && !s.convKinds.includes('depthwise_conv')) absent.push('depthwise_conv');
  if (s.kind === 'convolutional' && !s.pooling.includes('max_pool')) absent.push('max_pool');
  if (absent.length === 0) return null;
  const pick = rng.sample(absent, rng.int(1, Math.min(2, absent.length)));
  const words = pick.map((k) =>
    (k === 'normalization' ? 'normalization layers' : k === 'residual_strict' ? rng.pick(['residual connections', 'residual blocks']) : say(rng, k)).replace(/^(an?|the) /, ''),
  );
  return rng.pick([`it does not use ${list(words, rng, 'or')}.`, `it has no ${list(words, rng, 'or')}.`, `it works without ${list(words, rng, 'or')}.`]);
};

const cellSentence: Fragment = (s, rng) => {
  const g = s.generated;
  if (!g || g.style !== 'cell' || g.cellOps.length === 0) return null;
  const words = g.cellOps.map((o) => CELL_OP_WORDS[o] ?? o.replace(/_/g, ' '));
  return rng.pick([
    `its cells mix ${list(words, rng)}.`,
    `the cell operations are ${list(words, rng)}.`,
    `each cell combines ${list(words, rng)}, summed pairwise and concatenated.`,
  ]);
};

/** How the cell operations (generate/styles/cell.ts) are named in text: one entry per operation (checked by the type). */
const CELL_OP_WORDS: Record<string, string> = table<string>({
  sep_conv_3x3: '3x3 separable convolutions',
  sep_conv_5x5: '5x5 separable convolutions',
  sep_conv_7x7: '7x7 separable convolutions',
  dil_conv_3x3: '3x3 dilated separable convolutions',
  dil_conv_5x5: '5x5 dilated separable convolutions',
  conv_1x1: '1x1 convolutions',
  conv_3x3: '3x3 convolutions',
  conv_5x5: '5x5 convolutions',
  conv_7x7: '7x7 convolutions',
  conv_1x7_7x1: 'factorized 1x7 and 7x1 convolutions',
  depthwise_3x3: '3x3 depthwise convolutions',
  max_pool_3x3: '3x3 max pooling',
  avg_pool_3x3: '3x3 average pooling',
  skip_connect: 'identity edges',
  squeeze_excite: 'squeeze-and-excitation',
  self_attention: 'self-attention over pixels',
  mlp_block: 'pointwise mlp blocks',
  inverted_residual: 'inverted residual blocks',
} satisfies Record<CellOp, string>);

const headSentence: Fragment = (s, rng) => {
  const g = s.generated;
  if (!g) return null;
  const parts = g.head.split('; ');
  const headPart = parts[parts.length - 1]!;
  const stemPart = parts.length > 1 ? parts[0]! : null;
  const opts = [`the head is ${headPart}.`, `it finishes with ${headPart}.`];
  if (stemPart) opts.push(`the stem is ${stemPart}.`, `it starts with ${stemPart} and ends with ${headPart}.`);
  if (g.numClasses && g.task === 'classification') opts.push(`it predicts ${g.numClasses} classes.`);
  return rng.pick(opts);
};

/** The design ideas found in the graph (at most three), in the words of the idea catalogue; counts for counted ones. */
const ideaSentence: Fragment = (s, rng) => {
  const key = keyIdeas(s);
  if (key.length === 0) return null;
  const chosen = rng.sample(key, Math.min(3, key.length));
  const words = chosen.flatMap((id) => {
    const n = s.ideas?.[id];
    const w = ideaWords(id, s, rng);
    if (w === null) return [];
    return [COUNTED_IDEAS.has(id) && n && n > 1 && isPluralNoun(w) && rng.chance(0.5) ? `${n} ${w}` : w];
  });
  if (words.length === 0) return null;
  const text =
    words.length === 1
      ? rng.pick([`its key idea is ${words[0]}.`, `it is built around ${words[0]}.`, `a notable design idea is ${words[0]}.`, `it relies on ${words[0]}.`])
      : rng.pick([
          `its key design ideas are ${list(words, rng)}.`,
          `it is built around ${list(words, rng)}.`,
          `design ideas: ${list(words, rng)}.`,
          `notable ideas include ${list(words, rng)}.`,
          `it combines ${list(words, rng)}.`,
        ]);
  return consistent(text, s) ? text : null;
};

const BODY: Fragment[] = [
  ideaSentence,
  convSentence,
  normActSentence,
  afterConvSentence,
  blockSentence,
  poolingSentence,
  sizeSentence,
  depthSentence,
  recurrentSentence,
  knowledgeSentence,
  absenceSentence,
  cellSentence,
  headSentence,
];

/** One caption: an opening plus a random subset of body sentences in random order. */
export function caption(s: ArchSummary, rng: Rng, detail: 'brief' | 'medium' | 'detailed' = rng.pick(['brief', 'medium', 'detailed'])): string {
  const body = BODY.map((f) => f(s, rng)).filter((x): x is string => x !== null);
  const n = detail === 'brief' ? 1 : detail === 'medium' ? 3 : 6;
  const chosen = rng.sample(body, n);
  const parts = rng.chance(0.85) ? [opening(s, rng)!, ...chosen] : [...chosen, opening(s, rng)!];
  return parts.join(' ');
}

export function captions(s: ArchSummary, rng: Rng, count: number): string[] {
  const out = new Set<string>();
  const details = ['brief', 'medium', 'detailed'] as const;
  for (let i = 0; out.size < count && i < count * 4; i++) out.add(caption(s, rng, details[i % 3]));
  return [...out];
}

/**
 * The canonical caption: one deterministic description per graph, fixed order and
 * fixed words (no paraphrase, no family name), so a caption decoder has a
 * well-defined target and ROUGE/BLEU against it measure content, not style.
 */
export function canonicalCaption(s: ArchSummary): string {
  const parts: string[] = [`${article(KIND_CANON[s.kind] ?? 'network')} for ${s.task}.`];
  if (s.convKinds.length) {
    const k = s.kernelSizes.length ? ` with ${s.kernelSizes.join(', ')} kernels` : '';
    parts.push(`convolutions: ${s.convKinds.map(canon).join(', ')}${k}.`);
  }
  if (s.recurrent.length) parts.push(`recurrent layers: ${s.recurrent.map(canon).join(', ')}.`);
  parts.push(`normalization: ${s.norms.length ? s.norms.map(canon).join(', ') : 'none'}.`);
  parts.push(`activations: ${s.activations.length ? s.activations.map(canon).join(', ') : 'none'}.`);
  if (s.pooling.length) parts.push(`pooling: ${s.pooling.map(canon).join(', ')}.`);
  const blocks = blocksPresent(s);
  parts.push(`blocks: ${blocks.length ? blocks.map(canon).join(', ') : 'none'}.`);
  // Key design ideas in catalogue order, each by its first phrase the checkers read as true (ideaWords); none left: "none".
  if (s.ideas) {
    const ideas = keyIdeas(s).map((id) => ideaWords(id, s)).filter((w): w is string => w !== null);
    parts.push(`ideas: ${ideas.length ? ideas.join(', ') : 'none'}.`);
  }
  parts.push(`${s.weightedLayers} weighted layers, ${formatCount(s.params)} parameters.`);
  return parts.join(' ');
}

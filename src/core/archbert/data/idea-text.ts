/**
 * How the training text names design ideas: which ideas of a graph are named
 * (those the idea catalogue found in it: facts.ideas, carried by the summary
 * as ArchSummary.ideas; never what the generator meant to build), their words (IDEA_PHRASES of
 * language/idea-phrases.ts, the vocabulary `ask` and `find` read: the first
 * phrase is the label used in answers, the others are paraphrases), and which
 * absent ideas are plausible to ask about or to claim falsely. Used by the
 * captions, queries, QA pairs and statements.
 */
import { isGenericIdea, keyIdeas as rankIdeas } from '../../graph/ideas/key-ideas.js';
import { IDEA_IDS } from '../../graph/ideas/registry.js';
import type { ArchSummary } from '../facts/arch-summary.js';
import { contradictions } from '../facts/fact-check.js';
import { negatedAt } from '../language/negation-scope.js';
import { familyAgrees, taskMatches } from '../language/constraint-check.js';
import { familyMentions } from '../language/families.js';
import { featurePhrases, hasFeature } from '../language/feature-phrases.js';
import { IDEA_PHRASES, ideaLabel } from '../language/idea-phrases.js';
import { statedTasks } from '../language/tasks.js';
import type { Rng } from './rng.js';

/** Ideas with words of their own (a phrase list), in catalogue order: the ones text can name. */
export const NAMED_IDEAS: readonly string[] = IDEA_IDS.filter((id) => Object.hasOwn(IDEA_PHRASES, id));

/**
 * Never a key idea in the training text: the mlpconv detector also fires on
 * fire modules and searched cells of generated graphs, which the text would
 * then call "network in network". (What nearly every network of its kind has
 * is left out by key-ideas.ts' generic tier, as ask and describe do.)
 */
const NOT_KEY_IN_TEXT = new Set(['mlpconv']);

/**
 * Ideas whose count is a number of instances of the thing their words name (8
 * fire modules); the other detectors count what shows the idea (the concats of
 * dense connectivity), so "how many" is asked only of these (as ask answers it).
 */
export const COUNTED_IDEAS: ReadonlySet<string> = new Set([
  'fire_module',
  'channel_shuffle',
  'inception_branches',
  'squeeze_excitation',
  'inverted_residual',
  'fused_mbconv',
  'token_mixing_mlp',
  'channel_mixing_mlp',
  'convmixer_block',
  'patch_merging',
  'auxiliary_classifier',
  'aspp',
  'class_token',
]);

/**
 * Ideas of one domain: a wrong idea claimed or asked about is drawn from the
 * domains of the graph's modality, so a false statement stays plausible
 * ("uses channel shuffle" of a ResNet, not "uses forget gates").
 */
export const IDEA_DOMAINS: Readonly<Record<'cnn' | 'dense' | 'vision_transformer' | 'sequence', readonly string[]>> = {
  cnn: [
    'fire_module', 'channel_shuffle', 'grouped_convolution', 'dense_connectivity', 'inception_branches', 'factorised_convolution',
    'bottleneck_residual', 'pre_activation_residual', 'inverted_residual', 'squeeze_excitation', 'fused_mbconv', 'depthwise_separable',
    'extreme_inception_flow', 'mixed_kernel_sizes_nas', 'regular_stage_design', 'wide_blocks', 'hard_swish', 'auxiliary_classifier',
    'local_response_norm', 'plain_conv_stack',
  ],
  dense: [
    'atrous_convolution', 'aspp', 'encoder_decoder_skip_concat', 'crop_and_concat', 'transposed_conv_upsampling', 'resize_upsampling',
    'pixel_shuffle', 'feature_pyramid', 'anchor_box_head', 'grid_box_head', 'anchor_free_centre_head', 'keypoint_heatmap_head',
  ],
  vision_transformer: [
    'patch_embedding', 'class_token', 'learned_position_embedding', 'window_attention', 'shifted_windows', 'patch_merging',
    'relative_position_bias', 'grid_attention', 'token_mixing_mlp', 'channel_mixing_mlp', 'layer_scale', 'convmixer_block',
  ],
  sequence: [
    'dilated_causal_conv', 'gated_activation', 'gated_linear_unit', 'skip_connections_to_output', 'bidirectional', 'stacked_recurrent',
    'lstm_gates', 'gru_gates', 'recurrent_attention', 'causal_mask', 'cross_attention', 'learned_position_embedding',
    'sinusoidal_position_encoding', 'segment_embedding', 'tied_embeddings', 'max_over_time_pooling', 'parallel_kernel_widths',
  ],
};

/** Summaries read from index files older than the ideas have none: then no idea is claimed either way. */
const has = (s: ArchSummary, id: string) => !!s.ideas && Object.hasOwn(s.ideas, id);

/** The named ideas found in the graph, in catalogue order. */
export function namedIdeas(s: ArchSummary): string[] {
  return NAMED_IDEAS.filter((id) => has(s, id));
}

/**
 * The ideas the network is known by, most characteristic first, ranked as ask's
 * "what is its key idea?" and describe's summary rank them (graph/ideas/key-ideas.ts):
 * named, found, not generic.
 */
export function keyIdeas(s: ArchSummary): string[] {
  const named = new Set(namedIdeas(s));
  return rankIdeas(s.ideas ?? {}, s.family).filter((id) => named.has(id) && !isGenericIdea(id) && !NOT_KEY_IN_TEXT.has(id));
}

/** Whether the graph shows the idea (the truth of every idea claim). */
export function ideaPresent(s: ArchSummary, id: string): boolean {
  return has(s, id);
}

/** The idea's count, when it counts instances (COUNTED_IDEAS) and was found; 0 when absent; null when not countable. */
export function ideaCount(s: ArchSummary, id: string): number | null {
  if (!COUNTED_IDEAS.has(id)) return null;
  if (!has(s, id)) return 0;
  return s.ideas![id] ?? null;
}

/** Absent named ideas of the graph's domains: the wrong values of idea claims and questions. */
export function plausibleAbsentIdeas(s: ArchSummary): string[] {
  const domains =
    s.modality === 'image'
      ? [IDEA_DOMAINS.cnn, IDEA_DOMAINS.dense, IDEA_DOMAINS.vision_transformer]
      : s.modality === 'text' || s.modality === 'signal' || s.modality === 'audio'
        ? [IDEA_DOMAINS.sequence]
        : Object.values(IDEA_DOMAINS);
  const pool = new Set(domains.flat());
  return NAMED_IDEAS.filter((id) => pool.has(id) && !has(s, id));
}

/** Nouns named in the plural when a network has several ("fire modules", "dilated causal convolutions"). */
const COUNT_NOUN = /(module|block|unit|convolution|conv|connection|layer|window|gate|heatmap|classifier|head|mlp|transform|bottleneck|shuffle)$/;

/** Whether words name countable things in the plural (so "8 fire modules" reads right, "7 squeeze-and-excitation" would not). */
export function isPluralNoun(words: string): boolean {
  return /s$/.test(words) && !/(ss|us)$/.test(words);
}

/** The phrase in the plural when it names a countable thing. */
function plural(phrase: string): string {
  if (!COUNT_NOUN.test(phrase)) return phrase;
  return phrase.endsWith('branch') || phrase.endsWith('box') ? `${phrase}es` : `${phrase}s`;
}

/** The idea's label as it stands in answers (catalogue words, first phrase). */
export function ideaAnswer(id: string): string {
  return ideaLabel(id);
}

/**
 * Words for the idea that the checkers read as true of the summary in a plain
 * claim ("it uses X." when present, "it does not use X." when absent): the
 * label half the time, else the paraphrases in random order, the first that
 * passes; null when none does. Without an rng: the first passing phrase in
 * catalogue order (the canonical caption's fixed words).
 */
export function ideaWords(id: string, s: ArchSummary, rng?: Rng): string | null {
  const phrases = (IDEA_PHRASES[id] ?? [ideaLabel(id)]).map(plural);
  const order = rng && phrases.length > 1 && rng.chance(0.5) ? [...rng.shuffle(phrases.slice(1)), phrases[0]!] : phrases;
  const claim = has(s, id) ? (w: string) => `it uses ${w}.` : (w: string) => `it does not use ${w}.`;
  return order.find((w) => consistent(claim(w), s)) ?? null;
}

/** One way to say the idea in running text: its label half the time, else a paraphrase; plural where countable. */
export function sayIdea(rng: Rng, id: string, opts: { label?: boolean } = {}): string {
  const phrases = IDEA_PHRASES[id] ?? [ideaLabel(id)];
  const phrase = opts.label || phrases.length === 1 || rng.chance(0.5) ? phrases[0]! : rng.pick(phrases.slice(1));
  return plural(phrase);
}

/**
 * Whether a true text about the summary reads as true to the checkers that
 * read it back (fact-check.ts, and describe's checks of feature words, family
 * and task names): an idea's words may hold a word they read on its own ("patch
 * embedding" → an embedding layer, "shufflenet unit" → the ShuffleNet family,
 * "skip connections to the output" → residual connections). Such a text is
 * not made; the grammar picks other words or leaves the idea out.
 */
export function consistent(text: string, s: ArchSummary): boolean {
  if (contradictions(text, s).length) return false;
  for (const sentence of text.toLowerCase().split(/(?<=[.!?;])\s+/)) {
    if (featurePhrases(sentence).some((p) => hasFeature(s, p.key) === negatedAt(sentence, p.start, p.end))) return false;
    if (familyMentions(sentence, { specificOnly: true }).some((f) => !familyAgrees(s, f))) return false;
    const tasks = statedTasks(sentence);
    if (tasks.length === 1 && !taskMatches(s, tasks[0]!.task)) return false;
  }
  return true;
}

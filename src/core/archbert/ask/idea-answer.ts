/**
 * Questions about a named design idea ("does it use channel shuffle?", "it
 * has fire modules", "how many fire modules?"), answered from the idea
 * catalogue's findings (facts.ideas): present → yes with the idea's evidence
 * nodes, absent → no, "how many" → the idea's count when it has one.
 *
 * Precision first: a question is taken over only when it names an idea and
 * today's rules either did not understand it or understood only a generic
 * part of the idea's words ("asymmetric 1xn / nx1 convolutions" read as
 * "convolutions"). When the feature vocabulary names the whole idea phrase
 * ("atrous convolutions", "squeeze-and-excitation"), or the question also
 * names other features, the rules' answer stands.
 */
import type { OpGraph } from '../../graph/types.js';
import type { IdeaFinding } from '../../graph/ideas/context.js';
import { familyMention } from '../language/families.js';
import { featurePhrases } from '../language/feature-phrases.js';
import { statedTasks } from '../language/tasks.js';
import { ideaLabel, ideaMention } from '../language/idea-phrases.js';
import { canonicalPhrasing } from '../language/phrasing-aliases.js';
import { normalizeQuestion, type AskKind, type ParsedQuestion } from '../language/question.js';
import { yesNo } from './answers/common.js';
import { MAX_EVIDENCE } from './evidence.js';

export interface IdeaAnswer {
  kind: AskKind;
  answer: string;
  value: boolean | number;
  evidence: Array<{ node: string; op: string }>;
}

const NEGATED = /\b(not|no|never|without|doesn't|don't|isn't|aren't|lacks?|free of|none)\b/;
const COUNT_ASKED = /\b(how many|number of|count of|count)\b/;
/**
 * Ideas whose count is a number of instances of the thing their phrases name
 * (8 fire modules, 16 SE blocks); other detectors count what shows the idea
 * (the concatenations of dense connectivity, not dense blocks), so "how many"
 * is not answered from them.
 */
const COUNTED = new Set(['fire_module', 'channel_shuffle', 'inception_branches', 'squeeze_excitation', 'inverted_residual', 'fused_mbconv', 'token_mixing_mlp', 'channel_mixing_mlp', 'convmixer_block', 'patch_merging', 'auxiliary_classifier', 'aspp', 'class_token',
  // one per bottleneck block (its joining add), per heatmap channel of the keypoint head, per strided deconvolution
  'bottleneck_residual', 'wide_blocks', 'keypoint_heatmap_head', 'transposed_conv_upsampling']);
const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 };

/**
 * The answer from the ideas, or null when the question is not one to take
 * over (no idea named, or the rules already answer it from a more specific fact).
 */
export function answerIdeaQuestion(question: string, parsed: ParsedQuestion, ideas: Readonly<Record<string, IdeaFinding>>, og: OpGraph): IdeaAnswer | null {
  // "the passthrough (reorg) layer": an aside in brackets reads as part of the phrase, as in normalizeQuestion
  const lower = question.toLowerCase().replace(/[()[\]]/g, ' ').replace(/\s+/g, ' ');
  const mention = ideaMention(lower);
  if (!mention) return null;
  // "how many channel shuffle operations?": a count of an idea the detector counts, named right after the count words, is
  // the idea's count whatever the rules read in the rest ("operations" as MACs).
  const countsIdea = COUNTED.has(mention.id) && /\b(how many|number of)\s+(?:the\s+)?$/.test(lower.slice(0, mention.start));
  if (!countsIdea && !rulesMissIdea(question, parsed, mention.text, lower.slice(0, mention.start) + ' ' + lower.slice(mention.end))) return null;
  const finding = Object.prototype.hasOwnProperty.call(ideas, mention.id) ? ideas[mention.id]! : null;
  const label = ideaLabel(mention.id);
  const evidence = finding ? evidenceOf(og, finding.evidence) : [];
  const before = lower.slice(0, mention.start);
  if (COUNT_ASKED.test(before) && !/^\s*(does|do|is|are|has|have)\b/.test(lower)) {
    // A count the idea's detector does not keep: the ideas cannot say; leave it to the rules.
    if (!COUNTED.has(mention.id) || (finding && finding.count === null)) return null;
    const n = finding ? finding.count! : 0;
    return { kind: 'value', answer: n ? `${n} ${label}(s) in the graph` : `0: no ${label} in the graph`, value: n, evidence };
  }
  const kind: AskKind = parsed.kind === 'statement' ? 'statement' : 'yes_no';
  const present = finding !== null;
  const counted = COUNTED.has(mention.id) && finding?.count != null;
  const detail = present ? (counted ? `${finding.count} ${label}(s) found in the graph` : `${label} found in the graph`) : `no ${label} in the graph`;
  // "it has 8 fire modules": the stated number is checked against the idea's count.
  const stated = /(?:^|\s)(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+$/.exec(before);
  if (stated) {
    if (!COUNTED.has(mention.id) || (finding && finding.count === null)) return null;
    const want = NUMBER_WORDS[stated[1]!] ?? Number(stated[1]);
    const truth = (finding?.count ?? 0) === want;
    return { kind, answer: yesNo(kind, truth, detail), value: truth, evidence };
  }
  const negated = NEGATED.test(before.replace(/^(does|do|is|are|has|have)(?:n't|nt)\b/, '$1'));
  const truth = negated ? !present : present;
  return { kind, answer: yesNo(kind, truth, detail), value: truth, evidence };
}

/** A family named as what the model is ("is it a ResNeXt", "this is an SSD", "works like the U-Net"), not as a subject. */
const FAMILY_PREDICATE = /\b(?:is|it's|as|be|was|like|of)\s+(?:it\s+|this\s+|that\s+)?(?:an?|the)\s+/;
/** The words the rules read as a causal mask (language/question.ts). */
const CAUSAL_WORDS = /\bcausal(?:ly)?\b|\bmasked (?:multi-head )?self-attention\b|\bdecoder-only\b/;

/**
 * Whether today's rules leave the idea unanswered: they found no intent, a
 * family, task or causal-mask intent read from the idea's own words (or a
 * family that is only the sentence's subject), or
 * a presence / op-count intent whose features all lie inside the idea's own
 * words without any one of them naming the whole phrase.
 */
function rulesMissIdea(question: string, parsed: ParsedQuestion, ideaText: string, rest: string): boolean {
  const intent = parsed.intent;
  if (!intent) return true;
  // "does it use channel shuffle?" read as "is it a ShuffleNet?": the family was read from the idea's own words.
  if (intent.type === 'family_is') {
    if (familyMention(canonicalPhrasing(ideaText)) === intent.family && familyMention(canonicalPhrasing(normalizeQuestion(rest))) === null) return true;
    // "is RetinaNet anchor-free?", "does ResNeXt shuffle channels?": the family is the sentence's subject and the idea
    // what is asked; "is it a ResNeXt with …" (the family after an article) asks for the family.
    return !FAMILY_PREDICATE.test(normalizeQuestion(question));
  }
  // "does it have the auxiliary classifiers?" read as a task, "dilated causal convolutions?" as a causal mask: the task
  // or the causal word lies inside the idea's own words, and the rest of the question names none.
  if (intent.type === 'task_is') return statedTasks(normalizeQuestion(rest)).length === 0;
  if (intent.type === 'causal') return !CAUSAL_WORDS.test(normalizeQuestion(rest));
  // "how many deconv layers …?" read as the number of weighted layers: the idea's words say which layers are counted.
  if (intent.type === 'count' && intent.what === 'layers') return true;
  if (intent.type !== 'presence' && !(intent.type === 'count' && intent.what === 'op')) return false;
  const asIs = canonicalPhrasing(ideaText.replace(/\s+/g, ' ').trim());
  if (featurePhrases(asIs).some((p) => p.start === 0 && p.end >= asIs.length)) return false;
  // The spelling corrector may turn an idea word into a feature word ("deconvolution" → "convolution"): those are inside the idea too.
  const inside = new Set([...featurePhrases(asIs), ...featurePhrases(canonicalPhrasing(normalizeQuestion(ideaText)))].map((p) => p.key));
  const asked = featurePhrases(canonicalPhrasing(normalizeQuestion(question).replace(/[?.!]+$/, ''))).map((p) => p.key);
  const keys = intent.type === 'presence' ? [...intent.keys, ...(intent.absent ?? [])] : [intent.key!];
  return keys.every((k) => inside.has(k)) && asked.every((k) => inside.has(k));
}

/** The finding's node ids as evidence, in the same form as the other answers' (source node id, op category). */
function evidenceOf(og: OpGraph, ids: readonly string[]): Array<{ node: string; op: string }> {
  const byId = new Map(og.nodes.map((n) => [n.id, n]));
  return ids.slice(0, MAX_EVIDENCE).flatMap((id) => {
    const n = byId.get(id);
    return n ? [{ node: n.sources[0] ?? n.id, op: n.category }] : [];
  });
}

/**
 * The learned description of `archbert describe`: the caption decoder's beam
 * search output, then every claim checked against the exact facts.
 *
 * Checked claims: layer types, blocks and kernel sizes (fact-check.ts,
 * shared with the dataset tests), parameter and weighted-layer counts
 * ("25.6m parameters"), the family named ("a u-net model", against the
 * structural family guess) and the task ("for dense per-pixel
 * classification", against the task the outputs show) and the design ideas
 * named (against the idea detectors' findings). A sentence with a
 * contradicted claim is removed from the summary and listed in `flags` with
 * what the facts say, so the printed summary is never wrong about what is in
 * the graph; the exact facts follow it anyway. Of the beam's hypotheses, the
 * one the facts contradict least is shown (bestChecked). A last sentence
 * built from the facts alone names the design ideas found (ideasSentence).
 */
import type { ArchSummary } from './facts/arch-summary.js';
import { DEFAULT_BEAM_WIDTH } from './model/beam.js';
import { contradictions } from './facts/fact-check.js';
import { negatedAt } from './language/negation-scope.js';
import { captionBeam } from './model/heads.js';
import type { ModelSet } from './model/model-set.js';
import type { ArchEncoding } from './model/embed.js';
import { formatCount } from './language/vocabulary.js';
import { familyInfo } from './facts/family-knowledge.js';
import { familyMentions } from './language/families.js';
import { statedTasks } from './language/tasks.js';
import { familyAgrees, taskMatches } from './language/constraint-check.js';
import { UNITS, unitScale } from './language/units.js';
import { featurePhrases, hasFeature } from './language/feature-phrases.js';
import { ideaLabel, ideaMentions } from './language/idea-phrases.js';
import { blankSpans, queryIdeas } from './language/query-ideas.js';
import type { IdeaFinding } from '../graph/ideas/context.js';
import { keyIdeas } from '../graph/ideas/key-ideas.js';

export interface SummaryFlag {
  /** The generated sentence that made the claim. */
  sentence: string;
  /** The contradicted phrase. */
  claim: string;
  /** What the exact facts say instead. */
  facts: string;
  /** "corrected": a wrong count replaced by the exact one; "removed": the sentence was dropped. */
  action: 'corrected' | 'removed';
}

export interface CheckedSummary {
  summary: string;
  flags: SummaryFlag[];
  /** The raw generated text before checking. */
  generated: string;
}

function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.;!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Parameter counts a sentence states ("25.6m parameters", "about 3 million weights", "25 mil params"). */
const PARAM_CLAIM = new RegExp(String.raw`(\d+(?:\.\d+)?)\s*(${UNITS})?\s+(?:trainable\s+)?(parameters|params|weights)\b`, 'g');
function paramClaims(sentence: string): Array<{ text: string; value: number }> {
  const out: Array<{ text: string; value: number }> = [];
  for (const m of sentence.toLowerCase().matchAll(PARAM_CLAIM)) {
    out.push({ text: m[0], value: Number(m[1]) * unitScale(m[2]) });
  }
  return out;
}

/** A stated count is right when it rounds to the facts' count (within 5 %, the grammar rounds to 1-3 digits). */
function countAgrees(stated: number, actual: number): boolean {
  return Math.abs(stated - actual) <= 0.05 * Math.max(actual, 1) + 0.5;
}

/**
 * Layer types and blocks a sentence names, checked with the search vocabulary
 * (canonical answer names such as "squeeze-and-excitation" or "depthwise
 * separable convolution" as well as the paraphrases fact-check.ts knows).
 * A phrase in the scope of "no", "without", "is not used" … is a claim of
 * absence (language/negation-scope.ts).
 */
function featureContradictions(sentence: string, s: ArchSummary): Array<{ claim: string; facts: string }> {
  const lower = sentence.toLowerCase();
  const out: Array<{ claim: string; facts: string }> = [];
  for (const p of featurePhrases(lower)) {
    const negated = negatedAt(lower, p.start, p.end);
    const has = hasFeature(s, p.key);
    if (negated ? has : !has) out.push({ claim: p.phrase, facts: negated ? `the graph has ${p.key.replace(/_/g, ' ')}` : `the graph has no ${p.key.replace(/_/g, ' ')}` });
  }
  return out;
}

/**
 * Checks a generated text against the facts. Wrong counts (parameters,
 * weighted layers) are corrected in place; a sentence naming a layer type,
 * block or kernel size the facts contradict is removed. Every change is flagged.
 */
export function checkClaims(text: string, s: ArchSummary): CheckedSummary {
  const kept: string[] = [];
  const flags: SummaryFlag[] = [];
  for (const original of splitSentences(text)) {
    // A list item the decoder said twice in a row ("pooling: global average pooling, global average pooling.") is said once.
    let sentence = original.replace(/(^|[:,]\s*)([^,.:;]+?)(?:,\s*\2)+(?=\s*[,.;]|$)/g, '$1$2');
    // counts: correct in place
    for (const p of paramClaims(sentence)) {
      const before = sentence.toLowerCase().slice(0, sentence.toLowerCase().indexOf(p.text));
      // Range wordings ("under 5m parameters", "5m to 25m parameters") are ranges, not counts.
      if (/(under|over|than|to|between)\s*$/.test(before)) continue;
      if (!countAgrees(p.value, s.params)) {
        const fixed = `${formatCount(s.params)} parameters`;
        flags.push({ sentence: original, claim: p.text, facts: `${fixed} (${s.params.toLocaleString('en-US')})`, action: 'corrected' });
        sentence = sentence.replace(new RegExp(escapeRe(p.text), 'i'), fixed);
      }
    }
    // A bracketed variant ("densenet model (169)", "(4 layers, hidden 512)") is a claim the facts cannot back unless the
    // file's own name says it (a model file carries no variant): it is cut; an unclosed bracket drops the sentence.
    for (const m of [...sentence.matchAll(/\s*\(([^)]*)\)/g)]) {
      const norm = (t: string) => t.toLowerCase().replace(/[^a-z0-9]/g, '');
      if (norm(m[1]!) && norm(s.name).includes(norm(m[1]!))) continue;
      flags.push({ sentence: original, claim: m[0].trim(), facts: `the variant is not among the graph facts (file ${s.name})`, action: 'corrected' });
      sentence = sentence.replace(m[0], '');
    }
    if (/\([^)]*$/.test(sentence)) {
      flags.push({ sentence: original, claim: sentence.slice(sentence.lastIndexOf('(')), facts: `the variant is not among the graph facts (file ${s.name})`, action: 'removed' });
      continue;
    }
    // "50 weighted layers", "50 layers with weights", "50 parameterized layers": the grammar's wordings of the count.
    for (const m of [...sentence.matchAll(/\b(\d+) (weighted layers|layers with weights|parameterized layers|parametrized layers|learnable layers)\b/gi)]) {
      if (Number(m[1]) !== s.weightedLayers) {
        flags.push({ sentence: original, claim: m[0], facts: `${s.weightedLayers} weighted layers`, action: 'corrected' });
        sentence = sentence.replace(m[0], `${s.weightedLayers} ${m[2]}`);
      }
    }
    // layer types, blocks, kernel sizes: remove the sentence
    const bad: SummaryFlag[] = [];
    const seen = new Set<string>();
    for (const c of contradictions(sentence, s)) {
      const facts = c.key.startsWith('kernel:')
        ? `kernel sizes are ${s.kernelSizes.join(', ') || 'none'}`
        : c.negated
          ? `the graph has ${c.key.replace(/_/g, ' ')}`
          : `the graph has no ${c.key.replace(/_/g, ' ')}`;
      if (seen.has(c.phrase)) continue;
      seen.add(c.phrase);
      bad.push({ sentence: original, claim: c.phrase, facts, action: 'removed' });
    }
    for (const c of [...familyAndTaskContradictions(sentence, s), ...ideaContradictions(sentence, s)]) {
      if (seen.has(c.claim)) continue;
      seen.add(c.claim);
      bad.push({ sentence: original, claim: c.claim, facts: c.facts, action: 'removed' });
    }
    for (const c of featureContradictions(sentence, s)) {
      if (seen.has(c.claim) || [...seen].some((x) => x.includes(c.claim) || c.claim.includes(x))) continue;
      seen.add(c.claim);
      bad.push({ sentence: original, claim: c.claim, facts: c.facts, action: 'removed' });
    }
    // A repeated sentence is flagged once.
    if (bad.length) flags.push(...bad.filter((f) => !flags.some((o) => o.sentence === f.sentence && o.claim === f.claim)));
    // A decoder can repeat itself: a sentence said twice (up to commas and "and") is kept once.
    else if (!kept.some((k) => sameWording(k, sentence))) kept.push(sentence);
  }
  return { summary: kept.join(' '), flags, generated: text };
}

/**
 * A family the sentence names that the structural family guess does not
 * confirm (also any family for a graph no known family matches: it cannot be
 * backed), and a task the outputs contradict.
 */
function familyAndTaskContradictions(sentence: string, s: ArchSummary): Array<{ claim: string; facts: string }> {
  // A bracketed model name ("ssdlite model (ssdlite320_mobilenet_v3_large)") echoes the file, not a family claim.
  const lower = sentence.toLowerCase().replace(/\([^)]*\)/g, ' ');
  const out: Array<{ claim: string; facts: string }> = [];
  // An idea's words name no family of their own ("no channel shuffle" is not a ShuffleNet claim): the idea check reads them.
  for (const fam of familyMentions(blankSpans(lower, ideaMentions(lower)), { specificOnly: true })) {
    // Detection / segmentation families are heads on a backbone the structural guess names instead
    // ("an ssdlite model" on a MobileNetV3): their claim is checked through the task.
    const purpose = familyInfo(fam)?.purpose ?? '';
    if (/detect|segment|keypoint|pose|optical flow/.test(purpose) && !/classification/.test(purpose)) continue;
    if (!familyAgrees(s, fam)) out.push({ claim: fam, facts: s.family ? `the graph's structure matches ${s.family}` : 'no known family matches the graph' });
  }
  // One task named and contradicted; a sentence naming several ("a backbone for detection and segmentation") states a purpose.
  const tasks = statedTasks(lower);
  if (tasks.length === 1 && !taskMatches(s, tasks[0]!.task)) out.push({ claim: tasks[0]!.text, facts: `the task the outputs show is ${s.task}` });
  return out;
}

/**
 * A design idea the sentence names ("ideas: dense blocks, layer scale") that
 * the idea detectors do not find in the graph (or one it says is absent that
 * they do find). Ideas the feature vocabulary names whole ("depthwise
 * separable convolutions") are left to the feature check, as in find
 * (queryIdeas). A summary from an index without ideas is not checked here.
 */
function ideaContradictions(sentence: string, s: ArchSummary): Array<{ claim: string; facts: string }> {
  const found = s.ideas;
  if (!found) return [];
  const out: Array<{ claim: string; facts: string }> = [];
  for (const w of queryIdeas(sentence).ideas) {
    const has = Object.hasOwn(found, w.id);
    if (w.present !== has) out.push({ claim: w.text, facts: has ? `the graph shows ${ideaLabel(w.id)}` : `the idea detectors do not find ${ideaLabel(w.id)} in the graph` });
  }
  return out;
}

function checkedCost(c: CheckedSummary): number {
  const removed = new Set(c.flags.filter((f) => f.action === 'removed').map((f) => f.sentence)).size;
  const kept = splitSentences(c.summary).length;
  return 1000 * (removed - kept) + c.flags.length;
}

/** The beam width a description is retried with when every hypothesis of the first beam has a contradicted sentence. */
export const WIDE_BEAM_WIDTH = 8;
/** The last retry, only when not one sentence of the wide beam's best survives (an empty summary is the worst answer). */
export const LAST_BEAM_WIDTH = 16;

/**
 * The checked description of an encoded architecture: the beam's hypotheses
 * checked against the facts (bestChecked). When the facts contradict a
 * sentence of even the best of them (typically a family the model never saw),
 * the search is rerun with a wider beam, whose extra hypotheses often say the
 * same things without the wrong claim; the better of the two is kept. If
 * nothing at all survives, once more with LAST_BEAM_WIDTH (directly, when the
 * first beam kept nothing). The common case (nothing contradicted) costs one beam.
 */
export async function describeChecked(set: ModelSet, arch: ArchEncoding, s: ArchSummary, width = DEFAULT_BEAM_WIDTH, widen = true): Promise<CheckedSummary> {
  let best = bestChecked(await generateCaptions(set, arch, width), s);
  if (!widen) return best;
  const retry = async (w: number) => {
    const wide = bestChecked(await generateCaptions(set, arch, w), s);
    if (checkedCost(wide) < checkedCost(best)) best = wide;
  };
  const empty = () => !best.summary.trim();
  // A first beam that kept nothing at all is far off: it goes straight to the last width.
  if (width < WIDE_BEAM_WIDTH && !empty() && best.flags.some((f) => f.action === 'removed')) await retry(WIDE_BEAM_WIDTH);
  if (width < LAST_BEAM_WIDTH && empty()) await retry(LAST_BEAM_WIDTH);
  return best;
}

/**
 * Checks every hypothesis of the beam (best first) and keeps the one that
 * says most that the facts confirm: most sentences kept less sentences
 * removed, then fewest corrected counts; ties go to the likelier hypothesis.
 */
export function bestChecked(hypotheses: string[], s: ArchSummary): CheckedSummary {
  let best: CheckedSummary | null = null;
  let bestCost = Infinity;
  for (const h of hypotheses) {
    const c = checkClaims(h, s);
    const cost = checkedCost(c);
    if (cost < bestCost) {
      best = c;
      bestCost = cost;
    }
  }
  return best ?? { summary: '', flags: [], generated: '' };
}

const sameWording = (a: string, b: string) => {
  const key = (t: string) => t.toLowerCase().replace(/\band\b/g, ' ').replace(/[^a-z0-9]+/g, ' ').trim();
  return key(a) === key(b);
};

const escapeRe = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The summary's sentence naming the design ideas found in the graph, most
 * characteristic first (keyIdeas), with their counts: "Design ideas: fire
 * modules (8), global average pooling head." Built from facts.ideas alone, so
 * it needs no check; empty when the catalogue found nothing.
 */
export function ideasSentence(ideas: Readonly<Record<string, IdeaFinding>>, familyGuess: string | null): string {
  const ranked = keyIdeas(ideas, familyGuess);
  if (!ranked.length) return '';
  const said = ranked.map((id) => {
    const c = ideas[id]!.count;
    return c !== null && c > 1 ? `${ideaLabel(id)} (${c})` : ideaLabel(id);
  });
  return `Design ideas: ${said.join(', ')}.`;
}

/** The beam's best hypothesis. */
export async function generateCaption(set: ModelSet, arch: ArchEncoding, width = DEFAULT_BEAM_WIDTH): Promise<string> {
  return (await generateCaptions(set, arch, width))[0] ?? '';
}

/** Beam search over the one-step caption decoder for one encoded architecture: every finished hypothesis, best first. */
export async function generateCaptions(set: ModelSet, arch: ArchEncoding, width = DEFAULT_BEAM_WIDTH): Promise<string[]> {
  return (await captionBeam(set, arch, width)).map((h) => set.tokenizer.decode(h.tokens));
}

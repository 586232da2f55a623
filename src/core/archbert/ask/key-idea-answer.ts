/**
 * "What is its key idea?", "what makes this architecture special?", "main
 * building block?" (one idea: kind "value") and "which design ideas does it
 * use?" (all of them: kind "choice"), answered from the idea catalogue's
 * findings (facts.ideas) ranked by keyIdeas (graph/ideas/key-ideas.ts), not
 * from the learned head, which was never taught these ideas.
 *
 * The question words are those people use for an architecture's
 * contribution ("key idea", "main innovation", "what is it known for",
 * "signature feature") or for its set of design choices ("design ideas",
 * "architectural tricks", "design patterns"). As with the family (whose
 * typed value is the facts' family key), the typed value is the facts' idea
 * id ("dense_connectivity", the key of facts.ideas and of `find`'s
 * constraints); the sentence names the ideas in words (ideaLabel).
 */
import type { OpGraph } from '../../graph/types.js';
import type { IdeaFinding } from '../../graph/ideas/context.js';
import { isGenericIdea, familyDefiningIdeas, keyIdeas } from '../../graph/ideas/key-ideas.js';
import { ideaLabel } from '../language/idea-phrases.js';
import { normalizeQuestion, type AskKind } from '../language/question.js';
import { list } from './answers/common.js';
import { MAX_EVIDENCE } from './evidence.js';

export interface KeyIdeaAnswer {
  kind: AskKind;
  answer: string;
  value: string | string[];
  evidence: Array<{ node: string; op: string }>;
}

/** The one idea that characterises the architecture (answered with the first-ranked idea). */
const ONE_IDEA = new RegExp(
  [
    String.raw`\b(?:key|main|core|central|big|principal|primary|defining|chief|fundamental|most important|distinctive|signature|characteristic)\s+(?:design\s+|architectural\s+)?(?:idea|innovation|insight|contribution|trick|feature|concept|novelty|ingredient|component|principle)\b`,
    String.raw`\b(?:main|basic|core|key|fundamental|repeated|recurring)\s+building\s+blocks?\b`,
    String.raw`\bbuilding\s+block\s+(?:of|in)\s+(?:it|this|the)\b`,
    String.raw`\bwhat\s+(?:makes|made)\s+(?:it|this|the)\b.*\b(?:special|unique|different|distinctive|stand out|novel|interesting)\b`,
    String.raw`\b(?:known|famous|remembered|notable|noted)\s+for\b`,
    String.raw`\bwhat(?:'s| is)\s+(?:new|novel|special|unique|distinctive)\s+(?:about|in)\b`,
    String.raw`\b(?:idea|trick|innovation)\s+behind\b`,
    String.raw`\bhallmark\b`,
  ].join('|'),
);

/** The ideas as a list ("which design ideas", "what architectural tricks", "list its design choices"). */
const ALL_IDEAS = /\b(?:design|architectural|architecture|structural)\s+(?:ideas|choices|patterns|tricks|techniques|motifs|elements|principles|decisions|features)\b|\b(?:which|what|list)\b.*\b(?:ideas|tricks|innovations)\b/;

/** A yes/no question or statement ("is its key idea channel shuffle?") is not asking for the idea itself. */
const YES_NO_START = /^(?:is|are|does|do|did|was|were|has|have|can|could|will|would|should)\b/;

/**
 * The answer from the ideas, or null when the question does not ask for the
 * key idea or the design ideas.
 */
export function answerKeyIdeaQuestion(question: string, ideas: Readonly<Record<string, IdeaFinding>>, familyGuess: string | null, og: OpGraph): KeyIdeaAnswer | null {
  const q = normalizeQuestion(question).replace(/[?.!]+$/, '');
  if (YES_NO_START.test(q)) return null;
  const many = ALL_IDEAS.test(q) && !ONE_IDEA.test(q);
  if (!many && !ONE_IDEA.test(q)) return null;
  const ranked = keyIdeas(ideas, familyGuess);
  const said = (id: string) => {
    const c = ideas[id]!.count;
    return c !== null && c > 1 ? `${ideaLabel(id)} (${c})` : ideaLabel(id);
  };
  if (many) {
    if (!ranked.length) return { kind: 'choice', answer: 'No named design idea was found in the graph', value: [], evidence: [] };
    return { kind: 'choice', answer: `Design ideas, most characteristic first: ${list(ranked.map(said))}`, value: ranked, evidence: evidenceOf(og, ranked.flatMap((id) => ideas[id]!.evidence.slice(0, 2))) };
  }
  if (!ranked.length) return { kind: 'value', answer: 'No named design idea was found in the graph', value: 'none', evidence: [] };
  const first = ranked[0]!;
  const others = ranked.slice(1).filter((id) => !isGenericIdea(id)).slice(0, 4);
  // A generic idea leads only when nothing else was found; the answer says it is not distinctive, unless the family is defined by it (ResNet's residual learning).
  const generic = isGenericIdea(first) && !familyDefiningIdeas(familyGuess).includes(first);
  const head = generic ? `No distinctive design idea was found; the most characteristic is ${said(first)}` : `${cap(said(first))}`;
  return { kind: 'value', answer: `${head}${others.length ? `; also ${list(others.map(said))}` : ''}`, value: first, evidence: evidenceOf(og, ideas[first]!.evidence) };
}

const cap = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/** The findings' node ids as evidence (source node id, op category), in the form of the other answers'. */
function evidenceOf(og: OpGraph, ids: readonly string[]): Array<{ node: string; op: string }> {
  const byId = new Map(og.nodes.map((n) => [n.id, n]));
  return [...new Set(ids)].slice(0, MAX_EVIDENCE).flatMap((id) => {
    const n = byId.get(id);
    return n ? [{ node: n.sources[0] ?? n.id, op: n.category }] : [];
  });
}

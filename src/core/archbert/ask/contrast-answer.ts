/**
 * A contrast that names a design idea ("does it use channel shuffle but no
 * squeeze-and-excitation?", "SE blocks instead of channel shuffle?"): each
 * half is asked on its own, from the facts alone, and the answer is true when
 * the first half holds and nothing the second half excludes is there. The
 * rules' contrast (language/question.ts CONTRAST → a presence intent) reads
 * only feature words, so the idea half was dropped and the rest read as one
 * negation. Contrasts of features alone stay with the rules.
 */
import type { AskAnswer } from '../ask.js';
import { contrastHalves } from '../language/question.js';
import { queryIdeas } from '../language/query-ideas.js';
import { ideaMentions } from '../language/idea-phrases.js';
import { featurePhrases } from '../language/feature-phrases.js';
import { yesNo } from './answers/common.js';

/** `ask` answers one plain question from the facts (no learned view). */
export function answerIdeaContrast(question: string, ask: (q: string) => AskAnswer): Omit<AskAnswer, 'question' | 'confidence'> | null {
  const halves = contrastHalves(question);
  if (!halves) return null;
  // An idea whose words are a feature phrase whole ("squeeze-and-excitation") is the rules' already.
  if (!queryIdeas(halves.used).ideas.length && !queryIdeas(halves.excluded).ideas.length) return null;
  const items = excludedItems(halves.excluded);
  if (!items) return null;
  const first = ask(halves.kind === 'yes_no' ? `${halves.used}?` : halves.used);
  const others = items.map((item) => ask(`does it use ${item}?`));
  const decided = (a: AskAnswer) => typeof a.value === 'boolean' && a.confidence === 1 && (a.kind === 'yes_no' || a.kind === 'statement');
  if (![first, ...others].every(decided)) return null;
  const truth = first.value === true && others.every((a) => a.value === false);
  const detail = (a: AskAnswer) => a.answer.replace(/^(?:Yes|No|True|False): /, '');
  return {
    kind: halves.kind,
    answer: yesNo(halves.kind, truth, [first, ...others].map(detail).join('; ')),
    value: truth,
    evidence: [first, ...others].flatMap((a) => a.evidence),
  };
}

/**
 * The things the second half excludes: "relu and no batch norm", "layer norm or attention" → each one.
 * Split at commas, "and", "or", "nor" outside the idea and feature names ("squeeze-and-excitation"
 * keeps its "and"); null when a part names neither, since the facts could not answer it.
 */
function excludedItems(text: string): string[] | null {
  const named = [...ideaMentions(text), ...featurePhrases(text)];
  const inside = (at: number) => named.some((m) => at > m.start && at < m.end);
  const items: string[] = [];
  let from = 0;
  for (const m of text.matchAll(/\s*(?:,\s*(?:and|or|nor)?|\s(?:and|or|nor))\s+/g)) {
    if (inside(m.index!)) continue;
    items.push(text.slice(from, m.index));
    from = m.index! + m[0].length;
  }
  items.push(text.slice(from));
  // Each item's own cue and article go ("no batch norm", "without any attention" → the name).
  const cleaned = items.map((t) => t.trim().replace(/^(?:(?:no|not|without|any|a|an)\s+)+/, '')).filter(Boolean);
  const names = (t: string) => ideaMentions(t).length > 0 || featurePhrases(t).length > 0;
  return cleaned.length && cleaned.every(names) ? cleaned : null;
}

/**
 * Question–answer pairs about design ideas, answered from the ideas the
 * catalogue found in the graph (ArchSummary.ideas): "what is its key idea?"
 * (the key ideas' labels, or none), "does it use channel shuffle?" (yes / no,
 * asked as often of a plausible absent idea as of a present one) and "how
 * many fire modules does it have?" (the detector's count, 0 when absent).
 * Answers are the ideas' labels (the first phrase of IDEA_PHRASES), the words
 * `ask` answers with, so they enter answers.json like every other answer.
 */
import type { ArchSummary } from '../facts/arch-summary.js';
import { COUNTED_IDEAS, ideaAnswer, ideaCount, ideaPresent, ideaWords, isPluralNoun, keyIdeas, namedIdeas, plausibleAbsentIdeas, sayIdea } from './idea-text.js';
import type { Rng } from './rng.js';

/** The shape of qa.ts's pairs (repeated here so the two files do not import each other). */
export interface IdeaQA {
  template: string;
  question: string;
  answers: string[];
}

type Template = (s: ArchSummary, rng: Rng) => IdeaQA | null;

const NONE = 'none';

export const IDEA_QA_TEMPLATES: Template[] = [
  (s, rng) => {
    if (!s.ideas) return null;
    const key = keyIdeas(s);
    return {
      template: 'key_idea',
      question: rng.pick([
        'what is its key idea?',
        'what is the key design idea of this network?',
        'which design ideas does it use?',
        'what are its main architectural ideas?',
        'what is this architecture built around?',
        'which named design ideas does it have?',
      ]),
      answers: key.length ? key.map(ideaAnswer) : [NONE],
    };
  },
  (s, rng) => {
    if (!s.ideas) return null;
    const present = namedIdeas(s);
    const absent = plausibleAbsentIdeas(s);
    const pool = present.length && (!absent.length || rng.chance(0.5)) ? present : absent;
    if (!pool.length) return null;
    const id = rng.pick(pool);
    // words the checkers read with the same answer ("dilated convolutions" asked of depthwise dilated convs would be read as yes)
    const w = ideaWords(id, s, rng);
    if (w === null) return null;
    return {
      template: 'has_idea',
      question: rng.pick([`does it use ${w}?`, `does it have ${w}?`, `does the network contain ${w}?`, `is it built with ${w}?`]),
      answers: [ideaPresent(s, id) ? 'yes' : 'no'],
    };
  },
  (s, rng) => {
    if (!s.ideas) return null;
    const counted = namedIdeas(s).filter((id) => COUNTED_IDEAS.has(id) && ideaCount(s, id) !== null);
    // now and then an absent countable idea, whose answer is 0
    const absent = plausibleAbsentIdeas(s).filter((id) => COUNTED_IDEAS.has(id));
    const pool = counted.length && (!absent.length || rng.chance(0.8)) ? counted : absent;
    if (!pool.length) return null;
    const id = rng.pick(pool);
    // "how many" needs a countable plural: other words fall back to the label's plural
    const said = sayIdea(rng, id);
    const w = isPluralNoun(said) ? said : sayIdea(rng, id, { label: true });
    return {
      template: 'idea_count',
      question: rng.pick([`how many ${w} does it have?`, `how many ${w} are there?`, `what is the number of ${w}?`]),
      answers: [String(ideaCount(s, id))],
    };
  },
];

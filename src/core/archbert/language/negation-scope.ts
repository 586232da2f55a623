/**
 * Which words of a statement a negation covers, for the checkers that read
 * generated text back against the facts (facts/fact-check.ts, describe's
 * feature check, the grammar's own consistency test in data/idea-text.ts).
 *
 * Reading "not" anywhere in a sentence as negating all of it gets mixed
 * sentences wrong both ways: "it has batch norm but no lstm" said of a graph
 * with neither passed as true (both read as absent), and said of a graph with
 * both was removed as false. Here a word is negated when:
 *   - the last cue before it in its clause is a negative one ("it has no x",
 *     "without x or y", "uses x instead of y", "neither x nor y"); a positive
 *     cue ("uses", "has", "with") ends the scope of an earlier negation;
 *   - or the words right after it deny it ("x is not used", "x are absent",
 *     "x-free", "normalization: none").
 * A clause ends at ";", ".", or a contrast word ("but", "while", "whereas",
 * "although", "though", "however", "yet"). Commas do not end one: a negated
 * list ("it has no x, y or z") is the grammar's common form.
 */

const CLAUSE_END = /;|\.(?!\d)|\b(?:but|while|whereas|although|though|however|yet)\b/g;

// Longer cues first, so "does not use" is read before "use" and "has no" before "has".
const NEGATIVE_CUES = [
  'does not use', 'do not use', "doesn't use", "don't use", 'does not have', "doesn't have", 'not using',
  'there is no', 'there are no', 'with no', 'has no', 'have no', 'instead of', 'rather than', 'free of',
  'without', 'w/o', 'lacking', 'lacks', 'lack', 'excluding', 'neither', 'nor', 'never', 'none', 'not', 'no',
  "doesn't", "don't", "isn't", "aren't",
];
const POSITIVE_CUES = [
  'built from', 'built on', 'built with', 'based on', 'relies on', 'using', 'uses', 'use', 'has', 'have',
  'having', 'contains', 'containing', 'includes', 'including', 'features', 'featuring', 'with', 'w/', 'plus',
];
const escape = (s: string) => s.replace(/[/\\^$*+?.()|[\]{}]/g, '\\$&');
const CUE = new RegExp(
  `(?<![a-z0-9'/-])(${[...NEGATIVE_CUES, ...POSITIVE_CUES].sort((a, b) => b.length - a.length).map(escape).join('|')})(?![a-z0-9'/-])`,
  'g',
);
const NEGATIVE = new Set(NEGATIVE_CUES);

/** Words right after a mention that deny it ("is not used", "are absent", "-free", ": none"). */
const DENIED_AFTER = /^(?:(?:\s+[a-z-]+){0,2}?\s+(?:(?:is|are|was|were)\s+(?:not|never|absent)\b|(?:isn't|aren't|wasn't|weren't)(?![a-z]))|-(?:free|less)\b|\s*:\s*none\b)/;

/** Where the clause holding position `at` starts. */
function clauseStart(text: string, at: number): number {
  let start = 0;
  for (const m of text.matchAll(CLAUSE_END)) {
    if (m.index! >= at) break;
    start = m.index! + m[0].length;
  }
  return start;
}

/** Whether the phrase at [start, end) of a lower-case statement is said to be absent. */
export function negatedAt(text: string, start: number, end: number): boolean {
  if (DENIED_AFTER.test(text.slice(end))) return true;
  const clause = text.slice(clauseStart(text, start), start);
  let negative = false;
  let prevEnd = 0;
  for (const m of clause.matchAll(CUE)) {
    // A positive verb right after a negative one keeps the negation ("isn't using", "never has").
    const joined: boolean = negative && /^\s*$/.test(clause.slice(prevEnd, m.index!));
    negative = NEGATIVE.has(m[1]!) || joined;
    prevEnd = m.index! + m[0].length;
  }
  return negative;
}

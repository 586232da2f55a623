/**
 * Matching a table of named phrases (id → the phrases that name it) in text:
 * the one home of the phrase patterns the idea words (idea-phrases.ts) and the
 * finer-task words (task-details.ts) are found with. A phrase matches with
 * spaces and hyphens interchangeable, "/" with or without spaces, "conv(s)"
 * for "convolution(s)", and a plural ending, as a whole word sequence.
 */

export interface PhraseMention {
  id: string;
  /** the words as written in the text */
  text: string;
  start: number;
  end: number;
}

interface CompiledPhrase {
  id: string;
  phrase: string;
  re: RegExp;
  all: RegExp;
  /** A piece of text every match contains: the pattern runs only on texts holding it. */
  cue: string;
}

/** A phrase table compiled once: its phrases, longest first (longer phrases claim their words first). */
export interface PhraseTable {
  readonly phrases: readonly CompiledPhrase[];
}

export function compilePhrases(table: Readonly<Record<string, readonly string[]>>): PhraseTable {
  const phrases = Object.entries(table)
    .flatMap(([id, ps]) => ps.map((phrase) => ({ id, phrase, re: phraseRegex(phrase), cue: cueOf(phrase) })))
    .map((p) => ({ ...p, all: new RegExp(p.re.source, 'g') }))
    .sort((a, b) => b.phrase.length - a.phrase.length);
  return { phrases };
}

/**
 * The start of the phrase's longest word, which plurals, hyphens and "conv"
 * for "convolution" keep, so that a few hundred patterns run only on texts
 * that could match them.
 */
function cueOf(phrase: string): string {
  const longest = phrase.split(/[^a-z0-9]+/).reduce((a, b) => (b.length > a.length ? b : a), '');
  return longest.slice(0, 4);
}

/** Spaces and hyphens interchangeable, "/" with or without spaces, "conv(s)" for "convolution(s)", plurals. */
function phraseRegex(phrase: string): RegExp {
  const body = phrase
    .split(/([\s-]+|\/)/)
    .filter((p) => p !== '')
    .map((p) => (/^[\s-]+$/.test(p) ? String.raw`[\s-]*` : p === '/' ? String.raw`\s*/\s*` : p === 'convolution' ? 'conv(?:olution)?' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(String.raw`(?<![a-z0-9])${body}(?:s|es)?(?![a-z0-9])`);
}

/** Lower case, straight quotes, "x" for "×": one character for one character, so positions stay those of the text. */
const canonical = (text: string): string => text.toLowerCase().replace(/[‘’]/g, "'").replace(/×/g, 'x');

/** The longest phrase of the table found in the text (its first occurrence), or null. */
export function longestMention(table: PhraseTable, text: string): PhraseMention | null {
  const t = canonical(text);
  for (const { id, re, cue } of table.phrases) {
    if (!t.includes(cue)) continue;
    const m = re.exec(t);
    if (m) return { id, text: m[0], start: m.index, end: m.index + m[0].length };
  }
  return null;
}

/** Every phrase of the table in the text, in text order, none overlapping another (longer phrases first). */
export function allMentions(table: PhraseTable, text: string): PhraseMention[] {
  const t = canonical(text);
  const found: PhraseMention[] = [];
  for (const { id, all, cue } of table.phrases) {
    if (!t.includes(cue)) continue;
    for (const m of t.matchAll(all)) {
      const start = m.index!;
      const end = start + m[0].length;
      if (found.some((f) => start < f.end && f.start < end)) continue;
      found.push({ id, text: m[0], start, end });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/**
 * The design ideas and finer tasks a query names, for `find`:
 *
 *   "the one with fire modules", "uses channel shuffle"   → idea wanted present
 *   "no channel shuffle", "shuffle-free", "rather than SE"  → idea wanted absent
 *   "a pose estimation net", "super-resolution model"       → finer task (task-details.ts)
 *
 * They are wishes, not hard constraints: find ranks the models that show
 * them above those that do not (feature agreement), so a detector that misses
 * an idea on one graph lowers that graph, but never hides it.
 *
 * An idea phrase that the feature vocabulary names whole ("depthwise separable
 * convolutions", "squeeze-and-excitation") is left to the feature rules,
 * which count blocks exactly. Feature words lying inside an idea phrase
 * ("convolutions" in "asymmetric convolutions", "pooling" in "atrous spatial
 * pyramid pooling") are `shadowed`: the query does not ask for them alone;
 * so are the modality and task words inside one ("token" in "token-mixing
 * MLPs", "encoder-decoder" in "U-shaped encoder-decoder"): `wordsOutsideIdeas`.
 */
import { featurePhrases } from './feature-phrases.js';
import { ideaMentions, type IdeaMention } from './idea-phrases.js';
import { expandQuery } from './query-text.js';
import { taskDetailMentions } from './task-details.js';

export interface IdeaWish {
  id: string;
  /** false when the query wants the idea absent ("without channel shuffle"). */
  present: boolean;
  /** the words of the query that name it */
  text: string;
}

export interface DetailWish {
  detail: string;
  text: string;
}

export interface QueryIdeas {
  ideas: IdeaWish[];
  details: DetailWish[];
  /** Feature keys the query names only inside an idea phrase. */
  shadowed: Set<string>;
  /** Where the ideas are named in the expanded query (query-text.ts expandQuery). */
  spans: Array<{ start: number; end: number }>;
}

/** Cue words before an idea: the last one in its clause decides whether it is wanted. */
const CUE = /(without|with no|w\/o|not using|not use|doesn't use|does not use|don't use|doesn't have|does not have|lacking|lacks|free of|excluding|avoiding|avoids|instead of|rather than|no|not|never|with|w\/|using|uses|use|has|having|have|built from|built on|built with|based on|containing|contains|featuring|that)$/;
const NEGATIVE_CUE = /^(without|with no|w\/o|not|doesn't|does not|don't|lacking|lacks|free of|excluding|avoid|instead of|rather than|no|never)/;

/** The ideas, finer tasks and shadowed feature keys of a query. */
export function queryIdeas(query: string): QueryIdeas {
  const q = expandQuery(query);
  // The spelling repair may turn an idea's word into a feature word ("deconvolution" → "convolution"): read ideas from both forms.
  const raw = query.toLowerCase().replace(/\s+/g, ' ');
  const mentions = ideaMentions(q);
  const features = featurePhrases(q);
  const whole = (m: IdeaMention) => features.some((f) => f.start <= m.start && f.end >= m.end);
  const ideas: IdeaWish[] = [];
  for (const m of mentions) if (!whole(m)) ideas.push({ id: m.id, present: wanted(q, m), text: m.text });
  for (const m of ideaMentions(raw)) {
    if (ideas.some((i) => i.id === m.id) || mentions.some((o) => o.id === m.id)) continue;
    if (featurePhrases(m.text).some((f) => f.start === 0 && f.end >= m.text.length)) continue;
    ideas.push({ id: m.id, present: wanted(raw, m), text: m.text });
  }
  const inside = (f: { start: number; end: number }) => mentions.some((m) => !whole(m) && f.start >= m.start && f.end <= m.end);
  const outside = new Set(features.filter((f) => !inside(f)).map((f) => f.key));
  const shadowed = new Set(features.filter((f) => inside(f) && !outside.has(f.key)).map((f) => f.key));
  const details: DetailWish[] = taskDetailMentions(q).map((d) => ({ detail: d.id, text: d.text }));
  const spans = mentions.filter((m) => !whole(m)).map(({ start, end }) => ({ start, end }));
  return { ideas: dedupe(ideas), details, shadowed, spans };
}

/** Whether the idea is wanted present: by the last cue of its clause, or "-free"/"-less" right after it. */
function wanted(text: string, m: IdeaMention): boolean {
  if (/^(?:-|\s)?(?:free|less)\b/.test(text.slice(m.end))) return false;
  // The clause: back to the last comma, semicolon, full stop, "but" or "while".
  const before = text.slice(0, m.start);
  const clause = before.split(/[,;.]|\bbut\b|\bwhile\b|\bwhereas\b/).pop()!;
  const words = clause.trim().split(/\s+/);
  // The last cue in the clause, tried on ever longer word tails ("does not use" before "use").
  for (let end = words.length; end > 0; end--) {
    for (let start = Math.max(0, end - 3); start < end; start++) {
      const tail = words.slice(start, end).join(' ');
      if (CUE.test(tail) && CUE.exec(tail)![0] === tail) return !NEGATIVE_CUE.test(tail);
    }
  }
  return true;
}

/** One wish per idea: a query that names an idea twice with opposite polarity keeps the first. */
function dedupe(ideas: IdeaWish[]): IdeaWish[] {
  const seen = new Set<string>();
  return ideas.filter((i) => (seen.has(i.id) ? false : (seen.add(i.id), true)));
}

/** Whether a constraint's words occur in the expanded query other than inside an idea's name. */
export function wordsOutsideIdeas(expanded: string, words: string, spans: QueryIdeas['spans']): boolean {
  if (!spans.length) return true;
  for (let at = expanded.indexOf(words); at >= 0; at = expanded.indexOf(words, at + 1)) {
    if (!spans.some((s) => at >= s.start && at + words.length <= s.end)) return true;
  }
  return false;
}

/** The text with the ideas' names blanked out (same length, so positions hold). */
export function blankSpans(text: string, spans: QueryIdeas['spans']): string {
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + ' '.repeat(s.end - s.start) + out.slice(s.end);
  return out;
}

/**
 * `archbert find`: text → architecture search over an index. The learned
 * similarity (cosine of the ArchBERT text and architecture embeddings) is
 * combined with the exact constraints the query states (language/constraints.ts),
 * checked against each entry's facts (language/constraint-check.ts).
 *
 * Entries that satisfy every constraint rank first (by learned score), then
 * the rest (by learned score), so a constraint never empties the result list
 * but never lets a violating model outrank a satisfying one; the features and
 * network kinds a query names without a cue, and a size wish
 * (language/preferences.ts), order the models within each group, and so do
 * the design ideas and finer tasks it names (language/query-ideas.ts: "fire
 * modules", "no channel shuffle", "a pose estimation net"). Each result says
 * why: what the facts say about every constraint, feature and idea named.
 */
import type { ArchSummary } from './facts/arch-summary.js';
import { BLOCK_KINDS } from './facts/arch-summary.js';
import { InputError } from '../errors.js';
import { formatCount } from './language/vocabulary.js';
import { parseConstraints, type Constraint } from './language/constraints.js';
import { satisfies, spatialDims } from './language/constraint-check.js';
import { encoderQueryText, expandQuery } from './language/query-text.js';
import { kindMentions, sizePreference } from './language/preferences.js';
import { quantityOf } from './language/quantity.js';
import { featureLabel, featurePhrases, hasFeature } from './language/feature-phrases.js';
import { ideaLabel } from './language/idea-phrases.js';
import { familyMention } from './language/families.js';
import { blankSpans, queryIdeas, wordsOutsideIdeas, type DetailWish, type IdeaWish, type QueryIdeas } from './language/query-ideas.js';
import { dot, embedTexts } from './model/embed.js';
import type { ModelSet } from './model/model-set.js';
import type { PreparedIndex } from './index/index-directory.js';

function describeConstraint(s: ArchSummary, c: Constraint): string {
  const ok = satisfies(s, c);
  switch (c.kind) {
    case 'max_params':
    case 'min_params':
      return `${formatCount(s.params)} params ${ok ? 'meets' : 'misses'} "${c.text}"`;
    case 'has':
      return `${ok ? 'has' : 'no'} ${featureLabel(c.key)}`;
    case 'has_any': {
      const have = c.keys.filter((k) => hasFeature(s, k));
      return ok ? `has ${have.map(featureLabel).join(' and ')}` : `no ${c.keys.map(featureLabel).join(' or ')}`;
    }
    case 'lacks':
      return `${ok ? 'no' : 'has'} ${featureLabel(c.key)}`;
    case 'task': {
      const st = s.structure;
      const head = st && (st.tokenInputs > 0 || s.recurrent.length > 0)
        ? st.languageModel ? ', per-token vocabulary output' : st.encoderDecoder ? ', encoder-decoder vocabulary output' : st.pooledOutput ? ', one output vector per sequence' : ''
        : '';
      return `task ${s.task}${head}${ok ? '' : ` (not ${c.task.replace(/_/g, ' ')})`}`;
    }
    case 'family':
      return ok ? `structure matches ${c.family}` : `structure is ${s.familyKey ?? 'no known family'}, not ${c.family}`;
    case 'modality':
      return `${s.modality} input${ok ? '' : ` (not ${c.modality})`}`;
    case 'input_size': {
      const dims = spatialDims(s.input);
      return `${dims ? `${dims[0]}x${dims[1]}` : 'unknown'} input ${ok ? 'meets' : 'misses'} "${c.text}"`;
    }
    case 'quantity': {
      const x = quantityOf(s, c.what);
      const name = { depth: 'graph depth', layers: 'weighted layers', macs: 'MACs', flops: 'FLOPs' }[c.what] ?? featureLabel(c.what);
      return `${name} ${x === null ? 'unknown' : ['macs', 'flops'].includes(c.what) ? formatCount(x) : x} ${ok ? 'meets' : 'misses'} "${c.text}"`;
    }
  }
}

/** The `why` of a result: what the facts say that bears on the query. */
export function whyString(s: ArchSummary, query: string, constraints: Constraint[]): string {
  const parts: string[] = [];
  const head = [s.family, `${formatCount(s.params)} params`, s.task].filter(Boolean).join(', ');
  parts.push(head);
  for (const c of constraints) parts.push(describeConstraint(s, c));
  // Features the query mentions that are not already a constraint: present or not.
  const constrained = new Set(constraints.flatMap((c) => ('key' in c ? [c.key] : 'keys' in c ? c.keys : [])));
  const { keys, kinds, ideas, details } = queryMentions(query);
  const mentioned = keys.filter((k) => !constrained.has(k));
  for (const k of mentioned) parts.push(`${hasFeature(s, k) ? 'has' : 'no'} ${featureLabel(k)}`);
  for (const k of kinds) if (s.kind !== k) parts.push(`a ${s.kind} network, not a ${k} one`);
  for (const i of ideas) parts.push(`${hasIdea(s, i.id) ? 'has' : 'no'} ${ideaLabel(i.id)}`);
  for (const d of details) parts.push(`${s.taskDetail === d.detail ? 'task' : 'task not'} ${d.detail.replace(/_/g, ' ')}`);
  if (mentioned.length === 0 && constraints.length === 0 && ideas.length === 0 && details.length === 0) {
    // Attention first, then the other block kinds, then recurrence.
    const notable = ['attention', ...BLOCK_KINDS.filter((b) => b !== 'attention'), 'recurrent'].filter((k) => hasFeature(s, k));
    if (notable.length) parts.push(notable.map((k) => k.replace(/_/g, ' ')).join(', '));
    if (s.norms.length) parts.push(s.norms.map((n) => n.replace(/_/g, ' ')).join(', '));
  }
  return [...new Set(parts)].join('; ');
}

export interface Candidate {
  file: string;
  name: string;
  summary: ArchSummary;
  /** Learned cosine similarity to the query. */
  score: number;
}

export interface FindResult {
  file: string;
  name: string;
  score: number;
  why: string;
}

interface Mentions {
  keys: string[];
  kinds: ReturnType<typeof kindMentions>;
  ideas: IdeaWish[];
  details: DetailWish[];
  /** Feature keys named only inside an idea's words ("convolutions" in "asymmetric convolutions"). */
  shadowed: Set<string>;
  spans: QueryIdeas['spans'];
}

/** The query's feature keys, kind words, ideas and finer tasks, parsed once per query rather than once per candidate. */
let lastMentions: (Mentions & { query: string }) | null = null;
function queryMentions(query: string): Mentions {
  if (lastMentions?.query !== query) {
    const { ideas, details, shadowed, spans } = queryIdeas(query);
    const keys = [...new Set(featurePhrases(expandQuery(query)).map((p) => p.key))].filter((k) => !shadowed.has(k));
    lastMentions = { query, keys, kinds: kindMentions(query), ideas, details, shadowed, spans };
  }
  return lastMentions;
}

/** Whether the facts found a design idea (ArchSummary.ideas is read from JSON index files: own keys only). */
function hasIdea(s: ArchSummary, id: string): boolean {
  return s.ideas !== undefined && Object.hasOwn(s.ideas, id);
}

/** The constraints a query states, less those read from words that are only part of an idea's name. */
export function queryConstraints(query: string): Constraint[] {
  const { shadowed, spans } = queryMentions(query);
  const expanded = expandQuery(query);
  return parseConstraints(query).filter((c) => {
    if (c.kind === 'has' || c.kind === 'lacks') return !shadowed.has(c.key);
    if (c.kind === 'has_any') return !c.keys.every((k) => shadowed.has(k));
    if (c.kind === 'modality' || c.kind === 'task') return wordsOutsideIdeas(expanded, c.text, spans);
    // "without channel shuffle" names no ShuffleNet: a family read from an idea's words is left to the idea.
    if (c.kind === 'family') return familyMention(blankSpans(expanded, spans), { specificOnly: true }) === c.family;
    return true;
  });
}

/**
 * Share of the features a query names without a cue ("a GRU language model",
 * "layer norm and gelu"; "with …"/"without …" are hard constraints) that the
 * facts confirm; null when it names none.
 */
export function featureAgreement(s: ArchSummary, query: string, constraints: Constraint[]): number | null {
  const constrained = new Set(constraints.flatMap((c) => ('key' in c ? [c.key] : 'keys' in c ? c.keys : [])));
  const { keys: all, kinds, ideas, details } = queryMentions(query);
  const keys = all.filter((k) => !constrained.has(k));
  if (!keys.length && !kinds.length && !ideas.length && !details.length) return null;
  // A hybrid (convolutions and attention) is half a convnet and half a transformer.
  const kindScore = kinds.reduce((a, k) => a + (s.kind === k ? 1 : s.kind === 'hybrid' ? 0.5 : 0), 0);
  const ideaScore = ideas.filter((i) => hasIdea(s, i.id) === i.present).length;
  const detailScore = details.filter((d) => s.taskDetail === d.detail).length;
  return (keys.filter((k) => hasFeature(s, k)).length + kindScore + ideaScore + detailScore) / (keys.length + kinds.length + ideas.length + details.length);
}

/**
 * Ranks candidates. With the exact facts (the default), in this order:
 * every hard constraint met; the larger share of the features the query
 * names that the facts confirm (a named layer type is wanted, but one missing
 * feature does not drop a model below those with none); then the learned
 * cosine, which is the reported score. Without (`exact: false`): the learned
 * cosine only. Ties by file name, for determinism.
 */
export function rankCandidates(query: string, cands: Candidate[], constraints: Constraint[], top: number, opts: { exact?: boolean } = {}): FindResult[] {
  const exact = opts.exact ?? true;
  // "the largest ConvNeXt", "smallest variant": among equally fitting models, by parameter count.
  // Only under a hard constraint (a family, a task, a feature): alone, "tiny" would just pull the smallest graphs of the gallery up.
  const size = exact && constraints.length > 0 ? sizePreference(query) : 0;
  const ranked = cands
    .map((c) => ({
      c,
      ok: exact ? constraints.every((k) => satisfies(c.summary, k)) : true,
      agree: exact ? (featureAgreement(c.summary, query, constraints) ?? 0) : 0,
    }))
    .sort(
      (a, b) =>
        Number(b.ok) - Number(a.ok) ||
        b.agree - a.agree ||
        size * (b.c.summary.params - a.c.summary.params) ||
        b.c.score - a.c.score ||
        (a.c.file < b.c.file ? -1 : 1),
    );
  return ranked.slice(0, top).map(({ c }) => ({
    file: c.file,
    name: c.name,
    score: Math.round(c.score * 1e4) / 1e4,
    why: whyString(c.summary, query, constraints),
  }));
}

export interface SearchOptions {
  top?: number;
  /** Combine with the exact facts: hard constraints and named-feature agreement (default true); false = learned cosine only. */
  constraints?: boolean;
}

/** Runs one query against a prepared index. */
export async function search(set: ModelSet, index: PreparedIndex, query: string, opts: SearchOptions = {}): Promise<FindResult[]> {
  const q = query.trim();
  if (!q) throw new InputError(null, 'empty query: say what you are looking for, e.g. "a small image classifier without attention"');
  const [qe] = await embedTexts(set, [encoderQueryText(q)]);
  // An embedding of another length would score NaN (printed as null): never silently.
  const odd = index.entries.find((e) => e.embedding.length !== qe!.length);
  if (odd) throw new InputError(null, `index entry ${odd.file} has a ${odd.embedding.length}-value embedding but the model gives ${qe!.length}; rebuild the index with \`archbert index DIR\``);
  const cands: Candidate[] = index.entries.map((e) => ({ file: e.file, name: e.name, summary: e.summary, score: dot(qe!, e.embedding) }));
  const exact = opts.constraints !== false;
  const constraints = exact ? queryConstraints(q) : [];
  return rankCandidates(q, cands, constraints, opts.top ?? 5, { exact });
}

/**
 * Text → architecture search over an index: the learned similarity (cosine
 * of the ArchBERT text and architecture embeddings) combined with the exact
 * constraints a query states, checked against each entry's facts:
 *
 *   "under 5M parameters", "more than 100 million params"  → parameter bounds
 *   "without attention", "no batch norm"                    → must be absent
 *   "with batch norm", "using depthwise convolutions"       → must be present
 *   "for detection", "segmentation model"                   → task
 *
 * Entries that satisfy every constraint rank first (by learned score), then
 * the rest (by learned score), so a constraint never empties the result list
 * but never lets a violating model outrank a satisfying one.
 */
import type { ArchSummary } from './arch-summary.js';
import { FAMILY_KNOWLEDGE } from './family-knowledge.js';
import { NAMES } from './vocabulary-text.js';
import { formatCount } from './vocabulary-text.js';

export type Constraint =
  | { kind: 'max_params'; value: number; text: string }
  | { kind: 'min_params'; value: number; text: string }
  | { kind: 'has'; key: string; text: string }
  | { kind: 'lacks'; key: string; text: string }
  | { kind: 'task'; task: TaskKey; text: string }
  | { kind: 'family'; family: string; text: string }
  | { kind: 'modality'; modality: 'image' | 'text'; text: string };

export type TaskKey = 'detection' | 'segmentation' | 'classification' | 'generation' | 'sequence';

/** Presence of a feature key in an architecture's facts (the keys fact-check.ts uses). */
export function hasFeature(s: ArchSummary, key: string): boolean {
  const ops = s.ops;
  const n = (k: string) => (ops[k] ?? 0) > 0;
  switch (key) {
    case 'conv':
      return s.convKinds.length > 0;
    case 'normalization':
      return s.norms.length > 0;
    case 'attention':
    case 'attention_block':
      return s.blocks.attention > 0 || n('attention');
    case 'recurrent':
      return s.recurrent.length > 0;
    case 'residual':
    case 'depthwise_separable':
    case 'squeeze_excitation':
    case 'inverted_residual':
    case 'feature_pyramid':
      return s.blocks[key] > 0;
    case 'softmax':
    case 'log_softmax':
      return s.outputActivations.includes(key) || s.activations.includes(key);
    default:
      if (s.norms.includes(key) || s.activations.includes(key) || s.pooling.includes(key) || s.convKinds.includes(key)) return true;
      return n(key);
  }
}

/** Surface forms → feature keys, longest first ("leaky relu" before "relu"). */
const FEATURE_FORMS: Array<[string, string]> = (() => {
  const forms = new Map<string, string>();
  const skip = new Set(['add', 'mul', 'flatten', 'reshape', 'transpose', 'pad', 'split', 'reduce', 'gather', 'matmul']);
  for (const [key, v] of Object.entries(NAMES)) {
    if (skip.has(key)) continue;
    for (const f of [v.canon, ...v.say]) forms.set(f.replace(/^(an?|the) /, '').replace(/\s*\(.*\)$/, ''), key === 'attention_block' ? 'attention' : key);
  }
  const extra: Array<[string, string]> = [
    ['attention', 'attention'], ['self attention', 'attention'], ['self-attention', 'attention'], ['attention layers', 'attention'], ['transformer blocks', 'attention'],
    ['batch normalisation', 'batch_norm'], ['batchnorm', 'batch_norm'], ['bn', 'batch_norm'], ['layer normalisation', 'layer_norm'], ['group normalisation', 'group_norm'],
    ['normalisation', 'normalization'], ['normalization', 'normalization'], ['normalization layers', 'normalization'], ['norm layers', 'normalization'],
    ['skip connections', 'residual'], ['skip connection', 'residual'], ['residual connections', 'residual'], ['residual connection', 'residual'], ['residuals', 'residual'], ['shortcuts', 'residual'], ['residual blocks', 'residual'],
    ['depthwise convolutions', 'depthwise_conv'], ['depthwise convolution', 'depthwise_conv'], ['depthwise conv', 'depthwise_conv'], ['depthwise convs', 'depthwise_conv'], ['depth-wise convolutions', 'depthwise_conv'],
    ['separable convolutions', 'depthwise_separable'], ['depthwise separable convolutions', 'depthwise_separable'],
    ['se blocks', 'squeeze_excitation'], ['squeeze and excitation', 'squeeze_excitation'], ['squeeze-and-excitation', 'squeeze_excitation'], ['squeeze excitation', 'squeeze_excitation'],
    ['convolutions', 'conv'], ['convolution', 'conv'], ['conv layers', 'conv'], ['convs', 'conv'],
    ['recurrent layers', 'recurrent'], ['recurrence', 'recurrent'], ['recurrent units', 'recurrent'], ['lstms', 'lstm'], ['grus', 'gru'],
    ['dropout', 'dropout'], ['max pool', 'max_pool'], ['max pooling', 'max_pool'], ['maxpool', 'max_pool'], ['average pooling', 'avg_pool'],
    ['swish', 'silu'], ['silu', 'silu'], ['gelu', 'gelu'], ['relu', 'relu'], ['hardswish', 'hard_swish'], ['hard-swish', 'hard_swish'],
    ['dilated convolutions', 'dilated_conv'], ['atrous convolutions', 'dilated_conv'], ['transposed convolutions', 'transposed_conv'], ['deconvolutions', 'transposed_conv'],
    ['grouped convolutions', 'grouped_conv'], ['group convolutions', 'grouped_conv'], ['fpn', 'feature_pyramid'], ['feature pyramid', 'feature_pyramid'],
    ['embeddings', 'embedding'], ['embedding layer', 'embedding'], ['embedding', 'embedding'],
    ['fully connected layers', 'linear'], ['dense layers', 'linear'], ['linear layers', 'linear'],
  ];
  for (const [f, k] of extra) forms.set(f, k);
  return [...forms].sort((a, b) => b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1));
})();

/** Leftmost-longest feature phrases of a text, with their character offsets. */
export function featurePhrases(text: string): Array<{ key: string; phrase: string; start: number; end: number }> {
  const s = text.toLowerCase();
  const out: Array<{ key: string; phrase: string; start: number; end: number }> = [];
  const word = (c: string | undefined) => c !== undefined && /[a-z0-9]/.test(c);
  let i = 0;
  while (i < s.length) {
    if (word(s[i]) && !word(s[i - 1]) && s[i - 1] !== '-') {
      const hit = FEATURE_FORMS.find(([f]) => s.startsWith(f, i) && !word(s[i + f.length]));
      if (hit) {
        out.push({ key: hit[1], phrase: hit[0], start: i, end: i + hit[0].length });
        i += hit[0].length;
        continue;
      }
    }
    i++;
  }
  return out;
}

const UNIT: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, mil: 1e6, million: 1e6, millions: 1e6, b: 1e9, bn: 1e9, billion: 1e9, g: 1e9 };

const NUM = String.raw`(\d+(?:[.,]\d+)?)\s*(k|m|b|bn|mil|thousand|millions?|billion)?\b\s*`;
const PARAM_WORD = String.raw`(?:trainable\s+)?(?:parameters|params|weights)`;
const UPPER = String.raw`(?:under|below|less than|fewer than|smaller than|at most|up to|no more than|not more than|max(?:imum)?(?: of)?|<=?|≤)`;
const LOWER = String.raw`(?:over|above|more than|greater than|bigger than|larger than|at least|no fewer than|min(?:imum)?(?: of)?|>=?|≥)`;

function parseCount(num: string, unit: string | undefined): number {
  return Number(num.replace(',', '.')) * (unit ? UNIT[unit.toLowerCase()] ?? 1 : 1);
}

const TASK_PATTERNS: Array<[RegExp, TaskKey]> = [
  [/\b(object )?detect(ion|ors?|ing)\b|\bbounding boxes\b|\bbox(es)? prediction\b/, 'detection'],
  [/\bsegment(ation|ing|s)?\b|\bper-pixel\b|\bpixel-wise\b|\bdense prediction\b/, 'segmentation'],
  [/\bclassif(y|ies|ying|ication|ier|iers)\b|\brecogni[sz]e?(s|ing)?\b|\brecognition\b/, 'classification'],
  [/\bgenerat(e|es|ing|ion|ive|or|ors)\b|\bimage synthesis\b|\bgan\b|\bautoencoders?\b|\breconstruct(ion|s)?\b/, 'generation'],
  [/\blanguage model(l?ing|s)?\b|\bsequence model(l?ing)?\b|\bnext-token\b|\bsequence-to-sequence\b|\bseq2seq\b|\btranslation\b/, 'sequence'],
];

/** Whether an architecture's task matches a task key (the facts' task guess, in the dataset's wording). */
export function taskMatches(s: ArchSummary, task: TaskKey): boolean {
  const t = s.task.toLowerCase();
  // The facts' "sequence modeling" cannot tell a recurrent text classifier from a language model: both match.
  if (t === 'sequence modeling' && (task === 'classification' || task === 'sequence')) return true;
  switch (task) {
    case 'detection':
      return t.includes('detection') || t.includes('keypoint');
    case 'segmentation':
      return t.includes('segmentation');
    case 'classification':
      return t.includes('classification');
    case 'generation':
      return t.includes('generation') || t.includes('reconstruction') || t.includes('autoencod');
    case 'sequence':
      return t.includes('sequence') || t.includes('language') || t.includes('translation');
  }
}

const FAMILY_FORMS: Array<[string, string]> = (() => {
  const forms: Array<[string, string]> = [];
  for (const [key, info] of Object.entries(FAMILY_KNOWLEDGE)) forms.push([info.display.toLowerCase(), key], [key, key]);
  forms.push(
    ['swin', 'swin'], ['efficientnet v2', 'efficientnetv2'], ['efficientnet-v2', 'efficientnetv2'], ['efficientnet_v2', 'efficientnetv2'],
    ['mobilenet v2', 'mobilenetv2'], ['mobilenet v3', 'mobilenetv3'], ['vision transformer', 'vit'], ['mlp-mixer', 'mlpmixer'], ['wide resnet', 'wideresnet'],
    ['mask r-cnn', 'maskrcnn'], ['faster r-cnn', 'fasterrcnn'], ['shufflenet', 'shufflenetv2'], ['mobilenet', 'mobilenetv2'],
  );
  return forms.sort((a, b) => b[0].length - a[0].length);
})();

/** Words that name a kind of layer or network more than a family: never a family constraint. */
const GENERIC_FAMILY_WORDS = new Set(['transformer', 'rnn', 'lstm', 'gru', 'mlp', 'autoencoder', 'vae', 'dcgan', 'seq2seq', 'tcn', 'inception', 'ssd']);

/** The known family a text names ("swin transformer" → swin), by its longest mention; null when none. */
export function familyMention(q: string, opts: { specificOnly?: boolean } = {}): string | null {
  const text = q.toLowerCase();
  for (const [form, key] of FAMILY_FORMS) {
    if (form.length < 3 || (opts.specificOnly && GENERIC_FAMILY_WORDS.has(key))) continue;
    const re = new RegExp(`(^|[^a-z0-9])${form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9])`);
    if (re.test(text)) return key;
  }
  return null;
}

/**
 * Whether the facts' family guess (structural rules, src/core/graph/family.ts)
 * agrees with a named family. The rules cannot tell EfficientNetV2 from
 * EfficientNet (same blocks), so "efficientnetv2" accepts either.
 */
export function familyAgrees(s: ArchSummary, family: string): boolean {
  const k = s.familyKey?.replace(/[^a-z0-9]/g, '') ?? null;
  if (k === null) return false;
  if (family === 'efficientnetv2') return k === 'efficientnet' || k === 'efficientnetv2';
  return k === family;
}

/** The exact constraints a query states (possibly none). */
export function parseConstraints(query: string): Constraint[] {
  const q = query.toLowerCase().replace(/\s+/g, ' ');
  const out: Constraint[] = [];
  // Parameter bounds: "under 5M parameters", "< 1m params", "with fewer than 500k weights", "5M parameters or less".
  const upper = new RegExp(String.raw`${UPPER}\s*~?\s*${NUM}(?:${PARAM_WORD})?`, 'g');
  const lower = new RegExp(String.raw`${LOWER}\s*~?\s*${NUM}(?:${PARAM_WORD})?`, 'g');
  for (const [re, kind] of [[upper, 'max_params'], [lower, 'min_params']] as const) {
    for (const m of q.matchAll(re)) {
      const hasUnit = Boolean(m[2]);
      const hasWord = new RegExp(PARAM_WORD).test(m[0]);
      // "under 3 layers" is not a parameter bound: a unit or the word "parameters" is required.
      if (!hasUnit && !hasWord) continue;
      if (!hasWord && /^\s*(layers?|blocks?|mb|gb|ms|flops|macs|gflops)\b/.test(q.slice(m.index! + m[0].length))) continue;
      out.push({ kind, value: parseCount(m[1]!, m[2]), text: m[0].trim() });
    }
  }
  for (const m of q.matchAll(new RegExp(String.raw`${NUM}(?:${PARAM_WORD})\s*(or less|or fewer|at most|max|or more|at least|\+)`, 'g'))) {
    const kind = /less|fewer|most|max/.test(m[3]!) ? 'max_params' : 'min_params';
    out.push({ kind, value: parseCount(m[1]!, m[2]), text: m[0].trim() });
  }
  // Presence / absence: scope = the phrases after "with/without/no/…" up to the next clause word.
  const phrases = featurePhrases(q);
  const CUES = /(?:^|\s)(without|with no|w\/o|no|not using|not use|doesn't use|does not use|lacking|free of|excluding|avoiding|with|using|uses|use|that has|has|having|containing|contains|includes|including)$/;
  const FILLER = /(?:^|\s)(and|or|nor|any|a|an|the|some|also|,)$/;
  for (const p of phrases) {
    // Walk back over earlier feature phrases and connectors ("with batch norm and relu": relu's cue is "with").
    let end = p.start;
    for (;;) {
      const before = q.slice(0, end).replace(/\s+$/, '');
      const prev = phrases.find((o) => o.end === before.length);
      if (prev) {
        end = prev.start;
        continue;
      }
      const filler = FILLER.exec(before);
      if (filler) {
        end = before.length - filler[1]!.length;
        continue;
      }
      end = before.length;
      break;
    }
    const cue = CUES.exec(q.slice(0, end));
    if (!cue) continue;
    const negative = /^(without|with no|w\/o|no|not|doesn't|does not|lacking|free|excluding|avoid)/.test(cue[1]!);
    out.push(negative ? { kind: 'lacks', key: p.key, text: `${cue[1]} ${p.phrase}` } : { kind: 'has', key: p.key, text: `${cue[1]} ${p.phrase}` });
  }
  // Task: "for detection", "segmentation network", "an object detector".
  for (const [re, task] of TASK_PATTERNS) {
    const m = re.exec(q);
    if (m && !out.some((c) => c.kind === 'task')) out.push({ kind: 'task', task, text: m[0] });
  }
  // Input modality: "image classifier", "a text model", "for sentences".
  const mod = /\b(image|images|vision|visual|photos?|pictures?)\b/.exec(q) ?? /\b(text|texts|language|sentences?|sentiment|nlp|tokens?|words?)\b/.exec(q);
  if (mod) out.push({ kind: 'modality', modality: /^(image|images|vision|visual|photo|photos|picture|pictures)$/.test(mod[1]!) ? 'image' : 'text', text: mod[0] });
  // Family: "ConvNeXt", "a swin transformer", "resnet under 5M parameters" (structure-based family guess).
  const fam = familyMention(q, { specificOnly: true });
  if (fam) out.push({ kind: 'family', family: fam, text: fam });
  return dedupe(out);
}

function dedupe(cs: Constraint[]): Constraint[] {
  const seen = new Set<string>();
  return cs.filter((c) => {
    const k = JSON.stringify({ ...c, text: undefined });
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function satisfies(s: ArchSummary, c: Constraint): boolean {
  switch (c.kind) {
    case 'max_params':
      return s.params <= c.value;
    case 'min_params':
      return s.params >= c.value;
    case 'has':
      return hasFeature(s, c.key);
    case 'lacks':
      return !hasFeature(s, c.key);
    case 'task':
      return taskMatches(s, c.task);
    case 'family':
      return familyAgrees(s, c.family);
    case 'modality':
      return s.modality === c.modality;
  }
}

function describeConstraint(s: ArchSummary, c: Constraint): string {
  const ok = satisfies(s, c);
  switch (c.kind) {
    case 'max_params':
    case 'min_params':
      return `${formatCount(s.params)} params ${ok ? 'meets' : 'misses'} "${c.text}"`;
    case 'has':
      return `${ok ? 'has' : 'no'} ${c.key.replace(/_/g, ' ')}`;
    case 'lacks':
      return `${ok ? 'no' : 'has'} ${c.key.replace(/_/g, ' ')}`;
    case 'task':
      return `task ${s.task}${ok ? '' : ` (not ${c.task})`}`;
    case 'family':
      return ok ? `structure matches ${c.family}` : `structure is ${s.familyKey ?? 'no known family'}, not ${c.family}`;
    case 'modality':
      return `${s.modality} input${ok ? '' : ` (not ${c.modality})`}`;
  }
}

/** The `why` of a result: what the facts say that bears on the query. */
export function whyString(s: ArchSummary, query: string, constraints: Constraint[]): string {
  const parts: string[] = [];
  const head = [s.family, `${formatCount(s.params)} params`, s.task].filter(Boolean).join(', ');
  parts.push(head);
  for (const c of constraints) parts.push(describeConstraint(s, c));
  // Features the query mentions that are not already a constraint: present or not.
  const constrained = new Set(constraints.flatMap((c) => ('key' in c ? [c.key] : [])));
  const mentioned = [...new Set(featurePhrases(query).map((p) => p.key))].filter((k) => !constrained.has(k));
  for (const k of mentioned) parts.push(`${hasFeature(s, k) ? 'has' : 'no'} ${k.replace(/_/g, ' ')}`);
  if (mentioned.length === 0 && constraints.length === 0) {
    const notable = (['attention', 'residual', 'depthwise_separable', 'squeeze_excitation', 'inverted_residual', 'feature_pyramid', 'recurrent'] as const).filter((k) =>
      hasFeature(s, k),
    );
    if (notable.length) parts.push(notable.map((k) => k.replace(/_/g, ' ')).join(', '));
    if (s.norms.length) parts.push(s.norms.map((n) => n.replace(/_/g, ' ')).join(', '));
  }
  return parts.join('; ');
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

/**
 * Share of the features a query names without a cue ("a GRU language model",
 * "layer norm and gelu"; "with …"/"without …" are hard constraints) that the
 * facts confirm; null when it names none.
 */
export function featureAgreement(s: ArchSummary, query: string, constraints: Constraint[]): number | null {
  const constrained = new Set(constraints.flatMap((c) => ('key' in c ? [c.key] : [])));
  const keys = [...new Set(featurePhrases(query).map((p) => p.key))].filter((k) => !constrained.has(k));
  if (!keys.length) return null;
  return keys.filter((k) => hasFeature(s, k)).length / keys.length;
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
  const ranked = cands
    .map((c) => ({
      c,
      ok: exact ? constraints.every((k) => satisfies(c.summary, k)) : true,
      agree: exact ? (featureAgreement(c.summary, query, constraints) ?? 0) : 0,
    }))
    .sort((a, b) => Number(b.ok) - Number(a.ok) || b.agree - a.agree || b.c.score - a.c.score || (a.c.file < b.c.file ? -1 : 1));
  return ranked.slice(0, top).map(({ c }) => ({
    file: c.file,
    name: c.name,
    score: Math.round(c.score * 1e4) / 1e4,
    why: whyString(c.summary, query, constraints),
  }));
}

/** Spelling the training text does not use (British forms), mapped before the text encoder sees the query. */
export function normalizeQueryText(q: string): string {
  return q
    .replace(/normalis(ation|ed|e)/gi, 'normaliz$1')
    .replace(/\b(optimi|recogni|summari)s(e|ed|es|ing|ation)\b/gi, '$1z$2')
    .replace(/\s+/g, ' ')
    .trim();
}

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
 * but never lets a violating model outrank a satisfying one. The phrases that
 * name a feature, and whether a graph has it, live in features.ts; stated
 * counts ("fewer than 20 SE blocks") in quantity.ts.
 */
import type { ArchSummary, Modality } from './facts/arch-summary.js';
import { FAMILY_KNOWLEDGE } from './facts/family-knowledge.js';
import { formatCount } from './language/vocabulary.js';
import { correctSpelling } from './language/spelling.js';
import { parseQuantities, quantityHolds, quantityOf, type QuantityConstraint } from './language/quantity.js';
import { featureLabel, featurePhrases, hasFeature } from './language/feature-phrases.js';
import { table } from '../graph/formats/table.js';

export type Constraint =
  | { kind: 'max_params'; value: number; text: string }
  | { kind: 'min_params'; value: number; text: string }
  | { kind: 'has'; key: string; text: string }
  /** "LSTM or GRU", "with batch norm or layer norm": at least one of them. */
  | { kind: 'has_any'; keys: string[]; text: string }
  | { kind: 'lacks'; key: string; text: string }
  | { kind: 'task'; task: TaskKey; text: string }
  | { kind: 'family'; family: string; text: string }
  | { kind: 'modality'; modality: Modality; text: string }
  /** "fewer than 20 SE blocks", "depth above 200", "under 1G MACs" (quantity.ts). */
  | QuantityConstraint;

export type TaskKey = 'detection' | 'segmentation' | 'classification' | 'generation' | 'sequence' | 'language_model' | 'seq2seq';

const UNIT: Record<string, number> = table({ k: 1e3, thousand: 1e3, m: 1e6, mil: 1e6, million: 1e6, millions: 1e6, b: 1e9, bn: 1e9, billion: 1e9, g: 1e9 });

const NUM = String.raw`(\d+(?:[.,]\d+)?)\s*(k|m|b|bn|mil|thousand|millions?|billion)?\b\s*`;
const PARAM_WORD = String.raw`(?:trainable\s+)?(?:parameters|params|weights)`;
const UPPER = String.raw`(?:under|below|less than|fewer than|smaller than|at most|up to|no more than|not more than|max(?:imum)?(?: of)?|<=?|≤)`;
const LOWER = String.raw`(?:over|above|more than|greater than|bigger than|larger than|at least|no fewer than|min(?:imum)?(?: of)?|>=?|≥)`;

/**
 * The one parameter count a bound's text states when it is a bare or approximate size ("28m-parameter", "about 50m params"):
 * the value and how loosely it is meant; null for bounds and ranges ("under 5m", "15m to 25m").
 */
export function statedParamCount(text: string): { value: number; approximate: boolean } | null {
  const t = text.toLowerCase();
  if (new RegExp(String.raw`^${UPPER}|^${LOWER}|^(between|from)\b|\d\s*(k|m|b|bn|mil|thousand|millions?|billion)?\s*(-|–|to|and)\s*~?\d`).test(t)) return null;
  const m = new RegExp(NUM).exec(t);
  if (!m) return null;
  return { value: parseCount(m[1]!, m[2]), approximate: /^(about|around|approximately|approx|roughly|circa|~)/.test(t) };
}

function parseCount(num: string, unit: string | undefined): number {
  return Number(num.replace(',', '.')) * (unit ? UNIT[unit.toLowerCase()] ?? 1 : 1);
}

const TASK_PATTERNS: Array<[RegExp, TaskKey]> = [
  [/\b(object )?detect(ion|ors?|ing)\b|\bbounding boxes\b|\bbox(es)? prediction\b/, 'detection'],
  [/\bsegment(ation|ing|s)?\b|\bper-pixel\b|\bpixel-wise\b|\bdense prediction\b/, 'segmentation'],
  [/\bclassif(y|ies|ying|ication|ier|iers)\b|\brecogni[sz]e?(s|ing)?\b|\brecognition\b/, 'classification'],
  [/\bgenerat(e|es|ing|ion|ive|or|ors)\b|\bimage synthesis\b|\bgan\b|\bautoencoders?\b|\breconstruct(ion|s)?\b/, 'generation'],
  [/\blanguage model(l?ing|s)?\b|\bnext[- ](token|word|character|char)\b|\bautoregressive\b|\bcausal lm\b|\bpredicts? the next\b/, 'language_model'],
  [/\bsequence[- ]to[- ]sequence\b|\bseq2seq\b|\bseq[- ]to[- ]seq\b|\btranslation\b|\btranslat(e|es|ing|or)\b|\bencoder-decoder\b/, 'seq2seq'],
  [/\bsequence model(l?ing|s)?\b/, 'sequence'],
];

/** Every task a text names ("for classification and a backbone for detection and segmentation" names three). */
export function statedTasks(text: string): Array<{ task: TaskKey; text: string }> {
  // "dense per-pixel classification" is one task (segmentation), not two.
  const dense = /\b(?:dense |per-pixel |pixel-wise |pixelwise )+classif\w*/.exec(expandQuery(text));
  const q = dense ? expandQuery(text).replace(dense[0], ' ') : expandQuery(text);
  const found = TASK_PATTERNS.flatMap(([re, task]) => {
    const m = re.exec(q);
    return m ? [{ task, text: m[0] }] : [];
  });
  return dense ? [{ task: 'segmentation' as TaskKey, text: dense[0] }, ...found.filter((f) => f.task !== 'segmentation')] : found;
}

/** Whether an architecture's task matches a task key (the facts' task guess, in the dataset's wording). */
export function taskMatches(s: ArchSummary, task: TaskKey): boolean {
  const t = s.task.toLowerCase();
  const st = s.structure;
  // What the outputs predict tells a text classifier (one vector per sequence) from a language model (a vocabulary distribution per token).
  if (st && (st.tokenInputs > 0 || s.recurrent.length > 0)) {
    if (task === 'classification') return st.pooledOutput;
    if (task === 'language_model') return st.languageModel;
    if (task === 'seq2seq') return st.encoderDecoder;
    if (task === 'generation' && (st.languageModel || st.encoderDecoder)) return true;
  }
  if (task === 'language_model') return st ? st.languageModel : t.includes('language') || t === 'sequence modeling';
  if (task === 'seq2seq') return st ? st.encoderDecoder : t.includes('translation') || t === 'sequence modeling';
  // Without the structure facts (an old index), "sequence modeling" cannot tell a recurrent text classifier from a language model: both match.
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
      return t.includes('sequence') || t.includes('language') || t.includes('translation') || Boolean(st && (st.languageModel || st.encoderDecoder));
  }
}

const FAMILY_FORMS: Array<[string, string]> = (() => {
  const forms: Array<[string, string]> = [];
  for (const [key, info] of Object.entries(FAMILY_KNOWLEDGE)) forms.push([info.display.toLowerCase(), key], [key, key]);
  forms.push(
    ['swin', 'swin'], ['efficientnet v2', 'efficientnetv2'], ['efficientnet-v2', 'efficientnetv2'], ['efficientnet_v2', 'efficientnetv2'],
    ['mobilenet v2', 'mobilenetv2'], ['mobilenet v3', 'mobilenetv3'], ['vision transformer', 'vit'], ['mlp-mixer', 'mlpmixer'], ['wide resnet', 'wideresnet'],
    ['mask r-cnn', 'maskrcnn'], ['faster r-cnn', 'fasterrcnn'], ['shufflenet', 'shufflenetv2'], ['mobilenet', 'mobilenetv2'],
    // RegNetX / RegNetY are the two RegNet design spaces (without / with SE): the same family to the structural rules.
    ['mlp mixer', 'mlpmixer'], ['mixer', 'mlpmixer'], ['densely connected', 'densenet'], ['dense connectivity', 'densenet'], ['channel shuffle', 'shufflenetv2'],
    ['regnetx', 'regnet'], ['regnety', 'regnet'], ['regnet-x', 'regnet'], ['regnet-y', 'regnet'], ['regnet x', 'regnet'], ['regnet y', 'regnet'],
  );
  return forms.sort((a, b) => b[0].length - a[0].length);
})();

/** Recurrent nets named as nouns ("an RNN", "a GRU model", "bidirectional LSTM tagger"), not "recurrence" or "recurrent layers". */
const RECURRENT_NOUN = /^(?:(?:vanilla|plain|simple|elman|gated)\s+)?(?:rnns?|lstms?|grus?|recurrent (?:neural )?networks?)$/;

/** Words that name a kind of layer or network more than a family: never a family constraint. */
const GENERIC_FAMILY_WORDS = new Set(['transformer', 'rnn', 'lstm', 'gru', 'mlp', 'autoencoder', 'vae', 'dcgan', 'seq2seq', 'tcn', 'inception', 'ssd']);

/** Every known family a text names ("its design follows bert: a vit" → bert, vit), longest mentions first. */
export function familyMentions(q: string, opts: { specificOnly?: boolean } = {}): string[] {
  let text = q.toLowerCase();
  const out: string[] = [];
  for (let key = familyMention(text, opts); key !== null; key = familyMention(text, opts)) {
    if (!out.includes(key)) out.push(key);
    // Blank every form of this family out and look again.
    for (const [form, k] of FAMILY_FORMS) if (k === key) text = text.split(form).join(' ');
  }
  return out;
}

/** The known family a text names ("swin transformer" → swin), by its longest mention; null when none. */
export function familyMention(q: string, opts: { specificOnly?: boolean } = {}): string | null {
  const text = q.toLowerCase();
  for (const [form, key] of FAMILY_FORMS) {
    if (form.length < 3 || (opts.specificOnly && GENERIC_FAMILY_WORDS.has(key))) continue;
    // "a hierarchical vision transformer" describes a kind of network (Swin is one), not the ViT family; "ViT" names it.
    if (opts.specificOnly && form === 'vision transformer') continue;
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
  // The graph rules name both generations "efficientnet"; V2 is the one with fused-MBConv stages.
  // The rules name the transformer stacks "bert-like" / "gpt-like".
  if ((family === 'bert' || family === 'gpt') && k === `${family}like`) return true;
  if (family === 'efficientnetv2') return k === 'efficientnetv2' || (k === 'efficientnet' && (s.structure ? s.structure.fusedMBConv > 0 : true));
  return k === family;
}

/** The exact constraints a query states (possibly none). */
export function parseConstraints(query: string): Constraint[] {
  const q = expandQuery(query);
  const out: Constraint[] = [];
  // Ranges: "80-100M params", "between 15M and 25M parameters", "from 1 to 5 million weights".
  const range = new RegExp(String.raw`(?:between|from)?\s*~?(\d+(?:[.,]\d+)?)\s*(k|m|b|bn|mil|thousand|millions?|billion)?\s*(?:-|–|to|and)\s*~?${NUM}(${PARAM_WORD})?`, 'g');
  for (const m of q.matchAll(range)) {
    const between = /^\s*(between|from)/.test(m[0]) || /-|–/.test(m[0]);
    const unit = m[4] ?? m[2];
    if (!between || (!unit && !m[5])) continue;
    if (!m[5] && /^\s*(layers?|blocks?|mb|gb|ms|flops|macs|gflops)\b/.test(q.slice(m.index! + m[0].length))) continue;
    const lo = parseCount(m[1]!, m[2] ?? unit);
    const hi = parseCount(m[3]!, unit);
    if (!(lo < hi)) continue;
    out.push({ kind: 'min_params', value: lo, text: m[0].trim() }, { kind: 'max_params', value: hi, text: m[0].trim() });
  }
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
  // "about 50M parameters", "~25M params": within a factor of 1.5 either way.
  for (const m of q.matchAll(new RegExp(String.raw`(?<!(?:under|below|than|most|least|over|above|to|max|min|of|<|>|=)\s*)(?:about|around|approximately|approx\.?|roughly|circa|~)\s*${NUM}(${PARAM_WORD})?`, 'g'))) {
    if (!m[2] && !m[3]) continue;
    const v = parseCount(m[1]!, m[2]);
    out.push({ kind: 'min_params', value: Math.round(v / 1.5), text: m[0].trim() }, { kind: 'max_params', value: Math.round(v * 1.5), text: m[0].trim() });
  }
  // "50M+ params": the plus before the word.
  for (const m of q.matchAll(new RegExp(String.raw`(?<![\d.,])(\d+(?:[.,]\d+)?)\s*(k|m|b|bn|mil|thousand|millions?|billion)?\s*\+\s*${PARAM_WORD}`, 'g'))) {
    out.push({ kind: 'min_params', value: parseCount(m[1]!, m[2]), text: m[0].trim() });
  }
  for (const m of q.matchAll(new RegExp(String.raw`${NUM}(?:${PARAM_WORD})\s*(or less|or fewer|at most|max|or more|at least|\+)`, 'g'))) {
    const kind = /less|fewer|most|max/.test(m[3]!) ? 'max_params' : 'min_params';
    out.push({ kind, value: parseCount(m[1]!, m[2]), text: m[0].trim() });
  }
  // A bare size, "a 28M-parameter transformer", "with 88 million params": when nothing else bounds the size, about that (×/÷ 1.5).
  if (!out.length) {
    for (const m of q.matchAll(new RegExp(String.raw`(?<![\d.,-])(\d+(?:[.,]\d+)?)\s*(k|m|b|bn|mil|thousand|millions?|billion)[- ]?(?:trainable\s+)?(?:parameters?|params?|weights)\b`, 'g'))) {
      const v = parseCount(m[1]!, m[2]);
      out.push({ kind: 'min_params', value: Math.round(v / 1.5), text: m[0].trim() }, { kind: 'max_params', value: Math.round(v * 1.5), text: m[0].trim() });
      break;
    }
  }
  // Presence / absence: scope = the phrases after "with/without/no/…" up to the next clause word.
  const phrases = featurePhrases(q);
  const CUES = /(?:^|\s)(without|with no|w\/o|w\/|no|not using|not use|doesn't use|does not use|lacking|free of|excluding|avoiding|is not|isn't|not|with|using|uses|use|that has|has|having|containing|contains|includes|including)$/;
  // A comma may follow its word directly ("swish, gelu or relu").
  const FILLER = /(?:^|\s)(and|or|nor|any|a|an|the|some|also|only|just|exclusively|,)$|(,)$/;
  const hasOf = new Map<(typeof phrases)[number], Extract<Constraint, { kind: 'has' }>>();
  const pushHas = (p: (typeof phrases)[number], text: string) => {
    const c = { kind: 'has' as const, key: p.key, text };
    hasOf.set(p, c);
    out.push(c);
  };
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
        end = before.length - (filler[1] ?? filler[2])!.length;
        continue;
      }
      end = before.length;
      break;
    }
    // "attention-free", "bn free", "normalization-less": absence stated after the feature.
    if (/^(?:-|\s)?(?:free|less)\b/.test(q.slice(p.end))) {
      out.push({ kind: 'lacks', key: p.key, text: `${p.phrase}-free` });
      continue;
    }
    const cue = CUES.exec(q.slice(0, end));
    // "ReLU-only", "only 3x3 kernels": exclusivity is stated outright, with or without "with".
    if (!cue && /^(?:only|kernels-only):/.test(p.key)) {
      pushHas(p, p.phrase);
      continue;
    }
    // "an RNN that also has attention", "LSTM text classifier": a recurrent net named as the head noun is
    // a presence constraint too, unless it is what the query compares against ("a transformer instead of an RNN").
    if (!cue && RECURRENT_NOUN.test(p.phrase) && !/\b(?:instead of|rather than|unlike|than|vs\.?|versus|replac\w*|compared to|non)[\s-]+(?:an?\s+|the\s+)?$/.test(q.slice(0, p.start))) {
      pushHas(p, p.phrase);
      continue;
    }
    if (!cue) continue;
    const negative = /^(without|with no|w\/o|no|not|is not|isn't|doesn't|does not|lacking|free|excluding|avoid)/.test(cue[1]!);
    if (negative) out.push({ kind: 'lacks', key: p.key, text: `${cue[1]} ${p.phrase}` });
    else pushHas(p, `${cue[1]} ${p.phrase}`);
  }
  mergeAlternatives(q, phrases, hasOf, out);
  // "…, no 5x5", "without 7x7": a bare kernel size after a negation, when the query is about kernels.
  if (/kernel|conv|filter|dw\b|depthwise/.test(q)) {
    for (const m of q.matchAll(/\b(?:no|without|not|never|excluding)\s+(\d+)\s*[x×]\s*(\d+)\b(?!\s*(?:kernels?|convs?|convolutions?|filters?|patch|image|input|pixels?|resolution))/g)) {
      out.push({ kind: 'lacks', key: `kernel:any:${m[1]}x${m[2]}`, text: m[0] });
    }
  }
  // Task: "for detection", "segmentation network", "an object detector".
  for (const [re, task] of TASK_PATTERNS) {
    const m = re.exec(q);
    if (m && !out.some((c) => c.kind === 'task')) out.push({ kind: 'task', task, text: m[0] });
  }
  // Input modality: "image classifier", "a text model", "for sentences", "video clips", "point clouds", "audio".
  const MODALITY_WORDS: Array<[RegExp, Modality]> = [
    [/\b(videos?|clips?|frames|spatio-?temporal|3d convolutions?|3d convs?|action recognition)\b/, 'video'],
    [/\b(point clouds?|3d points|lidar|point sets?)\b/, 'point cloud'],
    [/\b(audio|speech|waveforms?|sounds?|spectrograms?|time series|time-series|1-?d signals?|signals?|temporal convolution(?:s|al)?)\b/, 'signal'],
    [/\b(image|images|vision|visual|photos?|pictures?)\b/, 'image'],
    [/\b(text|texts|language|sentences?|sentiment|nlp|tokens?|words?)\b/, 'text'],
  ];
  const mod = MODALITY_WORDS.map(([re, m]) => [re.exec(q), m] as const).find(([m]) => m);
  if (mod) out.push({ kind: 'modality', modality: mod[1], text: mod[0]![0] });
  // Family: "ConvNeXt", "a swin transformer", "resnet under 5M parameters" (structure-based family guess).
  const fam = familyMention(q, { specificOnly: true });
  if (fam) out.push({ kind: 'family', family: fam, text: fam });
  out.push(...parseQuantities(q));
  return dedupe(out);
}

/**
 * Required features joined by "or" ("LSTM or GRU", "with batch norm or layer norm", "SiLU/GELU") become one
 * has_any: the graph needs one of them, not all. ("without BN or LN" stays two absences: neither is wanted.)
 */
function mergeAlternatives(
  q: string,
  phrases: Array<{ key: string; start: number; end: number }>,
  hasOf: Map<unknown, Extract<Constraint, { kind: 'has' }>>,
  out: Constraint[],
): void {
  // Separators of a list of required features: "a, b or c" is a choice, "a, b and c" asks for all.
  const SEP = /^\s*(,)?\s*(or|and\/or|and|\/)?\s*(?:(?:with|using|uses|has)\s+)?(?:an?\s+|the\s+|some\s+)?$/;
  let run: number[] = [];
  let choice = false;
  let all = false;
  const flush = () => {
    if (run.length > 1 && choice && !all) {
      const cs = run.map((i) => hasOf.get(phrases[i])!);
      const first = phrases[run[0]!]!;
      const last = phrases[run[run.length - 1]!]!;
      // the first one's cue ("with "), then the query's own words: "with batch norm or layer norm"
      const cue = cs[0]!.text.slice(0, cs[0]!.text.length - (first.end - first.start));
      const at = out.indexOf(cs[0]!);
      for (const c of cs) out.splice(out.indexOf(c), 1);
      out.splice(at, 0, { kind: 'has_any', keys: cs.map((c) => c.key), text: cue + q.slice(first.start, last.end) });
    }
    run = [];
    choice = all = false;
  };
  for (let i = 0; i < phrases.length; i++) {
    const has = hasOf.has(phrases[i]);
    const sep = run.length > 0 ? SEP.exec(q.slice(phrases[i - 1]!.end, phrases[i]!.start)) : null;
    if (has && sep && (sep[1] || sep[2])) {
      run.push(i);
      if (sep[2] === 'and') all = true;
      else if (sep[2]) choice = true;
    } else {
      flush();
      if (has) run = [i];
    }
  }
  flush();
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
    case 'has_any':
      return c.keys.some((k) => hasFeature(s, k));
    case 'lacks':
      return !hasFeature(s, c.key);
    case 'task':
      return taskMatches(s, c.task);
    case 'family':
      return familyAgrees(s, c.family);
    case 'modality':
      // An audio model's input is a 1-D signal to the graph rules.
      return s.modality === c.modality || (c.modality === 'signal' && s.modality === 'audio');
    case 'quantity':
      // A count the facts cannot give (a presence-only feature) does not exclude the entry.
      return quantityHolds(s, c) ?? true;
  }
}

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
  const { keys, kinds } = queryMentions(query);
  const mentioned = keys.filter((k) => !constrained.has(k));
  for (const k of mentioned) parts.push(`${hasFeature(s, k) ? 'has' : 'no'} ${featureLabel(k)}`);
  for (const k of kinds) if (s.kind !== k) parts.push(`a ${s.kind} network, not a ${k} one`);
  if (mentioned.length === 0 && constraints.length === 0) {
    const notable = (['attention', 'residual', 'depthwise_separable', 'squeeze_excitation', 'inverted_residual', 'feature_pyramid', 'recurrent'] as const).filter((k) =>
      hasFeature(s, k),
    );
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

/**
 * Share of the features a query names without a cue ("a GRU language model",
 * "layer norm and gelu"; "with …"/"without …" are hard constraints) that the
 * facts confirm; null when it names none.
 */
/** The query's feature keys and kind words, parsed once per query rather than once per candidate. */
let lastMentions: { query: string; keys: string[]; kinds: ReturnType<typeof kindMentions> } | null = null;
function queryMentions(query: string): { keys: string[]; kinds: ReturnType<typeof kindMentions> } {
  if (lastMentions?.query !== query) lastMentions = { query, keys: [...new Set(featurePhrases(expandQuery(query)).map((p) => p.key))], kinds: kindMentions(query) };
  return lastMentions;
}

export function featureAgreement(s: ArchSummary, query: string, constraints: Constraint[]): number | null {
  const constrained = new Set(constraints.flatMap((c) => ('key' in c ? [c.key] : 'keys' in c ? c.keys : [])));
  const { keys: all, kinds } = queryMentions(query);
  const keys = all.filter((k) => !constrained.has(k));
  if (!keys.length && !kinds.length) return null;
  // A hybrid (convolutions and attention) is half a convnet and half a transformer.
  const kindScore = kinds.reduce((a, k) => a + (s.kind === k ? 1 : s.kind === 'hybrid' ? 0.5 : 0), 0);
  return (keys.filter((k) => hasFeature(s, k)).length + kindScore) / (keys.length + kinds.length);
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

/** Lower case, single spaces, and "BiLSTM"/"biGRU" spelled out ("bidirectional lstm"), so the feature forms see one word per feature. */
export function expandQuery(query: string): string {
  return correctSpelling(query.toLowerCase())
    // "inverted residual (MBConv) blocks": an aside in brackets reads as part of the phrase.
    .replace(/[()[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\bbi-?(lstm|gru|rnn)(s?)\b/g, 'bidirectional $1$2')
    // For retrieval an inverted bottleneck is any block that expands in the middle (MBConv or ConvNeXt's); `ask` keeps the block rule's meaning.
    .replace(/\binverted[- ]bottlenecks?(?: blocks?| layers?)?\b/g, 'inverted-bottleneck blocks');
}

/** Network kinds a query names without a cue ("a convnet", "transformer for images"); null when none. Not a hard constraint: hybrids half-match. */
export function kindMentions(query: string): Array<'convolutional' | 'transformer'> {
  const q = expandQuery(query);
  const out: Array<'convolutional' | 'transformer'> = [];
  // "inspired by transformers", "like a transformer", "not a transformer": a comparison, not what the network is.
  const negated = (idx: number) => /(inspired by|like|than|versus|vs\.?|instead of|rather than|not|non|no|without)[- ](an? |the )?$/.test(q.slice(Math.max(0, idx - 24), idx));
  const conv = /\b(convnets?|conv ?nets?|cnns?|convolutional(?! layers?| kernels?| filters?)|all-convolutional|pure conv)\b/.exec(q);
  if (conv && !negated(conv.index)) out.push('convolutional');
  const tr = /\btransformers?\b(?![- ]?(?:free|less)\b)/.exec(q);
  if (tr && !negated(tr.index)) out.push('transformer');
  return out;
}

/** +1: the query wants the biggest fitting model ("largest", "the big variant"); -1: the smallest; 0: no preference. */
export function sizePreference(query: string): -1 | 0 | 1 {
  const q = query.toLowerCase();
  if (/\b(largest|biggest|heaviest|deepest|widest)\b|\b(larger|bigger|big|large|huge|largest) (variant|version|model|one)\b/.test(q)) return 1;
  if (/\b(smallest|tiniest|lightest|shallowest)\b|\b(smaller|small|tiny|lighter|little) (variant|version|one)\b/.test(q)) return -1;
  return 0;
}

/** Spelling the training text does not use (British forms), mapped before the text encoder sees the query. */
export function normalizeQueryText(q: string): string {
  return q
    .replace(/normalis(ation|ed|e)/gi, 'normaliz$1')
    .replace(/\b(optimi|recogni|summari)s(e|ed|es|ing|ation)\b/gi, '$1z$2')
    .replace(/\s+/g, ' ')
    .trim();
}

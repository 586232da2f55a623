/**
 * The exact constraints a query or question states, parsed from its words:
 *
 *   "under 5M parameters", "more than 100 million params"  → parameter bounds
 *   "without attention", "no batch norm"                    → must be absent
 *   "with batch norm", "using depthwise convolutions"       → must be present
 *   "for detection", "segmentation model"                   → task
 *   "image classifier", "for sentences"                     → input modality
 *   "a ConvNeXt", "resnet under 5M parameters"              → family
 *   "fewer than 20 SE blocks", "under 1G MACs"              → quantity (quantity.ts)
 *   "at 224x224 input", "299x299 images"                    → input resolution
 *
 * Plain data out; constraint-check.ts says whether a graph meets them. The
 * phrases that name a feature live in feature-phrases.ts, the unit words in
 * units.ts.
 */
import type { Modality } from '../facts/arch-summary.js';
import { featurePhrases } from './feature-phrases.js';
import { familyMention } from './families.js';
import { parseQuantities, type QuantityConstraint } from './quantity.js';
import { expandQuery } from './query-text.js';
import { TASK_PATTERNS, type TaskKey } from './tasks.js';
import { UNITS, amount } from './units.js';

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
  /** "at 224x224 input", "takes 299x299 images": the input's spatial size (height × width). */
  | { kind: 'input_size'; height: number; width: number; text: string }
  /** "fewer than 20 SE blocks", "depth above 200", "under 1G MACs" (quantity.ts). */
  | QuantityConstraint;

/** A number with an optional unit word; the word boundary makes the unit whole ("25 mil" is mil, not m). */
const NUM = String.raw`(\d+(?:[.,]\d+)?)\s*(${UNITS})?\b\s*`;
const PARAM_WORD = String.raw`(?:trainable\s+)?(?:parameters|params|weights)`;
const UPPER = String.raw`(?:under|below|less than|fewer than|smaller than|at most|up to|no more than|not more than|max(?:imum)?(?: of)?|<=?|≤)`;
const LOWER = String.raw`(?:over|above|more than|greater than|bigger than|larger than|at least|no fewer than|min(?:imum)?(?: of)?|>=?|≥)`;

/**
 * The one parameter count a bound's text states when it is a bare or approximate size ("28m-parameter", "about 50m params"):
 * the value and how loosely it is meant; null for bounds and ranges ("under 5m", "15m to 25m").
 */
export function statedParamCount(text: string): { value: number; approximate: boolean } | null {
  const t = text.toLowerCase();
  if (new RegExp(String.raw`^${UPPER}|^${LOWER}|^(between|from)\b|\d\s*(${UNITS})?\s*(-|–|to|and)\s*~?\d`).test(t)) return null;
  const m = new RegExp(NUM).exec(t);
  if (!m) return null;
  return { value: amount(m[1]!, m[2]), approximate: /^(about|around|approximately|approx|roughly|circa|~)/.test(t) };
}

/** What follows an amount that is not a parameter count ("under 3 layers", "5m macs", "2 gb"). */
const NOT_A_PARAM_COUNT = /^\s*(layers?|blocks?|mb|gb|ms|flops|macs|gflops)\b/;

/** Recurrent nets named as nouns ("an RNN", "a GRU model", "bidirectional LSTM tagger"), not "recurrence" or "recurrent layers". */
const RECURRENT_NOUN = /^(?:(?:vanilla|plain|simple|elman|gated)\s+)?(?:rnns?|lstms?|grus?|recurrent (?:neural )?networks?)$/;

/** The exact constraints a query states (possibly none). */
export function parseConstraints(query: string): Constraint[] {
  const q = expandQuery(query);
  const out: Constraint[] = [];
  // Ranges: "80-100M params", "between 15M and 25M parameters", "from 1 to 5 million weights".
  const range = new RegExp(String.raw`(?:between|from)?\s*~?(\d+(?:[.,]\d+)?)\s*(${UNITS})?\s*(?:-|–|to|and)\s*~?${NUM}(${PARAM_WORD})?`, 'g');
  for (const m of q.matchAll(range)) {
    const between = /^\s*(between|from)/.test(m[0]) || /-|–/.test(m[0]);
    const unit = m[4] ?? m[2];
    if (!between || (!unit && !m[5])) continue;
    if (!m[5] && NOT_A_PARAM_COUNT.test(q.slice(m.index! + m[0].length))) continue;
    const lo = amount(m[1]!, m[2] ?? unit);
    const hi = amount(m[3]!, unit);
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
      if (!hasWord && NOT_A_PARAM_COUNT.test(q.slice(m.index! + m[0].length))) continue;
      out.push({ kind, value: amount(m[1]!, m[2]), text: m[0].trim() });
    }
  }
  // "about 50M parameters", "~25M params": within a factor of 1.5 either way.
  for (const m of q.matchAll(new RegExp(String.raw`(?<!(?:under|below|than|most|least|over|above|to|max|min|of|<|>|=)\s*)(?:about|around|approximately|approx\.?|roughly|circa|~)\s*${NUM}(${PARAM_WORD})?`, 'g'))) {
    if (!m[2] && !m[3]) continue;
    // "about 1g flops", "about 5m macs": an amount of compute (or memory, time), not of parameters.
    if (!m[3] && NOT_A_PARAM_COUNT.test(q.slice(m.index! + m[0].length))) continue;
    const v = amount(m[1]!, m[2]);
    out.push({ kind: 'min_params', value: Math.round(v / 1.5), text: m[0].trim() }, { kind: 'max_params', value: Math.round(v * 1.5), text: m[0].trim() });
  }
  // "50M+ params": the plus before the word.
  for (const m of q.matchAll(new RegExp(String.raw`(?<![\d.,])(\d+(?:[.,]\d+)?)\s*(${UNITS})?\s*\+\s*${PARAM_WORD}`, 'g'))) {
    out.push({ kind: 'min_params', value: amount(m[1]!, m[2]), text: m[0].trim() });
  }
  for (const m of q.matchAll(new RegExp(String.raw`${NUM}(?:${PARAM_WORD})\s*(or less|or fewer|at most|max|or more|at least|\+)`, 'g'))) {
    const kind = /less|fewer|most|max/.test(m[3]!) ? 'max_params' : 'min_params';
    out.push({ kind, value: amount(m[1]!, m[2]), text: m[0].trim() });
  }
  // A bare size, "a 28M-parameter transformer", "with 88 million params": when nothing else bounds the size, about that (×/÷ 1.5).
  if (!out.length) {
    for (const m of q.matchAll(new RegExp(String.raw`(?<![\d.,-])(\d+(?:[.,]\d+)?)\s*(${UNITS})[- ]?(?:trainable\s+)?(?:parameters?|params?|weights)\b`, 'g'))) {
      const v = amount(m[1]!, m[2]);
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
  // Input resolution: "at 224x224 input", "224 x 224 images", "input size 299x299" (never "16x16 patches" or "7x7 kernels").
  const size = /\b(\d{2,4})\s*[x×]\s*(\d{2,4})\s*(?:px\s*|pixels?\s*)?(?:inputs?|images?|resolution|photos?|pictures?)\b|\b(?:input|resolution|input size|input resolution|image size)\s*(?:of\s*)?(\d{2,4})\s*[x×]\s*(\d{2,4})\b/.exec(q);
  if (size) out.push({ kind: 'input_size', height: Number(size[1] ?? size[3]), width: Number(size[2] ?? size[4]), text: size[0] });
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

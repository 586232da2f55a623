/**
 * The two inputs of `etran eval`, from parsed JSON: scores (an `etran score
 * --json` document or a plain {model: score} map) and ground truth (a
 * {model: accuracy} map, possibly nested inside a larger file).
 */
import { InputError } from '../errors.js';
import { etranCombine } from './etran.js';

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface ScoreDoc {
  models: Array<{ name: string; scores: Record<string, number | null> }>;
}

function isScoreDoc(v: Json): v is ScoreDoc {
  return isObject(v) && Array.isArray(v.models);
}

/**
 * One score per model for `metric`. From an `etran score` document the
 * metric's column is taken; `etran` is computed from lda and energy (and
 * regression, when every model has it) when the document lacks it. Null
 * scores are left out with a warning.
 */
export function scoresFromFile(doc: Json, file: string, metric: string): { scores: Record<string, number>; warnings: string[] } {
  const warnings: string[] = [];
  const scores: Record<string, number> = {};
  const take = (name: string, v: Json) => {
    if (v === null || v === undefined) {
      warnings.push(`${file}: model '${name}' has no ${metric} score (null); left out`);
      return;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(file, `score of model '${name}' is not a number (${JSON.stringify(v)})`);
    scores[name] = v;
  };
  if (isScoreDoc(doc)) {
    const models = doc.models.map((m, i) => {
      if (!isObject(m) || typeof m.name !== 'string' || !isObject(m.scores)) throw new InputError(file, `models[${i}] is not {name, scores}`);
      return m as { name: string; scores: Record<string, Json> };
    });
    const has = (k: string) => models.some((m) => Object.prototype.hasOwnProperty.call(m.scores, k));
    if (!has(metric)) {
      if (metric === 'etran' && has('lda') && has('energy')) {
        for (const [name, v] of Object.entries(combineFromComponents(models, file, warnings))) take(name, v);
        return { scores, warnings };
      }
      const available = [...new Set(models.flatMap((m) => Object.keys(m.scores)))];
      throw new InputError(file, `no '${metric}' scores in this file (it has: ${available.join(', ') || 'none'}); choose one with --metric`);
    }
    for (const m of models) take(m.name, m.scores[metric]);
    return { scores, warnings };
  }
  if (!isObject(doc)) throw new InputError(file, 'expected `etran score --json` output or a {"model": score} map');
  for (const [name, v] of Object.entries(doc)) take(name, v);
  return { scores, warnings };
}

/** ETran from the lda/energy (and regression) columns of a score document, over the models that have them. */
function combineFromComponents(models: Array<{ name: string; scores: Record<string, Json> }>, file: string, warnings: string[]): Record<string, number | null> {
  const num = (v: Json) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const detection = models.every((m) => num(m.scores.regression) !== null);
  const usable = models.filter((m) => num(m.scores.lda) !== null && num(m.scores.energy) !== null);
  const out: Record<string, number | null> = Object.create(null); // keyed by model names read from the file
  for (const m of models) out[m.name] = null;
  if (usable.length < 2) return out;
  warnings.push(`${file}: no etran scores; computed them from ${detection ? 'energy, lda and regression' : 'energy and lda'} across the ${usable.length} models in the file`);
  const combined = etranCombine(
    usable.map((m) =>
      detection
        ? { energy: num(m.scores.energy)!, lda: num(m.scores.lda)!, regression: num(m.scores.regression)! }
        : { energy: num(m.scores.energy)!, lda: num(m.scores.lda)! },
    ),
  );
  usable.forEach((m, i) => (out[m.name] = combined[i] ?? null));
  return out;
}

/** The {model: accuracy} map, optionally found at a dotted path inside a nested file. */
export function truthFromFile(doc: Json, file: string, key?: string): Record<string, number> {
  let node: Json = doc;
  if (key) {
    for (const part of key.split('.')) {
      if (!isObject(node) || !Object.prototype.hasOwnProperty.call(node, part)) {
        const here = isObject(node) ? Object.keys(node).slice(0, 12).join(', ') : 'not an object';
        throw new InputError(file, `--truth-key '${key}': no '${part}' (available: ${here})`);
      }
      node = node[part];
    }
  }
  if (!isObject(node)) throw new InputError(file, 'expected a {"model": accuracy} map');
  const out: Record<string, number> = Object.create(null); // keyed by model names read from the file
  for (const [name, v] of Object.entries(node)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      const nested = Object.entries(node).find(([, e]) => isObject(e))?.[0];
      const hint = nested !== undefined ? `; this is a nested file: pick a map with --truth-key (e.g. ${key ? `${key}.` : ''}${nested}…)` : '';
      throw new InputError(file, `value for '${name}' is not a number${hint}`);
    }
    out[name] = v;
  }
  return out;
}

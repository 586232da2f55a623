/**
 * The zoo's track record (`--history FILE`): past fine-tuning results of some of
 * the zoo's models on other datasets, turned into one prior per model.
 *
 * File: CSV with the header `model,dataset,score` (any column order, extra
 * columns ignored) or JSON `[{"model", "dataset", "score"}, …]`; higher score
 * is better (accuracy, mAP…; scores of different datasets need not share a
 * scale, because only ranks within one dataset are used).
 *
 * Prior of model m: for every past dataset on which at least two of the zoo's
 * models have a result, the models' normalised ranks there (ranks.ts: best 1,
 * worst 0, ties averaged); the prior P_m is the mean of m's ranks over the
 * datasets where it has one, and H_m is how many there are. A model with no
 * past result has no prior (H_m = 0): `recommended` then ranks it by its
 * target scores alone (see recommended.ts). Rows of the target dataset itself
 * (its name compared case-insensitively) are dropped with a warning: a result
 * on the target is what the ranking is trying to predict.
 */
import { InputError } from '../errors.js';
import { splitCsvLine } from '../io/csv.js';
import { normalizedRanks } from './ranks.js';

export interface HistoryRow {
  model: string;
  dataset: string;
  score: number;
}

export interface HistoryPrior {
  /** Mean normalised rank over the past datasets (1 = always best), per zoo model that has one. */
  prior: Map<string, number>;
  /** Number of past datasets behind each model's prior. */
  count: Map<string, number>;
  /** Past datasets used (≥ 2 of the zoo's models ranked there), in file order. */
  datasets: string[];
  warnings: string[];
}

const MAX_FIELD = 1000;

function checkName(file: string, where: string, what: string, v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') throw new InputError(file, `${where}: "${what}" must be a non-empty string`);
  const s = v.trim();
  if (s.length > MAX_FIELD) throw new InputError(file, `${where}: "${what}" is longer than ${MAX_FIELD} characters`);
  return s;
}

function checkScore(file: string, where: string, v: unknown): number {
  const x = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new InputError(file, `${where}: "score" must be a finite number, got ${JSON.stringify(v) ?? String(v)}`);
  return x;
}

/** Parses a history file's text (CSV or JSON, told by the first non-blank character). */
export function parseHistory(text: string, file: string): HistoryRow[] {
  const body = text.replace(/^\uFEFF/, '');
  const rows = /^\s*[[{]/.test(body) ? parseJson(body, file) : parseCsv(body, file);
  if (rows.length === 0) throw new InputError(file, 'the history holds no rows');
  const seen = new Map<string, string>();
  for (const r of rows) {
    const key = `${r.model}\u0000${r.dataset.toLowerCase()}`;
    const at = seen.get(key);
    if (at !== undefined) throw new InputError(file, `${r.where}: model '${r.model}' on dataset '${r.dataset}' is given twice (also ${at}); give one score per model and dataset`);
    seen.set(key, r.where);
  }
  return rows.map(({ model, dataset, score }) => ({ model, dataset, score }));
}

type Located = HistoryRow & { where: string };

function parseCsv(text: string, file: string): Located[] {
  const lines = text.split(/\r?\n/);
  const headAt = lines.findIndex((l) => l.trim() !== '');
  if (headAt < 0) throw new InputError(file, 'the history file is empty');
  const head = splitCsvLine(lines[headAt]!).map((h) => h.toLowerCase());
  const col = { model: head.indexOf('model'), dataset: head.indexOf('dataset'), score: head.indexOf('score') };
  if (col.model < 0 || col.dataset < 0 || col.score < 0) throw new InputError(file, `line ${headAt + 1}: the CSV header must name the columns model,dataset,score (got '${lines[headAt]!.trim().slice(0, 80)}')`);
  const out: Located[] = [];
  for (let i = headAt + 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const where = `line ${i + 1}`;
    const cells = splitCsvLine(lines[i]!);
    if (cells.length < head.length) throw new InputError(file, `${where}: expected ${head.length} fields (${head.join(',')}), got ${cells.length}`);
    out.push({
      model: checkName(file, where, 'model', cells[col.model]),
      dataset: checkName(file, where, 'dataset', cells[col.dataset]),
      score: checkScore(file, where, cells[col.score]),
      where,
    });
  }
  return out;
}

function parseJson(text: string, file: string): Located[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // A deeply nested document can exhaust the stack (RangeError): still bad input.
    throw new InputError(file, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!Array.isArray(doc)) throw new InputError(file, 'expected a JSON list of {"model", "dataset", "score"}');
  return doc.map((r, i) => {
    const where = `entry ${i}`;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new InputError(file, `${where}: expected an object {"model", "dataset", "score"}`);
    const o = r as Record<string, unknown>;
    const own = (k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
    return { model: checkName(file, where, 'model', own('model')), dataset: checkName(file, where, 'dataset', own('dataset')), score: checkScore(file, where, own('score')), where };
  });
}

/**
 * The prior of each of `models` from the history, leaving out the rows of
 * `targetName` (null: none left out, with a warning that none could be).
 */
export function historyPrior(rows: HistoryRow[], models: string[], targetName: string | null): HistoryPrior {
  const warnings: string[] = [];
  const zoo = new Set(models);
  const target = targetName?.trim().toLowerCase() ?? null;
  if (target === null) warnings.push('history: no target name given, so no row of the history could be recognised as the target itself; every row is used');
  const byDataset = new Map<string, Map<string, number>>();
  const order: string[] = [];
  let dropped = 0;
  const unknown = new Set<string>();
  for (const r of rows) {
    if (target !== null && r.dataset.toLowerCase() === target) {
      dropped++;
      continue;
    }
    if (!zoo.has(r.model)) {
      unknown.add(r.model);
      continue;
    }
    const key = r.dataset.toLowerCase();
    if (!byDataset.has(key)) byDataset.set(key, new Map()), order.push(r.dataset);
    byDataset.get(key)!.set(r.model, r.score);
  }
  if (dropped > 0) warnings.push(`history: ${dropped} row(s) of the target dataset '${targetName}' ignored (a result on the target itself is what the ranking predicts)`);
  if (unknown.size > 0) warnings.push(`history: ${unknown.size} model(s) not in this ranking ignored (${[...unknown].slice(0, 5).join(', ')}${unknown.size > 5 ? ', …' : ''})`);
  const sum = new Map<string, number>();
  const count = new Map<string, number>();
  const datasets: string[] = [];
  const single: string[] = [];
  for (const name of order) {
    const scores = byDataset.get(name.toLowerCase())!;
    if (scores.size < 2) {
      single.push(name);
      continue;
    }
    datasets.push(name);
    const names = [...scores.keys()];
    const r = normalizedRanks(names.map((n) => scores.get(n)!));
    names.forEach((n, i) => {
      sum.set(n, (sum.get(n) ?? 0) + r[i]!);
      count.set(n, (count.get(n) ?? 0) + 1);
    });
  }
  if (single.length > 0) warnings.push(`history: ${single.length} dataset(s) with a result for only one model of this ranking ignored (nothing to compare): ${single.slice(0, 5).join(', ')}`);
  const prior = new Map<string, number>();
  for (const [n, s] of sum) prior.set(n, s / count.get(n)!);
  const without = models.filter((m) => !prior.has(m));
  if (datasets.length > 0 && without.length > 0) warnings.push(`history: no past result for ${without.length} model(s) (${without.slice(0, 5).join(', ')}${without.length > 5 ? ', …' : ''}); they are ranked by their target scores alone`);
  if (datasets.length === 0) warnings.push('history: no usable past dataset (none has results for two or more of these models); the ranking uses the target scores alone');
  return { prior, count, datasets, warnings };
}

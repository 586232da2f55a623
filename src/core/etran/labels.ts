/**
 * Class labels as users have them (any integers, integer-valued floats or
 * strings) → contiguous ids 0..C−1, which every metric assumes.
 *
 * Ids follow the sorted order of the distinct labels (numeric order for
 * numbers, code-point order for strings), as numpy's `np.unique` orders them,
 * so a class keeps the same id whichever tool mapped it. `checkLabels` is the
 * check every label-based metric runs on its input first.
 */
import { InputError } from '../errors.js';
import type { Labels, Matrix } from './types.js';

export type RawLabel = number | bigint | string;

/**
 * Maps raw labels to contiguous ids. Numbers must be integer-valued and finite;
 * `file` names the source in error messages.
 */
export function labelsFromValues(values: ArrayLike<RawLabel>, file: string | null = null): Labels {
  const n = values.length;
  if (n === 0) throw new InputError(file, 'no labels (empty file)');
  const first = values[0];
  const numeric = typeof first !== 'string';
  const keys: Array<number | string> = new Array(n);
  for (let i = 0; i < n; i++) {
    let v = values[i]!;
    if (typeof v === 'bigint') {
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new InputError(file, `label at row ${i + 1} (${v}) is too large`);
      }
      v = Number(v);
    }
    if (numeric !== (typeof v !== 'string')) {
      throw new InputError(file, `labels mix numbers and strings (row ${i + 1}: '${String(v)}')`);
    }
    if (typeof v === 'number' && !(Number.isFinite(v) && Number.isInteger(v))) {
      throw new InputError(file, `label at row ${i + 1} is ${String(v)}; labels must be integers or strings`);
    }
    keys[i] = v;
  }
  const distinct = [...new Set(keys)];
  distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const idOf = new Map<number | string, number>();
  distinct.forEach((k, i) => idOf.set(k, i));
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = idOf.get(keys[i]!)!;
  return { ids, numClasses: distinct.length, names: distinct.map(String) };
}

/** Labels that are already ids 0..C−1 (tests, benchmarks, programmatic use). */
export function labelsFromIds(ids: ArrayLike<number>): Labels {
  return labelsFromValues(Array.from(ids));
}

/** Number of samples of each class. */
export function classCounts(labels: Labels): Int32Array {
  const counts = new Int32Array(labels.numClasses);
  for (let i = 0; i < labels.ids.length; i++) counts[labels.ids[i]!]!++;
  return counts;
}

/** Refuses labels that do not fit the features: one label per feature row, at least two classes. */
export function checkLabels(X: Matrix, y: Labels, metric: string): void {
  if (y.ids.length !== X.rows) throw new InputError(null, `${metric}: ${X.rows} feature rows but ${y.ids.length} labels`);
  if (y.numClasses < 2) throw new InputError(null, `${metric}: needs at least 2 classes, got ${y.numClasses}`);
}

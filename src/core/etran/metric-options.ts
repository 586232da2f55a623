/**
 * What values a metric option takes, and the check that turns a wrong value
 * into one line (exit 2) rather than a silently odd score. Each registry entry
 * (metrics.ts) declares its options with these specs.
 */
import { InputError } from '../errors.js';

export type OptionSpec =
  | { kind: 'boolean' }
  | { kind: 'choice'; values: readonly string[] }
  | { kind: 'number'; min: number; max: number; minOpen?: boolean; integer?: boolean; words?: readonly string[] };

/**
 * Integer options (folds, neighbours, iterations, dimensions, sample caps) at
 * most this: beyond it the cost, not the score, changes (10⁶ EM iterations
 * or folds would run for hours), and no setting in the papers comes near.
 */
export const MAX_INTEGER_METRIC_OPTION = 100_000;

/** An integer from `min` to MAX_INTEGER_METRIC_OPTION. */
export const int = (min: number): OptionSpec => ({ kind: 'number', min, max: MAX_INTEGER_METRIC_OPTION, integer: true });
/** A share in (0, 1]. */
export const share: OptionSpec = { kind: 'number', min: 0, max: 1, minOpen: true };
/** A finite number ≥ 0 (or > 0 with minOpen). */
export const nonNegative = (minOpen = false): OptionSpec => ({ kind: 'number', min: 0, max: Number.MAX_VALUE, minOpen });
export const choice = (values: readonly string[]): OptionSpec => ({ kind: 'choice', values });

/** Checks one option value against its spec (InputError: exit 2, one line). */
export function checkOptionValue(metric: string, option: string, spec: OptionSpec, value: unknown): void {
  const bad = (expected: string) => new InputError(null, `--metric-option ${metric}.${option}: expected ${expected}, got ${JSON.stringify(value) ?? String(value)}`);
  if (spec.kind === 'boolean') {
    if (typeof value !== 'boolean') throw bad('true or false');
    return;
  }
  if (spec.kind === 'choice') {
    if (typeof value !== 'string' || !spec.values.includes(value)) throw bad(spec.values.join(' or '));
    return;
  }
  if (typeof value === 'string' && spec.words?.includes(value)) return;
  const range = `${spec.integer ? 'an integer' : 'a number'} in ${spec.minOpen ? '(' : '['}${spec.min}, ${spec.max === Number.MAX_VALUE ? '∞)' : `${spec.max}]`}${spec.words ? ` or ${spec.words.join(' or ')}` : ''}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(range);
  if (spec.integer && !Number.isInteger(value)) throw bad(range);
  if (value < spec.min || (spec.minOpen && value === spec.min) || value > spec.max) throw bad(range);
}

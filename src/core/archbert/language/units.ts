/**
 * The one table of number-with-unit words: "5m", "25 mil", "2 bn", "1.2g",
 * "3 million", "500k", "1.5 billion", "a thousand". Every reader of a stated
 * amount (find's parameter bounds, describe's parameter claims, the counts and
 * MACs of quantity.ts) takes its unit words and their scale from here, so a
 * unit one of them understands, all of them understand.
 */
import { table } from '../../graph/formats/table.js';

/** Scale of each unit word (lower case): k/thousand 10³, m/mil/million 10⁶, b/bn/billion/g (giga) 10⁹. */
export const UNIT_SCALE: Record<string, number> = table({
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  mil: 1e6,
  million: 1e6,
  millions: 1e6,
  b: 1e9,
  bn: 1e9,
  billion: 1e9,
  g: 1e9,
});

/**
 * The unit words as a regex alternation (no group: the reader wraps it in its
 * own capture group). Shortest first: a reader that needs the whole word puts
 * a boundary after it (`\b`, `\s+`, "parameters"), and the engine backtracks
 * from "m" to "mil" / "million"; where nothing follows (an amount at the end
 * of a phrase), "m" of "million" is read and means the same 10⁶. The order
 * therefore never changes a value, and keeps each reader's matched text as it was.
 */
export const UNITS = Object.keys(UNIT_SCALE)
  .sort((a, b) => a.length - b.length || (a < b ? -1 : 1))
  .join('|');

/** The scale of a unit word; 1 for none or an unknown one. */
export function unitScale(unit: string | undefined): number {
  return unit ? (UNIT_SCALE[unit.toLowerCase()] ?? 1) : 1;
}

/** A stated amount: the number (a decimal comma read as a point) times its unit's scale. */
export function amount(num: string, unit: string | undefined): number {
  return Number(num.replace(',', '.')) * unitScale(unit);
}

/** A whole amount phrase ("25 mil", "1.2g", "3 million", "500k"); null when the text is not one. */
export function readAmount(text: string): number | null {
  const m = new RegExp(String.raw`^\s*(\d+(?:[.,]\d+)?)\s*(${UNITS})?\s*$`, 'i').exec(text);
  return m ? amount(m[1]!, m[2]) : null;
}

/**
 * Lookup tables keyed by names read from model files. A plain object literal
 * would answer `table['constructor']` or `table['__proto__']` from
 * Object.prototype; these tables have no prototype, so an unknown key is
 * simply undefined.
 */
export function table<T>(entries: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}

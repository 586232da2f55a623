/**
 * Seeded mutators for the fuzz suite: every case is a function of (seed, fixture), so a
 * failure names the seed and the mutation and reproduces exactly.
 */
import { seededRandom } from '../../src/core/random.js';

/** The suite's seed; FUZZ_SEED=N explores other cases, the default keeps CI reproducible. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 15);

export type Rng = () => number;
export const rngFor = (name: string, seed = FUZZ_SEED): Rng => {
  // One stream per input kind: adding a case to one kind does not change another's mutations.
  let h = seed >>> 0;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return seededRandom(h);
};
export const int = (r: Rng, n: number): number => Math.floor(r() * n);
export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)]!;

export interface Mutation<T> {
  value: T;
  how: string;
}

/** Truncation, bit flips, overwritten or duplicated ranges: what disks, downloads and careless edits do. */
export function mutateBytes(src: Uint8Array, r: Rng, kind = int(r, 4)): Mutation<Uint8Array> {
  const b = Uint8Array.from(src);
  switch (kind) {
    case 0: {
      const n = int(r, src.length);
      return { value: b.slice(0, n), how: `truncated to ${n} of ${src.length} bytes` };
    }
    case 1: {
      const k = 1 + int(r, 8);
      const at: number[] = [];
      for (let i = 0; i < k; i++) {
        const p = int(r, b.length);
        b[p]! ^= 1 << int(r, 8);
        at.push(p);
      }
      return { value: b, how: `bits flipped at ${at.join(',')}` };
    }
    case 2: {
      const at = int(r, b.length);
      const len = Math.min(b.length - at, 1 + int(r, 64));
      for (let i = at; i < at + len; i++) b[i] = int(r, 256);
      return { value: b, how: `${len} random bytes at ${at}` };
    }
    default: {
      const at = int(r, b.length);
      const len = 1 + int(r, 64);
      return { value: new Uint8Array([...b.slice(0, at + len), ...b.slice(at, at + len), ...b.slice(at + len)]), how: `${len} bytes duplicated at ${at}` };
    }
  }
}

/** Values a hostile or careless file holds where another was expected. */
export const HOSTILE_VALUES: readonly unknown[] = [
  null, -1, 0, 1.5, 99999, 1e308, -1e308, '', 'x', true, [], {}, [null], [[[[]]]], ['a', -3],
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', { constructor: 1 }, 'NaN', '1e400',
];

/** Replaces, deletes or empties one value somewhere in a JSON document. */
export function mutateJson(doc: unknown, r: Rng): Mutation<string> {
  const copy = JSON.parse(JSON.stringify(doc)) as unknown;
  const slots: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number; path: string }> = [];
  const walk = (x: unknown, path: string) => {
    if (Array.isArray(x)) x.forEach((v, i) => (slots.push({ parent: x, key: i, path: `${path}[${i}]` }), walk(v, `${path}[${i}]`)));
    else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) (slots.push({ parent: x as Record<string, unknown>, key: k, path: `${path}.${k}` }), walk(v, `${path}.${k}`));
  };
  walk(copy, '$');
  if (!slots.length) return { value: JSON.stringify(pick(r, HOSTILE_VALUES)), how: 'document replaced' };
  const s = pick(r, slots);
  const kind = int(r, 4);
  if (kind === 0 && !Array.isArray(s.parent)) {
    delete (s.parent as Record<string, unknown>)[s.key as string];
    return { value: JSON.stringify(copy), how: `deleted ${s.path}` };
  }
  const v = pick(r, HOSTILE_VALUES);
  (s.parent as Record<string | number, unknown>)[s.key] = v;
  return { value: JSON.stringify(copy), how: `${s.path} = ${JSON.stringify(v)}` };
}

/** Lines of a text file with one of them, or one of its fields, replaced by something else. */
export function mutateLines(text: string, r: Rng): Mutation<string> {
  const lines = text.split('\n');
  const i = int(r, Math.max(1, lines.length - 1));
  const fields = (lines[i] ?? '').split(' ');
  const j = int(r, fields.length);
  const bad = pick(r, ['99', '-1', '1.5', 'NaN', '1e308', '-0.5', '', 'x', '0 0 0 0 0 0', '\u0000']);
  fields[j] = bad;
  lines[i] = fields.join(' ');
  return { value: lines.join('\n'), how: `line ${i + 1} field ${j + 1} = ${JSON.stringify(bad)}` };
}

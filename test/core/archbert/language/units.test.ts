import { describe, expect, it } from 'vitest';
import { UNITS, UNIT_SCALE, amount, readAmount, unitScale } from '../../../../src/core/archbert/language/units.js';
import { parseConstraints } from '../../../../src/core/archbert/language/constraints.js';
import { parseQuantities } from '../../../../src/core/archbert/language/quantity.js';

describe('the one unit table (language/units.ts)', () => {
  it('reads every unit word with its scale', () => {
    expect(readAmount('5m')).toBe(5e6);
    expect(readAmount('25 mil')).toBe(25e6);
    expect(readAmount('2 bn')).toBe(2e9);
    expect(readAmount('1.2g')).toBe(1.2e9);
    expect(readAmount('3 million')).toBe(3e6);
    expect(readAmount('3 millions')).toBe(3e6);
    expect(readAmount('500k')).toBe(5e5);
    expect(readAmount('1.5 billion')).toBe(1.5e9);
    expect(readAmount('2 thousand')).toBe(2e3);
    expect(readAmount('2,5 B')).toBe(2.5e9);
    expect(readAmount('42')).toBe(42);
    expect(readAmount('5 macs')).toBeNull();
    expect(readAmount('five million')).toBeNull();
  });

  it('scales and amounts: no unit or an unknown word is 1', () => {
    expect(unitScale(undefined)).toBe(1);
    expect(unitScale('M')).toBe(1e6);
    expect(unitScale('constructor')).toBe(1);
    expect(amount('1,5', 'k')).toBe(1500);
  });

  it('the alternation lists the short forms first, so a reader with a boundary after it gets the whole word', () => {
    const words = UNITS.split('|');
    expect(new Set(words)).toEqual(new Set(Object.keys(UNIT_SCALE)));
    // Of two words where one begins the other (m, mil, million, millions; b, bn), the shorter comes first.
    for (const [i, w] of words.entries()) for (const earlier of words.slice(0, i)) expect(earlier.startsWith(w)).toBe(false);
    expect(words.indexOf('m')).toBeLessThan(words.indexOf('mil'));
    expect(words.indexOf('mil')).toBeLessThan(words.indexOf('million'));
    expect(words.indexOf('b')).toBeLessThan(words.indexOf('bn'));
  });
});

// The units each reader accepts since the three tables became one (issue 14): each newly accepted unit, per reader.
describe('units newly accepted by each reader', () => {
  const bounds = (q: string) => parseConstraints(q).filter((c) => c.kind === 'max_params' || c.kind === 'min_params').map((c) => `${c.kind}:${'value' in c ? c.value : ''}`);

  it('find / ask parameter bounds: "g" (giga)', () => {
    expect(bounds('a transformer under 1.2g params')).toEqual(['max_params:1200000000']);
    expect(bounds('more than 1g parameters')).toEqual(['min_params:1000000000']);
    expect(bounds('between 1g and 2g parameters')).toEqual(['min_params:1000000000', 'max_params:2000000000']);
    // Already read before: "mil", "bn".
    expect(bounds('under 25 mil params')).toEqual(['max_params:25000000']);
    expect(bounds('over 2 bn params')).toEqual(['min_params:2000000000']);
  });

  it('find / ask: an approximate amount of compute is not a parameter count ("about 1g flops")', () => {
    // Without this, the newly read "g" would turn "about 1g flops" into a parameter range.
    expect(bounds('about 1g flops')).toEqual([]);
    expect(bounds('about 5m macs')).toEqual([]);
    expect(bounds('about 50m params')).toEqual(['min_params:33333333', 'max_params:75000000']);
    expect(bounds('roughly 5m')).toEqual(['min_params:3333333', 'max_params:7500000']);
  });

  it('quantity (counts, MACs): "mil" and "millions"', () => {
    const q = (t: string) => parseQuantities(t).map((c) => `${c.what}${c.cmp}${c.value}`);
    expect(q('under 25 mil macs')).toEqual(['macs<25000000']);
    expect(q('more than 300 millions flops')).toEqual(['flops>300000000']);
    // Already read before: "g", "bn", "m".
    expect(q('under 1g macs')).toEqual(['macs<1000000000']);
    expect(q('over 2 bn flops')).toEqual(['flops>2000000000']);
  });
});

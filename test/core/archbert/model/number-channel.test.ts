import { describe, expect, it } from 'vitest';
import { padNumbers } from '../../../../src/core/archbert/model/embed.js';
import { NO_NUMBER, channelValue, numberChannel, sparseNumberChannel } from '../../../../src/core/archbert/model/number-channel.js';

const _ = NO_NUMBER;

describe('numberChannel', () => {
  it('gives a quantity log10(1 + value), scale suffixes included, and nothing to other words', () => {
    // log10(1 + 4e7) = 7.60206, log10(1 + 1.2e9) = 9.07918
    expect(numberChannel(['[cls]', 'below', '40m', 'params', '[sep]'])).toEqual([_, _, 7.6021, _, _]);
    expect(numberChannel(['1.2b', 'parameters', '500k'])).toEqual([9.0792, _, 5.699]);
    expect(numberChannel(['3x3', 'kernels', ',', 'resnet', '##-', '##50', 'v2'])).toEqual([_, _, _, _, _, _, _]);
  });

  it('joins word pieces into one number and a count to its noun', () => {
    // "61.1m" split into pieces: log10(1 + 6.11e7) = 7.78604; "4-layer": log10(5) = 0.69897
    expect(numberChannel(['61', '##.', '##1m', 'params'])).toEqual([7.786, 7.786, 7.786, _]);
    expect(numberChannel(['4-layer', 'rnn'])).toEqual([0.699, _]);
  });

  it('applies a scale word, and a range shares its scale with its bare first number', () => {
    // log10(1 + 4e6) = 6.60206, log10(1 + 1.2e7) = 7.07918, log10(1 + 2e7) = 7.30103
    expect(numberChannel(['between', '4', 'and', '12', 'million', 'params'])).toEqual([_, 6.6021, _, 7.0792, 7.0792, _]);
    expect(numberChannel(['12', 'to', '20m'])).toEqual([7.0792, _, 7.301]);
    expect(numberChannel(['3', 'to', '5', 'layers'])).toEqual([0.6021, _, 0.7782, _]);
    // a count joined to its noun is not a range's first number: "4-layer and 12m" keeps 4
    expect(numberChannel(['4-layer', 'and', '12m'])).toEqual([0.699, _, 7.0792]);
  });

  it('reads thousands groups but keeps a list of widths apart', () => {
    // log10(1001) = 3.000434, log10(1281) = 3.107549; log10(65) = 1.812913, log10(129) = 2.110590
    expect(numberChannel(['1', ',', '000', 'layers'])).toEqual([3.0004, 3.0004, 3.0004, _]);
    expect(numberChannel(['1', ',', '280'])).toEqual([3.1075, 3.1075, 3.1075]);
    expect(numberChannel(['64', ',', '128'])).toEqual([1.8129, _, 2.1106]);
  });

  it('stores only the tokens that state a quantity, and pads sequences with NO_NUMBER', () => {
    expect(sparseNumberChannel(['[cls]', 'with', '24', 'blocks'])).toEqual([[2, channelValue(24)]]);
    const t = padNumbers(['[pad]', 'with', '24', 'blocks', '40m'], [[1, 2, 3], [4]]);
    expect(t.dims).toEqual([2, 3]);
    expect(Array.from(t.data as Float32Array)).toEqual([_, Math.fround(1.3979), _, Math.fround(7.6021), _, _]);
  });
});

import { describe, expect, it } from 'vitest';
import { HELDOUT_FAMILIES, generatedSplit, realSplit } from '../../../../src/core/archbert/data/splits.js';

describe('splits', () => {
  it('hold whole families out and split the rest by hash', () => {
    expect(HELDOUT_FAMILIES).toEqual(expect.arrayContaining(['convnext', 'regnet', 'swin', 'efficientnetv2', 'gru']));
    for (const f of ['ConvNeXt', 'RegNet', 'Swin', 'EfficientNetV2', 'GRU']) expect(realSplit(`any_${f}`, f)).toBe('heldout');
    expect(realSplit('resnet50', 'ResNet')).not.toBe('heldout');
    const counts = { train: 0, val: 0, test: 0, heldout: 0 };
    for (let s = 0; s < 5000; s++) counts[generatedSplit(s)]++;
    expect(counts.heldout).toBe(0);
    expect(counts.train / 5000).toBeCloseTo(0.8, 1);
    expect(counts.val / 5000).toBeCloseTo(0.1, 1);
  });
});

/**
 * keyIdeas: the present ideas ranked most characteristic first. Hand-written
 * findings (plain data), so each tier is checked on its own: the family's
 * defining ideas lead, distinctive ideas come before shared ones, generic
 * ones (batch norm, residual connections, a GAP head) come last.
 */
import { describe, expect, it } from 'vitest';
import { familyDefiningIdeas, isGenericIdea, keyIdeas } from '../../../../src/core/graph/ideas/key-ideas.js';
import { IDEA_IDS } from '../../../../src/core/graph/ideas/registry.js';

const found = (...ids: string[]) => Object.fromEntries(ids.map((id) => [id, { count: 1, evidence: [] }]));

describe('keyIdeas', () => {
  it("puts the family's defining ideas first, in the paper's order", () => {
    // a ShuffleNet: grouped convs and channel shuffle, with the generic parts of every CNN
    const ideas = found('residual', 'batch_norm', 'global_average_pooling_head', 'grouped_convolution', 'channel_shuffle');
    expect(keyIdeas(ideas, 'shufflenet').slice(0, 2)).toEqual(['channel_shuffle', 'grouped_convolution']);
    // the family key is compared without case and punctuation ("MobileNetV2" = "mobilenet_v2")
    expect(keyIdeas(found('batch_norm', 'depthwise_separable', 'inverted_residual'), 'MobileNetV2')[0]).toBe('inverted_residual');
  });

  it('ranks distinctive ideas before shared ones and generic ones last, without a family', () => {
    const ideas = found('residual', 'batch_norm', 'squeeze_excitation', 'fire_module', 'global_average_pooling_head');
    const ranked = keyIdeas(ideas, null);
    expect(ranked[0]).toBe('fire_module');
    expect(ranked[1]).toBe('squeeze_excitation');
    expect(ranked.slice(2).every(isGenericIdea)).toBe(true);
    expect(new Set(ranked)).toEqual(new Set(Object.keys(ideas)));
  });

  it('never lets a generic idea lead when a specific one is present (negative)', () => {
    const ideas = found('batch_norm', 'residual', 'dropout', 'grouped_convolution');
    expect(keyIdeas(ideas, 'no-such-family')[0]).toBe('grouped_convolution');
    expect(keyIdeas(ideas, undefined)[0]).not.toBe('batch_norm');
  });

  it('returns nothing for a graph without ideas, and a family that defines none adds none', () => {
    expect(keyIdeas({}, 'resnet')).toEqual([]);
    // a defining idea that is absent is not invented
    expect(keyIdeas(found('batch_norm'), 'squeezenet')).toEqual(['batch_norm']);
    expect(familyDefiningIdeas(null)).toEqual([]);
    expect(familyDefiningIdeas('constructor')).toEqual([]);
  });

  it('names only catalogue ideas as defining ones', () => {
    const known = new Set([...IDEA_IDS, 'residual', 'batch_norm', 'layer_norm', 'dropout', 'gelu', 'attention']);
    for (const fam of ['resnet', 'resnext', 'squeezenet', 'swin', 'vit', 'unet', 'deeplab', 'pointnet', 'wavenet', 'yolo', 'gpt-like', 'lstm']) {
      const ids = familyDefiningIdeas(fam);
      expect(ids.length, fam).toBeGreaterThan(0);
      for (const id of ids) expect(known.has(id), `${fam}: ${id}`).toBe(true);
    }
  });
});

/**
 * The design ideas and finer tasks a find query names (language/query-ideas.ts):
 * which idea, wanted present or absent, and which feature, modality and task
 * words are only part of an idea's name.
 */
import { describe, expect, it } from 'vitest';
import { queryIdeas, wordsOutsideIdeas } from '../../../../src/core/archbert/language/query-ideas.js';
import { ideaMentions } from '../../../../src/core/archbert/language/idea-phrases.js';
import { expandQuery } from '../../../../src/core/archbert/language/query-text.js';

const wishes = (q: string) => queryIdeas(q).ideas.map((i) => `${i.present ? '+' : '-'}${i.id}`);

describe('ideas a query names', () => {
  it('reads an idea and whether it is wanted', () => {
    expect(wishes('the one with fire modules')).toEqual(['+fire_module']);
    expect(wishes('a mobile net that uses channel shuffle')).toEqual(['+channel_shuffle']);
    expect(wishes('cardinality instead of width')).toEqual(['+grouped_convolution']);
    expect(wishes('a small classifier without channel shuffle')).toEqual(['-channel_shuffle']);
    expect(wishes('no dense connectivity, with fire modules')).toEqual(['-dense_connectivity', '+fire_module']);
    expect(wishes('a cnn that does not use fire modules')).toEqual(['-fire_module']);
    expect(wishes('with cardinality rather than channel shuffle')).toEqual(['+grouped_convolution', '-channel_shuffle']);
    expect(wishes('shuffle-free, with fire modules')).toEqual(['+fire_module']);
  });

  it('finds every idea named, none twice, longer phrases first', () => {
    expect(ideaMentions('fused-mbconv and mbconv blocks').map((m) => m.id)).toEqual(['fused_mbconv', 'inverted_residual']);
    expect(ideaMentions('shifted windows with relative position bias and patch merging').map((m) => m.id)).toEqual(['shifted_windows', 'relative_position_bias', 'patch_merging']);
    expect(ideaMentions('a plain resnet with batch norm')).toEqual([]);
  });

  it('leaves an idea the feature vocabulary names whole to the feature rules', () => {
    // "depthwise separable convolutions" is a counted block kind: the feature constraint is exact.
    expect(wishes('with depthwise separable convolutions')).toEqual([]);
    expect(wishes('with squeeze-and-excitation')).toEqual([]);
  });

  it('shadows the feature, modality and task words inside an idea name only', () => {
    expect([...queryIdeas('asymmetric 1xn / nx1 convolutions').shadowed]).toContain('conv');
    // named again outside the idea: not shadowed
    expect([...queryIdeas('asymmetric convolutions and other convolutions').shadowed]).not.toContain('conv');
    const q = 'something with token-mixing MLPs';
    const { spans } = queryIdeas(q);
    expect(wordsOutsideIdeas(expandQuery(q), 'token', spans)).toBe(false);
    expect(wordsOutsideIdeas(expandQuery('token-mixing mlps for text tokens'), 'token', queryIdeas('token-mixing mlps for text tokens').spans)).toBe(true);
  });

  it('reads the finer tasks people name', () => {
    const details = (q: string) => queryIdeas(q).details.map((d) => d.detail);
    expect(details('a human pose estimation network')).toEqual(['keypoints']);
    expect(details('super-resolution model with pixel shuffle')).toEqual(['super_resolution']);
    expect(details('an image denoiser')).toEqual(['image_restoration']);
    expect(details('a convolutional autoencoder')).toEqual(['reconstruction']);
    expect(details('an image classifier')).toEqual([]);
  });
});

/**
 * The generator's styles build the design ideas they claim, as the idea
 * catalogue's detectors (findIdeas, through the same facts the dataset uses)
 * see them on the generated OpGraphs; and ideas of one style do not turn up
 * in styles that do not build them.
 */
import { describe, expect, it } from 'vitest';
import { graphDeps } from '../../../../../../src/commands/archbert/dataset.js';
import { generateArchitecture, type GeneratorStyle } from '../../../../../../src/core/archbert/data/generate.js';
import { hasCausalAttention } from '../../../../../../src/core/archbert/facts/generated-meta.js';

const STYLES: GeneratorStyle[] = ['cell', 'stage', 'vit', 'mixer', 'transformer', 'recurrent', 'dense_prediction', 'temporal_conv'];
const PER_STYLE = 90;

/** style (or style/block kind) → the idea sets of its generated graphs (with the seed, to name a failing graph) */
const byKind = new Map<string, Array<Set<string> & { seed?: number }>>();
for (const style of STYLES) {
  for (let i = 0; i < PER_STYLE; i++) {
    const seed = i * 31 + 7;
    const a = generateArchitecture(seed, style);
    const ideas: Set<string> & { seed?: number } = new Set(Object.keys(graphDeps.factsOf(a.graph, { name: a.name, input: a.meta.input, causalMask: hasCausalAttention(a.meta) }).ideas));
    ideas.seed = seed;
    const kind = ['stage', 'vit', 'dense_prediction', 'temporal_conv', 'transformer'].includes(style) ? `${style}/${a.meta.blockKind}` : style;
    byKind.set(kind, [...(byKind.get(kind) ?? []), ideas]);
  }
}
const kinds = (pattern: RegExp) => [...byKind.keys()].filter((k) => pattern.test(k));

/** Ideas every graph of a kind shows (the style builds them every time). */
const ALWAYS: Array<[kind: string, ideas: string[]]> = [
  ['stage/fire', ['fire_module']],
  ['stage/shuffle', ['channel_shuffle']],
  ['stage/resnext', ['grouped_convolution']],
  ['stage/dense', ['dense_connectivity']],
  ['stage/inception', ['inception_branches']],
  ['vit/global', ['patch_embedding', 'learned_position_embedding']],
  ['vit/windowed', ['patch_embedding', 'window_attention', 'patch_merging']],
  ['mixer', ['patch_embedding', 'token_mixing_mlp', 'channel_mixing_mlp']],
  ['dense_prediction/unet', ['encoder_decoder_skip_concat']],
  ['dense_prediction/deeplab', ['atrous_convolution', 'aspp', 'resize_upsampling']],
  ['temporal_conv/wavenet', ['dilated_causal_conv', 'gated_activation']],
  ['temporal_conv/tcn', ['dilated_causal_conv']],
  ['temporal_conv/gated_tcn', ['dilated_causal_conv', 'gated_linear_unit']],
  // the generator's record says the attention is masked (hasCausalAttention), as a mask read from a source graph would
  ['transformer/decoder', ['causal_mask']],
];

/** Ideas a style draws as an option: some graphs of the kind show them. */
const SOMETIMES: Array<[kind: string, idea: string]> = [
  ['stage/inception', 'factorised_convolution'],
  ['stage/shuffle', 'grouped_convolution'],
  ['vit/global', 'class_token'],
  ['vit/windowed', 'shifted_windows'],
  ['vit/windowed', 'relative_position_bias'],
  ['dense_prediction/unet', 'transposed_conv_upsampling'],
  ['dense_prediction/super_resolution', 'pixel_shuffle'],
  ['dense_prediction/super_resolution', 'transposed_conv_upsampling'],
  ['transformer/encoder', 'gated_linear_unit'],
  ['transformer/decoder', 'gated_linear_unit'],
  ['stage/convnext', 'layer_scale'],
  ['vit/global', 'layer_scale'],
  ['stage/resnext', 'regular_stage_design'],
];

/** Ideas only the listed kinds build: every other generated graph lacks them. */
const ONLY_IN: Array<[idea: string, where: RegExp]> = [
  ['fire_module', /^stage\/fire$/],
  ['channel_shuffle', /^stage\/shuffle$/],
  ['aspp', /^dense_prediction\/deeplab$/],
  ['atrous_convolution', /^dense_prediction\/deeplab$/],
  ['encoder_decoder_skip_concat', /^dense_prediction\/unet$/],
  ['window_attention', /^vit\/windowed$/],
  ['shifted_windows', /^vit\/windowed$/],
  ['pixel_shuffle', /^dense_prediction\/super_resolution$/],
  ['dilated_causal_conv', /^temporal_conv\//],
  ['gated_activation', /^temporal_conv\/wavenet$/],
  ['gated_linear_unit', /^(transformer\/|temporal_conv\/gated_tcn$)/],
  ['class_token', /^vit\/global$/],
  ['causal_mask', /^transformer\/decoder$/],
  ['layer_scale', /^(stage\/convnext|vit\/global)$/],
  ['regular_stage_design', /^stage\/resnext$/],
  // the detector also reads a norm-free ConvNeXt block's channels-last MLP (transpose → linear → act → linear → transpose) as token mixing
  ['token_mixing_mlp', /^(mixer|stage\/convnext)$/],
];

describe('generated styles build the design ideas they claim (checked with the idea detectors)', () => {
  it('every kind is drawn', () => {
    for (const [kind] of [...ALWAYS, ...SOMETIMES]) expect(byKind.get(kind)?.length ?? 0, kind).toBeGreaterThan(0);
  });

  it('each graph of a kind shows the ideas its kind always builds', () => {
    const missing: string[] = [];
    for (const [kind, ideas] of ALWAYS) {
      for (const found of byKind.get(kind)!) for (const id of ideas) if (!found.has(id)) missing.push(`${kind} seed ${found.seed}: ${id}`);
    }
    expect(missing.slice(0, 10)).toEqual([]);
  });

  it('optional ideas show up in some graphs of their kind, not in all when they are a choice', () => {
    for (const [kind, id] of SOMETIMES) expect(byKind.get(kind)!.some((f) => f.has(id)), `${kind}: ${id}`).toBe(true);
    expect(byKind.get('stage/inception')!.every((f) => f.has('factorised_convolution'))).toBe(false);
    expect(byKind.get('dense_prediction/super_resolution')!.every((f) => f.has('pixel_shuffle'))).toBe(false);
  });

  it('ideas of one style are absent from the styles that do not build them', () => {
    const stray: string[] = [];
    for (const [id, where] of ONLY_IN) {
      const others = [...byKind.keys()].filter((k) => !where.test(k));
      expect(others.length).toBeGreaterThan(5);
      for (const k of others) for (const found of byKind.get(k)!) if (found.has(id)) stray.push(`${id} in ${k} seed ${found.seed}`);
      expect(kinds(where).length, id).toBeGreaterThan(0);
    }
    expect(stray.slice(0, 10)).toEqual([]);
  });
});

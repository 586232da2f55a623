/**
 * The feature vocabulary of queries, questions and generated text: which
 * phrases name a layer type, block, kernel size, stem, layer count or
 * structure fact ("7x7 depthwise convs", "squeeze-and-excitation modules",
 * "a 2-layer GRU", "ReLU-only", "only 3x3 kernels"), and whether an
 * architecture's facts have it. Shared by find (constraints), ask (questions)
 * and describe (claim checking).
 */
import { kernelOrder, type ArchSummary } from '../facts/arch-summary.js';
import { ACTIVATIONS as ACTIVATION_KEYS, NORMS as NORM_KEYS } from '../../graph/categories.js';
import type { StructureFacts } from '../facts/structure.js';
import { NAMES } from './vocabulary.js';
import { table } from '../../graph/formats/table.js';

/** Presence of a feature key in an architecture's facts (the keys fact-check.ts uses). */
/** The graph's activations (or normalisations) when K is one, for "only:K": the list whose single member K must be; null otherwise. */
export function exclusiveGroup(s: ArchSummary, k: string): { kinds: string[]; what: 'activation' | 'normalization' } | null {
  if (s.activations.includes(k) || (ACTIVATION_KEYS as readonly string[]).includes(k)) return { kinds: s.activations, what: 'activation' };
  if (s.norms.includes(k) || (NORM_KEYS as readonly string[]).includes(k)) return { kinds: s.norms, what: 'normalization' };
  return null;
}

export function hasFeature(s: ArchSummary, key: string): boolean {
  const ops = s.ops;
  const n = (k: string) => (ops[k] ?? 0) > 0;
  const st = s.structure;
  if (key.startsWith('kernel:')) return st ? kernelFeature(st, key) : false;
  // "only 1x1 and 3x3 kernels": the graph's kernel sizes are exactly these (each used, no other).
  if (key.startsWith('kernels-only:')) {
    // "kernels-only:KIND:SIZES": the kernel sizes of that conv kind (any = all convolutions) are exactly these.
    const [, kind, sizes] = key.split(':') as [string, string, string];
    const stated = new Set(sizes.split(','));
    const have = kind === 'any' ? s.kernelSizes : [...new Set(st?.kernelsByKind[kind] ?? [])];
    return have.length === stated.size && have.every((k) => stated.has(k));
  }
  // "only:KEY" ("ReLU-only", "only layer norm"): the activation (or normalisation) is the graph's only one.
  if (key.startsWith('only:')) {
    const k = key.slice('only:'.length);
    const group = exclusiveGroup(s, k);
    return group ? group.kinds.length === 1 && group.kinds[0] === k : hasFeature(s, k);
  }
  if (key.startsWith('stem:')) return st ? stemFeature(st, key) : false;
  if (key.startsWith('count:')) return countFeature(s, key);
  switch (key) {
    case 'conv':
      return s.convKinds.length > 0;
    case 'normalization':
      return s.norms.length > 0;
    case 'attention':
    case 'attention_block':
      // Also additive (Bahdanau) attention: a softmax whose weights multiply values, which blocks.ts does not count as a block.
      return s.blocks.attention > 0 || n('attention') || (st?.softmaxAttention ?? 0) > 0;
    case 'window_attention':
      return (st?.windowAttention ?? 0) > 0;
    case 'shifted_windows':
      return (st?.windowAttention ?? 0) > 0 && (st?.shiftedWindows ?? 0) > 0;
    case 'patch_merging':
      return (st?.patchMerging ?? 0) > 0;
    case 'hierarchical':
      return (st?.resolutions ?? 0) >= 3;
    case 'bidirectional':
      // A bidirectional RNN, or a text transformer encoder (BERT: every token attends both ways; no causal per-token vocabulary output).
      return (st?.bidirectional ?? 0) > 0 || (st !== undefined && st.tokenInputs > 0 && s.blocks.attention > 0 && !st.languageModel && !st.encoderDecoder && s.recurrent.length === 0);
    case 'unidirectional':
      return s.recurrent.length > 0 && st !== undefined && st.bidirectional === 0;
    case 'pooling':
      return s.pooling.length > 0;
    case 'dilated_conv':
      // A dilated depthwise or grouped conv (MobileNetV3's last stage under LR-ASPP) is categorised by its grouping; it is dilated all the same.
      return n('dilated_conv') || (st ? Object.keys(st.kernelsByKind).length > 0 && s.dilations.length > 0 : false);
    case 'gated_recurrent':
      return n('lstm') || n('gru');
    case 'fused_mbconv':
      return (st?.fusedMBConv ?? 0) > 0;
    case 'inverted_bottleneck':
      // MBConv (1x1 expand → depthwise → 1x1 project) or ConvNeXt's (depthwise → expand → project): both expand in the middle.
      return s.blocks.inverted_residual > 0 || (st?.dwInvertedBottleneck ?? 0) > 0;
    case 'relative_position_bias':
      return (st?.relativePositionBias ?? 0) > 0;
    case 'layer_scale':
      return (st?.layerScale ?? 0) > 0;
    case 'large_kernel':
      return st ? hasLargeKernel(st) : false;
    case 'recurrent':
      return s.recurrent.length > 0;
    case 'residual':
    case 'depthwise_separable':
    case 'squeeze_excitation':
    case 'inverted_residual':
    case 'feature_pyramid':
      return s.blocks[key] > 0;
    case 'softmax':
    case 'log_softmax':
      return s.outputActivations.includes(key) || s.activations.includes(key);
    default:
      if (s.norms.includes(key) || s.activations.includes(key) || s.pooling.includes(key) || s.convKinds.includes(key)) return true;
      return n(key);
  }
}

/** A kernel side from which a convolution counts as "large" (ConvNeXt's 7x7 depthwise; 3x3 and 5x5 are the ordinary sizes). */
export const LARGE_KERNEL = 7;
/** The stem is held to more: a 7x7 stride-2 stem is standard (ResNet, DenseNet), an 11x11 one (AlexNet) is large. */
export const LARGE_STEM_KERNEL = 11;

/** Some convolution is large: a body kernel side ≥ 7 or a stem side ≥ 11. */
export function hasLargeKernel(st: StructureFacts): boolean {
  const stemSide = st.stem ? Math.max(...st.stem.kernel.split('x').map(Number)) : 0;
  return st.maxBodyKernel >= LARGE_KERNEL || stemSide >= LARGE_STEM_KERNEL;
}

/** "kernel:KIND:SIZE" (KIND a conv category or "any"; SIZE "3x3" or "large"): some convolution of that kind has that kernel (large: side ≥ 7, stem excluded). */
function kernelFeature(st: StructureFacts, key: string): boolean {
  const [, kind, size] = key.split(':') as [string, string, string];
  const kinds = kind === 'any' ? Object.keys(st.kernelsByKind) : [kind];
  if (size === 'large') {
    if (kind === 'any') return hasLargeKernel(st);
    return (st.kernelsByKind[kind] ?? []).some((k) => Math.max(...k.split('x').map(Number)) >= LARGE_KERNEL);
  }
  return kinds.some((k) => (st.kernelsByKind[k] ?? []).includes(size));
}

/** "stem:KxK|*:STRIDE|*[:patchify]": the first convolution has that kernel and stride (patchify: kernel = stride > 1, non-overlapping patches). */
function stemFeature(st: StructureFacts, key: string): boolean {
  const stem = st.stem;
  if (!stem) return false;
  const [, kernel, stride, patch] = key.split(':');
  if (kernel && kernel !== '*' && stem.kernel !== kernel) return false;
  if (stride && stride !== '*' && stem.stride !== Number(stride)) return false;
  if (patch === 'patchify') {
    const [h, w] = stem.kernel.split('x').map(Number);
    if (!(h === w && h === stem.stride && stem.stride > 1)) return false;
  }
  return true;
}

/** "count:WHAT:N": N recurrent layers (of a kind) or N transformer (attention) layers; "layers" = whichever the net is built of. */
function countFeature(s: ArchSummary, key: string): boolean {
  const [, what, n] = key.split(':') as [string, string, string];
  // Plain "N layers" is read every way it is said: weighted layers (the captions' sense), recurrent layers, transformer layers.
  if (what === 'layer') return [s.weightedLayers, layerCount(s, 'recurrent'), layerCount(s, 'transformer')].includes(Number(n));
  // "6 transformer layers" of an encoder-decoder: 6 per stack, or all its attention blocks.
  if (what === 'transformer' || what === 'encoder') return [layerCount(s, what), layerCount(s, 'attention')].includes(Number(n));
  return layerCount(s, what) === Number(n);
}

/** How many layers of a kind the net has, in the sense of countFeature. */
export function layerCount(s: ArchSummary, what: string): number {
  const rec = s.recurrent.reduce((a, k) => a + (s.ops[k] ?? 0), 0);
  const attn = Math.max(s.blocks.attention, s.ops.attention ?? 0);
  // An encoder-decoder "6-layer transformer" has 6 encoder and 6 decoder layers: 3 attention blocks per layer index (self, self, cross).
  const transformerLayers = s.structure?.encoderDecoder ? attn / 3 : attn;
  switch (what) {
    case 'gru':
    case 'lstm':
      return s.ops[what] ?? 0;
    case 'rnn':
    case 'recurrent':
      return rec;
    case 'attention':
      return attn;
    case 'transformer':
    case 'encoder':
      return transformerLayers;
    default:
      return rec > 0 ? rec : attn > 0 ? transformerLayers : s.weightedLayers;
  }
}

/** Readable name of a feature key, for `why` strings and answers. */
export function featureLabel(key: string): string {
  if (key.startsWith('kernel:')) {
    const [, kind, size] = key.split(':') as [string, string, string];
    return `${size === 'large' ? 'large-kernel' : size} ${kind === 'any' ? 'conv' : kind.replace(/_/g, ' ')}`;
  }
  if (key.startsWith('stem:')) {
    const [, kernel, stride, patch] = key.split(':');
    return ['stem', kernel !== '*' ? kernel : '', stride !== '*' ? `stride ${stride}` : '', patch ? 'patchify' : ''].filter(Boolean).join(' ');
  }
  if (key.startsWith('kind:')) return key.slice(5);
  if (key.startsWith('kernels-only:')) {
    const [, kind, sizes] = key.split(':') as [string, string, string];
    return `only ${sizes.split(',').join(', ')} ${kind === 'any' ? '' : `${kind.replace(/_/g, ' ')} `}kernels`;
  }
  if (key.startsWith('only:')) return `${key.slice(5).replace(/_/g, ' ')} only`;
  if (key.startsWith('count:')) {
    const [, what, n] = key.split(':');
    return `${n} ${what === 'layer' ? '' : `${what} `}layers`;
  }
  return key.replace(/_/g, ' ');
}

/** Surface forms → feature keys, longest first ("leaky relu" before "relu"). */
const FEATURE_FORMS: Array<[string, string]> = (() => {
  const forms = new Map<string, string>();
  const skip = new Set(['add', 'mul', 'flatten', 'reshape', 'transpose', 'pad', 'split', 'reduce', 'gather', 'matmul']);
  for (const [key, v] of Object.entries(NAMES)) {
    if (skip.has(key)) continue;
    for (const f of [v.canon, ...v.say]) forms.set(f.replace(/^(an?|the) /, '').replace(/\s*\(.*\)$/, ''), key === 'attention_block' ? 'attention' : key);
  }
  const extra: Array<[string, string]> = [
    ['attention', 'attention'], ['self attention', 'attention'], ['self-attention', 'attention'], ['attention layers', 'attention'], ['transformer blocks', 'attention'],
    ['batch normalisation', 'batch_norm'], ['batchnorm', 'batch_norm'], ['bn', 'batch_norm'], ['layer normalisation', 'layer_norm'], ['group normalisation', 'group_norm'],
    ['normalisation', 'normalization'], ['normalization', 'normalization'], ['normalization layers', 'normalization'], ['norm layers', 'normalization'],
    ['skip connections', 'residual'], ['skip connection', 'residual'], ['residual connections', 'residual'], ['residual connection', 'residual'], ['residuals', 'residual'], ['shortcuts', 'residual'], ['residual blocks', 'residual'],
    ['depthwise convolutions', 'depthwise_conv'], ['depthwise convolution', 'depthwise_conv'], ['depthwise conv', 'depthwise_conv'], ['depthwise convs', 'depthwise_conv'], ['depth-wise convolutions', 'depthwise_conv'],
    ['separable convolutions', 'depthwise_separable'], ['depthwise separable convolutions', 'depthwise_separable'],
    ['se blocks', 'squeeze_excitation'], ['squeeze and excitation', 'squeeze_excitation'], ['squeeze-and-excitation', 'squeeze_excitation'], ['squeeze excitation', 'squeeze_excitation'],
    ['convolutions', 'conv'], ['convolution', 'conv'], ['conv layers', 'conv'], ['convs', 'conv'],
    ['recurrent layers', 'recurrent'], ['recurrence', 'recurrent'], ['recurrent units', 'recurrent'], ['lstms', 'lstm'], ['grus', 'gru'],
    ['dropout', 'dropout'], ['max pool', 'max_pool'], ['max pooling', 'max_pool'], ['maxpool', 'max_pool'], ['average pooling', 'avg_pool'],
    ['swish', 'silu'], ['silu', 'silu'], ['gelu', 'gelu'], ['relu', 'relu'], ['hardswish', 'hard_swish'], ['hard-swish', 'hard_swish'],
    ['dilated convolutions', 'dilated_conv'], ['atrous convolutions', 'dilated_conv'], ['dilations', 'dilated_conv'], ['dilation', 'dilated_conv'],
    ['residual net', 'residual'], ['residual nets', 'residual'], ['residual network', 'residual'], ['residual networks', 'residual'], ['residual cnn', 'residual'], ['transposed convolutions', 'transposed_conv'], ['deconvolutions', 'transposed_conv'],
    ['grouped convolutions', 'grouped_conv'], ['group convolutions', 'grouped_conv'], ['fpn', 'feature_pyramid'], ['feature pyramid', 'feature_pyramid'],
    ['embeddings', 'embedding'], ['embedding layer', 'embedding'], ['embedding', 'embedding'],
    ['fully connected layers', 'linear'], ['dense layers', 'linear'], ['linear layers', 'linear'],
    ['pooling', 'pooling'], ['pooling layers', 'pooling'], ['pooling layer', 'pooling'], ['pool layers', 'pooling'],
    ['se', 'squeeze_excitation'], ['se modules', 'squeeze_excitation'], ['squeeze excite', 'squeeze_excitation'], ['channel attention', 'squeeze_excitation'], ['channel-attention', 'squeeze_excitation'],
    ['grouped conv', 'grouped_conv'], ['grouped convs', 'grouped_conv'], ['group conv', 'grouped_conv'], ['group convs', 'grouped_conv'], ['group convolution', 'grouped_conv'],
    ['window attention', 'window_attention'], ['windowed attention', 'window_attention'], ['windowed-attention', 'window_attention'], ['window-based attention', 'window_attention'],
    ['windowed self-attention', 'window_attention'], ['window self-attention', 'window_attention'], ['local window attention', 'window_attention'], ['local attention windows', 'window_attention'],
    ['local windows', 'window_attention'], ['attention windows', 'window_attention'], ['windowed multi-head attention', 'window_attention'], ['window-attention', 'window_attention'],
    ['shifted windows', 'shifted_windows'], ['shifted window', 'shifted_windows'], ['shifted-window', 'shifted_windows'], ['shifted local windows', 'shifted_windows'], ['shifting windows', 'shifted_windows'],
    ['window shifting', 'shifted_windows'], ['cyclic shifts', 'shifted_windows'], ['cyclic shift', 'shifted_windows'], ['shifted-window attention', 'shifted_windows'], ['shifted window attention', 'shifted_windows'],
    ['patch merging', 'patch_merging'], ['patch-merging', 'patch_merging'], ['patch merging layers', 'patch_merging'], ['merges patches', 'patch_merging'], ['space-to-depth', 'patch_merging'],
    ['hierarchical', 'hierarchical'], ['multi-stage', 'hierarchical'], ['multi-scale feature maps', 'hierarchical'], ['pyramid of feature maps', 'hierarchical'],
    ['recurrent', 'recurrent'], ['recurrent network', 'recurrent'], ['recurrent neural network', 'recurrent'],
    // "an RNN" in general use is any recurrent net (LSTM and GRU included); the plain cell has its own adjectives
    ['rnn', 'recurrent'], ['rnns', 'recurrent'], ['vanilla rnn', 'rnn'], ['plain rnn', 'rnn'], ['simple rnn', 'rnn'], ['elman rnn', 'rnn'], ['vanilla rnns', 'rnn'], ['plain rnns', 'rnn'],
    ['bidirectional', 'bidirectional'], ['bi-directional', 'bidirectional'], ['both directions', 'bidirectional'],
    ['unidirectional', 'unidirectional'], ['uni-directional', 'unidirectional'], ['one direction', 'unidirectional'], ['single direction', 'unidirectional'],
    ['gated units', 'gated_recurrent'], ['gated recurrent layers', 'gated_recurrent'], ['gated rnn', 'gated_recurrent'], ['gated rnns', 'gated_recurrent'], ['gated recurrent networks', 'gated_recurrent'], ['gated cells', 'gated_recurrent'],
    ['fused mbconv', 'fused_mbconv'], ['fused-mbconv', 'fused_mbconv'], ['fused mbconv blocks', 'fused_mbconv'], ['fused-mbconv blocks', 'fused_mbconv'], ['fused inverted residuals', 'fused_mbconv'],
    ['fused inverted residual blocks', 'fused_mbconv'], ['fused mb conv', 'fused_mbconv'], ['fused mbconvs', 'fused_mbconv'],
    ['inverted-bottleneck blocks', 'inverted_bottleneck'],
    ['relative position bias', 'relative_position_bias'], ['relative positional bias', 'relative_position_bias'], ['relative position biases', 'relative_position_bias'],
    ['relative position encoding', 'relative_position_bias'], ['relative position encodings', 'relative_position_bias'], ['relative positional encodings', 'relative_position_bias'],
    ['relative positional encoding', 'relative_position_bias'], ['relative position embeddings', 'relative_position_bias'], ['relative positions', 'relative_position_bias'],
    ['layer scale', 'layer_scale'], ['layerscale', 'layer_scale'], ['layer scaling', 'layer_scale'], ['layer-scale', 'layer_scale'], ['learnable layer scale', 'layer_scale'],
    ['large kernels', 'large_kernel'], ['big kernels', 'large_kernel'], ['large kernel', 'large_kernel'], ['large-kernel', 'large_kernel'], ['huge kernels', 'large_kernel'],
    ['patchify stem', 'stem:*:*:patchify'], ['patchify', 'stem:*:*:patchify'], ['patchifying stem', 'stem:*:*:patchify'], ['patchify conv', 'stem:*:*:patchify'], ['non-overlapping patches', 'stem:*:*:patchify'],
  ];
  for (const [f, k] of extra) forms.set(f, k);
  return [...forms].sort((a, b) => b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1));
})();

/** FEATURE_FORMS with hyphens as spaces (same lengths, so offsets hold), longest first. */
const FEATURE_FORMS_SPACED: Array<[string, string]> = (() => {
  const m = new Map<string, string>();
  for (const [f, k] of FEATURE_FORMS) if (!m.has(f.replace(/-/g, ' '))) m.set(f.replace(/-/g, ' '), k);
  return [...m].sort((a, b) => b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1));
})();

/** Leftmost-longest feature phrases of a text, with their character offsets. */
export function featurePhrases(text: string): Array<{ key: string; phrase: string; start: number; end: number }> {
  const s = text.toLowerCase();
  const spaced = s.replace(/-/g, ' ');
  const out: Array<{ key: string; phrase: string; start: number; end: number }> = [];
  const word = (c: string | undefined) => c !== undefined && /[a-z0-9]/.test(c);
  let i = 0;
  while (i < s.length) {
    if (word(s[i]) && !word(s[i - 1]) && s[i - 1] !== '-') {
      const pattern = patternPhrase(s, i);
      if (pattern) {
        out.push(...pattern);
        i = pattern[0]!.end;
        continue;
      }
      // Hyphens and spaces are the same to the fixed forms ("squeeze-excitation", "grouped-convolution bottlenecks").
      const hit = FEATURE_FORMS_SPACED.find(([f]) => spaced.startsWith(f, i) && !word(s[i + f.length]));
      if (hit) {
        let end = i + hit[0].length;
        let key = hit[1];
        // "ReLU-only", "only layer norm", "relu only": the graph's one activation / normalisation.
        if ((ACTIVATION_KEYS as readonly string[]).includes(key) || (NORM_KEYS as readonly string[]).includes(key)) {
          // "relu-only", "relu only", "relu is its only activation (function)"; before: "only relu", "its only activation is relu"
          const after = /^(?:-|\s)only\b|^\s+(?:(?:is|are)\s+)?(?:its|the|their)\s+(?:one\s+and\s+)?only\s+(?:activation|nonlinearity|non-linearity|norm|normalization|normalisation)(?:\s+(?:functions?|layers?|types?))?/.exec(s.slice(end));
          const before = /\b(?:only|just|exclusively|solely)\s+(?:(?:uses?|using|has|with)\s+)?$|\b(?:only|sole)\s+(?:activation|nonlinearity|non-linearity|norm|normalization|normalisation)(?:\s+(?:function|layer|type))?\s+(?:is|are)\s+$/;
          if (after || before.test(s.slice(Math.max(0, i - 48), i))) {
            key = `only:${key}`;
            if (after) end += after[0].length;
          }
        }
        out.push({ key, phrase: s.slice(i, end), start: i, end });
        i = end;
        continue;
      }
    }
    i++;
  }
  return out;
}

const CONV_KIND_WORD: Record<string, string> = table({ grouped: 'grouped_conv', group: 'grouped_conv', depthwise: 'depthwise_conv', 'depth-wise': 'depthwise_conv', dw: 'depthwise_conv', separable: 'depthwise_conv', dilated: 'dilated_conv', atrous: 'dilated_conv', transposed: 'transposed_conv' });
const KIND_WORD = String.raw`(grouped|group|depthwise|depth-wise|dw|separable|dilated|atrous|transposed)`;
const SIZE = String.raw`(?:(\d+)\s*[x×]\s*(\d+)|(\d+)-by-(\d+)|(large|larger|big|bigger|huge|wide))`;
/** A list of kernel sizes before a convolution noun: "1x1 and 3x3 kernels", "3x3, 5x5 or 7x7 convs", "3x3 convolutions". */
const KERNEL_SET_RE = /\d+\s*[x×]\s*\d+(?:\s*(?:,|and|or|&|\+|\/)\s*(?:and\s+)?\d+\s*[x×]\s*\d+)*\s*(?:(patch(?:ify)?|stem|depthwise|depth-wise|dw|grouped|group|dilated|transposed)\s+)?(?:kernels?|convs?|convolutions?|conv layers|convolutional layers|filters?)(?![a-z0-9])/y;

/** "7x7 depthwise convs", "grouped 3x3 convolutions", "big depthwise kernels", "3-by-3 filters". */
const KERNEL_RE = new RegExp(String.raw`(?:${KIND_WORD}\s+)?${SIZE}[- ]?(?:${KIND_WORD}[- ]?\s*)?(?:conv(?:olution)?s?|convolutional layers|conv layers|kernels?|filters?)(?![a-z0-9])`, 'y');
/** "4x4 stride-4 stem", "stem is a 4x4 stride-4 patchify conv", "a 7x7 conv stem with stride 2". */
const STEM_BEFORE = /(?:(\d+)\s*[x×]\s*(\d+)\s*,?\s*)?(?:(?:with\s+)?stride[- ]?(?:of\s+)?(\d+)\s*,?\s*)?(patchify(?:ing)?\s+|non-overlapping\s+)?(?:conv(?:olution(?:al)?)?\s+)?stem(?![a-z0-9])/y;
const STEM_AFTER = /stem\s+(?:is\s+|of\s+|with\s+|being\s+|:\s*)?(?:an?\s+)?(?:(\d+)\s*[x×]\s*(\d+)\s*,?\s*)?(?:(?:with\s+)?stride[- ]?(?:of\s+)?(\d+)\s*,?\s*)?(patchify(?:ing)?\s*|non-overlapping\s*)?(?:conv(?:olution)?s?(?:\s+with\s+stride[- ]?(\d+))?)?/y;

/** "16x16 patches", "4x4 image patches", "patch size 16", "patch size of 4": a patchify stem of that size. */
const PATCH_GRID = /(\d+)\s*[x×]\s*(\d+)\s*(?:pixel\s+|image\s+|non-overlapping\s+)?patch(?:es)?(?:\s+embeddings?)?(?![a-z0-9])/y;
const PATCH_SIZE = /patch(?:\s|-)?size\s*(?:of\s*|=\s*|:\s*)?(\d+)(?:\s*[x×]\s*(\d+))?(?![a-z0-9])/y;
const NUMBER_WORDS: Record<string, number> = table({ one: 1, single: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, sixteen: 16, eighteen: 18, twenty: 20, 'twenty-four': 24, 'thirty-two': 32 });
function numberWord(w: string): number | null {
  return /^\d+$/.test(w) ? Number(w) : (NUMBER_WORDS[w] ?? null);
}
const NUMW = String.raw`(\d+|one|single|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|sixteen|eighteen|twenty|twenty-four|thirty-two)`;
/** "2-layer GRU", "two stacked LSTM layers", "12-layer transformer", "6 transformer blocks", "3 recurrent layers". */
const LAYER_COUNT_BEFORE = new RegExp(String.raw`${NUMW}[- ](?:stacked\s+|layers?\s+(?:of\s+)?|layer\s+)?(?:(bidirectional|unidirectional|deep|stacked)\s+)?(gru|lstm|rnn|recurrent|transformer|attention|encoder)s?(?:\s+(?:layers?|blocks?|cells?|units?))?(?![a-z0-9])`, 'y');
/** "with 2 stacked layers", "4 layers deep": N layers of whatever the network is built of. */
const LAYER_COUNT_AFTER = new RegExp(String.raw`${NUMW}\s+(?:stacked\s+)?layers?(?:\s+deep)?(?![a-z0-9])()()`, 'y');

/** Feature phrases with numbers in them (kernel sizes, stems), read by pattern rather than from the fixed forms. */
function patternPhrase(s: string, i: number): Array<{ key: string; phrase: string; start: number; end: number }> | null {
  // "1x1 and 3x3 kernels", "only 3x3 convs", "3x3 and 1x1 kernels and nothing else": sizes listed, maybe exclusively.
  KERNEL_SET_RE.lastIndex = i;
  const ks = KERNEL_SET_RE.exec(s);
  if (ks) {
    const sizes = [...ks[0].matchAll(/(\d+)\s*[x×]\s*(\d+)/g)].map((m) => `${m[1]}x${m[2]}`);
    const end = i + ks[0].length;
    const only = /\b(?:only|just|exclusively|solely)\s+(?:(?:uses?|using|has|having|with|contains?)\s+)?$/.test(s.slice(Math.max(0, i - 24), i));
    const tail = /^\s*,?\s*(?:only|exclusively|and nothing else|and no others?|and no other (?:kernel )?sizes?)\b/.exec(s.slice(end));
    const kind = ks[1] && !/^(patch|stem)/.test(ks[1]) ? CONV_KIND_WORD[ks[1]]! : 'any';
    if (only || tail) return [{ key: `kernels-only:${kind}:${[...new Set(sizes)].sort(kernelOrder).join(',')}`, phrase: s.slice(i, tail ? end + tail[0].length : end), start: i, end: tail ? end + tail[0].length : end }];
    if (sizes.length > 1) return sizes.map((k) => ({ key: `kernel:${kind}:${k}`, phrase: ks[0], start: i, end }));
  }
  KERNEL_RE.lastIndex = i;
  const k = KERNEL_RE.exec(s);
  if (k) {
    const kindWord = k[1] ?? k[7];
    const kind = kindWord ? CONV_KIND_WORD[kindWord]! : 'any';
    const size = k[6] ? 'large' : k[2] ? `${k[2]}x${k[3]}` : `${k[4]}x${k[5]}`;
    return [{ key: `kernel:${kind}:${size}`, phrase: k[0], start: i, end: i + k[0].length }];
  }
  for (const re of [PATCH_GRID, PATCH_SIZE]) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) continue;
    const a = m[1]!;
    const b = m[2] ?? a;
    return [{ key: `stem:${a}x${b}:${a}:patchify`, phrase: m[0], start: i, end: i + m[0].length }];
  }
  // "under 3 layers" is a bound, not a count.
  const bounded = /(under|below|over|above|than|at most|at least|up to|max|min)\s*$/.test(s.slice(0, i));
  for (const re of bounded ? [] : [LAYER_COUNT_BEFORE, LAYER_COUNT_AFTER]) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) continue;
    const n = numberWord(m[1]!);
    const what = (m[3] || 'layers').replace(/s$/, '');
    if (n === null || n < 1 || n > 200) continue;
    const out = [{ key: `count:${what}:${n}`, phrase: m[0], start: i, end: i + m[0].length }];
    // "a two-layer bidirectional LSTM" states the direction too.
    if (m[2] === 'bidirectional' || m[2] === 'unidirectional') out.push({ key: m[2], phrase: m[0], start: i, end: i + m[0].length });
    return out;
  }
  for (const re of [STEM_BEFORE, STEM_AFTER]) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) continue;
    const kernel = m[1] ? `${m[1]}x${m[2]}` : '*';
    const stride = m[3] ?? m[5] ?? '*';
    const patch = m[4] ? ':patchify' : '';
    if (kernel === '*' && stride === '*' && !patch) continue;
    return [{ key: `stem:${kernel}:${stride}${patch}`, phrase: m[0].trim(), start: i, end: i + m[0].trimEnd().length }];
  }
  return null;
}

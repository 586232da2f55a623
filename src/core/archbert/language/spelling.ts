/**
 * Typo repair for the domain words a question or query turns on
 * ("activatons?", "normalisaton", "convoluton", "paramters"). A word is
 * replaced only when it is not itself a known word and one known word is
 * nearer than any other, within one edit (two for words of twelve letters or
 * more), so ordinary English passes through untouched.
 */
const DOMAIN_WORDS = [
  'activation', 'activations', 'nonlinearity', 'nonlinearities', 'normalization', 'normalizations', 'normalisation', 'normalized',
  'convolution', 'convolutions', 'convolutional', 'depthwise', 'pointwise', 'separable', 'grouped', 'dilated', 'transposed',
  'attention', 'residual', 'residuals', 'recurrent', 'bidirectional', 'parameters', 'parameter', 'trainable',
  'pooling', 'kernel', 'kernels', 'squeeze', 'excitation', 'transformer', 'transformers', 'embedding', 'embeddings',
  'dropout', 'sigmoid', 'softmax', 'classification', 'classifier', 'segmentation', 'detection', 'detector',
  'bottleneck', 'bottlenecks', 'inverted', 'layers', 'blocks', 'batchnorm', 'layernorm', 'windowed', 'shifted',
  'merging', 'hierarchical', 'multiply', 'accumulates', 'language', 'encoder', 'decoder', 'vocabulary',
  'connections', 'shortcut', 'shortcuts', 'architecture', 'lightweight', 'convnet', 'network', 'networks',
  // the words of the design ideas (idea-phrases.ts) people misspell
  'shuffle', 'shuffling', 'channel', 'channels', 'cardinality', 'atrous', 'pyramid', 'factorised', 'factorized', 'asymmetric',
  'concatenation', 'upsampling', 'deconvolution', 'transposed', 'keypoint', 'keypoints', 'heatmap', 'heatmaps', 'anchor',
  'anchors', 'positional', 'position', 'mixing', 'module', 'modules', 'dense', 'densely', 'connectivity', 'pixel', 'causal',
];
import { table } from '../../graph/formats/table.js';
/** Words left as they are although they lie near a domain word (family names, opposites: "convnext" is not "convnet"). */
const LEAVE = [
  'unidirectional', 'convnext', 'resnext', 'regnet', 'regnetx', 'regnety', 'resnet', 'resnets', 'densenet', 'mobilenet', 'efficientnet',
  'shufflenet', 'squeezenet', 'mnasnet', 'googlenet', 'inception', 'alexnet', 'maxvit', 'deeplab', 'retinanet', 'unet', 'wavenet',
  'pointnet', 'detr', 'vgg', 'swin', 'lstm', 'bilstm', 'bigru', 'layered', 'blocked', 'player', 'players', 'convolve', 'convolved',
  'encoders', 'decoders', 'classifiers', 'detectors', 'kerneled', 'activated', 'normalize', 'normalise', 'pooled', 'embedded',
];
const KNOWN = new Set([...DOMAIN_WORDS, ...LEAVE]);

/** Damerau-Levenshtein distance (adjacent swaps count one), cut off above `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** Question words, repaired only for two swapped letters ("whcih", "waht", "hwo"): short words are too close to others otherwise. */
const QUESTION_WORDS = ['which', 'what', 'how', 'does', 'many', 'list'];

/** Question words with a letter dropped, which edit distance alone cannot tell from other short words. */
const DROPPED_LETTER: Record<string, string> = table({ wich: 'which', whch: 'which', whic: 'which', wht: 'what', hw: 'how', mny: 'many', dos: 'does' });

/** Words already repaired (or left): the same words come back in every question, caption and beam hypothesis. */
const REPAIRED = new Map<string, string>();
const MAX_REMEMBERED = 10_000;

export function correctWord(w: string): string {
  const known = REPAIRED.get(w);
  if (known !== undefined) return known;
  const out = repairWord(w);
  if (REPAIRED.size >= MAX_REMEMBERED) REPAIRED.clear();
  REPAIRED.set(w, out);
  return out;
}

function repairWord(w: string): string {
  const dropped = DROPPED_LETTER[w];
  if (dropped) return dropped;
  if (w.length >= 3 && w.length < 6 && !QUESTION_WORDS.includes(w)) {
    const swapped = QUESTION_WORDS.find((k) => k.length === w.length && [...w].filter((c, i) => c !== k[i]).length === 2 && distance(w, k, 1) === 1);
    if (swapped) return swapped;
  }
  if (w.length < 6 || KNOWN.has(w) || !/^[a-z]+$/.test(w)) return w;
  const max = w.length >= 12 ? 2 : 1;
  const scored = DOMAIN_WORDS.map((k) => ({ k, d: distance(w, k, max) })).filter((x) => x.d <= max);
  const best = Math.min(...scored.map((x) => x.d));
  const near = scored.filter((x) => x.d === best);
  return near.length === 1 ? near[0]!.k : w;
}

/** The lower-cased text with misspelt domain words repaired. */
export function correctSpelling(text: string): string {
  return text.replace(/[a-z]+/g, (w) => correctWord(w));
}

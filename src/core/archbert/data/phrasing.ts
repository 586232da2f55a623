/**
 * Words and phrasing shared by the text grammars (captions and queries in
 * describe-text.ts and queries.ts, QA pairs in qa.ts, statements in
 * statements.ts): spoken forms of vocabulary keys, lists, articles, task and
 * kind words, and the names a summary may be called by.
 */
import type { ArchSummary, BlockKind } from '../facts/arch-summary.js';
import { familyInfo } from '../facts/family-knowledge.js';
import type { StageBlockKind } from './generate/styles/stage.js';
import type { Rng } from './rng.js';
import { KIND_WORDS, NAMES, paramRange } from '../language/vocabulary.js';
import { table } from '../../graph/formats/table.js';

/** One spoken form of a vocabulary key ("batch_norm" → "batch normalization", …). */
export function say(rng: Rng, key: string): string {
  const forms = NAMES[key]?.say;
  return forms ? rng.pick(forms) : key.replace(/_/g, ' ');
}

/** "a, b and c" (or "a, b, and c" / "a, b or c"). */
export function list(items: string[], rng: Rng, conj = 'and'): string {
  if (items.length === 0) return '';
  if (items.length === 1) return items[0]!;
  const oxford = rng.chance(0.3) && items.length > 2 ? ',' : '';
  return `${items.slice(0, -1).join(', ')}${oxford} ${conj} ${items[items.length - 1]}`;
}

export function article(phrase: string): string {
  // Vowel sound, roughly: "an EfficientNet", "an MLP", "an RNN", but "a U-Net", "a ResNet".
  return /^([aeio]|u(?!-|ni|se)|(mlp|rnn|lstm|fcn|fcos|ssd|lr-aspp|s3d)\b)/i.test(phrase) ? `an ${phrase}` : `a ${phrase}`;
}

export function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const TASK_WORDS: Record<string, string[]> = table({
  'image classification': ['image classification', 'classifying images', 'image recognition'],
  'text classification': ['text classification', 'classifying text', 'sentence classification'],
  'language modeling': ['language modeling', 'next-token prediction', 'language modelling'],
  'machine translation': ['machine translation', 'translating text', 'sequence-to-sequence translation'],
  'object detection': ['object detection', 'detecting objects', 'bounding-box detection'],
  'instance segmentation': ['instance segmentation', 'segmenting object instances'],
  'keypoint detection': ['keypoint detection', 'human pose keypoint detection'],
  'semantic segmentation': ['semantic segmentation', 'pixel-wise labelling', 'dense per-pixel classification'],
  'video classification': ['video classification', 'action recognition in video', 'classifying video clips'],
  'optical flow': ['optical flow estimation', 'estimating optical flow'],
  'image reconstruction': ['image reconstruction', 'reconstructing images'],
  'image generation': ['image generation', 'generating images'],
  'audio generation': ['audio generation', 'generating audio waveforms'],
  'sequence classification': ['sequence classification', 'classifying sequences'],
  'point cloud classification': ['point cloud classification', 'classifying 3d point clouds'],
  'image super-resolution': ['image super-resolution', 'super-resolution', 'upscaling images'],
  'time series classification': ['time series classification', 'classifying time series', 'signal classification'],
});

export function taskWord(rng: Rng, task: string): string {
  const forms = TASK_WORDS[task];
  return forms ? rng.pick(forms) : task;
}

export function kindWord(rng: Rng, s: ArchSummary): string {
  return rng.pick(KIND_WORDS[s.kind] ?? ['network']);
}

export function sizeWord(rng: Rng, s: ArchSummary): string {
  return rng.pick(paramRange(s.params).size);
}

/** The vocabulary key of a block kind: the attention block is "attention_block" (plain "attention" is the op). */
export function blockKey(b: BlockKind): string {
  return b === 'attention' ? 'attention_block' : b;
}

/** The block kinds present in the summary, as vocabulary keys (blockKey). */
export function blocksPresent(s: ArchSummary): string[] {
  return (Object.keys(s.blocks) as Array<keyof ArchSummary['blocks']>).filter((k) => s.blocks[k] > 0).map(blockKey);
}

/** The exporter's variant text, unless it holds a negation ("depth 4, no batch norm") that would change what a sentence asserts. */
export function safeVariant(s: ArchSummary): string | null {
  return s.variant && !/\b(no|without|not)\b/i.test(s.variant) ? s.variant : null;
}

export function familyName(s: ArchSummary): string | null {
  if (!s.family) return null;
  return familyInfo(s.familyKey)?.display ?? s.family;
}

/** How the generator's stage block kinds (generate/styles/stage.ts) are named in text: one entry per kind (checked by the type). */
export const STAGE_BLOCK_WORDS: Record<string, string> = table<string>({
  basic: 'basic residual blocks',
  bottleneck: 'bottleneck residual blocks',
  resnext: 'grouped bottleneck blocks',
  inverted_residual: 'inverted residual blocks',
  // Never a held-out family's name in generated text (that would leak it into training).
  convnext: 'large-kernel depthwise blocks',
  vgg: 'plain convolution layers',
  dense: 'densely connected layers',
  fire: 'fire modules',
  shuffle: 'shuffle units',
  inception: 'inception modules',
} satisfies Record<StageBlockKind, string>);

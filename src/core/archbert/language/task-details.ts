/**
 * The words people use for the finer tasks of `task.detail`
 * (src/core/graph/task-detail.ts) that the coarse task keys of tasks.ts do
 * not tell apart: pose / keypoint estimation is not box detection, instance
 * masks are not semantic maps, super-resolution and denoising are not image
 * synthesis, a point cloud is not an image. Written from how papers and
 * model cards name these tasks. `taskDetailMention` finds the longest such
 * phrase (ask), `taskDetailMentions` every one (find); `taskDetailLabel` is
 * the detail's name in answers.
 */
import { allMentions, compilePhrases, longestMention, type PhraseMention } from './phrase-table.js';

/** task.detail id → the phrases that name it (lower case; hyphens and spaces interchangeable). */
const TASK_DETAIL_PHRASES: Readonly<Record<string, readonly string[]>> = Object.assign(Object.create(null) as object, {
  keypoints: ['keypoint detection', 'keypoint estimation', 'keypoint localization', 'keypoint localisation', 'pose estimation', 'human pose', 'body pose', 'landmark detection', 'facial landmarks', 'joint localization', 'keypoints'],
  instance_segmentation: ['instance segmentation', 'instance masks', 'per-instance masks', 'mask per object'],
  semantic_segmentation: ['semantic segmentation', 'scene parsing', 'per-pixel class map'],
  super_resolution: ['super-resolution', 'super resolution', 'image upscaling', 'upscaling images', 'upscales images', 'upscaler', 'single-image sr'],
  image_restoration: ['image restoration', 'denoising', 'deblurring', 'image denoising', 'image enhancement', 'denoiser', 'deblurrer'],
  // An autoencoder is trained to give back its input; a GAN generator makes new images from noise.
  reconstruction: ['autoencoder', 'auto-encoder', 'reconstruction', 'reconstructs its input'],
  generation: ['gan generator', 'gan', 'image generator', 'image synthesis', 'generates images', 'synthesizes images', 'synthesises images'],
  point_cloud_classification: ['point cloud classification', 'point-cloud classification', 'classifies point clouds', 'shape classification'],
  point_cloud_segmentation: ['point cloud segmentation', 'point-cloud segmentation', 'part segmentation'],
  audio_generation: ['audio generation', 'speech synthesis', 'waveform generation', 'audio synthesis', 'text-to-speech'],
  regression: ['regression', 'regressor', 'predicts a continuous value'],
});

/** The detail's name in answers. */
const LABELS: Readonly<Record<string, string>> = Object.assign(Object.create(null) as object, {
  image_classification: 'image classification',
  point_cloud_classification: 'point cloud classification',
  object_detection: 'object detection',
  keypoints: 'keypoint detection (pose estimation)',
  instance_segmentation: 'instance segmentation',
  semantic_segmentation: 'semantic segmentation',
  point_cloud_segmentation: 'point cloud segmentation',
  text_classification: 'text classification',
  sequence_classification: 'sequence classification',
  generation: 'generation',
  reconstruction: 'reconstruction',
  super_resolution: 'super-resolution',
  image_restoration: 'image restoration',
  language_modelling: 'language modeling',
  seq2seq: 'sequence-to-sequence',
  audio_generation: 'audio generation',
  embedding: 'embedding',
  regression: 'regression',
});

const TABLE = compilePhrases(TASK_DETAIL_PHRASES);

/** The task detail the text names by its longest phrase, or null. */
export function taskDetailMention(text: string): { id: string; text: string } | null {
  const m = longestMention(TABLE, text);
  return m && { id: m.id, text: m.text };
}

/** Every finer task a text names, once each, in text order, longer phrases first where two overlap. */
export function taskDetailMentions(text: string): PhraseMention[] {
  const seen = new Set<string>();
  return allMentions(TABLE, text).filter((m) => (seen.has(m.id) ? false : (seen.add(m.id), true)));
}

/** The detail's name in answers ("keypoint detection (pose estimation)"). */
export function taskDetailLabel(id: string): string {
  return LABELS[id] ?? id.replace(/_/g, ' ');
}

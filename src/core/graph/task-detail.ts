/**
 * The finer task ids of `task.detail` and the coarse `task.guess` each one
 * belongs to. The ids and their coarse task follow the issue-16 reference set
 * (fixtures/reference/expected.json `task_details`); the ids it does not list
 * (instance and point-cloud segmentation, same-size image restoration,
 * embedding, regression) are added with the same convention: the coarse task
 * says what kind of output the model gives, the detail what it is for.
 */
import type { Task } from './categories.js';

export const TASK_DETAILS = {
  image_classification: 'classification',
  point_cloud_classification: 'classification',
  object_detection: 'detection',
  keypoints: 'detection',
  // boxes first, then a mask per box (Mask R-CNN): the coarse task stays the detector's
  instance_segmentation: 'detection',
  semantic_segmentation: 'segmentation',
  point_cloud_segmentation: 'segmentation',
  text_classification: 'sequence',
  sequence_classification: 'sequence',
  generation: 'generation',
  reconstruction: 'generation',
  super_resolution: 'generation',
  // same-size image to image with no downsampling (denoising, deblurring, SR of a pre-upsampled image)
  image_restoration: 'generation',
  language_modelling: 'generation',
  seq2seq: 'generation',
  audio_generation: 'generation',
  // one vector per input like a classifier's; the coarse task follows the input (image → classification, sequence → sequence)
  embedding: null,
  regression: null,
} as const satisfies Record<string, Task | null>;

export type TaskDetail = keyof typeof TASK_DETAILS;
export const TASK_DETAIL_IDS = Object.keys(TASK_DETAILS) as TaskDetail[];

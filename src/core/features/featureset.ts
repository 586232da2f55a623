/**
 * FeatureSet: what extraction produces for one model on one dataset, and
 * the only thing scoring needs. Rows are samples (images for classification,
 * ground-truth boxes for detection).
 */
import type { Task } from './zoo.js';

export interface FeatureSet {
  /** Model name (the zoo file's stem). */
  name: string;
  task: Task;
  rows: number;
  cols: number;
  /** rows × cols, row-major */
  X: Float32Array;
  /** Source-class probabilities (softmax of the model's logits), rows × probCols; null for detectors / unknown logits. */
  probs: Float32Array | null;
  probCols: number;
  /** Detection: rows × 4 box targets (cx, cy, w, h normalised by image size). */
  targets: Float32Array | null;
  /** Label of each row. */
  labels: string[];
  /** Images that went through the model (decoded successfully). */
  images: number;
  /** Seconds this model's extraction took (preprocessing share + inference); from the first run when cached. */
  seconds: number;
  skipped: Array<{ path: string; reason: string }>;
  /** The graph tensor the features came from. */
  featureTensor: string;
  /** Detection: the feature map's stride in input pixels. */
  stride?: number;
  provider: string;
  cached: boolean;
}

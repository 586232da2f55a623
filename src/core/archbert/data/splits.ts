/**
 * Which split a dataset graph goes to: whole held-out families to "heldout"
 * (so evaluation can measure generalization to families never seen in
 * training), everything else 80/10/10 train/val/test by a hash of its name or
 * seed, so a graph's split never depends on what else is in the build.
 */
import { familyKey } from '../facts/arch-summary.js';
import { hash32 } from './rng.js';

export const SPLITS = ['train', 'val', 'test', 'heldout'] as const;
export type Split = (typeof SPLITS)[number];

/** Families whose every member goes to "heldout" (family keys, see familyKey()). */
export const HELDOUT_FAMILIES = ['convnext', 'regnet', 'swin', 'efficientnetv2', 'gru'] as const;

/** Split of a generated graph: by a hash of its seed, 80/10/10. */
export function generatedSplit(graphSeed: number): Split {
  return hashSplit(String(graphSeed));
}

/** Split of a real graph: held-out family, or by a hash of its name, 80/10/10. */
export function realSplit(name: string, family: string | null): Split {
  const key = familyKey(family);
  if (key && (HELDOUT_FAMILIES as readonly string[]).includes(key)) return 'heldout';
  return hashSplit(name);
}

/** Train, val or test, 80/10/10, by a hash of the key. */
function hashSplit(key: string): Split {
  const r = hash32(`split:${key}`) % 100;
  return r < 80 ? 'train' : r < 90 ? 'val' : 'test';
}

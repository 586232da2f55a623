/**
 * task.ts: every coarse/detail rule has a positive case (a hand-written op
 * chain with the signature that rule reads) and a negative one (the nearest
 * signature that must NOT trigger it); then the whole reference set
 * (fixtures/reference + fixtures/models) against the papers' tasks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guessTask, type SignatureTensor } from '../../../src/core/graph/task.js';
import { TASK_DETAILS } from '../../../src/core/graph/task-detail.js';
import { describeFacts } from '../../../src/core/graph/analyze.js';
import type { OpGraph, OpNode } from '../../../src/core/graph/types.js';
import { repoRoot } from '../../helpers/cli.js';

const node = (category: string, extra: Partial<OpNode> = {}): OpNode => ({
  id: category, category, outChannels: null, inChannels: null, kernel: null, stride: null, dilation: null, groups: null, params: 0, buffers: 0, macs: 0, outShape: null, sources: [], ...extra,
});
/** A chain of ops, first fed by the input, last feeding the output. */
function chain(...nodes: OpNode[]): OpGraph {
  return { nodes, edges: nodes.slice(1).map((_, i) => [i, i + 1] as [number, number]), inputNodes: [0], outputNodes: [nodes.length - 1] };
}
const ops = (og: OpGraph) => {
  const o: Record<string, number> = {};
  for (const n of og.nodes) o[n.category] = (o[n.category] ?? 0) + 1;
  return o;
};
const t = (name: string, shape: number[], dtype = 'float32'): SignatureTensor => ({ name, shape, dtype });
const guess = (og: OpGraph, ins: SignatureTensor[], outs: SignatureTensor[], hints = {}) => {
  const r = guessTask(og, ops(og), ins, outs, hints);
  return `${r.guess}/${r.detail}`;
};
const img = t('x', [1, 3, 64, 64]);
const conv = (extra: Partial<OpNode> = {}) => node('conv', { kernel: [3, 3], stride: [1, 1], ...extra });
const down = conv({ stride: [2, 2] });

describe('task-detail.ts', () => {
  it('agrees with the reference set\'s task_details (ids and their coarse task)', () => {
    const doc = JSON.parse(readFileSync(join(repoRoot, 'fixtures', 'reference', 'expected.json'), 'utf8')) as { task_details: Record<string, string> };
    for (const [id, coarse] of Object.entries(doc.task_details)) expect(TASK_DETAILS[id as keyof typeof TASK_DETAILS], id).toBe(coarse);
  });
});

describe('guessTask rules', () => {
  it('image → pooled vector: image classification; a tabular scalar: regression; an L2-normalised vector: embedding', () => {
    const clf = chain(conv(), node('global_avg_pool'), node('linear'));
    expect(guess(clf, [img], [t('y', [1, 10])])).toBe('classification/image_classification');
    const tab = chain(node('linear'), node('relu'), node('linear'));
    expect(guess(tab, [t('x', [1, 8])], [t('y', [1, 1])])).toBe('classification/regression');
    expect(guess(tab, [t('x', [1, 8])], [t('y', [1, 5])])).toBe('classification/null');
    const emb = chain(conv(), node('global_avg_pool'), node('linear'), node('reduce'), node('div'));
    emb.edges.push([2, 4]);
    expect(guess(emb, [img], [t('y', [1, 128])])).toBe('classification/embedding');
  });

  it('detection: NMS / RoI ops, box tables, anchor tables with landmarks; not a lone [N, 4] output', () => {
    expect(guess(chain(conv(), node('nms')), [img], [t('b', [1, 4])])).toBe('detection/object_detection');
    expect(guess(chain(conv(), node('roi_align'), conv()), [img], [t('m', [100, 80, 28, 28])])).toBe('detection/instance_segmentation');
    expect(guess(chain(conv(), node('linear')), [img], [t('s', [1, 500, 80]), t('b', [1, 500, 4])])).toBe('detection/object_detection');
    // BlazeFace-style: 896 anchors × (4 box + 6 landmarks × 2) beside 896 scores
    expect(guess(chain(conv(), node('reshape')), [img], [t('r', [1, 896, 16]), t('c', [1, 896, 1])])).toBe('detection/object_detection');
    // one 4-vector output is a classifier over 4 classes
    expect(guess(chain(conv(), node('global_avg_pool'), node('linear')), [img], [t('y', [1, 4])])).toBe('classification/image_classification');
    // odd per-anchor widths are not boxes
    expect(guess(chain(conv(), node('reshape')), [img], [t('r', [1, 896, 15]), t('c', [1, 896, 1])])).not.toMatch(/^detection/);
  });

  it('dense outputs at input size: segmentation with upsampling; squashed RGB → image to image; not without upsampling', () => {
    const ed = (...tail: OpNode[]) => chain(conv(), down, node('transposed_conv', { kernel: [2, 2], stride: [2, 2] }), conv(), ...tail);
    expect(guess(ed(), [img], [t('y', [1, 21, 64, 64])])).toBe('segmentation/semantic_segmentation');
    // U-Net's unpadded convolutions: 572 → 388 is still a per-pixel map
    expect(guess(ed(), [t('x', [1, 1, 572, 572])], [t('y', [1, 2, 388, 388])])).toBe('segmentation/semantic_segmentation');
    expect(guess(ed(node('tanh')), [img], [t('y', [1, 3, 64, 64])])).toBe('generation/image_restoration');
    expect(guess(ed(node('linear'), node('sigmoid')), [img], [t('y', [1, 3, 64, 64])])).toBe('generation/reconstruction');
    // downsampled but never upsampled: a same-size map is no evidence
    expect(guess(chain(conv(), down, conv()), [img], [t('y', [1, 21, 64, 64])])).toBe('unknown/null');
  });

  it('same-size conv stack with the input channels → image restoration; other channels → no rule', () => {
    expect(guess(chain(conv(), node('relu'), conv()), [img], [t('y', [1, 3, 64, 64])])).toBe('generation/image_restoration');
    expect(guess(chain(conv(), node('relu'), conv()), [img], [t('y', [1, 16, 64, 64])])).toBe('unknown/null');
  });

  it('an integer-factor larger image with the input channels → super-resolution; other channels → not', () => {
    const sr = chain(conv(), node('resize'));
    expect(guess(sr, [img], [t('y', [1, 3, 192, 192])])).toBe('generation/super_resolution');
    expect(guess(sr, [img], [t('y', [1, 21, 192, 192])])).not.toBe('generation/super_resolution');
  });

  it('maps on a coarser grid: YOLO anchor grid, centre heads, keypoint heatmaps (+ offsets); not a fine-grid map without a decoder', () => {
    const backbone = chain(conv(), down, down, down, down, down, conv());
    expect(guess(backbone, [t('x', [1, 3, 416, 416])], [t('y', [1, 125, 13, 13])])).toBe('detection/object_detection');
    // same channels on a fine grid (stride 4) is not a YOLO grid
    expect(guess(backbone, [t('x', [1, 3, 416, 416])], [t('y', [1, 125, 104, 104])])).toBe('unknown/null');
    expect(guess(backbone, [t('x', [1, 3, 256, 256])], [t('h', [1, 80, 64, 64]), t('wh', [1, 2, 64, 64]), t('off', [1, 2, 64, 64])])).toBe('detection/object_detection');
    // PoseNet-style channels-last heatmaps + 2 offsets per keypoint
    expect(guess(backbone, [t('x', [1, 257, 257, 3])], [t('h', [1, 17, 17, 17]), t('o', [1, 17, 17, 34])])).toBe('detection/keypoints');
    const decoder = chain(conv(), down, down, down, node('transposed_conv', { kernel: [4, 4], stride: [2, 2] }), conv({ kernel: [1, 1] }));
    expect(guess(decoder, [t('x', [1, 3, 256, 192])], [t('y', [1, 17, 64, 48])])).toBe('detection/keypoints');
    expect(guess(backbone, [t('x', [1, 3, 256, 192])], [t('y', [1, 17, 64, 48])])).toBe('unknown/null');
  });

  it('a latent vector decoded to an image → generation; a vector input without upsampling → not', () => {
    const g = chain(node('transposed_conv', { kernel: [4, 4], stride: [2, 2] }), node('tanh'));
    expect(guess(g, [t('z', [1, 100, 1, 1])], [t('y', [1, 3, 64, 64])])).toBe('generation/generation');
    expect(guess(chain(node('linear'), node('reshape')), [t('z', [1, 100])], [t('y', [1, 3, 8, 8])])).not.toMatch(/^generation/);
  });

  it('tokens: per-token vocabulary scores → language model, two vocabulary streams → seq2seq, a label → text classification', () => {
    const emb = (rows: number, params = rows * 64) => node('embedding', { outChannels: 64, params });
    const lm = chain(emb(10000), node('gru'), node('linear'));
    expect(guess(lm, [t('ids', [1, 32], 'int64')], [t('y', [1, 32, 10000])])).toBe('generation/language_modelling');
    const s2s: OpGraph = { ...chain(emb(37000), node('attention'), emb(37000, 0), node('linear')), inputNodes: [0, 2] };
    expect(guess(s2s, [t('src', [1, 32], 'int64'), t('tgt', [1, 32], 'int64')], [t('y', [1, 32, 37000])])).toBe('generation/seq2seq');
    // BERT: a second input with a 2-row (segment) table is not a second stream
    const bert: OpGraph = { ...chain(emb(30522), node('attention'), emb(2), node('linear')), inputNodes: [0, 2] };
    expect(guess(bert, [t('ids', [1, 32], 'int64'), t('seg', [1, 32], 'int64')], [t('y', [1, 32, 30522])])).toBe('generation/language_modelling');
    expect(guess(lm, [t('ids', [1, 32], 'int64')], [t('y', [1, 2])])).toBe('sequence/text_classification');
    // per-token tags (9 labels, not the vocabulary): not a language model
    expect(guess(lm, [t('ids', [1, 32], 'int64')], [t('y', [1, 32, 9])])).toBe('sequence/text_classification');
    expect(guess(chain(emb(50000), node('attention'), node('linear')), [t('ids', [1, 32], 'int64')], [t('y', [1, 2])], { causalMask: true })).toBe('generation/language_modelling');
  });

  it('float sequences: recurrent or 1-D convs → sequence classification; dilated same-shape → audio generation; point-wise + max → point cloud', () => {
    const seq = t('x', [1, 1, 784]);
    expect(guess(chain(node('lstm'), node('linear')), [t('x', [20, 1, 8])], [t('y', [1, 5])])).toBe('sequence/sequence_classification');
    const tcn = chain(conv({ kernel: [7, 1] }), node('dilated_conv', { kernel: [7, 1], dilation: [2, 1] }), node('gather'), node('linear'));
    expect(guess(tcn, [seq], [t('y', [1, 10])])).toBe('sequence/sequence_classification');
    const wn = chain(conv({ kernel: [2, 1] }), node('dilated_conv', { kernel: [2, 1], dilation: [2, 1] }), node('tanh'), conv({ kernel: [1, 1] }));
    expect(guess(wn, [t('x', [1, 256, 1024])], [t('y', [1, 256, 1024])])).toBe('generation/audio_generation');
    // same shape but no dilation: no claim of autoregressive generation
    expect(guess(chain(conv({ kernel: [3, 1] }), conv({ kernel: [1, 1] })), [t('x', [1, 256, 1024])], [t('y', [1, 256, 1024])])).toBe('unknown/null');
    const pn = chain(conv({ kernel: [1, 1] }), conv({ kernel: [1, 1] }), node('reduce'), node('linear'));
    expect(guess(pn, [t('p', [1, 3, 1024])], [t('y', [1, 40])])).toBe('classification/point_cloud_classification');
    expect(guess(pn, [t('p', [1, 3, 1024])], [t('y', [1, 1024, 13])])).toBe('segmentation/point_cloud_segmentation');
    // point-wise convs without a symmetric pooling over points: not a point set
    expect(guess(chain(conv({ kernel: [1, 1] }), node('flatten'), node('linear')), [t('p', [1, 3, 1024])], [t('y', [1, 40])])).not.toMatch(/point_cloud/);
  });

  it('no signature a rule reads → unknown with the outputs as evidence', () => {
    const r = guessTask(chain(node('add')), { add: 1 }, [t('a', [5])], [t('b', [5])]);
    expect(r).toMatchObject({ guess: 'unknown', detail: null });
    expect(r.evidence[0]).toMatch(/no rule matched/);
  });
});

describe('reference set (fixtures/reference + fixtures/models): task from the papers', () => {
  const ref = JSON.parse(readFileSync(join(repoRoot, 'fixtures', 'reference', 'expected.json'), 'utf8')) as { models: Record<string, { file: string; task: string; task_detail: string }> };
  const models = JSON.parse(readFileSync(join(repoRoot, 'fixtures', 'models', 'reference.json'), 'utf8')) as Record<string, { file: string; task: string }>;
  const rows: Array<[string, string, string, string | null]> = [
    ...Object.entries(ref.models).map(([n, e]) => [n, join('reference', e.file), e.task, e.task_detail] as [string, string, string, string]),
    ...Object.entries(models).map(([n, e]) => [n, join('models', e.file), e.task, null] as [string, string, string, null]),
  ];
  // SRCNN maps a bicubic-upsampled image to one of the same size: the graph cannot tell it from a denoiser
  const DETAIL_UNDECIDABLE = new Set(['srcnn']);
  it.each(rows)('%s', async (name, file, task, detail) => {
    const f = await describeFacts(join(repoRoot, 'fixtures', file));
    expect(f.task.guess).toBe(task);
    if (detail !== null && !DETAIL_UNDECIDABLE.has(name)) expect(f.task.detail).toBe(detail);
    if (DETAIL_UNDECIDABLE.has(name)) expect(f.task.detail).toBe('image_restoration');
    expect(f.task.evidence.length).toBeGreaterThan(0);
  }, 60_000);
});

/**
 * find with the design ideas and finer tasks a query names: models whose
 * facts show them rank first; words inside an idea's name make no constraint
 * of their own. Expected facts from the papers: SqueezeNet is built of fire
 * modules, ShuffleNet V2 of channel-shuffle units, MLP-Mixer of token-mixing
 * MLPs over image patches, the simple-baseline pose net predicts keypoint
 * heatmaps, ResNet-50 has none of these.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { queryConstraints, rankCandidates, type Candidate } from '../../../src/core/archbert/find.js';
import { analyzeModelFile } from '../../../src/core/archbert/facts/model-file.js';
import { repoRoot } from '../../helpers/cli.js';

const FILES = {
  squeezenet: 'fixtures/models/squeezenet1_0.onnx',
  shufflenet: 'fixtures/models/shufflenet_v2_x1_0.onnx',
  resnet50: 'fixtures/models/resnet50.onnx',
  mixer: 'fixtures/reference/mlp_mixer_b16.onnx',
  pose: 'fixtures/reference/simple_baseline_pose_r50.onnx',
};
let cands: Candidate[] = [];

beforeAll(async () => {
  cands = [];
  // The learned score is made to favour ResNet-50, so only the ideas can put the others first.
  for (const [name, f] of Object.entries(FILES)) cands.push({ file: f, name, summary: (await analyzeModelFile(join(repoRoot, f))).summary, score: name === 'resnet50' ? 0.9 : 0.1 });
}, 120_000);

const top = (q: string) => rankCandidates(q, cands, queryConstraints(q), 5)[0]!;

describe('find reads the design ideas', () => {
  it('ranks the model with the named idea first and says why', () => {
    expect(top('the one with fire modules').name).toBe('squeezenet');
    expect(top('the one with fire modules').why).toMatch(/has fire module/);
    expect(top('a mobile network with channel shuffle').name).toBe('shufflenet');
    expect(top('something with token-mixing MLPs').name).toBe('mixer');
    expect(top('a human pose estimation network').name).toBe('pose');
  });

  it('without a named idea, the learned score decides as before', () => {
    expect(top('an image classifier').name).toBe('resnet50');
  });

  it('an unwanted idea pushes its models down', () => {
    const r = rankCandidates('a small network without fire modules or channel shuffle', cands, queryConstraints('a small network without fire modules or channel shuffle'), 5).map((x) => x.name);
    expect(r.indexOf('squeezenet')).toBeGreaterThan(r.indexOf('resnet50'));
    expect(r.indexOf('shufflenet')).toBeGreaterThan(r.indexOf('resnet50'));
  });

  it('a word inside an idea name is no constraint of its own', () => {
    // "token" would otherwise ask for a text model, and MLP-Mixer reads images.
    expect(queryConstraints('something with token-mixing MLPs').map((c) => c.kind)).not.toContain('modality');
    expect(queryConstraints('an image model for text tokens').map((c) => c.kind)).toContain('modality');
    // "channel shuffle" names the idea, not the ShuffleNet family (which "a ShuffleNet" still names).
    expect(queryConstraints('a small network without channel shuffle').map((c) => c.kind)).not.toContain('family');
    expect(queryConstraints('a ShuffleNet without channel shuffle').map((c) => c.kind)).toContain('family');
    // "convolutions" inside "asymmetric convolutions" is not "with convolutions".
    expect(queryConstraints('with asymmetric 1xn / nx1 convolutions').filter((c) => c.kind === 'has')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors.js';
import { DEFAULT_SETTINGS, loadZoo } from '../../src/core/features/zoo.js';

const model = new URL('../../fixtures/rank/zoo-cls/gemm_a.onnx', import.meta.url).pathname;

function zooWith(config: unknown | null, names = ['m1', 'm2']): string {
  const dir = mkdtempSync(join(tmpdir(), 'etran-zoo-'));
  for (const n of names) copyFileSync(model, join(dir, `${n}.onnx`));
  if (config !== null) writeFileSync(join(dir, 'zoo.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

describe('zoo', () => {
  it('defaults are the torchvision convention; names are file stems', async () => {
    const zoo = await loadZoo(zooWith(null));
    expect(zoo.models.map((m) => m.name)).toEqual(['m1', 'm2']);
    expect(zoo.models[0]!.settings).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.mean).toEqual([0.485, 0.456, 0.406]);
    expect(DEFAULT_SETTINGS.std).toEqual([0.229, 0.224, 0.225]);
  });

  it('top-level keys apply to all models, "models" and stem keys override per model', async () => {
    const zoo = await loadZoo(zooWith({ input_size: [64, 48], color: 'BGR', models: { m2: { input_size: 32, feature: 'x' } }, m1: { crop_pct: 0.875 } }));
    const [m1, m2] = zoo.models;
    expect(m1!.settings.inputSize).toEqual([64, 48]);
    expect(m1!.settings.cropPct).toBe(0.875);
    expect(m2!.settings.inputSize).toEqual([32, 32]);
    expect(m2!.settings.feature).toBe('x');
    expect(m2!.settings.color).toBe('BGR');
  });

  it('unknown keys are ignored with a warning naming them', async () => {
    const zoo = await loadZoo(zooWith({ accuracy: 0.9, _comment: 'x' }));
    expect(zoo.warnings).toHaveLength(1);
    expect(zoo.warnings[0]).toMatch(/"accuracy" is not a setting/);
  });

  it('bad zoos are InputErrors naming the file and the key', async () => {
    await expect(loadZoo('/nonexistent/zoo')).rejects.toThrow(InputError);
    await expect(loadZoo(mkdtempSync(join(tmpdir(), 'etran-z-')))).rejects.toThrow(/no \.onnx models/);
    await expect(loadZoo(zooWith('{not json'))).rejects.toThrow(/zoo\.json: not valid JSON/);
    await expect(loadZoo(zooWith({ layout: 'CHW' }))).rejects.toThrow(/"layout" must be 'NCHW' or 'NHWC'/);
    await expect(loadZoo(zooWith({ models: { m9: {} } }))).rejects.toThrow(/'m9', which is not a \.onnx file/);
    await expect(loadZoo(zooWith({ models: { m1: { stride: 0 } } }))).rejects.toThrow(/models\.m1\."stride" must be a positive integer/);
  });
});

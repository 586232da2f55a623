import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/core/errors.js';
import { DEFAULT_SETTINGS, MAX_INPUT_PIXELS, MAX_INPUT_SIDE, MAX_ZOO_JSON_BYTES, inputSizeProblem, loadZoo } from '../../../src/core/features/zoo.js';

const model = new URL('../../../fixtures/rank/zoo-cls/gemm_a.onnx', import.meta.url).pathname;

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

  it('settings of the wrong type are errors naming the key, not warnings', async () => {
    await expect(loadZoo(zooWith({ models: { m1: 'oops' } }))).rejects.toThrow(/zoo\.json: "models\.m1" must be an object of settings, got a string/);
    await expect(loadZoo(zooWith({ models: { m1: null } }))).rejects.toThrow(/"models\.m1" must be an object of settings, got null/);
    await expect(loadZoo(zooWith({ m2: [1] }))).rejects.toThrow(/"m2" names a model, so it must be an object of settings, got an array/);
    await expect(loadZoo(zooWith({ models: 'x' }))).rejects.toThrow(/"models" must map model names to settings/);
    // JSON's 1e400 is Infinity: it would make every feature NaN
    await expect(loadZoo(zooWith('{"scale": 1e400}'))).rejects.toThrow(/"scale" must be a finite positive number/);
    await expect(loadZoo(zooWith({ crop_pct: 0.001 }))).rejects.toThrow(/"crop_pct" must be a number in \[0\.25, 1\]/);
    await expect(loadZoo(zooWith({ stride: 1e9 }))).rejects.toThrow(/"stride" must be a positive integer up to 4096/);
  });

  it('input sizes are bounded (side and area) before any work: exit-2 errors naming zoo.json', async () => {
    await expect(loadZoo(zooWith({ input_size: 20000 }))).rejects.toThrow(/zoo\.json: "input_size": 20000×20000 has a side over 4096 pixels \(MAX_INPUT_SIDE\)/);
    await expect(loadZoo(zooWith({ models: { m2: { input_size: [100000, 8] } } }))).rejects.toThrow(/models\.m2\."input_size": 100000×8 has a side over/);
    await expect(loadZoo(zooWith({ input_size: [4096, 4096] }))).rejects.toThrow(/is over 4194304 pixels \(MAX_INPUT_PIXELS/);
    expect((await loadZoo(zooWith({ input_size: [2048, 2048] }))).models[0]!.settings.inputSize).toEqual([2048, 2048]);
    expect(inputSizeProblem(MAX_INPUT_SIDE, 1)).toBeNull();
    expect(inputSizeProblem(MAX_INPUT_SIDE + 1, 1)).toMatch(/MAX_INPUT_SIDE/);
    expect(inputSizeProblem(2048, 2049)).toMatch(/MAX_INPUT_PIXELS/);
    expect(MAX_INPUT_PIXELS).toBe(2048 * 2048);
    expect(inputSizeProblem(0, 5)).toMatch(/whole pixels/);
  });

  it('Object.prototype member names are plain names: never a prototype, never a lookup hit', async () => {
    const zoo = await loadZoo(zooWith('{"__proto__": {"stride": 2}, "constructor": {"layout": "NHWC"}, "models": {"toString": {"color": "BGR"}}}', ['toString', 'constructor', 'hasOwnProperty']));
    const byName = new Map(zoo.models.map((m) => [m.name, m.settings]));
    expect(byName.get('toString')!.color).toBe('BGR');
    expect(byName.get('constructor')!.layout).toBe('NHWC');
    expect(byName.get('hasOwnProperty')).toEqual(DEFAULT_SETTINGS);
    // "__proto__" starts with "_": a comment, and it set no prototype (no stride appeared)
    expect(zoo.models.every((m) => m.settings.stride === undefined)).toBe(true);
    expect(zoo.warnings).toEqual([]);
    // "constructor" names a model here, so its value must be settings
    await expect(loadZoo(zooWith('{"constructor": 1}', ['constructor']))).rejects.toThrow(/"constructor" names a model/);
    const other = await loadZoo(zooWith('{"constructor": {"stride": 2}, "valueOf": 3}'));
    expect(other.models[0]!.settings.stride).toBeUndefined();
    expect(other.warnings.join('\n')).toMatch(/"constructor" is not a setting/);
    expect(other.warnings.join('\n')).toMatch(/"valueOf" is not a setting/);
    await expect(loadZoo(zooWith('{"models": {"__proto__": {}}}'))).rejects.toThrow(/'__proto__', which is not a \.onnx file/);
  });

  it('zoo.json over MAX_ZOO_JSON_BYTES, or a FIFO, is refused before reading; so is a model that is a FIFO', async () => {
    await expect(loadZoo(zooWith(JSON.stringify({ _pad: 'x'.repeat(MAX_ZOO_JSON_BYTES) })))).rejects.toThrow(/zoo\.json: is \d+ bytes, more than the 1048576/);
    const fifo = zooWith(null);
    execFileSync('mkfifo', [join(fifo, 'zoo.json')]);
    await expect(loadZoo(fifo)).rejects.toThrow(/zoo\.json: is not a regular file/);
    const model = zooWith(null);
    execFileSync('mkfifo', [join(model, 'm3.onnx')]);
    await expect(loadZoo(model)).rejects.toThrow(/m3\.onnx: not a regular file \(expected a model\)/);
  });
});

/**
 * Model zoo discovery: a directory of `.onnx` files, optionally with a
 * `zoo.json` giving per-model settings. Defaults are the torchvision/timm
 * convention (RGB, NCHW, input size from the graph, pixel/255, ImageNet
 * mean/std, shorter-side bilinear resize then centre crop).
 *
 * zoo.json: settings at the top level apply to every model; an object under
 * "models" (or a top-level key equal to a model's file stem) overrides them
 * for that model:
 *   { "task": "detection", "feature": "features", "stride": 8, "input_size": [64, 64],
 *     "models": { "tiny_b": { "stride": 16 } } }
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError } from '../errors.js';
import { describeFsError } from '../io/files.js';

export type Task = 'classification' | 'detection';
export type Layout = 'NCHW' | 'NHWC';
export type ColorOrder = 'RGB' | 'BGR';
/** shorter_side: resize the shorter side (then centre crop); stretch: resize to the input size ignoring aspect. */
export type ResizeMode = 'shorter_side' | 'stretch';

export interface ModelSettings {
  task?: Task;
  /** [H, W]; default: from the graph's input shape. */
  inputSize?: [number, number];
  layout: Layout;
  color: ColorOrder;
  /** Pixel value multiplier before mean/std (default 1/255). */
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
  resize: ResizeMode;
  /** Share of the resized shorter side kept by the centre crop (timm's crop_pct; default 1). */
  cropPct: number;
  /** Graph input name (default: the graph's only non-initializer input). */
  input?: string;
  /** Feature tensor name (classifier default: input of the last linear layer; detector: the feature map). */
  feature?: string;
  /** Logits tensor name (default: the 'logits' output or the only output). */
  logits?: string;
  /** Detector feature-map stride in input pixels (default: input size / feature-map size when it divides evenly). */
  stride?: number;
  /** Detection: also concatenate the image-level average-pooled feature to each box's feature. */
  imageFeature: boolean;
}

export interface ZooModel {
  /** File stem: the model's name in every output. */
  name: string;
  path: string;
  settings: ModelSettings;
}

export const DEFAULT_SETTINGS: ModelSettings = {
  layout: 'NCHW',
  color: 'RGB',
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  resize: 'shorter_side',
  cropPct: 1,
  imageFeature: false,
};

export const KNOWN_KEYS = new Set([
  'task', 'input_size', 'layout', 'color', 'scale', 'mean', 'std', 'resize', 'crop_pct', 'input', 'feature', 'logits', 'stride', 'image_feature',
]);

function triple(value: unknown, key: string, file: string): [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3 || value.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
    throw new InputError(file, `"${key}" must be an array of 3 numbers`);
  }
  return value as [number, number, number];
}

/** Applies zoo.json keys (snake_case) onto settings; unknown keys are reported in `warnings`. */
function applyKeys(base: ModelSettings, raw: Record<string, unknown>, file: string, where: string, warnings: string[]): ModelSettings {
  const s: ModelSettings = { ...base };
  for (const [key, value] of Object.entries(raw)) {
    const bad = (expect: string) => new InputError(file, `${where}"${key}" must be ${expect}`);
    switch (key) {
      case 'task':
        if (value !== 'classification' && value !== 'detection') throw bad("'classification' or 'detection'");
        s.task = value;
        break;
      case 'input_size': {
        const v = typeof value === 'number' ? [value, value] : value;
        if (!Array.isArray(v) || v.length !== 2 || v.some((d) => !Number.isInteger(d) || d <= 0)) throw bad('[height, width] in pixels');
        s.inputSize = [v[0], v[1]];
        break;
      }
      case 'layout':
        if (value !== 'NCHW' && value !== 'NHWC') throw bad("'NCHW' or 'NHWC'");
        s.layout = value;
        break;
      case 'color':
        if (value !== 'RGB' && value !== 'BGR') throw bad("'RGB' or 'BGR'");
        s.color = value;
        break;
      case 'scale':
        if (typeof value !== 'number' || !(value > 0)) throw bad('a positive number');
        s.scale = value;
        break;
      case 'mean':
        s.mean = triple(value, where + key, file);
        break;
      case 'std':
        s.std = triple(value, where + key, file);
        if (s.std.some((v) => v === 0)) throw bad('non-zero');
        break;
      case 'resize':
        if (value !== 'shorter_side' && value !== 'stretch') throw bad("'shorter_side' or 'stretch'");
        s.resize = value;
        break;
      case 'crop_pct':
        if (typeof value !== 'number' || !(value > 0 && value <= 1)) throw bad('a number in (0, 1]');
        s.cropPct = value;
        break;
      case 'input':
      case 'feature':
      case 'logits':
        if (typeof value !== 'string' || value === '') throw bad('a tensor name');
        s[key] = value;
        break;
      case 'stride':
        if (!Number.isInteger(value) || (value as number) <= 0) throw bad('a positive integer');
        s.stride = value as number;
        break;
      case 'image_feature':
        if (typeof value !== 'boolean') throw bad('true or false');
        s.imageFeature = value;
        break;
      default:
        // Zoo files often carry provenance (accuracy, source data): ignored, but said, so a typo is visible.
        warnings.push(`${file}: ${where}"${key}" is not a setting, ignored (settings: ${[...KNOWN_KEYS].join(', ')})`);
    }
  }
  return s;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Lists the zoo's models with their settings. Throws InputError for a missing/empty dir or a bad zoo.json. */
export interface Zoo {
  models: ZooModel[];
  warnings: string[];
}

export async function loadZoo(dir: string): Promise<Zoo> {
  let entries: string[];
  try {
    if (!(await isDirectory(dir))) {
      if ((await stat(dir)).isFile() && dir.endsWith('.onnx')) return loadZooFiles([dir], {});
      throw new InputError(dir, 'not a directory of .onnx models');
    }
    entries = await readdir(dir);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(dir, describeFsError(err));
  }
  const onnxFiles = entries.filter((f) => f.toLowerCase().endsWith('.onnx')).sort().map((f) => join(dir, f));
  if (onnxFiles.length === 0) throw new InputError(dir, 'no .onnx models in the zoo directory');
  let config: Record<string, unknown> = {};
  const zooJson = join(dir, 'zoo.json');
  if (entries.includes('zoo.json')) {
    try {
      config = JSON.parse(await readFile(zooJson, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new InputError(zooJson, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new InputError(zooJson, 'must be a JSON object');
  }
  return loadZooFiles(onnxFiles, config, zooJson);
}

function loadZooFiles(files: string[], config: Record<string, unknown>, zooJson = 'zoo.json'): Zoo {
  const warnings: string[] = [];
  const stems = files.map((f) => basename(f).replace(/\.onnx$/i, ''));
  const perModel: Record<string, Record<string, unknown>> = {};
  const shared: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'models') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(zooJson, '"models" must map model names to settings');
      for (const [name, v] of Object.entries(value)) {
        if (!stems.includes(name)) throw new InputError(zooJson, `"models" names '${name}', which is not a .onnx file in the zoo`);
        perModel[name] = { ...(perModel[name] ?? {}), ...(v as Record<string, unknown>) };
      }
    } else if (stems.includes(key) && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      perModel[key] = { ...(perModel[key] ?? {}), ...(value as Record<string, unknown>) };
    } else if (key.startsWith('_') || key === 'description' || key === 'source') {
      // comments and provenance notes are allowed
    } else {
      shared[key] = value;
    }
  }
  const base = applyKeys(DEFAULT_SETTINGS, shared, zooJson, '', warnings);
  const models = files.map((path, i) => {
    const name = stems[i]!;
    const settings = perModel[name] ? applyKeys(base, perModel[name], zooJson, `models.${name}.`, warnings) : base;
    return { name, path, settings };
  });
  return { models, warnings };
}

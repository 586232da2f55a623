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
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError } from '../errors.js';
import { describeFsError, readInputFile } from '../io/files.js';

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

/**
 * zoo.json holds settings, a few hundred bytes per model: 1 MiB is thousands of
 * models. Anything larger is not a settings file, and is refused before it is read.
 */
export const MAX_ZOO_JSON_BYTES = 1024 * 1024;

/**
 * Largest model input side, in pixels. Image models take 224–1,536 pixels a
 * side (detectors up to ~1,333); 4,096 leaves room for panoramic inputs while a
 * typo such as 20000 (a 4.8 GB tensor per image) is refused before any work.
 */
export const MAX_INPUT_SIDE = 4096;

/**
 * Largest model input area, H × W pixels: 2,048² is 50 MB of float32 per image,
 * so a batch of 32 stays under 2 GB. Covers YOLO at 1,280² and DETR at 1,333 × 800.
 */
export const MAX_INPUT_PIXELS = 2048 * 2048;

/**
 * Smallest crop_pct: the image is resized to input size / crop_pct before the
 * centre crop, so a tiny value would resize to an enormous image. timm's
 * configs use 0.75–1; 0.25 (a 4× resize) is already far outside that.
 */
export const MIN_CROP_PCT = 0.25;

/**
 * Why an input size cannot be used, or null when it can. Shared with the
 * extraction, which takes the size from the graph when zoo.json has none.
 */
export function inputSizeProblem(height: number, width: number): string | null {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height <= 0 || width <= 0) return 'must be [height, width] in whole pixels';
  if (height > MAX_INPUT_SIDE || width > MAX_INPUT_SIDE) return `${height}×${width} has a side over ${MAX_INPUT_SIDE} pixels (MAX_INPUT_SIDE)`;
  if (height * width > MAX_INPUT_PIXELS) return `${height}×${width} is over ${MAX_INPUT_PIXELS} pixels (MAX_INPUT_PIXELS, 2048²)`;
  return null;
}

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
        const problem = inputSizeProblem(v[0], v[1]);
        if (problem) throw new InputError(file, `${where}"${key}": ${problem}`);
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
        // 1e400 parses to Infinity: finite only, or every feature is NaN.
        if (typeof value !== 'number' || !Number.isFinite(value) || !(value > 0)) throw bad('a finite positive number');
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
        if (typeof value !== 'number' || !(value >= MIN_CROP_PCT && value <= 1)) throw bad(`a number in [${MIN_CROP_PCT}, 1] (MIN_CROP_PCT)`);
        s.cropPct = value;
        break;
      case 'input':
      case 'feature':
      case 'logits':
        if (typeof value !== 'string' || value === '') throw bad('a tensor name');
        s[key] = value;
        break;
      case 'stride':
        if (!Number.isInteger(value) || (value as number) <= 0 || (value as number) > MAX_INPUT_SIDE) throw bad(`a positive integer up to ${MAX_INPUT_SIDE}`);
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
  // A FIFO or device named *.onnx would block the first read forever; a symlink loop fails late and vaguely.
  for (const f of onnxFiles) await requireRegularFile(f, 'a model');
  let config: Record<string, unknown> = {};
  const zooJson = join(dir, 'zoo.json');
  if (entries.includes('zoo.json')) {
    const bytes = await readInputFile(zooJson, MAX_ZOO_JSON_BYTES);
    try {
      config = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new InputError(zooJson, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new InputError(zooJson, 'must be a JSON object');
  }
  return loadZooFiles(onnxFiles, config, zooJson);
}

async function requireRegularFile(path: string, what: string): Promise<void> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    throw new InputError(path, code === 'ELOOP' ? 'a symbolic link loop' : describeFsError(err));
  }
  if (!st.isFile()) throw new InputError(path, `not a regular file (expected ${what})`);
}

const isSettingsObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function loadZooFiles(files: string[], config: Record<string, unknown>, zooJson = 'zoo.json'): Zoo {
  const warnings: string[] = [];
  const stems = files.map((f) => basename(f).replace(/\.onnx$/i, ''));
  const stemSet = new Set(stems);
  // Keys come from the file: Maps and null-prototype objects, so "__proto__" or "constructor" are plain names.
  const perModel = new Map<string, Record<string, unknown>>();
  const shared: Record<string, unknown> = Object.create(null);
  const addFor = (name: string, v: Record<string, unknown>) => perModel.set(name, Object.assign(Object.create(null), perModel.get(name), v));
  for (const [key, value] of Object.entries(config)) {
    if (key === 'models') {
      if (!isSettingsObject(value)) throw new InputError(zooJson, '"models" must map model names to settings');
      for (const [name, v] of Object.entries(value)) {
        if (!stemSet.has(name)) throw new InputError(zooJson, `"models" names '${name}', which is not a .onnx file in the zoo`);
        if (!isSettingsObject(v)) throw new InputError(zooJson, `"models.${name}" must be an object of settings, got ${describeJson(v)}`);
        addFor(name, v);
      }
    } else if (stemSet.has(key)) {
      if (!isSettingsObject(value)) throw new InputError(zooJson, `"${key}" names a model, so it must be an object of settings, got ${describeJson(value)}`);
      addFor(key, value);
    } else if (key.startsWith('_') || key === 'description' || key === 'source') {
      // comments and provenance notes are allowed
    } else {
      shared[key] = value;
    }
  }
  const base = applyKeys(DEFAULT_SETTINGS, shared, zooJson, '', warnings);
  const models = files.map((path, i) => {
    const name = stems[i]!;
    const own = perModel.get(name);
    const settings = own ? applyKeys(base, own, zooJson, `models.${name}.`, warnings) : base;
    return { name, path, settings };
  });
  return { models, warnings };
}

function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return 'a string';
  return `a ${typeof v}`;
}

/**
 * Target datasets: what `--data` points at, read into a plain listing.
 *
 *  - ImageFolder: DIR/<class>/<image>           (classification)
 *  - a CSV (`path,label`, header optional) or JSON list ([{path,label}] or [[path,label]]) (classification)
 *  - COCO instances JSON (a .json file, or DIR with annotations.json / instances*.json [+ images/]) (detection)
 *  - YOLO: DIR/images/* with DIR/labels/<stem>.txt lines `class cx cy w h` (normalised) [+ classes.txt] (detection)
 *  - precomputed features: DIR with MODEL.npy (N×D) + labels.json / labels.txt [+ MODEL.probs.npy, targets.npy]
 *
 * Paths inside lists are relative to the list file's directory.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { describeFsError } from '../io/files.js';
import type { Task } from './zoo.js';
import { seededRandom } from '../random.js';
import { splitCsvLine } from '../io/csv.js';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.bmp', '.avif']);

/** A ground-truth box: x, y, w, h in pixels of the original image, or cx, cy, w, h in [0, 1] (YOLO) when `normalized`. */
export interface GtBox {
  label: string;
  box: [number, number, number, number];
  normalized: boolean;
}

export interface ImageItem {
  path: string;
  /** Classification label (detection items use `boxes`). */
  label?: string;
  boxes?: GtBox[];
}

export interface ImageDataset {
  kind: 'images';
  task: Task;
  format: 'imagefolder' | 'list' | 'coco' | 'yolo';
  source: string;
  items: ImageItem[];
  /** Class names in id order (sorted, or the COCO/YOLO category order). */
  classes: string[];
}

export interface PrecomputedDataset {
  kind: 'precomputed';
  task: Task;
  source: string;
  labels: string[];
  /** model name → .npy path */
  features: Map<string, string>;
  probs: Map<string, string>;
  targets: string | null;
}

export type Dataset = ImageDataset | PrecomputedDataset;

const isImage = (f: string) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase());

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(path, describeFsError(err));
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(path, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

export async function loadDataset(path: string): Promise<Dataset> {
  const st = await statOrNull(path);
  if (!st) throw new InputError(path, 'no such file or directory');
  if (st.isFile()) {
    const ext = extname(path).toLowerCase();
    if (ext === '.csv') return loadCsvList(path);
    if (ext === '.json') {
      const json = await readJson(path);
      if (json && typeof json === 'object' && !Array.isArray(json) && 'annotations' in json && 'images' in json) return loadCoco(path, json);
      return loadJsonList(path, json);
    }
    throw new InputError(path, 'expected a directory, a .csv/.json image list or a COCO .json file');
  }
  const entries = (await readdir(path)).sort();
  const coco = ['annotations.json', ...entries.filter((e) => /^instances.*\.json$/.test(e))].find((e) => entries.includes(e));
  if (coco) return loadCoco(join(path, coco), await readJson(join(path, coco)));
  if (entries.includes('annotations')) {
    const inner = (await readdir(join(path, 'annotations'))).filter((e) => /^instances.*\.json$/.test(e)).sort();
    if (inner.length > 0) return loadCoco(join(path, 'annotations', inner[0]!), await readJson(join(path, 'annotations', inner[0]!)), path);
  }
  const npys = entries.filter((e) => e.endsWith('.npy'));
  if (npys.length > 0 && (entries.includes('labels.json') || entries.includes('labels.txt'))) return loadPrecomputed(path, entries);
  if (entries.includes('labels') && entries.includes('images') && (await statOrNull(join(path, 'labels')))?.isDirectory()) return loadYolo(path);
  return loadImageFolder(path, entries);
}

async function loadImageFolder(dir: string, entries: string[]): Promise<ImageDataset> {
  const items: ImageItem[] = [];
  const classes: string[] = [];
  for (const entry of entries) {
    if (entry.startsWith('.')) continue;
    const sub = join(dir, entry);
    if (!(await statOrNull(sub))?.isDirectory()) continue;
    const files = (await readdir(sub)).filter(isImage).sort();
    if (files.length === 0) continue;
    classes.push(entry);
    for (const f of files) items.push({ path: join(sub, f), label: entry });
  }
  if (items.length === 0) {
    throw new InputError(dir, 'no images found: expected class sub-folders of images (ImageFolder), a COCO annotations.json, YOLO images/ + labels/, or precomputed MODEL.npy + labels.json');
  }
  if (classes.length < 2) throw new InputError(dir, `only one class folder ('${classes[0]}'); ranking needs at least two classes`);
  return { kind: 'images', task: 'classification', format: 'imagefolder', source: dir, items, classes };
}

function listDataset(file: string, rows: Array<{ path: string; label: string }>): ImageDataset {
  if (rows.length === 0) throw new InputError(file, 'the image list is empty');
  const base = dirname(file);
  const items = rows.map((r) => ({ path: resolve(base, r.path), label: r.label }));
  const classes = [...new Set(items.map((i) => i.label))].sort();
  if (classes.length < 2) throw new InputError(file, 'the list has only one label; ranking needs at least two classes');
  return { kind: 'images', task: 'classification', format: 'list', source: file, items, classes };
}

async function loadCsvList(file: string): Promise<ImageDataset> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(file, describeFsError(err));
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  let pathCol = 0;
  let labelCol = 1;
  const head = splitCsvLine(lines[0] ?? '').map((h) => h.toLowerCase());
  if (head.includes('path') || head.includes('label')) {
    pathCol = head.indexOf('path');
    labelCol = head.indexOf('label');
    if (pathCol < 0 || labelCol < 0) throw new InputError(file, 'the CSV header must have "path" and "label" columns');
    lines.shift();
  }
  const rows = lines.map((line, i) => {
    const cells = splitCsvLine(line);
    const path = cells[pathCol];
    const label = cells[labelCol];
    if (!path || label === undefined || label === '') throw new InputError(file, `line ${i + 1}: expected path,label`);
    return { path, label };
  });
  return listDataset(file, rows);
}

function loadJsonList(file: string, json: unknown): ImageDataset {
  if (!Array.isArray(json)) throw new InputError(file, 'expected a JSON list of {"path","label"} (or a COCO file with "images" and "annotations")');
  const rows = json.map((r, i) => {
    const path = Array.isArray(r) ? r[0] : (r as Record<string, unknown>)?.path;
    const label = Array.isArray(r) ? r[1] : (r as Record<string, unknown>)?.label;
    if (typeof path !== 'string' || (typeof label !== 'string' && typeof label !== 'number')) {
      throw new InputError(file, `entry ${i}: expected {"path": string, "label": string|number}`);
    }
    return { path, label: String(label) };
  });
  return listDataset(file, rows);
}

interface CocoJson {
  images?: Array<{ id: number; file_name: string }>;
  annotations?: Array<{ image_id: number; category_id: number; bbox: number[]; iscrowd?: number }>;
  categories?: Array<{ id: number; name?: string }>;
}

async function loadCoco(file: string, raw: unknown, root?: string): Promise<ImageDataset> {
  const json = raw as CocoJson;
  if (!json || !Array.isArray(json.images) || !Array.isArray(json.annotations)) {
    throw new InputError(file, 'not a COCO instances file (needs "images" and "annotations" arrays)');
  }
  const base = root ?? dirname(file);
  const imageDir = (await statOrNull(join(base, 'images')))?.isDirectory() ? join(base, 'images') : base;
  const catName = new Map<number, string>();
  for (const c of json.categories ?? []) catName.set(c.id, c.name ?? String(c.id));
  const byImage = new Map<number, GtBox[]>();
  for (const [i, a] of json.annotations.entries()) {
    if (!Array.isArray(a.bbox) || a.bbox.length !== 4 || a.bbox.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      throw new InputError(file, `annotations[${i}]: "bbox" must be [x, y, width, height]`);
    }
    if (a.iscrowd) continue; // crowd regions are not object instances
    if (a.bbox[2]! <= 0 || a.bbox[3]! <= 0) continue;
    const label = catName.get(a.category_id) ?? String(a.category_id);
    const list = byImage.get(a.image_id) ?? [];
    list.push({ label, box: a.bbox as [number, number, number, number], normalized: false });
    byImage.set(a.image_id, list);
  }
  const items: ImageItem[] = [];
  for (const img of json.images) {
    const boxes = byImage.get(img.id);
    if (!boxes || boxes.length === 0) continue; // images without boxes give no samples
    if (typeof img.file_name !== 'string') throw new InputError(file, `image ${img.id}: missing "file_name"`);
    items.push({ path: join(imageDir, img.file_name), boxes });
  }
  if (items.length === 0) throw new InputError(file, 'no annotated boxes');
  const used = new Set(items.flatMap((i) => i.boxes!.map((b) => b.label)));
  const ordered = (json.categories ?? []).map((c) => catName.get(c.id)!).filter((n) => used.has(n));
  const classes = [...ordered, ...[...used].filter((n) => !ordered.includes(n)).sort()];
  return { kind: 'images', task: 'detection', format: 'coco', source: file, items, classes };
}

async function loadYolo(dir: string): Promise<ImageDataset> {
  const imageDir = join(dir, 'images');
  const labelDir = join(dir, 'labels');
  let names: string[] = [];
  const classesFile = join(dir, 'classes.txt');
  if (await statOrNull(classesFile)) names = (await readFile(classesFile, 'utf8')).split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  const items: ImageItem[] = [];
  for (const f of (await readdir(imageDir)).filter(isImage).sort()) {
    const labelFile = join(labelDir, basename(f, extname(f)) + '.txt');
    const text = await readFile(labelFile, 'utf8').catch(() => null);
    if (text === null) continue;
    const boxes: GtBox[] = [];
    for (const [n, line] of text.split(/\r?\n/).entries()) {
      if (line.trim() === '') continue;
      const v = line.trim().split(/\s+/).map(Number);
      if (v.length < 5 || v.some((x) => !Number.isFinite(x))) throw new InputError(labelFile, `line ${n + 1}: expected "class cx cy w h"`);
      const cls = v[0]!;
      if (v[3]! <= 0 || v[4]! <= 0) continue;
      boxes.push({ label: names[cls] ?? String(cls), box: [v[1]!, v[2]!, v[3]!, v[4]!], normalized: true });
    }
    if (boxes.length > 0) items.push({ path: join(imageDir, f), boxes });
  }
  if (items.length === 0) throw new InputError(dir, 'YOLO layout without any labelled image (images/X.png needs labels/X.txt)');
  const used = new Set(items.flatMap((i) => i.boxes!.map((b) => b.label)));
  const classes = names.length > 0 ? names.filter((n) => used.has(n)) : [...used].sort((a, b) => Number(a) - Number(b));
  return { kind: 'images', task: 'detection', format: 'yolo', source: dir, items, classes };
}

async function loadPrecomputed(dir: string, entries: string[]): Promise<PrecomputedDataset> {
  let labels: string[];
  let task: Task = 'classification';
  if (entries.includes('labels.json')) {
    const json = await readJson(join(dir, 'labels.json'));
    const list = Array.isArray(json) ? json : (json as { labels?: unknown })?.labels;
    if (!Array.isArray(list)) throw new InputError(join(dir, 'labels.json'), 'expected a list of labels or {"labels": [...]}');
    labels = list.map(String);
    if (!Array.isArray(json) && (json as { task?: unknown }).task === 'detection') task = 'detection';
  } else {
    labels = (await readFile(join(dir, 'labels.txt'), 'utf8')).split(/\r?\n/).filter((l) => l !== '');
  }
  const features = new Map<string, string>();
  const probs = new Map<string, string>();
  for (const e of entries) {
    if (!e.endsWith('.npy') || e === 'targets.npy' || e === 'labels.npy') continue;
    if (e.endsWith('.probs.npy')) probs.set(e.slice(0, -'.probs.npy'.length), join(dir, e));
    else features.set(e.slice(0, -'.npy'.length), join(dir, e));
  }
  if (features.size === 0) throw new InputError(dir, 'no MODEL.npy feature files next to the labels');
  const targets = entries.includes('targets.npy') ? join(dir, 'targets.npy') : null;
  if (targets) task = 'detection';
  return { kind: 'precomputed', task, source: dir, labels, features, probs, targets };
}


/**
 * Keeps at most `max` items, class-stratified: each class keeps a share of
 * `max` proportional to its size (largest remainders, at least one per class
 * while room allows), chosen by a seeded shuffle. Detection images are
 * stratified by their most frequent box class. Original order is preserved.
 */
export function stratifiedSample(items: ImageItem[], max: number, seed: number): ImageItem[] {
  if (items.length <= max) return items;
  const keyOf = (it: ImageItem): string => {
    if (it.label !== undefined) return it.label;
    const counts = new Map<string, number>();
    for (const b of it.boxes ?? []) counts.set(b.label, (counts.get(b.label) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? '';
  };
  const groups = new Map<string, number[]>();
  items.forEach((it, i) => {
    const k = keyOf(it);
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  const keys = [...groups.keys()].sort();
  const quota = new Map<string, number>();
  const remainders: Array<[string, number]> = [];
  let given = 0;
  for (const k of keys) {
    const exact = (groups.get(k)!.length * max) / items.length;
    const q = Math.floor(exact);
    quota.set(k, q);
    given += q;
    remainders.push([k, exact - q]);
  }
  remainders.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [k] of remainders) {
    if (given >= max) break;
    quota.set(k, quota.get(k)! + 1);
    given++;
  }
  const rand = seededRandom(seed);
  const keep: number[] = [];
  for (const k of keys) {
    const idx = [...groups.get(k)!];
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    keep.push(...idx.slice(0, quota.get(k)!));
  }
  return keep.sort((a, b) => a - b).map((i) => items[i]!);
}

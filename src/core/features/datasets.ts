/**
 * Over 450 lines: every target-data layout (ImageFolder, CSV list, COCO, YOLO, features directory) validated into one listing type.
 *
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
import { readdir, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { describeFsError, readInputFile } from '../io/files.js';
import type { Task } from './zoo.js';
import { seededRandom } from '../random.js';
import { splitCsvLine } from '../io/csv.js';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.bmp', '.avif']);

/**
 * Largest list or annotation file read whole (COCO JSON, CSV/JSON image list,
 * labels.json/.txt). JavaScript strings stop near 512 MiB; COCO train2017's
 * instances file (448 MB) still fits under 500 MiB.
 */
export const MAX_LIST_FILE_BYTES = 500 * 1024 * 1024;

/**
 * Largest YOLO label file (one image's boxes) or classes.txt: a box line is
 * about 40 bytes, so 1 MiB is some 25,000 boxes in one image.
 */
export const MAX_LABEL_FILE_BYTES = 1024 * 1024;

/**
 * Largest pixel coordinate a COCO box may reach when the image's size is not
 * given: no format we decode is wider than 65,535 pixels (JPEG's limit), and a
 * box of 1e308 would otherwise turn every regression target into Infinity.
 */
export const MAX_BOX_COORDINATE = 65535;

/** How far a COCO box may reach past the image's edge, in pixels (exporters round). */
export const BOX_TOLERANCE_PX = 1;

/** How far a YOLO box may reach past [0, 1], as a fraction of the image (exporters round to 6 digits, some clip late). */
export const BOX_TOLERANCE_NORMALIZED = 0.01;

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
  /** What the listing left out, counted, one line each (non-regular files, zero-size boxes): for the user. */
  warnings?: string[];
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

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    throw new InputError(dir, describeFsError(err));
  }
}

async function readText(path: string, maxBytes: number): Promise<string> {
  return (await readInputFile(path, maxBytes)).toString('utf8');
}

async function readJson(path: string): Promise<unknown> {
  const text = await readText(path, MAX_LIST_FILE_BYTES);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(path, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** A value from a file, short enough for a one-line message. */
function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  return Array.isArray(v) ? 'an array' : 'an object';
}

/**
 * Counts entries left out of a listing and says so in one line: a FIFO or a
 * device named like an image would block decoding forever, a symlink loop
 * never resolves; neither is an image.
 */
class Skips {
  private count = 0;
  private first = '';
  add(path: string, reason: string): void {
    if (this.count++ === 0) this.first = `${path}: ${reason}`;
  }
  report(where: string, warnings: string[]): void {
    if (this.count > 0) warnings.push(`${where}: ${this.count} entr${this.count === 1 ? 'y' : 'ies'} skipped, not regular files (first: ${this.first})`);
  }
}

const kindOf = (d: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string =>
  d.isDirectory() ? 'a directory' : d.isFIFO() ? 'a FIFO' : d.isSocket() ? 'a socket' : d.isCharacterDevice() || d.isBlockDevice() ? 'a device' : 'not a regular file';

/** Why `path` is not a regular file (following symlinks), or null when it is one or does not exist (the decoder reports missing files). */
async function notRegular(path: string, dirent?: Dirent): Promise<string | null> {
  if (dirent?.isFile()) return null;
  if (dirent && !dirent.isSymbolicLink()) return kindOf(dirent);
  try {
    const st = await stat(path);
    return st.isFile() ? null : kindOf(st);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT') return null;
    return code === 'ELOOP' ? 'a symbolic link loop' : describeFsError(err);
  }
}

/** Image files of a directory, sorted; entries that are not regular files are counted in `skips`. */
async function listImages(dir: string, skips: Skips): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new InputError(dir, describeFsError(err));
  }
  const out: string[] = [];
  for (const e of entries.filter((d) => isImage(d.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const why = await notRegular(join(dir, e.name), e);
    if (why) skips.add(join(dir, e.name), why);
    else out.push(e.name);
  }
  return out;
}

/** Drops listed images that exist but are not regular files (a list names them, so each needs a stat). */
async function dropNonRegular(items: ImageItem[], skips: Skips): Promise<ImageItem[]> {
  const keep = new Array<boolean>(items.length).fill(true);
  const CHUNK = 64; // stats in flight at once
  for (let i = 0; i < items.length; i += CHUNK) {
    const reasons = await Promise.all(items.slice(i, i + CHUNK).map((it) => notRegular(it.path)));
    reasons.forEach((why, j) => {
      if (why) {
        keep[i + j] = false;
        skips.add(items[i + j]!.path, why);
      }
    });
  }
  return items.filter((_, i) => keep[i]);
}

export async function loadDataset(path: string): Promise<Dataset> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    throw new InputError(path, code === 'ENOENT' ? 'no such file or directory' : code === 'ELOOP' ? 'a symbolic link loop' : describeFsError(err));
  }
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
  if (!st.isDirectory()) throw new InputError(path, `${kindOf(st)}; expected a directory or a .csv/.json file`);
  const entries = (await listDir(path)).sort();
  const coco = ['annotations.json', ...entries.filter((e) => /^instances.*\.json$/.test(e))].find((e) => entries.includes(e));
  if (coco) return loadCoco(join(path, coco), await readJson(join(path, coco)));
  if (entries.includes('annotations') && (await statOrNull(join(path, 'annotations')))?.isDirectory()) {
    const inner = (await listDir(join(path, 'annotations'))).filter((e) => /^instances.*\.json$/.test(e)).sort();
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
  const skips = new Skips();
  for (const entry of entries) {
    if (entry.startsWith('.')) continue;
    const sub = join(dir, entry);
    // stat follows a symlinked class folder (a loop fails here and is not a class); folders are not recursed into.
    if (!(await statOrNull(sub))?.isDirectory()) continue;
    const files = await listImages(sub, skips);
    if (files.length === 0) continue;
    classes.push(entry);
    for (const f of files) items.push({ path: join(sub, f), label: entry });
  }
  if (items.length === 0) {
    throw new InputError(dir, 'no images found: expected class sub-folders of images (ImageFolder), a COCO annotations.json, YOLO images/ + labels/, or precomputed MODEL.npy + labels.json');
  }
  if (classes.length < 2) throw new InputError(dir, `only one class folder ('${classes[0]}'); ranking needs at least two classes`);
  const warnings: string[] = [];
  skips.report(dir, warnings);
  return { kind: 'images', task: 'classification', format: 'imagefolder', source: dir, items, classes, warnings };
}

async function listDataset(file: string, rows: Array<{ path: string; label: string }>): Promise<ImageDataset> {
  if (rows.length === 0) throw new InputError(file, 'the image list is empty');
  const base = dirname(file);
  const skips = new Skips();
  const items = (await dropNonRegular(rows.map((r) => ({ path: resolve(base, r.path), label: r.label })), skips)) as Array<{ path: string; label: string }>;
  const classes = [...new Set(items.map((i) => i.label))].sort();
  if (classes.length < 2) throw new InputError(file, 'the list has only one label; ranking needs at least two classes');
  const warnings: string[] = [];
  skips.report(file, warnings);
  return { kind: 'images', task: 'classification', format: 'list', source: file, items, classes, warnings };
}

async function loadCsvList(file: string): Promise<ImageDataset> {
  const text = await readText(file, MAX_LIST_FILE_BYTES);
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

function loadJsonList(file: string, json: unknown): Promise<ImageDataset> {
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

type CocoId = number | string;
const isCocoId = (v: unknown): v is CocoId => Number.isInteger(v) || (typeof v === 'string' && v !== '');

interface CocoImage {
  fileName: string;
  width: number | null;
  height: number | null;
}

/** COCO "categories": id → class name; two ids with one name would silently merge two classes. */
function cocoCategories(file: string, raw: unknown): Map<CocoId, string> | null {
  if (raw === undefined) return null;
  if (!Array.isArray(raw)) throw new InputError(file, '"categories" must be an array');
  const names = new Map<CocoId, string>();
  const owner = new Map<string, CocoId>();
  for (const [i, c] of raw.entries()) {
    const cat = c as { id?: unknown; name?: unknown } | null;
    if (!cat || typeof cat !== 'object' || !isCocoId(cat.id)) throw new InputError(file, `categories[${i}]: needs an integer "id"`);
    if (cat.name !== undefined && (typeof cat.name !== 'string' || cat.name === '')) throw new InputError(file, `categories[${i}]: "name" must be a non-empty string`);
    const name = (cat.name as string | undefined) ?? String(cat.id);
    if (names.has(cat.id)) throw new InputError(file, `categories[${i}]: id ${show(cat.id)} is listed twice`);
    if (owner.has(name)) throw new InputError(file, `categories[${i}]: name ${show(name)} is also category ${show(owner.get(name))}; two ids would become one class`);
    names.set(cat.id, name);
    owner.set(name, cat.id);
  }
  return names;
}

/** COCO "images": id → file name and, when given, size (what the boxes are checked against). */
function cocoImages(file: string, raw: unknown[]): Map<CocoId, CocoImage> {
  const images = new Map<CocoId, CocoImage>();
  for (const [i, r] of raw.entries()) {
    const img = r as { id?: unknown; file_name?: unknown; width?: unknown; height?: unknown } | null;
    if (!img || typeof img !== 'object' || !isCocoId(img.id)) throw new InputError(file, `images[${i}]: needs an integer "id"`);
    if (images.has(img.id)) throw new InputError(file, `images[${i}]: id ${show(img.id)} is listed twice`);
    if (typeof img.file_name !== 'string' || img.file_name === '') throw new InputError(file, `image ${show(img.id)}: missing "file_name"`);
    const sized = img.width !== undefined || img.height !== undefined;
    const ok = (v: unknown) => Number.isInteger(v) && (v as number) > 0 && (v as number) <= MAX_BOX_COORDINATE;
    if (sized && !(ok(img.width) && ok(img.height))) {
      throw new InputError(file, `images[${i}]: "width" and "height" must be whole pixels in 1..${MAX_BOX_COORDINATE}`);
    }
    images.set(img.id, { fileName: img.file_name, width: sized ? (img.width as number) : null, height: sized ? (img.height as number) : null });
  }
  return images;
}

async function loadCoco(file: string, raw: unknown, root?: string): Promise<ImageDataset> {
  const json = raw as { images?: unknown; annotations?: unknown; categories?: unknown } | null;
  if (!json || !Array.isArray(json.images) || !Array.isArray(json.annotations)) {
    throw new InputError(file, 'not a COCO instances file (needs "images" and "annotations" arrays)');
  }
  const base = root ?? dirname(file);
  const imageDir = (await statOrNull(join(base, 'images')))?.isDirectory() ? join(base, 'images') : base;
  const catName = cocoCategories(file, json.categories);
  const images = cocoImages(file, json.images);
  const byImage = new Map<CocoId, GtBox[]>();
  let degenerate = 0;
  let firstDegenerate = '';
  for (const [i, r] of json.annotations.entries()) {
    const at = `annotations[${i}]`;
    const a = r as { image_id?: unknown; category_id?: unknown; bbox?: unknown; iscrowd?: unknown } | null;
    if (!a || typeof a !== 'object') throw new InputError(file, `${at}: expected an object`);
    const bbox = a.bbox;
    if (!Array.isArray(bbox) || bbox.length !== 4 || bbox.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      throw new InputError(file, `${at}: "bbox" must be [x, y, width, height]`);
    }
    const img = isCocoId(a.image_id) ? images.get(a.image_id) : undefined;
    if (!img) throw new InputError(file, `${at}: image_id ${show(a.image_id)} is not in "images"`);
    if (a.iscrowd) continue; // crowd regions are not object instances
    let label: string | undefined;
    if (catName) label = isCocoId(a.category_id) ? catName.get(a.category_id) : undefined;
    else label = Number.isInteger(a.category_id) ? String(a.category_id) : undefined;
    if (label === undefined) {
      throw new InputError(file, `${at}: category_id ${show(a.category_id)} is not ${catName ? 'in "categories"' : 'an integer'}`);
    }
    const [x, y, w, h] = bbox as [number, number, number, number];
    if (w <= 0 || h <= 0) {
      if (degenerate++ === 0) firstDegenerate = at;
      continue;
    }
    const W = img.width ?? MAX_BOX_COORDINATE;
    const H = img.height ?? MAX_BOX_COORDINATE;
    const t = BOX_TOLERANCE_PX;
    if (x < -t || y < -t || x + w > W + t || y + h > H + t) {
      const where = img.width !== null ? `the ${W}×${H} image ${img.fileName}` : `${MAX_BOX_COORDINATE} pixels (MAX_BOX_COORDINATE; the image has no "width"/"height")`;
      throw new InputError(file, `${at}: bbox [${bbox.join(', ')}] reaches outside ${where}`);
    }
    const list = byImage.get(a.image_id as CocoId) ?? [];
    list.push({ label, box: [x, y, w, h], normalized: false });
    byImage.set(a.image_id as CocoId, list);
  }
  let items: ImageItem[] = [];
  for (const [id, img] of images) {
    const boxes = byImage.get(id);
    if (!boxes || boxes.length === 0) continue; // images without boxes give no samples
    items.push({ path: join(imageDir, img.fileName), boxes });
  }
  const skips = new Skips();
  items = await dropNonRegular(items, skips);
  if (items.length === 0) throw new InputError(file, 'no annotated boxes');
  const used = new Set(items.flatMap((i) => i.boxes!.map((b) => b.label)));
  const ordered = catName ? [...catName.values()].filter((n) => used.has(n)) : [];
  const classes = [...ordered, ...[...used].filter((n) => !ordered.includes(n)).sort()];
  const warnings: string[] = [];
  if (degenerate > 0) warnings.push(`${file}: ${degenerate} box(es) of zero or negative width/height skipped (first: ${firstDegenerate})`);
  skips.report(file, warnings);
  return { kind: 'images', task: 'detection', format: 'coco', source: file, items, classes, warnings };
}

/** classes.txt: one name per line, id = line order among non-empty lines; a repeated name would merge two ids. */
async function yoloClassNames(file: string): Promise<string[]> {
  const names = (await readText(file, MAX_LABEL_FILE_BYTES)).split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    if (seen.has(n)) throw new InputError(file, `class ${i} ${show(n)} repeats class ${seen.get(n)}; two ids would become one class`);
    seen.set(n, i);
  });
  return names;
}

async function loadYolo(dir: string): Promise<ImageDataset> {
  const imageDir = join(dir, 'images');
  const labelDir = join(dir, 'labels');
  const classesFile = join(dir, 'classes.txt');
  const names = (await statOrNull(classesFile)) ? await yoloClassNames(classesFile) : [];
  const items: ImageItem[] = [];
  const skips = new Skips();
  let degenerate = 0;
  let firstDegenerate = '';
  const t = BOX_TOLERANCE_NORMALIZED;
  for (const f of await listImages(imageDir, skips)) {
    const labelFile = join(labelDir, basename(f, extname(f)) + '.txt');
    if (!(await statOrNull(labelFile))) continue; // an image without a label file is unlabelled (YOLO's background images)
    const text = await readText(labelFile, MAX_LABEL_FILE_BYTES);
    const boxes: GtBox[] = [];
    for (const [n, line] of text.split(/\r?\n/).entries()) {
      if (line.trim() === '') continue;
      const at = `line ${n + 1}`;
      const parts = line.trim().split(/\s+/);
      const v = parts.map(Number);
      // Exactly 5: a segmentation line (class x1 y1 x2 y2 …) read as a box would be silently wrong.
      if (parts.length !== 5 || v.some((x) => !Number.isFinite(x))) throw new InputError(labelFile, `${at}: expected "class cx cy w h" (5 numbers)`);
      if (!/^\d+$/.test(parts[0]!)) throw new InputError(labelFile, `${at}: class id ${show(parts[0])} is not a whole number ≥ 0`);
      const cls = v[0]!;
      if (names.length > 0 && cls >= names.length) {
        throw new InputError(labelFile, `${at}: class id ${cls} is not in ${classesFile} (${names.length} classes, ids 0–${names.length - 1})`);
      }
      const [cx, cy, w, h] = [v[1]!, v[2]!, v[3]!, v[4]!];
      if (w <= 0 || h <= 0) {
        if (degenerate++ === 0) firstDegenerate = `${labelFile} ${at}`;
        continue;
      }
      if (cx - w / 2 < -t || cy - h / 2 < -t || cx + w / 2 > 1 + t || cy + h / 2 > 1 + t) {
        throw new InputError(labelFile, `${at}: box ${parts.slice(1).join(' ')} reaches outside the image (YOLO coordinates are fractions of the image size, in [0, 1])`);
      }
      boxes.push({ label: names.length > 0 ? names[cls]! : String(cls), box: [cx, cy, w, h], normalized: true });
    }
    if (boxes.length > 0) items.push({ path: join(imageDir, f), boxes });
  }
  if (items.length === 0) throw new InputError(dir, 'YOLO layout without any labelled image (images/X.png needs labels/X.txt)');
  const used = new Set(items.flatMap((i) => i.boxes!.map((b) => b.label)));
  const classes = names.length > 0 ? names.filter((n) => used.has(n)) : [...used].sort((a, b) => Number(a) - Number(b));
  const warnings: string[] = [];
  if (degenerate > 0) warnings.push(`${dir}: ${degenerate} box(es) of zero or negative width/height skipped (first: ${firstDegenerate})`);
  skips.report(imageDir, warnings);
  return { kind: 'images', task: 'detection', format: 'yolo', source: dir, items, classes, warnings };
}

async function loadPrecomputed(dir: string, entries: string[]): Promise<PrecomputedDataset> {
  let labels: string[];
  let task: Task = 'classification';
  if (entries.includes('labels.json')) {
    const file = join(dir, 'labels.json');
    const json = await readJson(file);
    const list = Array.isArray(json) ? json : (json as { labels?: unknown })?.labels;
    if (!Array.isArray(list)) throw new InputError(file, 'expected a list of labels or {"labels": [...]}');
    // Only strings and numbers: String() of a deeply nested array recurses until the stack overflows.
    labels = list.map((l, i) => {
      if (typeof l === 'string' || (typeof l === 'number' && Number.isFinite(l))) return String(l);
      throw new InputError(file, `label ${i} is ${show(l)}; expected a string or a number`);
    });
    if (!Array.isArray(json) && (json as { task?: unknown }).task === 'detection') task = 'detection';
  } else {
    labels = (await readText(join(dir, 'labels.txt'), MAX_LIST_FILE_BYTES)).split(/\r?\n/).filter((l) => l !== '');
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

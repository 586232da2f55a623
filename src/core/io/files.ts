/** Small file-system helpers shared by the loaders. */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../errors.js';

/**
 * The most any input is read whole into memory: Node cannot read a file of
 * 2 GiB or more into one buffer anyway, and past that a FIFO or /dev/zero
 * would fill memory for minutes before failing.
 */
export const MAX_INPUT_BYTES = 2 ** 31 - 1;

/**
 * Text inputs (CSV feature matrices, label lists): parsing text takes about 20×
 * its size in memory, so 256 MiB (≈ 25 M numbers) is as much as a CSV should
 * hold; larger matrices belong in .npy, whose size the header states.
 */
export const MAX_TEXT_INPUT_BYTES = 256 << 20;

/** JSON inputs (labels.json, manifest.json, --truth, --scores) are small maps and lists; 64 MiB is far beyond any real one. */
export const MAX_JSON_INPUT_BYTES = 64 << 20;

/**
 * The deepest nesting a JSON input may have. Ours are at most ~5 deep; code
 * that walks a value recursively (String(), JSON.stringify) overflows the
 * stack somewhere past 10,000 levels, so a deeper document is refused up front.
 */
export const MAX_JSON_DEPTH = 64;

/** A short reason for a failed read: "no such file", "is a directory", … */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory, expected a file';
    case 'EACCES':
      return 'permission denied';
    case 'ELOOP':
      return 'symbolic link loop';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Checks that `path` is a regular file of at most `maxBytes` and returns its
 * size. A FIFO or a device is refused before any read (it may never end).
 */
export async function checkInputFile(path: string, maxBytes = MAX_INPUT_BYTES): Promise<number> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    throw new InputError(path, describeFsError(err));
  }
  return checkStats(path, st, maxBytes);
}

/** What checkInputFile checks, on the stats of the path. */
function checkStats(path: string, st: Stats, maxBytes: number): number {
  if (st.isDirectory()) throw new InputError(path, 'is a directory, expected a file');
  if (!st.isFile()) throw new InputError(path, 'is not a regular file (a FIFO, socket or device cannot be read as input)');
  if (st.size > maxBytes) throw new InputError(path, `is ${st.size} bytes, more than the ${maxBytes} this input may have`);
  return st.size;
}

/**
 * readInputFile for loaders that run synchronously (the model set, read once at
 * start-up): the same checks before the read, so a FIFO in a model directory
 * is refused instead of blocking forever.
 */
export function readInputFileSync(path: string, maxBytes = MAX_INPUT_BYTES): Buffer {
  try {
    checkStats(path, statSync(path), maxBytes);
    const buf = readFileSync(path);
    if (buf.length > maxBytes) throw new InputError(path, `is ${buf.length} bytes, more than the ${maxBytes} this input may have`);
    return buf;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, describeFsError(err));
  }
}

/**
 * Reads a whole regular file of at most `maxBytes` (default MAX_INPUT_BYTES),
 * turning fs errors into a one-line InputError naming the file.
 */
export async function readInputFile(path: string, maxBytes = MAX_INPUT_BYTES): Promise<Buffer> {
  await checkInputFile(path, maxBytes);
  try {
    const buf = await readFile(path);
    // The file may have grown between the check and the read.
    if (buf.length > maxBytes) throw new InputError(path, `is ${buf.length} bytes, more than the ${maxBytes} this input may have`);
    return buf;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, describeFsError(err));
  }
}

/** Throws when `value` nests deeper than `maxDepth` arrays/objects (walked without recursion). */
export function checkJsonDepth(value: unknown, file: string | null, maxDepth = MAX_JSON_DEPTH): void {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > maxDepth) throw new InputError(file, `JSON nested more than ${maxDepth} levels deep`);
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
}

/** Parses JSON text from `file`: one-line errors for bad syntax and for nesting past MAX_JSON_DEPTH. */
export function parseJsonInput(text: string, file: string | null): unknown {
  if (text.trim().length === 0) throw new InputError(file, 'empty file');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const why = err instanceof RangeError ? 'too deeply nested' : err instanceof Error ? err.message : String(err);
    throw new InputError(file, `not valid JSON (${why})`);
  }
  checkJsonDepth(doc, file);
  return doc;
}

/** Reads and parses a JSON input of at most `maxBytes` (default MAX_JSON_INPUT_BYTES). */
export async function readJsonInput(path: string, maxBytes = MAX_JSON_INPUT_BYTES): Promise<unknown> {
  return parseJsonInput((await readInputFile(path, maxBytes)).toString('utf8'), path);
}

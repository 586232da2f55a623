/**
 * Loading what `etran score` works on from disk: feature matrices, source
 * probabilities and regression targets (.npy float32/float64 in C or Fortran
 * order, or .csv), and class labels (.npy integers or strings, .csv/.txt one
 * per line). Every problem becomes an InputError naming the file, so the
 * command can exit 2 with one line.
 */
import { extname } from 'node:path';
import { InputError } from '../errors.js';
import { decodeNpy, readNpyBytes, type NpyArray } from '../io/npy.js';
import { openNpyRows, type NpyRowReader } from '../io/npy-chunks.js';
import { MAX_TEXT_INPUT_BYTES, readInputFile } from '../io/files.js';
import { labelsFromValues, type RawLabel } from './labels.js';
import { largeArray } from '../linalg/gram.js';
import type { Labels, Matrix } from './types.js';

/** What a matrix file holds, for messages ("features", "source probabilities", …). */
export type MatrixRole = 'features' | 'source probabilities' | 'targets';

export interface LoadedMatrix {
  matrix: Matrix;
  /** dtype on disk ('float32', 'float64', or 'csv'). */
  dtype: string;
}

function shapeText(shape: number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** Throws on the first NaN or ±Inf, naming its position (1-based row and column). */
export function assertFinite(m: Matrix, file: string, role: MatrixRole): void {
  const { data, cols } = m;
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (!Number.isFinite(v)) {
      const what = Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf';
      throw new InputError(file, `${role} contain ${what} at row ${Math.floor(k / cols) + 1}, column ${(k % cols) + 1}`);
    }
  }
}

/** The checks every floating-point matrix file passes (dtype, 2-D, non-empty), with the messages a loaded file gets; its rows × cols. */
function checkMatrixShape(dtype: string, shape: number[], file: string, role: MatrixRole): [number, number] {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new InputError(file, `${role} have dtype ${dtype}; expected float32 or float64`);
  }
  let rows: number;
  let cols: number;
  if (shape.length === 2) [rows, cols] = shape as [number, number];
  else if (shape.length === 1 && role === 'targets') [rows, cols] = [shape[0]!, 1];
  else throw new InputError(file, `${role} must be a 2-D array (N × D), got shape ${shapeText(shape)}`);
  if (rows === 0 || cols === 0) throw new InputError(file, `${role} are empty (shape ${shapeText(shape)})`);
  return [rows, cols];
}

function matrixFromNpy(arr: NpyArray, file: string, role: MatrixRole): LoadedMatrix {
  const [rows, cols] = checkMatrixShape(arr.dtype, arr.shape, file, role);
  // Features go straight into the memory the metric kernels share with their worker
  // threads (largeArray), so the kernels need no second copy of X.
  const data = largeArray(rows * cols);
  data.set(arr.data as Float32Array | Float64Array);
  return { matrix: { rows, cols, data }, dtype: arr.dtype };
}

/** Splits CSV / whitespace-separated text into trimmed non-empty lines of cells. */
function csvRows(text: string): string[][] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const sep = lines.some((l) => l.includes(',')) ? /\s*,\s*/ : lines.some((l) => l.includes(';')) ? /\s*;\s*/ : /\s+/;
  return lines.map((l) => l.trim().split(sep));
}

/** Parses a numeric cell the way numpy's loadtxt would ("nan", "inf" included); undefined when not a number. */
function parseNumber(cell: string): number | undefined {
  const s = cell.trim().replace(/^"(.*)"$/, '$1');
  if (s.length === 0) return undefined;
  const lower = s.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  const v = Number(s);
  return Number.isNaN(v) ? undefined : v;
}

function matrixFromCsv(text: string, file: string, role: MatrixRole): LoadedMatrix {
  let rows = csvRows(text);
  // A first line with any non-numeric cell is a header.
  if (rows.length > 0 && rows[0]!.some((c) => parseNumber(c) === undefined)) rows = rows.slice(1);
  if (rows.length === 0) throw new InputError(file, `${role} are empty (no data rows)`);
  const cols = rows[0]!.length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((cells, i) => {
    if (cells.length !== cols) throw new InputError(file, `line ${i + 1} of the data has ${cells.length} values, the first has ${cols}`);
    cells.forEach((c, j) => {
      const v = parseNumber(c);
      if (v === undefined) throw new InputError(file, `'${c}' at data row ${i + 1}, column ${j + 1} is not a number`);
      data[i * cols + j] = v;
    });
  });
  return { matrix: { rows: rows.length, cols, data }, dtype: 'csv' };
}

/**
 * Reads an input with a bound: a .npy file must be exactly as long as its
 * header says, a text file at most MAX_TEXT_INPUT_BYTES; FIFOs and devices
 * are refused before any read.
 */
async function readBounded(file: string, text: boolean): Promise<Buffer> {
  const bytes = text ? await readInputFile(file, MAX_TEXT_INPUT_BYTES) : await readNpyBytes(file);
  if (bytes.length === 0) throw new InputError(file, 'empty file');
  return bytes;
}

/**
 * Reads a matrix (.npy or .csv) and checks it is non-empty, floating point
 * and finite. `role` names the content in messages.
 */
export async function readMatrixFile(file: string, role: MatrixRole): Promise<LoadedMatrix> {
  const ext = extname(file).toLowerCase();
  const text = ext === '.csv' || ext === '.txt' || ext === '.tsv';
  if (ext !== '.npy' && !text) throw new InputError(file, `unsupported ${role} file type '${ext || '(none)'}' (expected .npy or .csv)`);
  const bytes = await readBounded(file, text);
  let loaded: LoadedMatrix;
  if (ext === '.npy') loaded = matrixFromNpy(decodeNpy(bytes, file), file, role);
  else loaded = matrixFromCsv(bytes.toString('utf8'), file, role);
  assertFinite(loaded.matrix, file, role);
  return loaded;
}

/**
 * The shape and order of a .npy feature file from its header alone (to decide
 * whether it streams), or null when it is not a readable 2-D .npy file: the
 * whole-file read then reports the problem exactly as before.
 */
export async function peekFeatureShape(file: string): Promise<{ rows: number; cols: number; fortran: boolean } | null> {
  if (extname(file).toLowerCase() !== '.npy') return null;
  try {
    const reader = await openNpyRows(file);
    await reader.close();
    return reader.shape.length === 2 ? { rows: reader.shape[0]!, cols: reader.shape[1]!, fortran: reader.fortran } : null;
  } catch {
    return null;
  }
}

/**
 * Opens a .npy features file for reading in blocks of rows (streaming.ts),
 * after the checks a whole-file read makes (same messages); values are checked
 * finite block by block as they are read. Fortran-order files are refused:
 * their rows are not contiguous.
 */
export async function openFeatureRows(file: string, role: MatrixRole = 'features'): Promise<NpyRowReader> {
  if (extname(file).toLowerCase() !== '.npy') throw new InputError(file, `${role} must be a .npy file to be read in blocks (--stream)`);
  const reader = await openNpyRows(file);
  try {
    checkMatrixShape(reader.dtype, reader.shape, file, role);
    if (reader.fortran) throw new InputError(file, `${role} are in Fortran order, which cannot be read in blocks of rows; save them in C order (np.ascontiguousarray)`);
  } catch (err) {
    await reader.close();
    throw err;
  }
  return reader;
}

/**
 * numpy saves string arrays as '<U{n}' (UTF-32 code points, NUL-padded), a
 * dtype the general .npy reader does not cover; labels are the one place
 * strings are expected, so they are decoded here.
 */
function stringLabelsFromNpy(bytes: Uint8Array, file: string): string[] | null {
  const major = bytes[6];
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr'\s*:\s*'([<>|=]?)U(\d+)'/.exec(header);
  if (!descr) return null;
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1]?.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number) ?? [];
  if (shape.length !== 1 && !(shape.length === 2 && shape[1] === 1)) {
    throw new InputError(file, `labels must be a 1-D array, got shape ${shapeText(shape)}`);
  }
  const width = Number(descr[2]);
  const bigEndian = descr[1] === '>';
  const count = shape[0]!;
  const start = headerStart + headerLen;
  if (bytes.length < start + count * width * 4) throw new InputError(file, 'truncated .npy data');
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    for (let k = 0; k < width; k++) {
      const cp = view.getUint32(start + (i * width + k) * 4, !bigEndian);
      if (cp === 0) break;
      s += String.fromCodePoint(cp);
    }
    out.push(s);
  }
  return out;
}

const LABEL_HEADERS = new Set(['label', 'labels', 'y', 'target', 'class', 'classes', 'category']);

function labelsFromText(text: string, file: string): RawLabel[] {
  const rows = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (rows.length === 0) return [];
  const cells = rows.map((r) => r.split(/\s*,\s*/));
  if (cells.some((c) => c.length !== 1)) {
    const bad = cells.findIndex((c) => c.length !== 1);
    throw new InputError(file, `labels must be one per line; line ${bad + 1} has ${cells[bad]!.length} values`);
  }
  let values = cells.map((c) => c[0]!.replace(/^"(.*)"$/, '$1'));
  // A header is a first line that is a usual column name, or a word over a column of integers.
  const isInt = (s: string) => /^[+-]?\d+(\.0*)?$/.test(s);
  if (values.length > 1 && (LABEL_HEADERS.has(values[0]!.toLowerCase()) || (!isInt(values[0]!) && values.slice(1).every(isInt)))) {
    values = values.slice(1);
  }
  // Integers stay numbers (so 2 sorts before 10); anything else is a string label.
  if (values.every(isInt)) return values.map(Number);
  return values;
}

/** Reads class labels (.npy ints / integer-valued floats / strings, or .csv/.txt one per line) and maps them to contiguous ids. */
export async function readLabelsFile(file: string): Promise<Labels> {
  const ext = extname(file).toLowerCase();
  const text = ext === '.csv' || ext === '.txt' || ext === '.tsv';
  if (ext !== '.npy' && !text) throw new InputError(file, `unsupported labels file type '${ext || '(none)'}' (expected .npy, .csv or .txt)`);
  const bytes = await readBounded(file, text);
  let values: ArrayLike<RawLabel>;
  if (ext === '.npy') {
    const strings = stringLabelsFromNpy(bytes, file);
    if (strings) values = strings;
    else {
      const arr = decodeNpy(bytes, file);
      if (arr.shape.length !== 1 && !(arr.shape.length === 2 && arr.shape[1] === 1)) {
        throw new InputError(file, `labels must be a 1-D array, got shape ${shapeText(arr.shape)}`);
      }
      if (arr.dtype === 'bool') throw new InputError(file, 'labels have dtype bool; expected integers or strings');
      values = arr.data as ArrayLike<number | bigint>;
    }
  } else {
    values = labelsFromText(bytes.toString('utf8'), file);
  }
  if (values.length === 0) throw new InputError(file, 'labels are empty');
  const labels = labelsFromValues(values, file);
  if (labels.numClasses < 2) throw new InputError(file, `labels hold one class only ('${labels.names[0]}'); transferability needs at least 2`);
  return labels;
}

/**
 * NumPy .npy reading and writing (format versions 1.0-3.0), so arrays move
 * between this toolkit and numpy without conversion. Supports the numeric
 * dtypes used here, little- and big-endian, C and Fortran order; Fortran
 * arrays are returned in C (row-major) order.
 * Format reference: numpy/lib/format.py.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';
import { checkInputFile, describeFsError, MAX_INPUT_BYTES } from './files.js';

/** numpy's own np.load refuses headers over 10,000 bytes (max_header_size) as a safety limit; so do we. */
export const MAX_NPY_HEADER_BYTES = 10_000;

export type NpyDType = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool';

export type NpyData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

export interface NpyArray {
  dtype: NpyDType;
  shape: number[];
  /** Row-major (C order) values. */
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR: Record<string, { dtype: NpyDType; size: number }> = {
  f4: { dtype: 'float32', size: 4 },
  f8: { dtype: 'float64', size: 8 },
  i1: { dtype: 'int8', size: 1 },
  u1: { dtype: 'uint8', size: 1 },
  b1: { dtype: 'bool', size: 1 },
  i2: { dtype: 'int16', size: 2 },
  u2: { dtype: 'uint16', size: 2 },
  i4: { dtype: 'int32', size: 4 },
  u4: { dtype: 'uint32', size: 4 },
  i8: { dtype: 'int64', size: 8 },
  u8: { dtype: 'uint64', size: 8 },
};

const DESCR_OF: Record<NpyDType, string> = {
  float32: '<f4',
  float64: '<f8',
  int8: '|i1',
  uint8: '|u1',
  bool: '|b1',
  int16: '<i2',
  uint16: '<u2',
  int32: '<i4',
  uint32: '<u4',
  int64: '<i8',
  uint64: '<u8',
};

function typedArrayFor(dtype: NpyDType, buf: ArrayBuffer, count: number): NpyData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buf, 0, count);
    case 'float64':
      return new Float64Array(buf, 0, count);
    case 'int8':
      return new Int8Array(buf, 0, count);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buf, 0, count);
    case 'int16':
      return new Int16Array(buf, 0, count);
    case 'uint16':
      return new Uint16Array(buf, 0, count);
    case 'int32':
      return new Int32Array(buf, 0, count);
    case 'uint32':
      return new Uint32Array(buf, 0, count);
    case 'int64':
      return new BigInt64Array(buf, 0, count);
    case 'uint64':
      return new BigUint64Array(buf, 0, count);
  }
}

/** Parses the Python-literal header dict, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), } */
function parseHeader(header: string, file: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new InputError(file, 'not a valid .npy file (unreadable header)');
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim().replace(/L$/, ''))
    .filter((s) => s.length > 0)
    .map((s) => Number(s));
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new InputError(file, `invalid .npy shape (${shapeText})`);
  return { descr, fortran: fortran === 'True', shape };
}

/** Where the header and the data of .npy bytes lie, and what the header says. */
interface NpyLayout {
  dataStart: number;
  descr: string;
  fortran: boolean;
  shape: number[];
}

/** Reads the header of .npy bytes (only the header needs to be there). */
function npyLayout(bytes: Uint8Array, file: string): NpyLayout {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new InputError(file, 'not a .npy file (missing \\x93NUMPY magic)');
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new InputError(file, 'truncated .npy header');
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new InputError(file, `unsupported .npy format version ${major}`);
  }
  if (headerLen > MAX_NPY_HEADER_BYTES) throw new InputError(file, `.npy header of ${headerLen} bytes (numpy's limit, and ours, is ${MAX_NPY_HEADER_BYTES})`);
  if (headerStart + headerLen > bytes.length) throw new InputError(file, 'truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  return { dataStart: headerStart + headerLen, ...parseHeader(header, file) };
}

/** Bytes per element of a dtype descr: numeric ones, and numpy's '<U{n}' strings (UTF-32). Null when unknown. */
function itemSize(descr: string): number | null {
  const u = /^[<>|=]?U(\d+)$/.exec(descr);
  if (u) return 4 * Number(u[1]);
  return DESCR[descr.slice(1)]?.size ?? null;
}

/** An open .npy file whose length matches its header, and what the header says. */
export interface CheckedNpyFile {
  fh: FileHandle;
  size: number;
  dataStart: number;
  descr: string;
  fortran: boolean;
  shape: number[];
}

/**
 * Opens a .npy file and checks that its size matches what its header claims
 * (shape × element size), reading at most the header: a lying header, a FIFO
 * or a device is refused before any data is read. The caller closes `fh`.
 */
export async function openCheckedNpy(path: string): Promise<CheckedNpyFile> {
  await checkInputFile(path); // a FIFO is refused before open(), which would wait for a writer
  let fh;
  try {
    // O_NONBLOCK: should a FIFO replace the file after the check, open() still returns at once (and fstat refuses it).
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new InputError(path, describeFsError(err));
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new InputError(path, 'is a directory, expected a file');
    if (!st.isFile()) throw new InputError(path, 'is not a regular file (a FIFO, socket or device cannot be read as input)');
    if (st.size === 0) throw new InputError(path, 'empty file');
    const head = Buffer.alloc(Math.min(st.size, 12 + MAX_NPY_HEADER_BYTES));
    await fh.read(head, 0, head.length, 0);
    const layout = npyLayout(head, path);
    const size = itemSize(layout.descr);
    if (size !== null) {
      const count = layout.shape.reduce((a, b) => a * b, 1);
      const expected = layout.dataStart + count * size;
      if (expected !== st.size) {
        const what = `shape (${layout.shape.join(', ')}) of '${layout.descr}' needs ${expected} bytes in all`;
        throw new InputError(path, expected > st.size ? `truncated .npy data (${what}, the file has ${st.size})` : `.npy file longer than its header says (${what}, the file has ${st.size})`);
      }
    }
    return { fh, size: st.size, ...layout };
  } catch (err) {
    await fh.close();
    if (err instanceof InputError) throw err;
    throw new InputError(path, describeFsError(err));
  }
}

/**
 * Reads a .npy file whose size matches what its header claims (shape ×
 * element size): a lying header, a FIFO or a device is refused after reading
 * at most the header, never after filling memory.
 */
export async function readNpyBytes(path: string): Promise<Buffer> {
  const { fh, size } = await openCheckedNpy(path);
  try {
    if (size > MAX_INPUT_BYTES) throw new InputError(path, `is ${size} bytes, more than the ${MAX_INPUT_BYTES} an input may have`);
    const buf = Buffer.alloc(size);
    const { bytesRead } = await fh.read(buf, 0, size, 0);
    if (bytesRead !== size) throw new InputError(path, 'the file changed while it was read');
    return buf;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, describeFsError(err));
  } finally {
    await fh.close();
  }
}

/** The numeric dtype and byte order of a descr such as '<f4', or null when unsupported. */
export function numericDescr(descr: string): { dtype: NpyDType; size: number; bigEndian: boolean } | null {
  const order = descr[0];
  const kind = DESCR[descr.slice(1)];
  if (!kind || !['<', '>', '|', '='].includes(order ?? '')) return null;
  return { ...kind, bigEndian: order === '>' };
}

/** Decodes .npy bytes. `file` only names the source in error messages. */
export function decodeNpy(bytes: Uint8Array, file = '<npy>'): NpyArray {
  const { dataStart, descr, fortran, shape } = npyLayout(bytes, file);
  const order = descr[0];
  const kind = DESCR[descr.slice(1)];
  if (!kind || !['<', '>', '|', '='].includes(order ?? '')) {
    throw new InputError(file, `unsupported .npy dtype '${descr}' (expected a numeric dtype such as <f4, <f8, <i8)`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const byteCount = count * kind.size;
  if (bytes.length - dataStart < byteCount) {
    throw new InputError(file, `truncated .npy data (expected ${byteCount} bytes for shape (${shape.join(', ')}), found ${bytes.length - dataStart})`);
  }
  // Copy into an aligned buffer; swap bytes for big-endian input.
  const raw = new Uint8Array(byteCount);
  raw.set(bytes.subarray(dataStart, dataStart + byteCount));
  if (order === '>' && kind.size > 1) {
    for (let i = 0; i < byteCount; i += kind.size) raw.subarray(i, i + kind.size).reverse();
  }
  let data = typedArrayFor(kind.dtype, raw.buffer, count);
  if (fortran && shape.length > 1) data = fortranToC(data, shape);
  return { dtype: kind.dtype, shape, data };
}

/** Reorders a column-major array of the given shape into row-major order. */
function fortranToC(src: NpyData, shape: number[]): NpyData {
  const out = new (src.constructor as { new (n: number): NpyData })(src.length);
  const nd = shape.length;
  const cStrides = new Array<number>(nd);
  const fStrides = new Array<number>(nd);
  cStrides[nd - 1] = 1;
  for (let i = nd - 2; i >= 0; i--) cStrides[i] = cStrides[i + 1]! * shape[i + 1]!;
  fStrides[0] = 1;
  for (let i = 1; i < nd; i++) fStrides[i] = fStrides[i - 1]! * shape[i - 1]!;
  const idx = new Array<number>(nd).fill(0);
  for (let c = 0; c < src.length; c++) {
    let f = 0;
    for (let k = 0; k < nd; k++) f += idx[k]! * fStrides[k]!;
    (out as unknown as ArrayLike<unknown> & { [i: number]: unknown })[c] = (src as unknown as { [i: number]: unknown })[f];
    for (let k = nd - 1; k >= 0; k--) {
      if (++idx[k]! < shape[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

export async function readNpy(path: string): Promise<NpyArray> {
  return decodeNpy(await readNpyBytes(path), path);
}

/** Encodes a row-major array as .npy version 1.0 bytes (little-endian). */
export function encodeNpy(array: NpyArray): Uint8Array {
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) throw new Error(`npy: shape (${array.shape.join(', ')}) does not match ${array.data.length} values`);
  const shapeText = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${DESCR_OF[array.dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad so that magic + len + header + '\n' is a multiple of 64 (numpy's alignment).
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const dataBytes = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(10 + header.length + dataBytes.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(dataBytes, 10 + header.length);
  return out;
}

export async function writeNpy(path: string, array: NpyArray): Promise<void> {
  await writeFileAtomic(path, encodeNpy(array));
}

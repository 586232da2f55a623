/**
 * Reading a 2-D floating-point .npy file a block of rows at a time, so that a
 * file larger than memory can be scanned: the header is checked once (the same
 * checks as a whole-file read, npy.ts openCheckedNpy), then each block of rows
 * is read with a positioned read and widened to Float64.
 */
import { readSync } from 'node:fs';
import { InputError } from '../errors.js';
import { numericDescr, openCheckedNpy, type NpyDType } from './npy.js';

export interface NpyRowReader {
  path: string;
  /** The array's shape as the header gives it. */
  shape: number[];
  dtype: NpyDType;
  /** Fortran (column-major) order: rows are not contiguous, so readRows refuses. */
  fortran: boolean;
  rows: number;
  cols: number;
  /** Reads rows [start, start + count) into out (row-major, at least count·cols long). */
  readRows(start: number, count: number, out: Float64Array): void;
  close(): Promise<void>;
}

/** Bytes read per positioned read: large enough to amortise the call, small next to a block of rows. */
const READ_BYTES = 1 << 24;

/** Opens a .npy file for row-block reads. Refuses (InputError) what npy.ts refuses: bad magic, a lying size, a FIFO. */
export async function openNpyRows(path: string): Promise<NpyRowReader> {
  const f = await openCheckedNpy(path);
  const kind = numericDescr(f.descr);
  if (!kind) {
    await f.fh.close();
    throw new InputError(path, `unsupported .npy dtype '${f.descr}' (expected a numeric dtype such as <f4, <f8, <i8)`);
  }
  const rows = f.shape[0] ?? 1;
  const cols = f.shape.length >= 2 ? f.shape.slice(1).reduce((a, b) => a * b, 1) : 1;
  const fd = f.fh.fd;
  const rowBytes = cols * kind.size;
  const buf = Buffer.alloc(Math.max(rowBytes, Math.min(READ_BYTES, rows * rowBytes)));
  const readRows = (start: number, count: number, out: Float64Array): void => {
    if (f.fortran && f.shape.length > 1) throw new Error(`npy-chunks: ${path} is in Fortran order; its rows cannot be read in blocks`);
    if (start < 0 || count < 0 || start + count > rows) throw new RangeError(`npy-chunks: rows ${start}..${start + count} outside 0..${rows}`);
    const rowsPerRead = Math.max(1, Math.floor(buf.length / rowBytes));
    for (let r = 0; r < count; r += rowsPerRead) {
      const take = Math.min(rowsPerRead, count - r);
      const bytes = take * rowBytes;
      const pos = f.dataStart + (start + r) * rowBytes;
      let got = 0;
      while (got < bytes) {
        const n = readSync(fd, buf, got, bytes - got, pos + got);
        if (n === 0) throw new InputError(path, 'the file changed while it was read');
        got += n;
      }
      widen(buf, bytes, kind.dtype, kind.bigEndian, out, r * cols);
    }
  };
  return { path, shape: f.shape, dtype: kind.dtype, fortran: f.fortran, rows, cols, readRows, close: () => f.fh.close() };
}

/** Copies `bytes` bytes of float32/float64 values from buf into out at offset, as Float64. */
function widen(buf: Buffer, bytes: number, dtype: NpyDType, bigEndian: boolean, out: Float64Array, offset: number): void {
  if (!bigEndian && (dtype === 'float32' || dtype === 'float64') && buf.byteOffset % 8 === 0) {
    // The usual case: little-endian and aligned, so a typed view reads the values directly.
    const src = dtype === 'float32' ? new Float32Array(buf.buffer, buf.byteOffset, bytes / 4) : new Float64Array(buf.buffer, buf.byteOffset, bytes / 8);
    out.set(src, offset);
    return;
  }
  const view = new DataView(buf.buffer, buf.byteOffset, bytes);
  if (dtype === 'float32') {
    const n = bytes / 4;
    for (let i = 0; i < n; i++) out[offset + i] = view.getFloat32(i * 4, !bigEndian);
  } else if (dtype === 'float64') {
    const n = bytes / 8;
    for (let i = 0; i < n; i++) out[offset + i] = view.getFloat64(i * 8, !bigEndian);
  } else {
    throw new Error(`npy-chunks: dtype ${dtype} is not a floating-point dtype`);
  }
}

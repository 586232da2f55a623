/**
 * Row-block reads of .npy files (src/core/io/npy-chunks.ts): the same values as
 * a whole-file read for every dtype and byte order the features use, and the
 * same refusals (lying header, Fortran order for block reads, NaN position).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy, encodeNpy, readNpy } from '../../../src/core/io/npy.js';
import { openNpyRows } from '../../../src/core/io/npy-chunks.js';
import { openFeatureRows, readMatrixFile } from '../../../src/core/etran/features-file.js';
import { rowSourceFromNpy } from '../../../src/core/etran/streaming.js';
import { gauss, rng, tmpDir, writeFortranNpy, writeNpyFile } from '../etran/score-fixtures.js';

const N = 53;
const D = 7;
let dir: string;
let values: Float64Array;

beforeAll(() => {
  dir = tmpDir('npy-chunks-');
  const g = gauss(rng(11));
  values = Float64Array.from({ length: N * D }, g);
  writeNpyFile(dir, 'f64.npy', { dtype: 'float64', shape: [N, D], data: values });
  writeNpyFile(dir, 'f32.npy', { dtype: 'float32', shape: [N, D], data: Float32Array.from(values) });
  // Big-endian float64: the little-endian file with '>f8' and every value's bytes reversed.
  const le = encodeNpy({ dtype: 'float64', shape: [N, D], data: values });
  const text = Buffer.from(le).toString('latin1').replace("'<f8'", "'>f8'");
  const be = Buffer.from(text, 'latin1');
  const start = be.length - N * D * 8;
  for (let k = 0; k < N * D; k++) be.subarray(start + k * 8, start + k * 8 + 8).reverse();
  writeFileSync(join(dir, 'be.npy'), be);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Reads all rows in blocks of `block` rows. */
async function readInBlocks(file: string, block: number): Promise<Float64Array> {
  const r = await openNpyRows(file);
  const out = new Float64Array(r.rows * r.cols);
  const buf = new Float64Array(block * r.cols);
  for (let s = 0; s < r.rows; s += block) {
    const c = Math.min(block, r.rows - s);
    r.readRows(s, c, buf);
    out.set(buf.subarray(0, c * r.cols), s * r.cols);
  }
  await r.close();
  return out;
}

describe('npy-chunks', () => {
  it('reads float64, float32 and big-endian files in blocks as a whole-file read does', async () => {
    for (const name of ['f64.npy', 'f32.npy', 'be.npy']) {
      const whole = Float64Array.from((await readNpy(join(dir, name))).data as Float64Array);
      for (const block of [1, 5, N, N + 3]) expect(await readInBlocks(join(dir, name), Math.min(block, N))).toEqual(whole);
    }
    expect(Array.from(decodeNpy(encodeNpy({ dtype: 'float64', shape: [N, D], data: values })).data as Float64Array)).toEqual(Array.from(values));
  });

  it('refuses a file whose length does not match its header, with the whole-file message', async () => {
    const bytes = encodeNpy({ dtype: 'float64', shape: [N, D], data: values });
    const path = join(dir, 'short.npy');
    writeFileSync(path, bytes.subarray(0, bytes.length - 8));
    const whole = await readMatrixFile(path, 'features').then(() => '', (e: Error) => e.message);
    const blocks = await openNpyRows(path).then(() => '', (e: Error) => e.message);
    expect(blocks).toContain('truncated .npy data');
    expect(blocks).toBe(whole);
  });

  it('openFeatureRows refuses Fortran order and non-float dtypes in the words a loaded file gets', async () => {
    const fortran = writeFortranNpy(dir, 'fortran.npy', N, D, values);
    await expect(openFeatureRows(fortran)).rejects.toThrow(/Fortran order/);
    const ints = writeNpyFile(dir, 'ints.npy', { dtype: 'int32', shape: [N, D], data: new Int32Array(N * D) });
    const whole = await readMatrixFile(ints, 'features').then(() => '', (e: Error) => e.message);
    await expect(openFeatureRows(ints)).rejects.toThrow(whole);
  });

  it('a streamed source names the first NaN by row and column as the whole-file check does', async () => {
    const bad = Float64Array.from(values);
    bad[40 * D + 3] = Number.NaN;
    const path = writeNpyFile(dir, 'nan.npy', { dtype: 'float64', shape: [N, D], data: bad });
    const whole = await readMatrixFile(path, 'features').then(() => '', (e: Error) => e.message);
    const reader = await openFeatureRows(path);
    const src = rowSourceFromNpy(reader, 'features', 8);
    expect(() => src.forEachChunk(() => {})).toThrow(whole);
    expect(whole).toContain('row 41, column 4');
    await reader.close();
  });
});

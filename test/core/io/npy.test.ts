import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from '../../../src/core/io/npy.js';
import { InputError } from '../../../src/core/errors.js';

/** Builds .npy bytes by hand the way numpy writes them (header dict, padding). */
function handMade(descr: string, fortran: boolean, shape: number[], payload: Uint8Array): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + payload.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(payload, 10 + header.length);
  return out;
}

describe('npy', () => {
  it('round-trips float32 and float64 with shape', () => {
    const a = { dtype: 'float32' as const, shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6.5]) };
    const back = decodeNpy(encodeNpy(a));
    expect(back.shape).toEqual([2, 3]);
    expect(Array.from(back.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6.5]);
    const b = { dtype: 'float64' as const, shape: [4], data: new Float64Array([0.1, -2, 1e300, 3]) };
    expect(Array.from(decodeNpy(encodeNpy(b)).data as Float64Array)).toEqual([0.1, -2, 1e300, 3]);
  });

  it('header is 64-byte aligned like numpy', () => {
    const bytes = encodeNpy({ dtype: 'int64', shape: [3], data: new BigInt64Array([1n, 2n, 3n]) });
    const headerLen = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLen) % 64).toBe(0);
  });

  it('reorders Fortran-order arrays into C order', () => {
    // numpy: np.asfortranarray([[1,2,3],[4,5,6]]) stores 1,4,2,5,3,6
    const payload = new Uint8Array(new Float64Array([1, 4, 2, 5, 3, 6]).buffer);
    const arr = decodeNpy(handMade('<f8', true, [2, 3], payload));
    expect(Array.from(arr.data as Float64Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads big-endian data', () => {
    const payload = new Uint8Array(8);
    new DataView(payload.buffer).setInt32(0, 7, false);
    new DataView(payload.buffer).setInt32(4, -3, false);
    expect(Array.from(decodeNpy(handMade('>i4', false, [2], payload)).data as Int32Array)).toEqual([7, -3]);
  });

  it('rejects garbage, truncation and unsupported dtypes with InputError', () => {
    expect(() => decodeNpy(new Uint8Array([1, 2, 3]), 'x.npy')).toThrow(InputError);
    const good = encodeNpy({ dtype: 'float32', shape: [10], data: new Float32Array(10) });
    expect(() => decodeNpy(good.subarray(0, good.length - 4), 'x.npy')).toThrow(/truncated/);
    expect(() => decodeNpy(handMade('<U4', false, [1], new Uint8Array(16)), 'x.npy')).toThrow(/dtype/);
  });
});

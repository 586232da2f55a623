/**
 * ONNX tensor helpers: element-type names, integer conversion from protobufjs
 * (which yields `Long` objects for int64 fields), and decoding of SMALL tensor
 * contents. Large tensors are never decoded: the loader needs only dims and
 * dtype, and `raw_data` of a 100 MB model stays a view into the file buffer.
 */
import { table } from './table.js';
/** protobufjs int64 values: a number, or a Long when the `long` package is present. */
export type Int64 = number | { toNumber(): number };

/** ONNX TensorProto.DataType → dtype name used across the code base. */
export const ONNX_DTYPES: Record<number, string> = table({
  0: 'undefined',
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
});

export const DTYPE_CODES: Record<string, number> = table(Object.fromEntries(
  Object.entries(ONNX_DTYPES).map(([k, v]) => [v, Number(k)]),
));

export function dtypeName(code: number | null | undefined): string {
  return ONNX_DTYPES[code ?? 0] ?? `dtype${code}`;
}

export const INTEGER_DTYPES = new Set(['uint8', 'int8', 'uint16', 'int16', 'int32', 'int64', 'uint32', 'uint64', 'bool', 'uint4', 'int4']);

/** Number from a protobufjs int64 field (number or Long). */
export function toNum(x: Int64 | null | undefined): number {
  if (x === null || x === undefined) return 0;
  if (typeof x === 'number') return x;
  return x.toNumber();
}

/** Largest tensor whose contents the loader decodes (ParamInfo.values / constValue). */
export const MAX_VALUES = 1024;

/** Decodes a float16 bit pattern. */
function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Shortest decimal that round-trips a float32 value (1e-5 rather than 9.99999974e-6). */
export function tidyFloat32(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  for (let p = 1; p <= 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

/** The subset of TensorProto fields the decoder reads. */
export interface TensorData {
  dataType?: number | null;
  rawData?: Uint8Array | null;
  floatData?: number[] | null;
  int32Data?: number[] | null;
  int64Data?: Int64[] | null;
  doubleData?: number[] | null;
  uint64Data?: Int64[] | null;
}

/**
 * The contents of a tensor with `numel` elements, or undefined when it is
 * larger than MAX_VALUES, stored externally, of an undecodable type, or its
 * data is absent/inconsistent (stripped fixtures keep dims but no data).
 */
export function tensorValues(t: TensorData, numel: number): number[] | undefined {
  if (numel > MAX_VALUES || !Number.isFinite(numel)) return undefined;
  const dt = dtypeName(t.dataType);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const size: Record<string, number> = table({
      float32: 4, float64: 8, int64: 8, uint64: 8, int32: 4, uint32: 4,
      int16: 2, uint16: 2, int8: 1, uint8: 1, bool: 1, float16: 2,
    });
    const bytes = size[dt];
    if (!bytes || raw.byteLength !== bytes * numel) return undefined;
    const out = new Array<number>(numel);
    for (let i = 0; i < numel; i++) {
      const o = i * bytes;
      switch (dt) {
        case 'float32': out[i] = tidyFloat32(view.getFloat32(o, true)); break;
        case 'float64': out[i] = view.getFloat64(o, true); break;
        case 'int64': out[i] = Number(view.getBigInt64(o, true)); break;
        case 'uint64': out[i] = Number(view.getBigUint64(o, true)); break;
        case 'int32': out[i] = view.getInt32(o, true); break;
        case 'uint32': out[i] = view.getUint32(o, true); break;
        case 'int16': out[i] = view.getInt16(o, true); break;
        case 'uint16': out[i] = view.getUint16(o, true); break;
        case 'int8': out[i] = view.getInt8(o); break;
        case 'uint8': case 'bool': out[i] = view.getUint8(o); break;
        case 'float16': out[i] = half(view.getUint16(o, true)); break;
      }
    }
    return out;
  }
  let vals: number[] | undefined;
  if (t.floatData?.length) vals = t.floatData.map(tidyFloat32);
  else if (t.doubleData?.length) vals = t.doubleData.slice();
  else if (t.int64Data?.length) vals = t.int64Data.map(toNum);
  else if (t.uint64Data?.length) vals = t.uint64Data.map(toNum);
  else if (t.int32Data?.length) {
    // int32_data also carries int8/uint8/int16/uint16/bool and float16 bit patterns
    vals = dt === 'float16' ? t.int32Data.map(half) : t.int32Data.slice();
  }
  return vals && vals.length === numel ? vals : numel === 0 ? [] : undefined;
}

/**
 * Fuzz (issue 15): .npy files with lying headers. Every case goes through the reader in-process
 * (an InputError naming the file, or an array whose size matches its shape), and a few through
 * `etran score` for the CLI's side of the contract (exit 2, one line naming the file).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { readNpy } from '../../src/core/io/npy.js';
import { expectContract, printTimings, runCapped } from './contract.js';
import { FUZZ_SEED, int, rngFor } from './mutate.js';

const tmp = mkdtempSync(join(tmpdir(), 'fuzz-npy-'));
afterAll(() => {
  printTimings('fuzz/npy');
  rmSync(tmp, { recursive: true, force: true });
});

/** A .npy file from a header written by hand (so it can lie) and raw data bytes. */
function npy(header: string, data: Uint8Array, lenField?: number): Uint8Array {
  let h = header;
  h += ' '.repeat((64 - ((10 + h.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, lenField ?? h.length, true);
  for (let i = 0; i < h.length; i++) out[10 + i] = h.charCodeAt(i);
  out.set(data, 10 + h.length);
  return out;
}
const N = 24;
const D = 8;
const head = (descr: string, shape: string, fortran = 'False') => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
const r = rngFor('npy');
const features = (nan = false) => {
  const x = Float32Array.from({ length: N * D }, () => r() * 2 - 1);
  if (nan) x[int(r, x.length)] = Number.NaN;
  return new Uint8Array(x.buffer);
};
const labels = () => new Uint8Array(BigInt64Array.from({ length: N }, (_, i) => BigInt(i % 3)).buffer);
/** Random bytes written over the header only (after the magic and the length field). */
const scrambledHeader = () => {
  const b = npy(head('<f4', `(${N}, ${D})`), features());
  const len = new DataView(b.buffer).getUint16(8, true);
  const at: number[] = [];
  for (let k = 0; k < 1 + int(r, 6); k++) {
    const p = 10 + int(r, len);
    b[p] = int(r, 256);
    at.push(p);
  }
  return { bytes: b, how: `header bytes ${at.join(',')} random` };
};

const CASES: Array<[string, Uint8Array]> = [
  ['shape (1000000000, 8) over 24 rows of data', npy(head('<f4', '(1000000000, 8)'), features())],
  ['shape (2**40, 2**40)', npy(head('<f4', '(1099511627776, 1099511627776)'), features())],
  ['shape (2**53, 0)', npy(head('<f4', '(9007199254740992, 0)'), new Uint8Array())],
  ['<f8 over float32 data', npy(head('<f8', `(${N}, ${D})`), features())],
  ['object dtype', npy(head('|O', `(${N}, ${D})`), features())],
  ['shape (-1, 8)', npy(head('<f4', '(-1, 8)'), features())],
  ['shape (2.5, 8)', npy(head('<f4', '(2.5, 8)'), features())],
  ['no columns', npy(head('<f4', `(${N}, 0)`), new Uint8Array())],
  ['header length field 65535', npy(head('<f4', `(${N}, ${D})`), features(), 65535)],
  ['header length field 0', npy(head('<f4', `(${N}, ${D})`), features(), 0)],
  ['header not a dict', npy('[1, 2, 3]', features())],
  ['fortran order over a vector', npy(head('<f4', `(${N * D},)`, 'True'), features())],
  ['magic only', new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])],
  ...Array.from({ length: 6 }, () => ((m) => [m.how, m.bytes] as [string, Uint8Array])(scrambledHeader())),
];

describe(`fuzz: .npy with lying headers (seed ${FUZZ_SEED})`, () => {
  it(`the reader: InputError naming the file, or an array as large as its shape says (${CASES.length} cases)`, async () => {
    for (const [how, bytes] of CASES) {
      const f = join(tmp, 'case.npy');
      writeFileSync(f, bytes);
      try {
        const a = await readNpy(f);
        expect(a.data.length, how).toBe(a.shape.reduce((x, y) => x * y, 1));
        expect(a.data.length * a.data.BYTES_PER_ELEMENT, how).toBeLessThanOrEqual(bytes.length);
      } catch (err) {
        expect(err, `${how}: ${String(err)}`).toBeInstanceOf(InputError);
        expect((err as InputError).file, how).toBe(f);
      }
    }
  });

  it('etran score: exit 2 with one line naming the lying file (features, then labels)', () => {
    const goodX = join(tmp, 'good.npy');
    const y = join(tmp, 'labels.npy');
    writeFileSync(goodX, npy(head('<f4', `(${N}, ${D})`), features()));
    writeFileSync(y, npy(head('<i8', `(${N},)`), labels()));
    const runs: Array<[string, string, Uint8Array, string[]]> = [
      ['features shape (1000000000, 8)', 'bad.npy', CASES[0]![1], []],
      ['a NaN in the features', 'bad.npy', npy(head('<f4', `(${N}, ${D})`), features(true)), []],
      ['labels shape (100,) over 24 values', 'bad-labels.npy', npy(head('<i8', '(100,)'), labels()), []],
      ['labels <f4 fractional', 'bad-labels.npy', npy(head('<f4', `(${N},)`), new Uint8Array(Float32Array.from({ length: N }, (_, i) => i / 7).buffer)), []],
    ];
    for (const [how, name, bytes] of runs) {
      const f = join(tmp, name);
      writeFileSync(f, bytes);
      const args = name === 'bad.npy' ? [`good=${goodX}`, `bad=${f}`, '--labels', y] : [`good=${goodX}`, '--labels', f];
      const res = runCapped('etran', ['score', ...args, '--metrics', 'energy,lda', '--json'], `score, ${how}`);
      expectContract(res, [2]);
      expect(res.stderr, res.label).toContain(name);
    }
  });
});

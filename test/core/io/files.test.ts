import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/core/errors.js';
import { replaceDirectory } from '../../../src/core/io/atomic.js';
import { MAX_JSON_DEPTH, parseJsonInput, readInputFile, readJsonInput } from '../../../src/core/io/files.js';
import { encodeNpy, readNpy, readNpyBytes } from '../../../src/core/io/npy.js';

/** The same .npy bytes with another shape in the header (padding adjusted, so the header keeps its length). */
function withShape(bytes: Uint8Array, shape: string): Buffer {
  const b = Buffer.from(bytes);
  const len = b.readUInt16LE(8);
  const header = b.subarray(10, 10 + len).toString('latin1');
  const changed = header.replace(/\(3, 2\)/, shape);
  const padded = changed.trimEnd().padEnd(len - 1, ' ') + '\n';
  b.write(padded, 10, 'latin1');
  return b;
}

const tmp = () => mkdtempSync(join(tmpdir(), 'etran-io-'));

function fifo(dir: string, name: string): string {
  const p = join(dir, name);
  execFileSync('mkfifo', [p]);
  return p;
}

describe('inputs are checked for what they are before they are read', () => {
  it('a FIFO, /dev/zero (also behind a .npy link) and a symlink loop are refused with one line, without reading', async () => {
    const dir = tmp();
    const f = fifo(dir, 'labels.npy');
    const zero = join(dir, 'zero.npy');
    symlinkSync('/dev/zero', zero);
    const loop = join(dir, 'loop.npy');
    symlinkSync(loop, loop);
    // Nothing writes to the FIFO: a read would block forever, so these resolving at all is the check.
    for (const p of [f, zero]) {
      await expect(readInputFile(p)).rejects.toThrow(/is not a regular file/);
      await expect(readNpyBytes(p)).rejects.toThrow(/is not a regular file/);
    }
    await expect(readNpy(loop)).rejects.toThrow(InputError);
    await expect(readInputFile(dir)).rejects.toThrow(/is a directory/);
  });

  it("a .npy file must be exactly as long as its header's shape × dtype says", async () => {
    const dir = tmp();
    const good = encodeNpy({ dtype: 'float32', shape: [3, 2], data: new Float32Array(6) });
    writeFileSync(join(dir, 'good.npy'), good);
    expect((await readNpy(join(dir, 'good.npy'))).shape).toEqual([3, 2]);
    writeFileSync(join(dir, 'short.npy'), good.subarray(0, good.length - 4));
    await expect(readNpyBytes(join(dir, 'short.npy'))).rejects.toThrow(/truncated \.npy data/);
    writeFileSync(join(dir, 'long.npy'), Buffer.concat([good, Buffer.alloc(4)]));
    await expect(readNpyBytes(join(dir, 'long.npy'))).rejects.toThrow(/longer than its header says/);
    // A header that claims 10⁶ × 10⁶ floats is refused after reading only the header.
    writeFileSync(join(dir, 'liar.npy'), withShape(good, '(1000000, 1000000)'));
    await expect(readNpyBytes(join(dir, 'liar.npy'))).rejects.toThrow(/truncated \.npy data/);
    writeFileSync(join(dir, 'empty.npy'), '');
    await expect(readNpyBytes(join(dir, 'empty.npy'))).rejects.toThrow(/empty file/);
  });

  it('JSON: a nesting bomb is one line naming the file, not a stack overflow; size is bounded', async () => {
    const dir = tmp();
    const bomb = join(dir, 'labels.json');
    writeFileSync(bomb, '['.repeat(100_000) + ']'.repeat(100_000));
    await expect(readJsonInput(bomb)).rejects.toThrow(new RegExp(`labels\\.json: JSON nested more than ${MAX_JSON_DEPTH} levels`));
    expect(() => parseJsonInput('{"a": [1, 2]}', 'x.json')).not.toThrow();
    expect(() => parseJsonInput('{"a": ', 'x.json')).toThrow(/x\.json: not valid JSON/);
    expect(() => parseJsonInput('  ', 'x.json')).toThrow(/x\.json: empty file/);
    writeFileSync(join(dir, 'big.json'), '[' + '1,'.repeat(100) + '1]');
    await expect(readJsonInput(join(dir, 'big.json'), 64)).rejects.toThrow(/more than the 64 this input may have/);
  });
});

describe('replaceDirectory: a directory written as one unit', () => {
  it('replaces the old contents whole; a failed fill leaves the old directory as it was and no temporary behind', async () => {
    const parent = tmp();
    const out = join(parent, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'stale.npy'), 'old');
    await expect(
      replaceDirectory(out, async (d) => {
        writeFileSync(join(d, 'half.npy'), 'new');
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    expect(readdirSync(out)).toEqual(['stale.npy']);
    expect(readdirSync(parent)).toEqual(['out']);
    await replaceDirectory(out, async (d) => writeFileSync(join(d, 'fresh.npy'), 'new'));
    expect(readdirSync(out)).toEqual(['fresh.npy']);
    expect(readFileSync(join(out, 'fresh.npy'), 'utf8')).toBe('new');
    expect(readdirSync(parent)).toEqual(['out']);
    const absent = join(parent, 'new', 'deeper');
    await replaceDirectory(absent, async (d) => writeFileSync(join(d, 'a'), '1'));
    expect(existsSync(join(absent, 'a'))).toBe(true);
  });
});

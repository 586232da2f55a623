import { mkdtempSync, readFileSync, writeFileSync, rmSync, utimesSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/core/errors.js';
import {
  checkIndexVersion,
  decodeEmbedding,
  encodeEmbedding,
  entryChecksum,
  listModelFiles,
  readIndex,
  updateIndex,
  writeIndex,
  type EmbedFile,
} from '../../../../src/core/archbert/index/index-file.js';
import type { ArchSummary } from '../../../../src/core/archbert/facts/arch-summary.js';

const tmp = mkdtempSync(join(tmpdir(), 'archbert-index-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fake embedder: a corrupt file (content "BAD") fails like the loader does; counts its calls. */
function fakeEmbed(calls: string[]): EmbedFile {
  return async (abs, rel) => {
    calls.push(rel);
    const { readFileSync } = await import('node:fs');
    if (readFileSync(abs, 'utf8').startsWith('BAD')) throw new InputError(abs, 'not a valid ONNX model (truncated protobuf)');
    return { name: rel.replace(/\.onnx$/, ''), embedding: Float32Array.from([rel.length, 1, -0.5]), summary: { name: rel, params: 1 } as unknown as ArchSummary };
  };
}

describe('index file', () => {
  it('embedding base64 round trip is exact', () => {
    const v = Float32Array.from([0.1, -2.5e-8, 3.4e38, 0]);
    expect(decodeEmbedding(encodeEmbedding(v))).toEqual(v);
  });

  it('walks recursively, skips hidden files and the index itself', async () => {
    const root = join(tmp, 'walk');
    mkdirSync(join(root, 'sub', 'deeper'), { recursive: true });
    mkdirSync(join(root, '.hidden'), { recursive: true });
    for (const f of ['a.onnx', 'sub/b.json', 'sub/deeper/c.ONNX', 'notes.txt', '.archbert-index.json', '.hidden/d.onnx']) writeFileSync(join(root, f), 'x');
    expect(await listModelFiles(root)).toEqual(['a.onnx', 'sub/b.json', 'sub/deeper/c.ONNX']);
  });

  it('builds, then updates incrementally; corrupt files are skipped, listed and not retried', async () => {
    const root = join(tmp, 'zoo');
    mkdirSync(join(root, 'nested'), { recursive: true });
    writeFileSync(join(root, 'one.onnx'), 'model one');
    writeFileSync(join(root, 'nested', 'two.onnx'), 'model two');
    writeFileSync(join(root, 'broken.onnx'), 'BAD bytes');
    const path = join(root, '.archbert-index.json');
    const calls: string[] = [];
    const first = await updateIndex(root, path, null, 'v1', fakeEmbed(calls));
    expect(first.added.sort()).toEqual(['nested/two.onnx', 'one.onnx']);
    expect(first.skipped.map((s) => [s.file, s.reason])).toEqual([['broken.onnx', 'not a valid ONNX model (truncated protobuf)']]);
    await writeIndex(path, first.index);

    // nothing changed: no file is embedded again, the corrupt one is still listed
    calls.length = 0;
    const again = await updateIndex(root, path, await readIndex(path), 'v1', fakeEmbed(calls));
    expect(calls).toEqual([]);
    expect(again.reused).toBe(2);
    expect(again.skipped.map((s) => s.file)).toEqual(['broken.onnx']);

    // touched but same content → reused by hash; changed content → re-embedded; deleted → removed
    utimesSync(join(root, 'one.onnx'), new Date(), new Date(Date.now() + 5000));
    writeFileSync(join(root, 'nested', 'two.onnx'), 'model two, retrained');
    rmSync(join(root, 'broken.onnx'));
    writeFileSync(join(root, 'three.onnx'), 'model three');
    calls.length = 0;
    const third = await updateIndex(root, path, again.index, 'v1', fakeEmbed(calls));
    expect(calls.sort()).toEqual(['nested/two.onnx', 'three.onnx']);
    expect(third.updated).toEqual(['nested/two.onnx']);
    expect(third.added).toEqual(['three.onnx']);
    expect(third.skipped).toEqual([]);
    expect(third.index.entries.map((e) => e.file)).toEqual(['nested/two.onnx', 'one.onnx', 'three.onnx']);

    // another model version: everything is embedded again
    calls.length = 0;
    const other = await updateIndex(root, path, third.index, 'v2', fakeEmbed(calls));
    expect(other.reembedded).toBe(true);
    expect(calls.length).toBe(3);
    expect(other.index.model_version).toBe('v2');
  });

  it('an index from another model version is refused with a clear message', async () => {
    const path = join(tmp, 'old.json');
    await writeIndex(path, { format: 'archbert-index', version: 1, model_version: 'aaaa', root: 'zoo', entries: [], skipped: [] });
    const idx = await readIndex(path);
    expect(() => checkIndexVersion(idx, path, 'bbbb')).toThrow(/built by ArchBERT model version aaaa.*loaded models are version bbbb.*archbert index/);
  });

  it('garbage is not an index', async () => {
    const p = join(tmp, 'garbage.json');
    writeFileSync(p, '{"hello": 1}');
    await expect(readIndex(p)).rejects.toThrow(/not an archbert index/);
    writeFileSync(p, 'not json');
    await expect(readIndex(p)).rejects.toBeInstanceOf(InputError);
  });

  it('damaged entries are dropped on read, described, and recomputed by the next update (issue 15)', async () => {
    const root = join(tmp, 'damaged');
    mkdirSync(root, { recursive: true });
    const files = ['a.onnx', 'b.onnx', 'c.onnx', 'd.onnx', 'e.onnx', 'f.onnx', 'g.onnx'];
    for (const f of files) writeFileSync(join(root, f), `model ${f}`);
    const path = join(root, '.archbert-index.json');
    const first = await updateIndex(root, path, null, 'v1', fakeEmbed([]));
    await writeIndex(path, first.index);
    const written = JSON.parse(readFileSync(path, 'utf8'));
    // every entry carries the checksum of its other fields
    for (const e of written.entries) expect(e.checksum).toBe(entryChecksum(e));

    const [a, b, c, d, e, f, g] = written.entries;
    a.embedding = a.embedding.slice(0, -7); // cut short: not whole float32 values
    b.embedding = 5; // not text
    c.summary = null;
    d.summary.params = 7; // edited: checksum mismatch
    delete e.checksum; // an older index without checksums is still read
    f.embedding = encodeEmbedding(Float32Array.from([1, 2])); // another length than the others (3)
    f.checksum = entryChecksum(f);
    g.embedding = encodeEmbedding(Float32Array.from([1, Number.NaN, 0]));
    g.checksum = entryChecksum(g);
    written.entries.push(3, null, 'x', { ...e }); // entries that are not entries, and e listed twice
    writeFileSync(path, JSON.stringify(written));

    const idx = await readIndex(path);
    expect(idx.entries.map((x) => x.file)).toEqual(['e.onnx']);
    expect(idx.damaged).toEqual([
      'a.onnx: embedding of 6 bytes is not whole float32 values',
      'b.onnx: embedding is not base64 text',
      'c.onnx: summary missing',
      'd.onnx: checksum does not match (edited or corrupted)',
      'f.onnx: embedding has 2 values, the others 3',
      'g.onnx: embedding holds NaN or infinite values',
      'entry 8: not an entry (number)',
      'entry 9: not an entry (null)',
      'entry 10: not an entry (string)',
      'e.onnx: listed twice',
    ]);

    // the damaged files are embedded again; the sound entry is reused
    const calls: string[] = [];
    const next = await updateIndex(root, path, idx, 'v1', fakeEmbed(calls));
    expect(calls.sort()).toEqual(['a.onnx', 'b.onnx', 'c.onnx', 'd.onnx', 'f.onnx', 'g.onnx']);
    expect(next.index.entries.map((x) => x.file)).toEqual(files);
    expect(next.index.entries.every((x) => decodeEmbedding(x.embedding).length === 3)).toBe(true);
  });

  it('a file that trips an internal error is listed as failed, not fatal, and tried again next time', async () => {
    const root = join(tmp, 'internal');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'good.onnx'), 'model good');
    writeFileSync(join(root, 'bug.onnx'), 'model bug');
    const path = join(root, '.archbert-index.json');
    const calls: string[] = [];
    const buggy: EmbedFile = async (abs, rel) => {
      if (rel === 'bug.onnx') {
        calls.push(rel);
        throw new TypeError(`${abs}: op.endsWith is not a function\n    at geometry`);
      }
      return fakeEmbed(calls)(abs, rel);
    };
    const r = await updateIndex(root, path, null, 'v1', buggy);
    expect(r.index.entries.map((e) => e.file)).toEqual(['good.onnx']);
    expect(r.failed).toEqual([{ file: 'bug.onnx', reason: 'internal error: op.endsWith is not a function' }]);
    expect(r.index.skipped).toEqual([]);
    await writeIndex(path, r.index);
    calls.length = 0;
    await updateIndex(root, path, await readIndex(path), 'v1', buggy);
    expect(calls).toEqual(['bug.onnx']);
  });

  it('decodeEmbedding refuses bytes that are not whole float32 values', () => {
    expect(() => decodeEmbedding(Buffer.from([1, 2, 3]).toString('base64'))).toThrow(InputError);
  });
});

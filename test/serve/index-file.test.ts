import { mkdtempSync, writeFileSync, rmSync, utimesSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import {
  checkIndexVersion,
  decodeEmbedding,
  encodeEmbedding,
  listModelFiles,
  readIndex,
  updateIndex,
  writeIndex,
  type EmbedFile,
} from '../../src/core/archbert/index-file.js';
import type { ArchSummary } from '../../src/core/archbert/arch-summary.js';

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
});

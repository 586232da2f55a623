import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelSet, MODEL_FILES, modelVersion, sha256Hex } from '../../../../src/core/archbert/model/model-set.js';
import { OP_VOCAB, binsFile } from '../../../../src/core/archbert/model/featurize.js';
import { SPECIAL, SPECIAL_TOKENS } from '../../../../src/core/archbert/model/tokenizer.js';

const tmp = mkdtempSync(join(tmpdir(), 'archbert-set-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A set whose files hash correctly (model bytes are placeholders: sessions are only created on first use). */
function makeSet(dir: string): void {
  const files: Record<string, string> = {
    'vocab.json': JSON.stringify({ tokens: [...SPECIAL_TOKENS, 'a', 'b'], special: SPECIAL }),
    'answers.json': JSON.stringify({ answers: ['yes', 'no'] }),
    'ops.json': JSON.stringify({ ops: OP_VOCAB, pad: 0, mask: 1 }),
    'bins.json': JSON.stringify(binsFile()),
  };
  for (const m of MODEL_FILES) files[`${m}.onnx`] = `placeholder ${m}`;
  const manifest: { files: Record<string, { bytes: number; sha256: string }> } = { files: {} };
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    manifest.files[name] = { bytes: text.length, sha256: sha256Hex(text) };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
}

describe('model set loading', () => {
  it('loads a consistent set; the version hashes the file hashes', () => {
    const dir = mkdtempSync(join(tmp, 'ok-'));
    makeSet(dir);
    const set = ModelSet.load({ dir });
    expect(set.answers).toEqual(['yes', 'no']);
    expect(set.tokenizer.size).toBe(SPECIAL_TOKENS.length + 2);
    expect(set.version).toBe(modelVersion(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))));
    expect(set.version).toMatch(/^[0-9a-f]{16}$/);
  });

  it('a file from another run is a clear error naming it', () => {
    const dir = mkdtempSync(join(tmp, 'mix-'));
    makeSet(dir);
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify({ tokens: [...SPECIAL_TOKENS, 'other'], special: SPECIAL }));
    expect(() => ModelSet.load({ dir })).toThrow(new RegExp(`${join(dir, 'vocab.json')}: does not belong to this model set`));
    const dir2 = mkdtempSync(join(tmp, 'mix2-'));
    makeSet(dir2);
    writeFileSync(join(dir2, 'qa_head.onnx'), 'retrained');
    expect(() => ModelSet.load({ dir: dir2 })).toThrow(/qa_head\.onnx: does not belong to this model set/);
  });

  it.skipIf(process.platform === 'win32')('a FIFO in place of a file of the set is refused before any read, never waited on', () => {
    const dir = mkdtempSync(join(tmp, 'fifo-'));
    makeSet(dir);
    rmSync(join(dir, 'arch_encoder.onnx'));
    execFileSync('mkfifo', [join(dir, 'arch_encoder.onnx')]);
    expect(() => ModelSet.load({ dir })).toThrow(/arch_encoder\.onnx: is not a regular file/);
    const dir2 = mkdtempSync(join(tmp, 'fifo-manifest-'));
    makeSet(dir2);
    rmSync(join(dir2, 'manifest.json'));
    execFileSync('mkfifo', [join(dir2, 'manifest.json')]);
    expect(() => ModelSet.load({ dir: dir2 })).toThrow(/manifest\.json: is not a regular file/);
  });

  it('missing set or file, or an op list from another featurizer, are clear errors', () => {
    expect(() => ModelSet.load({ dir: join(tmp, 'nowhere') })).toThrow(/manifest\.json: no trained ArchBERT model set here/);
    const dir = mkdtempSync(join(tmp, 'miss-'));
    makeSet(dir);
    rmSync(join(dir, 'caption_decoder.onnx'));
    expect(() => ModelSet.load({ dir })).toThrow(/caption_decoder\.onnx: missing from the model set/);
    const dir3 = mkdtempSync(join(tmp, 'ops-'));
    makeSet(dir3);
    const ops = JSON.stringify({ ops: [...OP_VOCAB, 'new_op'] });
    writeFileSync(join(dir3, 'ops.json'), ops);
    const m = JSON.parse(readFileSync(join(dir3, 'manifest.json'), 'utf8'));
    m.files['ops.json'].sha256 = sha256Hex(ops);
    writeFileSync(join(dir3, 'manifest.json'), JSON.stringify(m));
    expect(() => ModelSet.load({ dir: dir3 })).toThrow(/ops\.json: op vocabulary differs/);
  });
});

/**
 * Bad input: every case is an InputError (exit 2) whose message is one line
 * naming the file and the problem.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { loadGraph } from '../../../src/core/graph/load.js';

const G = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'graphs');
const B = join(G, 'bad');

async function rejection(path: string): Promise<InputError> {
  try {
    await loadGraph(path);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const err = e as InputError;
    expect(err.file).toBe(path);
    expect(err.message.startsWith(`${path}: `)).toBe(true);
    expect(err.message).not.toContain('\n');
    return err;
  }
  throw new Error(`${path} loaded, but should have been rejected`);
}

describe('bad input is an InputError naming the file and the problem', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'archbert-load-'));
  const cases: Array<[string, string, RegExp]> = [
    ['missing file', join(G, 'no-such-model.onnx'), /no such file/],
    ['directory', G, /is a directory/],
    ['empty file', join(B, 'empty.onnx'), /empty file/],
    ['random bytes', join(B, 'random.bin'), /not a valid ONNX model|not an ONNX model/],
    ['truncated protobuf', join(B, 'truncated.onnx'), /truncated or corrupt/],
    ['text named .onnx', join(B, 'text.onnx'), /ONNX/],
    ['JSON that is not a model', join(B, 'not-a-model.json'), /JSON, but not a model: expected an ONNX model, Keras/],
    ['broken JSON', join(B, 'broken.json'), /invalid JSON/],
    ['ONNX graph with a cycle', join(B, 'cyclic.onnx'), /cycle/],
    ['ONNX node reading an undefined tensor', join(B, 'dangling.onnx'), /reads 'nowhere', which no node, graph input or initializer defines/],
    ['Keras layer reading a missing layer', join(B, 'keras_dangling.json'), /layer 'd' reads 'nowhere'/],
    ['Keras layer with impossible config', join(B, 'keras_bad_units.json'), /layer 'd' \(Dense\): 'units' must be a positive integer/],
    ['native graph with a negative dim', join(B, 'native_bad_shape.json'), /nodes\[0\]\.params\[0\]\.shape\[1\]: expected a non-negative integer/],
    ['TF.js graph reading an undefined node', join(B, 'tfjs_graph_dangling.json'), /node 'y' \(Relu\) reads 'x'/],
  ];
  for (const [what, path, re] of cases) {
    it(what, async () => {
      expect((await rejection(path)).message).toMatch(re);
    });
  }

  it('recognised but unsupported containers get a specific hint', async () => {
    const zip = join(tmp, 'model.keras');
    writeFileSync(zip, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    expect((await rejection(zip)).message).toMatch(/zip archive/);
    const h5 = join(tmp, 'model.h5');
    writeFileSync(h5, Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect((await rejection(h5)).message).toMatch(/HDF5/);
  });

  it('JSON flavours are detected by content whatever the extension', async () => {
    const p = join(tmp, 'model.onnx');
    writeFileSync(p, JSON.stringify({ format: 'archbert-graph', version: 1, nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }], inputs: [{ name: 'x', shape: [4] }] }));
    const g = await loadGraph(p);
    expect(g.format).toBe('native');
    const wrongVersion = join(tmp, 'v2.json');
    writeFileSync(wrongVersion, JSON.stringify({ format: 'archbert-graph', version: 2, nodes: [] }));
    expect((await rejection(wrongVersion)).message).toMatch(/unsupported version 2/);
  });
});

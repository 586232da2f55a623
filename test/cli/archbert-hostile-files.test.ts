/**
 * Issue 15, cases 3–4: model files that lie in ways the format forbids are bad
 * input (InputError naming the file and the problem, one line), never a raw
 * system error or a silently different graph:
 * - a tensor assigned twice (ONNX SSA: two writers, or a node writing a graph
 *   input or an initializer), two Keras layers or two TF graph nodes with one name;
 * - a TF.js weight file that is a directory or a FIFO (EISDIR, or a read that never returns).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { loadGraph, parseGraph } from '../../src/core/graph/load.js';
import { encodeModel, type NodeSpec } from '../../src/core/graph/onnx-builder.js';

const ROOT = join(import.meta.dirname, '..', '..', 'fixtures', 'graphs');
const tmp = mkdtempSync(join(tmpdir(), 'archbert-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function rejects(load: () => unknown, pattern: RegExp): void {
  let err: unknown;
  try {
    load();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  const message = (err as Error).message;
  expect(message).toMatch(pattern);
  expect(message).not.toContain('\n');
}

const enc = (s: string) => new TextEncoder().encode(s);
const fixture = (name: string) => JSON.parse(readFileSync(join(ROOT, name), 'utf8'));

describe('each name assigned once', () => {
  const onnxWith = (nodes: NodeSpec[], init = true) =>
    encodeModel({
      graph: {
        nodes,
        inputs: [{ name: 'x', shape: [1, 4] }],
        outputs: [{ name: 'y', shape: [1, 4] }],
        initializers: init ? [{ name: 'w', dims: [4, 4] }] : [],
      },
    });

  it('ONNX: a clean graph loads', () => {
    const g = parseGraph(onnxWith([{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['h'], name: 'mm' }, { op: 'Relu', inputs: ['h'], outputs: ['y'], name: 'relu' }]), 'ok.onnx');
    expect(g.nodes).toHaveLength(2);
  });

  it('ONNX: two nodes writing one tensor', () => {
    const bytes = onnxWith([
      { op: 'MatMul', inputs: ['x', 'w'], outputs: ['h'], name: 'mm' },
      { op: 'Relu', inputs: ['x'], outputs: ['h'], name: 'relu1' },
      { op: 'Relu', inputs: ['h'], outputs: ['y'], name: 'relu2' },
    ]);
    rejects(() => parseGraph(bytes, 'dup.onnx'), /^dup\.onnx: tensor 'h' is written by two nodes, 'mm' and 'relu1'/);
  });

  it('ONNX: a node writing a graph input or an initializer', () => {
    rejects(() => parseGraph(onnxWith([{ op: 'Relu', inputs: ['x'], outputs: ['x'], name: 'r' }, { op: 'Relu', inputs: ['x'], outputs: ['y'], name: 'r2' }]), 'in.onnx'), /in\.onnx: node 'r' writes 'x', which is a graph input/);
    rejects(() => parseGraph(onnxWith([{ op: 'Relu', inputs: ['x'], outputs: ['w'], name: 'r' }, { op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'], name: 'mm' }]), 'init.onnx'), /init\.onnx: node 'r' writes 'w', which is an initializer/);
  });

  it('native graph JSON: two nodes writing one tensor', () => {
    const doc = fixture('native_residual.json');
    const [a, b] = doc.nodes.filter((n: { outputs: string[] }) => n.outputs.length === 1);
    b.outputs = [...a.outputs];
    rejects(() => parseGraph(enc(JSON.stringify(doc)), 'n.json'), new RegExp(`^n\\.json: tensor '${a.outputs[0]}' is written by two nodes`));
  });

  it('Keras Sequential and Functional: two layers with one name', () => {
    const seq = fixture('keras3_sequential.json');
    seq.config.layers.find((l: { config: { name: string } }) => l.config.name === 'conv2d_1').config.name = 'conv2d';
    rejects(() => parseGraph(enc(JSON.stringify(seq)), 'seq.json'), /^seq\.json: model 'mnist_convnet': two layers are named 'conv2d'/);

    const fn = fixture('keras3_functional.json');
    const pw = fn.config.layers.find((l: { name: string }) => l.name === 'pw');
    pw.name = 'dw';
    pw.config.name = 'dw';
    rejects(() => parseGraph(enc(JSON.stringify(fn)), 'fn.json'), /^fn\.json: .*two layers are named 'dw'/);
  });

  it('TF.js graph model: two nodes with one name', () => {
    const doc = fixture('tfjs_graph_block.json');
    const nodes = doc.modelTopology.node as Array<{ name: string; op: string }>;
    const relu = nodes.findIndex((n) => n.op !== 'Const' && n.op !== 'Placeholder');
    nodes[relu + 1]!.name = nodes[relu]!.name;
    rejects(() => parseGraph(enc(JSON.stringify(doc)), 'g.json'), new RegExp(`^g\\.json: modelTopology\\.node: two nodes are named '${nodes[relu]!.name}'`));
  });
});

describe('TF.js weight files that are not regular files', () => {
  const graphJson = readFileSync(join(ROOT, 'tfjs_graph_block.json'));
  const setup = (name: string) => {
    const dir = join(tmp, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.json'), graphJson);
    return dir;
  };

  it('a directory where the weight file should be: InputError naming the model file, not EISDIR', async () => {
    const dir = setup('isdir');
    mkdirSync(join(dir, 'tfjs_graph_block.weights.bin'));
    await expect(loadGraph(join(dir, 'model.json'))).rejects.toThrow(new RegExp(`^${join(dir, 'model.json')}: weight file tfjs_graph_block.weights.bin is not a regular file$`));
    await expect(loadGraph(join(dir, 'model.json'))).rejects.toBeInstanceOf(InputError);
  });

  it.skipIf(process.platform === 'win32')('a FIFO where the weight file should be: InputError, no blocking read', async () => {
    const dir = setup('fifo');
    execFileSync('mkfifo', [join(dir, 'tfjs_graph_block.weights.bin')]);
    await expect(loadGraph(join(dir, 'model.json'))).rejects.toThrow(/weight file tfjs_graph_block\.weights\.bin is not a regular file/);
  });

  it('a missing weight file is still fine (a stripped model)', async () => {
    const dir = setup('missing');
    const g = await loadGraph(join(dir, 'model.json'));
    expect(g.nodes.length).toBeGreaterThan(0);
  });
});

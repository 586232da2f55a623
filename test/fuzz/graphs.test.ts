/**
 * Fuzz (issue 15): mutated model files of every format through archbert's commands, and a
 * mutated `.archbert-index.json` through `find`. ONNX truncated and bit-flipped, Keras / TF.js
 * and native JSON with values replaced or deleted, and names equal to Object.prototype members
 * (op types, layer classes, tensor names). Seeded (FUZZ_SEED); fixtures copied into a temp dir.
 *
 * The batch goes through `archbert index DIR` (one spawn for all files: each either indexed or
 * listed as skipped), then `find` over the folder, then `describe` on the hostile-name files.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { expectContract, jsonOf, printTimings, runCapped } from './contract.js';
import { FUZZ_SEED, int, mutateBytes, mutateJson, rngFor } from './mutate.js';

const haveModels = existsSync(join(process.env.ARCHBERT_MODELS ?? join(repoRoot, 'models/archbert'), 'manifest.json'));
const tmp = mkdtempSync(join(tmpdir(), 'fuzz-graphs-'));
afterAll(() => {
  printTimings('fuzz/graphs');
  rmSync(tmp, { recursive: true, force: true });
});

const fx = (f: string) => join(repoRoot, 'fixtures', f);
const PROTO = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
const ONNX = ['graphs/tiny_resnet.onnx', 'graphs/se_block.onnx', 'graphs/dw_separable.onnx', 'rank/zoo-cls/gemm_a.onnx'];
const JSONS = ['graphs/tfjs_cnn.json', 'graphs/keras3_functional.json', 'graphs/keras_legacy_list.json', 'graphs/tfjs_functional.json', 'graphs/native_residual.json'];

/** Replaces the values of `key` (strings only) in the whole document, cycling through `names`, where `keep` allows. */
function renameAll(doc: unknown, key: string, names: string[], keep: (v: string) => boolean = () => true): unknown {
  let i = 0;
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (!x || typeof x !== 'object') return x;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = k === key && typeof v === 'string' && keep(v) ? names[i++ % names.length] : walk(v);
    return out;
  };
  return walk(doc);
}

/** The same tensor names replaced everywhere they occur (so the graph stays connected). */
function renameTensors(doc: { nodes: Array<{ inputs: string[]; outputs: string[] }> }): unknown {
  const map = new Map<string, string>();
  for (const n of doc.nodes) for (const t of n.outputs) if (map.size < PROTO.length && !map.has(t)) map.set(t, PROTO[map.size]!);
  const sub = (t: string) => map.get(t) ?? t;
  return { ...doc, nodes: doc.nodes.map((n) => ({ ...n, inputs: n.inputs.map(sub), outputs: n.outputs.map(sub) })) };
}

const dir = join(tmp, 'models');
mkdirSync(dir, { recursive: true });
const cases: string[] = [];
const write = (name: string, data: Uint8Array | string, how: string) => {
  writeFileSync(join(dir, name), data);
  cases.push(`${name}: ${how}`);
};
{
  const r = rngFor('graphs');
  ONNX.forEach((f, i) => {
    const src = readFileSync(fx(f));
    for (const kind of [0, 1, 2]) {
      const m = mutateBytes(src, r, kind);
      write(`onnx${i}_${kind}.onnx`, m.value, `${f} ${m.how}`);
    }
  });
  JSONS.forEach((f, i) => {
    const doc = JSON.parse(readFileSync(fx(f), 'utf8'));
    for (let k = 0; k < 3; k++) {
      const m = mutateJson(doc, r);
      write(`json${i}_${k}.json`, m.value, `${f} ${m.how}`);
    }
  });
  const native = JSON.parse(readFileSync(fx('graphs/native_residual.json'), 'utf8'));
  write('proto_ops.json', JSON.stringify(renameAll(native, 'op', PROTO)), 'native: every op type an Object.prototype member');
  write('proto_tensors.json', JSON.stringify(renameTensors(native)), 'native: tensor names Object.prototype members');
  const keras = JSON.parse(readFileSync(fx('graphs/keras3_functional.json'), 'utf8'));
  const layers = (v: string) => !['Functional', 'Sequential', 'Model', 'DTypePolicy', 'InputLayer'].includes(v);
  write('proto_keras_classes.json', JSON.stringify(renameAll(keras, 'class_name', PROTO, layers)), 'keras: layer classes Object.prototype members');
  write('proto_keras_names.json', JSON.stringify(renameAll(keras, 'name', PROTO)), 'keras: layer names Object.prototype members');
  const tfjs = JSON.parse(readFileSync(fx('graphs/tfjs_cnn.json'), 'utf8'));
  write('proto_tfjs_classes.json', JSON.stringify(renameAll(tfjs, 'class_name', PROTO, layers)), 'tfjs: layer classes Object.prototype members');
  // One good file: the batch must still index it whatever the others do.
  copyFileSync(fx('graphs/tiny_resnet.onnx'), join(dir, 'good.onnx'));
}

describe.skipIf(!haveModels)(`fuzz: model files through archbert (seed ${FUZZ_SEED})`, () => {
  const index = join(dir, '.archbert-index.json');

  it(`index over ${cases.length} mutated files: each indexed or listed as skipped, never the whole folder lost`, () => {
    const r = runCapped('archbert', ['index', dir, '--json'], `archbert index (${cases.length} mutated files)\n  ${cases.join('\n  ')}`);
    expectContract(r, [0, 1]);
    const out = jsonOf(r) as { added: string[]; skipped: Array<{ file: string }> };
    expect(out.added).toContain('good.onnx');
    const seen = new Set([...out.added, ...out.skipped.map((s) => s.file)]);
    for (const c of cases) expect(seen.has(c.split(':')[0]!), `neither indexed nor skipped: ${c}`).toBe(true);
    expect(existsSync(index)).toBe(true);
  });

  it('find over the folder, and describe / ask on the Object.prototype-name files', () => {
    expectContract(runCapped('archbert', ['find', 'a small cnn with residual blocks', '--in', dir, '--json'], 'archbert find over the mutated folder'), [0, 1]);
    expectContract(runCapped('archbert', ['describe', join(dir, 'proto_ops.json'), '--json'], 'archbert describe proto_ops.json'));
    // --facts: the exact analysis alone, without loading the learned models (a second each saved).
    for (const f of ['proto_keras_classes.json', 'proto_tensors.json']) expectContract(runCapped('archbert', ['describe', join(dir, f), '--facts', '--json'], `archbert describe --facts ${f}`));
    expectContract(runCapped('archbert', ['ask', join(dir, 'proto_keras_names.json'), 'how many layers does it have?', '--json'], 'archbert ask proto_keras_names.json'));
  });

  it('find with a mutated .archbert-index.json: a bad entry is recomputed or the index rebuilt, never a crash or a null score', () => {
    expect(existsSync(index)).toBe(true);
    const doc = JSON.parse(readFileSync(index, 'utf8')) as { entries: Array<Record<string, unknown>> };
    const r = rngFor('index');
    const entry = () => int(r, doc.entries.length);
    // The corruptions of issue 15 on a seeded entry, then one random mutation anywhere.
    const targeted: Array<[string, (d: typeof doc) => void]> = [
      ['embedding cut short', (d) => ((e) => (e.embedding = String(e.embedding).slice(0, 20)))(d.entries[entry()]!)],
      ['embedding: 5, summary: null', (d) => ((e) => ((e.embedding = 5), (e.summary = null)))(d.entries[entry()]!)],
      ['an entry that is a number', (d) => (d.entries[entry()] = 7 as never)],
    ];
    const mutations = [...targeted.map(([how, f]) => {
      const d = JSON.parse(JSON.stringify(doc));
      f(d);
      return { value: JSON.stringify(d), how };
    }), mutateJson(doc, r)];
    for (const m of mutations) {
      writeFileSync(index, m.value);
      const res = runCapped('archbert', ['find', 'a cnn', '--in', dir, '--json'], `archbert find, index: ${m.how}`);
      expectContract(res);
      if (res.code === 0) for (const x of (jsonOf(res) as { results: Array<{ score: unknown }> }).results) expect(typeof x.score, `${res.label}: score`).toBe('number');
    }
  });
});

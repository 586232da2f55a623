/**
 * Fuzz-style robustness: a few hundred mutated or truncated versions of real
 * fixture files (fixed seed, so failures reproduce) must each either load
 * into a well-formed ArchGraph or throw InputError — never another error
 * type, never hang (the test's timeout bounds every case together).
 *
 * Mutations: truncation at a random length, byte flips, random insertions,
 * deleted and duplicated ranges; for JSON models also structural mutations
 * (a random value anywhere in the document replaced by another type,
 * deleted, or a list emptied), which get past JSON.parse and exercise the
 * loaders' validation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { parseGraph } from '../../../src/core/graph/load.js';
import type { ArchGraph } from '../../../src/core/graph/types.js';
import { seededRandom } from '../../../src/core/random.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', 'fixtures');
const BINARY = ['graphs/tiny_resnet.onnx', 'graphs/attention.onnx', 'graphs/if_subgraph.onnx', 'graphs/local_function.onnx', 'graphs/dtypes.onnx', 'models/resnet18.onnx'];
const JSONS = ['graphs/tfjs_cnn.json', 'graphs/tfjs_rnn.json', 'graphs/keras2_transformer.json', 'graphs/keras3_functional.json', 'graphs/tfjs_graph_block.json', 'graphs/native_residual.json'];


function mutateBytes(src: Uint8Array, r: () => number): { bytes: Uint8Array; how: string } {
  const int = (n: number) => Math.floor(r() * n);
  const kind = int(5);
  const b = Uint8Array.from(src);
  switch (kind) {
    case 0: {
      const n = int(src.length);
      return { bytes: b.slice(0, n), how: `truncated to ${n}` };
    }
    case 1: {
      const k = 1 + int(8);
      for (let i = 0; i < k; i++) b[int(b.length)] = int(256);
      return { bytes: b, how: `${k} bytes changed` };
    }
    case 2: {
      const at = int(b.length);
      const ins = Uint8Array.from({ length: 1 + int(16) }, () => int(256));
      return { bytes: new Uint8Array([...b.slice(0, at), ...ins, ...b.slice(at)]), how: `${ins.length} bytes inserted at ${at}` };
    }
    case 3: {
      const at = int(b.length);
      const len = 1 + int(64);
      return { bytes: new Uint8Array([...b.slice(0, at), ...b.slice(at + len)]), how: `${len} bytes deleted at ${at}` };
    }
    default: {
      const at = int(b.length);
      const len = 1 + int(64);
      return { bytes: new Uint8Array([...b.slice(0, at + len), ...b.slice(at, at + len), ...b.slice(at + len)]), how: `${len} bytes duplicated at ${at}` };
    }
  }
}

/** Replaces / deletes a random value somewhere in a JSON document. */
function mutateJson(doc: unknown, r: () => number): { text: string; how: string } {
  const copy = JSON.parse(JSON.stringify(doc)) as unknown;
  const slots: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number; path: string }> = [];
  const walk = (x: unknown, path: string) => {
    if (Array.isArray(x)) x.forEach((v, i) => (slots.push({ parent: x, key: i, path: `${path}[${i}]` }), walk(v, `${path}[${i}]`)));
    else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) (slots.push({ parent: x as Record<string, unknown>, key: k, path: `${path}.${k}` }), walk(v, `${path}.${k}`));
  };
  walk(copy, '$');
  const s = slots[Math.floor(r() * slots.length)]!;
  const replacements: unknown[] = [null, -1, 0, 1e9, 2.5, '', 'x', true, [], {}, [null], [-3, 'a'], { class_name: 'Dense' }, '__proto__', 'constructor'];
  const kind = Math.floor(r() * 3);
  let how: string;
  if (kind === 0 && !Array.isArray(s.parent)) {
    delete (s.parent as Record<string, unknown>)[s.key as string];
    how = `deleted ${s.path}`;
  } else if (kind === 1 && Array.isArray((s.parent as Record<string, unknown>)[s.key as never])) {
    ((s.parent as Record<string, unknown>)[s.key as never] as unknown[]).length = 0;
    how = `emptied ${s.path}`;
  } else {
    const v = replacements[Math.floor(r() * replacements.length)];
    (s.parent as Record<string | number, unknown>)[s.key] = v;
    how = `${s.path} = ${JSON.stringify(v)}`;
  }
  return { text: JSON.stringify(copy), how };
}

function wellFormed(g: ArchGraph): void {
  expect(Array.isArray(g.nodes)).toBe(true);
  for (const n of g.nodes) {
    expect(typeof n.id).toBe('string');
    expect(typeof n.op).toBe('string');
    expect(Array.isArray(n.inputs) && Array.isArray(n.outputs) && Array.isArray(n.params)).toBe(true);
  }
  for (const p of Object.values(g.initializers)) expect(p.shape.every((d) => Number.isInteger(d) && d >= 0)).toBe(true);
}

/** Runs one case; returns 'loaded' | 'rejected', or throws with the case description. */
function attempt(bytes: Uint8Array, name: string, how: string): 'loaded' | 'rejected' {
  try {
    wellFormed(parseGraph(bytes, name));
    return 'loaded';
  } catch (e) {
    if (e instanceof InputError) {
      expect(e.message, `${name} (${how})`).not.toContain('\n');
      return 'rejected';
    }
    throw new Error(`${name} (${how}): ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`);
  }
}

describe('fuzzed model files load or fail with InputError', () => {
  it('binary mutations of ONNX fixtures (240 cases)', () => {
    const r = seededRandom(20261127);
    const tally = { loaded: 0, rejected: 0 };
    for (const f of BINARY) {
      const src = new Uint8Array(readFileSync(join(ROOT, f)));
      for (let i = 0; i < 40; i++) {
        const { bytes, how } = mutateBytes(src, r);
        tally[attempt(bytes, f, how)]++;
      }
    }
    expect(tally.loaded + tally.rejected).toBe(240);
    expect(tally.rejected).toBeGreaterThan(0);
  });

  it('byte and structural mutations of JSON fixtures (240 cases)', () => {
    const r = seededRandom(42);
    const tally = { loaded: 0, rejected: 0 };
    for (const f of JSONS) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      const doc = JSON.parse(text) as unknown;
      for (let i = 0; i < 40; i++) {
        if (i % 4 === 0) {
          const { bytes, how } = mutateBytes(new TextEncoder().encode(text), r);
          tally[attempt(bytes, f, how)]++;
        } else {
          const { text: t, how } = mutateJson(doc, r);
          tally[attempt(new TextEncoder().encode(t), f, how)]++;
        }
      }
    }
    expect(tally.loaded + tally.rejected).toBe(240);
    expect(tally.loaded).toBeGreaterThan(0); // most structural edits leave a loadable model
    expect(tally.rejected).toBeGreaterThan(0);
  });
});

// Runs an exported model with onnxruntime-node and compares every named output
// with the PyTorch reference written by onnx_export.py (raw float32 files).
// Usage: node training/zoo/verify_onnx.mjs SPEC.json  -> prints {output: max_abs_diff}
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const readF32 = (file) => {
  const b = readFileSync(file);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};
const session = await ort.InferenceSession.create(spec.model, { intraOpNumThreads: 1 });
const input = new ort.Tensor('float32', readF32(spec.input), spec.input_shape);
const results = await session.run({ [session.inputNames[0]]: input }, Object.keys(spec.outputs));
const diffs = {};
for (const [name, ref] of Object.entries(spec.outputs)) {
  const got = results[name];
  if (!got) throw new Error(`output ${name} missing`);
  if (got.dims.join(',') !== ref.shape.join(',')) throw new Error(`${name}: shape ${got.dims} != ${ref.shape}`);
  const want = readF32(ref.file);
  let max = 0;
  for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(got.data[i] - want[i]));
  diffs[name] = max;
}
process.stdout.write(JSON.stringify(diffs));

/**
 * loadGraph(path) → ArchGraph, for every supported model format.
 *
 * The format is detected from the content (formats/detect.ts), so a renamed
 * file still loads. Bad input of any kind (missing file, directory, empty,
 * random bytes, truncated protobuf, JSON that is not a model, inconsistent
 * graph) throws InputError(path, one-line reason); nothing else escapes for
 * bad input, and parsing is linear in the file size (no hang).
 */
import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import type { ArchGraph } from './types.js';
import { detectJsonFlavour, sniffContainer } from './formats/detect.js';
import { parseOnnx } from './formats/onnx.js';
import { parseKeras } from './formats/keras.js';
import { parseTfjsGraph } from './formats/tfjs-graph.js';
import { parseNative } from './formats/native.js';

export const SUPPORTED_FORMATS_HINT =
  'expected an ONNX model, Keras model.to_json() output, a TF.js model.json (layers or graph model) or an archbert native graph JSON';

/** Reads and parses a model file. */
export async function loadGraph(path: string): Promise<ArchGraph> {
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new InputError(path, 'is a directory, not a model file');
    if (!st.isFile()) throw new InputError(path, 'is not a regular file');
    size = st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(path, code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? String(e)})`);
  }
  if (size === 0) throw new InputError(path, 'empty file');
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new InputError(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseGraph(buf, path);
}

/** Parses model bytes; `file` names the source in errors. */
export function parseGraph(buf: Uint8Array, file: string): ArchGraph {
  try {
    return parseBytes(buf, file);
  } catch (e) {
    if (e instanceof InputError && e.file === file) throw new InputError(file, oneLine(e.message.slice(file.length + 2)));
    throw e;
  }
}

/** Error messages quote names from the file: keep them one printable line of bounded length. */
function oneLine(msg: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = msg.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
  return clean.length > 300 ? `${clean.slice(0, 297)}...` : clean;
}

function parseBytes(buf: Uint8Array, file: string): ArchGraph {
  if (buf.length === 0) throw new InputError(file, 'empty file');
  const kind = sniffContainer(buf);
  switch (kind) {
    case 'zip':
      throw new InputError(file, 'is a zip archive (a .keras file?): not supported; extract its config.json or export to ONNX');
    case 'hdf5':
      throw new InputError(file, 'is an HDF5 file (Keras .h5): not supported; save model.to_json() or export to ONNX');
    case 'tflite':
      throw new InputError(file, 'is a TFLite flatbuffer: not supported; export the model to ONNX');
    case 'protobuf':
      return parseOnnx(buf, file);
    case 'json':
      return parseJsonModel(buf, file);
  }
}

function parseJsonModel(buf: Uint8Array, file: string): ArchGraph {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8').decode(buf));
  } catch (e) {
    throw new InputError(file, `invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const flavour = detectJsonFlavour(doc);
  switch (flavour) {
    case 'keras':
    case 'tfjs-layers':
      return parseKeras(doc as Record<string, unknown>, file, flavour);
    case 'tfjs-graph':
      return parseTfjsGraph(doc as Record<string, unknown>, file);
    case 'native':
      return parseNative(doc as Record<string, unknown>, file);
    default:
      throw new InputError(file, `JSON, but not a model: ${SUPPORTED_FORMATS_HINT}`);
  }
}

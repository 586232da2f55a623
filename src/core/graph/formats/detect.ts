/**
 * Format detection from file CONTENT (the extension is never trusted):
 * JSON text is told apart from binary, then the JSON flavour from its keys;
 * binary is ONNX protobuf unless its magic bytes say it is a format we
 * recognise but do not read (zip / HDF5 / TFLite), which gets a helpful error.
 */
import type { ModelFormat } from '../types.js';

export type Container = 'json' | 'protobuf' | 'zip' | 'hdf5' | 'tflite';

/** What kind of bytes these are. JSON = optional BOM/whitespace then `{` or `[`. */
export function sniffContainer(buf: Uint8Array): Container {
  let i = 0;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3;
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
  if (buf[i] === 0x7b /* { */ || buf[i] === 0x5b /* [ */) return 'json';
  if (buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) return 'zip';
  if (buf[0] === 0x89 && buf[1] === 0x48 && buf[2] === 0x44 && buf[3] === 0x46) return 'hdf5';
  if (buf[4] === 0x54 && buf[5] === 0x46 && buf[6] === 0x4c && buf[7] === 0x33) return 'tflite';
  return 'protobuf';
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Keras model classes whose `config` describes a whole model. */
export const KERAS_MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/**
 * The JSON flavour of a parsed document, or null when it is not a model:
 *  - native:       {"format": "archbert-graph", ...}
 *  - tfjs-graph:   {"modelTopology": {"node": [...]}, "weightsManifest": ...} (or format "graph-model")
 *  - tfjs-layers:  {"modelTopology": {"class_name" | "model_config": ...}, ...} (or format "layers-model")
 *  - keras:        {"class_name": "Sequential" | "Functional" | "Model", "config": {...}} (model.to_json(), Keras 3 config.json)
 */
export function detectJsonFlavour(doc: unknown): ModelFormat | null {
  if (!isObj(doc)) return null;
  if (doc.format === 'archbert-graph') return 'native';
  const topo = doc.modelTopology;
  if (isObj(topo)) {
    if (Array.isArray(topo.node) || doc.format === 'graph-model') return 'tfjs-graph';
    if (isObj(topo.model_config) || typeof topo.class_name === 'string' || doc.format === 'layers-model') return 'tfjs-layers';
    return null;
  }
  if (typeof doc.class_name === 'string' && KERAS_MODEL_CLASSES.has(doc.class_name) && (isObj(doc.config) || Array.isArray(doc.config))) {
    return 'keras';
  }
  return null;
}

/**
 * The exporter's index of real models (index.json next to the exported .onnx
 * files): one {file, name, family, variant, task} entry per model, read and
 * checked here so a malformed index is one InputError naming the file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../errors.js';

export interface RealEntry {
  file: string;
  name: string;
  family: string;
  variant?: string;
  task: string;
}

export async function readRealIndex(dir: string): Promise<RealEntry[]> {
  const path = join(dir, 'index.json');
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch {
    throw new InputError(path, 'no such file (expected the exporter index: [{file, name, family, variant, task}])');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new InputError(path, `not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new InputError(path, 'expected a JSON array of {file, name, family, task}');
  return parsed.map((e, i) => {
    const o = e as Record<string, unknown>;
    if (typeof o.file !== 'string' || typeof o.name !== 'string' || typeof o.family !== 'string' || typeof o.task !== 'string') {
      throw new InputError(path, `entry ${i} lacks a string file, name, family or task`);
    }
    return { file: o.file, name: o.name, family: o.family, variant: typeof o.variant === 'string' ? o.variant : undefined, task: o.task };
  });
}

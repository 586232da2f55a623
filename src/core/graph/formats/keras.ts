import { InputError } from '../../errors.js';
import type { ArchGraph, ModelFormat } from '../types.js';

// Interim: this format's loader lands in the next commit.
export function parseKeras(_doc: Record<string, unknown>, file: string, _flavour?: ModelFormat): ArchGraph {
  throw new InputError(file, 'this JSON model format is not supported yet');
}

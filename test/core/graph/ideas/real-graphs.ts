/**
 * Shared by the idea tests: the facts of the real model files (fixtures/models
 * and the issue-16 reference set, fixtures/reference), analysed once per file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeFacts } from '../../../../src/core/graph/analyze.js';
import type { ArchFacts } from '../../../../src/core/graph/types.js';
import { repoRoot } from '../../../helpers/cli.js';

const cache = new Map<string, Promise<ArchFacts>>();

/** facts of fixtures/models/NAME.onnx or fixtures/reference/NAME.onnx */
export function factsOf(name: string): Promise<ArchFacts> {
  let p = cache.get(name);
  if (!p) {
    const inModels = join(repoRoot, 'fixtures', 'models', `${name}.onnx`);
    p = describeFacts(existsSync(inModels) ? inModels : join(repoRoot, 'fixtures', 'reference', `${name}.onnx`));
    cache.set(name, p);
  }
  return p;
}

import { describe, expect, it } from 'vitest';
import { generateArchitecture } from '../../../../../../src/core/archbert/data/generate.js';
import { STAGE_BLOCK_KINDS } from '../../../../../../src/core/archbert/data/generate/styles/stage.js';

describe('stage networks', () => {
  it('draw every block kind over enough seeds and record it, with at least one block per stage', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 200 && seen.size < STAGE_BLOCK_KINDS.length; seed++) {
      const a = generateArchitecture(seed, 'stage');
      expect(STAGE_BLOCK_KINDS as readonly string[]).toContain(a.meta.blockKind);
      expect(a.meta.cellOps).toEqual([]);
      expect(a.meta.cells).toBeGreaterThanOrEqual(a.meta.reductionCells + 1);
      seen.add(a.meta.blockKind!);
    }
    expect([...seen].sort()).toEqual([...STAGE_BLOCK_KINDS].sort());
  });
});

/**
 * `archbert ask` and `archbert describe` through the CLI name the design
 * ideas (issue 16, part 4): the key idea's value is the facts' idea id, a
 * feature narrowed by a word the facts do not know is not decided, and the
 * summary ends with the ideas found. SqueezeNet 1.0 is built from 8 fire
 * modules (Iandola et al. 2016) and has no deformable convolutions.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCliInProcess } from '../helpers/cli.js';

const modelDir = process.env.ARCHBERT_MODELS ?? join(repoRoot, 'models/archbert');
const env = { ARCHBERT_MODELS: modelDir };
const squeezenet = join(repoRoot, 'fixtures/models/squeezenet1_0.onnx');

describe.runIf(existsSync(join(modelDir, 'manifest.json')))('archbert ask / describe with the design ideas', () => {
  it('answers the key idea from the facts, with evidence nodes', async () => {
    const r = await runCliInProcess('archbert', ['ask', squeezenet, 'what is its key idea?', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a).toMatchObject({ kind: 'value', value: 'fire_module', confidence: 1 });
    expect(a.answer).toMatch(/^Fire module \(8\)/);
    expect(a.evidence.length).toBeGreaterThan(0);
  });

  it('says the facts do not decide a kind of convolution they do not record (not "Yes: N conv ops")', async () => {
    const a = JSON.parse((await runCliInProcess('archbert', ['ask', squeezenet, 'does it use deformable convolutions?', '--json'], { env })).stdout);
    expect(a.confidence).toBe(0);
    expect(a.answer).toMatch(/facts do not decide/);
    expect(a.evidence).toEqual([]);
    // a plain convolution question is still answered from the facts (negative)
    const b = JSON.parse((await runCliInProcess('archbert', ['ask', squeezenet, 'does it use convolutions?', '--json'], { env })).stdout);
    expect(b).toMatchObject({ value: true, confidence: 1 });
  });

  it("ends describe's summary with the design ideas found", async () => {
    const r = await runCliInProcess('archbert', ['describe', squeezenet, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).summary).toMatch(/Design ideas: fire module \(8\)[^.]*\.$/);
  });
});

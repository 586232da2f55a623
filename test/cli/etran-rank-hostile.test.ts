/**
 * `etran rank` over hostile target data and zoo.json: exit 2 with one line
 * naming the file. (FIFOs and symlink loops in the listing: datasets.test.ts,
 * in-process; each spawn here costs seconds.)
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const fx = (p: string) => new URL(`../../fixtures/rank/${p}`, import.meta.url).pathname;
const tmp = () => mkdtempSync(join(tmpdir(), 'etran-hostile-'));

describe('etran rank: hostile data and zoo (CLI contract)', () => {
  it('zoo.json input_size 20000: exit 2, one line naming zoo.json, before any extraction', () => {
    const zoo = tmp();
    copyFileSync(fx('zoo-cls/gemm_a.onnx'), join(zoo, 'gemm_a.onnx'));
    writeFileSync(join(zoo, 'zoo.json'), JSON.stringify({ input_size: 20000 }));
    const r = runCli('etran', ['rank', '--zoo', zoo, '--data', fx('images'), '--cache', tmp(), '--device', 'cpu']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/zoo\.json: "input_size": 20000×20000 has a side over 4096 pixels/)]);
    expect(r.stdout).toBe('');
  });

  it('YOLO class id outside classes.txt: exit 2, one line naming the label file and line', () => {
    const data = tmp();
    cpSync(fx('yolo'), data, { recursive: true });
    writeFileSync(join(data, 'labels', 'img_03.txt'), '0 0.5 0.5 0.2 0.2\n99 0.5 0.5 0.2 0.2\n');
    const r = runCli('etran', ['rank', '--zoo', fx('zoo-det'), '--data', data, '--cache', tmp(), '--device', 'cpu']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/img_03\.txt: line 2: class id 99 is not in .*classes\.txt/)]);
  });
});

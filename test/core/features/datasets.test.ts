import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/core/errors.js';
import { loadDataset, stratifiedSample, type ImageDataset, type ImageItem } from '../../../src/core/features/datasets.js';

const fx = (p: string) => new URL(`../../../fixtures/rank/${p}`, import.meta.url).pathname;

describe('dataset formats', () => {
  it('ImageFolder: one class per folder, sorted', async () => {
    const ds = (await loadDataset(fx('images'))) as ImageDataset;
    expect(ds.task).toBe('classification');
    expect(ds.format).toBe('imagefolder');
    expect(ds.classes).toEqual(['blue', 'green', 'red']);
    expect(ds.items).toHaveLength(24);
    expect(ds.items[0]!.path.endsWith('blue/blue_0.png')).toBe(true);
  });

  it('CSV list of path,label relative to the list', async () => {
    const ds = (await loadDataset(fx('list.csv'))) as ImageDataset;
    expect(ds.format).toBe('list');
    expect(ds.items).toHaveLength(9);
    expect(ds.items[0]).toEqual({ path: fx('images/red/red_0.png'), label: 'red' });
  });

  it('JSON list, objects or pairs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etran-ds-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify([{ path: 'x.png', label: 1 }, ['y.png', 2]]));
    const ds = (await loadDataset(join(dir, 'a.json'))) as ImageDataset;
    expect(ds.items).toEqual([
      { path: join(dir, 'x.png'), label: '1' },
      { path: join(dir, 'y.png'), label: '2' },
    ]);
  });

  it('COCO and YOLO describe the same boxes', async () => {
    const coco = (await loadDataset(fx('coco'))) as ImageDataset;
    const yolo = (await loadDataset(fx('yolo'))) as ImageDataset;
    expect(coco.format).toBe('coco');
    expect(yolo.format).toBe('yolo');
    expect(coco.task).toBe('detection');
    expect(coco.classes).toEqual(['red', 'green', 'blue']);
    expect(yolo.classes).toEqual(['red', 'green', 'blue']);
    expect(coco.items).toHaveLength(12);
    const c = coco.items[3]!.boxes!;
    const y = yolo.items[3]!.boxes!;
    expect(c.map((b) => b.label)).toEqual(y.map((b) => b.label));
    // YOLO cx, cy, w, h (normalised) against COCO x, y, w, h on a 48×40 image.
    const [x, yy, w, h] = c[0]!.box;
    const [cx, cy, nw, nh] = y[0]!.box;
    expect(cx).toBeCloseTo((x + w / 2) / 48, 5);
    expect(cy).toBeCloseTo((yy + h / 2) / 40, 5);
    expect(nw).toBeCloseTo(w / 48, 5);
    expect(nh).toBeCloseTo(h / 40, 5);
  });

  it('COCO: crowd and degenerate boxes are skipped, images without boxes give no samples', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etran-coco-'));
    writeFileSync(
      join(dir, 'annotations.json'),
      JSON.stringify({
        images: [{ id: 1, file_name: 'a.png' }, { id: 2, file_name: 'b.png' }],
        annotations: [
          { image_id: 1, category_id: 7, bbox: [0, 0, 4, 4] },
          { image_id: 1, category_id: 7, bbox: [0, 0, 4, 4], iscrowd: 1 },
          { image_id: 2, category_id: 7, bbox: [0, 0, 0, 4] },
        ],
        categories: [{ id: 7, name: 'cat' }],
      }),
    );
    const ds = (await loadDataset(dir)) as ImageDataset;
    expect(ds.items).toEqual([{ path: join(dir, 'a.png'), boxes: [{ label: 'cat', box: [0, 0, 4, 4], normalized: false }] }]);
  });

  it('bad data: missing path, empty folder, single class, bad COCO bbox', async () => {
    await expect(loadDataset('/nonexistent/data')).rejects.toThrow(InputError);
    const empty = mkdtempSync(join(tmpdir(), 'etran-empty-'));
    await expect(loadDataset(empty)).rejects.toThrow(/no images found/);
    const one = mkdtempSync(join(tmpdir(), 'etran-one-'));
    mkdirSync(join(one, 'only'));
    writeFileSync(join(one, 'only', 'a.png'), 'x');
    await expect(loadDataset(one)).rejects.toThrow(/only one class/);
    writeFileSync(join(empty, 'annotations.json'), JSON.stringify({ images: [], annotations: [{ image_id: 1, category_id: 1, bbox: [1, 2] }] }));
    await expect(loadDataset(empty)).rejects.toThrow(/annotations\[0\]: "bbox" must be/);
  });
});

describe('hostile listings: nothing is opened that could block, nothing unbounded is read', () => {
  const mkfifo = (p: string) => execFileSync('mkfifo', [p]);

  it('ImageFolder: FIFOs, symlink loops and directories named like images are skipped and counted in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etran-hostile-'));
    for (const c of ['a', 'b']) mkdirSync(join(dir, c));
    writeFileSync(join(dir, 'a', 'x.png'), 'x');
    writeFileSync(join(dir, 'b', 'y.png'), 'x');
    mkfifo(join(dir, 'a', 'fifo.png'));
    symlinkSync('loop.png', join(dir, 'b', 'loop.png')); // points at itself
    symlinkSync(join(dir, 'b', 'y.png'), join(dir, 'a', 'link.png')); // a good symlink is kept
    mkdirSync(join(dir, 'b', 'dir.png'));
    symlinkSync('.', join(dir, 'c')); // a class folder that loops onto the root: not recursed into
    const ds = (await loadDataset(dir)) as ImageDataset;
    expect(ds.items.map((i) => i.path)).toEqual([join(dir, 'a', 'link.png'), join(dir, 'a', 'x.png'), join(dir, 'b', 'y.png')]);
    expect(ds.classes).toEqual(['a', 'b']);
    expect(ds.warnings).toEqual([`${dir}: 3 entries skipped, not regular files (first: ${join(dir, 'a', 'fifo.png')}: a FIFO)`]);
  });

  it('a CSV list naming a FIFO: dropped and counted; missing files stay for the decoder to report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etran-hostile-'));
    writeFileSync(join(dir, 'a.png'), 'x');
    mkfifo(join(dir, 'p.png'));
    writeFileSync(join(dir, 'list.csv'), 'a.png,cat\np.png,dog\nmissing.png,dog\n');
    const ds = (await loadDataset(join(dir, 'list.csv'))) as ImageDataset;
    expect(ds.items.map((i) => i.path)).toEqual([join(dir, 'a.png'), join(dir, 'missing.png')]);
    expect(ds.warnings).toEqual([expect.stringMatching(/1 entry skipped, not regular files \(first: .*p\.png: a FIFO\)/)]);
  });

  it('--data that is a FIFO, and a labels.json that is a FIFO or a JSON bomb: one-line InputErrors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etran-hostile-'));
    mkfifo(join(dir, 'data.json'));
    await expect(loadDataset(join(dir, 'data.json'))).rejects.toThrow(/data\.json: a FIFO; expected a directory/);
    const pre = mkdtempSync(join(tmpdir(), 'etran-hostile-'));
    writeFileSync(join(pre, 'm.npy'), 'x');
    mkfifo(join(pre, 'labels.json'));
    await expect(loadDataset(pre)).rejects.toThrow(/labels\.json: is not a regular file/);
    const bomb = mkdtempSync(join(tmpdir(), 'etran-hostile-'));
    writeFileSync(join(bomb, 'm.npy'), 'x');
    writeFileSync(join(bomb, 'labels.json'), '[' + '['.repeat(50_000) + ']'.repeat(50_000) + ']');
    const err = await loadDataset(bomb).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/labels\.json: (label 0 is an array|not valid JSON)/);
    writeFileSync(join(bomb, 'labels.json'), JSON.stringify(['a', { b: 1 }]));
    await expect(loadDataset(bomb)).rejects.toThrow(/labels\.json: label 1 is an object; expected a string or a number/);
  });
});

describe('--max-images sampling', () => {
  const items: ImageItem[] = [
    ...Array.from({ length: 60 }, (_, i) => ({ path: `a${i}`, label: 'a' })),
    ...Array.from({ length: 30 }, (_, i) => ({ path: `b${i}`, label: 'b' })),
    ...Array.from({ length: 10 }, (_, i) => ({ path: `c${i}`, label: 'c' })),
  ];
  const count = (xs: ImageItem[], l: string) => xs.filter((x) => x.label === l).length;

  it('keeps class proportions (largest remainders) and the original order', () => {
    const s = stratifiedSample(items, 20, 1);
    expect(s).toHaveLength(20);
    expect([count(s, 'a'), count(s, 'b'), count(s, 'c')]).toEqual([12, 6, 2]);
    const idx = s.map((x) => items.indexOf(x));
    expect(idx).toEqual([...idx].sort((p, q) => p - q));
    const odd = stratifiedSample(items, 7, 1); // exact 4.2, 2.1, 0.7 → 4, 2, 1
    expect([count(odd, 'a'), count(odd, 'b'), count(odd, 'c')]).toEqual([4, 2, 1]);
  });

  it('is deterministic per seed and differs across seeds', () => {
    expect(stratifiedSample(items, 20, 5)).toEqual(stratifiedSample(items, 20, 5));
    expect(stratifiedSample(items, 20, 5)).not.toEqual(stratifiedSample(items, 20, 6));
  });

  it('returns everything when N ≥ the dataset', () => {
    expect(stratifiedSample(items, 1000, 0)).toBe(items);
  });
});

import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors.js';
import { loadDataset, stratifiedSample, type ImageDataset, type ImageItem } from '../../src/core/features/datasets.js';

const fx = (p: string) => new URL(`../../fixtures/rank/${p}`, import.meta.url).pathname;

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

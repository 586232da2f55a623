/**
 * Detection annotations are validated, never silently reinterpreted: class ids
 * against the class list, boxes against the image; zero/negative-size boxes
 * are skipped and counted in the dataset's warnings.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/core/errors.js';
import { loadDataset, type ImageDataset } from '../../../src/core/features/datasets.js';

/** A YOLO directory with one image per label text (images are never decoded by the listing). */
function yolo(labels: string[], classes: string[] | null = ['red', 'green', 'blue']): string {
  const dir = mkdtempSync(join(tmpdir(), 'etran-yolo-'));
  mkdirSync(join(dir, 'images'));
  mkdirSync(join(dir, 'labels'));
  if (classes) writeFileSync(join(dir, 'classes.txt'), classes.join('\n') + '\n');
  labels.forEach((text, i) => {
    writeFileSync(join(dir, 'images', `img${i}.png`), 'x');
    writeFileSync(join(dir, 'labels', `img${i}.txt`), text);
  });
  return dir;
}

interface Coco {
  images?: unknown[];
  annotations?: unknown[];
  categories?: unknown[];
}

function coco(json: Coco): string {
  const dir = mkdtempSync(join(tmpdir(), 'etran-coco-'));
  const full = {
    images: [{ id: 1, file_name: 'a.png', width: 48, height: 40 }, { id: 2, file_name: 'b.png' }],
    categories: [{ id: 1, name: 'cat' }, { id: 2, name: 'dog' }],
    ...json,
  };
  writeFileSync(join(dir, 'annotations.json'), JSON.stringify(full));
  return dir;
}

const ok = { image_id: 1, category_id: 1, bbox: [1, 2, 10, 10] };

describe('YOLO labels', () => {
  it('class ids outside classes.txt, negative or fractional are errors naming the file and line', async () => {
    for (const [bad, why] of [
      ['99', /line 2: class id 99 is not in .*classes\.txt \(3 classes, ids 0–2\)/],
      ['-1', /line 2: class id "-1" is not a whole number/],
      ['1.5', /line 2: class id "1.5" is not a whole number/],
      ['1e1', /line 2: class id "1e1" is not a whole number/],
    ] as const) {
      const dir = yolo([`0 0.5 0.5 0.2 0.2\n${bad} 0.5 0.5 0.2 0.2\n`]);
      const err = await loadDataset(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(why);
      expect((err as Error).message).toContain(join(dir, 'labels', 'img0.txt'));
    }
  });

  it('without classes.txt, ids are the labels; with it, names', async () => {
    const bare = (await loadDataset(yolo(['0 0.5 0.5 0.2 0.2\n7 0.3 0.3 0.1 0.1'], null))) as ImageDataset;
    expect(bare.classes).toEqual(['0', '7']);
    const named = (await loadDataset(yolo(['2 0.5 0.5 0.2 0.2']))) as ImageDataset;
    expect(named.items[0]!.boxes![0]!.label).toBe('blue');
    expect(named.warnings).toEqual([]);
  });

  it('zero or negative size: skipped and counted, the other boxes kept', async () => {
    const dir = yolo(['0 0.5 0.5 0.2 0.2\n1 0.5 0.5 0 0.2\n2 0.5 0.5 0.2 -0.1', '1 0.5 0.5 0.0 0.0']);
    const ds = (await loadDataset(dir)) as ImageDataset;
    expect(ds.items).toHaveLength(1);
    expect(ds.items[0]!.boxes!.map((b) => b.label)).toEqual(['red']);
    expect(ds.warnings).toHaveLength(1);
    expect(ds.warnings![0]).toMatch(/3 box\(es\) of zero or negative width\/height skipped \(first: .*img0\.txt line 2\)/);
  });

  it('boxes outside [0, 1] (pixel coordinates), non-numbers and segmentation lines are errors', async () => {
    await expect(loadDataset(yolo(['0 120 80 40 30']))).rejects.toThrow(/line 1: box 120 80 40 30 reaches outside the image/);
    await expect(loadDataset(yolo(['0 0.5 0.5 1e308 0.2']))).rejects.toThrow(/reaches outside the image/);
    await expect(loadDataset(yolo(['0 0.5 0.5 0.2 nan']))).rejects.toThrow(/line 1: expected "class cx cy w h"/);
    await expect(loadDataset(yolo(['0 0.1 0.1 0.5 0.1 0.5 0.5']))).rejects.toThrow(/expected "class cx cy w h" \(5 numbers\)/);
    // within the rounding tolerance: kept
    const edge = (await loadDataset(yolo(['0 0.5 0.5 1.005 1.005']))) as ImageDataset;
    expect(edge.items).toHaveLength(1);
  });

  it('a repeated name in classes.txt would merge two classes: error', async () => {
    await expect(loadDataset(yolo(['0 0.5 0.5 0.2 0.2'], ['cat', 'dog', 'cat']))).rejects.toThrow(/classes\.txt: class 2 "cat" repeats class 0/);
  });

  it('a label file or classes.txt that is a FIFO is refused, not read', async () => {
    const dir = yolo(['0 0.5 0.5 0.2 0.2']);
    writeFileSync(join(dir, 'images', 'pipe.png'), 'x');
    execFileSync('mkfifo', [join(dir, 'labels', 'pipe.txt')]);
    await expect(loadDataset(dir)).rejects.toThrow(/pipe\.txt: is not a regular file/);
    const dir2 = yolo(['0 0.5 0.5 0.2 0.2'], null);
    execFileSync('mkfifo', [join(dir2, 'classes.txt')]);
    await expect(loadDataset(dir2)).rejects.toThrow(/classes\.txt: is not a regular file/);
  });
});

describe('COCO annotations', () => {
  it('category_id not in "categories" is an error naming the annotation', async () => {
    const dir = coco({ annotations: [ok, { ...ok, category_id: 9999 }] });
    const err = await loadDataset(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`${join(dir, 'annotations.json')}: annotations[1]: category_id 9999 is not in "categories"`);
  });

  it('a box outside the image, or absurdly large when the size is unknown, is an error', async () => {
    await expect(loadDataset(coco({ annotations: [ok, { ...ok, bbox: [0, 0, 1e308, 4] }] }))).rejects.toThrow(
      /annotations\[1\]: bbox \[0, 0, 1e\+308, 4\] reaches outside the 48×40 image a\.png/,
    );
    await expect(loadDataset(coco({ annotations: [ok, { ...ok, bbox: [40, 0, 10, 4] }] }))).rejects.toThrow(/reaches outside the 48×40 image/);
    await expect(loadDataset(coco({ annotations: [ok, { ...ok, bbox: [-5, 0, 10, 4] }] }))).rejects.toThrow(/reaches outside/);
    await expect(loadDataset(coco({ annotations: [{ ...ok, image_id: 2, bbox: [1e308, 0, 10, 4] }] }))).rejects.toThrow(
      /reaches outside 65535 pixels \(MAX_BOX_COORDINATE/,
    );
    // within a pixel of the edge (exporters round): kept
    const edge = (await loadDataset(coco({ annotations: [{ ...ok, bbox: [0, 0, 48.5, 40.5] }] }))) as ImageDataset;
    expect(edge.items[0]!.boxes).toHaveLength(1);
  });

  it('zero or negative size: skipped and counted in the warnings', async () => {
    const ds = (await loadDataset(coco({ annotations: [ok, { ...ok, bbox: [1, 1, 0, 4] }, { ...ok, image_id: 2, bbox: [1, 1, 4, -3] }] }))) as ImageDataset;
    expect(ds.items).toHaveLength(1);
    expect(ds.warnings).toEqual([expect.stringMatching(/2 box\(es\) of zero or negative width\/height skipped \(first: annotations\[1\]\)/)]);
  });

  it('unknown or repeated ids, and two ids with one name, are errors', async () => {
    await expect(loadDataset(coco({ annotations: [{ ...ok, image_id: 7 }] }))).rejects.toThrow(/annotations\[0\]: image_id 7 is not in "images"/);
    await expect(loadDataset(coco({ images: [{ id: 1, file_name: 'a.png' }, { id: 1, file_name: 'b.png' }], annotations: [ok] }))).rejects.toThrow(
      /images\[1\]: id 1 is listed twice/,
    );
    await expect(loadDataset(coco({ categories: [{ id: 1, name: 'cat' }, { id: 2, name: 'cat' }], annotations: [ok] }))).rejects.toThrow(
      /categories\[1\]: name "cat" is also category 1/,
    );
    await expect(loadDataset(coco({ categories: [{ id: 1, name: 'cat' }, { id: 1, name: 'dog' }], annotations: [ok] }))).rejects.toThrow(
      /categories\[1\]: id 1 is listed twice/,
    );
    await expect(loadDataset(coco({ images: [{ id: 1, file_name: 'a.png', width: 0, height: 4 }], annotations: [ok] }))).rejects.toThrow(
      /images\[0\]: "width" and "height" must be whole pixels/,
    );
    await expect(loadDataset(coco({ annotations: [5] }))).rejects.toThrow(/annotations\[0\]: expected an object/);
    await expect(loadDataset(coco({ annotations: [ok], categories: 'x' as unknown as unknown[] }))).rejects.toThrow(/"categories" must be an array/);
  });

  it('names that are Object.prototype members are ordinary class names', async () => {
    const ds = (await loadDataset(
      coco({
        categories: [{ id: 1, name: '__proto__' }, { id: 2, name: 'constructor' }, { id: 3, name: 'toString' }],
        annotations: [ok, { ...ok, category_id: 2 }, { ...ok, image_id: 2, category_id: 3 }],
      }),
    )) as ImageDataset;
    expect(ds.classes).toEqual(['__proto__', 'constructor', 'toString']);
    expect(ds.items.flatMap((i) => i.boxes!.map((b) => b.label))).toEqual(['__proto__', 'constructor', 'toString']);
  });

  it('without "categories", integer ids are the labels', async () => {
    const ds = (await loadDataset(coco({ categories: undefined, annotations: [ok, { ...ok, category_id: 5 }] }))) as ImageDataset;
    expect(ds.classes).toEqual(['1', '5']);
    await expect(loadDataset(coco({ categories: undefined, annotations: [{ ...ok, category_id: 1.5 }] }))).rejects.toThrow(/category_id 1.5 is not an integer/);
  });
});

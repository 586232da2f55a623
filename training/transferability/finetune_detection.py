"""Fine-tuning ground truth (mAP@0.5) for the detection transferability benchmark.

  /usr/bin/python3 training/transferability/finetune_detection.py [--seeds 0 1] [--targets T ...]

Targets: the two committed COCO probe sets (fixtures/targets/detection, detection-digits).
Their fine-tuning canvases are made exactly like the probe canvases (same item pool, same
transform, background, item count and size ranges; training/zoo/detection_data.make_canvases)
from items the probe canvases do NOT use: we replay the probe generation with a recording
item list, check that it reproduces the committed annotations box for box, drop those items,
and split the rest per class into train / val / test items (fixed seed), so no item appears
in two of {probe, train, val, test}.

Protocol (fixed): zoo checkpoint backbone (training/zoo/checkpoints/detection), NEW CenterNet
head for the target classes (seeded init), all weights trained; AdamW, batch 32, cosine decay to 0
over EPOCHS epochs, no augmentation; grid lr in LRS, weight decay WD; the config with the best val
mAP@0.5 gives the test mAP@0.5 (VOC all-point AP per class, our own code: train_detectors.evaluate).
Seeds 0 and 1 (head init + batch order); one thread. Each run is cached as JSON under
training/out/transferability/runs/detection/ and skipped when re-run.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'zoo'))
import data  # noqa: E402
import detection_data as dd  # noqa: E402
import train_detectors as td  # noqa: E402
from finetune_classification import write_json  # noqa: E402

ZOO = os.path.join(data.REPO, 'models', 'zoo', 'detection')
CKPT = os.path.join(data.REPO, 'training', 'zoo', 'checkpoints', 'detection')
TARGETS_DIR = os.path.join(data.REPO, 'fixtures', 'targets')
RUNS = os.path.join(data.REPO, 'training', 'out', 'transferability', 'runs', 'detection')

EPOCHS = 6
BATCH = 32
LRS = [2e-3, 5e-4]
WD = 1e-4
CANVASES = {'train': 400, 'val': 100, 'test': 200}
ITEM_SHARE = {'train': 0.6, 'val': 0.15, 'test': 0.25}
SPLIT_SEED = 7100
PROTOCOL = {'optimizer': 'AdamW', 'batch': BATCH, 'epochs': EPOCHS, 'schedule': 'cosine to 0 (per step)',
            'lr_grid': LRS, 'weight_decay': WD, 'augmentation': 'none', 'canvases': CANVASES,
            'selection': 'best val mAP@0.5 over the grid (ties: first); report its test mAP@0.5',
            'init': 'zoo checkpoint backbone, new CenterNet head (seeded), all weights trained'}


def _rot(p):
    return np.ascontiguousarray(np.rot90(p))


# target -> (pool source, pool classes, make_canvases kwargs of the probe set, probe canvases, probe seed)
SPEC = {
    'detection': ('fashion', [5, 6, 7, 8, 9], dict(count=(2, 4), side=(14, 30)), 80, 200),
    'detection-digits': ('mnist', list(range(10)),
                         dict(count=(1, 3), side=(18, 30), background='noise', transform=_rot), 60, 201),
}


class Recording:
    """Item list that remembers which indices make_canvases reads."""
    def __init__(self, items):
        self.items, self.used = items, set()

    def __len__(self):
        return len(self.items)

    def __getitem__(self, j):
        self.used.add(int(j))
        return self.items[j]


def canvas_split(target):
    source, classes, kw, n_probe, probe_seed = SPEC[target]
    items, labels = dd.item_pool(source, 'target', classes)
    rec = Recording(items)
    _, anns = dd.make_canvases(rec, labels, n_probe, seed=probe_seed, **kw)
    coco = json.load(open(os.path.join(TARGETS_DIR, target, 'annotations.json')))
    boxes = sorted((a['image_id'] - 1, *[round(v, 3) for v in a['bbox']], a['category_id'] - 1)
                   for a in coco['annotations'])
    replay = sorted((i, round(float(b[0]), 3), round(float(b[1]), 3), round(float(b[2] - b[0]), 3),
                     round(float(b[3] - b[1]), 3), int(b[4])) for i, a in enumerate(anns) for b in a)
    assert boxes == replay, f'{target}: replaying the probe generation does not reproduce annotations.json'
    free = np.setdiff1d(np.arange(len(items)), np.fromiter(rec.used, dtype=np.int64))
    rng = np.random.RandomState(SPLIT_SEED)
    parts = {k: [] for k in ITEM_SHARE}
    for c in range(len(classes)):
        idx = rng.permutation(free[labels[free] == c])
        a = int(ITEM_SHARE['train'] * len(idx))
        b = a + int(ITEM_SHARE['val'] * len(idx))
        parts['train'].append(idx[:a])
        parts['val'].append(idx[a:b])
        parts['test'].append(idx[b:])
    out = {}
    for k, (name, chunks) in enumerate(parts.items()):
        sel = np.concatenate(chunks)
        imgs, a = dd.make_canvases(items[sel], labels[sel], CANVASES[name], seed=SPLIT_SEED + 1 + k, **kw)
        out[name] = (data.normalise(imgs), a)
    prov = {'pool': source, 'pool_classes': classes, 'probe_items_excluded': len(rec.used),
            'items': {k: int(sum(len(c) for c in v)) for k, v in parts.items()}, 'canvases': CANVASES,
            'canvas': {k: (v.__name__ if callable(v) else v) for k, v in kw.items()}, 'split_seed': SPLIT_SEED}
    return out, prov, len(classes)


def finetune(spec, state, c, split, seed, lr):
    xtr, atr = split['train']
    torch.manual_seed(seed)
    model = td.CenterNet(spec['architecture']['backbone'], spec['architecture']['width'], c)
    model.backbone.load_state_dict({k[len('backbone.'):]: v for k, v in state.items() if k.startswith('backbone.')})
    heat, objs = td.targets(atr, c, model.stride)
    heat, objs = torch.from_numpy(heat), torch.from_numpy(objs)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=WD)
    steps = EPOCHS * math.ceil(len(atr) / BATCH)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
    g = torch.Generator().manual_seed(seed)
    t0 = time.time()
    losses = []
    for _ in range(EPOCHS):
        model.train()
        perm = torch.randperm(len(atr), generator=g)
        tot = 0.0
        for i in range(0, len(atr), BATCH):
            idx = perm[i:i + BATCH]
            sel = torch.isin(objs[:, 0].long(), idx)
            o = objs[sel].clone()
            remap = torch.full((len(atr),), -1, dtype=torch.long)
            remap[idx] = torch.arange(len(idx))
            o[:, 0] = remap[o[:, 0].long()].float()
            out, _ = model(xtr[idx])
            loss = td.loss_fn(out, heat[idx], o, c)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(idx)
        losses.append(round(tot / len(atr), 4))
    train_s = time.time() - t0
    val, _ = td.evaluate(model, *split['val'], c)
    test, _ = td.evaluate(model, *split['test'], c)
    return {'val_map50': round(val, 4), 'test_map50': round(test, 4), 'train_loss': losses,
            'seconds': round(time.time() - t0, 2), 'train_seconds': round(train_s, 2)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seeds', type=int, nargs='*', default=[0, 1])
    ap.add_argument('--targets', nargs='*', default=list(SPEC))
    ap.add_argument('--check-splits', action='store_true', help='build and check the splits, train nothing')
    args = ap.parse_args()
    torch.set_num_threads(1)
    metrics = json.load(open(os.path.join(ZOO, 'metrics.json')))
    cache = {}
    t_start, done = time.time(), 0
    for seed in args.seeds:
        for target in args.targets:
            if target not in cache:
                cache[target] = canvas_split(target)
                print(target, json.dumps(cache[target][1]), flush=True)
            if args.check_splits:
                continue
            split, prov, c = cache[target]
            for model in sorted(metrics):
                state = torch.load(os.path.join(CKPT, f'{model}.pt'))
                for lr in LRS:
                    path = os.path.join(RUNS, target, model, f'seed{seed}_lr{lr:g}_wd{WD:g}.json')
                    if os.path.exists(path):
                        continue
                    r = finetune(metrics[model], state, c, split, seed, lr)
                    done += 1
                    print(f'{target} {model} seed {seed} lr {lr:g}: val {r["val_map50"]:.3f} test '
                          f'{r["test_map50"]:.3f} {r["seconds"]:.1f}s (total {time.time() - t_start:.0f}s, '
                          f'{done} runs)', flush=True)
                    write_json(path, {'task': 'detection', 'target': target, 'model': model, 'seed': seed,
                                      'lr': lr, 'wd': WD, **r, 'protocol': PROTOCOL, 'split': prov,
                                      'threads': torch.get_num_threads(), 'torch': torch.__version__})


if __name__ == '__main__':
    main()

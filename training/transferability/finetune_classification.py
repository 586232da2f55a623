"""Fine-tuning ground truth for the classification transferability benchmark.

  /usr/bin/python3 training/transferability/finetune_classification.py [--seeds 0 1] [--targets T ...]
      [--models M ...] [--time-one]

Protocol (fixed, stated; identical for every model and target):
  * start from the exact weights of the exported zoo model (training/zoo/checkpoints/classification),
    replace the head by a new nn.Linear(D, C_target) (PyTorch default init, seeded), fine-tune ALL weights;
  * SGD, momentum 0.9, batch 32, cosine decay to 0 over EPOCHS epochs, no augmentation;
  * grid: lr in LRS x weight decay in WDS; each config trained from the same start;
  * the config with the best final val accuracy (ties: first in grid order) gives the test accuracy;
  * seeds (head init + batch order): 0 and 1 by default; one thread (torch.set_num_threads(1)).
Splits: splits.py (disjoint from the committed probe sets, same pool and transform).
Each finished (target, model, seed, lr, wd) run is cached as its own JSON under
training/out/transferability/runs/classification/ and skipped when re-run (resume = run again).
Runs go seed-major (all targets for seed 0, then seed 1) so a cut-off run has full seed-0 tables.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'zoo'))
import archs  # noqa: E402
import data  # noqa: E402
import splits  # noqa: E402

ZOO = os.path.join(data.REPO, 'models', 'zoo', 'classification')
CKPT = os.path.join(data.REPO, 'training', 'zoo', 'checkpoints', 'classification')
RUNS = os.path.join(data.REPO, 'training', 'out', 'transferability', 'runs', 'classification')

EPOCHS = 4
BATCH = 32
MOMENTUM = 0.9
LRS = [0.03, 0.01]
WDS = [0.0, 5e-4]
PROTOCOL = {'optimizer': f'SGD momentum {MOMENTUM}', 'batch': BATCH, 'epochs': EPOCHS,
            'schedule': 'cosine to 0 (per step)', 'lr_grid': LRS, 'wd_grid': WDS, 'augmentation': 'none',
            'selection': 'best final val accuracy over the grid (ties: first in grid order); report its test accuracy',
            'init': 'zoo checkpoint, new linear head (seeded default init), all weights trained'}


def run_path(target, model, seed, lr, wd):
    return os.path.join(RUNS, target, model, f'seed{seed}_lr{lr:g}_wd{wd:g}.json')


def accuracy(model, x, y, bs=500):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(y), bs):
            correct += (model(x[i:i + bs]).argmax(1) == y[i:i + bs]).sum().item()
    return correct / len(y)


def finetune(arch, state, n_classes, tensors, seed, lr, wd, epochs=EPOCHS):
    xtr, ytr, xva, yva, xte, yte = tensors
    torch.manual_seed(seed)
    model = archs.build(arch, n_classes)
    body = {k[len('body.'):]: v for k, v in state.items() if k.startswith('body.')}
    model.body.load_state_dict(body)
    torch.manual_seed(seed)
    model.head = nn.Linear(model.head.in_features, n_classes)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=MOMENTUM, weight_decay=wd)
    steps = epochs * math.ceil(len(ytr) / BATCH)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
    g = torch.Generator().manual_seed(seed)
    t0 = time.time()
    losses = []
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(ytr), generator=g)
        tot = 0.0
        for i in range(0, len(ytr), BATCH):
            idx = perm[i:i + BATCH]
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(idx)
        losses.append(round(tot / len(ytr), 4))
    train_s = time.time() - t0
    finite = all(math.isfinite(v) for v in losses)
    return {'val_acc': round(accuracy(model, xva, yva), 4) if finite else 0.0,
            'test_acc': round(accuracy(model, xte, yte), 4) if finite else 0.0,
            'train_loss': losses, 'seconds': round(time.time() - t0, 2), 'train_seconds': round(train_s, 2)}


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(obj, f, indent=1)
        f.write('\n')
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seeds', type=int, nargs='*', default=[0, 1])
    ap.add_argument('--targets', nargs='*', default=list(splits.SPEC))
    ap.add_argument('--models', nargs='*')
    ap.add_argument('--time-one', action='store_true', help='time one run per grid config, write nothing')
    args = ap.parse_args()
    torch.set_num_threads(1)
    metrics = json.load(open(os.path.join(ZOO, 'metrics.json')))
    models = args.models or sorted(metrics)
    cache = {}
    t_start = time.time()
    done = 0
    for seed in args.seeds:
        for target in args.targets:
            if target not in cache:
                parts, prov = splits.finetune_split(target)
                t = []
                for p in ('train', 'val', 'test'):
                    t += [data.normalise(parts[p][0]), torch.from_numpy(parts[p][1])]
                cache[target] = (t, prov, int(parts['train'][1].max()) + 1)
            tensors, prov, n_classes = cache[target]
            for model in models:
                arch = metrics[model]['architecture']
                state = torch.load(os.path.join(CKPT, f'{model}.pt'))
                for lr in LRS:
                    for wd in WDS:
                        path = run_path(target, model, seed, lr, wd)
                        if os.path.exists(path) and not args.time_one:
                            continue
                        r = finetune(arch, state, n_classes, tensors, seed, lr, wd)
                        done += 1
                        print(f'{target} {model} seed {seed} lr {lr:g} wd {wd:g}: val {r["val_acc"]:.3f} '
                              f'test {r["test_acc"]:.3f} {r["seconds"]:.1f}s (total {time.time() - t_start:.0f}s, '
                              f'{done} runs)', flush=True)
                        if args.time_one:
                            continue
                        write_json(path, {'task': 'classification', 'target': target, 'model': model,
                                          'seed': seed, 'lr': lr, 'wd': wd, **r,
                                          'protocol': PROTOCOL, 'split': prov,
                                          'threads': torch.get_num_threads(), 'torch': torch.__version__})
                if args.time_one:
                    return


if __name__ == '__main__':
    main()

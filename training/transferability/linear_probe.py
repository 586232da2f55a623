"""Linear-probe ground truth: the zoo backbone FROZEN, only a new head trained (second regime beside fine-tuning).

  /usr/bin/python3 training/transferability/linear_probe.py [--task classification|detection|all]
      [--seeds 0 1 2] [--targets T ...] [--models M ...] [--time-one]
  /usr/bin/python3 training/transferability/linear_probe.py --collect     # -> results/linear_probe_runs.json

Same checkpoints (training/zoo/checkpoints/), same splits (splits.finetune_split,
finetune_detection.canvas_split), same preprocessing (data.normalise) and the same kind of new
head as the fine-tuning scripts; the difference is that the backbone is never updated.

Protocol (fixed, stated; identical for every model and target; set before any comparison with scores):
  * backbone in eval mode (BatchNorm uses the running statistics of its source training, no dropout
    anywhere in the zoo), run ONCE per (model, target) over train / val / test: it is frozen, so its
    output does not depend on the seed or on the head. The head is then trained on those outputs.
  * classification: new nn.Linear(D, C) on the pooled features (the layer the fine-tuning run starts
    from: torch.manual_seed(seed) then nn.Linear, PyTorch default init) on the features standardised
    with the train split's column mean / std (an affine map that folds into the head, so the same
    function class; without it SGD on raw features under-fits the small-scale models badly: one lr
    grid cannot fit feature scales that differ 10x); SGD momentum 0.9, batch 32, CLS_EPOCHS epochs,
    cosine decay to 0 per step, no augmentation; grid lr in CLS_LRS x weight decay in CLS_WDS; best final val accuracy (ties: first
    in grid order) gives the test accuracy.
  * detection: new CenterNet head (conv3x3 -> 32, ReLU, conv1x1 -> C+4; built exactly as in the
    fine-tuning run, so the same seeded init) on the frozen backbone's feature map, standardised per
    channel with the train canvases' mean / std (folds into the first conv except at the zero-padded
    border; without it the head had not converged after 150 epochs); AdamW, weight
    decay DET_WD, batch 32, DET_EPOCHS epochs, cosine decay to 0 per step; grid lr in DET_LRS; best val
    mAP@0.5 -> test mAP@0.5 (train_detectors.evaluate, the same VOC all-point AP as fine-tuning).
  * seeds (head init + batch order); one thread (torch.set_num_threads(1)).
Each finished (target, model, seed, lr, wd) run is cached as JSON under
training/out/transferability/runs-linear/{classification,detection}/ and skipped when re-run
(resume = run again); runs go seed-major. `seconds` = head training + evaluation wall time of the run;
`feature_seconds` = the backbone pass it reuses (once per model x target, same for every seed).
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'zoo'))
import archs  # noqa: E402
import data  # noqa: E402
import splits  # noqa: E402
from finetune_classification import write_json  # noqa: E402

RUNS = os.path.join(data.REPO, 'training', 'out', 'transferability', 'runs-linear')
SUMMARY = os.path.join(data.REPO, 'results', 'linear_probe_runs.json')
ZOO = {t: os.path.join(data.REPO, 'models', 'zoo', t) for t in ('classification', 'detection')}
CKPT = {t: os.path.join(data.REPO, 'training', 'zoo', 'checkpoints', t) for t in ('classification', 'detection')}

BATCH = 32
CLS_EPOCHS = 50
CLS_MOMENTUM = 0.9
CLS_LRS = [0.3, 0.1, 0.03]
CLS_WDS = [0.0, 1e-3]
DET_EPOCHS = 60
DET_LRS = [5e-3, 2e-3, 5e-4]
DET_WD = 1e-4
DET_STANDARDISE = True  # see the protocol note in the module docstring
FROZEN = 'zoo checkpoint backbone frozen in eval mode (BatchNorm running statistics of its source training), run once per model x target'
PROTOCOL = {
    'classification': {'regime': 'linear probe', 'optimizer': f'SGD momentum {CLS_MOMENTUM}', 'batch': BATCH,
                       'epochs': CLS_EPOCHS, 'schedule': 'cosine to 0 (per step)', 'lr_grid': CLS_LRS,
                       'wd_grid': CLS_WDS, 'augmentation': 'none', 'features': 'pooled features standardised by the train split column mean/std (constant column: std 1), folded into the linear head',
                       'selection': 'best final val accuracy over the grid (ties: first in grid order); report its test accuracy',
                       'init': FROZEN + '; new linear head (seeded default init, as fine-tuning), only the head trained'},
    'detection': {'regime': 'linear probe', 'optimizer': 'AdamW', 'batch': BATCH, 'epochs': DET_EPOCHS,
                  'schedule': 'cosine to 0 (per step)', 'lr_grid': DET_LRS, 'weight_decay': DET_WD,
                  'augmentation': 'none', 'canvases': {'train': 400, 'val': 100, 'test': 200},
                  'features': 'backbone feature map standardised per channel by the train canvases mean/std (constant channel: std 1)',
                  'selection': 'best val mAP@0.5 over the grid (ties: first); report its test mAP@0.5',
                  'init': FROZEN + '; new CenterNet head (seeded, as fine-tuning), only the head trained'},
}


def run_path(task, target, model, seed, lr, wd):
    return os.path.join(RUNS, task, target, model, f'seed{seed}_lr{lr:g}_wd{wd:g}.json')


def cosine(opt, steps):
    return torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))


# ---------------------------------------------------------------- classification

def cls_features(arch, state, n_classes, tensors):
    """Frozen body (eval mode) over train / val / test images -> pooled features, and the seconds it took."""
    model = archs.build(arch, n_classes)
    model.body.load_state_dict({k[len('body.'):]: v for k, v in state.items() if k.startswith('body.')})
    model.body.eval()
    t0 = time.time()
    out = []
    with torch.no_grad():
        for i, t in enumerate(tensors):
            out.append(torch.cat([model.body(t[j:j + 500]) for j in range(0, len(t), 500)]) if i % 2 == 0 else t)
    # standardised with the train split's column mean / std (constant columns: std 1): an affine map that
    # folds into the linear head (same function class), so one lr grid fits every model's feature scale
    mu, sd = out[0].mean(0), out[0].std(0)
    sd = torch.where(sd > 1e-6, sd, torch.ones_like(sd))
    for i in (0, 2, 4):
        out[i] = (out[i] - mu) / sd
    return out, model.head.in_features, time.time() - t0


def cls_probe(dim, n_classes, feats, seed, lr, wd):
    ftr, ytr, fva, yva, fte, yte = feats
    torch.manual_seed(seed)
    head = nn.Linear(dim, n_classes)
    opt = torch.optim.SGD(head.parameters(), lr=lr, momentum=CLS_MOMENTUM, weight_decay=wd)
    sched = cosine(opt, CLS_EPOCHS * math.ceil(len(ytr) / BATCH))
    g = torch.Generator().manual_seed(seed)
    t0 = time.time()
    losses = []
    for _ in range(CLS_EPOCHS):
        perm = torch.randperm(len(ytr), generator=g)
        tot = 0.0
        for i in range(0, len(ytr), BATCH):
            idx = perm[i:i + BATCH]
            loss = F.cross_entropy(head(ftr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(idx)
        losses.append(round(tot / len(ytr), 4))
    train_s = time.time() - t0
    finite = all(math.isfinite(v) for v in losses)
    with torch.no_grad():
        val = (head(fva).argmax(1) == yva).float().mean().item() if finite else 0.0
        test = (head(fte).argmax(1) == yte).float().mean().item() if finite else 0.0
    return {'val_acc': round(val, 4), 'test_acc': round(test, 4), 'train_loss': losses[-3:],
            'seconds': round(time.time() - t0, 3), 'train_seconds': round(train_s, 3)}


def run_classification(args):
    metrics = json.load(open(os.path.join(ZOO['classification'], 'metrics.json')))
    models = args.models or sorted(metrics)
    targets = args.targets or list(splits.SPEC)
    data_cache, feat_cache = {}, {}
    t_start, done = time.time(), 0
    for seed in args.seeds:
        for target in targets:
            if target not in data_cache:
                parts, prov = splits.finetune_split(target)
                t = []
                for p in ('train', 'val', 'test'):
                    t += [data.normalise(parts[p][0]), torch.from_numpy(parts[p][1])]
                data_cache[target] = (t, prov, int(parts['train'][1].max()) + 1)
            tensors, prov, n_classes = data_cache[target]
            for model in models:
                grid = [(lr, wd) for lr in CLS_LRS for wd in CLS_WDS]
                todo = [c for c in grid if args.time_one or not os.path.exists(run_path('classification', target, model, seed, *c))]
                if not todo:
                    continue
                if (target, model) not in feat_cache:
                    state = torch.load(os.path.join(CKPT['classification'], f'{model}.pt'))
                    feat_cache[(target, model)] = cls_features(metrics[model]['architecture'], state, n_classes, tensors)
                feats, dim, feat_s = feat_cache[(target, model)]
                for lr, wd in todo:
                    r = cls_probe(dim, n_classes, feats, seed, lr, wd)
                    done += 1
                    print(f'{target} {model} seed {seed} lr {lr:g} wd {wd:g}: val {r["val_acc"]:.3f} test {r["test_acc"]:.3f} '
                          f'{r["seconds"]:.2f}s (features {feat_s:.2f}s; total {time.time() - t_start:.0f}s, {done} runs)', flush=True)
                    if args.time_one:
                        continue
                    write_json(run_path('classification', target, model, seed, lr, wd),
                               {'task': 'classification', 'target': target, 'model': model, 'seed': seed, 'lr': lr,
                                'wd': wd, **r, 'feature_seconds': round(feat_s, 3), 'feature_dim': dim,
                                'protocol': PROTOCOL['classification'], 'split': prov,
                                'threads': torch.get_num_threads(), 'torch': torch.__version__})
                if args.time_one:
                    return


# ---------------------------------------------------------------- detection

def det_features(spec, state, c, split):
    """The frozen backbone (eval mode) over the train / val / test canvases -> feature maps, and the seconds it took."""
    import train_detectors as td
    model = td.CenterNet(spec['architecture']['backbone'], spec['architecture']['width'], c)
    model.backbone.load_state_dict({k[len('backbone.'):]: v for k, v in state.items() if k.startswith('backbone.')})
    model.backbone.eval()
    t0 = time.time()
    feats = {}
    with torch.no_grad():
        for name, (x, anns) in split.items():
            feats[name] = (torch.cat([model.backbone(x[j:j + 100]) for j in range(0, len(x), 100)]), anns)
    if DET_STANDARDISE:
        f = feats['train'][0]
        mu, sd = f.mean((0, 2, 3), keepdim=True), f.std((0, 2, 3), keepdim=True)
        sd = torch.where(sd > 1e-6, sd, torch.ones_like(sd))
        feats = {k: ((v - mu) / sd, a) for k, (v, a) in feats.items()}
    return feats, time.time() - t0


def det_head(spec, c, seed):
    """CenterNet built exactly as the fine-tuning run builds it after torch.manual_seed(seed) (so the new head
    has the same init), its backbone replaced by Identity: it reads the cached feature maps."""
    import train_detectors as td
    torch.manual_seed(seed)
    model = td.CenterNet(spec['architecture']['backbone'], spec['architecture']['width'], c)
    model.backbone = nn.Identity()
    return model


def det_probe(model, c, feats, seed, lr):
    import train_detectors as td
    ftr, atr = feats['train']
    heat, objs = td.targets(atr, c, model.stride)
    heat, objs = torch.from_numpy(heat), torch.from_numpy(objs)
    opt = torch.optim.AdamW(model.head.parameters(), lr=lr, weight_decay=DET_WD)
    sched = cosine(opt, DET_EPOCHS * math.ceil(len(atr) / BATCH))
    g = torch.Generator().manual_seed(seed)
    t0 = time.time()
    losses = []
    for _ in range(DET_EPOCHS):
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
            out, _ = model(ftr[idx])
            loss = td.loss_fn(out, heat[idx], o, c)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(idx)
        losses.append(round(tot / len(atr), 4))
    train_s = time.time() - t0
    finite = all(math.isfinite(v) for v in losses)
    val = td.evaluate(model, *feats['val'], c)[0] if finite else 0.0
    test = td.evaluate(model, *feats['test'], c)[0] if finite else 0.0
    return {'val_map50': round(val, 4), 'test_map50': round(test, 4), 'train_loss': losses[-3:],
            'seconds': round(time.time() - t0, 3), 'train_seconds': round(train_s, 3)}


def run_detection(args):
    import finetune_detection as fd
    metrics = json.load(open(os.path.join(ZOO['detection'], 'metrics.json')))
    models = args.models or sorted(metrics)
    targets = args.targets or list(fd.SPEC)
    cache, feats_cache = {}, {}
    t_start, done = time.time(), 0
    for seed in args.seeds:
        for target in targets:
            for model in models:
                todo = [lr for lr in DET_LRS if args.time_one or not os.path.exists(run_path('detection', target, model, seed, lr, DET_WD))]
                if not todo:
                    continue
                if target not in cache:
                    cache[target] = fd.canvas_split(target)
                split, prov, c = cache[target]
                if (target, model) not in feats_cache:
                    state = torch.load(os.path.join(CKPT['detection'], f'{model}.pt'))
                    feats_cache[(target, model)] = det_features(metrics[model], state, c, split)
                feats, feat_s = feats_cache[(target, model)]
                for lr in todo:
                    # every config starts from the same seeded head
                    r = det_probe(det_head(metrics[model], c, seed), c, feats, seed, lr)
                    done += 1
                    print(f'{target} {model} seed {seed} lr {lr:g}: val {r["val_map50"]:.3f} test {r["test_map50"]:.3f} '
                          f'{r["seconds"]:.1f}s (features {feat_s:.1f}s; total {time.time() - t_start:.0f}s, {done} runs)', flush=True)
                    if args.time_one:
                        continue
                    write_json(run_path('detection', target, model, seed, lr, DET_WD),
                               {'task': 'detection', 'target': target, 'model': model, 'seed': seed, 'lr': lr,
                                'wd': DET_WD, **r, 'feature_seconds': round(feat_s, 3),
                                'protocol': PROTOCOL['detection'], 'split': prov,
                                'threads': torch.get_num_threads(), 'torch': torch.__version__})
                if args.time_one:
                    return


# ---------------------------------------------------------------- summary

def _num(v):
    return int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 1e15 else v


def collect():
    """Every cached run -> results/linear_probe_runs.json, the shape of results/finetune_runs.json."""
    rows, protocol, split_prov, feat_s = {}, {}, {}, {}
    for root, _, files in os.walk(RUNS):
        for fn in files:
            if not fn.endswith('.json'):
                continue
            r = json.load(open(os.path.join(root, fn)))
            det = r['task'] == 'detection'
            row = [r['task'], r['target'], r['model'], r['seed'], r['lr'], r['wd'],
                   r['val_map50' if det else 'val_acc'], r['test_map50' if det else 'test_acc'], r['seconds']]
            row = [_num(v) for v in row]
            rows['|'.join(str(v) for v in row[:6])] = row
            protocol[r['task']] = r['protocol']
            split_prov[r['target']] = r['split']
            feat_s.setdefault(r['target'], {})[r['model']] = r['feature_seconds']
    runs = [rows[k] for k in sorted(rows)]
    out = {
        'description': 'Linear-probe runs: a second ground truth beside results/finetune_runs.json '
                       '(training/transferability/linear_probe.py). The zoo backbone is frozen (eval mode) and only a new head '
                       'is trained on the same splits. One row per (task, target, model, seed, lr, wd): val/test = accuracy '
                       '(classification) or mAP@0.5 (detection) after the fixed protocol; seconds = head training + evaluation '
                       'wall time on the shared 2-core machine, one thread (the frozen backbone pass, once per model x target, '
                       'is in feature_seconds).',
        'columns': ['task', 'target', 'model', 'seed', 'lr', 'wd', 'val', 'test', 'seconds'],
        'protocol': protocol,
        'splits': split_prov,
        'feature_seconds': {t: dict(sorted(v.items())) for t, v in sorted(feat_s.items())},
        'runs': runs,
    }
    dump = lambda v: json.dumps(v, ensure_ascii=False, separators=(',', ':'))  # noqa: E731
    body = ',\n'.join(f'  {json.dumps(k)}: ' + ('[\n' + ',\n'.join(f'    {dump(r)}' for r in v) + '\n  ]' if k == 'runs' else dump(v))
                      for k, v in out.items())
    tmp = SUMMARY + '.tmp'
    with open(tmp, 'w') as f:
        f.write('{\n' + body + '\n}\n')
    os.replace(tmp, SUMMARY)
    print(f'collected {len(runs)} runs into {os.path.relpath(SUMMARY, data.REPO)}')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--task', choices=['classification', 'detection', 'all'], default='all')
    ap.add_argument('--seeds', type=int, nargs='*', default=[0, 1, 2])
    ap.add_argument('--targets', nargs='*')
    ap.add_argument('--models', nargs='*')
    ap.add_argument('--time-one', action='store_true', help='time one grid (first target x model), write nothing')
    ap.add_argument('--collect', action='store_true', help='write results/linear_probe_runs.json from the cached runs')
    args = ap.parse_args()
    if args.collect:
        return collect()
    torch.set_num_threads(1)
    if args.task in ('classification', 'all'):
        run_classification(args)
    if args.task in ('detection', 'all'):
        run_detection(args)


if __name__ == '__main__':
    main()

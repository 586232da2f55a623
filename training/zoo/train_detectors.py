"""Trains the tiny demo detectors on synthetic canvases and exports them to models/zoo/detection/.

  /usr/bin/python3 training/zoo/train_detectors.py [--only NAME ...] [--force]

Each detector = backbone (feature map at a stated stride) + a single-scale
CenterNet-style head. ONNX outputs (input 'input' [N,3,64,64], ImageNet
normalisation of gray-replicated canvases):
  'head'     [N, C+4, H/S, W/S]: C class-centre heatmap logits (sigmoid -> score),
             then the centre's sub-cell offset (x, y, in cells) and log box size
             (log(w/S), log(h/S));
  'features' [N, F, H/S, W/S]: the backbone output the head reads (stride S).
mAP@0.5 on held-out canvases is computed by `evaluate` here (VOC all-point
interpolated AP per class, mean over classes; no pycocotools on Debian).
Resumable like train_classifiers.py. PyTorch weights go to training/zoo/checkpoints/detection/.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import archs  # noqa: E402
import data  # noqa: E402
import detection_data as dd  # noqa: E402
import onnx_export  # noqa: E402

OUT = os.path.join(data.REPO, 'models', 'zoo', 'detection')
# PyTorch weights of exactly the exported models, for fine-tuning (transferability ground truth).
CKPT = os.path.join(data.REPO, 'training', 'zoo', 'checkpoints', 'detection')
SIZE = 64


def backbone(kind, width):
    w = width
    if kind == 'plain':        # stride 4: VGG-like, strided stem then 3x3 convs and one max-pool
        return nn.Sequential(archs.conv_bn(3, w // 2, 2), archs.conv_bn(w // 2, w), nn.MaxPool2d(2),
                             archs.conv_bn(w, w), archs.conv_bn(w, w)), 4, w
    if kind == 'resnet':       # stride 4
        return nn.Sequential(archs.conv_bn(3, w // 2, 2), archs.BasicBlock(w // 2, w, 2),
                             archs.BasicBlock(w, w, 1), archs.BasicBlock(w, w, 1)), 4, w
    if kind == 'resnet_s8':    # stride 8
        return nn.Sequential(archs.conv_bn(3, w // 2, 2), archs.BasicBlock(w // 2, w, 2),
                             archs.BasicBlock(w, w, 2), archs.BasicBlock(w, w, 1)), 8, w
    if kind == 'mobilenet':    # stride 4
        return nn.Sequential(nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16),
                                           nn.ReLU6(inplace=True)),
                             archs.DWSep(16, w // 2, 1), archs.DWSep(w // 2, w, 2), archs.DWSep(w, w, 1),
                             archs.DWSep(w, w, 1)), 4, w
    raise ValueError(kind)


class CenterNet(nn.Module):
    def __init__(self, kind, width, num_classes):
        super().__init__()
        self.backbone, self.stride, f = backbone(kind, width)
        self.c = num_classes
        self.head = nn.Sequential(nn.Conv2d(f, 32, 3, 1, 1), nn.ReLU(inplace=True),
                                  nn.Conv2d(32, num_classes + 4, 1))
        nn.init.constant_(self.head[2].bias[:num_classes], -2.19)   # prior 0.1, as CenterNet

    def forward(self, x):
        f = self.backbone(x)
        return self.head(f), f


TOPS5 = [0, 1, 2, 3, 4]
SPECS = {
    'det_plain_fmnist_tops5': dict(backbone='plain', width=48, source='fashion', classes=TOPS5,
                                   canvases=2000, epochs=8, seed=21),
    'det_resnet_mnist': dict(backbone='resnet', width=48, source='mnist', classes=list(range(10)),
                             canvases=2000, epochs=8, seed=22),
    'det_mobilenet_fmnist10': dict(backbone='mobilenet', width=64, source='fashion', classes=list(range(10)),
                                   canvases=2000, epochs=8, seed=23),
    'det_resnet_s8_fmnist_tops5': dict(backbone='resnet_s8', width=48, source='fashion', classes=TOPS5,
                                       canvases=2000, epochs=8, seed=24),
    'det_plain_mnist_short': dict(backbone='plain', width=32, source='mnist', classes=list(range(10)),
                                  canvases=1000, epochs=4, seed=25),
}


def targets(anns, c, stride):
    """CenterNet targets: gaussian heatmaps [n,c,h,w], and per-object (image, cy, cx, off_x, off_y, lw, lh)."""
    h = SIZE // stride
    heat = np.zeros((len(anns), c, h, h), dtype=np.float32)
    objs = []
    yy, xx = np.mgrid[0:h, 0:h]
    for i, boxes in enumerate(anns):
        for x1, y1, x2, y2, k in boxes:
            cx, cy = (x1 + x2) / 2 / stride, (y1 + y2) / 2 / stride
            w, hh = (x2 - x1) / stride, (y2 - y1) / stride
            ix, iy = min(int(cx), h - 1), min(int(cy), h - 1)
            sx, sy = max(w / 6, 0.5), max(hh / 6, 0.5)
            g = np.exp(-((xx - ix) ** 2) / (2 * sx * sx) - ((yy - iy) ** 2) / (2 * sy * sy))
            heat[i, int(k)] = np.maximum(heat[i, int(k)], g)
            objs.append((i, iy, ix, cx - ix, cy - iy, np.log(w), np.log(hh), int(k)))
    return heat, np.asarray(objs, dtype=np.float32)


def loss_fn(out, heat, objs, c):
    logit = out[:, :c]
    p = torch.sigmoid(logit).clamp(1e-4, 1 - 1e-4)
    pos = heat.eq(1).float()
    neg = 1 - pos
    pl = -(torch.log(p) * (1 - p) ** 2 * pos).sum()
    nl = -(torch.log(1 - p) * p ** 2 * (1 - heat) ** 4 * neg).sum()
    npos = max(pos.sum().item(), 1.0)
    b, iy, ix = objs[:, 0].long(), objs[:, 1].long(), objs[:, 2].long()
    reg = out[b, c:, iy, ix]
    rl = F.l1_loss(reg, objs[:, 3:7], reduction='sum') / npos
    return (pl + nl) / npos + rl


def decode(head, c, stride, k=20, thresh=0.05):
    """head [n,c+4,h,w] -> list per image of (boxes [m,4] x1y1x2y2 px, scores [m], classes [m])."""
    p = torch.sigmoid(head[:, :c])
    peaks = (F.max_pool2d(p, 3, 1, 1) == p).float() * p
    n, _, h, w = p.shape
    res = []
    for i in range(n):
        s, idx = peaks[i].flatten().topk(min(k, c * h * w))
        keep = s > thresh
        s, idx = s[keep], idx[keep]
        cls = idx // (h * w)
        cell = idx % (h * w)
        iy, ix = cell // w, cell % w
        reg = head[i, c:, iy, ix]
        cx = (ix.float() + reg[0]) * stride
        cy = (iy.float() + reg[1]) * stride
        bw, bh = torch.exp(reg[2]) * stride, torch.exp(reg[3]) * stride
        boxes = torch.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], 1)
        res.append((boxes.numpy(), s.numpy(), cls.numpy()))
    return res


def average_precision(dets, anns, c, iou_thr=0.5):
    """VOC all-point interpolated AP at IoU iou_thr per class; returns (mAP over classes with GT, per-class AP)."""
    aps = {}
    for k in range(c):
        gts = {i: [b[:4] for b in boxes if int(b[4]) == k] for i, boxes in enumerate(anns)}
        npos = sum(len(v) for v in gts.values())
        if npos == 0:
            continue
        used = {i: [False] * len(v) for i, v in gts.items()}
        cand = [(s, i, b) for i, (bx, sc, cl) in enumerate(dets) for b, s, q in zip(bx, sc, cl) if q == k]
        cand.sort(key=lambda t: -t[0])
        tp = np.zeros(len(cand))
        for j, (_, i, b) in enumerate(cand):
            best, bi = 0.0, -1
            for g, gb in enumerate(gts[i]):
                o = dd.iou(tuple(b), tuple(gb))
                if o > best:
                    best, bi = o, g
            if best >= iou_thr and not used[i][bi]:
                used[i][bi] = True
                tp[j] = 1
        ctp = np.cumsum(tp)
        rec = ctp / npos
        prec = ctp / np.arange(1, len(cand) + 1)
        mrec = np.concatenate([[0.0], rec, [1.0]])
        mpre = np.concatenate([[0.0], prec, [0.0]])
        for q in range(len(mpre) - 2, -1, -1):
            mpre[q] = max(mpre[q], mpre[q + 1])
        idx = np.flatnonzero(mrec[1:] != mrec[:-1])
        aps[k] = float(np.sum((mrec[idx + 1] - mrec[idx]) * mpre[idx + 1]))
    return float(np.mean(list(aps.values()))), aps


def canvases(spec, part, n, seed):
    items, labels = dd.item_pool(spec['source'], part, spec['classes'])
    imgs, anns = dd.make_canvases(items, labels, n, seed=seed)
    return data.normalise(imgs), anns


def evaluate(model, x, anns, c):
    model.eval()
    dets = []
    with torch.no_grad():
        for i in range(0, len(x), 128):
            dets += decode(model(x[i:i + 128])[0], c, model.stride)
    return average_precision(dets, anns, c)


def train_one(name, spec):
    torch.manual_seed(spec['seed'])
    c = len(spec['classes'])
    xtr, atr = canvases(spec, 'train', spec['canvases'], spec['seed'])
    xva, ava = canvases(spec, 'val', 300, spec['seed'] + 1000)
    model = CenterNet(spec['backbone'], spec['width'], c)
    heat, objs = targets(atr, c, model.stride)
    heat = torch.from_numpy(heat)
    objs = torch.from_numpy(objs)
    params = sum(p.numel() for p in model.parameters())
    bs, epochs = 32, spec['epochs']
    steps = epochs * ((len(atr) + bs - 1) // bs)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps, pct_start=0.15)
    g = torch.Generator().manual_seed(spec['seed'])
    t0 = time.time()
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(len(atr), generator=g)
        tot = 0.0
        for i in range(0, len(atr), bs):
            idx = perm[i:i + bs]
            sel = torch.isin(objs[:, 0].long(), idx)
            o = objs[sel].clone()
            remap = torch.full((len(atr),), -1, dtype=torch.long)
            remap[idx] = torch.arange(len(idx))
            o[:, 0] = remap[o[:, 0].long()].float()
            out, _ = model(xtr[idx])
            loss = loss_fn(out, heat[idx], o, c)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(idx)
        print(f'  {name} epoch {ep + 1}/{epochs} loss {tot / len(atr):.4f} ({time.time() - t0:.0f}s)', flush=True)
    train_s = time.time() - t0
    map_val, per_class = evaluate(model, xva, ava, c)
    map_tr, _ = evaluate(model, xtr[:300], atr[:300], c)
    names = [data.FMNIST_CLASSES[k] for k in spec['classes']] if spec['source'] == 'fashion' \
        else [str(k) for k in spec['classes']]
    m = {
        'architecture': {'backbone': spec['backbone'], 'width': spec['width'], 'head': 'CenterNet-style, single scale'},
        'stride': model.stride, 'input_size': [SIZE, SIZE],
        'source': {'dataset': spec['source'], 'classes': spec['classes'], 'class_names': names,
                   'train_canvases': len(atr), 'val_canvases': len(ava),
                   'canvas': '64x64 black, 1-3 items of 16-30 px, IoU <= 0.2'},
        'epochs': epochs, 'batch_size': bs, 'optimizer': 'AdamW lr 2e-3 (one-cycle) wd 1e-4',
        'params': int(params), 'seed': spec['seed'],
        'train_map50': round(map_tr, 4), 'val_map50': round(map_val, 4),
        'val_ap50_per_class': {names[k]: round(v, 4) for k, v in per_class.items()},
        'train_seconds': round(train_s, 1), 'threads': torch.get_num_threads(),
    }
    return model, m, xva


def export_and_check(name, model, xva):
    path = os.path.join(OUT, f'{name}.onnx')
    om = onnx_export.export(model, path, (SIZE, SIZE), ['head', 'features'])
    g = torch.Generator().manual_seed(0)
    x = torch.cat([xva[:6], torch.randn(2, 3, SIZE, SIZE, generator=g)])
    model.eval()
    with torch.no_grad():
        h, f = model(x)
    diffs = onnx_export.verify(name, om, x.numpy(), {'head': h, 'features': f})
    return {'onnx_bytes': os.path.getsize(path), 'feature': 'features', 'feature_channels': int(f.shape[1]),
            'feature_map': list(f.shape[2:]), 'ort_max_abs_diff': diffs}


def write_json(path, obj):
    with open(path + '.tmp', 'w') as f:
        json.dump(obj, f, indent=2)
        f.write('\n')
    os.replace(path + '.tmp', path)


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
        print(f'{name}: params {m["params"]} mAP50 train {m["train_map50"]} val {m["val_map50"]} '
              f'{m["train_seconds"]}s onnx {m["onnx_bytes"]}B ort diff {m["ort_max_abs_diff"]}', flush=True)
        metrics[name] = m
        write_json(mpath, metrics)
        zoo = {'task': 'detection', 'feature': 'features', 'input_size': [SIZE, SIZE],
               'mean': [0.485, 0.456, 0.406], 'std': [0.229, 0.224, 0.225],
               'models': {n: {'stride': v['stride']} for n, v in sorted(metrics.items())}}
        write_json(os.path.join(OUT, 'zoo.json'), zoo)


if __name__ == '__main__':
    main()

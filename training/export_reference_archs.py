#!/usr/bin/python3
"""Export the issue-16 reference set: real architectures not in fixtures/models, as
stripped ONNX plus the expected facts taken from the papers.

    /usr/bin/python3 training/export_reference_archs.py [--only alexnet,unet] [--out fixtures/reference]

Every model is built here (our own PyTorch definitions written from the papers'
descriptions; a few come from torchvision 0.14 with weights=None), put in eval
mode and exported by training/export_torchvision.py's own pipeline (opset 13,
no constant folding, BN kept, weight data stripped, dims kept, shape
inference), which is reused by import: its `build` is swapped for ours.

fixtures/reference/expected.json holds, per model, what the PAPER says
(family, task, task_detail, ideas: written by hand below, before any rule
change, never read back from our tool) and PyTorch's own figures (params =
sum of p.numel() over parameters(), buffers, MACs, input shapes).
Resumable: an existing NAME.onnx is kept. One process, one torch thread.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import export_torchvision as etv  # noqa: E402  (the stripping / reference pipeline)

REPO = Path(__file__).resolve().parent.parent

# Coarse `task` (our task.guess values) from the paper's task (`task_detail`):
#   classification  image / point-cloud input → one class vector
#   detection       object boxes (anchors, grids, centre heatmaps) and keypoints (COCO "keypoint detection")
#   segmentation    a class per pixel
#   sequence        a token / time-step sequence in, a label out (text or sequence classification)
#   generation      new content out: images from a latent, image-to-image (super-resolution, reconstruction),
#                   autoregressive text (language modelling, translation) and audio
TASK_DETAILS = {
    "image_classification": "classification", "point_cloud_classification": "classification",
    "object_detection": "detection", "keypoints": "detection",
    "semantic_segmentation": "segmentation",
    "text_classification": "sequence", "sequence_classification": "sequence",
    "generation": "generation", "reconstruction": "generation", "super_resolution": "generation",
    "language_modelling": "generation", "seq2seq": "generation", "audio_generation": "generation",
}

# ---------------------------------------------------------------------------
# The idea vocabulary (ids of design ideas, issue 16), one line each.
IDEAS = {
    "plain_conv_stack": "a plain stack of conv + nonlinearity + pooling layers with no skip connections (AlexNet/VGG style)",
    "large_kernel_stem": "a first conv with a large kernel (≥7) and stride ≥2 that downsamples the input aggressively",
    "local_response_norm": "local response normalisation across channels",
    "mlpconv": "1×1 convs stacked after a spatial conv as a per-pixel MLP (Network in Network)",
    "global_average_pooling_head": "the classifier reads a global average pool of the last feature map (no large FC stack)",
    "inception_branches": "parallel branches with different kernel sizes (1×1, 3×3, 5×5, pooling) concatenated on channels",
    "factorised_convolution": "n×n convs factorised into 1×n and n×1 (asymmetric) convs",
    "auxiliary_classifier": "extra classifier heads on intermediate features for training",
    "residual": "an identity (or projection) shortcut added to a block's output",
    "bottleneck_residual": "residual block 1×1 reduce → 3×3 → 1×1 expand",
    "pre_activation_residual": "residual block with BN+ReLU before each conv, addition on the raw signal (identity mappings)",
    "wide_blocks": "residual blocks widened (more channels per block) instead of deeper",
    "grouped_convolution": "convolutions with 1 < groups < channels (cardinality)",
    "channel_shuffle": "channel shuffle (reshape-transpose-reshape) between grouped convs",
    "depthwise_separable": "a depthwise conv (groups = channels) followed by a pointwise 1×1 conv",
    "extreme_inception_flow": "Xception entry/middle/exit flows of separable convs with residual shortcuts",
    "inverted_residual": "expand 1×1 → depthwise → project 1×1 linear bottleneck, skip between narrow ends (MBConv)",
    "fused_mbconv": "the expand 1×1 + depthwise pair replaced by one full 3×3 conv (Fused-MBConv)",
    "squeeze_excitation": "global pool → FC reduce → FC expand → sigmoid channel gate multiplied into the features",
    "mixed_kernel_sizes_nas": "per-stage kernel sizes / expansions chosen by architecture search (3×3 and 5×5 mixed)",
    "hard_swish": "hard-swish / hard-sigmoid activations",
    "gelu": "GELU activations",
    "patch_embedding": "a conv (or reshape + linear) with kernel = stride cutting the image into non-overlapping patches",
    "class_token": "a learned class token prepended to the sequence whose output is the classifier input",
    "learned_position_embedding": "a learned position embedding added to the token embeddings",
    "sinusoidal_position_encoding": "fixed sinusoidal position encodings added to the token embeddings",
    "multi_head_self_attention": "multi-head scaled dot-product self-attention",
    "window_attention": "self-attention restricted to non-overlapping local windows",
    "shifted_windows": "alternate blocks cyclically shift the windows (roll) to connect neighbouring windows",
    "patch_merging": "2×2 neighbouring patches concatenated and linearly projected (downsampling in a transformer)",
    "relative_position_bias": "a learned bias indexed by relative position added to attention logits",
    "grid_attention": "attention over a sparse dilated grid of tokens across the whole image (MaxViT)",
    "token_mixing_mlp": "an MLP applied across the token axis (transpose, MLP, transpose back)",
    "channel_mixing_mlp": "an MLP applied per token across channels",
    "convmixer_block": "depthwise k×k conv with residual then pointwise conv, repeated at constant resolution after a patch stem",
    "layer_scale": "a learned per-channel scale on a residual branch",
    "layer_norm": "layer normalisation",
    "atrous_convolution": "dilated (atrous) convolutions in the backbone/head to keep resolution",
    "aspp": "atrous spatial pyramid pooling: parallel convs with different dilations + image pooling, concatenated",
    "fully_convolutional_head": "a 1×1 conv classifier over a feature map instead of FC layers, output per location",
    "encoder_decoder_skip_concat": "encoder–decoder whose decoder concatenates the encoder features of the same scale (U-Net)",
    "crop_and_concat": "skip features centre-cropped to the decoder size before concatenation (valid convs)",
    "feature_pyramid": "top-down pathway with lateral 1×1 connections summed into multi-scale feature maps (FPN)",
    "anchor_box_head": "head predicting per-anchor class scores and box offsets at every location",
    "grid_box_head": "a single S×S output grid of per-cell anchor boxes (x, y, w, h, objectness, classes) (YOLO)",
    "passthrough_reorg": "space-to-depth reorganisation of a finer feature map concatenated to a coarser one",
    "anchor_free_centre_head": "centre heatmap + size + offset maps per location, no anchors (CenterNet)",
    "keypoint_heatmap_head": "one heatmap channel per keypoint at reduced resolution",
    "transposed_conv_upsampling": "transposed convolutions that upsample feature maps",
    "resize_upsampling": "resize (bilinear or nearest) upsampling of feature maps or logits",
    "pixel_shuffle": "sub-pixel convolution: conv to r² × channels then depth-to-space",
    "latent_to_image_generator": "a latent vector projected and upsampled to an image, tanh output",
    "variational_latent": "encoder predicting mean and log-variance of a latent Gaussian",
    "conv_encoder_decoder": "a conv encoder to a bottleneck and a conv decoder back to image size",
    "shared_pointwise_mlp": "the same MLP applied to every point (1×1 Conv1d) over an unordered point set",
    "symmetric_max_pool": "max pooling over the point axis (order-invariant aggregation)",
    "transform_net": "a small subnetwork predicting a k×k matrix applied to the input or the features (T-Net)",
    "token_embedding": "an embedding table lookup of integer token ids",
    "recurrent_cell": "LSTM / GRU / RNN cells over a sequence",
    "lstm_gates": "LSTM cell: sigmoid input/forget/output gates and tanh candidate/cell",
    "gru_gates": "GRU cell: sigmoid update/reset gates and tanh candidate",
    "bidirectional": "the sequence is processed in both directions and the two states combined",
    "stacked_recurrent": "more than one recurrent layer stacked",
    "max_over_time_pooling": "max pooling over the whole time axis of conv features (TextCNN)",
    "parallel_kernel_widths": "parallel 1-D convs with different window widths concatenated",
    "dilated_causal_conv": "1-D convs padded on the left only with exponentially growing dilation",
    "gated_activation": "tanh(filter) ⊙ sigmoid(gate) activation unit",
    "skip_connections_to_output": "every layer's skip output summed into the output head (WaveNet)",
    "weight_norm": "weight normalisation of conv weights",
    "causal_mask": "attention masked so that position i only sees positions ≤ i",
    "cross_attention": "decoder attention whose keys/values come from the encoder output",
    "encoder_decoder_transformer": "a transformer encoder stack and a decoder stack",
    "pooler_cls": "the first token's final state through a dense tanh pooler for classification (BERT)",
    "segment_embedding": "a learned token-type / segment embedding added to token and position embeddings",
    "tied_embeddings": "the output projection shares the token embedding matrix",
    "dropout": "dropout layers",
    "batch_norm": "batch normalisation",
}

# ---------------------------------------------------------------------------
# Helpers for our own definitions.


def cbr(cin, cout, k, s=1, p=None, g=1, d=1, act=nn.ReLU, bias=False):
    if p is None:
        p = d * (k // 2)
    layers = [nn.Conv2d(cin, cout, k, s, p, dilation=d, groups=g, bias=bias), nn.BatchNorm2d(cout)]
    if act is not None:
        layers.append(act(inplace=True) if act in (nn.ReLU, nn.ReLU6, nn.LeakyReLU) else act())
    return nn.Sequential(*layers)


# --- MobileNet v1 (Howard et al. 2017) -------------------------------------
class MobileNetV1(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        cfg = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]
        layers, c = [cbr(3, 32, 3, 2)], 32
        for out, s in cfg:
            layers += [cbr(c, c, 3, s, g=c), cbr(c, out, 1)]
            c = out
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(1024, classes)

    def forward(self, x):
        return self.fc(F.adaptive_avg_pool2d(self.features(x), 1).flatten(1))


# --- Xception (Chollet 2017) ------------------------------------------------
class SepConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.dw = nn.Conv2d(cin, cin, 3, 1, 1, groups=cin, bias=False)
        self.pw = nn.Conv2d(cin, cout, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.pw(self.dw(x)))


class XceptionBlock(nn.Module):
    def __init__(self, cin, cout, reps, stride, first_relu=True, grow_first=True):
        super().__init__()
        layers, c = [], cin
        widths = [cout] * reps if grow_first else [cin] * (reps - 1) + [cout]
        for i, w in enumerate(widths):
            if i > 0 or first_relu:
                layers.append(nn.ReLU())
            layers.append(SepConv(c, w))
            c = w
        if stride != 1:
            layers.append(nn.MaxPool2d(3, stride, 1))
        self.body = nn.Sequential(*layers)
        self.skip = None
        if cout != cin or stride != 1:
            self.skip = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        return self.body(x) + (x if self.skip is None else self.skip(x))


class Xception(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        self.stem = nn.Sequential(cbr(3, 32, 3, 2, 0), cbr(32, 64, 3, 1, 0))
        self.entry = nn.Sequential(XceptionBlock(64, 128, 2, 2, first_relu=False), XceptionBlock(128, 256, 2, 2),
                                   XceptionBlock(256, 728, 2, 2))
        self.middle = nn.Sequential(*[XceptionBlock(728, 728, 3, 1) for _ in range(8)])
        self.exit = nn.Sequential(XceptionBlock(728, 1024, 2, 2, grow_first=False),
                                  SepConv(1024, 1536), nn.ReLU(), SepConv(1536, 2048), nn.ReLU())
        self.fc = nn.Linear(2048, classes)

    def forward(self, x):
        x = self.exit(self.middle(self.entry(self.stem(x))))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


# --- ConvMixer (Trockman & Kolter 2022, "Patches Are All You Need?") --------
class Residual(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x) + x


def conv_mixer(dim=768, depth=32, kernel=7, patch=7, classes=1000):
    return nn.Sequential(
        nn.Conv2d(3, dim, patch, patch), nn.GELU(), nn.BatchNorm2d(dim),
        *[nn.Sequential(Residual(nn.Sequential(nn.Conv2d(dim, dim, kernel, groups=dim, padding=kernel // 2), nn.GELU(), nn.BatchNorm2d(dim))),
                        nn.Conv2d(dim, dim, 1), nn.GELU(), nn.BatchNorm2d(dim)) for _ in range(depth)],
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(dim, classes))


# --- ShuffleNet v1 (Zhang et al. 2018), g = 3, 1× ---------------------------
def shuffle(x, g):
    b, c, h, w = x.shape
    return x.view(b, g, c // g, h, w).transpose(1, 2).reshape(b, c, h, w)


class ShuffleUnit(nn.Module):
    def __init__(self, cin, cout, stride, groups, first_group=True):
        super().__init__()
        self.stride, self.groups = stride, groups
        branch = cout - cin if stride == 2 else cout
        mid = cout // 4
        g1 = groups if first_group else 1
        self.gc1 = cbr(cin, mid, 1, g=g1)
        self.dw = cbr(mid, mid, 3, stride, g=mid, act=None)
        self.gc2 = cbr(mid, branch, 1, g=groups, act=None)

    def forward(self, x):
        y = self.gc2(self.dw(shuffle(self.gc1(x), self.groups)))
        if self.stride == 2:
            return F.relu(torch.cat([F.avg_pool2d(x, 3, 2, 1), y], 1))
        return F.relu(x + y)


class ShuffleNetV1(nn.Module):
    def __init__(self, groups=3, classes=1000):
        super().__init__()
        widths = {1: 144, 2: 200, 3: 240, 4: 272, 8: 384}[groups]
        self.stem = cbr(3, 24, 3, 2)
        stages, c = [], 24
        for i, reps in enumerate((4, 8, 4)):
            out = widths * 2 ** i
            for j in range(reps):
                stages.append(ShuffleUnit(c, out, 2 if j == 0 else 1, groups, first_group=not (i == 0 and j == 0)))
                c = out
        self.stages = nn.Sequential(*stages)
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        x = self.stages(F.max_pool2d(self.stem(x), 3, 2, 1))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


# --- Network in Network (Lin et al. 2014), CIFAR-10 ---------------------------
def nin():
    def mlpconv(cin, c1, c2, c3, k, p):
        return [nn.Conv2d(cin, c1, k, 1, p), nn.ReLU(True), nn.Conv2d(c1, c2, 1), nn.ReLU(True), nn.Conv2d(c2, c3, 1), nn.ReLU(True)]
    return nn.Sequential(*mlpconv(3, 192, 160, 96, 5, 2), nn.MaxPool2d(3, 2, 1), nn.Dropout(0.5),
                         *mlpconv(96, 192, 192, 192, 5, 2), nn.AvgPool2d(3, 2, 1), nn.Dropout(0.5),
                         *mlpconv(192, 192, 192, 10, 3, 1), nn.AdaptiveAvgPool2d(1), nn.Flatten())


# --- Pre-activation ResNet-18 (He et al. 2016, identity mappings), CIFAR ------
class PreActBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.bn1, self.conv1 = nn.BatchNorm2d(cin), nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn2, self.conv2 = nn.BatchNorm2d(cout), nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.short = nn.Conv2d(cin, cout, 1, stride, bias=False) if stride != 1 or cin != cout else None

    def forward(self, x):
        out = F.relu(self.bn1(x))
        sc = self.short(out) if self.short is not None else x
        out = self.conv1(out)
        out = self.conv2(F.relu(self.bn2(out)))
        return out + sc


class PreActResNet18(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.conv = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        layers, c = [], 64
        for i, w in enumerate((64, 128, 256, 512)):
            for j in range(2):
                layers.append(PreActBlock(c, w, 2 if (j == 0 and i > 0) else 1))
                c = w
        self.layers = nn.Sequential(*layers)
        self.bn = nn.BatchNorm2d(512)
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        x = F.relu(self.bn(self.layers(self.conv(x))))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


# --- MLP-Mixer B/16 (Tolstikhin et al. 2021) ----------------------------------
class MixerLayer(nn.Module):
    def __init__(self, tokens, dim, tok_hidden, ch_hidden):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.tok = nn.Sequential(nn.Linear(tokens, tok_hidden), nn.GELU(), nn.Linear(tok_hidden, tokens))
        self.ch = nn.Sequential(nn.Linear(dim, ch_hidden), nn.GELU(), nn.Linear(ch_hidden, dim))

    def forward(self, x):
        x = x + self.tok(self.ln1(x).transpose(1, 2)).transpose(1, 2)
        return x + self.ch(self.ln2(x))


class MLPMixerB16(nn.Module):
    def __init__(self, img=224, patch=16, dim=768, depth=12, tok_hidden=384, ch_hidden=3072, classes=1000):
        super().__init__()
        tokens = (img // patch) ** 2
        self.stem = nn.Conv2d(3, dim, patch, patch)
        self.layers = nn.Sequential(*[MixerLayer(tokens, dim, tok_hidden, ch_hidden) for _ in range(depth)])
        self.ln = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.stem(x).flatten(2).transpose(1, 2)
        return self.head(self.ln(self.layers(x)).mean(1))


# --- Original U-Net (Ronneberger et al. 2015): valid convs, crop and concat ---
class UNetOriginal(nn.Module):
    def __init__(self, in_ch=1, classes=2):
        super().__init__()

        def dc(a, b):
            return nn.Sequential(nn.Conv2d(a, b, 3), nn.ReLU(True), nn.Conv2d(b, b, 3), nn.ReLU(True))
        chs = [64, 128, 256, 512, 1024]
        self.down = nn.ModuleList()
        c = in_ch
        for w in chs:
            self.down.append(dc(c, w))
            c = w
        self.up, self.dec = nn.ModuleList(), nn.ModuleList()
        for w in reversed(chs[:-1]):
            self.up.append(nn.ConvTranspose2d(c, w, 2, 2))
            self.dec.append(dc(2 * w, w))
            c = w
        self.out = nn.Conv2d(64, classes, 1)

    def forward(self, x):
        skips = []
        for i, d in enumerate(self.down):
            x = d(x)
            if i < 4:
                skips.append(x)
                x = F.max_pool2d(x, 2)
        for up, dec in zip(self.up, self.dec):
            x = up(x)
            s = skips.pop()
            off = (s.shape[-1] - x.shape[-1]) // 2
            s = s[:, :, off:off + x.shape[-2], off:off + x.shape[-1]]
            x = dec(torch.cat([s, x], 1))
        return self.out(x)


# --- ResNet building blocks for the dense-prediction heads (our own) ----------
class Basic(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1, self.c2 = cbr(cin, cout, 3, stride), cbr(cout, cout, 3, act=None)
        self.down = cbr(cin, cout, 1, stride, act=None) if stride != 1 or cin != cout else None

    def forward(self, x):
        return F.relu(self.c2(self.c1(x)) + (x if self.down is None else self.down(x)))


class Bottleneck(nn.Module):
    def __init__(self, cin, mid, stride):
        super().__init__()
        cout = mid * 4
        self.body = nn.Sequential(cbr(cin, mid, 1), cbr(mid, mid, 3, stride), cbr(mid, cout, 1, act=None))
        self.down = cbr(cin, cout, 1, stride, act=None) if stride != 1 or cin != cout else None

    def forward(self, x):
        return F.relu(self.body(x) + (x if self.down is None else self.down(x)))


class ResNetBackbone(nn.Module):
    """ResNet-18 (basic) or ResNet-50 (bottleneck); returns C2..C5."""

    def __init__(self, depth=18):
        super().__init__()
        self.stem = cbr(3, 64, 7, 2)
        reps = {18: (2, 2, 2, 2), 50: (3, 4, 6, 3)}[depth]
        self.stages, c = nn.ModuleList(), 64
        for i, (n, w) in enumerate(zip(reps, (64, 128, 256, 512))):
            blocks = []
            for j in range(n):
                s = 2 if (j == 0 and i > 0) else 1
                if depth == 18:
                    blocks.append(Basic(c, w, s))
                    c = w
                else:
                    blocks.append(Bottleneck(c, w, s))
                    c = w * 4
            self.stages.append(nn.Sequential(*blocks))
        self.out_channels = c

    def forward(self, x):
        x = F.max_pool2d(self.stem(x), 3, 2, 1)
        feats = []
        for s in self.stages:
            x = s(x)
            feats.append(x)
        return feats


# --- RetinaNet (Lin et al. 2017): ResNet-50 + FPN P3–P7 + class/box subnets ---
class RetinaNet(nn.Module):
    def __init__(self, classes=80, anchors=9, ch=256):
        super().__init__()
        self.backbone = ResNetBackbone(50)
        self.lat = nn.ModuleList([nn.Conv2d(c, ch, 1) for c in (512, 1024, 2048)])
        self.smooth = nn.ModuleList([nn.Conv2d(ch, ch, 3, 1, 1) for _ in range(3)])
        self.p6 = nn.Conv2d(2048, ch, 3, 2, 1)
        self.p7 = nn.Conv2d(ch, ch, 3, 2, 1)

        def subnet(out):
            layers = []
            for _ in range(4):
                layers += [nn.Conv2d(ch, ch, 3, 1, 1), nn.ReLU(True)]
            return nn.Sequential(*layers, nn.Conv2d(ch, out, 3, 1, 1))
        self.cls = subnet(anchors * classes)
        self.box = subnet(anchors * 4)
        self.classes = classes

    def forward(self, x):
        _, c3, c4, c5 = self.backbone(x)
        p5 = self.lat[2](c5)
        p4 = self.lat[1](c4) + F.interpolate(p5, size=c4.shape[-2:], mode="nearest")
        p3 = self.lat[0](c3) + F.interpolate(p4, size=c3.shape[-2:], mode="nearest")
        p6 = self.p6(c5)
        p7 = self.p7(F.relu(p6))
        levels = [self.smooth[0](p3), self.smooth[1](p4), self.smooth[2](p5), p6, p7]
        b = x.shape[0]
        logits = torch.cat([self.cls(p).permute(0, 2, 3, 1).reshape(b, -1, self.classes) for p in levels], 1)
        boxes = torch.cat([self.box(p).permute(0, 2, 3, 1).reshape(b, -1, 4) for p in levels], 1)
        return logits, boxes


# --- YOLOv2 (Redmon & Farhadi 2017): Darknet-19 + passthrough, 5 anchors, VOC --
class YOLOv2(nn.Module):
    def __init__(self, anchors=5, classes=20):
        super().__init__()
        act = lambda inplace=True: nn.LeakyReLU(0.1, inplace)  # noqa: E731

        def c(a, b, k):
            return cbr(a, b, k, act=act)
        mp = nn.MaxPool2d(2, 2)
        self.part1 = nn.Sequential(c(3, 32, 3), mp, c(32, 64, 3), mp, c(64, 128, 3), c(128, 64, 1), c(64, 128, 3), mp,
                                   c(128, 256, 3), c(256, 128, 1), c(128, 256, 3), mp,
                                   c(256, 512, 3), c(512, 256, 1), c(256, 512, 3), c(512, 256, 1), c(256, 512, 3))
        self.part2 = nn.Sequential(mp, c(512, 1024, 3), c(1024, 512, 1), c(512, 1024, 3), c(1024, 512, 1), c(512, 1024, 3),
                                   c(1024, 1024, 3), c(1024, 1024, 3))
        self.pass_conv = c(512, 64, 1)
        self.final = c(1024 + 256, 1024, 3)
        self.pred = nn.Conv2d(1024, anchors * (5 + classes), 1)

    def forward(self, x):
        fine = self.part1(x)
        coarse = self.part2(fine)
        p = self.pass_conv(fine)
        b, ch, h, w = p.shape
        p = p.view(b, ch, h // 2, 2, w // 2, 2).permute(0, 3, 5, 1, 2, 4).reshape(b, ch * 4, h // 2, w // 2)
        return self.pred(self.final(torch.cat([p, coarse], 1)))


# --- Simple Baselines pose (Xiao et al. 2018): ResNet-50 + 3 deconvs, 17 heatmaps
class SimpleBaselinePose(nn.Module):
    def __init__(self, joints=17):
        super().__init__()
        self.backbone = ResNetBackbone(50)
        layers, c = [], 2048
        for _ in range(3):
            layers += [nn.ConvTranspose2d(c, 256, 4, 2, 1, bias=False), nn.BatchNorm2d(256), nn.ReLU(True)]
            c = 256
        self.deconv = nn.Sequential(*layers)
        self.final = nn.Conv2d(256, joints, 1)

    def forward(self, x):
        return self.final(self.deconv(self.backbone(x)[-1]))


# --- CenterNet (Zhou et al. 2019, "Objects as Points"): ResNet-18 + deconvs ---
class CenterNet(nn.Module):
    def __init__(self, classes=80):
        super().__init__()
        self.backbone = ResNetBackbone(18)
        layers, c = [], 512
        for w in (256, 128, 64):
            layers += [nn.ConvTranspose2d(c, w, 4, 2, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU(True)]
            c = w
        self.deconv = nn.Sequential(*layers)

        def head(out):
            return nn.Sequential(nn.Conv2d(64, 64, 3, 1, 1), nn.ReLU(True), nn.Conv2d(64, out, 1))
        self.hm, self.wh, self.reg = head(classes), head(2), head(2)

    def forward(self, x):
        f = self.deconv(self.backbone(x)[-1])
        return torch.sigmoid(self.hm(f)), self.wh(f), self.reg(f)


# --- DCGAN generator (Radford et al. 2016), 64×64 -----------------------------
class DCGANGen(nn.Module):
    def __init__(self, nz=100, ngf=64, nc=3):
        super().__init__()
        chans = [ngf * 8, ngf * 4, ngf * 2, ngf]
        layers = [nn.ConvTranspose2d(nz, chans[0], 4, 1, 0, bias=False), nn.BatchNorm2d(chans[0]), nn.ReLU(True)]
        for a, b in zip(chans, chans[1:]):
            layers += [nn.ConvTranspose2d(a, b, 4, 2, 1, bias=False), nn.BatchNorm2d(b), nn.ReLU(True)]
        layers += [nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, z):
        return self.net(z)


# --- Convolutional VAE (Kingma & Welling 2014, conv encoder/decoder), 64×64 ---
class ConvVAE64(nn.Module):
    def __init__(self, z=32):
        super().__init__()
        enc, c = [], 3
        for w in (32, 64, 128, 256):
            enc += [nn.Conv2d(c, w, 4, 2, 1), nn.LeakyReLU(0.2, True)]
            c = w
        self.enc = nn.Sequential(*enc)
        self.mu, self.logvar = nn.Linear(256 * 16, z), nn.Linear(256 * 16, z)
        self.fc = nn.Linear(z, 256 * 16)
        dec = []
        for w in (128, 64, 32):
            dec += [nn.ConvTranspose2d(c, w, 4, 2, 1), nn.ReLU(True)]
            c = w
        self.dec = nn.Sequential(*dec, nn.ConvTranspose2d(32, 3, 4, 2, 1), nn.Sigmoid())

    def forward(self, x):
        h = self.enc(x).flatten(1)
        mu, logvar = self.mu(h), self.logvar(h)
        zz = mu + torch.exp(0.5 * logvar) * 0.0  # eval: the mean (sampling noise off)
        return self.dec(self.fc(zz).view(-1, 256, 4, 4)), mu, logvar


# --- SRCNN (Dong et al. 2014) and ESPCN (Shi et al. 2016) --------------------
def srcnn():
    return nn.Sequential(nn.Conv2d(3, 64, 9, padding=4), nn.ReLU(True), nn.Conv2d(64, 32, 5, padding=2), nn.ReLU(True),
                         nn.Conv2d(32, 3, 5, padding=2))


def espcn(r=3):
    return nn.Sequential(nn.Conv2d(3, 64, 5, padding=2), nn.Tanh(), nn.Conv2d(64, 32, 3, padding=1), nn.Tanh(),
                         nn.Conv2d(32, 3 * r * r, 3, padding=1), nn.PixelShuffle(r))


# --- PointNet with T-Nets (Qi et al. 2017), classification --------------------
class TNet(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.k = k
        self.mlp = nn.Sequential(nn.Conv1d(k, 64, 1), nn.BatchNorm1d(64), nn.ReLU(), nn.Conv1d(64, 128, 1), nn.BatchNorm1d(128), nn.ReLU(),
                                 nn.Conv1d(128, 1024, 1), nn.BatchNorm1d(1024), nn.ReLU())
        self.fc = nn.Sequential(nn.Linear(1024, 512), nn.BatchNorm1d(512), nn.ReLU(), nn.Linear(512, 256), nn.BatchNorm1d(256), nn.ReLU(),
                                nn.Linear(256, k * k))

    def forward(self, x):
        m = self.fc(self.mlp(x).amax(-1)).view(-1, self.k, self.k)
        return m + torch.eye(self.k)


class PointNetTNet(nn.Module):
    def __init__(self, classes=40):
        super().__init__()
        self.t_in, self.t_feat = TNet(3), TNet(64)
        self.mlp1 = nn.Sequential(nn.Conv1d(3, 64, 1), nn.BatchNorm1d(64), nn.ReLU(), nn.Conv1d(64, 64, 1), nn.BatchNorm1d(64), nn.ReLU())
        self.mlp2 = nn.Sequential(nn.Conv1d(64, 64, 1), nn.BatchNorm1d(64), nn.ReLU(), nn.Conv1d(64, 128, 1), nn.BatchNorm1d(128), nn.ReLU(),
                                  nn.Conv1d(128, 1024, 1), nn.BatchNorm1d(1024), nn.ReLU())
        self.head = nn.Sequential(nn.Linear(1024, 512), nn.BatchNorm1d(512), nn.ReLU(), nn.Linear(512, 256), nn.Dropout(0.3),
                                  nn.BatchNorm1d(256), nn.ReLU(), nn.Linear(256, classes))

    def forward(self, pts):  # [B, 3, N]
        x = torch.bmm(self.t_in(pts), pts)
        x = self.mlp1(x)
        x = torch.bmm(self.t_feat(x), x)
        return self.head(self.mlp2(x).amax(-1))


# --- Sequence models -----------------------------------------------------------
class BiLSTMClassifier(nn.Module):
    """Bidirectional 2-layer LSTM text classifier (Graves & Schmidhuber 2005 BiLSTM; text use as in Zhou et al. 2016)."""

    def __init__(self, vocab=20000, emb=300, hidden=256, classes=5):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, num_layers=2, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(2 * hidden, classes)

    def forward(self, ids):
        out, _ = self.lstm(self.emb(ids))
        return self.fc(out[:, -1])


class GRULanguageModel(nn.Module):
    """Word-level GRU language model (Cho et al. 2014 GRU cell), 2 layers."""

    def __init__(self, vocab=10000, emb=512, hidden=512):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.gru = nn.GRU(emb, hidden, num_layers=2, batch_first=True, dropout=0.2)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, ids):
        h, _ = self.gru(self.emb(ids))
        return self.out(h)


class TCNBlock(nn.Module):
    def __init__(self, cin, cout, k, d):
        super().__init__()
        self.pad = (k - 1) * d
        self.c1 = nn.utils.weight_norm(nn.Conv1d(cin, cout, k, dilation=d))
        self.c2 = nn.utils.weight_norm(nn.Conv1d(cout, cout, k, dilation=d))
        self.down = nn.Conv1d(cin, cout, 1) if cin != cout else None
        self.drop = nn.Dropout(0.05)

    def forward(self, x):
        y = self.drop(F.relu(self.c1(F.pad(x, (self.pad, 0)))))
        y = self.drop(F.relu(self.c2(F.pad(y, (self.pad, 0)))))
        return F.relu(y + (x if self.down is None else self.down(x)))


class TCN(nn.Module):
    """TCN (Bai, Kolter & Koltun 2018) on sequential MNIST: 8 levels × 25 channels, kernel 7."""

    def __init__(self, levels=8, ch=25, k=7, classes=10):
        super().__init__()
        blocks, c = [], 1
        for i in range(levels):
            blocks.append(TCNBlock(c, ch, k, 2 ** i))
            c = ch
        self.net = nn.Sequential(*blocks)
        self.fc = nn.Linear(ch, classes)

    def forward(self, x):  # [B, 1, 784]
        return self.fc(self.net(x)[:, :, -1])


class WaveNetLayer(nn.Module):
    def __init__(self, res, skip, d, last=False):
        super().__init__()
        self.d = d
        self.filt = nn.Conv1d(res, res, 2, dilation=d)
        self.gate = nn.Conv1d(res, res, 2, dilation=d)
        # the last layer's residual output would feed nothing (only the skips reach the head): no 1×1 there
        self.res = None if last else nn.Conv1d(res, res, 1)
        self.skip = nn.Conv1d(res, skip, 1)

    def forward(self, x):
        xp = F.pad(x, (self.d, 0))
        z = torch.tanh(self.filt(xp)) * torch.sigmoid(self.gate(xp))
        return (None if self.res is None else x + self.res(z)), self.skip(z)


class WaveNet(nn.Module):
    """WaveNet (van den Oord et al. 2016): 256-way µ-law, 3 stacks of dilations 1..512."""

    def __init__(self, q=256, res=32, skip=256, stacks=3, layers=10):
        super().__init__()
        self.inp = nn.Conv1d(q, res, 2)
        self.layers = nn.ModuleList([WaveNetLayer(res, skip, 2 ** i, last=(s == stacks - 1 and i == layers - 1))
                                     for s in range(stacks) for i in range(layers)])
        self.post = nn.Sequential(nn.ReLU(), nn.Conv1d(skip, skip, 1), nn.ReLU(), nn.Conv1d(skip, q, 1))

    def forward(self, x):  # one-hot µ-law [B, 256, T]
        x = self.inp(F.pad(x, (1, 0)))
        total = 0
        for layer in self.layers:
            x, s = layer(x)
            total = total + s
        return self.post(total)


class TextCNNKim(nn.Module):
    """Kim 2014 CNN-rand: 300-d embeddings, filters 3/4/5 × 100, max-over-time, dropout 0.5."""

    def __init__(self, vocab=18000, emb=300, classes=2):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.convs = nn.ModuleList([nn.Conv1d(emb, 100, k) for k in (3, 4, 5)])
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(300, classes)

    def forward(self, ids):
        e = self.emb(ids).transpose(1, 2)
        h = torch.cat([F.relu(c(e)).amax(-1) for c in self.convs], 1)
        return self.fc(self.drop(h))


class SelfAttn(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.h = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, mask=None):
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.h, d // self.h).permute(2, 0, 3, 1, 4)
        att = q @ k.transpose(-1, -2) / math.sqrt(d // self.h)
        if mask is not None:
            att = att.masked_fill(mask, float("-inf"))
        return self.proj((att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d))


class PostLNLayer(nn.Module):
    """BERT/GPT-1 layer: attention + residual + LayerNorm, GELU FFN + residual + LayerNorm."""

    def __init__(self, dim, heads, ff):
        super().__init__()
        self.att = SelfAttn(dim, heads)
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.ff = nn.Sequential(nn.Linear(dim, ff), nn.GELU(), nn.Linear(ff, dim))
        self.drop = nn.Dropout(0.1)

    def forward(self, x, mask=None):
        x = self.ln1(x + self.drop(self.att(x, mask)))
        return self.ln2(x + self.drop(self.ff(x)))


class BertBase(nn.Module):
    """BERT-base (Devlin et al. 2019) with the pooler and a sentence-pair classifier."""

    def __init__(self, vocab=30522, dim=768, layers=12, heads=12, ff=3072, max_pos=512, classes=2):
        super().__init__()
        self.tok, self.pos, self.seg = nn.Embedding(vocab, dim), nn.Embedding(max_pos, dim), nn.Embedding(2, dim)
        self.ln = nn.LayerNorm(dim)
        self.layers = nn.ModuleList([PostLNLayer(dim, heads, ff) for _ in range(layers)])
        self.pooler = nn.Linear(dim, dim)
        self.cls = nn.Linear(dim, classes)

    def forward(self, ids, segments):
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.ln(self.tok(ids) + self.pos(pos) + self.seg(segments))
        for layer in self.layers:
            x = layer(x)
        return self.cls(torch.tanh(self.pooler(x[:, 0])))


class GPT1(nn.Module):
    """GPT-1 (Radford et al. 2018): 12 layers, 768, 12 heads, 512 positions, tied LM head."""

    def __init__(self, vocab=40478, dim=768, layers=12, heads=12, ff=3072, max_pos=512):
        super().__init__()
        self.tok, self.pos = nn.Embedding(vocab, dim), nn.Embedding(max_pos, dim)
        self.layers = nn.ModuleList([PostLNLayer(dim, heads, ff) for _ in range(layers)])

    def forward(self, ids):
        t = ids.shape[1]
        x = self.tok(ids) + self.pos(torch.arange(t).unsqueeze(0))
        pos = torch.arange(t)
        mask = pos.unsqueeze(0) > pos.unsqueeze(1)  # [i, j] = j > i: future positions (no triu in opset 13)
        for layer in self.layers:
            x = layer(x, mask)
        return x @ self.tok.weight.t()


class TransformerMT(nn.Module):
    """Transformer base (Vaswani et al. 2017): 6+6 layers, d 512, 8 heads, shared 37k vocab, tied output."""

    def __init__(self, vocab=37000, dim=512, heads=8, ff=2048, layers=6):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.core = nn.Transformer(dim, heads, layers, layers, ff, dropout=0.1, batch_first=True)
        self.dim, self.scale = dim, math.sqrt(dim)

    def encoding(self, n):
        """Sinusoidal position encoding, computed in the graph (sin on even, cos on odd features)."""
        pos = torch.arange(n).unsqueeze(1).float()
        div = torch.exp(torch.arange(0, self.dim, 2).float() * (-math.log(10000.0) / self.dim))
        return torch.stack([torch.sin(pos * div), torch.cos(pos * div)], -1).flatten(1)

    def forward(self, src, tgt):
        t = tgt.shape[1]
        pos = torch.arange(t)
        mask = torch.zeros(t, t).masked_fill(pos.unsqueeze(0) > pos.unsqueeze(1), float("-inf"))
        s = self.emb(src) * self.scale + self.encoding(src.shape[1])
        d = self.emb(tgt) * self.scale + self.encoding(t)
        return self.core(s, d, tgt_mask=mask) @ self.emb.weight.t()


# ---------------------------------------------------------------------------
def tv(name, **kw):
    import torchvision.models as tvm
    return tvm.get_model(name, weights=None, **kw)


class OutOnly(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        return self.m(x)["out"]


def img(c=3, h=224, w=None):
    return (1, c, h, w or h)


def toks(vocab, n=64):
    return torch.randint(0, vocab, (1, n))


# name: (builder, input shapes, input kind, input names, expected facts from the paper)
# input kind: "float" (randn) or "int:<vocab>" (token ids) per input.
SPECS = {
    "alexnet": dict(build=lambda: tv("alexnet"), inputs=[img()], family="alexnet", task="classification", task_detail="image_classification",
                    ideas=["plain_conv_stack", "large_kernel_stem", "dropout"],
                    source="Krizhevsky, Sutskever, Hinton: ImageNet Classification with Deep Convolutional Neural Networks (2012); torchvision variant (no LRN, no groups)"),
    "googlenet": dict(build=lambda: tv("googlenet", aux_logits=False, init_weights=False), inputs=[img()], family="googlenet", task="classification",
                      task_detail="image_classification", ideas=["inception_branches", "global_average_pooling_head", "large_kernel_stem", "batch_norm", "dropout"],
                      source="Szegedy et al.: Going Deeper with Convolutions (2015); torchvision variant with BN, auxiliary heads off"),
    "inception_v3": dict(build=lambda: tv("inception_v3", aux_logits=False, init_weights=False), inputs=[img(3, 299)], family="inception",
                         task="classification", task_detail="image_classification",
                         ideas=["inception_branches", "factorised_convolution", "global_average_pooling_head", "batch_norm", "dropout"],
                         source="Szegedy et al.: Rethinking the Inception Architecture for Computer Vision (2016); auxiliary head off"),
    "resnext50_32x4d": dict(build=lambda: tv("resnext50_32x4d"), inputs=[img()], family="resnext", task="classification", task_detail="image_classification",
                            ideas=["residual", "bottleneck_residual", "grouped_convolution", "large_kernel_stem", "global_average_pooling_head", "batch_norm"],
                            source="Xie et al.: Aggregated Residual Transformations for Deep Neural Networks (2017)"),
    "wide_resnet50_2": dict(build=lambda: tv("wide_resnet50_2"), inputs=[img()], family="wide_resnet", task="classification", task_detail="image_classification",
                            ideas=["residual", "bottleneck_residual", "wide_blocks", "large_kernel_stem", "global_average_pooling_head", "batch_norm"],
                            source="Zagoruyko & Komodakis: Wide Residual Networks (2016); ImageNet WRN-50-2 bottleneck form"),
    "mnasnet1_0": dict(build=lambda: tv("mnasnet1_0"), inputs=[img()], family="mnasnet", task="classification", task_detail="image_classification",
                       ideas=["inverted_residual", "depthwise_separable", "residual", "mixed_kernel_sizes_nas", "global_average_pooling_head", "batch_norm", "dropout"],
                       source="Tan et al.: MnasNet: Platform-Aware Neural Architecture Search for Mobile (2019); torchvision variant (no SE)"),
    "efficientnet_v2_s": dict(build=lambda: tv("efficientnet_v2_s"), inputs=[img()], family="efficientnet_v2", task="classification",
                              task_detail="image_classification",
                              ideas=["fused_mbconv", "inverted_residual", "depthwise_separable", "squeeze_excitation", "residual",
                                     "global_average_pooling_head", "batch_norm", "dropout"],
                              source="Tan & Le: EfficientNetV2: Smaller Models and Faster Training (2021)"),
    "swin_t": dict(build=lambda: tv("swin_t"), inputs=[img()], family="swin", task="classification", task_detail="image_classification",
                   ideas=["patch_embedding", "window_attention", "shifted_windows", "patch_merging", "relative_position_bias", "multi_head_self_attention",
                          "residual", "layer_norm", "gelu"],
                   source="Liu et al.: Swin Transformer: Hierarchical Vision Transformer using Shifted Windows (2021)"),
    "maxvit_t": dict(build=lambda: tv("maxvit_t"), inputs=[img()], family="maxvit", task="classification", task_detail="image_classification",
                     ideas=["window_attention", "grid_attention", "relative_position_bias", "inverted_residual", "depthwise_separable", "squeeze_excitation",
                            "multi_head_self_attention", "residual", "layer_norm", "batch_norm", "gelu"],
                     source="Tu et al.: MaxViT: Multi-Axis Vision Transformer (2022)"),
    "deeplabv3_resnet50": dict(build=lambda: OutOnly(tv("deeplabv3_resnet50", weights_backbone=None, aux_loss=False)), inputs=[img()], family="deeplab",
                               task="segmentation", task_detail="semantic_segmentation",
                               ideas=["atrous_convolution", "aspp", "residual", "bottleneck_residual", "fully_convolutional_head", "resize_upsampling", "batch_norm", "dropout"],
                               source="Chen et al.: Rethinking Atrous Convolution for Semantic Image Segmentation (DeepLabV3, 2017)"),
    "fcn_resnet50": dict(build=lambda: OutOnly(tv("fcn_resnet50", weights_backbone=None, aux_loss=False)), inputs=[img()], family="fcn",
                         task="segmentation", task_detail="semantic_segmentation",
                         ideas=["fully_convolutional_head", "resize_upsampling", "atrous_convolution", "residual", "bottleneck_residual", "batch_norm", "dropout"],
                         source="Long, Shelhamer, Darrell: Fully Convolutional Networks for Semantic Segmentation (2015); torchvision ResNet-50 variant"),
    "mobilenet_v1": dict(build=MobileNetV1, inputs=[img()], family="mobilenet_v1", task="classification", task_detail="image_classification",
                         ideas=["depthwise_separable", "plain_conv_stack", "global_average_pooling_head", "batch_norm"],
                         source="Howard et al.: MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications (2017)"),
    "xception": dict(build=Xception, inputs=[img(3, 299)], family="xception", task="classification", task_detail="image_classification",
                     ideas=["extreme_inception_flow", "depthwise_separable", "residual", "global_average_pooling_head", "batch_norm"],
                     source="Chollet: Xception: Deep Learning with Depthwise Separable Convolutions (2017)"),
    "convmixer_768_32": dict(build=conv_mixer, inputs=[img()], family="convmixer", task="classification", task_detail="image_classification",
                             ideas=["convmixer_block", "patch_embedding", "depthwise_separable", "residual", "global_average_pooling_head", "batch_norm", "gelu"],
                             source="Trockman & Kolter: Patches Are All You Need? (ConvMixer, 2022); ConvMixer-768/32, patch 7, kernel 7"),
    "shufflenet_v1_g3": dict(build=ShuffleNetV1, inputs=[img()], family="shufflenet", task="classification", task_detail="image_classification",
                             ideas=["channel_shuffle", "grouped_convolution", "depthwise_separable", "residual", "global_average_pooling_head", "batch_norm"],
                             source="Zhang et al.: ShuffleNet: An Extremely Efficient Convolutional Neural Network for Mobile Devices (2018); g = 3, 1×"),
    "nin_cifar10": dict(build=nin, inputs=[img(3, 32)], family="nin", task="classification", task_detail="image_classification",
                        ideas=["mlpconv", "global_average_pooling_head", "plain_conv_stack", "dropout"],
                        source="Lin, Chen, Yan: Network In Network (2014); CIFAR-10 model"),
    "preact_resnet18_cifar": dict(build=PreActResNet18, inputs=[img(3, 32)], family="resnet", task="classification",
                                  task_detail="image_classification",
                                  ideas=["residual", "pre_activation_residual", "global_average_pooling_head", "batch_norm"],
                                  source="He et al.: Identity Mappings in Deep Residual Networks (2016); 18-layer CIFAR form"),
    "mlp_mixer_b16": dict(build=MLPMixerB16, inputs=[img()], family="mlp_mixer", task="classification", task_detail="image_classification",
                          ideas=["patch_embedding", "token_mixing_mlp", "channel_mixing_mlp", "residual", "layer_norm", "gelu", "global_average_pooling_head"],
                          source="Tolstikhin et al.: MLP-Mixer: An all-MLP Architecture for Vision (2021); Mixer-B/16"),
    "unet_original": dict(build=UNetOriginal, inputs=[img(1, 572)], family="unet", task="segmentation", task_detail="semantic_segmentation",
                          ideas=["encoder_decoder_skip_concat", "crop_and_concat", "transposed_conv_upsampling", "fully_convolutional_head", "plain_conv_stack"],
                          source="Ronneberger, Fischer, Brox: U-Net: Convolutional Networks for Biomedical Image Segmentation (2015); 572² in, 388² out"),
    "retinanet_r50_fpn": dict(build=RetinaNet, inputs=[img(3, 256)], family="retinanet", task="detection", task_detail="object_detection",
                              ideas=["feature_pyramid", "anchor_box_head", "resize_upsampling", "residual", "bottleneck_residual", "large_kernel_stem", "batch_norm"],
                              source="Lin et al.: Focal Loss for Dense Object Detection (RetinaNet, 2017); raw head outputs, no box decoding"),
    "yolov2_voc": dict(build=YOLOv2, inputs=[img(3, 416)], family="yolo", task="detection", task_detail="object_detection",
                       ideas=["grid_box_head", "passthrough_reorg", "plain_conv_stack", "fully_convolutional_head", "batch_norm"],
                       source="Redmon & Farhadi: YOLO9000: Better, Faster, Stronger (YOLOv2, 2017); Darknet-19, 5 anchors, VOC"),
    "simple_baseline_pose_r50": dict(build=SimpleBaselinePose, inputs=[(1, 3, 256, 192)], family="pose_heatmap", task="detection",
                                     task_detail="keypoints",
                                     ideas=["keypoint_heatmap_head", "transposed_conv_upsampling", "residual", "bottleneck_residual", "large_kernel_stem",
                                            "batch_norm"],
                                     source="Xiao, Wu, Wei: Simple Baselines for Human Pose Estimation and Tracking (2018); ResNet-50, 17 COCO joints"),
    "centernet_r18": dict(build=CenterNet, inputs=[img(3, 256)], family="centernet", task="detection", task_detail="object_detection",
                          ideas=["anchor_free_centre_head", "transposed_conv_upsampling", "residual", "large_kernel_stem", "batch_norm"],
                          source="Zhou, Wang, Krähenbühl: Objects as Points (CenterNet, 2019); ResNet-18 + 3 deconvs"),
    "dcgan_generator": dict(build=DCGANGen, inputs=[(1, 100, 1, 1)], family="dcgan", task="generation", task_detail="generation",
                            ideas=["latent_to_image_generator", "transposed_conv_upsampling", "batch_norm"],
                            source="Radford, Metz, Chintala: Unsupervised Representation Learning with Deep Convolutional GANs (2016); 64×64 generator"),
    "conv_vae": dict(build=ConvVAE64, inputs=[img(3, 64)], family="vae", task="generation", task_detail="reconstruction",
                     ideas=["variational_latent", "conv_encoder_decoder", "transposed_conv_upsampling"],
                     source="Kingma & Welling: Auto-Encoding Variational Bayes (2014); convolutional encoder/decoder, 64×64"),
    "srcnn": dict(build=srcnn, inputs=[img(3, 96)], family="srcnn", task="generation", task_detail="super_resolution",
                  ideas=["plain_conv_stack"],
                  source="Dong et al.: Learning a Deep Convolutional Network for Image Super-Resolution (SRCNN, 2014); 9-5-5, RGB"),
    "espcn_x3": dict(build=espcn, inputs=[img(3, 64)], family="espcn", task="generation", task_detail="super_resolution",
                     ideas=["pixel_shuffle", "plain_conv_stack"],
                     source="Shi et al.: Real-Time Single Image and Video Super-Resolution Using an Efficient Sub-Pixel CNN (ESPCN, 2016); ×3"),
    "pointnet_tnet": dict(build=PointNetTNet, inputs=[(1, 3, 1024)], family="pointnet", task="classification", task_detail="point_cloud_classification",
                          ideas=["shared_pointwise_mlp", "symmetric_max_pool", "transform_net", "batch_norm", "dropout"],
                          source="Qi et al.: PointNet: Deep Learning on Point Sets for 3D Classification and Segmentation (2017); with input and feature T-Nets"),
    "bilstm_text_classifier": dict(build=BiLSTMClassifier, inputs=[(1, 64)], kinds=["int:20000"], family="lstm", task="sequence",
                                   task_detail="text_classification",
                                   ideas=["token_embedding", "recurrent_cell", "lstm_gates", "bidirectional", "stacked_recurrent"],
                                   source="Graves & Schmidhuber: Framewise Phoneme Classification with Bidirectional LSTM (2005); 2-layer BiLSTM text classifier"),
    "gru_language_model": dict(build=GRULanguageModel, inputs=[(1, 64)], kinds=["int:10000"], family="gru", task="generation",
                               task_detail="language_modelling",
                               ideas=["token_embedding", "recurrent_cell", "gru_gates", "stacked_recurrent", "dropout"],
                               source="Cho et al.: Learning Phrase Representations using RNN Encoder-Decoder (GRU, 2014); 2-layer word-level LM"),
    "tcn_seq_mnist": dict(build=TCN, inputs=[(1, 1, 784)], family="tcn", task="sequence", task_detail="sequence_classification",
                          ideas=["dilated_causal_conv", "residual", "weight_norm", "dropout"],
                          source="Bai, Kolter, Koltun: An Empirical Evaluation of Generic Convolutional and Recurrent Networks for Sequence Modeling (TCN, 2018)"),
    "wavenet": dict(build=WaveNet, inputs=[(1, 256, 1024)], family="wavenet", task="generation", task_detail="audio_generation",
                    ideas=["dilated_causal_conv", "gated_activation", "residual", "skip_connections_to_output"],
                    source="van den Oord et al.: WaveNet: A Generative Model for Raw Audio (2016); 3 stacks × dilations 1..512, µ-law 256"),
    "textcnn_kim": dict(build=TextCNNKim, inputs=[(1, 64)], kinds=["int:18000"], family="textcnn", task="sequence", task_detail="text_classification",
                        ideas=["token_embedding", "parallel_kernel_widths", "max_over_time_pooling", "dropout"],
                        source="Kim: Convolutional Neural Networks for Sentence Classification (2014); CNN-rand"),
    "bert_base": dict(build=BertBase, inputs=[(1, 128), (1, 128)], kinds=["int:30522", "int:2"], names=["input_ids", "token_type_ids"],
                      family="bert", task="sequence", task_detail="text_classification",
                      ideas=["token_embedding", "learned_position_embedding", "segment_embedding", "multi_head_self_attention", "residual", "layer_norm",
                             "gelu", "pooler_cls", "dropout"],
                      source="Devlin et al.: BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding (2019); BERT-base + pooler + classifier"),
    "gpt1": dict(build=GPT1, inputs=[(1, 128)], kinds=["int:40478"], family="gpt", task="generation", task_detail="language_modelling",
                 ideas=["token_embedding", "learned_position_embedding", "multi_head_self_attention", "causal_mask", "residual", "layer_norm", "gelu",
                        "tied_embeddings", "dropout"],
                 source="Radford et al.: Improving Language Understanding by Generative Pre-Training (GPT, 2018)"),
    "transformer_base_mt": dict(build=TransformerMT, inputs=[(1, 32), (1, 32)], kinds=["int:37000", "int:37000"], names=["src", "tgt"],
                                family="transformer", task="generation", task_detail="seq2seq",
                                ideas=["token_embedding", "sinusoidal_position_encoding", "encoder_decoder_transformer", "multi_head_self_attention",
                                       "cross_attention", "causal_mask", "residual", "layer_norm", "tied_embeddings", "dropout"],
                                source="Vaswani et al.: Attention Is All You Need (2017); base model, shared source/target vocabulary"),
}


def example(spec):
    kinds = spec.get("kinds") or ["float"] * len(spec["inputs"])
    xs = []
    for shape, kind in zip(spec["inputs"], kinds):
        if kind.startswith("int:"):
            xs.append(torch.randint(0, int(kind[4:]), shape))
        else:
            xs.append(torch.randn(*shape))
    return tuple(xs)


def make_build(specs):
    def build(name):
        spec = specs[name]
        torch.manual_seed(0)
        model = spec["build"]()
        names = spec.get("names") or (["input"] if len(spec["inputs"]) == 1 else [f"input{i}" for i in range(len(spec["inputs"]))])
        return model, example(spec), names, spec["task"], tuple(spec["inputs"][0])
    return build


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--out", default=str(REPO / "fixtures" / "reference"))
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    etv.build = make_build(SPECS)  # the pipeline's build(), swapped for ours
    exp_path = out / "expected.json"
    doc = json.loads(exp_path.read_text()) if exp_path.exists() else {}
    models = doc.get("models", {})
    names = [n for n in a.only.split(",") if n] or list(SPECS)
    failed = []
    for name in names:
        spec = SPECS[name]
        t0 = time.time()
        try:
            ref = etv.export_one(name, out)
        except Exception as e:  # noqa: BLE001
            print(f"{name}: FAILED {type(e).__name__}: {e}", file=sys.stderr, flush=True)
            failed.append(name)
            for p in (out / f"{name}.tmp.onnx", out / f"{name}.onnx"):
                if p.exists() and p.name.endswith(".tmp.onnx"):
                    p.unlink()
            continue
        import onnx
        m = onnx.load(str(out / f"{name}.onnx"))
        doc_string = f"issue-16 reference model {name}: structure only, weight data stripped, dims kept ({spec['source']})"
        if m.doc_string != doc_string:
            m.doc_string = doc_string
            onnx.save(m, str(out / f"{name}.onnx"))
        prev = models.get(name, {})
        entry = dict(
            family=spec["family"], task=spec["task"], task_detail=spec["task_detail"], ideas=spec["ideas"], source=spec["source"],
            input=[list(s) for s in spec["inputs"]],
            input_kinds=spec.get("kinds") or ["float"] * len(spec["inputs"]),
            params=ref["params"], buffers=ref["buffers"], bn_layers=ref["bn_layers"], macs=ref["macs"], opset=ref["opset"],
            onnx_nodes=ref["onnx_nodes"], file=f"{name}.onnx", bytes=(out / f"{name}.onnx").stat().st_size,
        )
        if "known_issue" in prev:
            entry["known_issue"] = prev["known_issue"]
        assert TASK_DETAILS[spec["task_detail"]] == spec["task"], f"{name}: task {spec['task']} vs detail {spec['task_detail']}"
        unknown = [i for i in spec["ideas"] if i not in IDEAS]
        assert not unknown, f"{name}: ideas not in the vocabulary: {unknown}"
        models[name] = entry
        doc = {
            "about": "issue-16 reference set: expected family / task / task_detail / ideas written from each paper before any rule change; "
                     "params, buffers, macs from PyTorch (sum of numel over parameters(); see training/export_torchvision.py). "
                     "Made by /usr/bin/python3 training/export_reference_archs.py",
            "task_details": TASK_DETAILS,
            "idea_vocabulary": IDEAS,
            "models": dict(sorted(models.items())),
        }
        tmp = exp_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
        os.replace(tmp, exp_path)
        print(f"{name}: params {ref['params']:,} macs {ref['macs']:,} {entry['bytes']:,} bytes {time.time() - t0:.1f}s", flush=True)
    if failed:
        print("FAILED: " + ",".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Small classifier architectures for the demo zoo.

Every classifier is `features(x) -> [N, D]` followed by ONE nn.Linear `head`,
so the exported graph's last Gemm takes the feature tensor as input (what
`etran rank` auto-detects as "the input of the last linear layer").
Attention in the ViT is written with plain matmuls so that it exports to
opset 13 without torch's fused fast path.
"""
import torch
import torch.nn as nn


class Classifier(nn.Module):
    def __init__(self, body, dim, num_classes):
        super().__init__()
        self.body = body
        self.head = nn.Linear(dim, num_classes)

    def forward(self, x):
        return self.head(self.body(x))


def conv_bn(cin, cout, stride=1, groups=1, k=3):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


def plain_cnn(widths, convs_per_stage=1, bn=True):
    """VGG-style: stages of 3x3 convs, 2x2 max-pool between stages, global average pool."""
    layers, cin = [], 3
    for i, w in enumerate(widths):
        for _ in range(convs_per_stage):
            if bn:
                layers.append(conv_bn(cin, w))
            else:
                layers += [nn.Conv2d(cin, w, 3, 1, 1), nn.ReLU(inplace=True)]
            cin = w
        if i < len(widths) - 1:
            layers.append(nn.MaxPool2d(2))
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers), cin


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = conv_bn(cin, cout, stride)
        self.c2 = nn.Sequential(nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
        self.skip = (nn.Identity() if stride == 1 and cin == cout else
                     nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)))
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.act(self.c2(self.c1(x)) + self.skip(x))


def resnet(widths, blocks_per_stage=1, stem=16):
    """ResNet-style: stem conv, then stages of BasicBlocks (first block of each later stage strides 2)."""
    layers, cin = [conv_bn(3, stem)], stem
    for i, w in enumerate(widths):
        for b in range(blocks_per_stage):
            layers.append(BasicBlock(cin, w, 2 if (i > 0 and b == 0) else 1))
            cin = w
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers), cin


class DWSep(nn.Module):
    """MobileNet-v1 block: depthwise 3x3 + pointwise 1x1, each with BN + ReLU6."""
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.dw = nn.Sequential(nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False),
                                nn.BatchNorm2d(cin), nn.ReLU6(inplace=True))
        self.pw = nn.Sequential(nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout),
                                nn.ReLU6(inplace=True))

    def forward(self, x):
        return self.pw(self.dw(x))


def mobilenet(cfg, stem=16):
    """cfg: list of (out_channels, stride)."""
    layers, cin = [nn.Sequential(nn.Conv2d(3, stem, 3, 2, 1, bias=False), nn.BatchNorm2d(stem),
                                 nn.ReLU6(inplace=True))], stem
    for cout, s in cfg:
        layers.append(DWSep(cin, cout, s))
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers), cin


def mlp(hidden, pool=2):
    """Average-pool by `pool` (keeps the first layer small), flatten, ReLU MLP; the last hidden layer is the feature."""
    layers, cin = [nn.AvgPool2d(pool), nn.Flatten()], 3 * (32 // pool) ** 2
    for h in hidden:
        layers += [nn.Linear(cin, h), nn.ReLU(inplace=True)]
        cin = h
    return nn.Sequential(*layers), cin


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.h, self.d = heads, dim // heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        n, t, c = x.shape
        qkv = self.qkv(x).reshape(n, t, 3, self.h, self.d).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = torch.softmax(torch.matmul(q, k.transpose(-2, -1)) * (self.d ** -0.5), dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(n, t, c)
        return self.proj(y)


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio=2):
        super().__init__()
        self.n1, self.n2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.att = Attention(dim, heads)
        self.mlp = nn.Sequential(nn.Linear(dim, dim * mlp_ratio), nn.GELU(), nn.Linear(dim * mlp_ratio, dim))

    def forward(self, x):
        x = x + self.att(self.n1(x))
        return x + self.mlp(self.n2(x))


class ViTBody(nn.Module):
    """Patch embedding (conv, patch p), learned positions, pre-norm blocks, final LayerNorm, mean over tokens."""
    def __init__(self, dim=64, depth=2, heads=4, patch=4, size=32):
        super().__init__()
        self.embed = nn.Conv2d(3, dim, patch, patch)
        self.pos = nn.Parameter(torch.randn(1, (size // patch) ** 2, dim) * 0.02)
        self.blocks = nn.Sequential(*[Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)

    def forward(self, x):
        x = self.embed(x).flatten(2).transpose(1, 2) + self.pos
        return self.norm(self.blocks(x)).mean(dim=1)


def vit(dim=64, depth=2, heads=4, patch=4):
    return ViTBody(dim, depth, heads, patch), dim


def build(arch, num_classes):
    """arch: dict with 'type' and its keyword arguments."""
    kind = arch['type']
    kw = {k: v for k, v in arch.items() if k != 'type'}
    body, dim = {'plain_cnn': plain_cnn, 'resnet': resnet, 'mobilenet': mobilenet,
                 'mlp': mlp, 'vit': vit}[kind](**kw)
    return Classifier(body, dim, num_classes)

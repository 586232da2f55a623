"""Architectures written from their papers in plain PyTorch, for the ArchBERT
real-architecture set (export_real.py). Only the structure matters (weights
are random); every block follows the cited paper's description so that the
op inventory, connectivity and shapes are what a practitioner would export.

Each builder returns (module, example_inputs: tuple, input_names: list).
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

SEQ = 32  # token sequence length for text models (small: export speed only)


def _tokens(vocab: int, length: int = SEQ) -> torch.Tensor:
    g = torch.Generator().manual_seed(0)
    return torch.randint(0, vocab, (1, length), generator=g, dtype=torch.long)


# ---------------------------------------------------------------- recurrent
class RNNTextClassifier(nn.Module):
    """Embedding → (bi)LSTM / GRU / Elman RNN stack → last state → linear
    (e.g. Hochreiter & Schmidhuber 1997; Cho et al. 2014; Elman 1990)."""

    def __init__(self, cell: str, vocab: int, emb: int, hidden: int, layers: int,
                 bidirectional: bool, classes: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb)
        rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
        self.rnn = rnn(emb, hidden, num_layers=layers, batch_first=True, bidirectional=bidirectional)
        self.dropout = nn.Dropout(0.3)
        self.fc = nn.Linear(hidden * (2 if bidirectional else 1), classes)

    def forward(self, ids):
        out, _ = self.rnn(self.embedding(ids))
        return self.fc(self.dropout(out[:, -1]))


class RNNLanguageModel(nn.Module):
    """Word-level LSTM language model (Zaremba et al. 2014) with optional tied weights."""

    def __init__(self, cell: str, vocab: int, hidden: int, layers: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab, hidden)
        rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
        self.rnn = rnn(hidden, hidden, num_layers=layers, batch_first=True)
        self.decoder = nn.Linear(hidden, vocab)

    def forward(self, ids):
        out, _ = self.rnn(self.embedding(ids))
        return self.decoder(out)


class Seq2SeqAttention(nn.Module):
    """Encoder–decoder with additive attention (Bahdanau et al. 2015), GRU cells,
    bidirectional encoder, decoder unrolled over a teacher-forced target."""

    def __init__(self, vocab: int, emb: int, hidden: int, tgt_len: int = 8):
        super().__init__()
        self.tgt_len = tgt_len
        self.src_emb = nn.Embedding(vocab, emb)
        self.tgt_emb = nn.Embedding(vocab, emb)
        self.encoder = nn.GRU(emb, hidden, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * hidden, hidden)
        self.attn_w = nn.Linear(2 * hidden, hidden, bias=False)
        self.attn_u = nn.Linear(hidden, hidden)
        self.attn_v = nn.Linear(hidden, 1, bias=False)
        self.cell = nn.GRUCell(emb + 2 * hidden, hidden)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, src, tgt):
        enc, _ = self.encoder(self.src_emb(src))
        h = torch.tanh(self.bridge(enc.mean(1)))
        keys = self.attn_w(enc)
        logits = []
        emb = self.tgt_emb(tgt)
        for t in range(self.tgt_len):
            score = self.attn_v(torch.tanh(keys + self.attn_u(h).unsqueeze(1))).squeeze(-1)
            ctx = torch.bmm(F.softmax(score, -1).unsqueeze(1), enc).squeeze(1)
            h = self.cell(torch.cat([emb[:, t], ctx], -1), h)
            logits.append(self.out(h))
        return torch.stack(logits, 1)


# ---------------------------------------------------------------- attention
class MultiHeadSelfAttention(nn.Module):
    """Scaled dot-product multi-head attention (Vaswani et al. 2017), written
    out so the export shows MatMul/Softmax rather than a fused kernel."""

    def __init__(self, dim: int, heads: int, causal: bool = False):
        super().__init__()
        self.heads, self.dk, self.causal = heads, dim // heads, causal
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.o = nn.Linear(dim, dim)

    def split(self, x):
        b, n, _ = x.shape
        return x.view(b, n, self.heads, self.dk).transpose(1, 2)

    def forward(self, x, memory=None):
        kv = x if memory is None else memory
        q, k, v = self.split(self.q(x)), self.split(self.k(kv)), self.split(self.v(kv))
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.dk)
        if self.causal:
            n = x.shape[1]
            mask = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)
            scores = scores.masked_fill(mask, float("-inf"))
        a = F.softmax(scores, -1) @ v
        b, h, n, d = a.shape
        return self.o(a.transpose(1, 2).reshape(b, n, h * d))


class FeedForward(nn.Module):
    def __init__(self, dim: int, hidden: int, act: str = "relu"):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU() if act == "gelu" else nn.ReLU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class EncoderLayer(nn.Module):
    def __init__(self, dim, heads, ff, act="relu", pre_norm=False, causal=False):
        super().__init__()
        self.attn = MultiHeadSelfAttention(dim, heads, causal)
        self.ff = FeedForward(dim, ff, act)
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.pre_norm = pre_norm

    def forward(self, x):
        if self.pre_norm:  # GPT-2 style
            x = x + self.attn(self.ln1(x))
            return x + self.ff(self.ln2(x))
        x = self.ln1(x + self.attn(x))  # post-norm: original Transformer / BERT
        return self.ln2(x + self.ff(x))


class DecoderLayer(nn.Module):
    def __init__(self, dim, heads, ff):
        super().__init__()
        self.self_attn = MultiHeadSelfAttention(dim, heads, causal=True)
        self.cross_attn = MultiHeadSelfAttention(dim, heads)
        self.ff = FeedForward(dim, ff)
        self.ln1, self.ln2, self.ln3 = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)

    def forward(self, x, memory):
        x = self.ln1(x + self.self_attn(x))
        x = self.ln2(x + self.cross_attn(x, memory))
        return self.ln3(x + self.ff(x))


def sinusoid(n: int, dim: int) -> torch.Tensor:
    pos = torch.arange(n).unsqueeze(1).float()
    div = torch.exp(torch.arange(0, dim, 2).float() * (-math.log(10000.0) / dim))
    pe = torch.zeros(n, dim)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe


class TransformerSeq2Seq(nn.Module):
    """The original encoder–decoder Transformer (Vaswani et al. 2017)."""

    def __init__(self, vocab, dim, heads, ff, enc_layers, dec_layers):
        super().__init__()
        self.src_emb = nn.Embedding(vocab, dim)
        self.tgt_emb = nn.Embedding(vocab, dim)
        self.register_buffer("pe", sinusoid(512, dim))
        self.encoder = nn.ModuleList(EncoderLayer(dim, heads, ff) for _ in range(enc_layers))
        self.decoder = nn.ModuleList(DecoderLayer(dim, heads, ff) for _ in range(dec_layers))
        self.generator = nn.Linear(dim, vocab)
        self.scale = math.sqrt(dim)

    def forward(self, src, tgt):
        x = self.src_emb(src) * self.scale + self.pe[: src.shape[1]]
        for layer in self.encoder:
            x = layer(x)
        y = self.tgt_emb(tgt) * self.scale + self.pe[: tgt.shape[1]]
        for layer in self.decoder:
            y = layer(y, x)
        return self.generator(y)


class BertLike(nn.Module):
    """BERT (Devlin et al. 2019): token + position + segment embeddings, LayerNorm,
    post-norm GELU encoder stack, pooler (tanh on [CLS]) and a classifier head."""

    def __init__(self, vocab, dim, heads, layers, ff, classes=2, max_len=512):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(max_len, dim)
        self.seg = nn.Embedding(2, dim)
        self.ln = nn.LayerNorm(dim)
        self.layers = nn.ModuleList(EncoderLayer(dim, heads, ff, act="gelu") for _ in range(layers))
        self.pooler = nn.Linear(dim, dim)
        self.classifier = nn.Linear(dim, classes)

    def forward(self, ids):
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.ln(self.tok(ids) + self.pos(pos) + self.seg(torch.zeros_like(ids)))
        for layer in self.layers:
            x = layer(x)
        return self.classifier(torch.tanh(self.pooler(x[:, 0])))


class GptLike(nn.Module):
    """GPT-2 (Radford et al. 2019): learned positions, pre-norm causal blocks,
    final LayerNorm, LM head tied in spirit (separate Linear here)."""

    def __init__(self, vocab, dim, heads, layers, max_len=1024):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(max_len, dim)
        self.layers = nn.ModuleList(
            EncoderLayer(dim, heads, 4 * dim, act="gelu", pre_norm=True, causal=True) for _ in range(layers))
        self.ln_f = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, vocab, bias=False)

    def forward(self, ids):
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.tok(ids) + self.pos(pos)
        for layer in self.layers:
            x = layer(x)
        return self.head(self.ln_f(x))


# ---------------------------------------------------------------- vision
class DoubleConv(nn.Sequential):
    def __init__(self, cin, cout, bn=True):
        layers = [nn.Conv2d(cin, cout, 3, padding=1, bias=not bn)]
        if bn:
            layers.append(nn.BatchNorm2d(cout))
        layers += [nn.ReLU(inplace=True), nn.Conv2d(cout, cout, 3, padding=1, bias=not bn)]
        if bn:
            layers.append(nn.BatchNorm2d(cout))
        layers.append(nn.ReLU(inplace=True))
        super().__init__(*layers)


class UNet(nn.Module):
    """U-Net (Ronneberger et al. 2015): contracting path of double 3×3 convs and
    max-pooling, expanding path of 2×2 transposed convs concatenated with the
    skip features, 1×1 output conv."""

    def __init__(self, in_ch=3, classes=2, base=64, depth=4, bn=True):
        super().__init__()
        chs = [base * 2 ** i for i in range(depth + 1)]
        self.downs = nn.ModuleList()
        c = in_ch
        for ch in chs:
            self.downs.append(DoubleConv(c, ch, bn))
            c = ch
        self.ups = nn.ModuleList()
        self.up_convs = nn.ModuleList()
        for ch in reversed(chs[:-1]):
            self.ups.append(nn.ConvTranspose2d(c, ch, 2, stride=2))
            self.up_convs.append(DoubleConv(2 * ch, ch, bn))
            c = ch
        self.out = nn.Conv2d(c, classes, 1)

    def forward(self, x):
        skips = []
        for i, down in enumerate(self.downs):
            x = down(x)
            if i < len(self.downs) - 1:
                skips.append(x)
                x = F.max_pool2d(x, 2)
        for up, conv in zip(self.ups, self.up_convs):
            x = up(x)
            x = conv(torch.cat([skips.pop(), x], 1))
        return self.out(x)


class MixerBlock(nn.Module):
    def __init__(self, tokens, dim, token_mlp, channel_mlp):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.token_mlp = FeedForward(tokens, token_mlp, "gelu")
        self.ln2 = nn.LayerNorm(dim)
        self.channel_mlp = FeedForward(dim, channel_mlp, "gelu")

    def forward(self, x):
        x = x + self.token_mlp(self.ln1(x).transpose(1, 2)).transpose(1, 2)
        return x + self.channel_mlp(self.ln2(x))


class MLPMixer(nn.Module):
    """MLP-Mixer (Tolstikhin et al. 2021): patch embedding conv, token-mixing and
    channel-mixing MLPs with LayerNorm and skip connections, global average pool."""

    def __init__(self, image=224, patch=16, dim=512, depth=8, token_mlp=256, channel_mlp=2048, classes=1000):
        super().__init__()
        tokens = (image // patch) ** 2
        self.stem = nn.Conv2d(3, dim, patch, stride=patch)
        self.blocks = nn.Sequential(*[MixerBlock(tokens, dim, token_mlp, channel_mlp) for _ in range(depth)])
        self.ln = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.stem(x).flatten(2).transpose(1, 2)
        return self.head(self.ln(self.blocks(x)).mean(1))


class MLPAutoencoder(nn.Module):
    """Fully connected autoencoder (Hinton & Salakhutdinov 2006)."""

    def __init__(self, dims=(784, 256, 64, 16)):
        super().__init__()
        enc, dec = [], []
        for a, b in zip(dims[:-1], dims[1:]):
            enc += [nn.Linear(a, b), nn.ReLU()]
        rev = list(reversed(dims))
        for a, b in zip(rev[:-1], rev[1:]):
            dec += [nn.Linear(a, b), nn.ReLU()]
        dec[-1] = nn.Sigmoid()
        self.encoder, self.decoder = nn.Sequential(*enc[:-1]), nn.Sequential(*dec)

    def forward(self, x):
        return self.decoder(self.encoder(x))


class ConvAutoencoder(nn.Module):
    """Convolutional autoencoder: strided convs down, transposed convs up."""

    def __init__(self, in_ch=1, widths=(32, 64)):
        super().__init__()
        enc, c = [], in_ch
        for w in widths:
            enc += [nn.Conv2d(c, w, 3, stride=2, padding=1), nn.ReLU()]
            c = w
        dec = []
        for w in list(reversed(widths[:-1])) + [in_ch]:
            dec += [nn.ConvTranspose2d(c, w, 3, stride=2, padding=1, output_padding=1), nn.ReLU()]
            c = w
        dec[-1] = nn.Sigmoid()
        self.encoder, self.decoder = nn.Sequential(*enc), nn.Sequential(*dec)

    def forward(self, x):
        return self.decoder(self.encoder(x))


class ConvVAE(nn.Module):
    """Variational autoencoder (Kingma & Welling 2014) with conv encoder/decoder;
    reparameterisation uses a fixed noise input so the export is deterministic."""

    def __init__(self, in_ch=1, latent=16, width=32):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(in_ch, width, 4, 2, 1), nn.ReLU(),
                                 nn.Conv2d(width, 2 * width, 4, 2, 1), nn.ReLU(), nn.Flatten())
        self.mu = nn.Linear(2 * width * 7 * 7, latent)
        self.logvar = nn.Linear(2 * width * 7 * 7, latent)
        self.fc = nn.Linear(latent, 2 * width * 7 * 7)
        self.dec = nn.Sequential(nn.ConvTranspose2d(2 * width, width, 4, 2, 1), nn.ReLU(),
                                 nn.ConvTranspose2d(width, in_ch, 4, 2, 1), nn.Sigmoid())
        self.width = width

    def forward(self, x, eps):
        h = self.enc(x)
        z = self.mu(h) + eps * torch.exp(0.5 * self.logvar(h))
        return self.dec(self.fc(z).view(-1, 2 * self.width, 7, 7))


class DCGANGenerator(nn.Module):
    """DCGAN generator (Radford et al. 2016): transposed convs, BN, ReLU, tanh."""

    def __init__(self, nz=100, ngf=64, nc=3, layers=4):
        super().__init__()
        mods, c = [], ngf * 2 ** (layers - 1)
        mods += [nn.ConvTranspose2d(nz, c, 4, 1, 0, bias=False), nn.BatchNorm2d(c), nn.ReLU(True)]
        for _ in range(layers - 1):
            mods += [nn.ConvTranspose2d(c, c // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(c // 2), nn.ReLU(True)]
            c //= 2
        mods += [nn.ConvTranspose2d(c, nc, 4, 2, 1, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*mods)

    def forward(self, z):
        return self.main(z)


class DCGANDiscriminator(nn.Module):
    """DCGAN discriminator: strided convs, BN, LeakyReLU, sigmoid."""

    def __init__(self, ndf=64, nc=3, layers=4):
        super().__init__()
        mods = [nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True)]
        c = ndf
        for _ in range(layers - 1):
            mods += [nn.Conv2d(c, c * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(c * 2), nn.LeakyReLU(0.2, True)]
            c *= 2
        mods += [nn.Conv2d(c, 1, 4, 1, 0, bias=False), nn.Sigmoid()]
        self.main = nn.Sequential(*mods)

    def forward(self, x):
        return self.main(x).flatten(1)


class TemporalBlock(nn.Module):
    def __init__(self, cin, cout, k, dilation):
        super().__init__()
        pad = (k - 1) * dilation
        self.pad = pad
        self.conv1 = nn.Conv1d(cin, cout, k, padding=pad, dilation=dilation)
        self.conv2 = nn.Conv1d(cout, cout, k, padding=pad, dilation=dilation)
        self.down = nn.Conv1d(cin, cout, 1) if cin != cout else None

    def forward(self, x):
        n = x.shape[-1]
        y = F.relu(self.conv1(x)[..., :n])  # chomp: keep the layer causal
        y = F.relu(self.conv2(y)[..., :n])
        return F.relu(y + (x if self.down is None else self.down(x)))


class TCN(nn.Module):
    """Temporal convolutional network (Bai, Kolter & Koltun 2018): causal dilated
    1-D convs with residual connections, dilation doubling per level."""

    def __init__(self, in_ch=1, channels=25, levels=8, k=7, classes=10):
        super().__init__()
        blocks, c = [], in_ch
        for i in range(levels):
            blocks.append(TemporalBlock(c, channels, k, 2 ** i))
            c = channels
        self.net = nn.Sequential(*blocks)
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        return self.fc(self.net(x)[:, :, -1])


class WaveNetLike(nn.Module):
    """WaveNet (van den Oord et al. 2016): gated (tanh × sigmoid) dilated causal
    convs with residual and skip 1×1 convs."""

    def __init__(self, channels=32, layers=10, classes=256):
        super().__init__()
        self.inp = nn.Conv1d(1, channels, 1)
        self.filt = nn.ModuleList(nn.Conv1d(channels, channels, 2, dilation=2 ** (i % 10), padding=2 ** (i % 10)) for i in range(layers))
        self.gate = nn.ModuleList(nn.Conv1d(channels, channels, 2, dilation=2 ** (i % 10), padding=2 ** (i % 10)) for i in range(layers))
        self.res = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in range(layers))
        self.skip = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in range(layers))
        self.out1 = nn.Conv1d(channels, channels, 1)
        self.out2 = nn.Conv1d(channels, classes, 1)

    def forward(self, x):
        n = x.shape[-1]
        x = self.inp(x)
        skip = 0
        for f, g, r, s in zip(self.filt, self.gate, self.res, self.skip):
            h = torch.tanh(f(x)[..., :n]) * torch.sigmoid(g(x)[..., :n])
            skip = skip + s(h)
            x = x + r(h)
        return self.out2(F.relu(self.out1(F.relu(skip))))


class LeNet5(nn.Module):
    """LeNet-5 (LeCun et al. 1998) with tanh and average pooling."""

    def __init__(self, classes=10, c1=6, c2=16):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, c1, 5, padding=2), nn.Tanh(), nn.AvgPool2d(2),
                                      nn.Conv2d(c1, c2, 5), nn.Tanh(), nn.AvgPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(c2 * 25, 120), nn.Tanh(),
                                        nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


class BasicBlockCifar(nn.Module):
    def __init__(self, cin, cout, stride, widen_dropout=0.0, preact=False):
        super().__init__()
        self.preact = preact
        self.bn1 = nn.BatchNorm2d(cin if preact else cout)
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.drop = nn.Dropout(widen_dropout) if widen_dropout else nn.Identity()
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                       *([] if preact else [nn.BatchNorm2d(cout)]))

    def forward(self, x):
        if self.preact:  # pre-activation order (He et al. 2016b), used by Wide ResNets
            o = F.relu(self.bn1(x))
            y = self.conv1(o)
            y = self.conv2(self.drop(F.relu(self.bn2(y))))
            return y + (x if self.short is None else self.short(o))
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.short is None else self.short(x)))


class CifarResNet(nn.Module):
    """ResNet-6n+2 for CIFAR (He et al. 2016 §4.2) and Wide ResNet-d-k
    (Zagoruyko & Komodakis 2016) when widen > 1 / preact."""

    def __init__(self, n: int, widen: int = 1, preact: bool = False, classes: int = 10):
        super().__init__()
        widths = [16 * widen, 32 * widen, 64 * widen]
        self.stem = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.stem_bn = None if preact else nn.BatchNorm2d(16)
        blocks, c = [], 16
        for i, w in enumerate(widths):
            for j in range(n):
                blocks.append(BasicBlockCifar(c, w, 2 if (j == 0 and i > 0) else 1, 0.3 if preact else 0.0, preact))
                c = w
        self.blocks = nn.Sequential(*blocks)
        self.final_bn = nn.BatchNorm2d(c) if preact else None
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        x = self.stem(x)
        if self.stem_bn is not None:
            x = F.relu(self.stem_bn(x))
        x = self.blocks(x)
        if self.final_bn is not None:
            x = F.relu(self.final_bn(x))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


class TextCNN(nn.Module):
    """CNN for sentence classification (Kim 2014): parallel 1-D convs of several
    widths over word embeddings, max-over-time pooling, dropout, linear."""

    def __init__(self, vocab=20000, emb=128, filters=100, widths=(3, 4, 5), classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb)
        self.convs = nn.ModuleList(nn.Conv1d(emb, filters, w) for w in widths)
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(filters * len(widths), classes)

    def forward(self, ids):
        x = self.embedding(ids).transpose(1, 2)
        pooled = [F.relu(c(x)).amax(-1) for c in self.convs]
        return self.fc(self.dropout(torch.cat(pooled, 1)))


class PointNet(nn.Module):
    """PointNet classifier (Qi et al. 2017) without the T-Nets: shared per-point
    MLP as 1×1 Conv1d + BN + ReLU, global max pool, MLP head."""

    def __init__(self, widths=(64, 128, 1024), classes=40):
        super().__init__()
        layers, c = [], 3
        for w in widths:
            layers += [nn.Conv1d(c, w, 1), nn.BatchNorm1d(w), nn.ReLU()]
            c = w
        self.point_mlp = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Linear(c, 512), nn.BatchNorm1d(512), nn.ReLU(),
                                  nn.Linear(512, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Dropout(0.3),
                                  nn.Linear(256, classes))

    def forward(self, pts):
        return self.head(self.point_mlp(pts).amax(-1))


class MLPClassifier(nn.Module):
    """Plain multilayer perceptron (Rumelhart et al. 1986)."""

    def __init__(self, dims=(784, 512, 256, 10), act="relu"):
        super().__init__()
        layers = []
        for a, b in zip(dims[:-2], dims[1:-1]):
            layers += [nn.Linear(a, b), nn.ReLU() if act == "relu" else nn.Sigmoid()]
        layers.append(nn.Linear(dims[-2], dims[-1]))
        self.net = nn.Sequential(nn.Flatten(), *layers)

    def forward(self, x):
        return self.net(x)


# ---------------------------------------------------------------- registry
def _img(c=3, s=64):
    return torch.randn(1, c, s, s)


def paper_specs():
    """(name, family, variant, task, builder) for every paper model variant."""
    specs = []

    def add(name, family, variant, task, fn):
        specs.append((name, family, variant, task, fn))

    V = 10000
    for cell, fam in (("lstm", "LSTM"), ("gru", "GRU"), ("rnn", "RNN")):
        for layers, hidden, bi in ((1, 128, False), (2, 256, False), (2, 256, True), (3, 512, True)):
            tag = f"{'bi' if bi else ''}{cell}_{layers}x{hidden}"
            add(f"{tag}_text_classifier", fam, f"{layers} layers, hidden {hidden}{', bidirectional' if bi else ''}",
                "text classification",
                lambda cell=cell, layers=layers, hidden=hidden, bi=bi: (
                    RNNTextClassifier(cell, V, 128, hidden, layers, bi, 4), (_tokens(V),), ["input_ids"]))
        for layers, hidden in ((2, 200), (2, 650)):
            add(f"{cell}_language_model_{layers}x{hidden}", fam, f"{layers} layers, hidden {hidden}", "language modeling",
                lambda cell=cell, layers=layers, hidden=hidden: (
                    RNNLanguageModel(cell, V, hidden, layers), (_tokens(V),), ["input_ids"]))
    for emb, hidden in ((128, 256), (256, 512)):
        add(f"seq2seq_attention_gru_{hidden}", "Seq2Seq", f"embedding {emb}, hidden {hidden}", "machine translation",
            lambda emb=emb, hidden=hidden: (Seq2SeqAttention(V, emb, hidden), (_tokens(V, 16), _tokens(V, 8)), ["src_ids", "tgt_ids"]))
    for name, dim, heads, ff, el, dl in (("transformer_base", 512, 8, 2048, 6, 6), ("transformer_small", 256, 4, 1024, 3, 3),
                                         ("transformer_tiny", 128, 2, 512, 2, 2), ("transformer_big_shallow", 1024, 16, 4096, 2, 2)):
        add(name, "Transformer", f"d_model {dim}, {heads} heads, {el}+{dl} layers", "machine translation",
            lambda dim=dim, heads=heads, ff=ff, el=el, dl=dl: (
                TransformerSeq2Seq(V, dim, heads, ff, el, dl), (_tokens(V, 16), _tokens(V, 16)), ["src_ids", "tgt_ids"]))
    for name, layers, dim in (("bert_tiny", 2, 128), ("bert_mini", 4, 256), ("bert_small", 4, 512),
                              ("bert_medium", 8, 512), ("bert_base", 12, 768), ("bert_6x384", 6, 384)):
        add(name, "BERT", f"{layers} layers, hidden {dim}", "text classification",
            lambda layers=layers, dim=dim: (BertLike(30522, dim, max(2, dim // 64), layers, 4 * dim), (_tokens(30522),), ["input_ids"]))
    for name, layers, dim, heads in (("gpt2_small", 12, 768, 12), ("gpt_mini", 6, 384, 6), ("gpt_micro", 4, 128, 4),
                                     ("gpt_nano", 3, 48, 3), ("gpt2_medium_8l", 8, 1024, 16)):
        add(name, "GPT", f"{layers} layers, hidden {dim}", "language modeling",
            lambda layers=layers, dim=dim, heads=heads: (GptLike(50257 if dim >= 768 else 8192, dim, heads, layers), (_tokens(8192),), ["input_ids"]))
    for base, depth, bn in ((64, 4, True), (32, 4, True), (16, 3, True), (32, 5, True), (64, 4, False)):
        add(f"unet_{base}_d{depth}{'' if bn else '_nobn'}", "U-Net", f"base width {base}, depth {depth}{'' if bn else ', no batch norm'}",
            "semantic segmentation", lambda base=base, depth=depth, bn=bn: (UNet(3, 2, base, depth, bn), (_img(3, 64),), ["input"]))
    for name, patch, dim, depth, tm, cm in (("mixer_s16", 16, 512, 8, 256, 2048), ("mixer_s32", 32, 512, 8, 256, 2048),
                                            ("mixer_b16", 16, 768, 12, 384, 3072), ("mixer_b32", 32, 768, 12, 384, 3072)):
        add(name, "MLP-Mixer", f"patch {patch}, hidden {dim}, depth {depth}", "image classification",
            lambda patch=patch, dim=dim, depth=depth, tm=tm, cm=cm: (MLPMixer(224, patch, dim, depth, tm, cm), (_img(3, 224),), ["input"]))
    for dims in ((784, 256, 64, 16), (784, 512, 128, 32), (784, 1000, 500, 250, 30)):
        add("mlp_autoencoder_" + "_".join(map(str, dims[1:])), "Autoencoder", "fully connected " + "-".join(map(str, dims)),
            "image reconstruction", lambda dims=dims: (MLPAutoencoder(dims), (torch.randn(1, dims[0]),), ["input"]))
    for widths in ((16, 32), (32, 64), (32, 64, 128)):
        add("conv_autoencoder_" + "_".join(map(str, widths)), "Autoencoder", "convolutional, widths " + "-".join(map(str, widths)),
            "image reconstruction", lambda widths=widths: (ConvAutoencoder(1, widths), (_img(1, 32),), ["input"]))
    for latent, width in ((16, 32), (64, 64)):
        add(f"conv_vae_z{latent}_w{width}", "VAE", f"latent {latent}, width {width}", "image generation",
            lambda latent=latent, width=width: (ConvVAE(1, latent, width), (_img(1, 28), torch.randn(1, latent)), ["input", "eps"]))
    for ngf, layers in ((64, 4), (32, 4), (128, 4), (64, 3)):
        add(f"dcgan_generator_ngf{ngf}_l{layers}", "DCGAN", f"generator, ngf {ngf}, {layers} upsampling layers", "image generation",
            lambda ngf=ngf, layers=layers: (DCGANGenerator(100, ngf, 3, layers), (torch.randn(1, 100, 1, 1),), ["z"]))
        add(f"dcgan_discriminator_ndf{ngf}_l{layers}", "DCGAN", f"discriminator, ndf {ngf}, {layers} downsampling layers",
            "image classification",
            lambda ngf=ngf, layers=layers: (DCGANDiscriminator(ngf, 3, layers), (_img(3, 4 * 2 ** layers),), ["input"]))
    for levels, ch, k in ((8, 25, 7), (4, 64, 3), (6, 32, 5)):
        add(f"tcn_{levels}x{ch}_k{k}", "TCN", f"{levels} levels, {ch} channels, kernel {k}", "sequence classification",
            lambda levels=levels, ch=ch, k=k: (TCN(1, ch, levels, k, 10), (torch.randn(1, 1, 128),), ["input"]))
    for ch, layers in ((32, 10), (64, 20)):
        add(f"wavenet_{ch}x{layers}", "WaveNet", f"{layers} gated layers, {ch} channels", "audio generation",
            lambda ch=ch, layers=layers: (WaveNetLike(ch, layers), (torch.randn(1, 1, 256),), ["input"]))
    for c1, c2 in ((6, 16), (20, 50)):
        add(f"lenet5_{c1}_{c2}", "LeNet", f"{c1}/{c2} filters", "image classification",
            lambda c1=c1, c2=c2: (LeNet5(10, c1, c2), (_img(1, 28),), ["input"]))
    for n in (3, 5, 7, 9, 18):
        add(f"resnet{6 * n + 2}_cifar", "ResNet", f"CIFAR ResNet-{6 * n + 2}", "image classification",
            lambda n=n: (CifarResNet(n), (_img(3, 32),), ["input"]))
    for d, k in ((16, 4), (28, 10), (40, 4), (16, 8)):
        add(f"wrn_{d}_{k}_cifar", "Wide ResNet", f"CIFAR WRN-{d}-{k}", "image classification",
            lambda d=d, k=k: (CifarResNet((d - 4) // 6, k, preact=True), (_img(3, 32),), ["input"]))
    for emb, filters, widths in ((128, 100, (3, 4, 5)), (300, 100, (3, 4, 5)), (128, 64, (2, 3, 4, 5))):
        add(f"textcnn_e{emb}_f{filters}_w{''.join(map(str, widths))}", "TextCNN", f"embedding {emb}, {filters} filters of widths {widths}",
            "text classification", lambda emb=emb, filters=filters, widths=widths: (TextCNN(V, emb, filters, widths, 2), (_tokens(V),), ["input_ids"]))
    for widths in ((64, 128, 1024), (64, 64, 128, 512)):
        add("pointnet_" + "_".join(map(str, widths)), "PointNet", "point MLP " + "-".join(map(str, widths)), "point cloud classification",
            lambda widths=widths: (PointNet(widths, 40), (torch.randn(1, 3, 256),), ["points"]))
    for dims in ((784, 512, 256, 10), (784, 100, 10), (784, 1024, 1024, 1024, 10)):
        add("mlp_" + "_".join(map(str, dims[1:-1])), "MLP", "layers " + "-".join(map(str, dims)), "image classification",
            lambda dims=dims: (MLPClassifier(dims), (torch.randn(1, 1, 28, 28),), ["input"]))
    return specs

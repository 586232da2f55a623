"""ArchBERT model (our CPU-sized rebuild), PyTorch side.

Modules and the ONNX signatures they are exported with (see
docs/archbert-dataset.md / the data contract):

  TextEncoder    input_ids [B,L] int64, attention_mask [B,L] int64 (+ numbers [B,L] f32 with
                 Config.number_channel: log10(1 + value) per token, -1 = none)
                 -> embedding [B,E] (L2-normalised), token_states [B,L,H]
  ArchEncoder    ops [B,N] int64, bins [B,N,C] int64 (6 node columns, then 3 whole-graph sizes, + 6 block counts in the "blocks" layout, on the last, "[graph]" node), adj [B,N,N] f32 (1 = edge from→to),
                 node_mask [B,N] f32 -> embedding [B,E] (L2-normalised), node_states [B,N,H]
  ReasoningHead  text_embedding [B,E], arch_embedding [B,E] -> prob [B]
  QAHead         question_embedding [B,E], arch_embedding [B,E] -> logits [B,A]
  CaptionDecoder input_ids [B,T] (prefix starting with [bos]), node_states [B,N,H],
                 node_mask [B,N] -> logits [B,V] for the next token (one step)

Every block is written out with plain MatMul/Softmax/LayerNorm so the ONNX
export is exact and portable (no fused kernels). Masks use a large negative
constant instead of -inf so fully padded rows never produce NaN.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

NEG = -1e4  # additive mask value (finite: no NaN on fully masked rows)


@dataclass
class Config:
    vocab_size: int = 1000
    n_ops: int = 64
    bin_sizes: list = field(default_factory=lambda: [400, 400, 9, 9, 8, 10])
    n_answers: int = 100
    hidden: int = 64           # H: token / node state width
    embed: int = 96            # E: joint embedding width
    heads: int = 4
    ff: int = 192
    text_layers: int = 2
    gnn_layers: int = 2
    arch_layers: int = 1
    dec_layers: int = 1
    max_text: int = 96
    max_nodes: int = 512
    dropout: float = 0.1
    # issue 17: the [graph] node's final state joins the pooled architecture embedding
    # ([mean ‖ max ‖ graph node] → linear). False keeps the bundled set's encoder exactly.
    graph_readout: bool = False
    # dropout on the attention probabilities; -1 = `dropout` (the bundled recipe). Training only:
    # 0 skips a Bernoulli draw over [batch, heads, nodes, nodes], about a quarter of a CPU step
    attn_dropout: float = -1.0
    # issue 17: the text encoder reads each token's number channel (log10(1 + value) of the
    # quantity it spells, -1 for none; src/core/archbert/model/number-channel.ts) through
    # number_features → linear, added to the token embedding. False keeps the earlier encoder.
    number_channel: bool = False
    # issue 17, after run L: the reasoning and QA heads also read the [graph] node's final state
    # (the encoder's node_states at the last valid row), beside the two L2-normalised embeddings.
    # A linear probe on run L found the class count in that state (0.80 on test) but mostly gone
    # from the pooled, projected, normalised embedding the heads read alone (0.41). False keeps
    # the heads exactly as before.
    head_graph_state: bool = False
    # issue 17, after run N: the heads also read the node states themselves, through an attention
    # readout that the question or statement steers (NodeReadout): a softmax-weighted mean of the
    # nodes and, per attention head, a soft count of the nodes it picks. Run N's weakest answers
    # (output classes, design-idea questions, layer counts) live in particular nodes or in how many
    # there are, which neither the pooled embedding nor the [graph] node's one state need keep.
    # Needs head_graph_state; False keeps the heads exactly as before.
    head_node_attention: bool = False

    def to_dict(self):
        return asdict(self)


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int, dropout: float):
        super().__init__()
        self.h, self.d = heads, dim // heads
        self.q, self.k, self.v, self.o = (nn.Linear(dim, dim) for _ in range(4))
        self.drop = nn.Dropout(dropout)

    def forward(self, x, mem, bias):
        """x [B,T,D], mem [B,S,D], bias additive [B,1|T,S] -> [B,T,D]."""
        b, t, _ = x.shape
        s = mem.shape[1]
        q = self.q(x).view(b, t, self.h, self.d).transpose(1, 2)
        k = self.k(mem).view(b, s, self.h, self.d).transpose(1, 2)
        v = self.v(mem).view(b, s, self.h, self.d).transpose(1, 2)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(self.d) + bias.unsqueeze(1)
        att = torch.softmax(att, -1)
        if self.drop.p > 0:
            att = self.drop(att)
        return self.o((att @ v).transpose(1, 2).reshape(b, t, self.h * self.d))


class Block(nn.Module):
    """Pre-norm transformer block; optional cross-attention (decoder)."""

    def __init__(self, cfg: Config, cross: bool = False):
        super().__init__()
        H = cfg.hidden
        self.ln1 = nn.LayerNorm(H)
        p_attn = cfg.dropout if cfg.attn_dropout < 0 else cfg.attn_dropout
        self.attn = Attention(H, cfg.heads, p_attn)
        self.cross = Attention(H, cfg.heads, p_attn) if cross else None
        self.ln_c = nn.LayerNorm(H) if cross else None
        self.ln2 = nn.LayerNorm(H)
        self.ff = nn.Sequential(nn.Linear(H, cfg.ff), nn.GELU(), nn.Linear(cfg.ff, H))
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x, bias, mem=None, mem_bias=None):
        h = self.ln1(x)
        x = x + self.drop(self.attn(h, h, bias))
        if self.cross is not None:
            x = x + self.drop(self.cross(self.ln_c(x), mem, mem_bias))
        return x + self.drop(self.ff(self.ln2(x)))


def l2norm(x):
    return x / torch.sqrt((x * x).sum(-1, keepdim=True) + 1e-12)


def masked_pool(states, mask):
    """mean and max over the valid positions, concatenated: [B, 2H]."""
    m = mask.unsqueeze(-1)
    mean = (states * m).sum(1) / m.sum(1).clamp(min=1.0)
    mx = (states + (1.0 - m) * NEG).max(1).values
    return torch.cat([mean, mx], -1)


def last_valid_state(states, mask):
    """The state of each graph's last valid node: [B, H]. The featurizer
    (src/core/archbert/model/featurize.ts) appends the [graph] node last and
    collation pads after it, so that node sits at index sum(mask) - 1. Selected
    with a one-hot product rather than a gather, so the ONNX graph stays plain
    ReduceSum/Equal/Mul (no GatherND); an all-padding row gives zeros."""
    last = mask.sum(1).long() - 1                                            # [B]
    pos = torch.arange(states.shape[1], device=states.device).unsqueeze(0)  # [1, N]
    pick = (pos == last.unsqueeze(1)).to(states.dtype).unsqueeze(-1)         # [B, N, 1]
    return (states * pick).sum(1)


# periods, in decades, of the sinusoids that encode a number's log-magnitude: the shortest tells
# 40m from 50m (0.1 decade apart), the longest orders the whole range monotonically
NUMBER_PERIODS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
NUMBER_FEATURES = 2 + 2 * len(NUMBER_PERIODS)


def number_features(numbers):
    """[B,L] number channel → [B,L,NUMBER_FEATURES]: a presence flag, the scaled magnitude and
    its sinusoids, all zero on tokens without a number (channel < 0)."""
    flag = (numbers >= 0).to(torch.float32).unsqueeze(-1)
    x = numbers.clamp(min=0.0).unsqueeze(-1)
    w = torch.tensor([2 * math.pi / p for p in NUMBER_PERIODS], dtype=torch.float32, device=numbers.device)
    parts = [flag, x / 4.0, torch.sin(x * w), torch.cos(x * w)]
    return torch.cat(parts, -1) * flag


class TextEncoder(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        H = cfg.hidden
        self.tok = nn.Embedding(cfg.vocab_size, H)
        self.num = nn.Linear(NUMBER_FEATURES, H) if getattr(cfg, "number_channel", False) else None
        self.pos = nn.Embedding(cfg.max_text, H)
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.text_layers))
        self.ln = nn.LayerNorm(H)
        self.proj = nn.Linear(2 * H, cfg.embed)
        # MLM head (training only; tied to the token embedding)
        self.mlm_dense = nn.Linear(H, H)
        self.mlm_ln = nn.LayerNorm(H)
        self.mlm_bias = nn.Parameter(torch.zeros(cfg.vocab_size))

    def forward(self, input_ids, attention_mask, numbers=None):
        L = input_ids.shape[1]
        pos = torch.arange(L, device=input_ids.device).unsqueeze(0)
        x = self.tok(input_ids) + self.pos(pos)
        if self.num is not None and numbers is not None:
            x = x + self.num(number_features(numbers))
        x = self.drop(x)
        m = attention_mask.to(x.dtype)
        bias = ((1.0 - m) * NEG).unsqueeze(1)  # [B,1,L]
        for blk in self.blocks:
            x = blk(x, bias)
        states = self.ln(x)
        emb = l2norm(self.proj(masked_pool(states, m)))
        return emb, states

    def mlm_logits(self, states):
        h = self.mlm_ln(F.gelu(self.mlm_dense(states)))
        return h @ self.tok.weight.t() + self.mlm_bias


class ArchEncoder(nn.Module):
    """op + 6 bin embeddings (+ node position) → relational GCN over both edge
    directions with self-loops → transformer layers → mean/max pool → project.
    With cfg.graph_readout the [graph] node's state is a third pooled part: the
    whole-graph sizes it carries reach the embedding directly instead of being
    diluted in the mean over hundreds of nodes (or lost to the max)."""

    def __init__(self, cfg: Config):
        super().__init__()
        H = cfg.hidden
        self.n_ops = cfg.n_ops
        self.bin_sizes = list(cfg.bin_sizes)
        self.op = nn.Embedding(cfg.n_ops, H)
        self.bins = nn.ModuleList(nn.Embedding(s, H) for s in cfg.bin_sizes)
        self.pos = nn.Embedding(cfg.max_nodes, H)
        self.in_ln = nn.LayerNorm(H)
        self.gnn_self = nn.ModuleList(nn.Linear(H, H) for _ in range(cfg.gnn_layers))
        self.gnn_fwd = nn.ModuleList(nn.Linear(H, H, bias=False) for _ in range(cfg.gnn_layers))
        self.gnn_bwd = nn.ModuleList(nn.Linear(H, H, bias=False) for _ in range(cfg.gnn_layers))
        self.gnn_ln = nn.ModuleList(nn.LayerNorm(H) for _ in range(cfg.gnn_layers))
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.arch_layers))
        self.ln = nn.LayerNorm(H)
        self.graph_readout = bool(getattr(cfg, "graph_readout", False))
        self.proj = nn.Linear((3 if self.graph_readout else 2) * H, cfg.embed)
        self.mam = nn.Linear(H, cfg.n_ops)  # Masked Architecture Modelling head (training only)

    def forward(self, ops, bins, adj, node_mask, edges=None):
        """edges (training only): (src, dst) LongTensors of flattened b*N+i
        indices of the distinct edges in adj; the same mean aggregation
        computed sparsely (O(E·H) instead of O(N²·H)). The export uses adj."""
        N = ops.shape[1]
        # out-of-range ids (a newer featurizer) map to the last row instead of crashing
        x = self.op(ops.clamp(0, self.n_ops - 1))
        for i, emb in enumerate(self.bins):
            x = x + emb(bins[:, :, i].clamp(0, self.bin_sizes[i] - 1))
        pos = torch.arange(N, device=ops.device).unsqueeze(0)
        x = self.drop(self.in_ln(x + self.pos(pos)))
        m = node_mask.unsqueeze(-1)
        if edges is None:
            adj = adj * node_mask.unsqueeze(1) * node_mask.unsqueeze(2)
            adj_t = adj.transpose(1, 2)
            # mean aggregation: predecessors (along edges) and successors (against them)
            deg_in = adj_t.sum(-1, keepdim=True).clamp(min=1.0)
            deg_out = adj.sum(-1, keepdim=True).clamp(min=1.0)
            pred = lambda h: adj_t @ h  # noqa: E731
            succ = lambda h: adj @ h  # noqa: E731
        else:
            src, dst = edges
            B = ops.shape[0]
            ones = torch.ones(src.shape[0])
            deg_in = torch.zeros(B * N).index_add_(0, dst, ones).clamp(min=1.0).view(B, N, 1)
            deg_out = torch.zeros(B * N).index_add_(0, src, ones).clamp(min=1.0).view(B, N, 1)

            def pred(h):
                f = h.reshape(B * N, -1)
                return torch.zeros_like(f).index_add_(0, dst, f[src]).view(B, N, -1)

            def succ(h):
                f = h.reshape(B * N, -1)
                return torch.zeros_like(f).index_add_(0, src, f[dst]).view(B, N, -1)
        for ws, wf, wb, ln in zip(self.gnn_self, self.gnn_fwd, self.gnn_bwd, self.gnn_ln):
            msg = ws(x) + wf(pred(x)) / deg_in + wb(succ(x)) / deg_out  # self-loop + both directions
            x = ln(x + self.drop(F.gelu(msg))) * m
        bias = ((1.0 - node_mask) * NEG).unsqueeze(1)
        for blk in self.blocks:
            x = blk(x, bias)
        states = self.ln(x) * m
        pooled = masked_pool(states, node_mask)
        if self.graph_readout:
            pooled = torch.cat([pooled, last_valid_state(states, node_mask)], -1)
        emb = l2norm(self.proj(pooled))
        return emb, states


def pair_features(t, a):
    return torch.cat([t * a, (t - a).abs(), t, a], -1)


def node_readout_width(cfg: Config) -> int:
    """What NodeReadout adds to a head's input: the attended node mean, and one soft count per attention head."""
    return cfg.hidden + cfg.heads if getattr(cfg, "head_node_attention", False) else 0


def head_width(cfg: Config) -> int:
    """The width of what the reasoning and QA heads read: the pair features of a text and an
    architecture embedding, with cfg.head_graph_state the [graph] node's state after them, and
    with cfg.head_node_attention the node readout after that."""
    return 4 * cfg.embed + (cfg.hidden if getattr(cfg, "head_graph_state", False) else 0) + node_readout_width(cfg)


class NodeReadout(nn.Module):
    """The architecture's node states read through attention that the text steers: the text
    embedding is the query of `heads` attention heads over the valid nodes; each head gives a
    softmax-weighted mean of the (projected) node states, and log(1 + Σ sigmoid(score)), a soft
    count of the nodes it matches (a softmax mean cannot count, and "how many layers" asks for
    one). Output [B, H + heads]."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.h, self.d = cfg.heads, cfg.hidden // cfg.heads
        self.q = nn.Linear(cfg.embed, cfg.hidden)
        self.k = nn.Linear(cfg.hidden, cfg.hidden)
        self.v = nn.Linear(cfg.hidden, cfg.hidden)

    def forward(self, t, states, mask):
        b, n, _ = states.shape
        q = self.q(t).view(b, self.h, 1, self.d)
        k = self.k(states).view(b, n, self.h, self.d).transpose(1, 2)
        v = self.v(states).view(b, n, self.h, self.d).transpose(1, 2)
        score = (q @ k.transpose(-1, -2)).squeeze(2) / math.sqrt(self.d)   # [B, h, N]
        m = mask.unsqueeze(1)                                              # [B, 1, N]
        w = torch.softmax(score + (1.0 - m) * NEG, -1)
        mean = (w.unsqueeze(2) @ v).squeeze(2).reshape(b, self.h * self.d)  # [B, H]
        count = torch.log(1.0 + (torch.sigmoid(score) * m).sum(-1))         # [B, h]
        return torch.cat([mean, count], -1)


def head_input(t, a, scale, g=None, graph_state=False, readout=None, states=None, mask=None):
    """The pair features (unit vectors, so rescaled by the head's learned factor), then the
    [graph] node's state and the node readout when the head reads them."""
    x = pair_features(t, a) * scale
    parts = [x]
    if graph_state:
        if g is None:
            raise ValueError("this head reads the [graph] node's state (head_graph_state): pass it")
        parts.append(g)
    if readout is not None:
        if states is None or mask is None:
            raise ValueError("this head reads the node states (head_node_attention): pass them and their mask")
        parts.append(readout(t * scale, states, mask))
    return torch.cat(parts, -1) if len(parts) > 1 else x


class ReasoningHead(nn.Module):
    """Is this statement true of this architecture? From the two embeddings (and the [graph] node's state)."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.graph_state = bool(getattr(cfg, "head_graph_state", False))
        self.net = nn.Sequential(nn.Linear(head_width(cfg), 2 * cfg.hidden), nn.GELU(), nn.Dropout(cfg.dropout),
                                 nn.Linear(2 * cfg.hidden, 1))
        self.scale = nn.Parameter(torch.tensor(4.0))  # embeddings are unit-norm: let the head rescale
        self.readout = NodeReadout(cfg) if getattr(cfg, "head_node_attention", False) else None

    def logits(self, t, a, g=None, states=None, mask=None):
        return self.net(head_input(t, a, self.scale, g, self.graph_state, self.readout, states, mask)).squeeze(-1)

    def forward(self, text_embedding, arch_embedding, arch_graph_state=None, node_states=None, node_mask=None):
        return torch.sigmoid(self.logits(text_embedding, arch_embedding, arch_graph_state, node_states, node_mask))


class QAHead(nn.Module):
    """Multi-label answer logits from the question and architecture embeddings (and the [graph] node's state)."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.graph_state = bool(getattr(cfg, "head_graph_state", False))
        self.net = nn.Sequential(nn.Linear(head_width(cfg), 2 * cfg.hidden), nn.GELU(), nn.Dropout(cfg.dropout),
                                 nn.Linear(2 * cfg.hidden, cfg.n_answers))
        self.scale = nn.Parameter(torch.tensor(4.0))
        self.readout = NodeReadout(cfg) if getattr(cfg, "head_node_attention", False) else None

    def forward(self, question_embedding, arch_embedding, arch_graph_state=None, node_states=None, node_mask=None):
        return self.net(head_input(question_embedding, arch_embedding, self.scale, arch_graph_state, self.graph_state,
                                   self.readout, node_states, node_mask))


class CaptionDecoder(nn.Module):
    """Transformer decoder over the architecture node states (teacher forcing in
    training; exported as one step: logits for the token after the prefix)."""

    def __init__(self, cfg: Config):
        super().__init__()
        H = cfg.hidden
        self.tok = nn.Embedding(cfg.vocab_size, H)
        self.pos = nn.Embedding(cfg.max_text + 1, H)
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(Block(cfg, cross=True) for _ in range(cfg.dec_layers))
        self.ln = nn.LayerNorm(H)
        self.out = nn.Linear(H, cfg.vocab_size)

    def states(self, input_ids, node_states, node_mask):
        T = input_ids.shape[1]
        pos = torch.arange(T, device=input_ids.device).unsqueeze(0)
        x = self.drop(self.tok(input_ids) + self.pos(pos))
        causal = torch.triu(torch.ones(T, T, device=input_ids.device), diagonal=1) * NEG
        mem_bias = ((1.0 - node_mask) * NEG).unsqueeze(1)
        for blk in self.blocks:
            x = blk(x, causal.unsqueeze(0), node_states, mem_bias)
        return self.ln(x)

    def all_logits(self, input_ids, node_states, node_mask):
        return self.out(self.states(input_ids, node_states, node_mask))

    def forward(self, input_ids, node_states, node_mask):
        # one step: only the last position needs the vocabulary projection
        return self.out(self.states(input_ids, node_states, node_mask)[:, -1])


class ArchBert(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.text = TextEncoder(cfg)
        self.arch = ArchEncoder(cfg)
        self.reasoning = ReasoningHead(cfg)
        self.qa = QAHead(cfg)
        self.caption = CaptionDecoder(cfg)
        # contrastive temperature, learned in log space (CLIP), init 0.07
        self.log_inv_temp = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
        self.apply(_init_weights)
        # QA answers are rare positives among hundreds: start at the prior
        # (sigmoid ≈ 1/A) instead of 0.5, so the summed BCE starts near log A
        nn.init.constant_(self.qa.net[-1].bias, -math.log(max(2, cfg.n_answers)))
        # the number channel starts silent: a set continued with it begins as the set it came from
        if self.text.num is not None:
            nn.init.zeros_(self.text.num.weight)
            nn.init.zeros_(self.text.num.bias)

    def parts(self):
        return {"text_encoder": self.text, "arch_encoder": self.arch, "reasoning_head": self.reasoning,
                "qa_head": self.qa, "caption_decoder": self.caption}


def _init_weights(m):
    """BERT initialisation: N(0, 0.02) weights, zero biases, unit LayerNorm."""
    if isinstance(m, (nn.Linear, nn.Embedding)):
        nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.LayerNorm):
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)


# Tensors only the training losses read: the contrastive temperature, the MLM head, the MAM head. No exported
# ONNX part holds them, so export.py keeps them beside the set (TRAINING_ONLY_FILE) and weights_from_onnx.py
# reads them back: a continuation of the set (train.py --init-from-set) starts them where the set left them.
TRAINING_ONLY_PREFIXES = ("log_inv_temp", "text.mlm_", "arch.mam.")
TRAINING_ONLY_FILE = "training_only.npz"


def training_only_state(state: dict) -> dict:
    return {k: v for k, v in state.items() if k.startswith(TRAINING_ONLY_PREFIXES)}


# the same tensors named inside their part (TextEncoder's "mlm_…", ArchEncoder's "mam.…")
_TRAINING_ONLY_IN_PART = tuple(p.split(".", 1)[1] for p in TRAINING_ONLY_PREFIXES if "." in p)


def count_params(module: nn.Module, exported_only: bool = True) -> int:
    """Parameters of a part (ArchBert.parts) or of the whole model; exported_only leaves out the
    training-only tensors, named either way."""
    skip = TRAINING_ONLY_PREFIXES + _TRAINING_ONLY_IN_PART if exported_only else ()
    return sum(p.numel() for n, p in module.named_parameters() if not n.startswith(skip))

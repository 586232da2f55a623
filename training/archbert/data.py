"""Reads the dataset written by `archbert dataset build` (TypeScript). Nothing
here tokenizes or featurizes: token ids, op ids, bins and edges are used as
written. See docs/archbert-dataset.md for the file contract.
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

PAD, UNK, CLS, SEP, MASK, BOS, EOS = 0, 1, 2, 3, 4, 5, 6
SPECIAL_IDS = {PAD, UNK, CLS, SEP, MASK, BOS, EOS}
OP_PAD, OP_MASK = 0, 1
MAX_QUERY, MAX_CAPTION = 64, 96
NO_NUMBER = -1.0  # number channel of a token that states no quantity (model/number-channel.ts NO_NUMBER)


def open_rows(path: Path):
    """`X.jsonl`, or its packed copy `X.jsonl.gz` / `X.jsonl.xz` (gpu/pack_data.py) when it is absent."""
    path = Path(path)
    if path.exists():
        return open(path)
    for ext, mod in ((".gz", "gzip"), (".xz", "lzma")):
        packed = path.with_name(path.name + ext)
        if packed.exists():
            return __import__(mod).open(packed, "rt")
    raise FileNotFoundError(f"{path}: not found (nor .gz / .xz)")


def read_jsonl(path: Path):
    with open_rows(path) as f:
        for line in f:
            line = line.strip()
            if line:
                yield json.loads(line)


@dataclass
class Graph:
    idx: int
    id: str
    name: str
    family: str | None
    source: str
    split: str
    ops: list
    bins: list
    edges: list
    n: int
    captions: list = field(default_factory=list)   # [(text, tokens)]
    canonical_caption: int | None = None           # index in captions of the fact-list caption, if any
    queries: list = field(default_factory=list)    # [(text, tokens)]
    query_relevant: dict = field(default_factory=dict)  # text -> ids of every graph of the split the query describes
    qa: list = field(default_factory=list)         # dicts
    statements: list = field(default_factory=list)  # dicts


def load_dataset(root: str | Path, cache_dir: str | Path | None = None) -> "Dataset":
    """Dataset(root), through a pickle cache keyed by the dataset's data hash
    (parsing the 200 MB of JSONL takes a minute on a busy machine)."""
    import hashlib
    import pickle
    root = Path(root)
    man = root / "manifest.json"
    h = json.loads(man.read_text()).get("data_hash") if man.exists() else None
    if cache_dir is None or not h:
        return Dataset(root)
    pack = root / "pack.json"
    if pack.exists():  # a train/val subset (gpu/pack_data.py) keeps the full set's hash: never share its cache entry
        h += "-pack-" + hashlib.sha256(pack.read_bytes()).hexdigest()[:12]
    # keyed by this parser too: an entry pickled by an older Dataset would silently lack what a newer one reads
    h += "-" + hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    path = Path(cache_dir) / f"{h}.pkl"
    if path.exists():
        with open(path, "rb") as f:
            ds = pickle.load(f)
        ds.root = root
        return ds
    ds = Dataset(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        pickle.dump(ds, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return ds


class Dataset:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        r = self.root
        self.vocab = json.loads((r / "vocab.json").read_text())
        self.ops_file = json.loads((r / "ops.json").read_text())
        self.bins_file = json.loads((r / "bins.json").read_text())
        self.answers = json.loads((r / "answers.json").read_text())["answers"]
        self.manifest = json.loads((r / "manifest.json").read_text()) if (r / "manifest.json").exists() else {}
        self.vocab_size = len(self.vocab["tokens"])
        self.n_ops = len(self.ops_file["ops"])
        # bins.json: {"features": [{"name", "values"}], "unknown": 0}; index = position + 1
        self.bin_sizes = [len(f["values"]) + 1 for f in self.bins_file["features"]]
        self.graphs: list[Graph] = []
        self.by_id: dict[str, Graph] = {}
        # the number channel of each token sequence that states a quantity (model/number-channel.ts
        # writes it beside the ids); keyed by the (cut) ids, which determine it
        self.numbers: dict[tuple, list] = {}
        for g in read_jsonl(r / "graphs.jsonl"):
            G = Graph(len(self.graphs), g["id"], g.get("name", g["id"]), g.get("family"), g.get("source", ""),
                      g["split"], g["ops"], g["bins"], [tuple(e) for e in g["edges"]], g["n"])
            assert len(G.ops) == G.n == len(G.bins), f"graphs.jsonl: {G.id}: n/ops/bins disagree"
            self.graphs.append(G)
            self.by_id[G.id] = G
        for t in read_jsonl(r / "texts.jsonl"):
            g = self.by_id[t["graph_id"]]
            limit = MAX_CAPTION if t["kind"] == "caption" else MAX_QUERY
            item = (t["text"], t["tokens"][:limit])
            self._keep_numbers(item[1], t)
            if t["kind"] == "caption" and t.get("canonical"):
                g.canonical_caption = len(g.captions)
            (g.captions if t["kind"] == "caption" else g.queries).append(item)
            if t["kind"] == "query" and "relevant" in t:
                g.query_relevant[t["text"]] = t["relevant"]
        for q in read_jsonl(r / "qa.jsonl"):
            q["tokens"] = q["tokens"][:MAX_QUERY]
            self._keep_numbers(q["tokens"], q)
            self.by_id[q["graph_id"]].qa.append(q)
        for s in read_jsonl(r / "statements.jsonl"):
            s["tokens"] = s["tokens"][:MAX_QUERY]
            self._keep_numbers(s["tokens"], s)
            self.by_id[s["graph_id"]].statements.append(s)
        # every text of a graph (captions + queries), for false-negative masking
        self.text_sets = [set(t for t, _ in g.captions) | set(t for t, _ in g.queries) for g in self.graphs]

    def _keep_numbers(self, tokens, row):
        numbers = [(int(i), float(x)) for i, x in row.pop("numbers", []) if i < len(tokens)]
        if numbers:
            self.numbers[tuple(tokens)] = numbers

    def split(self, name: str) -> list[Graph]:
        return [g for g in self.graphs if g.split == name]

    def data_hash(self) -> str | None:
        return manifest_hash(self.manifest)


def manifest_hash(m: dict) -> str | None:
    """A dataset manifest's content hash, under whichever key its writer used."""
    for k in ("dataHash", "data_hash", "hash", "sha256"):
        if isinstance(m.get(k), str):
            return m[k]
    return None


# ------------------------------------------------------------------ collation
def pad_tokens(seqs, max_len=None):
    L = max(len(s) for s in seqs)
    if max_len:
        L = min(L, max_len)
    ids = torch.zeros(len(seqs), L, dtype=torch.long)
    mask = torch.zeros(len(seqs), L, dtype=torch.long)
    for i, s in enumerate(seqs):
        s = s[:L]
        ids[i, : len(s)] = torch.tensor(s, dtype=torch.long)
        mask[i, : len(s)] = 1
    return ids, mask


def pad_numbers(seqs, table, max_len=None):
    """The number channel of padded token sequences (as pad_tokens pads them): [B, L] float,
    NO_NUMBER where a token states no quantity. `table` is Dataset.numbers."""
    L = max(len(s) for s in seqs)
    if max_len:
        L = min(L, max_len)
    out = torch.full((len(seqs), L), NO_NUMBER)
    for i, s in enumerate(seqs):
        for pos, x in table.get(tuple(s), ()):
            if pos < L:
                out[i, pos] = x
    return out


def collate_graphs(graphs, with_adj=True):
    """Dense batch exactly as the ONNX arch_encoder takes it. with_adj=False
    returns adj=None (the caller builds it elsewhere, e.g. on the GPU from
    edge_index with dense_adj)."""
    N = max(g.n for g in graphs)
    B = len(graphs)
    ops = torch.zeros(B, N, dtype=torch.long)
    bins = torch.zeros(B, N, len(graphs[0].bins[0]), dtype=torch.long)
    adj = torch.zeros(B, N, N) if with_adj else None
    mask = torch.zeros(B, N)
    for i, g in enumerate(graphs):
        ops[i, : g.n] = torch.tensor(g.ops, dtype=torch.long)
        bins[i, : g.n] = torch.tensor(g.bins, dtype=torch.long)
        if g.edges and with_adj:
            e = torch.tensor(g.edges, dtype=torch.long)
            adj[i, e[:, 0], e[:, 1]] = 1.0
        mask[i, : g.n] = 1.0
    return ops, bins, adj, mask


def dense_adj(edges, B, N, device=None):
    """The [B,N,N] adjacency of collate_graphs from edge_index's flattened
    (src, dst) = (b*N+i, b*N+j), built where it is used (no B·N² host copy)."""
    src, dst = (t.to(device) for t in edges)
    adj = torch.zeros(B * N * N, device=device)
    adj[src * N + dst % N] = 1.0
    return adj.view(B, N, N)


def edge_index(graphs, N):
    """Distinct edges of a collated batch as flattened (src, dst) = b*N + node."""
    src, dst = [], []
    for b, g in enumerate(graphs):
        for i, j in set(map(tuple, g.edges)):
            src.append(b * N + i)
            dst.append(b * N + j)
    return torch.tensor(src, dtype=torch.long), torch.tensor(dst, dtype=torch.long)


def caption_io(tokens):
    """Dataset caption tokens ([cls] body [sep]) → decoder input [bos] body and
    target body [eos]. The TypeScript beam search starts from [bos] and stops
    at [eos] the same way."""
    body = [t for t in tokens if t not in (CLS, SEP, PAD)][: MAX_CAPTION - 1]
    return [BOS] + body, body + [EOS]


def mask_tokens(ids, attn, vocab_size, rng: torch.Generator, p=0.15):
    """BERT MLM corruption: 15 % of non-special positions; 80 % [mask], 10 %
    random token, 10 % unchanged. Returns corrupted ids and labels (-100 = ignore)."""
    special = torch.zeros_like(ids, dtype=torch.bool)
    for s in SPECIAL_IDS:
        special |= ids == s
    cand = (~special) & (attn == 1)
    sel = (torch.rand(ids.shape, generator=rng) < p) & cand
    labels = torch.where(sel, ids, torch.full_like(ids, -100))
    r = torch.rand(ids.shape, generator=rng)
    out = ids.clone()
    out[sel & (r < 0.8)] = MASK
    rnd = sel & (r >= 0.8) & (r < 0.9)
    out[rnd] = torch.randint(7, vocab_size, ids.shape, generator=rng)[rnd]
    return out, labels


def mask_ops(ops, node_mask, n_ops, rng: torch.Generator, p=0.15):
    """Masked Architecture Modelling corruption of op ids (15 %, 80/10/10)."""
    cand = node_mask > 0
    sel = (torch.rand(ops.shape, generator=rng) < p) & cand
    labels = torch.where(sel, ops, torch.full_like(ops, -100))
    r = torch.rand(ops.shape, generator=rng)
    out = ops.clone()
    out[sel & (r < 0.8)] = OP_MASK
    rnd = sel & (r >= 0.8) & (r < 0.9)
    out[rnd] = torch.randint(2, n_ops, ops.shape, generator=rng)[rnd]
    return out, labels


# ------------------------------------------------------------------ hard negatives
def op_histograms(graphs, n_ops):
    H = np.zeros((len(graphs), n_ops + 1), dtype=np.float32)
    for i, g in enumerate(graphs):
        np.add.at(H[i], np.asarray(g.ops, dtype=np.int64), 1.0)
        H[i, -1] = np.log1p(g.n) * 4  # size counts too
    H /= np.linalg.norm(H, axis=1, keepdims=True) + 1e-9
    return H


def hard_neighbours(graphs, n_ops, window=256, seed=0):
    """For each graph, the most similar *other* graph (op-histogram cosine)
    among `window` graphs of nearby size, or a same-family sibling for real
    architectures. Put in the same batch, they are hard in-batch negatives."""
    rng = random.Random(seed)
    order = sorted(range(len(graphs)), key=lambda i: graphs[i].n)
    rank = {g: r for r, g in enumerate(order)}
    H = op_histograms(graphs, n_ops)
    fam: dict[str, list[int]] = {}
    for i, g in enumerate(graphs):
        if g.family and g.source == "real":
            fam.setdefault(g.family, []).append(i)
    nb = []
    for i, g in enumerate(graphs):
        sib = [j for j in fam.get(g.family, []) if j != i] if g.family and g.source == "real" else []
        if sib:
            nb.append(rng.choice(sib))
            continue
        r = rank[i]
        lo, hi = max(0, r - window // 2), min(len(order), r + window // 2)
        cand = np.array([order[k] for k in range(lo, hi) if order[k] != i])
        if len(cand) == 0:
            nb.append(i)
            continue
        sims = H[cand] @ H[i]
        nb.append(int(cand[int(np.argmax(sims))]))
    return nb


def partner_group(g: Graph) -> str | None:
    """The group whose members are hard negatives for g (--family-negatives): a
    real architecture's family; a generated one's generator style, read from its
    name (generate/styles/*.ts name graphs autonet_<style>_<seed>)."""
    if g.source == "real":
        return g.family or None
    style = re.sub(r"_\d+$", "", g.name)
    return style if style != g.name else None


def family_groups(graphs) -> dict:
    """group → indices of its graphs, for groups of at least two graphs."""
    groups: dict[str, list[int]] = {}
    for i, g in enumerate(graphs):
        key = partner_group(g)
        if key is not None:
            groups.setdefault(key, []).append(i)
    return {k: v for k, v in groups.items() if len(v) > 1}


def family_partner(i, graphs, groups, exclude, rng: random.Random):
    """A random other member of graph i's group, not in `exclude` (drawn anew
    every epoch, so an anchor meets many siblings); None when there is none.
    Tries a few draws before scanning, since groups of generated styles hold thousands."""
    members = groups.get(partner_group(graphs[i]))
    if not members:
        return None
    for _ in range(4):
        j = rng.choice(members)
        if j != i and j not in exclude:
            return j
    rest = [j for j in members if j != i and j not in exclude]
    return rng.choice(rest) if rest else None

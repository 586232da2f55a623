#!/usr/bin/python3
"""Development check of the Python pipeline on a tiny synthetic dataset in the
contract's format (generated here into a temporary directory, never shipped):
train a few steps, resume, export, and check the metric functions against
hand-computed cases.

    /usr/bin/python3 training/archbert/test_pipeline.py [--decoder-cache]

--decoder-cache runs only the check of the cached caption decoder (seconds).
"""
from __future__ import annotations

import hashlib
import json
import math
import random
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

import evaluate as ev  # noqa: E402

SPECIAL = ["[pad]", "[unk]", "[cls]", "[sep]", "[mask]", "[bos]", "[eos]"]
WORDS = ["a", "network", "with", "conv", "relu", "batch", "norm", "lstm", "linear", "layers", "uses", "does", "not",
         "use", "pooling", "gelu", "max", "average", "small", "large", "resnet", "mlp", "?", "which", "activation", "is",
         "true", "false", "the", "model", "has", "residual", "##s", "##ing"]
OPS = ["[pad]", "[mask]", "conv", "linear", "lstm", "batch_norm", "layer_norm", "relu", "gelu", "add", "max_pool",
       "avg_pool", "concat", "softmax"]


def make_synthetic(root: Path, n_graphs=60, seed=0, next_set=None):
    """next_set (issue 17 options): None = today's layout; "aligned" / "grid" = a
    [graph] node last with the three whole-graph bin columns (bucket-aligned
    interval bins / today's log grids), generator-style names
    (autonet_<style>_<seed>), real families, and `relevant` lists on queries."""
    rng = random.Random(seed)
    ops_vocab = OPS + (["[graph]"] if next_set else [])
    tokens = SPECIAL + WORDS
    tid = {t: i for i, t in enumerate(tokens)}
    root.mkdir(parents=True, exist_ok=True)
    (root / "vocab.json").write_text(json.dumps({"tokens": tokens, "special": {s[1:-1]: i for i, s in enumerate(SPECIAL)}}))
    (root / "ops.json").write_text(json.dumps({"ops": ops_vocab}))
    features = [
        {"name": "out_channels", "values": [1, 3, 8, 16, 32, 64]}, {"name": "in_channels", "values": [1, 3, 8, 16, 32, 64]},
        {"name": "kernel_h", "values": [1, 3, 5, 7]}, {"name": "kernel_w", "values": [1, 3, 5, 7]},
        {"name": "stride", "values": [1, 2]}, {"name": "dilation", "values": [1, 2]}]
    if next_set:
        features += graph_bin_features(next_set)
    (root / "bins.json").write_text(json.dumps({"features": features, "unknown": 0}))
    answers = ["relu", "gelu", "max", "average"]
    (root / "answers.json").write_text(json.dumps({"answers": answers}))
    enc = lambda words: [2] + [tid[w] for w in words] + [3]  # noqa: E731
    graphs, texts, qa, st = [], [], [], []
    kinds = {}  # (split, act, pool) -> graph ids: what the query "conv ACT POOL pooling" describes
    for i in range(n_graphs):
        split = ["train", "train", "train", "val", "test", "heldout"][i % 6]
        act = rng.choice(["relu", "gelu"])
        pool = rng.choice(["max_pool", "avg_pool"])
        n = rng.randint(4, 20)
        ops = [OPS.index("conv"), OPS.index("batch_norm"), OPS.index(act)] * (n // 3) + [OPS.index(pool)]
        n = len(ops)
        bins = [[rng.randint(0, 6), rng.randint(0, 6), rng.randint(0, 4), rng.randint(0, 4), 1, 1] for _ in range(n)]
        edges = [[j, j + 1] for j in range(n - 1)] + ([[0, 3]] if n > 4 else [])
        gid = f"g{i}"
        row = {"id": gid, "name": gid, "family": "resnet" if i % 2 else None, "source": "generated",
               "split": split, "ops": ops, "bins": bins, "edges": edges, "n": n, "coarsened": False}
        if next_set:
            layers = n // 3
            row["bins"] = [b + [0, 0, 0] for b in bins] + [[0] * 6 + [min(3, 1 + layers // 3), min(4, 1 + layers // 2), 2]]
            row["ops"] = ops + [len(ops_vocab) - 1]
            row["n"] = n + 1
            if i % 4 == 0:
                row.update(source="real", family=["resnet", "vgg"][i % 8 // 4], name=f"real{i}")
            else:
                row.update(family=None, name=f"autonet_{['stage', 'cell'][i % 3 % 2]}_{i}")
        graphs.append(row)
        kinds.setdefault((split, act, pool), []).append(gid)
        pw = "max" if pool == "max_pool" else "average"
        cap = ["a", "network", "with", "conv", "batch", "norm", act, pw, "pooling"]
        texts.append({"graph_id": gid, "split": split, "kind": "caption", "text": " ".join(cap), "tokens": enc(cap),
                      "canonical": True})
        if next_set:  # a paraphrase beside the canonical caption, for --canonical-caption-share
            para = ["a", "network", "with", act]
            texts.append({"graph_id": gid, "split": split, "kind": "caption", "text": " ".join(para),
                          "tokens": enc(para), "canonical": False})
        q = ["conv", act, pw, "pooling"]
        texts.append({"graph_id": gid, "split": split, "kind": "query", "text": " ".join(q), "tokens": enc(q),
                      "_key": (split, act, pool)})
        qq = ["which", "activation", "?"]
        qa.append({"graph_id": gid, "split": split, "question": " ".join(qq), "tokens": enc(qq), "answers": [act],
                   "answer_ids": [answers.index(act)], "family_question": False})
        other = "gelu" if act == "relu" else "relu"
        st.append({"graph_id": gid, "split": split, "text": f"uses {act}", "tokens": enc(["uses", act]), "label": 1,
                   "hard_negative": False})
        st.append({"graph_id": gid, "split": split, "text": f"uses {other}", "tokens": enc(["uses", other]), "label": 0,
                   "hard_negative": True})
    for t in texts:
        key = t.pop("_key", None)
        if next_set and key:
            t["relevant"] = kinds[key]
    for name, rows in (("graphs", graphs), ("texts", texts), ("qa", qa), ("statements", st)):
        (root / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (root / "manifest.json").write_text(json.dumps({"dataHash": f"synthetic-{seed}-{n_graphs}" + (f"-{next_set}" if next_set else "")}))


def graph_bin_features(kind):
    """The three [graph]-node bin features: bucket-aligned interval bins (the proposal,
    bucket_bins.py) or today's log grids of featurize.ts (log10 1…10 step 0.1, log2 1…15 step 0.25)."""
    import bucket_bins as bb
    log2_grid = [round(1 + 0.25 * k, 2) for k in range(57)]
    nodes = {"name": "graph_log2_nodes", "values": log2_grid}
    if kind == "aligned":
        return [{"name": "graph_params", "values": bb.proposed_param_edges(), "binning": "interval"},
                {"name": "graph_weighted_layers", "values": bb.proposed_layer_edges(), "binning": "interval"}, nodes]
    return [{"name": "graph_log10_params", "values": [round(1 + 0.1 * k, 2) for k in range(91)]},
            {"name": "graph_log2_weighted_layers", "values": log2_grid}, nodes]


def check_metrics():
    # ROUGE-L by hand: hyp "a b c d", ref "a c d e": LCS = 3 (a c d), P = R = 3/4 → F1 = 0.75
    assert abs(ev.rouge_l(list("abcd"), list("acde")) - 0.75) < 1e-12
    assert ev.lcs(list("ABCBDAB"), list("BDCABA")) == 4  # CLRS example
    # BLEU-4 identical sentences → 1; no 4-gram match → 0
    s = "the cat sat on the mat".split()
    assert abs(ev.corpus_bleu4([s], [[s]]) - 1.0) < 1e-12
    assert ev.corpus_bleu4([["a", "b", "c"]], [[["a", "b", "c", "d"]]]) == 0.0
    # BLEU by hand: hyp = ref[:5] of a 6-word ref: p1..p4 = 1, BP = exp(1 - 6/5)
    h = s[:5]
    assert abs(ev.corpus_bleu4([h], [[s]]) - math.exp(1 - 6 / 5)) < 1e-12
    # words(): '##' pieces join the previous token, specials dropped
    vocab = SPECIAL + ["conv", "##s", "relu"]
    assert ev.words([2, 7, 8, 9, 3], vocab) == ["convs", "relu"]
    # QA prediction rule: nothing ≥ 0 → argmax
    assert ev.qa_predict(torch.tensor([-1.0, -0.5, -2.0]), ["x", "y", "z"]) == {"y"}
    assert ev.qa_predict(torch.tensor([1.0, -0.5, 0.0]), ["x", "y", "z"]) == {"x", "z"}


# ------------------------------------------------------------------ issue 17 options
def check_next_set_units():
    """The options' rules on hand-made inputs, each with a case where it must not fire."""
    import torch.nn.functional as F

    import bucket_bins as bb
    import checkpoint_files as cf
    from contrastive import multi_positive_infonce, positive_matrix
    from data import Graph, partner_group
    from model import ArchEncoder, Config, last_valid_state

    # multi-positive InfoNCE: one positive per row = today's symmetric cross-entropy, term for term
    lg = torch.tensor([[2.0, 1.5, -1.0], [0.3, 1.0, 0.2], [-0.5, 0.4, 1.2]])
    eye = torch.eye(3, dtype=torch.bool)
    ce = 0.5 * (F.cross_entropy(lg, torch.arange(3)) + F.cross_entropy(lg.t(), torch.arange(3)))
    assert abs(float(multi_positive_infonce(lg, eye)) - float(ce)) < 1e-6
    # graph 1 relevant to text 0 too: each positive against the negatives only, averaged (by hand)
    pos = eye.clone()
    pos[0, 1] = True
    L = lg.tolist()
    sp = lambda x: math.log1p(math.exp(x))  # noqa: E731  softplus
    nl = lambda row, p, negs: sp(math.log(sum(math.exp(row[n]) for n in negs)) - row[p])  # noqa: E731
    col = lambda j: [L[i][j] for i in range(3)]  # noqa: E731
    t2g = ((nl(L[0], 0, [2]) + nl(L[0], 1, [2])) / 2 + nl(L[1], 1, [0, 2]) + nl(L[2], 2, [0, 1])) / 3
    g2t = (nl(col(0), 0, [1, 2]) + (nl(col(1), 0, [2]) + nl(col(1), 1, [2])) / 2 + nl(col(2), 2, [0, 1])) / 3
    got = float(multi_positive_infonce(lg, pos))
    assert abs(got - 0.5 * (t2g + g2t)) < 1e-5, (got, 0.5 * (t2g + g2t))
    assert got < float(ce), "graph 1 scores high for text 0: as a positive it lowers the loss"

    # positives: own graph, graphs on the query's relevance list, graphs carrying the same text
    mk = lambda i, name: Graph(i, f"g{i}", name, None, "generated", "train", [2], [[0] * 6], [], 1)  # noqa: E731
    G = [mk(0, "autonet_stage_0"), mk(1, "autonet_stage_1"), mk(2, "autonet_cell_2")]
    G[0].query_relevant["conv relu"] = ["g1"]
    texts = [("conv relu", []), ("a caption", []), ("other", [])]
    text_sets = [{"conv relu"}, {"a caption"}, {"other", "a caption"}]
    pm = positive_matrix(G, texts, text_sets)
    assert pm.tolist() == [[True, True, False], [False, True, True], [False, False, True]], pm.tolist()

    # caption targets: share 0 draws exactly as before; share s gives the canonical caption s of the time
    from train import pick_caption
    cg = mk(4, "autonet_stage_4")
    cg.captions = [("p0", []), ("canon", []), ("p2", []), ("p3", [])]
    cg.canonical_caption = 1
    r1, r2 = random.Random(5), random.Random(5)
    assert [pick_caption(cg, r1)[0] for _ in range(50)] == [r2.choice(cg.captions)[0] for _ in range(50)]
    r = random.Random(6)
    assert {pick_caption(cg, r, 1.0)[0] for _ in range(50)} == {"canon"}
    draws = [pick_caption(cg, r, 0.5)[0] for _ in range(4000)]
    assert 0.47 < draws.count("canon") / 4000 < 0.53 and set(draws) == {"canon", "p0", "p2", "p3"}
    nocanon = mk(5, "autonet_stage_5")
    nocanon.captions = [("a", []), ("b", [])]
    r1, r2 = random.Random(7), random.Random(7)
    assert [pick_caption(nocanon, r1, 0.9)[0] for _ in range(30)] == [r2.choice(nocanon.captions)[0] for _ in range(30)]

    # family / style groups
    real = Graph(0, "r", "resnet50", "ResNet", "real", "train", [], [], [], 0)
    assert partner_group(real) == "ResNet" and partner_group(G[0]) == "autonet_stage"
    assert partner_group(mk(3, "no_seed_here")) is None

    # bucket bins: today's log grids straddle bucket edges; the proposed interval edges never do
    grid = {"features": graph_bin_features("grid")}
    aligned = {"features": graph_bin_features("aligned")}
    layers = grid["features"][1]
    assert bb.bin_index(layers, 20) == bb.bin_index(layers, 21) == 15  # log2(21)=4.39, log2(22)=4.46 → 4.5
    problems = bb.straddled_edges(grid)
    assert any("20 and 21" in p for p in problems) and any("99,999 and 100,000" in p for p in problems), problems
    assert bb.straddled_edges(aligned) == []
    assert bb.straddled_edges({"features": []}) != []  # no graph features at all is not "aligned"
    al = aligned["features"][1]
    assert [bb.bin_index(al, n) for n in (0, 1, 5, 6, 20, 21)] == [0, 1, 5, 6, 20, 21]
    # the bucket edges replace the nearest grid steps: no sliver bins such as [5.0m, 5.01m)
    for edges in (bb.proposed_param_edges(), [e for e in bb.proposed_layer_edges() if e >= 24]):
        assert min(b / a for a, b in zip(edges[1:], edges[2:])) > 1.1, edges

    # [graph]-node readout: the last valid node, wherever the batch's padding ends
    torch.manual_seed(0)
    cfg = Config(hidden=16, embed=8, ff=32, heads=2, n_ops=len(OPS) + 1, bin_sizes=[8] * 9, graph_readout=True)
    enc = ArchEncoder(cfg).eval()
    assert enc.proj.in_features == 48 and ArchEncoder(Config(hidden=16, embed=8)).proj.in_features == 32

    def batch(sizes):
        N = max(sizes)
        ops = torch.zeros(len(sizes), N, dtype=torch.long)
        bins = torch.zeros(len(sizes), N, 9, dtype=torch.long)
        adj, mask = torch.zeros(len(sizes), N, N), torch.zeros(len(sizes), N)
        for b, n in enumerate(sizes):
            ops[b, :n] = torch.arange(2, 2 + n) % len(OPS)
            ops[b, n - 1] = len(OPS)  # the [graph] op, last
            bins[b, n - 1, 6:] = torch.tensor([3, 4, 5])
            for j in range(n - 2):
                adj[b, j, j + 1] = 1.0
            mask[b, :n] = 1.0
        return ops, bins, adj, mask

    with torch.no_grad():
        alone, _ = enc(*batch([5]))
        padded, states = enc(*batch([5, 9]))
        assert torch.allclose(alone[0], padded[0], atol=1e-6), "padding after the [graph] node changes nothing"
        ops, bins, adj, mask = batch([5, 9])
        assert torch.equal(last_valid_state(states, mask), torch.stack([states[0, 4], states[1, 8]]))
        bins2 = bins.clone()
        bins2[0, 4, 6] = 6  # another parameter-count bin on the [graph] node
        assert not torch.allclose(enc(ops, bins2, adj, mask)[0][0], padded[0])

    # checkpoint parts: bounded size, round trip, a damaged part refused; bfloat16 moments
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        obj = {"w": torch.randn(5000), "step": 3}
        cf.save_checkpoint(obj, d, 4096)
        assert cf.largest_file_bytes(d) <= 4096 and not (d / "last.pt").exists() and len(list(d.glob("last.pt.part*"))) >= 5
        assert torch.equal(cf.load_checkpoint(d)["w"], obj["w"])
        cf.save_checkpoint({"w": torch.zeros(10)}, d, 4096)  # smaller: stale parts go
        assert len(list(d.glob("last.pt.part*"))) == 1
        cf.save_checkpoint(obj, d, 4096)
        (d / "last.pt.part1").write_bytes(b"x" + (d / "last.pt.part1").read_bytes()[1:])
        try:
            cf.load_checkpoint(d)
            raise AssertionError("a damaged part must be refused")
        except ValueError:
            pass
        cf.save_checkpoint(obj, d, 0)  # one file again: the parts are removed
        assert (d / "last.pt").exists() and not (d / "last.json").exists() and not list(d.glob("last.pt.part*"))
    p = torch.nn.Parameter(torch.randn(4))
    opt = torch.optim.AdamW([p])
    p.sum().backward()
    opt.step()
    small = cf.compact_optimizer_state(opt.state_dict(), "bfloat16")
    st = small["state"][0]
    assert st["exp_avg"].dtype == torch.bfloat16 and st["exp_avg_sq"].dtype == torch.bfloat16
    assert float(st["step"]) == 1.0 and cf.compact_optimizer_state(opt.state_dict(), "float32") is not None
    assert cf.restore_optimizer_state(small)["state"][0]["exp_avg"].dtype == torch.float32
    assert opt.state_dict()["state"][0]["exp_avg"].dtype == torch.float32, "the live optimizer is untouched"


def check_next_set_training(tmp: Path):
    """Every option trains on the synthetic set; a run cut into chunks with split
    checkpoints ends with exactly the weights of an uncut run; resuming with other
    options and --bucket-bins on today's bins are refused; the export keeps the
    arch_encoder signature and runs."""
    import checkpoint_files as cf
    import export
    import train
    from sampler import Sampler
    from data import load_dataset, partner_group

    d = tmp / "data17"
    make_synthetic(d, next_set="aligned")
    ds = load_dataset(d, None)
    assert all(g.canonical_caption == 0 and len(g.captions) == 2 for g in ds.graphs)
    # the pickle cache is keyed by the parser's source as well as the data: a parser change reads afresh
    import data as data_module
    hashed = tmp / "data17-hashed"
    shutil.copytree(d, hashed)
    man = json.loads((hashed / "manifest.json").read_text())  # make_synthetic writes one, without data_hash
    (hashed / "manifest.json").write_text(json.dumps({**man, "data_hash": "synthetic17"}))
    load_dataset(hashed, tmp / "cache")
    parser = hashlib.sha256(Path(data_module.__file__).read_bytes()).hexdigest()[:12]
    assert [p.name for p in (tmp / "cache").glob("*.pkl")] == [f"synthetic17-{parser}.pkl"]
    assert load_dataset(hashed, tmp / "cache").graphs[0].canonical_caption == 0
    tr = ds.split("train")
    sm = Sampler(tr, ds.n_ops, 9, 0.2, 1, family_negatives=True)
    assert sm.half == 3 and Sampler(tr, ds.n_ops, 9, 0.2, 1).half == 4
    r = random.Random(0)
    for a in range(len(tr)):
        members = sm.batch_of([a], r)
        assert members[:2] == [a, sm.nb[a]] or members[:1] == [a] and sm.nb[a] == a
        others = [j for j in members[1:] if j != sm.nb[a] and partner_group(tr[j]) == partner_group(tr[a])]
        assert others or len(sm.groups.get(partner_group(tr[a]), [])) <= 2, f"anchor {a} got no sibling"

    MIB_PART = 0.05  # 52 KB parts: several per checkpoint of the tiny model
    base = ["--data", str(d), "--epochs", "2", "--batch", "9", "--hidden", "32", "--embed", "32", "--ff", "64", "--heads",
            "2", "--val-graphs", "5", "--warmup", "2", "--cache", "", "--graph-readout", "--multi-positive",
            "--family-negatives", "--bucket-bins", "--canonical-caption-share", "0.5", "--ckpt-split-mib", str(MIB_PART)]
    whole, cut = tmp / "ck-whole", tmp / "ck-cut"
    train.main(base + ["--ckpt", str(whole)])
    # --chunk-minutes 0.2 with the first save guessed at 5 s (twice that + 2 s in hand): the first call stops after one step
    train.main(base + ["--ckpt", str(cut), "--chunk-minutes", "0.2"])
    st = cf.load_checkpoint(cut)
    assert st["step"] == 1 and not st["finished"] and st["log"][-1].get("chunk_end"), st["log"]
    assert cf.largest_file_bytes(cut) <= MIB_PART * 2 ** 20 and not (cut / "last.pt").exists()
    try:
        train.main([a for a in base if a != "--multi-positive"] + ["--ckpt", str(cut)])
        raise AssertionError("resuming with other options must be refused")
    except SystemExit as e:
        assert "--multi-positive True" in str(e), e
    train.main(base + ["--ckpt", str(cut)])  # the next call finishes the run
    a, b = cf.load_checkpoint(whole), cf.load_checkpoint(cut)
    assert a["finished"] and b["finished"] and a["step"] == b["step"]
    assert all(torch.equal(a["model"][k], b["model"][k]) for k in a["model"]), "chunked run = uncut run"
    assert a["cfg"]["graph_readout"] and a["args"]["multi_positive"] and a["args"]["family_negatives"]
    # --max-rss-gib below any process's size: the call stops after one step as a chunk does, and the rerun
    # (with or without the limit: it is not a training option) ends where the uncut run ended
    mem = tmp / "ck-mem"
    assert 0 < train.resident_gib() < 64
    assert train.main(base + ["--ckpt", str(mem), "--max-rss-gib", "0.001"]) == 75
    st = cf.load_checkpoint(mem)
    assert st["step"] == 1 and not st["finished"] and st["log"][-1].get("chunk_end"), st["log"]
    assert train.main(base + ["--ckpt", str(mem)]) == 0
    m = cf.load_checkpoint(mem)
    assert m["finished"] and m["step"] == a["step"]
    assert all(torch.equal(a["model"][k], m["model"][k]) for k in a["model"]), "run cut by memory = uncut run"
    for bad in ("-1", "nan", "inf"):
        try:
            train.main(base + ["--ckpt", str(tmp / "ck-bad"), "--max-rss-gib", bad])
            raise AssertionError(f"--max-rss-gib {bad} must be refused")
        except SystemExit as e:
            assert f"--max-rss-gib {bad}" in str(e) and not (tmp / "ck-bad").exists(), e

    # bfloat16 moments: smaller checkpoint, still resumable
    bf = tmp / "ck-bf16"
    train.main(base + ["--ckpt", str(bf), "--opt-state-dtype", "bfloat16", "--epochs", "1"])
    size = lambda p: sum(f.stat().st_size for f in p.glob("last.pt.part*"))  # noqa: E731
    assert size(bf) < 0.8 * size(whole), (size(bf), size(whole))
    assert cf.load_checkpoint(bf)["opt"]["state"][0]["exp_avg"].dtype == torch.bfloat16
    train.main(base + ["--ckpt", str(bf), "--opt-state-dtype", "bfloat16"])
    assert cf.load_checkpoint(bf)["finished"]

    try:
        train.main(base + ["--ckpt", str(tmp / "ck-share"), "--canonical-caption-share", "1.5"])
        raise AssertionError("a share over 1 must be refused")
    except SystemExit as e:
        assert "between 0 and 1" in str(e), e

    # --bucket-bins refuses today's log-grid bins
    g = tmp / "data17-grid"
    make_synthetic(g, next_set="grid")
    try:
        train.main(["--data", str(g), "--ckpt", str(tmp / "ck-grid")] + base[2:])
        raise AssertionError("--bucket-bins must refuse log-grid bins")
    except SystemExit as e:
        assert "20 and 21" in str(e), e

    # export: the arch_encoder signature is unchanged, and the ONNX file runs
    cf.join_checkpoint(whole)
    out = tmp / "models17"
    export.main(["--data", str(d), "--ckpt", str(whole), "--out", str(out)])
    man = json.loads((out / "manifest.json").read_text())
    hp = man["hyperparameters"]
    assert hp["config"]["graph_readout"] and hp["train_args"]["multi_positive"] and hp["train_args"]["bucket_bins"]
    assert hp["train_args"]["canonical_caption_share"] == 0.5
    import onnx
    m = onnx.load(str(out / "arch_encoder.onnx"))
    assert [i.name for i in m.graph.input] == ["ops", "bins", "adj", "node_mask"]
    assert [o.name for o in m.graph.output] == ["embedding", "node_states"]
    return run_onnx_arch_encoder(out)


def run_onnx_arch_encoder(out: Path):
    """Runs arch_encoder.onnx on parity.json's inputs and compares with the PyTorch
    outputs: onnx's reference evaluator when this onnx has it (≥ 1.13), else
    onnxruntime-node from the repository's node_modules; the max abs diff, or None
    when neither is there (then only the signature above was checked)."""
    par = json.loads((out / "parity.json").read_text())["arch_encoder"]
    try:
        from onnx.reference import ReferenceEvaluator
        ins = par["inputs"]
        feeds = {"ops": np.array(ins["ops"], dtype=np.int64), "bins": np.array(ins["bins"], dtype=np.int64),
                 "adj": np.array(ins["adj"], dtype=np.float32), "node_mask": np.array(ins["node_mask"], dtype=np.float32)}
        emb = ReferenceEvaluator(str(out / "arch_encoder.onnx")).run(["embedding"], feeds)[0]
        diff = float(np.abs(emb - np.array(par["outputs"]["embedding"])).max())
        how = "onnx reference evaluator"
    except ImportError:
        import shutil
        import subprocess
        repo = Path(__file__).resolve().parents[2]
        if not shutil.which("node") or not (repo / "node_modules/onnxruntime-node").exists():
            print("arch_encoder.onnx: no ONNX runtime in reach here (signature checked only)")
            return None
        js = ("const ort=require('onnxruntime-node');const fs=require('fs');(async()=>{"
              "const p=JSON.parse(fs.readFileSync(process.argv[1]+'/parity.json')).arch_encoder;const i=p.inputs;"
              "const f=(a)=>a.flat(Infinity);const B=i.ops.length,N=i.ops[0].length;"
              "const s=await ort.InferenceSession.create(process.argv[1]+'/arch_encoder.onnx');"
              "const r=await s.run({ops:new ort.Tensor('int64',BigInt64Array.from(f(i.ops).map(BigInt)),[B,N]),"
              "bins:new ort.Tensor('int64',BigInt64Array.from(f(i.bins).map(BigInt)),[B,N,i.bins[0][0].length]),"
              "adj:new ort.Tensor('float32',Float32Array.from(f(i.adj)),[B,N,N]),"
              "node_mask:new ort.Tensor('float32',Float32Array.from(f(i.node_mask)),[B,N])});"
              "const e=r.embedding.data,w=f(p.outputs.embedding);let m=0;for(let k=0;k<w.length;k++)m=Math.max(m,Math.abs(e[k]-w[k]));"
              "console.log(m)})().catch(e=>{console.error(e);process.exit(1)})")
        res = subprocess.run(["node", "-e", js, str(out)], cwd=repo, capture_output=True, text=True, timeout=120)
        assert res.returncode == 0, res.stderr
        diff = float(res.stdout.strip())
        how = "onnxruntime-node"
    assert diff < 1e-4, f"arch_encoder.onnx differs from PyTorch by {diff}"
    print(f"arch_encoder.onnx with the [graph] readout, {how}: max abs diff {diff:.2e}")
    return diff


def check_number_channel(tmp: Path, d: Path):
    """--number-channel trains on rows that carry the channel, and exports it as a third
    text_encoder input whose parity inputs state a quantity."""
    import export
    import train
    from model import ArchBert, Config, number_features
    # the channel's features: zero off numbers, distinct for 40m and 50m
    f = number_features(torch.tensor([[-1.0, 7.6021, 7.699]]))
    assert f[0, 0].abs().sum() == 0 and f[0, 1, 0] == 1 and (f[0, 1] - f[0, 2]).abs().max() > 0.1
    # it starts silent: a fresh channel changes no embedding
    m = ArchBert(Config(hidden=16, embed=8, ff=32, heads=2, vocab_size=50, number_channel=True)).eval()
    ids, am = torch.randint(7, 50, (2, 6)), torch.ones(2, 6, dtype=torch.long)
    with torch.no_grad():
        assert torch.equal(m.text(ids, am)[0], m.text(ids, am, torch.full((2, 6), 7.6))[0])
    d2 = tmp / "data-numbers"
    shutil.copytree(d, d2)
    for name in ("texts.jsonl", "qa.jsonl"):
        rows = [json.loads(x) for x in (d2 / name).read_text().splitlines()]
        for i, r in enumerate(rows):
            if i % 3 == 0:
                r["numbers"] = [[1, 1.38], [2, 7.6]]
        (d2 / name).write_text("".join(json.dumps(r) + "\n" for r in rows))
    ck2 = tmp / "ckpt-numbers"
    train.main(["--data", str(d2), "--ckpt", str(ck2), "--epochs", "1", "--batch", "8", "--hidden", "32", "--embed",
                "32", "--ff", "64", "--heads", "2", "--val-graphs", "5", "--warmup", "2", "--cache", "",
                "--number-channel", "--number-lr-factor", "10"])
    st = torch.load(ck2 / "last.pt")
    assert st["cfg"]["number_channel"] and st["model"]["text.num.weight"].abs().sum() > 0, "the channel learned"
    groups = st["opt"]["param_groups"]
    assert [g.get("lr_mult", 1.0) for g in groups] == [1.0, 10.0] and len(groups[1]["params"]) == 2, groups
    out = tmp / "models-numbers"
    export.main(["--data", str(d2), "--ckpt", str(ck2), "--out", str(out), "--skip-eval"])
    import onnx
    g = onnx.load(str(out / "text_encoder.onnx")).graph
    assert [i.name for i in g.input] == ["input_ids", "attention_mask", "numbers"]
    par = json.loads((out / "parity.json").read_text())["text_encoder"]["inputs"]
    assert any(x >= 0 for row in par["numbers"] for x in row), "parity inputs state a quantity"
    # the set's weights rebuild from its ONNX files, channel included (--init-from-set continues it)
    from weights_from_onnx import rebuild, verify
    cfg, state, _, _ = rebuild(out)
    verify(cfg, state, out)
    assert cfg.number_channel and torch.equal(state["text.num.weight"], st["model"]["text.num.weight"])
    print("number channel: trained, exported with a numbers input, rebuilt from the ONNX files")


def main():
    torch.set_num_threads(1)
    check_metrics()
    import export
    import train
    with tempfile.TemporaryDirectory() as tmp:
        d, ck, out = Path(tmp) / "data", Path(tmp) / "ckpt", Path(tmp) / "models"
        make_synthetic(d)
        small = ["--data", str(d), "--ckpt", str(ck), "--epochs", "2", "--batch", "8", "--hidden", "32", "--embed",
                 "32", "--ff", "64", "--heads", "2", "--val-graphs", "5", "--warmup", "2"]
        train.main(small + ["--epochs", "1"])
        st1 = torch.load(ck / "last.pt")
        assert st1["epoch"] == 1 and st1["step"] > 0 and st1["log"], "one epoch recorded"
        train.main(small)  # resumes for the second epoch
        st2 = torch.load(ck / "last.pt")
        assert st2["epoch"] == 2 and st2["finished"] and st2["step"] > st1["step"] and len(st2["log"]) == 2
        export.main(["--data", str(d), "--ckpt", str(ck), "--out", str(out)])
        man = json.loads((out / "manifest.json").read_text())
        for f in ("text_encoder", "arch_encoder", "reasoning_head", "qa_head", "caption_decoder"):
            assert (out / f"{f}.onnx").exists() and f"{f}.onnx" in man["files"]
        for split in ("heldout", "test"):
            m = man["metrics"][split]
            assert 0 <= m["retrieval"]["r1"] <= m["retrieval"]["r5"] <= 1
            assert 0 <= m["reasoning"]["accuracy"] <= 1 and 0 <= m["qa"]["exact_match"] <= 1
            assert 0 <= m["caption"]["rouge_l"] <= 1
        from model import ArchBert, Config, count_params
        whole = ArchBert(Config(**st2["cfg"]))
        assert count_params(whole) == man["parameters_total"], "train.py's count of the whole model is the export's"
        par = json.loads((out / "parity.json").read_text())
        assert len(par["arch_encoder"]["outputs"]["embedding"]) == 2
        print("metrics on synthetic data:", json.dumps(man["metrics"]["test"], default=str)[:400])
        check_next_set_units()
        check_next_set_training(Path(tmp))
        check_warm_start(Path(tmp), d, ck, out)
        check_interpolation(Path(tmp), d, out)
        check_anchor(Path(tmp), d, out)
        check_number_channel(Path(tmp), d)
        check_block_bins(Path(tmp), d, out)
        out_hs = check_head_graph_state(Path(tmp), d, out)
        check_head_node_attention(Path(tmp), d, out_hs)
    print("test_pipeline: OK")


def models_and_graphs(d: Path, *configured):
    """An ArchBert in eval mode for each (config, weights), then the first three graphs of dataset d, collated."""
    from data import collate_graphs, load_dataset
    from model import ArchBert
    models = []
    for cfg, state in configured:
        m = ArchBert(cfg).eval()
        m.load_state_dict(state)
        models.append(m)
    return (*models, collate_graphs(load_dataset(d, None).graphs[:3]))


def check_head_graph_state(tmp: Path, d: Path, out: Path):
    """--head-graph-state (Config.head_graph_state): continuing a set trained without it, the heads'
    first layers get zero columns for the [graph] node's state, so they answer exactly as the set's
    heads whatever that state holds; a head reading it refuses to run without it; the run trains,
    exports heads with a third input (arch_graph_state, in parity.json too) and evaluates; and
    weights_from_onnx.py gives the trained weights back from that export."""
    import export
    import train
    from model import ArchBert, Config, last_valid_state
    from warm_start import carry_over
    from weights_from_onnx import rebuild
    cfg, state, _m, missing = rebuild(out)
    tok, ans = [f"t{i}" for i in range(cfg.vocab_size)], [f"a{i}" for i in range(cfg.n_answers)]
    hs_cfg = Config(**{**cfg.to_dict(), "head_graph_state": True})
    carried, report = carry_over(state, cfg.to_dict(), ArchBert(hs_cfg).state_dict(), hs_cfg.to_dict(), tok, tok, ans, ans)
    assert report["head_state_added"] and not report["readout_added"]
    src, dst, (ops, bins, adj, mask) = models_and_graphs(d, (cfg, state), (hs_cfg, carried))
    with torch.no_grad():
        e, states = src.arch(ops, bins, adj, mask)
        g = last_valid_state(states, mask)
        assert g.abs().max() > 0.1, "the [graph] node's state is not all zeros: the check below means something"
        t = torch.nn.functional.normalize(torch.randn(3, cfg.embed, generator=torch.Generator().manual_seed(4)), dim=-1)
        diff = max(float((src.qa(t, e) - dst.qa(t, e, g)).abs().max()),
                   float((src.reasoning(t, e) - dst.reasoning(t, e, g)).abs().max()))
        assert diff < 1e-6, f"zero columns for the [graph] node's state changed the heads by {diff}"
        try:
            dst.qa(t, e)
        except ValueError:
            pass
        else:
            raise AssertionError("a head that reads the [graph] node's state ran without it")
    # a source whose heads' first layers are not the pair features' width is refused, not padded
    bad = {**state, "qa.net.0.weight": state["qa.net.0.weight"][:, :-1]}
    try:
        carry_over(bad, cfg.to_dict(), ArchBert(hs_cfg).state_dict(), hs_cfg.to_dict(), tok, tok, ans, ans)
    except ValueError:
        pass
    else:
        raise AssertionError("a head layer of the wrong width was carried over")

    # a small continuation of the set with the heads reading the state (--data and --ckpt come first)
    continued = ["--epochs", "1", "--batch", "8", "--hidden", "32", "--embed", "32", "--ff", "64", "--heads", "2",
                 "--val-graphs", "0", "--warmup", "2", "--cache", "", "--init-from-set", str(out), "--head-graph-state"]
    ck = tmp / "ckpt-head-state"
    train.main(["--data", str(d), "--ckpt", str(ck), *continued])
    st = torch.load(ck / "last.pt")
    assert st["init_source"]["report"]["head_state_added"] and st["cfg"]["head_graph_state"]
    grown = st["model"]["qa.net.0.weight"][:, 4 * cfg.embed:]
    assert grown.abs().max() > 0, "training moved the zero columns of the [graph] node's state"
    out2 = tmp / "export-head-state"
    export.main(["--data", str(d), "--ckpt", str(ck), "--out", str(out2)])
    parity = json.loads((out2 / "parity.json").read_text())
    for head in ("reasoning_head", "qa_head"):
        assert "arch_graph_state" in parity[head]["inputs"], head
    import onnx
    assert [i.name for i in onnx.load(str(out2 / "qa_head.onnx")).graph.input][-1] == "arch_graph_state"
    cfg2, state2, _m2, missing2 = rebuild(out2)
    assert cfg2.head_graph_state
    for k, v in state2.items():
        if k not in missing2:
            assert torch.equal(v, st["model"][k]), f"{k} differs after the rebuild from ONNX"

    # --heads-only: the same continuation trains the heads alone; every other weight the set has stays its own, bit
    # for bit, a step computes only the heads' losses, and AdamW holds the heads' weights only
    ck_h = tmp / "ckpt-heads-only"
    train.main(["--data", str(d), "--ckpt", str(ck_h), *continued, "--heads-only"])
    sh = torch.load(ck_h / "last.pt")
    heads = [k for k in sh["model"] if k.startswith(train.HEAD_PREFIXES)]
    for k, v in state.items():
        if k not in missing and k not in heads:
            assert torch.equal(sh["model"][k], v), f"--heads-only moved {k}"
    assert sh["model"]["qa.net.0.weight"][:, 4 * cfg.embed:].abs().max() > 0, "--heads-only trained the heads"
    assert set(sh["log"][0]["loss"]) == {"reasoning", "qa"}, sh["log"][0]["loss"]
    assert [len(g["params"]) for g in sh["opt"]["param_groups"]] == [len(heads)], sh["opt"]["param_groups"]
    try:
        train.main(["--data", str(d), "--ckpt", str(tmp / "ckpt-heads-fresh"), "--epochs", "1", "--heads-only"])
        raise AssertionError("--heads-only ran with random encoders")
    except SystemExit as e:
        assert "--heads-only" in str(e), e
    # ... and on a dataset with a token the set lacks (its frozen row would stay random)
    d_tok = tmp / "data-new-token"
    shutil.copytree(d, d_tok)
    vocab = json.loads((d_tok / "vocab.json").read_text())
    vocab["tokens"].append("a_token_the_set_lacks")
    (d_tok / "vocab.json").write_text(json.dumps(vocab))
    try:
        train.main(["--data", str(d_tok), "--ckpt", str(tmp / "ckpt-heads-new-token"), *continued, "--heads-only"])
        raise AssertionError("--heads-only ran with a token the set lacks")
    except SystemExit as e:
        assert "1 of the dataset's tokens are new" in str(e), e
    # --freeze-text: the same continuation keeps the text encoder bit for bit, trains the rest and skips the MLM
    # loss; refused without a starting set and on a dataset with a token the set lacks
    ck_t = tmp / "ckpt-freeze-text"
    train.main(["--data", str(d), "--ckpt", str(ck_t), *continued, "--freeze-text"])
    sf = torch.load(ck_t / "last.pt")
    text = [k for k in state if k.startswith(train.TEXT_PREFIX)]
    assert text and all(torch.equal(sf["model"][k], state[k]) for k in text if k not in missing), "--freeze-text moved the text encoder"
    assert not torch.equal(sf["model"]["arch.op.weight"], state["arch.op.weight"]), "--freeze-text trained the arch encoder"
    assert "mlm" not in sf["log"][0]["loss"] and "contrastive" in sf["log"][0]["loss"], sf["log"][0]["loss"]
    for extra, data, what in (([], d, "random encoders"), (continued, d_tok, "a token the set lacks")):
        try:
            train.main(["--data", str(data), "--ckpt", str(tmp / f"ckpt-freeze-{len(extra)}"), *(extra or ["--epochs", "1"]), "--freeze-text"])
            raise AssertionError(f"--freeze-text ran with {what}")
        except SystemExit as e:
            assert "--freeze-text" in str(e), e
    print(f"head graph state: zero columns change the heads by {diff:.1e}; trained, exported and rebuilt; "
          f"--heads-only moved {len(heads)} head tensors and nothing else; --freeze-text kept {len(text)} text tensors")
    return out2


def check_head_node_attention(tmp: Path, d: Path, out_hs: Path):
    """--head-node-attention (Config.head_node_attention), continuing out_hs (a set whose heads read the [graph]
    node's state): the heads' first layers get zero columns for the node readout, so they answer exactly as the
    set's; the readout ignores padding nodes; it is refused without --head-graph-state; a --heads-only run trains
    it, exports heads with the node states and mask as inputs (in parity.json too), and weights_from_onnx.py gives
    the trained weights back."""
    import export
    import onnx
    import train
    from model import ArchBert, Config, last_valid_state
    from warm_start import carry_over
    from weights_from_onnx import rebuild
    cfg, state, _m, missing = rebuild(out_hs)
    assert cfg.head_graph_state and not cfg.head_node_attention
    tok, ans = [f"t{i}" for i in range(cfg.vocab_size)], [f"a{i}" for i in range(cfg.n_answers)]
    na_cfg = Config(**{**cfg.to_dict(), "head_node_attention": True})
    carried, report = carry_over(state, cfg.to_dict(), ArchBert(na_cfg).state_dict(), na_cfg.to_dict(), tok, tok, ans,
                                 ans)
    assert report["head_node_attention_added"] and not report["head_state_added"]
    src, dst, (ops, bins, adj, mask) = models_and_graphs(d, (cfg, state), (na_cfg, carried))
    with torch.no_grad():
        e, states = src.arch(ops, bins, adj, mask)
        g = last_valid_state(states, mask)
        t = torch.nn.functional.normalize(torch.randn(3, cfg.embed, generator=torch.Generator().manual_seed(5)), dim=-1)
        readout = dst.qa.readout(t, states, mask)
        assert readout.abs().max() > 0.01, "the node readout is not all zeros: the check below means something"
        diff = max(float((src.qa(t, e, g) - dst.qa(t, e, g, states, mask)).abs().max()),
                   float((src.reasoning(t, e, g) - dst.reasoning(t, e, g, states, mask)).abs().max()))
        assert diff < 1e-6, f"zero columns for the node readout changed the heads by {diff}"
        # more padding, whatever it holds, reads the same
        padded = torch.cat([states, torch.randn(3, 5, cfg.hidden)], 1)
        pmask = torch.cat([mask, torch.zeros(3, 5)], 1)
        pad_diff = float((dst.qa.readout(t, padded, pmask) - readout).abs().max())
        assert pad_diff < 1e-5, f"padding nodes changed the node readout by {pad_diff}"
        try:
            dst.qa(t, e, g)
        except ValueError:
            pass
        else:
            raise AssertionError("a head that reads the node states ran without them")
    continued = ["--epochs", "1", "--batch", "8", "--hidden", "32", "--embed", "32", "--ff", "64", "--heads", "2",
                 "--val-graphs", "0", "--warmup", "2", "--cache", "", "--init-from-set", str(out_hs),
                 "--head-graph-state", "--head-node-attention", "--heads-only"]
    try:
        train.main(["--data", str(d), "--ckpt", str(tmp / "ckpt-node-attn-alone"),
                    *[a for a in continued if a != "--head-graph-state"]])
        raise AssertionError("--head-node-attention ran without --head-graph-state")
    except SystemExit as ex:
        assert "--head-graph-state" in str(ex), ex
    ck = tmp / "ckpt-node-attn"
    train.main(["--data", str(d), "--ckpt", str(ck), *continued])
    st = torch.load(ck / "last.pt")
    assert st["init_source"]["report"]["head_node_attention_added"] and st["cfg"]["head_node_attention"]
    grown = st["model"]["qa.net.0.weight"][:, 4 * cfg.embed + cfg.hidden:]
    assert grown.shape[1] == cfg.hidden + cfg.heads and grown.abs().max() > 0, "training moved the readout's columns"
    for k, v in state.items():
        if not k.startswith(train.HEAD_PREFIXES) and k not in missing:
            assert torch.equal(st["model"][k], v), f"--heads-only moved {k}"
    out2 = tmp / "export-node-attn"
    export.main(["--data", str(d), "--ckpt", str(ck), "--out", str(out2)])
    parity = json.loads((out2 / "parity.json").read_text())
    for head in ("reasoning_head", "qa_head"):
        assert {"arch_graph_state", "node_states", "node_mask"} <= set(parity[head]["inputs"]), head
        names = [i.name for i in onnx.load(str(out2 / f"{head}.onnx")).graph.input]
        assert names[-2:] == ["node_states", "node_mask"], names
    cfg2, state2, _m2, missing2 = rebuild(out2)
    assert cfg2.head_node_attention
    for k, v in state2.items():
        if k not in missing2:
            assert torch.equal(v, st["model"][k]), f"{k} differs after the rebuild from ONNX"
    print(f"head node attention: zero columns change the heads by {diff:.1e}, padding the readout by {pad_diff:.1e}; "
          "trained heads-only, exported and rebuilt")


def check_block_bins(tmp: Path, d: Path, out: Path):
    """A dataset that appends whole-graph bin columns (the "blocks" layout's block counts, the "output"
    layout's output width) continues a set trained without them: --init-from-set carries the set's
    columns, the added tables start at zero and train in their own AdamW groups (--block-bins-lr-factor,
    --output-bins-lr-factor)."""
    import train
    d3 = tmp / "data-blocks"
    shutil.copytree(d, d3)
    bins = json.loads((d3 / "bins.json").read_text())
    added = [{"name": f"graph_blocks_{k}", "values": list(range(25)), "binning": "interval"} for k in ("residual", "attention")]
    added.append({"name": "graph_output_width", "values": list(range(33)), "binning": "interval"})
    bins["features"] += added
    (d3 / "bins.json").write_text(json.dumps(bins))
    rows = [json.loads(x) for x in (d3 / "graphs.jsonl").read_text().splitlines()]
    for r in rows:
        # the [graph] node (last) counts 1 + id length % 5 residual blocks, no attention, an output width of
        # 10 + id length % 3; other nodes: 0 (not applicable)
        r["bins"] = [b + [0, 0, 0] for b in r["bins"][:-1]] + [r["bins"][-1] + [2 + len(r["id"]) % 5, 1, 11 + len(r["id"]) % 3]]
    (d3 / "graphs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    ck3 = tmp / "ckpt-blocks"
    common = ["--epochs", "1", "--batch", "8", "--hidden", "32", "--embed", "32", "--ff", "64", "--heads", "2",
              "--val-graphs", "0", "--warmup", "2", "--cache", "", "--init-from-set", str(out)]
    train.main(["--data", str(d3), "--ckpt", str(ck3), *common, "--block-bins-lr-factor", "10", "--output-bins-lr-factor", "5"])
    st = torch.load(ck3 / "last.pt")
    assert st["init_source"]["report"]["bin_tables_added"] == 3
    n_cols = len(bins["features"])
    assert st["cfg"]["bin_sizes"][-3:] == [26, 26, 34] and len(st["cfg"]["bin_sizes"]) == n_cols
    assert st["model"][f"arch.bins.{n_cols - 3}.weight"].abs().sum() > 0, "the added block table learned"
    assert st["model"][f"arch.bins.{n_cols - 1}.weight"].abs().sum() > 0, "the added output table learned"
    groups = st["opt"]["param_groups"]
    assert [g.get("lr_mult", 1.0) for g in groups] == [1.0, 10.0, 5.0], groups
    assert [len(g["params"]) for g in groups[1:]] == [2, 1], groups
    names = [f["name"] for f in bins["features"]]
    assert train.block_bin_params(names) == {f"arch.bins.{n_cols - 3}.weight", f"arch.bins.{n_cols - 2}.weight"}
    assert train.output_bin_params(names) == {f"arch.bins.{n_cols - 1}.weight"}
    # the factor is refused on a dataset without the column (here the original one)
    try:
        train.main(["--data", str(d), "--ckpt", str(tmp / "ckpt-no-output"), *common, "--output-bins-lr-factor", "5"])
        raise AssertionError("--output-bins-lr-factor ran on a dataset without an output-width column")
    except SystemExit as e:
        assert "no output-width column" in str(e), e
    print("added bins: the set carried over, 3 zero-initialised tables trained at 10 x and 5 x lr")


def check_warm_start(tmp: Path, d: Path, ck: Path, out: Path):
    """weights_from_onnx.py gives back the trained weights from an exported set exactly;
    warm_start.carry_over moves rows by token / answer string, leaves new rows fresh, and
    adding the [graph] readout does not change the embedding; train.py --init-from-set runs
    and the manifest's history continues the set's."""
    import export
    import train
    from model import TRAINING_ONLY_FILE, ArchBert, Config
    from warm_start import carry_over
    from weights_from_onnx import rebuild, verify
    trained = torch.load(ck / "last.pt")["model"]
    cfg, state, _m, missing = rebuild(out)
    verify(cfg, state, out)
    assert missing == [], f"not rebuilt from the set's files: {missing}"
    for k, v in state.items():
        assert torch.equal(v, trained[k]), f"{k} differs after the rebuild from the set's files"
    # a set exported before training_only.npz existed: those tensors start fresh, and are listed
    older = tmp / "set-without-training-only"
    shutil.copytree(out, older)
    (older / TRAINING_ONLY_FILE).unlink()
    assert set(rebuild(older)[3]) == {"arch.mam.weight", "arch.mam.bias", "log_inv_temp", "text.mlm_bias",
                                      "text.mlm_dense.weight", "text.mlm_dense.bias", "text.mlm_ln.weight",
                                      "text.mlm_ln.bias"}
    # a training_only.npz the manifest does not list with this content is refused
    np.savez(older / TRAINING_ONLY_FILE, **{"log_inv_temp": np.float32(1.0)})
    try:
        rebuild(older)
        raise AssertionError("a training_only.npz foreign to the manifest was read")
    except SystemExit as e:
        assert "not the file manifest.json lists" in str(e), e

    # carry-over onto a reordered, extended vocabulary and answer list, with the readout added
    old_tok = [f"t{i}" for i in range(cfg.vocab_size)]
    new_tok = old_tok[:7] + ["new_a"] + old_tok[7:][::-1] + ["new_b"]
    old_ans = [f"a{i}" for i in range(cfg.n_answers)]
    new_ans = ["fresh"] + old_ans[::-1]
    dst_cfg = Config(**{**cfg.to_dict(), "vocab_size": len(new_tok), "n_answers": len(new_ans), "graph_readout": True})
    torch.manual_seed(5)
    fresh = ArchBert(dst_cfg).state_dict()
    carried, report = carry_over(state, cfg.to_dict(), fresh, dst_cfg.to_dict(), old_tok, new_tok, old_ans, new_ans)
    assert report["tokens_new"] == 2 and report["answers_new"] == 1 and report["readout_added"]
    for key in ("text.tok.weight", "caption.tok.weight", "caption.out.weight", "caption.out.bias"):
        for j, t in enumerate(new_tok):
            want = fresh[key][j] if t.startswith("new") else state[key][old_tok.index(t)]
            assert torch.equal(carried[key][j], want), f"{key} row of {t}"
    assert torch.equal(carried["qa.net.3.weight"][1:], state["qa.net.3.weight"].flip(0))
    assert abs(float(carried["qa.net.3.bias"][0]) + math.log(len(new_ans))) < 1e-6, "a new answer starts at the prior"
    src_model, dst_model, (ops, bins, adj, mask) = models_and_graphs(d, (cfg, state), (dst_cfg, carried))
    with torch.no_grad():
        diff = (src_model.arch(ops, bins, adj, mask)[0] - dst_model.arch(ops, bins, adj, mask)[0]).abs().max()
    assert diff < 1e-6, f"the zero-initialised readout changed the embedding by {diff}"

    # appended bin columns (the "blocks" layout after "log"): zero tables, so no embedding changes whatever they hold
    wide_cfg = Config(**{**cfg.to_dict(), "bin_sizes": list(cfg.bin_sizes) + [30, 30]})
    wide, wide_report = carry_over(state, cfg.to_dict(), ArchBert(wide_cfg).state_dict(), wide_cfg.to_dict(),
                                   old_tok, old_tok, old_ans, old_ans)
    assert wide_report["bin_tables_added"] == 2 and wide_report["tokens_new"] == 0
    wide_model = ArchBert(wide_cfg).eval()
    wide_model.load_state_dict(wide)
    extra = torch.randint(0, 30, (*bins.shape[:2], 2), generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        wdiff = (src_model.arch(ops, bins, adj, mask)[0]
                 - wide_model.arch(ops, torch.cat([bins, extra], 2), adj, mask)[0]).abs().max()
    assert wdiff < 1e-6, f"zero-initialised added bin tables changed the embedding by {wdiff}"

    # continued training from the exported set, on the same data
    ck2 = tmp / "ckpt-warm"
    train.main(["--data", str(d), "--ckpt", str(ck2), "--epochs", "1", "--batch", "8", "--hidden", "32", "--embed",
                "32", "--ff", "64", "--heads", "2", "--val-graphs", "0", "--warmup", "2", "--graph-readout",
                "--attn-dropout", "0", "--init-from-set", str(out)])
    st = torch.load(ck2 / "last.pt")
    assert st["init_source"]["report"]["tokens_new"] == 0 and st["init_source"]["report"]["readout_added"]
    summary = export.training_summary(st)
    assert summary["initialised_from"]["model_set"] == str(out)
    assert summary["steps_total"] == st["step"] + json.loads((out / "manifest.json").read_text())["training"]["steps"]
    print(f"warm start: rebuilt weights equal the trained ones; readout added with embedding change {float(diff):.1e}")


def check_interpolation(tmp: Path, d: Path, out: Path):
    """interpolate.py: (1 - alpha) base + alpha run, tensor by tensor, with rows and tensors the base lacks taken
    from the run; alpha 0 gives the base set's weights and 1 the run's; a run from another start is refused."""
    import export
    import interpolate
    from train import base_set_state
    from types import SimpleNamespace
    # the pure average, hand-computed: rows 1 and 2 of "e" and the whole of "f" belong to the run
    base = {"w": torch.tensor([1.0, 2.0]), "e": torch.tensor([[0.0], [0.0], [4.0]]), "f": torch.zeros(2),
            "n": torch.tensor(3)}
    run = {"w": torch.tensor([3.0, 6.0]), "e": torch.tensor([[8.0], [1.0], [2.0]]), "f": torch.ones(2),
           "n": torch.tensor(5)}
    mixed = interpolate.interpolate(base, run, 0.25, {"f"}, {"e": interpolate.rows_only_tuned(3, [(0, 0)])})
    assert torch.equal(mixed["w"], torch.tensor([1.5, 3.0])) and torch.equal(mixed["e"], torch.tensor([[2.0], [1.0], [2.0]]))
    assert torch.equal(mixed["f"], torch.ones(2)) and int(mixed["n"]) == 5, mixed

    ck_run = tmp / "ckpt-warm"  # check_warm_start's run, continued from `out` with the readout added
    run_state = torch.load(ck_run / "last.pt")
    ck_half, ck_zero, ck_one = tmp / "ckpt-half", tmp / "ckpt-zero", tmp / "ckpt-one"
    for a, ckd in ((0.5, ck_half), (0.0, ck_zero), (1.0, ck_one)):
        interpolate.main(["--data", str(d), "--ckpt", str(ck_run), "--base-set", str(out), "--alpha", str(a),
                          "--out-ckpt", str(ckd)])
    from model import ArchBert, Config
    ds = SimpleNamespace(root=str(d), vocab=json.loads((d / "vocab.json").read_text()),
                         answers=json.loads((d / "answers.json").read_text())["answers"])
    carried, _report, _missing = base_set_state(ArchBert(Config(**run_state["cfg"])), out, ds)
    half, zero, one = (torch.load(c / "last.pt") for c in (ck_half, ck_zero, ck_one))
    assert "opt" not in half and half["interpolation"]["alpha"] == 0.5 and half["interpolation"]["run_only"] == []
    moved = 0
    for k, v in run_state["model"].items():
        assert torch.equal(one["model"][k], v), f"alpha 1: {k} is not the run's"
        assert torch.equal(zero["model"][k], carried[k]), f"alpha 0: {k} is not the base set's"
        if v.is_floating_point():
            assert torch.allclose(half["model"][k], (carried[k] + v) / 2, atol=1e-7), f"alpha 0.5: {k}"
            moved += not torch.equal(carried[k], v)
    assert moved > 10, f"the run moved only {moved} tensors: the check would show nothing"
    assert export.training_summary(half)["interpolation"]["base_set"] == str(out)
    assert "averaged in weight space" in export.model_title(half)
    try:  # the base set is not where the run started
        interpolate.main(["--data", str(d), "--ckpt", str(ck_half), "--base-set", str(tmp / "elsewhere"),
                          "--alpha", "0.5", "--out-ckpt", str(tmp / "ckpt-x")])
        raise AssertionError("an interpolation with a set the run did not start from was written")
    except SystemExit as e:
        assert "not from" in str(e), e
    print(f"interpolation: alpha 0 / 0.5 / 1 give the base, the average, the run ({moved} tensors moved)")


def check_anchor(tmp: Path, d: Path, out: Path):
    """train.py --anchor-weight: the anchor loss is logged, starts near zero (the run starts as the set), and a
    heavy weight keeps the trained embeddings nearer the set's than the same run without it; a resumed run
    whose start set's files changed is stopped."""
    import train
    from model import Config
    from weights_from_onnx import rebuild
    out = shutil.copytree(out, tmp / "anchor-start-set")  # its manifest is edited below
    run = ["--data", str(d), "--epochs", "2", "--batch", "8", "--hidden", "32", "--embed", "32", "--ff", "64",
           "--heads", "2", "--val-graphs", "0", "--warmup", "1", "--lr", "1e-2", "--attn-dropout", "0",
           "--init-from-set", str(out)]
    free, held = tmp / "ckpt-free", tmp / "ckpt-anchored"
    train.main(run + ["--ckpt", str(free)])
    train.main(run + ["--ckpt", str(held), "--anchor-weight", "100"])
    st_free, st_held = torch.load(free / "last.pt"), torch.load(held / "last.pt")
    assert "anchor" in st_held["log"][0]["loss"] and "anchor" not in st_free["log"][0]["loss"]
    assert st_held["args"]["anchor_weight"] == 100
    cfg, state, _m, _missing = rebuild(out)
    start, m_free, m_held, (ops, bins, adj, mask) = models_and_graphs(
        d, (cfg, state), (Config(**st_free["cfg"]), st_free["model"]), (Config(**st_held["cfg"]), st_held["model"]))
    with torch.no_grad():
        e0 = start.arch(ops, bins, adj, mask)[0]
        cos_free = float(torch.nn.functional.cosine_similarity(m_free.arch(ops, bins, adj, mask)[0], e0).mean())
        cos_held = float(torch.nn.functional.cosine_similarity(m_held.arch(ops, bins, adj, mask)[0], e0).mean())
    assert cos_held > cos_free and cos_free < 0.999, f"anchored {cos_held:.4f}, free {cos_free:.4f}"
    try:  # resumed without the weight it was trained with
        train.main(run + ["--ckpt", str(held), "--epochs", "3"])
        raise AssertionError("a run trained with --anchor-weight resumed without it")
    except SystemExit as e:
        assert "--anchor-weight" in str(e), e
    man = json.loads((out / "manifest.json").read_text())
    man["files"]["qa_head.onnx"]["sha256"] = "0" * 64
    (out / "manifest.json").write_text(json.dumps(man))
    try:
        train.main(run + ["--ckpt", str(held), "--anchor-weight", "100", "--epochs", "3"])
        raise AssertionError("a run resumed its anchor from a set whose files changed")
    except SystemExit as e:
        assert "no longer the set" in str(e), e
    print(f"anchor: mean cosine to the set's embeddings {cos_held:.4f} anchored, {cos_free:.4f} free")


def check_decoder_cache():
    """caption_cross_kv + caption_decoder_step (decoder_cache.py) compute what the full-prefix
    decoder computes: max |logits| difference ≤ 1e-5 at every step of a 20-step greedy decode and
    of a decode whose hypotheses are reordered, duplicated and dropped as a beam does, with padded
    node masks and one or two decoder layers; a wrongly reordered cache and cross K/V given to the
    wrong architectures are caught; both ONNX exports are valid and have the expected inputs."""
    import onnx

    from decoder_cache import CROSS_KV, STEP, CaptionDecoderStep, CrossKV, beam_parity, empty_past, greedy_parity
    from export import SIGNATURES, export_cached_pair
    from model import ArchBert, Config
    torch.manual_seed(3)
    for layers in (1, 2):
        cfg = Config(vocab_size=60, hidden=32, embed=32, ff=64, heads=2, dec_layers=layers)
        dec = ArchBert(cfg).caption.eval()
        for p in dec.parameters():  # larger than the init's 0.02 so the decode is not near-uniform
            p.data.normal_(0, 0.3)
        states, mask = torch.randn(3, 9, 32), torch.ones(3, 9)
        mask[1, 6:] = 0
        mask[2, 2:] = 0
        greedy = greedy_parity(dec, states, mask, bos=5, steps=20)
        beam = beam_parity(dec, states, mask, bos=5, steps=20)
        assert greedy <= 1e-5 and beam <= 1e-5, f"cached step differs from the full decoder: greedy {greedy}, beam {beam} ({layers} layer(s))"
        # a cache or cross K/V given to the wrong hypotheses is visible in the logits (the comparison can fail)
        step = CaptionDecoderStep(dec).eval()
        with torch.no_grad():
            cross = CrossKV(dec).eval()(states)
            assert list(cross.shape) == [layers, 2, 3, 2, 9, 16]
            rows = torch.arange(3)
            ids = torch.tensor([[5, 9], [8, 9], [11, 9]])
            _, past = step(ids[:, :1], empty_past(dec), torch.zeros(3, dtype=torch.long), cross, mask, rows)
            right, _ = step(ids[:, 1:], past, rows, cross, mask, rows)
            wrong, _ = step(ids[:, 1:], past, rows.flip(0), cross, mask, rows)
            other, _ = step(ids[:, 1:], past, rows, cross.flip(2), mask, rows)
            assert (right - dec(ids, states, mask)).abs().max() <= 1e-5
            assert (wrong - right).abs().max() > 1e-3 and (other - right).abs().max() > 1e-3
    with tempfile.TemporaryDirectory() as tmp:
        export_cached_pair(dec, states, mask, Path(tmp))
        for name in (CROSS_KV, STEP):
            m = onnx.load(str(Path(tmp) / f"{name}.onnx"))
            assert [i.name for i in m.graph.input] == SIGNATURES[name][0], name
            assert [o.name for o in m.graph.output] == SIGNATURES[name][1], name
    print(f"decoder cache: max |full - cached| over 20 steps: greedy {greedy:.2e}, beam-reordered {beam:.2e}")


if __name__ == "__main__":
    # --decoder-cache: only the cached decoder check (seconds, no training)
    if sys.argv[1:] != ["--decoder-cache"]:
        main()
    check_decoder_cache()

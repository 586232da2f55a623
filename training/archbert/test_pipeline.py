#!/usr/bin/python3
"""Development check of the Python pipeline on a tiny synthetic dataset in the
contract's format (generated here into a temporary directory, never shipped):
train a few steps, resume, export, and check the metric functions against
hand-computed cases.

    /usr/bin/python3 training/archbert/test_pipeline.py
"""
from __future__ import annotations

import json
import math
import random
import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

import evaluate as ev  # noqa: E402

SPECIAL = ["[pad]", "[unk]", "[cls]", "[sep]", "[mask]", "[bos]", "[eos]"]
WORDS = ["a", "network", "with", "conv", "relu", "batch", "norm", "lstm", "linear", "layers", "uses", "does", "not",
         "use", "pooling", "gelu", "max", "average", "small", "large", "resnet", "mlp", "?", "which", "activation", "is",
         "true", "false", "the", "model", "has", "residual", "##s", "##ing"]
OPS = ["[pad]", "[mask]", "conv", "linear", "lstm", "batch_norm", "layer_norm", "relu", "gelu", "add", "max_pool",
       "avg_pool", "concat", "softmax"]


def make_synthetic(root: Path, n_graphs=60, seed=0):
    rng = random.Random(seed)
    tokens = SPECIAL + WORDS
    tid = {t: i for i, t in enumerate(tokens)}
    root.mkdir(parents=True, exist_ok=True)
    (root / "vocab.json").write_text(json.dumps({"tokens": tokens, "special": {s[1:-1]: i for i, s in enumerate(SPECIAL)}}))
    (root / "ops.json").write_text(json.dumps({"ops": OPS}))
    (root / "bins.json").write_text(json.dumps({"features": [
        {"name": "out_channels", "values": [1, 3, 8, 16, 32, 64]}, {"name": "in_channels", "values": [1, 3, 8, 16, 32, 64]},
        {"name": "kernel_h", "values": [1, 3, 5, 7]}, {"name": "kernel_w", "values": [1, 3, 5, 7]},
        {"name": "stride", "values": [1, 2]}, {"name": "dilation", "values": [1, 2]}], "unknown": 0}))
    answers = ["relu", "gelu", "max", "average"]
    (root / "answers.json").write_text(json.dumps({"answers": answers}))
    enc = lambda words: [2] + [tid[w] for w in words] + [3]  # noqa: E731
    graphs, texts, qa, st = [], [], [], []
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
        graphs.append({"id": gid, "name": gid, "family": "resnet" if i % 2 else None, "source": "generated",
                       "split": split, "ops": ops, "bins": bins, "edges": edges, "n": n, "coarsened": False})
        pw = "max" if pool == "max_pool" else "average"
        cap = ["a", "network", "with", "conv", "batch", "norm", act, pw, "pooling"]
        texts.append({"graph_id": gid, "split": split, "kind": "caption", "text": " ".join(cap), "tokens": enc(cap)})
        q = ["conv", act, pw, "pooling"]
        texts.append({"graph_id": gid, "split": split, "kind": "query", "text": " ".join(q), "tokens": enc(q)})
        qq = ["which", "activation", "?"]
        qa.append({"graph_id": gid, "split": split, "question": " ".join(qq), "tokens": enc(qq), "answers": [act],
                   "answer_ids": [answers.index(act)], "family_question": False})
        other = "gelu" if act == "relu" else "relu"
        st.append({"graph_id": gid, "split": split, "text": f"uses {act}", "tokens": enc(["uses", act]), "label": 1,
                   "hard_negative": False})
        st.append({"graph_id": gid, "split": split, "text": f"uses {other}", "tokens": enc(["uses", other]), "label": 0,
                   "hard_negative": True})
    for name, rows in (("graphs", graphs), ("texts", texts), ("qa", qa), ("statements", st)):
        (root / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (root / "manifest.json").write_text(json.dumps({"dataHash": f"synthetic-{seed}-{n_graphs}"}))


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
        par = json.loads((out / "parity.json").read_text())
        assert len(par["arch_encoder"]["outputs"]["embedding"]) == 2
        print("metrics on synthetic data:", json.dumps(man["metrics"]["test"], default=str)[:400])
    print("test_pipeline: OK")


if __name__ == "__main__":
    main()


def check_decoder_cache():
    """caption_decoder_cached (decoder_cache.py) computes what the full-prefix decoder computes:
    max |logits| difference over a 20-step greedy decode ≤ 1e-5, with padded node masks and one
    or two decoder layers; a wrongly reordered cache is caught; the ONNX export is valid."""
    import onnx

    from decoder_cache import CachedCaptionDecoder, empty_past, greedy_parity
    from export import SIGNATURES, export_onnx
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
        diff = greedy_parity(dec, states, mask, bos=5, steps=20)
        assert diff <= 1e-5, f"cached decoder differs from the full decoder by {diff} ({layers} layer(s))"
        # a cache given to the wrong hypotheses is visible in the logits (the comparison can fail)
        cached = CachedCaptionDecoder(dec).eval()
        with torch.no_grad():
            rows = torch.arange(3)
            ids = torch.tensor([[5, 9], [8, 9], [11, 9]])
            _, past = cached(ids[:, :1], empty_past(dec), torch.zeros(3, dtype=torch.long), states, mask, rows)
            right, _ = cached(ids[:, 1:], past, rows, states, mask, rows)
            wrong, _ = cached(ids[:, 1:], past, rows.flip(0), states, mask, rows)
            assert (right - dec(ids, states, mask)).abs().max() <= 1e-5 and (wrong - right).abs().max() > 1e-3
    with tempfile.TemporaryDirectory() as tmp:
        attn = dec.blocks[0].attn
        export_onnx(CachedCaptionDecoder(dec).eval(), "caption_decoder_cached",
                    (torch.tensor([[7, 8], [9, 10]]), torch.randn(layers, 2, 1, attn.h, 3, attn.d),
                     torch.tensor([0, 0]), states, mask, torch.tensor([2, 0])), Path(tmp))
        m = onnx.load(str(Path(tmp) / "caption_decoder_cached.onnx"))
        assert [i.name for i in m.graph.input] == SIGNATURES["caption_decoder_cached"][0]
    print(f"decoder cache: max |full - cached| over 20 greedy steps {diff:.2e}")


if __name__ == "__main__":
    check_decoder_cache()

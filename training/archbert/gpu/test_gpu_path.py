#!/usr/bin/python3
"""CPU checks of what the remote GPU run relies on (synthetic data from
test_pipeline.py, a few seconds):

  * pack_data.py keeps the train/val rows in order and data.py reads the
    packed .xz / .gz files to the same train and val graphs;
  * the dense aggregation (used on the GPU) trains to the same losses as the
    sparse one, and evaluate_split through DeviceModel equals the plain call;
  * no tensor is left on the CPU in a dense train_step: it runs forward and
    backward with the model on torch's "meta" device, where meeting a CPU
    tensor raises (the sparse path, whose model.py code allocates on the CPU,
    does raise there: the check can fail);
  * the same with the issue-17 options that touch a step (--graph-readout, --multi-positive);
  * --slim-dir parts (forced small here) are written, stale parts removed,
    joined by join_slim.py (a damaged part refused) into a last.pt that
    export.py exports and evaluates.

    /usr/bin/python3 training/archbert/gpu/test_gpu_path.py
"""
from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import export  # noqa: E402
import join_slim  # noqa: E402
import pack_data  # noqa: E402
import test_pipeline  # noqa: E402
import train  # noqa: E402
from data import Dataset  # noqa: E402
from evaluate import evaluate_split  # noqa: E402
from model import ArchBert, Config  # noqa: E402

SMALL = ["--batch", "8", "--hidden", "32", "--embed", "32", "--ff", "64", "--heads", "2", "--val-graphs", "5",
         "--warmup", "2", "--cache", ""]


def graphs_key(ds, split):
    return [(g.id, g.ops, g.edges, g.captions, g.queries, g.qa, g.statements, g.query_relevant) for g in ds.split(split)]


def meta_step(ds, sparse):
    """train_step with the model and every moved tensor on "meta". Boolean-mask
    indexing and float() are not implemented there: stubbed with consistent
    shapes for the duration of the call."""
    cfg = Config(hidden=32, embed=32, ff=64, heads=2, vocab_size=ds.vocab_size, n_ops=ds.n_ops,
                 bin_sizes=ds.bin_sizes, n_answers=len(ds.answers))
    model = ArchBert(cfg).to("meta")
    orig_gi, orig_float = torch.Tensor.__getitem__, torch.Tensor.__float__

    def getitem(self, idx):
        if torch.is_tensor(idx) and (self.is_meta or idx.is_meta):
            if self.is_meta != idx.is_meta:
                raise RuntimeError(f"index across devices: {self.device} tensor, {idx.device} index")
            if idx.dtype == torch.bool:
                return self.flatten(0, idx.dim() - 1)[:3]
        return orig_gi(self, idx)
    torch.Tensor.__getitem__ = getitem
    torch.Tensor.__float__ = lambda self: 0.0 if self.is_meta else orig_float(self)
    try:
        total, parts = train.train_step(model, ds, list(range(8)), ds.split("train"), random.Random(1),
                                        torch.Generator().manual_seed(1), None, torch.device("meta"), sparse)
        total.backward()
    finally:
        torch.Tensor.__getitem__, torch.Tensor.__float__ = orig_gi, orig_float
    assert total.is_meta and len(parts) == 6
    no_grad = [n for n, p in model.named_parameters() if p.grad is None or not p.grad.is_meta]
    assert not no_grad, f"parameters without a meta gradient: {no_grad}"


def main():
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        d = tmp / "data"
        test_pipeline.make_synthetic(d, n_graphs=90, seed=5)
        full = Dataset(d)
        for fmt in ("xz", "gz"):
            pack_data.main([str(d), str(tmp / f"pack-{fmt}"), "--format", fmt])
            p = Dataset(tmp / f"pack-{fmt}")
            assert not p.split("test") and not p.split("heldout"), "only train/val packed"
            for split in ("train", "val"):
                assert graphs_key(p, split) == graphs_key(full, split), f"{fmt}: {split} differs after packing"
            assert p.data_hash() == full.data_hash()

        # dense vs sparse aggregation: one step from the same state gives the same losses
        cfg = Config(hidden=32, embed=32, ff=64, heads=2, vocab_size=full.vocab_size, n_ops=full.n_ops,
                     bin_sizes=full.bin_sizes, n_answers=len(full.answers))
        torch.manual_seed(0)
        model = ArchBert(cfg).eval()  # no dropout: compare the arithmetic only
        tr = full.split("train")
        out = {}
        for sparse in (True, False):
            _, parts = train.train_step(model, full, list(range(8)), tr, random.Random(1),
                                        torch.Generator().manual_seed(1), None, torch.device("cpu"), sparse)
            out[sparse] = parts
        for k in out[True]:
            assert abs(out[True][k] - out[False][k]) < 1e-4, (k, out)
        # the same with the issue-17 options that touch the step ([graph] readout, multi-positive loss)
        test_pipeline.make_synthetic(tmp / "data17", next_set="aligned")
        d17 = Dataset(tmp / "data17")
        torch.manual_seed(0)
        m17 = ArchBert(Config(hidden=32, embed=32, ff=64, heads=2, vocab_size=d17.vocab_size, n_ops=d17.n_ops,
                              bin_sizes=d17.bin_sizes, n_answers=len(d17.answers), graph_readout=True)).eval()
        opts = train.parse_args(["--multi-positive"])
        out17 = {sparse: train.train_step(m17, d17, list(range(9)), d17.split("train"), random.Random(1),
                                          torch.Generator().manual_seed(1), opts, torch.device("cpu"), sparse)[1]
                 for sparse in (True, False)}
        for k in out17[True]:
            assert abs(out17[True][k] - out17[False][k]) < 1e-4, (k, out17)
        meta_step(full, sparse=False)
        try:
            meta_step(full, sparse=True)
            raise AssertionError("the meta check let model.py's CPU allocations through")
        except RuntimeError as e:
            assert "device" in str(e)
        # evaluate_split through the device wrapper (CPU here) equals the plain call
        a = evaluate_split(model, full, "val", include_family=True, with_caption=False)
        b = evaluate_split(train.DeviceModel(model, torch.device("cpu")), full, "val", include_family=True,
                           with_caption=False)
        assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)

        # slim parts: forced small so there are several; a smaller save removes the stale extras
        slim, ck = tmp / "slim", tmp / "ckpt"
        train.main(["--data", str(tmp / "pack-xz"), "--ckpt", str(ck), "--epochs", "2", "--slim-dir", str(slim),
                    "--slim-part-mib", "0.2", "--graph-agg", "dense"] + SMALL)
        meta = json.loads((slim / "slim.json").read_text())
        assert len(meta["parts"]) >= 3 and meta["finished"], meta
        assert sorted(p.name for p in slim.glob("slim.pt.part*")) == sorted(meta["parts"])
        (slim / "slim.pt.part99").write_bytes(b"stale")
        train.save_slim({"step": 0}, slim, 1 << 20)
        assert sorted(p.name for p in slim.glob("slim.pt.part*")) == ["slim.pt.part0"], "stale parts removed"
        train.main(["--data", str(tmp / "pack-xz"), "--ckpt", str(tmp / "ckpt2"), "--epochs", "2",
                    "--slim-dir", str(slim), "--slim-part-mib", "0.2", "--graph-agg", "dense"] + SMALL)
        full_state = torch.load(ck / "last.pt")
        joined = tmp / "joined"
        join_slim.main([str(slim), str(joined)])
        j = torch.load(joined / "last.pt")
        assert "opt" not in j and j["step"] == full_state["step"] and j["cfg"] == full_state["cfg"]
        assert all(torch.equal(j["model"][k], full_state["model"][k]) for k in full_state["model"])
        # a damaged part is refused
        bad = tmp / "bad"
        bad.mkdir()
        for f in slim.iterdir():
            (bad / f.name).write_bytes(f.read_bytes())
        part = bad / "slim.pt.part1"
        raw = bytearray(part.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        part.write_bytes(bytes(raw))
        try:
            join_slim.main([str(bad), str(tmp / "bad-out")])
            raise AssertionError("damaged part accepted")
        except SystemExit as e:
            assert "sha256" in str(e.code)

        # export from the joined slim checkpoint, evaluated on the full (unpacked) dataset
        models = tmp / "models"
        export.main(["--data", str(d), "--ckpt", str(joined), "--out", str(models), "--caption-limit", "5"])
        man = json.loads((models / "manifest.json").read_text())
        for f in ("text_encoder", "arch_encoder", "reasoning_head", "qa_head", "caption_decoder"):
            assert (models / f"{f}.onnx").exists()
        assert man["training"]["steps"] == j["step"] and man["metrics"]["test"]["retrieval"]["r1"] is not None
    print("test_gpu_path: OK")


if __name__ == "__main__":
    main()

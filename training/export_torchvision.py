#!/usr/bin/python3
"""Export torchvision models to stripped ONNX test fixtures plus independent reference figures.

    /usr/bin/python3 training/export_torchvision.py [--only resnet18,vit_b_16] [--out fixtures/models]

For each model (weights=None, eval mode, opset 13, one torch thread):

* fixtures/models/<name>.onnx: the ONNX export with every weight's name, dtype and
  dims but NO weight data (files are KBs). BatchNorm is NOT folded into Conv
  (TrainingMode.PRESERVE on an eval model + no constant folding), so the
  parameter count of the graph is comparable with PyTorch's. Small integer
  tensors (≤ 1024 elements: Reshape targets, axes, pads) and scalars keep their
  data because static shape inference needs them. onnx.shape_inference fills
  value_info before stripping (an independent check of our own inference).
* fixtures/models/reference.json: for each model, figures computed in PyTorch,
  independently of the TypeScript analysis:
    params     sum(p.numel() for p in model.parameters())
    buffers    BatchNorm running_mean + running_var elements (floats), and
               num_batches_tracked (one int64 per BN layer) separately
    macs       multiply-accumulates of every matrix product, from forward hooks
               on the PyTorch modules at the export input size, batch 1:
                 Conv1d/2d/3d      out.numel() * in_ch/groups * prod(kernel)
                 ConvTranspose2d   in.numel()  * out_ch/groups * prod(kernel)
                 Linear            out.numel() * in_features
                 MultiheadAttention (its projections are not Linear calls):
                   q/k/v projection 3·L·E², scores Q·Kᵀ L·S·E, weights·V L·S·E,
                   output projection L·E²  (L = target len, S = source len, E = embed dim)
               Elementwise ops, norms, pooling, resize are not counted (the
               convention of the issue). Detection models count the network
               only (backbone + heads), not box decoding / NMS.
    input      the export input shape

Resumable: an existing <name>.onnx is kept (its reference entry is recomputed
cheaply only when missing). Each model is exported in its own subprocess.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OPSET = 13

CLASSIFICATION = [
    "resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0", "densenet121",
    "vgg11", "squeezenet1_0", "shufflenet_v2_x1_0", "convnext_tiny", "regnet_y_400mf", "vit_b_16",
]
DETECTION = ["ssdlite320_mobilenet_v3_large"]
SEGMENTATION = ["lraspp_mobilenet_v3_large"]
ALL = CLASSIFICATION + DETECTION + SEGMENTATION


def build(name: str):
    """(module, example input tuple, input names, task, input shape)."""
    import torch
    import torchvision.models as tvm

    if name in CLASSIFICATION:
        shape = (1, 3, 224, 224)
        return tvm.get_model(name, weights=None), (torch.randn(*shape),), ["input"], "classification", shape
    if name in DETECTION:
        shape = (3, 320, 320)
        m = tvm.get_model(name, weights=None, weights_backbone=None)
        return m, ([torch.rand(*shape)],), ["images"], "detection", shape
    if name in SEGMENTATION:
        class OutOnly(torch.nn.Module):
            """The segmentation models return a dict; keep the 'out' map."""

            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, x):
                return self.m(x)["out"]

        shape = (1, 3, 224, 224)
        m = OutOnly(tvm.get_model(name, weights=None, weights_backbone=None))
        return m, (torch.randn(*shape),), ["input"], "segmentation", shape
    raise KeyError(name)


def count_macs(model, inputs) -> int:
    """MACs of every matrix product, via forward hooks (see the module docstring)."""
    import torch
    from torch import nn

    total = [0]
    hooks = []
    patched = []

    def conv_hook(mod, inp, out):
        k = 1
        for s in mod.kernel_size:
            k *= s
        total[0] += out.numel() * (mod.in_channels // mod.groups) * k

    def convt_hook(mod, inp, out):
        k = 1
        for s in mod.kernel_size:
            k *= s
        total[0] += inp[0].numel() * (mod.out_channels // mod.groups) * k

    def linear_hook(mod, inp, out):
        total[0] += out.numel() * mod.in_features

    def mha_counter(mod):
        """MHA is called with keyword arguments, which torch 1.13 hooks do not see: wrap forward."""
        orig = mod.forward

        def forward(*args, **kwargs):
            q = kwargs.get("query", args[0] if args else None)
            k = kwargs.get("key", args[1] if len(args) > 1 else None)
            e = mod.embed_dim
            batch = q.shape[0] if mod.batch_first else q.shape[1]
            lq = q.numel() // e // batch
            ls = k.numel() // e // batch
            total[0] += batch * 3 * lq * e * e      # q, k, v input projections (kdim = vdim = E)
            total[0] += batch * 2 * lq * ls * e     # Q·Kᵀ and softmax(·)·V over all heads
            total[0] += batch * lq * e * e          # output projection
            return orig(*args, **kwargs)

        mod.forward = forward
        return mod, orig

    for m in model.modules():
        if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)):
            hooks.append(m.register_forward_hook(convt_hook))
        elif isinstance(m, nn.MultiheadAttention):
            assert m._qkv_same_embed_dim, "MHA with kdim/vdim != embed_dim not handled"
            patched.append(mha_counter(m))
        elif isinstance(m, nn.Linear) and not isinstance(m, nn.modules.linear.NonDynamicallyQuantizableLinear):
            # NonDynamicallyQuantizableLinear is MHA's out_proj: counted by mha_hook
            # (F.multi_head_attention_forward never calls the module anyway).
            hooks.append(m.register_forward_hook(linear_hook))
    with torch.no_grad():
        model(*inputs)
    for h in hooks:
        h.remove()
    for mod, orig in patched:
        mod.forward = orig
    return total[0]


def reference(name: str, model, inputs, task: str, shape) -> dict:
    from torch import nn

    params = sum(p.numel() for p in model.parameters())
    bn_stats = bn_tracked = bn_layers = 0
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.track_running_stats:
            bn_layers += 1
            bn_stats += m.running_mean.numel() + m.running_var.numel()
            bn_tracked += m.num_batches_tracked.numel()
    other_buffers = sum(b.numel() for b in model.buffers()) - bn_stats - bn_tracked
    return dict(
        name=name, task=task, input=list(shape), opset=OPSET,
        params=params,
        buffers=dict(bn_running_stats=bn_stats, bn_num_batches_tracked=bn_tracked, other=other_buffers),
        bn_layers=bn_layers,
        macs=count_macs(model, inputs),
    )


def export_one(name: str, out: Path) -> dict:
    import onnx
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    model, inputs, input_names, task, shape = build(name)
    model.eval()
    ref = reference(name, model, inputs, task, shape)
    path = out / f"{name}.onnx"
    if not path.exists():
        # Random-init weights share exact values (BN γ=1, β=0); the exporter would
        # deduplicate identical parameters. A tiny jitter keeps every tensor distinct.
        with torch.no_grad():
            for t in list(model.parameters()) + list(model.buffers()):
                if t.is_floating_point():
                    t.add_(torch.rand_like(t) * 1e-3)
        tmp = out / f"{name}.tmp.onnx"
        # Not under no_grad: with grad disabled, eval-mode nn.MultiheadAttention takes the
        # fused fast path (aten::_native_multi_head_attention), which has no ONNX export.
        # export_params=False: weights become graph inputs without data (cheap);
        # they are turned back into data-less initializers below.
        torch.onnx.export(model, inputs, str(tmp), export_params=False, opset_version=OPSET,
                          training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
                          input_names=input_names)
        m = onnx.load(str(tmp))
        real = set(input_names)
        keep, inits = [], []
        for vi in m.graph.input:
            if vi.name in real:
                keep.append(vi)
                continue
            tt = vi.type.tensor_type
            inits.append(onnx.TensorProto(name=vi.name, data_type=tt.elem_type,
                                          dims=[d.dim_value for d in tt.shape.dim]))
        del m.graph.input[:]
        m.graph.input.extend(keep)
        m.graph.initializer.extend(inits)
        m.graph.name = name
        m.doc_string = f"torchvision {name} (weights=None), structure only: weight data stripped, dims kept"
        try:
            m = onnx.shape_inference.infer_shapes(m)
        except Exception as e:  # noqa: BLE001 (best effort: value_info is optional)
            print(f"{name}: shape inference failed: {e}", file=sys.stderr)
        for init in m.graph.initializer:
            numel = 1
            for d in init.dims:
                numel *= d
            is_int = init.data_type in (onnx.TensorProto.INT64, onnx.TensorProto.INT32)
            if (is_int and numel <= 1024) or numel <= 1:
                continue  # shape plumbing / scalars: keep the values
            for field in ("raw_data", "float_data", "int32_data", "int64_data", "double_data", "uint64_data"):
                init.ClearField(field)
        onnx.save(m, str(tmp))
        os.replace(tmp, path)
    ref["onnx_nodes"] = len(onnx.load(str(path)).graph.node)
    ref["file"] = path.name
    ref["bytes"] = path.stat().st_size
    return ref


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--out", default=str(REPO / "fixtures" / "models"))
    ap.add_argument("--child", default="")
    ap.add_argument("--timeout", type=int, default=900)
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    if a.child:
        ref = export_one(a.child, out)
        (out / f".{a.child}.ref.json").write_text(json.dumps(ref))
        return 0
    names = [n for n in a.only.split(",") if n] or ALL
    ref_path = out / "reference.json"
    refs = json.loads(ref_path.read_text()) if ref_path.exists() else {}
    for name in names:
        try:
            subprocess.run([sys.executable, __file__, "--out", str(out), "--child", name],
                           check=True, timeout=a.timeout)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
            print(f"{name}: FAILED ({e})", file=sys.stderr)
            continue
        side = out / f".{name}.ref.json"
        refs[name] = json.loads(side.read_text())
        side.unlink()
        tmp = ref_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(dict(sorted(refs.items())), indent=1) + "\n")
        os.replace(tmp, ref_path)
        print(f"{name}: params {refs[name]['params']:,} macs {refs[name]['macs']:,} "
              f"{refs[name]['bytes']:,} bytes", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Export the "real" architectures of the ArchBERT dataset as stripped ONNX.

Every torchvision 0.14 model that exports (classification, detection,
segmentation, video, optical flow), width/depth variants built from the
torchvision classes, and the paper models of paper_models.py. Weights are
random (weights=None); only structure matters, so each file keeps every
initializer's name, type and dims but no weight data (small integer constants
such as Reshape targets keep their values; files are KBs to a few MB).

    /usr/bin/python3 training/archbert/export_real.py [--out training/out/real]
        [--only NAME,...] [--timeout 900] [--retry-failed] [--list]

Resumable: a model whose .onnx already exists is skipped; failures are kept in
failures.json (with the reason) and retried only with --retry-failed. Each
model is exported in its own subprocess (isolation from crashes, hangs and
memory), one torch thread. index.json = [{file, name, family, variant, task,
source, opset, seconds}] for every file present.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OPSET = 14

# ------------------------------------------------------------------ families
CLASSIFICATION_FAMILIES = [
    # (prefix, family) — first match wins, so longer prefixes come first
    ("wide_resnet", "Wide ResNet"), ("resnext", "ResNeXt"), ("resnet", "ResNet"), ("vgg", "VGG"),
    ("densenet", "DenseNet"), ("mobilenet_v2", "MobileNetV2"), ("mobilenet_v3", "MobileNetV3"),
    ("efficientnet_v2", "EfficientNetV2"), ("efficientnet", "EfficientNet"), ("regnet", "RegNet"),
    ("convnext", "ConvNeXt"), ("vit", "ViT"), ("swin_v2", "Swin"), ("swin", "Swin"), ("squeezenet", "SqueezeNet"),
    ("shufflenet", "ShuffleNetV2"), ("mnasnet", "MNASNet"), ("googlenet", "GoogLeNet"), ("inception", "Inception"),
    ("alexnet", "AlexNet"), ("maxvit", "MaxViT"),
]

DETECTION = {
    "fasterrcnn_resnet50_fpn": "Faster R-CNN", "fasterrcnn_resnet50_fpn_v2": "Faster R-CNN",
    "fasterrcnn_mobilenet_v3_large_fpn": "Faster R-CNN", "fasterrcnn_mobilenet_v3_large_320_fpn": "Faster R-CNN",
    "maskrcnn_resnet50_fpn": "Mask R-CNN", "maskrcnn_resnet50_fpn_v2": "Mask R-CNN",
    "keypointrcnn_resnet50_fpn": "Keypoint R-CNN", "retinanet_resnet50_fpn": "RetinaNet",
    "retinanet_resnet50_fpn_v2": "RetinaNet", "fcos_resnet50_fpn": "FCOS", "ssd300_vgg16": "SSD",
    "ssdlite320_mobilenet_v3_large": "SSDlite",
}
SEGMENTATION = {
    "fcn_resnet50": "FCN", "fcn_resnet101": "FCN", "deeplabv3_resnet50": "DeepLabV3",
    "deeplabv3_resnet101": "DeepLabV3", "deeplabv3_mobilenet_v3_large": "DeepLabV3",
    "lraspp_mobilenet_v3_large": "LR-ASPP",
}
VIDEO = {"r3d_18": "ResNet3D", "mc3_18": "ResNet3D", "r2plus1d_18": "ResNet3D", "s3d": "S3D",
         "mvit_v1_b": "MViT", "mvit_v2_s": "MViT"}
FLOW = {"raft_small": "RAFT", "raft_large": "RAFT"}


def classification_family(name: str) -> str:
    for prefix, fam in CLASSIFICATION_FAMILIES:
        if name.startswith(prefix):
            return fam
    raise KeyError(name)


def describe_variant(name: str) -> str:
    """Human-readable variant from the torchvision name (e.g. resnet50 → '50')."""
    fam_prefix = next((p for p, _ in CLASSIFICATION_FAMILIES if name.startswith(p)), "")
    rest = name[len(fam_prefix):].strip("_")
    return rest or name


# ------------------------------------------------------------------ specs
def build_specs():
    """name → dict(family, variant, task, source, build) where build() returns
    (module, example_inputs tuple, input_names, opset)."""
    import torch
    import torchvision.models as tvm

    specs = {}

    def add(name, family, variant, task, build, source="torchvision"):
        assert name not in specs, name
        specs[name] = dict(name=name, family=family, variant=variant, task=task, build=build, source=source)

    img = lambda s: torch.randn(1, 3, s, s)  # noqa: E731

    # --- classification: every model torchvision lists, small inputs where the model allows
    for name in tvm.list_models(module=tvm):
        if name.startswith("quantized"):
            continue
        size = 64
        if name.startswith(("vit", "maxvit", "swin", "alexnet", "vgg")):
            # fixed positional embeddings / window partitions; AlexNet and VGG
            # pool adaptively to 6×6 / 7×7, which ONNX needs as a divisor
            size = 224
        elif name.startswith("inception"):
            size = 128  # needs >= 75 px
        add(name, classification_family(name), describe_variant(name), "image classification",
            lambda name=name, size=size: (tvm.get_model(name, weights=None), (img(size),), ["input"], OPSET))

    # --- width/depth variants built from the torchvision classes
    from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet
    for layers, block, tag in (([1, 1, 1, 1], BasicBlock, "resnet10"), ([2, 2, 2, 2], Bottleneck, "resnet26"),
                               ([3, 4, 23, 3], BasicBlock, "resnet_basic_101"), ([1, 2, 3, 1], Bottleneck, "resnet_bottleneck_7")):
        add(f"{tag}_custom", "ResNet", f"custom depth, blocks {layers}, {block.__name__}", "image classification",
            lambda layers=layers, block=block: (ResNet(block, layers), (img(64),), ["input"], OPSET))
    add("resnext26_16x4d_custom", "ResNeXt", "custom, blocks [2,2,2,2], 16 groups × 4", "image classification",
        lambda: (ResNet(Bottleneck, [2, 2, 2, 2], groups=16, width_per_group=4), (img(64),), ["input"], OPSET))
    add("wide_resnet26_4_custom", "Wide ResNet", "custom, blocks [2,2,2,2], width ×4", "image classification",
        lambda: (ResNet(Bottleneck, [2, 2, 2, 2], width_per_group=64 * 4), (img(64),), ["input"], OPSET))
    for w in (0.35, 0.5, 0.75, 1.4):
        add(f"mobilenet_v2_w{w}", "MobileNetV2", f"width multiplier {w}", "image classification",
            lambda w=w: (tvm.mobilenet_v2(weights=None, width_mult=w), (img(64),), ["input"], OPSET))
    from torchvision.models.vision_transformer import VisionTransformer
    for tag, layers, heads, dim, mlp, patch in (("vit_ti_16", 12, 3, 192, 768, 16), ("vit_s_16", 12, 6, 384, 1536, 16),
                                                ("vit_s_32", 12, 6, 384, 1536, 32), ("vit_6l_256_16", 6, 4, 256, 1024, 16)):
        add(tag + "_custom", "ViT", f"{layers} layers, {heads} heads, hidden {dim}, patch {patch}", "image classification",
            lambda layers=layers, heads=heads, dim=dim, mlp=mlp, patch=patch: (
                VisionTransformer(224, patch, layers, heads, dim, mlp), (img(224),), ["input"], OPSET))
    from torchvision.models.densenet import DenseNet
    for growth, blocks, init in ((12, (6, 12, 24, 16), 24), (24, (6, 12, 16, 12), 48)):
        add(f"densenet_k{growth}_{'_'.join(map(str, blocks))}_custom", "DenseNet", f"growth {growth}, blocks {list(blocks)}",
            "image classification",
            lambda growth=growth, blocks=blocks, init=init: (DenseNet(growth, blocks, init), (img(64),), ["input"], OPSET))
    from torchvision.models.vgg import VGG, make_layers
    add("vgg8_bn_custom", "VGG", "custom 8 layers with batch norm", "image classification",
        lambda: (VGG(make_layers([64, "M", 128, "M", 256, "M", 512, "M", 512, "M"], batch_norm=True)), (img(224),), ["input"], OPSET))
    from torchvision.models.squeezenet import SqueezeNet
    add("squeezenet1_1_classes10_custom", "SqueezeNet", "version 1.1, 10 classes", "image classification",
        lambda: (SqueezeNet("1_1", num_classes=10), (img(64),), ["input"], OPSET))
    from torchvision.models.shufflenetv2 import ShuffleNetV2
    add("shufflenet_v2_deep_custom", "ShuffleNetV2", "stage repeats [4,12,4], 1.0× widths", "image classification",
        lambda: (ShuffleNetV2([4, 12, 4], [24, 116, 232, 464, 1024]), (img(64),), ["input"], OPSET))

    # --- detection (small images: min_size/max_size shrink the transform too)
    for name, fam in DETECTION.items():
        def build(name=name):
            kw = dict(weights=None, weights_backbone=None)
            size = 320 if name.startswith(("ssd", "fasterrcnn_mobilenet_v3_large_320")) else 256
            if not name.startswith("ssd"):
                kw.update(min_size=size, max_size=size)
            m = tvm.get_model(name, **kw)
            return m, ([torch.rand(3, size, size)],), ["images"], OPSET
        add(name, fam, name, "keypoint detection" if "keypoint" in name else
            ("instance segmentation" if "mask" in name else "object detection"), build)

    # --- segmentation: return the 'out' map only
    class OutOnly(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, x):
            return self.m(x)["out"]

    for name, fam in SEGMENTATION.items():
        add(name, fam, name, "semantic segmentation",
            lambda name=name: (OutOnly(tvm.get_model(name, weights=None, weights_backbone=None)), (img(128),), ["input"], OPSET))

    # --- video
    for name, fam in VIDEO.items():
        def build(name=name):
            if name.startswith("mvit"):
                shape = (1, 3, 16, 224, 224)
            elif name == "s3d":
                shape = (1, 3, 16, 224, 224)
            else:
                shape = (1, 3, 8, 64, 64)
            return tvm.get_model(name, weights=None), (torch.randn(*shape),), ["input"], OPSET
        add(name, fam, name, "video classification", build)

    # --- optical flow (grid_sample needs opset 16; export may still fail: logged)
    class FlowSteps(torch.nn.Module):
        """RAFT with a fixed number of refinement steps (a forward argument)."""

        def __init__(self, m, steps):
            super().__init__()
            self.m, self.steps = m, steps

        def forward(self, image1, image2):
            return self.m(image1, image2, num_flow_updates=self.steps)[-1]

    for name, fam in FLOW.items():
        def build(name=name):
            m = FlowSteps(tvm.get_model(name, weights=None), 4)
            return m, (torch.randn(1, 3, 128, 128), torch.randn(1, 3, 128, 128)), ["image1", "image2"], 16
        add(name, fam, f"{name}, 4 flow updates", "optical flow", build)

    # --- models written from their papers
    sys.path.insert(0, str(HERE))
    from paper_models import paper_specs
    for name, fam, variant, task, fn in paper_specs():
        add(name, fam, variant, task, lambda fn=fn: (*fn(), OPSET), source="paper")
    return specs


# ------------------------------------------------------------------ one export
def export_one(spec, path: Path) -> dict:
    import onnx
    import torch

    torch.manual_seed(0)
    model, inputs, input_names, opset = spec["build"]()
    model.eval()
    # Random-init weights share exact values (BN γ=1, β=0 ...); the exporter
    # would deduplicate them into Identity nodes. A tiny positive jitter keeps
    # every tensor distinct without changing the structure.
    with torch.no_grad():
        for t in list(model.parameters()) + list(model.buffers()):
            if t.is_floating_point():
                t.add_(torch.rand_like(t) * 1e-3)
    tmp = path.with_suffix(".tmp.onnx")
    # Not under no_grad: with gradients off, nn.MultiheadAttention in eval takes
    # its fused fast path (aten::_native_multi_head_attention), which has no ONNX export.
    if True:
        torch.onnx.export(model, inputs, str(tmp), export_params=False, opset_version=opset,
                          # PRESERVE on an eval model: inference-mode ops, but no Conv+BN folding
                          training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True,
                          input_names=input_names)
    m = onnx.load(str(tmp))
    real_inputs = set(input_names)
    keep, params = [], []
    for vi in m.graph.input:
        if vi.name in real_inputs:
            keep.append(vi)
            continue
        tt = vi.type.tensor_type
        init = onnx.TensorProto(name=vi.name, data_type=tt.elem_type,
                                dims=[d.dim_value for d in tt.shape.dim])
        params.append(init)  # dims and type only: no raw_data
    del m.graph.input[:]
    m.graph.input.extend(keep)
    m.graph.initializer.extend(params)
    m.graph.name = spec["name"]
    m.doc_string = f"{spec['family']} / {spec['variant']} — structure only, weight data stripped"
    try:
        # shapes of intermediate tensors help the featurizer; best effort,
        # before the folded constants lose their data
        m = onnx.shape_inference.infer_shapes(m)
    except Exception:  # noqa: BLE001
        pass
    # Initializers the exporter wrote itself (folded constants): drop weight
    # data, keep small integer tensors (Reshape targets, axes, pads ...) which
    # are shape plumbing that static shape inference needs.
    for init in m.graph.initializer:
        numel = 1
        for d in init.dims:
            numel *= d
        small_int = init.data_type in (onnx.TensorProto.INT64, onnx.TensorProto.INT32) and numel <= 64
        if not small_int:
            for field in ("raw_data", "float_data", "int32_data", "int64_data", "double_data", "uint64_data"):
                init.ClearField(field)
    onnx.save(m, str(tmp))
    os.replace(tmp, path)
    return dict(nodes=len(m.graph.node), params=len(params))


def child(name: str, out: Path) -> int:
    import torch
    torch.set_num_threads(1)
    specs = build_specs()
    t0 = time.time()
    info = export_one(specs[name], out / f"{name}.onnx")
    info["seconds"] = round(time.time() - t0, 2)
    print("RESULT " + json.dumps(info), flush=True)
    return 0


# ------------------------------------------------------------------ driver
def read_json(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def write_json(path: Path, data) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # one temporary file per driver
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    os.replace(tmp, path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(REPO / "training/out/real"))
    ap.add_argument("--only", default="")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--retry-failed", action="store_true")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--child", default="")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.child:
        return child(args.child, out)

    specs = build_specs()
    if args.list:
        for s in specs.values():
            print(f"{s['name']}\t{s['family']}\t{s['task']}")
        print(f"{len(specs)} specs", file=sys.stderr)
        return 0
    names = [n for n in args.only.split(",") if n] or list(specs)
    unknown = [n for n in names if n not in specs]
    if unknown:
        sys.exit(f"--only: no such model: {', '.join(unknown)} (--list names them)")
    fail_path, times_path = out / "failures.json", out / "times.json"
    failures, times = read_json(fail_path), read_json(times_path)
    t_all = time.time()
    # cheap models first so the dataset builder gets a usable set early
    order = sorted(names, key=lambda n: (specs[n]["source"] != "paper", n.startswith(("vit_h", "regnet_y_128", "regnet_y_32", "mvit", "s3d", "raft", "vit_l")), n))
    for name in order:
        path = out / f"{name}.onnx"
        if path.exists() or (name in failures and not args.retry_failed):
            continue
        t0 = time.time()
        try:
            r = subprocess.run([sys.executable, __file__, "--out", str(out), "--child", name],
                               capture_output=True, text=True, timeout=args.timeout)
            line = next((l for l in r.stdout.splitlines() if l.startswith("RESULT ")), None)
            if r.returncode == 0 and line and path.exists():
                info = json.loads(line[7:])
                times[name] = info["seconds"]
                failures.pop(name, None)
                print(f"[{time.strftime('%H:%M:%S')}] ok   {name}: {info['nodes']} nodes, {info['params']} params, {info['seconds']}s", flush=True)
            else:
                lines = r.stderr.strip().splitlines() or ["exit " + str(r.returncode)]
                errs = [l for l in lines if re.match(r"^[\w.]*(Error|Exception)\b", l)]
                err = (errs or lines)[-1]
                failures[name] = err[:500]
                print(f"[{time.strftime('%H:%M:%S')}] FAIL {name}: {err[:300]}", flush=True)
        except subprocess.TimeoutExpired:
            failures[name] = f"timeout after {args.timeout}s"
            print(f"[{time.strftime('%H:%M:%S')}] FAIL {name}: timeout {round(time.time() - t0)}s", flush=True)
        for tmp in out.glob(f"{name}.tmp*"):
            tmp.unlink()
        # another driver (--only) may have recorded failures and times of its own since this one read them
        # (merged, or the last writer would drop them), or exported a model this one saw fail
        failures = {**read_json(fail_path), **failures}
        failures = {k: v for k, v in failures.items() if not (out / f"{k}.onnx").exists()}
        times = {**read_json(times_path), **times}
        write_json(fail_path, failures)
        write_json(times_path, times)
        write_index(out, specs, times)
    write_index(out, specs, times)
    n_ok = sum(1 for n in specs if (out / f"{n}.onnx").exists())
    print(f"done: {n_ok} exported, {len(failures)} failed, {round(time.time() - t_all)}s this run", flush=True)
    return 0


def write_index(out: Path, specs: dict, times: dict) -> None:
    index = []
    for name, s in specs.items():
        if (out / f"{name}.onnx").exists():
            index.append(dict(file=f"{name}.onnx", name=name, family=s["family"], variant=s["variant"], task=s["task"],
                              source=s["source"], seconds=times.get(name)))
    write_json(out / "index.json", index)


if __name__ == "__main__":
    sys.exit(main())

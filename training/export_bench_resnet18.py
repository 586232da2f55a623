"""Exports a ResNet-18-shaped ONNX model with random (untrained) weights for
bench/rank.bench.ts: torchvision resnet18(weights=None), seeded init,
input [N, 3, 224, 224], output 'logits'. Speed does not depend on the weights.

    /usr/bin/python3 training/export_bench_resnet18.py bench/out/zoo/resnet18.onnx
"""
import sys

import torch
import torchvision

torch.set_num_threads(1)
torch.manual_seed(0)
out = sys.argv[1] if len(sys.argv) > 1 else "bench/out/zoo/resnet18.onnx"
model = torchvision.models.resnet18(weights=None).eval()
dummy = torch.randn(1, 3, 224, 224)
torch.onnx.export(
    model,
    dummy,
    out,
    input_names=["input"],
    output_names=["logits"],
    dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
    opset_version=13,
    do_constant_folding=True,
)
print(out)

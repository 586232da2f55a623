"""Independent reference for `etran rank` feature extraction.

For the test zoo model fixtures/rank/zoo-cls/gemm_a.onnx (Conv 3x3 -> ReLU ->
GlobalAveragePool -> Flatten -> Gemm) and the fixture images, computes with
PIL + torchvision + torch (not ONNX Runtime, not sharp):
  - the preprocessed input: Resize(16) (PIL bilinear) + CenterCrop(16) +
    ToTensor + Normalize(ImageNet mean/std);
  - the classifier features (input of the Gemm) and softmax(logits), by
    re-implementing the graph in torch with the weights read from the ONNX file.
Writes test/golden/rank-features.json.

    /usr/bin/python3 training/golden/rank_features.py
"""
import json
import os

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper
from PIL import Image
from torchvision import transforms

torch.set_num_threads(1)
root = os.path.join(os.path.dirname(__file__), "..", "..")
model = onnx.load(os.path.join(root, "fixtures/rank/zoo-cls/gemm_a.onnx"))
w = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}

tf = transforms.Compose([
    transforms.Resize(16, interpolation=transforms.InterpolationMode.BILINEAR),
    transforms.CenterCrop(16),
    transforms.ToTensor(),
    transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
])

images_dir = os.path.join(root, "fixtures/rank/images")
out = []
for cls in sorted(os.listdir(images_dir)):
    for f in sorted(os.listdir(os.path.join(images_dir, cls))):
        path = os.path.join(images_dir, cls, f)
        x = tf(Image.open(path).convert("RGB")).unsqueeze(0)
        h = F.relu(F.conv2d(x, w["conv.w"], w["conv.b"], padding=1))
        feat = h.mean(dim=(2, 3))
        logits = feat @ w["fc.w"].T + w["fc.b"]
        probs = torch.softmax(logits, dim=1)
        out.append({
            "path": f"{cls}/{f}",
            "input": x[0].numpy().astype(np.float64).round(6).ravel().tolist(),
            "features": feat[0].numpy().astype(np.float64).round(7).tolist(),
            "probs": probs[0].numpy().astype(np.float64).round(7).tolist(),
        })

with open(os.path.join(root, "test/golden/rank-features.json"), "w") as fh:
    json.dump({"model": "fixtures/rank/zoo-cls/gemm_a.onnx", "size": 16, "images": out}, fh)
print(len(out), "images")

"""ONNX export and independent verification (onnxruntime-node, not PyTorch).

`export` writes opset-13 ONNX with input 'input' [N,3,H,W] and the given output
names, batch axis symbolic 'N'. `verify` runs the exported file with
onnxruntime-node on random + real inputs (via verify_onnx.mjs) and returns the
max abs difference to PyTorch for every output, including the feature tensor,
which is exposed as an extra graph output in a scratch copy of the model.
"""
import json
import os
import subprocess

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
SCRATCH = os.path.join(REPO, 'training', 'out', 'zoo', 'verify')


def export(model, path, size, output_names):
    model.eval()
    dummy = torch.zeros(1, 3, size[0], size[1])
    axes = {'input': {0: 'N'}}
    for n in output_names:
        axes[n] = {0: 'N'}
    tmp = path + '.tmp'
    torch.onnx.export(model, dummy, tmp, opset_version=13, input_names=['input'],
                      output_names=output_names, dynamic_axes=axes, do_constant_folding=True)
    m = onnx.load(tmp)
    onnx.checker.check_model(m)
    os.replace(tmp, path)
    return m


def last_linear_input(m):
    """Name of the tensor feeding the graph's last Gemm/MatMul (in node order, which is topological)."""
    for node in reversed(m.graph.node):
        if node.op_type in ('Gemm', 'MatMul'):
            return node.input[0]
    raise ValueError('no Gemm/MatMul in the graph')


def with_extra_output(m, tensor, path):
    """Scratch copy of `m` with `tensor` added as a graph output (shape left to ORT)."""
    m2 = onnx.ModelProto()
    m2.CopyFrom(m)
    m2.graph.output.append(onnx.helper.make_empty_tensor_value_info(tensor))
    onnx.save(m2, path)


def verify(name, onnx_model, x, expected):
    """x: float32 NCHW input; expected: {output_name: torch/numpy array}. Returns {output: max_abs_diff}."""
    os.makedirs(SCRATCH, exist_ok=True)
    model_path = os.path.join(SCRATCH, f'{name}.onnx')
    extra = [k for k in expected if k not in [o.name for o in onnx_model.graph.output]]
    m = onnx_model
    if extra:
        m2 = onnx.ModelProto()
        m2.CopyFrom(onnx_model)
        for t in extra:
            m2.graph.output.append(onnx.helper.make_empty_tensor_value_info(t))
        m = m2
    onnx.save(m, model_path)
    x = np.ascontiguousarray(x, dtype=np.float32)
    x.tofile(os.path.join(SCRATCH, f'{name}.input.bin'))
    outs = {}
    for k, v in expected.items():
        v = v.detach().numpy() if torch.is_tensor(v) else np.asarray(v)
        fn = os.path.join(SCRATCH, f'{name}.{k.replace("/", "_")}.bin')
        np.ascontiguousarray(v, dtype=np.float32).tofile(fn)
        outs[k] = {'file': fn, 'shape': list(v.shape)}
    spec = {'model': model_path, 'input': os.path.join(SCRATCH, f'{name}.input.bin'),
            'input_shape': list(x.shape), 'outputs': outs}
    spec_path = os.path.join(SCRATCH, f'{name}.json')
    with open(spec_path, 'w') as f:
        json.dump(spec, f)
    r = subprocess.run(['node', os.path.join(HERE, 'verify_onnx.mjs'), spec_path], cwd=REPO,
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise RuntimeError(f'onnxruntime-node verification failed for {name}: {r.stderr.strip()}')
    return json.loads(r.stdout)

"""A model on a non-CPU device, called the way evaluate.py calls the CPU model
(with CPU tensors): train.py's per-epoch val check of a GPU run."""
from __future__ import annotations

import torch


class _OnDevice:
    """A module called with CPU tensors (as evaluate.py builds them): inputs are
    moved to the device, outputs come back to the CPU."""

    def __init__(self, module, device):
        self.module, self.device = module, device

    def _to(self, x, dev):
        if torch.is_tensor(x):
            return x.to(dev)
        if isinstance(x, (tuple, list)):
            return type(x)(self._to(v, dev) for v in x)
        return x

    def __call__(self, *a):
        return self._to(self.module(*self._to(a, self.device)), "cpu")

    def __getattr__(self, name):
        return getattr(self.module, name)


class DeviceModel:
    """What evaluate_split needs of the model (cfg, eval(), the five parts) for
    a model that lives on a non-CPU device."""

    def __init__(self, model, device):
        self.model, self.cfg = model, model.cfg
        for name in ("text", "arch", "reasoning", "qa", "caption"):
            setattr(self, name, _OnDevice(getattr(model, name), device))

    def eval(self):
        self.model.eval()
        return self

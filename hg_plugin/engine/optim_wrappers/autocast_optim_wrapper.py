from contextlib import contextmanager
from typing import Union

import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper
from mmpose.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class AutocastOptimWrapper(OptimWrapper):
    """Mixed precision without loss scaling: the forward pass and the loss
    run under ``torch.autocast`` of the model's device, in ``dtype``.

    mmengine's ``AmpOptimWrapper`` refuses to start without CUDA (or NPU,
    MLU, MUSA), and its fp16 needs a loss scaler; bf16 has fp32's exponent
    range and needs none. ``tools/train.py --amp`` picks this wrapper with
    bf16 on a CPU, and mmengine's ``AmpOptimWrapper`` on a GPU.

    Args:
        dtype (str | torch.dtype): Autocast dtype.
            Defaults to ``'bfloat16'``.
        **kwargs: ``OptimWrapper``'s arguments.
    """

    def __init__(self, dtype: Union[str, torch.dtype] = 'bfloat16',
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.dtype = getattr(torch, dtype, None) if isinstance(
            dtype, str) else dtype
        if not isinstance(self.dtype, torch.dtype):
            raise ValueError(f'AutocastOptimWrapper: unknown dtype {dtype!r}')

    @contextmanager
    def optim_context(self, model: nn.Module):
        device = next(model.parameters()).device.type
        with super().optim_context(model), torch.autocast(
                device, dtype=self.dtype):
            yield

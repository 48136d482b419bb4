"""What the benchmark scripts share: timing, and other implementations
given on the command line."""
import importlib.util
import time
from typing import Callable, Tuple

import torch.nn as nn


def load_extra(spec: str, stacks: int) -> Tuple[str, nn.Module, str]:
    """``FILE.py:FACTORY`` -> (name, module, layout): ``FACTORY(stacks)``
    returns the module and its input layout, ``'nchw'`` or ``'nhwc'`` (a
    fetched reference port, kept outside the project)."""
    file, factory = spec.split(':')
    module = importlib.util.module_from_spec(
        importlib.util.spec_from_file_location('extra', file))
    module.__spec__.loader.exec_module(module)
    model, layout = getattr(module, factory)(stacks)
    return factory, model, layout


def images_per_second(fn: Callable[[], object], batch: int,
                      steps: int) -> float:
    """One warm-up call, then images/s over ``steps`` calls."""
    fn()
    start = time.perf_counter()
    for _ in range(steps):
        fn()
    return batch * steps / (time.perf_counter() - start)

"""What this CPU runs natively, for choosing mixed precision and int8."""
from functools import lru_cache
from typing import FrozenSet


@lru_cache(maxsize=None)
def cpu_features() -> FrozenSet[str]:
    """The CPU's feature flags as Linux and torch name them
    (``avx512_bf16``, ``amx_bf16``, ``avx512_vnni``, ...): torch's own
    detection where it has one (``torch.cpu.get_capabilities``), else
    ``/proc/cpuinfo``; empty where neither says."""
    import torch
    get = getattr(torch.cpu, 'get_capabilities', None)
    if get is not None:
        return frozenset(k for k, v in get().items() if v is True)
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('flags'):
                    return frozenset(line.split(':', 1)[1].split())
    except OSError:
        pass
    return frozenset()


def native_bf16() -> bool:
    """bf16 dot products in hardware (AVX-512 BF16 or AMX). Elsewhere
    oneDNN emulates bf16 (it still runs, and reports itself able to) and
    is slower than fp32."""
    return bool({'avx512_bf16', 'amx_bf16'} & cpu_features())


def fast_int8() -> bool:
    """int8 dot products in hardware (AVX-512 VNNI, AVX-VNNI or AMX), which
    make int8 convolutions faster than fp32 ones."""
    return bool({'avx512_vnni', 'avx_vnni', 'amx_int8'} & cpu_features())

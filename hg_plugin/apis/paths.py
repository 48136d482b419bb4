"""Which inference path to run: the paths this machine supports, and the
one that finishes the input at hand first, start-up included.

A path is a backend (PyTorch eager or compiled, onnxruntime, OpenVINO)
in a precision (fp32; bf16 where the CPU runs it natively; int8 where it
has int8 dot products). Its cost for an input of ``n`` crops is::

    start-up + n * seconds per crop

Start-up is what the path does before its first crop: nothing for PyTorch
eager, a compilation for ``torch.compile``, an export (and for int8 a
calibration and quantization) for onnxruntime and OpenVINO, whose files
are cached (``ModelFiles``), so that only the first run pays for them.
Both figures come from this machine's own measurements
(:class:`SpeedRecords`: every run records what it saw) and, for a path not
yet run here, from the eager path's measured speed and the assumed ratios
of ``PRIOR_SPEEDUP`` and ``PRIOR_STARTUP_S``.
"""
import json
import math
import os.path as osp
import shutil
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from ..utils.cpu import fast_int8, native_bf16
from ..utils.io import dump_json
from .networks import cache_dir

BACKENDS = ('pytorch', 'onnxruntime', 'openvino')
PRECISIONS = ('fp32', 'bf16', 'int8')


@dataclass(frozen=True)
class InferencePath:
    backend: str  # one of BACKENDS
    precision: str  # one of PRECISIONS
    compiled: bool = False  # torch.compile

    def __str__(self) -> str:
        return (f'{self.backend} {self.precision}' +
                (' (torch.compile)' if self.compiled else ''))


EAGER = InferencePath('pytorch', 'fp32')
# Speed per crop relative to PyTorch eager fp32 and start-up seconds (for
# a network the size of hg2_mpii; scaled by the eager time of the network
# at hand), assumed for a path until it has run on this machine. They are
# round figures a little under benchmarks/bench_inference.py's ratios at
# batch 1 (its README; bf16's of a CPU with native bf16, the only one
# where bf16 is a candidate).
PRIOR_SPEEDUP = {
    InferencePath('pytorch', 'bf16'): 2.0,
    InferencePath('pytorch', 'fp32', True): 1.15,
    InferencePath('pytorch', 'bf16', True): 2.5,
    InferencePath('onnxruntime', 'fp32'): 1.4,
    InferencePath('onnxruntime', 'int8'): 2.5,
    InferencePath('openvino', 'fp32'): 1.4,
    InferencePath('openvino', 'bf16'): 2.5,
    InferencePath('openvino', 'int8'): 3.5,
}
PRIOR_STARTUP_S = {
    'compile': 60.,  # torch.compile, its first batch
    'export': 5.,  # the fp32 ONNX export
    'quantize': 10.,  # int8 quantization, besides calibration
    'session': 1.,  # an onnxruntime or OpenVINO session of a cached file
}
# the crops an int8 model is calibrated on, spread over the input, and the
# fewest it may be calibrated on
CALIBRATION_CROPS = 64
MIN_CALIBRATION_CROPS = 8


def installed(module: str) -> bool:
    import importlib.util
    return importlib.util.find_spec(module) is not None


def supported_paths(device: str = 'cpu') -> List[InferencePath]:
    """The paths this machine runs well: PyTorch everywhere (bf16 on a
    GPU or a CPU with native bf16; ``torch.compile`` where a C++ compiler
    is found for it), onnxruntime and OpenVINO on a CPU where they are
    installed (int8 where the CPU has int8 dot products; OpenVINO also in
    bf16 where the CPU has native bf16)."""
    paths = [EAGER]
    gpu = device.startswith('cuda')
    bf16 = gpu or native_bf16()
    if bf16:
        paths.append(InferencePath('pytorch', 'bf16'))
    if gpu or shutil.which('g++') or shutil.which('c++'):
        paths += [InferencePath('pytorch', p, True)
                  for p in ('fp32', 'bf16') if p == 'fp32' or bf16]
    if not gpu and installed('onnx'):  # the exporter's
        for backend, module in (('onnxruntime', 'onnxruntime'),
                                ('openvino', 'openvino')):
            if installed(module):
                paths.append(InferencePath(backend, 'fp32'))
                if bf16 and backend == 'openvino':
                    paths.append(InferencePath(backend, 'bf16'))
                if fast_int8():
                    paths.append(InferencePath(backend, 'int8'))
    return paths


def machine_key() -> str:
    """This CPU's name and the features the paths depend on."""
    import torch
    get = getattr(torch.cpu, 'get_capabilities', None)
    name = get().get('cpu_name', '') if get else ''
    return f'{name}|bf16={native_bf16()}|int8={fast_int8()}|' \
        f'threads={torch.get_num_threads()}'


class SpeedRecords:
    """Seconds per crop and start-up seconds each path took on this
    machine, per model, kept in ``<cache>/inference_speeds.json``."""

    def __init__(self, model_key: str, path: Optional[str] = None) -> None:
        self.file = path or osp.join(cache_dir(), 'inference_speeds.json')
        self.key = f'{machine_key()}|{model_key}'
        try:
            with open(self.file) as f:
                self.all = json.load(f)
        except (OSError, ValueError):
            self.all = {}
        self.mine: Dict = self.all.get(self.key, {})

    def get(self, path: InferencePath, field: str) -> Optional[float]:
        value = self.mine.get(str(path), {}).get(field)
        return value if isinstance(value, (int, float)) else None

    def record(self, path: InferencePath, **fields: float) -> None:
        """Keep measurements of ``path``: each field the mean of its last
        measurement and the one before (a single slow run, a machine busy
        with something else, weighs half)."""
        entry = self.mine.setdefault(str(path), {})
        for key, value in fields.items():
            old = entry.get(key)
            entry[key] = value if old is None else (old + value) / 2
        self.all[self.key] = self.mine
        try:
            dump_json(self.all, self.file, indent=1)
        except OSError:  # a read-only cache: choose from priors next time
            pass


@dataclass
class Estimate:
    path: InferencePath
    per_crop_s: float
    startup_s: float

    def total(self, crops: float) -> float:
        return self.startup_s + crops * self.per_crop_s


def estimate(path: InferencePath, eager_s: float, records: SpeedRecords,
             cached: bool, calibrates: bool) -> Estimate:
    """Seconds per crop and start-up of ``path``: measured here where it
    has run, else ``eager_s`` (the eager path's seconds per crop) and the
    priors; ``cached``: its ONNX file exists; ``calibrates``: an int8
    model would be calibrated on the input's crops first."""
    per_crop = records.get(path, 'per_crop_s')
    if per_crop is None:
        per_crop = eager_s / PRIOR_SPEEDUP.get(path, 1.)
    if path.backend == 'pytorch':
        startup = 0. if not path.compiled else (
            records.get(path, 'startup_s') or PRIOR_STARTUP_S['compile'])
    elif cached:
        startup = PRIOR_STARTUP_S['session']
    else:
        startup = records.get(path, 'startup_s') or (
            PRIOR_STARTUP_S['export'] + PRIOR_STARTUP_S['session'])
        if path.precision == 'int8' and calibrates:
            startup += PRIOR_STARTUP_S['quantize'] + \
                CALIBRATION_CROPS * eager_s / PRIOR_SPEEDUP.get(
                    InferencePath(path.backend, 'fp32'), 1.)
    return Estimate(path, per_crop, startup)


def choose(paths: List[InferencePath], crops: float, eager_s: float,
           records: SpeedRecords, cached: Dict[InferencePath, bool],
           can_calibrate: bool) -> Tuple[Estimate, List[Estimate]]:
    """The path of least estimated time for ``crops`` crops (``math.inf``
    for a camera: the fastest per crop whose start-up is paid once), and
    every candidate's estimate. An int8 path without a cached model is a
    candidate only where the input can calibrate it."""
    candidates = []
    for path in paths:
        have = cached.get(path, False)
        if path.precision == 'int8' and not have and not can_calibrate:
            continue
        candidates.append(estimate(path, eager_s, records, have,
                                   can_calibrate))
    if math.isinf(crops):
        best = min(candidates, key=lambda e: (e.per_crop_s, e.startup_s))
    else:
        best = min(candidates, key=lambda e: e.total(crops))
    return best, candidates

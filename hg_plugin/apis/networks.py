"""The network between the crops and the heatmaps on each inference path
a machine may have: PyTorch eager or compiled (``torch.compile``) in fp32
or bf16, onnxruntime or OpenVINO in fp32 or int8. Each is a function of a
numpy batch, (N, 3, h, w) float32 -> the last stack's heatmaps (N, K, h/4,
w/4) float32, which ``hg_deploy.TopdownPipeline`` runs."""
import hashlib
import json
import os
import os.path as osp
from typing import Callable, Dict, List, Optional

import numpy as np
import torch
import torch.nn as nn

from hg_deploy import ExportedNetwork, OnnxNetwork, onnx_session

Calibration = Callable[[], List[np.ndarray]]


def cache_dir(*parts: str) -> str:
    """A folder of the plugin's cache (``$HG_CACHE_DIR``, default
    ``~/.cache/hg_plugin``), created."""
    root = os.environ.get('HG_CACHE_DIR') or osp.join(
        osp.expanduser('~'), '.cache', 'hg_plugin')
    path = osp.join(root, *parts)
    os.makedirs(path, exist_ok=True)
    return path


class TorchNetwork:
    """A PyTorch heatmap network on numpy batches.

    Args:
        net (nn.Module): Inputs -> the last stack's heatmaps
            (``hg_plugin.deployment.HeatmapNetwork``).
        device (str): Defaults to ``'cpu'``.
        precision (str): ``'fp32'`` or ``'bf16'`` (autocast). Defaults to
            ``'fp32'``.
        compiled (bool): Run it through ``torch.compile``. A new batch size
            costs a new compilation, so batches are padded to a power of
            two. Defaults to ``False``.
    """

    def __init__(self, net: nn.Module, device: str = 'cpu',
                 precision: str = 'fp32', compiled: bool = False) -> None:
        if precision not in ('fp32', 'bf16'):
            raise ValueError(f"PyTorch runs 'fp32' or 'bf16', not "
                             f'{precision!r}')
        self.net = net.eval().to(device)
        self.device = torch.device(device)
        self.bf16 = precision == 'bf16'
        self.compiled = compiled
        self.fn = torch.compile(self.net) if compiled else self.net

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        n = len(inputs)
        x = torch.from_numpy(np.ascontiguousarray(inputs)).to(self.device)
        if self.compiled and n & (n - 1):
            pad = (1 << n.bit_length()) - n
            x = torch.cat([x, x.new_zeros((pad, ) + x.shape[1:])])
        with torch.inference_mode(), torch.autocast(
                self.device.type, dtype=torch.bfloat16, enabled=self.bf16):
            out = self.fn(x)
        return out[:n].float().cpu().numpy()


_OPENVINO_CORE = None


def openvino_core():
    """The process's one ``openvino.Core``, made on first use.

    Why one: OpenVINO's CPU plugin (one per ``Core``) gives the thread
    that first compiles on it an alternate signal stack of its own (sized
    for AMX's signal frames) and puts back the stack it found when the
    ``Core`` goes. With a ``Core`` per model, released out of order (one
    model made while another lives, the first released first), the thread
    is left with a stack in freed memory, and the next signal handled there
    (a child's SIGCHLD, which PyTorch's DataLoader workers catch) kills the
    process. One ``Core`` for all models is also OpenVINO's advice.
    """
    global _OPENVINO_CORE
    if _OPENVINO_CORE is None:
        import openvino as ov
        _OPENVINO_CORE = ov.Core()
    return _OPENVINO_CORE


class OpenVinoNetwork(ExportedNetwork):
    """An exported model (fp32, or the int8 QDQ model, which OpenVINO runs
    in int8) compiled by OpenVINO for the CPU, on numpy batches (in the
    model's batch size where it is fixed; the last stack of an all-stacks
    model). One infer request: call it from one thread at a time.

    Args:
        path (str): The ONNX file.
        output (str): Its metadata's ``output``. Defaults to
            ``'last_stack'``.
        threads (int, optional): OpenVINO's inference threads.
        precision (str): What the float layers compute in: ``'fp32'`` (the
            int8 model's float layers too) or ``'bf16'`` (of the fp32
            file). Set either way because OpenVINO's own default is bf16
            on a CPU with native bf16 and fp32 elsewhere, so an
            unset "fp32" model computes in bf16 on some machines only.
            Defaults to ``'fp32'``.
    """

    def __init__(self, path: str, output: str = 'last_stack',
                 threads: Optional[int] = None,
                 precision: str = 'fp32') -> None:
        hints = {'fp32': 'f32', 'bf16': 'bf16'}
        if precision not in hints:
            raise ValueError(f"OpenVINO computes in 'fp32' or 'bf16', not "
                             f'{precision!r}')
        config = {
            'PERFORMANCE_HINT': 'LATENCY',
            'INFERENCE_PRECISION_HINT': hints[precision]
        }
        if threads:
            config['INFERENCE_NUM_THREADS'] = threads
        compiled = openvino_core().compile_model(path, 'CPU', config)
        first = compiled.input(0).get_partial_shape()[0]
        super().__init__(lambda x: np.asarray(compiled(x)[0]),
                         first.get_length() if first.is_static else None,
                         output)


def file_digest(path: Optional[str]) -> str:
    """sha256 of a file's bytes (``''`` for none)."""
    if path is None:
        return ''
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


class ModelFiles:
    """The ONNX files of one model, exported and quantized once and kept in
    the cache (``<cache>/models/<key>.*.onnx``), so that the start-up of
    onnxruntime and OpenVINO is paid by the first run only.

    The key covers the checkpoint's bytes, the model's config and test
    settings, the crop size and the exporter's versions: another model,
    checkpoint or crop gets other files.

    Args:
        net (nn.Module): The network to export (``HeatmapNetwork``).
        settings (dict): Its test path (``pipeline_settings``).
        model_cfg (dict): The config's ``model``, part of the key.
        checkpoint (str, optional): The weights file, part of the key.
    """

    def __init__(self, net: nn.Module, settings: Dict, model_cfg: Dict,
                 checkpoint: Optional[str]) -> None:
        self.net, self.settings = net, settings
        text = json.dumps([model_cfg, settings, file_digest(checkpoint)],
                          sort_keys=True, default=str)
        # the model: its config, test settings and weights
        self.key = hashlib.sha256(text.encode()).hexdigest()[:20]

    def path(self, precision: str) -> str:
        """The cached file of ``precision``; the exporter's versions are
        part of its name (another torch or onnx exports anew)."""
        import onnx
        versions = hashlib.sha256(
            f'{torch.__version__}|{onnx.__version__}'.encode()).hexdigest()
        return osp.join(cache_dir('models'),
                        f'{self.key}-{versions[:8]}.{precision}.onnx')

    def has(self, precision: str) -> bool:
        """The file that a path of ``precision`` runs is cached (bf16 runs
        the fp32 file)."""
        return osp.isfile(self.path('int8' if precision == 'int8' else 'fp32'))

    def fp32(self) -> str:
        """The fp32 model (any batch size), exported if not cached."""
        from ..deployment.onnx_export import export_network
        path = self.path('fp32')
        if not osp.isfile(path):
            w, h = self.settings['input_size']
            export_network(self.net, self.settings, path, (h, w),
                           dynamic_batch=True)
        return path

    def int8(self, calibration: Calibration, source: str) -> str:
        """The int8 model, quantized if not cached, calibrated on the
        inputs ``calibration()`` returns."""
        from ..deployment.quantization import quantize_int8
        from .boxes import InputError
        from .paths import MIN_CALIBRATION_CROPS
        path = self.path('int8')
        if not osp.isfile(path):
            inputs = calibration()
            if len(inputs) < MIN_CALIBRATION_CROPS:
                raise InputError(
                    f'{source}: {len(inputs)} crops to calibrate int8 on; '
                    f'it takes {MIN_CALIBRATION_CROPS} or more')
            quantize_int8(self.fp32(), path, inputs, source)
        return path


def build_network(path, net: nn.Module, device: str,
                  files: Optional[ModelFiles] = None,
                  calibration: Optional[Calibration] = None,
                  calibration_source: str = '',
                  threads: Optional[int] = None) -> Callable:
    """The network function of an ``InferencePath`` (``paths.py``)."""
    if path.backend == 'pytorch':
        return TorchNetwork(net, device, path.precision, path.compiled)
    onnx_file = files.int8(calibration, calibration_source) \
        if path.precision == 'int8' else files.fp32()
    if path.backend == 'openvino':
        return OpenVinoNetwork(
            onnx_file,
            threads=threads,
            precision='bf16' if path.precision == 'bf16' else 'fp32')
    return OnnxNetwork(onnx_session(onnx_file, threads=threads))

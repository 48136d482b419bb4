"""What importing ``hg_plugin`` changes in the process, and why.

Each change applies only where the broken combination exists, and
``HG_PLUGIN_NO_COMPAT=1`` in the environment switches all of them off.
``APPLIED`` names those applied in this process.

``checkpoint-loading`` (torch >= 2.6, whose ``torch.load`` defaults to
``weights_only=True``): mmengine 0.10.7 calls ``torch.load`` without the
argument, and a checkpoint saved by its own ``CheckpointHook`` holds more
than tensors: the message hub's ``HistoryBuffer`` objects, numpy arrays and
scalars in ``meta``, so ``load_checkpoint``, ``--resume`` and
``tools/test.py CONFIG CKPT`` fail with ``Weights only load failed``.
Loading stays ``weights_only`` (no code runs from a checkpoint); exactly the
classes an mmengine checkpoint contains are allowlisted
(``torch.serialization.add_safe_globals``). ``HistoryBuffer.__getstate__``
pickles its statistics functions as ``getattr(HistoryBuffer, 'min')``;
instead of allowing ``builtins.getattr`` (any attribute of any allowed
object, e.g. a function's ``__globals__``), that name is bound to a getattr
that only returns those functions. mmengine's loader of local files is
replaced by :func:`load_from_local`, the plugin's one safe loader
(``hg_plugin.utils.io.load_torch_file``): it refuses any other global with
an error naming the file and the globals, and names a missing or damaged
file.

``keypoint-drawing`` (numpy without the conversion of a one-element array
to a scalar, numpy >= 2.4 here): mmpose 1.3.2's visualizer passes
``radius=np.array([r])`` to OpenCV's ``int(radius)``, so drawing keypoints
(``PoseVisualizationHook``, ``--show-dir``, ``MMPoseInferencer``) raises
``TypeError``; the patched ``draw_circles`` hands OpenCV the scalar.
"""
import os
from typing import Callable, List, Optional

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader
from mmengine.utils import digit_version
from mmpose.visualization.opencv_backend_visualizer import \
    OpencvBackendVisualizer

from .utils.io import GETATTR_REFUSAL, UnsafeCheckpointError, load_torch_file

ENV_SWITCH = 'HG_PLUGIN_NO_COMPAT'
APPLIED: List[str] = []


def history_buffer_getattr(obj: object, name: str) -> Callable:
    """``getattr`` restricted to what ``HistoryBuffer`` pickles: its own
    statistics functions (``min``, ``max``, ``current``, ``mean`` and those
    registered with ``HistoryBuffer.register_statistics``)."""
    allowed = set(HistoryBuffer._statistics_methods) | {
        'min', 'max', 'current', 'mean'}
    if obj is HistoryBuffer and name in allowed:
        return getattr(HistoryBuffer, name)
    raise UnsafeCheckpointError(
        f'{GETATTR_REFUSAL}({obj!r:.60}, {name!r:.60}); only '
        'HistoryBuffer statistics functions are allowed')


def mmengine_checkpoint_globals() -> List:
    """The non-tensor classes that mmengine's runner puts in a checkpoint."""
    scalar_types = [
        np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8,
        np.uint16, np.uint32, np.uint64, np.float16, np.float32, np.float64
    ]
    core = getattr(np, '_core', None) or np.core
    allowed = [
        HistoryBuffer,
        (history_buffer_getattr, 'builtins.getattr'),
        core.multiarray._reconstruct,
        core.multiarray.scalar,
        np.ndarray,
        np.dtype,
    ]
    # numpy >= 1.25 pickles dtypes by their class, e.g. Float64DType
    if getattr(np, 'dtypes', None) is not None:
        allowed += [type(np.dtype(t)) for t in scalar_types]
    return allowed


def load_from_local(filename: str,
                    map_location: Optional[str] = None,
                    **kwargs) -> dict:
    """mmengine's ``load_from_local`` (same name, so that mmengine's log
    says ``Loads checkpoint by local backend``): the plugin's safe loader,
    :func:`hg_plugin.utils.io.load_torch_file`."""
    return load_torch_file(filename, map_location)


def _scalar_radius(draw_circles: Callable) -> Callable:
    """Wrap ``draw_circles`` so that a one-element ``radius`` array reaches
    OpenCV as the scalar it stands for."""

    def wrapper(self, center, radius, *args, **kwargs):
        if isinstance(radius, np.ndarray) and radius.size == 1:
            radius = radius.item()
        return draw_circles(self, center, radius, *args, **kwargs)

    wrapper.unpatched = draw_circles
    wrapper.__doc__ = draw_circles.__doc__
    return wrapper


def torch_loads_weights_only() -> bool:
    """Does ``torch.load`` default to ``weights_only=True`` here?"""
    forced_off = os.environ.get('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '0')
    return (digit_version(torch.__version__) >= digit_version('2.6.0')
            and forced_off.lower() in ('0', '', 'false'))


def numpy_refuses_array_to_int() -> bool:
    """Does ``int(np.array([1]))`` raise here (numpy >= 2.4)?"""
    try:
        int(np.array([1]))
    except TypeError:
        return True
    return False


def apply() -> List[str]:
    """Apply the changes this stack needs (once); return their names."""
    if os.environ.get(ENV_SWITCH, '0') not in ('0', ''):
        return APPLIED
    if torch_loads_weights_only() and 'checkpoint-loading' not in APPLIED:
        torch.serialization.add_safe_globals(mmengine_checkpoint_globals())
        CheckpointLoader.register_scheme(
            prefixes='', loader=load_from_local, force=True)
        APPLIED.append('checkpoint-loading')
    if numpy_refuses_array_to_int() and not hasattr(
            OpencvBackendVisualizer.draw_circles, 'unpatched'):
        OpencvBackendVisualizer.draw_circles = _scalar_radius(
            OpencvBackendVisualizer.draw_circles)
        APPLIED.append('keypoint-drawing')
    return APPLIED


apply()

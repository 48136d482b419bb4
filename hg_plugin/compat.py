"""Loading mmengine checkpoints safely under torch >= 2.6.

torch 2.6 made ``torch.load(weights_only=True)`` the default. mmengine
0.10.7 calls ``torch.load`` without the argument, and a checkpoint saved by
its own ``CheckpointHook`` holds more than tensors: the message hub's
``HistoryBuffer`` objects, numpy arrays and scalars (in ``meta``), so
``load_checkpoint``, ``--resume`` and ``tools/test.py CONFIG CKPT`` fail
with ``Weights only load failed``.

The fix here keeps ``weights_only=True`` (no code runs from a checkpoint)
and allowlists exactly the classes an mmengine checkpoint contains
(``torch.serialization.add_safe_globals``). ``HistoryBuffer.__getstate__``
also pickles its statistics functions, as ``getattr(HistoryBuffer, 'min')``;
instead of allowing ``builtins.getattr`` (any attribute of any allowed
object), the name is bound to a getattr that only returns those functions.
It also replaces mmengine's
loader for local files, so that a checkpoint that needs anything else is
refused with an error naming the file and the offending globals, instead of
torch's generic message, and a missing or truncated file names the file.

numpy >= 2.4 no longer converts a one-element array to a Python scalar;
mmpose 1.3.2's visualizer passes ``radius=np.array([r])`` to an OpenCV
``int(radius)``, so drawing keypoints (``PoseVisualizationHook``,
``--show-dir``, ``add_datasample``) raises ``TypeError``. The patch below
hands OpenCV the scalar.
"""
import os.path as osp
import pickle
from typing import Callable, List, Optional

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader
from mmpose.visualization.opencv_backend_visualizer import \
    OpencvBackendVisualizer


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint that would run code other than tensor reconstruction."""


def history_buffer_getattr(obj: object, name: str) -> Callable:
    """``getattr`` restricted to what ``HistoryBuffer`` pickles: its own
    statistics functions (``min``, ``max``, ``current``, ``mean`` and those
    registered with ``HistoryBuffer.register_statistics``)."""
    allowed = set(HistoryBuffer._statistics_methods) | {
        'min', 'max', 'current', 'mean'}
    if obj is HistoryBuffer and name in allowed:
        return getattr(HistoryBuffer, name)
    raise UnsafeCheckpointError(
        f'checkpoint asks for getattr({obj!r}, {name!r}); only '
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
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        allowed += [type(np.dtype(t)) for t in scalar_types]
    return allowed


def _load_local(filename: str,
                map_location: Optional[str] = None,
                **kwargs) -> dict:
    """mmengine's local loader, with safe loading and clear errors."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} does not exist')
    try:
        return torch.load(filename, map_location=map_location,
                          weights_only=True)
    except pickle.UnpicklingError as e:
        try:
            unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(
                filename)
        except Exception:  # not a zip checkpoint at all
            unsafe = []
        if unsafe:
            raise UnsafeCheckpointError(
                f'checkpoint {filename} refers to {unsafe}, which loading '
                'it would execute; it is not a plain mmengine checkpoint. '
                'If you trust the file, allowlist them with '
                'torch.serialization.add_safe_globals') from None
        raise UnsafeCheckpointError(
            f'checkpoint {filename} cannot be loaded safely: {e}') from None
    except RuntimeError as e:
        raise RuntimeError(
            f'checkpoint {filename} is damaged or not a torch file: '
            f'{e}') from None


torch.serialization.add_safe_globals(mmengine_checkpoint_globals())
CheckpointLoader.register_scheme(prefixes='', loader=_load_local, force=True)


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


if not hasattr(OpencvBackendVisualizer.draw_circles, 'unpatched'):
    OpencvBackendVisualizer.draw_circles = _scalar_radius(
        OpencvBackendVisualizer.draw_circles)

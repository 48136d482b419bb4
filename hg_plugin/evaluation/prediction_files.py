"""Reading ground-truth and prediction files for offline evaluation.

Ground truth (MATLAB 1-based coordinates):
- ``detections_our_format.mat`` / mmpose's ``mpii_gt_val.mat``:
  ``pos_gt_src`` (16, 2, N), ``jnt_missing`` (16, N), ``headboxes_src``
  (2, 2, N);
- the hourglass ``valid.h5`` of MPII (16 joints, head size ``normalize``)
  or FLIC (11 joints, torso size ``normalize``); joints at (0, 0) are not
  annotated.

Predictions: ``.mat`` or ``.h5`` with ``preds`` laid out (N, K, 2) or
(2, K, N), 1-based like the published files; or the json of
``tools/test.py --dump`` (its ``coordinate_base``, 0 for the plugin's data).
"""
import json
import os.path as osp
from dataclasses import dataclass
from typing import Optional

import numpy as np


class PredictionFileError(ValueError):
    """A ground-truth or prediction file that cannot be evaluated."""


@dataclass
class GroundTruth:
    """Ground truth of one split, 1-based coordinates."""
    dataset: str  # 'mpii' or 'flic'
    joints: np.ndarray  # (N, K, 2)
    annotated: np.ndarray  # (N, K) bool
    norm: Optional[np.ndarray]  # (N, ) head size (MPII) or file's torso


def _load_mapping(path: str) -> dict:
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} does not exist')
    if path.endswith('.mat'):
        from scipy.io import loadmat
        try:
            return loadmat(path)
        except Exception as e:  # scipy raises several types for bad files
            raise PredictionFileError(f'{path}: not a readable .mat file '
                                      f'({e})') from None
    if path.endswith(('.h5', '.hdf5')):
        import h5py
        try:
            with h5py.File(path, 'r') as f:
                return {k: f[k][()] for k in f}
        except OSError as e:
            raise PredictionFileError(f'{path}: not a readable .h5 file '
                                      f'({e})') from None
    if path.endswith('.json'):
        try:
            with open(path) as f:
                return json.load(f)
        except json.JSONDecodeError as e:
            raise PredictionFileError(f'{path}: not a json file ({e})')
    raise PredictionFileError(
        f'{path}: unknown file type; expected .mat, .h5 or .json')


def load_ground_truth(path: str) -> GroundTruth:
    """Load ``detections_our_format.mat``-style or hourglass ``.h5`` ground
    truth (see the module docstring)."""
    data = _load_mapping(path)
    if 'pos_gt_src' in data:
        for key in ('jnt_missing', 'headboxes_src'):
            if key not in data:
                raise PredictionFileError(f"{path}: missing field '{key}'")
        joints = np.transpose(data['pos_gt_src'], (2, 0, 1)).astype(float)
        annotated = np.transpose(data['jnt_missing'], (1, 0)) == 0
        boxes = np.transpose(data['headboxes_src'], (2, 0, 1))
        head = 0.6 * np.linalg.norm(boxes[:, 1] - boxes[:, 0], axis=-1)
        return GroundTruth('mpii', joints, annotated, head)
    if 'part' in data:
        joints = np.asarray(data['part'], dtype=float)
        if joints.ndim != 3 or joints.shape[1] not in (11, 16):
            raise PredictionFileError(
                f"{path}: field 'part' has shape {joints.shape}; expected "
                '(N, 16, 2) for MPII or (N, 11, 2) for FLIC')
        dataset = 'mpii' if joints.shape[1] == 16 else 'flic'
        annotated = ~(joints == 0).all(-1)
        norm = np.asarray(data['normalize'], float) \
            if 'normalize' in data else None
        return GroundTruth(dataset, joints, annotated, norm)
    raise PredictionFileError(
        f"{path}: neither 'pos_gt_src' (MPII .mat) nor 'part' (hourglass "
        '.h5): not a ground-truth file')


def load_predictions(path: str, num_people: int, num_joints: int,
                     base: Optional[int] = None) -> np.ndarray:
    """Load predictions as (N, K, 2) in 1-based coordinates.

    Args:
        path (str): ``.mat``/``.h5`` with ``preds``, or a ``--dump`` json.
        num_people (int): N of the ground truth.
        num_joints (int): K of the ground truth.
        base (int, optional): Coordinate base of a ``.mat``/``.h5`` file.
            Defaults to 1 (the published files); a json says its own.

    Raises:
        PredictionFileError: Wrong layout, count or non-finite values.
    """
    data = _load_mapping(path)
    if 'preds' not in data:
        raise PredictionFileError(f"{path}: no field 'preds'")
    try:
        preds = np.asarray(data['preds'], dtype=np.float64)
    except (TypeError, ValueError):
        raise PredictionFileError(
            f"{path}: field 'preds' is not a numeric array") from None
    if path.endswith('.json'):
        base = int(data.get('coordinate_base', 0))
    elif base is None:
        base = 1
    if preds.ndim == 3 and preds.shape[0] == 2 and preds.shape[-1] != 2:
        preds = np.transpose(preds, (2, 1, 0))  # (2, K, N) -> (N, K, 2)
    if preds.ndim != 3 or preds.shape[-1] != 2:
        raise PredictionFileError(
            f"{path}: field 'preds' has shape {preds.shape}; expected "
            f'({num_people}, {num_joints}, 2) or (2, {num_joints}, '
            f'{num_people})')
    if preds.shape[1] != num_joints:
        raise PredictionFileError(
            f'{path}: {preds.shape[1]} joints per person; the ground truth '
            f'has {num_joints}')
    if preds.shape[0] != num_people:
        raise PredictionFileError(
            f'{path}: {preds.shape[0]} people; the ground truth has '
            f'{num_people}')
    bad = np.argwhere(~np.isfinite(preds))
    if len(bad):
        n, k, _ = bad[0]
        raise PredictionFileError(
            f'{path}: non-finite prediction for person {n}, joint {k} '
            f"({len(bad)} values in all)")
    return preds + (1 - base)

"""Reading ground-truth and prediction files for offline evaluation.

Ground truth (MATLAB 1-based coordinates):
- ``detections_our_format.mat`` / mmpose's ``mpii_gt_val.mat`` (MPII):
  ``pos_gt_src`` (16, 2, N), ``jnt_missing`` (16, N), ``headboxes_src``
  (2, 2, N);
- a hourglass ``valid.h5`` of MPII (head size ``normalize``) or FLIC
  (torso size ``normalize``), which one stated by the caller; joints at
  (0, 0) are not annotated.

Predictions: ``.mat`` or ``.h5`` with ``preds`` laid out (N, K, 2) or
(2, K, N), 1-based like the published files; or the json of
``tools/test.py --dump`` (its ``coordinate_base``, 0 for the plugin's data,
and its ``dataset``).
"""
from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..datasets.annotations import MAX_PX
from ..datasets.metainfo import dataset_metainfo
from ..utils.checks import check_array, check_field
from ..utils.io import read_h5, read_json, read_mat


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
    if path.endswith('.mat'):
        return read_mat(path, PredictionFileError)
    if path.endswith(('.h5', '.hdf5')):
        return read_h5(path, PredictionFileError)
    if path.endswith('.json'):
        data = read_json(path, PredictionFileError)
        if not isinstance(data, dict):
            raise PredictionFileError(
                f'{path}: expected a json object (tools/test.py --dump), '
                f'got a {type(data).__name__}')
        return data
    raise PredictionFileError(
        f'{path}: unknown file type; expected .mat, .h5 or .json')


def _array(data: dict, key: str, path: str, shape: tuple) -> np.ndarray:
    """``data[key]`` as a float64 array of ``shape`` (``None``: any
    length); its values are checked by the caller, where they matter (a
    joint that is not annotated may be NaN)."""
    value = check_field(data, key, path, PredictionFileError)
    return check_array(path, key, value, shape, finite=False,
                       error=PredictionFileError)


def load_ground_truth(path: str, dataset: Optional[str] = None
                      ) -> GroundTruth:
    """Load ``detections_our_format.mat``-style (MPII) or hourglass
    ``.h5`` ground truth (see the module docstring).

    Args:
        path (str): The file.
        dataset (str, optional): ``'mpii'`` or ``'flic'``; required for a
            hourglass ``.h5`` (which holds either), checked for a ``.mat``.
    """
    data = _load_mapping(path)
    if 'pos_gt_src' in data:
        if dataset not in (None, 'mpii'):
            raise PredictionFileError(
                f"{path}: an MPII ground-truth .mat ('pos_gt_src'), not "
                f'{dataset}')
        k = dataset_metainfo('mpii')['num_keypoints']
        pos = _array(data, 'pos_gt_src', path, (k, 2, None))
        n = pos.shape[-1]
        missing = _array(data, 'jnt_missing', path, (k, n))
        boxes = _array(data, 'headboxes_src', path, (2, 2, n))
        joints = np.transpose(pos, (2, 0, 1))
        annotated = np.transpose(missing, (1, 0)) == 0
        boxes = np.transpose(boxes, (2, 0, 1))
        head = 0.6 * np.linalg.norm(boxes[:, 1] - boxes[:, 0], axis=-1)
        _check_norm(head, annotated, path, 'headboxes_src')
        _check_joints(joints, annotated, path, 'pos_gt_src')
        return GroundTruth('mpii', joints, annotated, head)
    if 'part' in data:
        if dataset not in ('mpii', 'flic'):
            raise PredictionFileError(
                f"{path}: a hourglass .h5 ('part') holds MPII or FLIC; "
                "say which (--dataset mpii or --dataset flic)")
        k = dataset_metainfo(dataset)['num_keypoints']
        joints = _array(data, 'part', path, (None, k, 2))
        annotated = ~(joints == 0).all(-1)
        norm = None
        if 'normalize' in data:
            norm = _array(data, 'normalize', path, (len(joints), ))
            _check_norm(norm, annotated, path, 'normalize')
        _check_joints(joints, annotated, path, 'part')
        return GroundTruth(dataset, joints, annotated, norm)
    raise PredictionFileError(
        f"{path}: neither 'pos_gt_src' (MPII .mat) nor 'part' (hourglass "
        '.h5): not a ground-truth file')


def _check_joints(joints: np.ndarray, annotated: np.ndarray, path: str,
                  field: str) -> None:
    """Annotated joints must be finite pixel positions."""
    bad = np.argwhere(annotated & ~(np.abs(joints) <= MAX_PX).all(-1))
    if len(bad):
        n, k = bad[0]
        raise PredictionFileError(
            f"{path}: field '{field}' gives person {n}, joint {k} the "
            f'position {joints[n, k].tolist()}; expected finite pixels')


def _check_norm(norm: np.ndarray, annotated: np.ndarray, path: str,
                field: str) -> None:
    """A person with annotated joints needs a positive, finite size."""
    bad = np.flatnonzero(annotated.any(-1) & ~(norm > 0) |
                         ~np.isfinite(norm))
    if len(bad):
        raise PredictionFileError(
            f"{path}: field '{field}' gives person {bad[0]} the size "
            f'{float(norm[bad[0]])!r}; expected a positive number')


def load_predictions(path: str, num_people: int, num_joints: int,
                     base: Optional[int] = None,
                     dataset: Optional[str] = None) -> np.ndarray:
    """Load predictions as (N, K, 2) in 1-based coordinates.

    Args:
        path (str): ``.mat``/``.h5`` with ``preds``, or a ``--dump`` json.
        num_people (int): N of the ground truth.
        num_joints (int): K of the ground truth.
        base (int, optional): Coordinate base of a ``.mat``/``.h5`` file.
            Defaults to 1 (the published files); a json says its own.
        dataset (str, optional): The ground truth's dataset; a json that
            states another is refused.

    Raises:
        PredictionFileError: Wrong layout, count or non-finite values.
    """
    data = _load_mapping(path)
    preds = _array(data, 'preds', path, (None, None, None))
    if path.endswith('.json'):
        base = data.get('coordinate_base', 0)
        if base not in (0, 1) or isinstance(base, bool):
            raise PredictionFileError(
                f"{path}: field 'coordinate_base' must be 0 or 1, got "
                f'{base!r:.40}')
        stated = data.get('dataset')
        if dataset is not None and stated is not None and stated != dataset:
            raise PredictionFileError(
                f'{path}: predictions of {stated!r:.40}, but the ground '
                f'truth is {dataset}')
    elif base is None:
        base = 1
    if preds.shape[0] == 2 and preds.shape[-1] != 2:
        preds = np.transpose(preds, (2, 1, 0))  # (2, K, N) -> (N, K, 2)
    if preds.shape[-1] != 2:
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

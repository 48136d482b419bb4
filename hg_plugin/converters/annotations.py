"""Conversions of the public MPII and FLIC annotation files to the json of
the plugin's datasets (mmpose's MPII layout, see ``annotations.py``).

Coordinate conventions, stated once:

- MPII's release, ``mpii_annotations.json(.gz)``, the ``.mat`` ground truth
  (``detections_our_format.mat`` = mmpose's ``mpii_gt_val.mat``) and the
  hourglass ``.h5`` files are MATLAB 1-based; so are FLIC's ``examples.mat``
  and the hourglass FLIC ``.h5`` files (taken from it).
- The json written here has **0-based joints**. MPII records keep a
  **1-based centre**, because mmpose's ``MpiiDataset`` subtracts 1 from it
  (and not from the joints); FLIC records have a 0-based centre.
- MPII ``scale`` is the raw person scale (height / 200 px): the dataset
  moves the centre 15 px x scale down and the pipeline pads by 1.25, so the
  original code's crop is made exactly once.
"""
import gzip
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .annotations import AnnotationError

# FLIC's 29 labels (examples.mat ``coords`` rows) -> the hourglass 11 joints:
# lsho lelb lwri rsho relb rwri lhip rhip leye reye nose
FLIC_FROM_29 = (0, 1, 2, 3, 4, 5, 6, 9, 12, 13, 16)
# The hourglass FLIC crop: centre y at the frame's middle and a box of
# 0.9167 x the frame height (2.2 x 200 px in FLIC's 720x480 frames)
FLIC_BOX_TO_HEIGHT = 2.2 * 200 / 480


def write_json(records: List[dict], path: str) -> None:
    """Write atomically, so an interrupted run leaves no half file."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(records, f)
    os.replace(tmp, path)


def _record(image: str, center: Sequence[float], scale: float,
            joints: np.ndarray, annotated: np.ndarray, **extra) -> dict:
    rec = dict(
        image=image,
        center=[float(v) for v in center],
        scale=float(scale),
        joints=np.round(joints, 4).tolist(),
        joints_vis=annotated.astype(int).tolist())
    rec.update(extra)
    return rec


def _require(data: Dict, keys: Sequence[str], path: str) -> None:
    missing = [k for k in keys if k not in data]
    if missing:
        raise AnnotationError(f'{path}: missing field(s) {missing}')


# --------------------------------------------------------------------- MPII
def mpii_release_to_records(
    path: str,
    gt_mat: Optional[Dict[str, np.ndarray]] = None
) -> Tuple[List[dict], List[dict]]:
    """``mpii_annotations.json(.gz)`` -> (train records, validation records).

    Args:
        path (str): The json (gzip or plain) of 25,204 people with
            ``isValidation``, ``img_paths``, ``objpos``, ``joint_self``
            (x, y, occlusion flag; (0, 0) where not annotated) and
            ``scale_provided``.
        gt_mat (dict, optional): ``scipy.io.loadmat`` of
            ``detections_our_format.mat``. Where given, the validation
            people are checked to be in its order, and their joints and
            annotation flags are taken from it (the evaluation ground truth;
            13 joints differ from the json, where the .mat has a 0).

    Returns:
        tuple[list[dict], list[dict]]: Training and validation records.
    """
    opener = gzip.open if path.endswith('.gz') else open
    try:
        with opener(path, 'rt') as f:
            people = json.load(f)
    except FileNotFoundError:
        raise
    except (OSError, json.JSONDecodeError) as e:
        raise AnnotationError(f'{path}: not a (gzipped) json file: {e}')
    if not isinstance(people, list):
        raise AnnotationError(f'{path}: expected a list of people')
    train, val = [], []
    for i, p in enumerate(people):
        _require(p, ('isValidation', 'img_paths', 'objpos', 'joint_self',
                     'scale_provided'), f'{path}: person {i}')
        joints = np.asarray(p['joint_self'], np.float64)
        if joints.shape != (16, 3) or not np.isfinite(joints).all():
            raise AnnotationError(
                f"{path}: person {i}: field 'joint_self' must be 16 finite "
                f'(x, y, flag) rows, got shape {joints.shape}')
        annotated = ~((joints[:, 0] == 0) & (joints[:, 1] == 0))
        rec = _record(p['img_paths'], p['objpos'], p['scale_provided'],
                      joints[:, :2] - 1, annotated)
        (val if p['isValidation'] else train).append(rec)
    if gt_mat is not None:
        _adopt_mpii_ground_truth(val, gt_mat, path)
    return train, val


def _adopt_mpii_ground_truth(val: List[dict], gt_mat: Dict,
                             path: str) -> None:
    """Check person order against the .mat ground truth and take its joints.
    """
    _require(gt_mat, ('pos_gt_src', 'jnt_missing', 'headboxes_src'),
             'ground-truth .mat')
    gt = np.transpose(gt_mat['pos_gt_src'], (2, 0, 1))
    annotated = np.transpose(gt_mat['jnt_missing'], (1, 0)) == 0
    if len(gt) != len(val):
        raise AnnotationError(
            f'{path}: {len(val)} validation people, but the ground-truth '
            f'.mat has {len(gt)}')
    for i, rec in enumerate(val):
        mine = np.asarray(rec['joints']) + 1
        agree = np.isclose(mine, gt[i], atol=1e-2).all(-1) | ~annotated[i]
        if agree.mean() < 0.75:
            raise AnnotationError(
                f'{path}: validation person {i} ({rec["image"]}) does not '
                f'match person {i} of the ground-truth .mat: the person order '
                'differs')
        rec['joints'] = np.round(gt[i] - 1, 4).tolist()
        rec['joints_vis'] = annotated[i].astype(int).tolist()


def mpii_hg_h5_to_records(h5) -> List[dict]:
    """The hourglass MPII ``.h5`` (e.g. ``valid.h5``) -> records.

    Its ``center`` and ``scale`` already hold the original code's crop
    (centre 15 x s down, scale x1.25); that is undone here because the
    dataset and pipeline apply it. ``part`` is (0, 0) where not annotated
    (``visible`` is an occlusion flag).
    """
    _require(h5, ('part', 'center', 'scale', 'imgname'), 'MPII .h5')
    part = np.asarray(h5['part'], np.float64)
    if part.ndim != 3 or part.shape[1:] != (16, 2):
        raise AnnotationError(f"MPII .h5: field 'part' has shape "
                              f'{part.shape}, expected (N, 16, 2)')
    scale = np.asarray(h5['scale'], np.float64) / 1.25
    center = np.asarray(h5['center'], np.float64).copy()
    center[:, 1] -= 15 * scale
    names = [_str(n) for n in h5['imgname']]
    annotated = ~(part == 0).all(-1)
    return [
        _record(names[i], center[i], scale[i], part[i] - 1, annotated[i])
        for i in range(len(part))
    ]


def head_sizes_to_headboxes(head_size: np.ndarray) -> np.ndarray:
    """Head boxes (2, 2, N) at the origin whose 0.6 x diagonal is
    ``head_size``: the hourglass ``.h5`` files keep only the head size
    (``normalize``), which is all that PCKh uses."""
    side = np.asarray(head_size, np.float64) / 0.6 / np.sqrt(2)
    boxes = np.zeros((2, 2, len(side)))
    boxes[1] = side
    return boxes


# --------------------------------------------------------------------- FLIC
def flic_hg_h5_to_records(h5) -> List[dict]:
    """A hourglass FLIC ``.h5`` (``train.h5``, ``valid.h5``,
    ``valid_personcentric.h5``) -> records with ``torso_size`` from its
    ``normalize``."""
    _require(h5, ('part', 'center', 'scale', 'imgname', 'normalize'),
             'FLIC .h5')
    part = np.asarray(h5['part'], np.float64)
    if part.ndim != 3 or part.shape[1:] != (11, 2):
        raise AnnotationError(f"FLIC .h5: field 'part' has shape "
                              f'{part.shape}, expected (N, 11, 2)')
    center = np.asarray(h5['center'], np.float64) - 1
    names = [_str(n) for n in h5['imgname']]
    return [
        _record(
            names[i],
            center[i],
            float(h5['scale'][i]),
            part[i] - 1,
            ~(part[i] == 0).all(-1),
            torso_size=float(h5['normalize'][i])) for i in range(len(part))
    ]


def flic_examples_to_records(examples: np.ndarray,
                             split: str) -> List[dict]:
    """FLIC's own ``examples.mat`` (``loadmat(...)['examples'][0]``) ->
    records of one split (``'train'`` or ``'test'``), as the hourglass files
    were made: the 11 joints of ``FLIC_FROM_29``, centre x at the torso
    box's centre, centre y at the frame's middle, a box of 0.9167 x the
    frame height, torso size ``||r_shoulder - l_hip||``.
    """
    if split not in ('train', 'test'):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    records = []
    for i, ex in enumerate(examples):
        for field in ('filepath', 'coords', 'imgdims', 'torsobox',
                      'istrain', 'istest'):
            if field not in ex.dtype.names:
                raise AnnotationError(
                    f"examples.mat: example {i}: missing field '{field}'")
        if not _scalar(ex['is' + split]):
            continue
        coords = np.asarray(ex['coords'], np.float64)
        if coords.shape != (2, 29):
            raise AnnotationError(
                f"examples.mat: example {i}: field 'coords' has shape "
                f'{coords.shape}, expected (2, 29)')
        joints = coords.T[list(FLIC_FROM_29)]
        if not np.isfinite(joints).all():
            raise AnnotationError(
                f"examples.mat: example {i}: field 'coords' has NaN in one "
                'of the 11 joints')
        height = float(np.ravel(ex['imgdims'])[0])
        box = np.ravel(ex['torsobox']).astype(np.float64)
        center = ((box[0] + box[2]) / 2, height / 2)
        records.append(
            _record(
                _str(ex['filepath']),
                np.asarray(center) - 1,
                FLIC_BOX_TO_HEIGHT * height / 200,
                joints - 1,
                np.ones(11, bool),
                torso_size=float(np.linalg.norm(joints[3] - joints[6]))))
    return records


def _str(v) -> str:
    v = np.ravel(v)[0] if isinstance(v, np.ndarray) else v
    return v.decode() if isinstance(v, bytes) else str(v)


def _scalar(v) -> float:
    return float(np.ravel(v)[0])

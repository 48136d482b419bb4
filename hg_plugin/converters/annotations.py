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
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from ..datasets.annotations import MAX_PX, MAX_SCALE, AnnotationError
from ..datasets.metainfo import dataset_metainfo, joint_names
from ..utils.checks import check_array, check_field, check_file_name
from ..utils.io import read_h5, read_json, read_mat

# FLIC's 29 labels, the rows of examples.mat's ``coords`` (FLIC's README)
FLIC_LABELS = ('lsho', 'lelb', 'lwri', 'rsho', 'relb', 'rwri', 'lhip',
               'lkne', 'lank', 'rhip', 'rkne', 'rank', 'leye', 'reye',
               'lear', 'rear', 'nose', 'msho', 'mhip', 'mear', 'mtorso',
               'mluarm', 'mruarm', 'mllarm', 'mrlarm', 'mluleg', 'mruleg',
               'mllleg', 'mrlleg')
_FLIC_LABEL_OF = dict(
    l_shoulder='lsho', l_elbow='lelb', l_wrist='lwri', r_shoulder='rsho',
    r_elbow='relb', r_wrist='rwri', l_hip='lhip', r_hip='rhip',
    l_eye='leye', r_eye='reye', nose='nose')
# the rows of the plugin's FLIC joints, in the order of its metainfo
FLIC_FROM_29 = tuple(
    FLIC_LABELS.index(_FLIC_LABEL_OF[n])
    for n in joint_names(dataset_metainfo('flic')))
# the hourglass files' torso: r_shoulder to l_hip
_R_SHO, _L_HIP = (joint_names(dataset_metainfo('flic')).index(n)
                  for n in ('r_shoulder', 'l_hip'))
# The hourglass FLIC crop: centre y at the frame's middle and a box of
# 0.9167 x the frame height (2.2 x 200 px in FLIC's 720x480 frames)
FLIC_BOX_TO_HEIGHT = 2.2 * 200 / 480


def _record(image: str, center, scale: float, joints: np.ndarray,
            annotated: np.ndarray, **extra) -> dict:
    rec = dict(
        image=image,
        center=[float(v) for v in center],
        scale=float(scale),
        joints=np.round(joints, 4).tolist(),
        joints_vis=annotated.astype(int).tolist())
    rec.update(extra)
    return rec


def _numbers(value: Any, where: str, field: str, shape: Tuple,
             positive: bool = False, finite: bool = True,
             high: float = MAX_PX) -> np.ndarray:
    """:func:`check_array` with the datasets' bounds: within +-``high``,
    or in ``(0, high]`` where ``positive``."""
    return check_array(where, field, value, shape,
                       low=0 if positive else -high, high=high,
                       low_open=positive, finite=finite,
                       error=AnnotationError)


def _field(data: Any, key: str, where: str) -> Any:
    return check_field(data, key, where, AnnotationError)


def _name(value: Any, where: str, field: str) -> str:
    return check_file_name(where, field, value, AnnotationError)


# --------------------------------------------------------------------- MPII
def load_mpii_gt_mat(path: str) -> Dict[str, np.ndarray]:
    """``detections_our_format.mat`` / ``mpii_gt_val.mat``: ``pos_gt_src``
    (16, 2, N), ``jnt_missing`` (16, N), ``headboxes_src`` (2, 2, N), checked.
    """
    mat = read_mat(path, AnnotationError)
    pos = _numbers(_field(mat, 'pos_gt_src', path), path, 'pos_gt_src',
                   (16, 2, None))
    n = pos.shape[2]
    return dict(
        pos_gt_src=pos,
        jnt_missing=_numbers(_field(mat, 'jnt_missing', path), path,
                             'jnt_missing', (16, n)),
        headboxes_src=_numbers(_field(mat, 'headboxes_src', path), path,
                               'headboxes_src', (2, 2, n)))


def mpii_release_to_records(
        path: str,
        gt_mat: Optional[Dict[str, np.ndarray]] = None,
        gt_path: str = 'ground-truth .mat') -> Tuple[List[dict], List[dict]]:
    """``mpii_annotations.json(.gz)`` -> (train records, validation records).

    Args:
        path (str): The json (gzip or plain) of 25,204 people with
            ``isValidation``, ``img_paths``, ``objpos``, ``joint_self``
            (x, y, occlusion flag; (0, 0) where not annotated) and
            ``scale_provided``.
        gt_mat (dict, optional): :func:`load_mpii_gt_mat` of
            ``detections_our_format.mat``. Where given, the validation
            people are checked to be in its order, and their joints and
            annotation flags are taken from it (the evaluation ground truth;
            13 joints differ from the json, where the .mat has a 0).
        gt_path (str): The ``.mat``'s path, for messages.

    Returns:
        tuple[list[dict], list[dict]]: Training and validation records.
    """
    people = read_json(path, AnnotationError)
    if not isinstance(people, list):
        raise AnnotationError(f'{path}: expected a list of people, got a '
                              f'{type(people).__name__}')
    train, val = [], []
    for i, p in enumerate(people):
        where = f'{path}: person {i}'
        if not isinstance(p, dict):
            raise AnnotationError(f'{where} is a {type(p).__name__}, '
                                  'expected a dict')
        joints = _numbers(_field(p, 'joint_self', where), where,
                          'joint_self', (16, 3))
        annotated = ~((joints[:, 0] == 0) & (joints[:, 1] == 0))
        is_val = _field(p, 'isValidation', where)
        if not isinstance(is_val, (bool, int, float)) or is_val not in (0, 1):
            raise AnnotationError(f"{where}: field 'isValidation' must be 0 "
                                  f'or 1, got {is_val!r:.40}')
        rec = _record(
            _name(_field(p, 'img_paths', where), where, 'img_paths'),
            _numbers(_field(p, 'objpos', where), where, 'objpos', (2, )),
            _numbers(_field(p, 'scale_provided', where), where,
                     'scale_provided', (), positive=True, high=MAX_SCALE),
            joints[:, :2] - 1, annotated)
        (val if is_val else train).append(rec)
    if gt_mat is not None:
        _adopt_mpii_ground_truth(val, gt_mat, path, gt_path)
    return train, val


def _adopt_mpii_ground_truth(val: List[dict], gt_mat: Dict, path: str,
                             gt_path: str) -> None:
    """Check person order against the .mat ground truth and take its joints.
    """
    gt = np.transpose(gt_mat['pos_gt_src'], (2, 0, 1))
    annotated = np.transpose(gt_mat['jnt_missing'], (1, 0)) == 0
    if len(gt) != len(val):
        raise AnnotationError(
            f'{path}: {len(val)} validation people, but {gt_path} has '
            f'{len(gt)}')
    for i, rec in enumerate(val):
        mine = np.asarray(rec['joints']) + 1
        agree = np.isclose(mine, gt[i], atol=1e-2).all(-1) | ~annotated[i]
        if agree.mean() < 0.75:
            raise AnnotationError(
                f'{path}: validation person {i} ({rec["image"]}) does not '
                f'match person {i} of {gt_path}: the person order differs')
        rec['joints'] = np.round(gt[i] - 1, 4).tolist()
        rec['joints_vis'] = annotated[i].astype(int).tolist()


def load_hg_h5(path: str) -> Dict[str, np.ndarray]:
    """Every dataset of a hourglass annotation ``.h5``."""
    return read_h5(path, AnnotationError)


def _hg_h5_fields(h5: Dict, path: str, num_joints: int) -> Tuple:
    part = _numbers(_field(h5, 'part', path), path, 'part',
                    (None, num_joints, 2))
    n = len(part)
    center = _numbers(_field(h5, 'center', path), path, 'center', (n, 2))
    scale = _numbers(_field(h5, 'scale', path), path, 'scale', (n, ),
                     positive=True, high=MAX_SCALE)
    names = _field(h5, 'imgname', path)
    names = np.ravel(names) if isinstance(names, np.ndarray) else ()
    if len(names) != n:
        raise AnnotationError(
            f"{path}: field 'imgname' must list the {n} people's images")
    names = [_name(v, f'{path}: person {i}', 'imgname')
             for i, v in enumerate(names)]
    return part, center, scale, names


def mpii_hg_h5_to_records(h5: Dict, path: str = 'MPII .h5') -> List[dict]:
    """The hourglass MPII ``.h5`` (e.g. ``valid.h5``) -> records.

    Its ``center`` and ``scale`` already hold the original code's crop
    (centre 15 x s down, scale x1.25); that is undone here because the
    dataset and pipeline apply it. ``part`` is (0, 0) where not annotated
    (``visible`` is an occlusion flag).
    """
    part, center, scale, names = _hg_h5_fields(h5, path, 16)
    scale = scale / 1.25
    center = center.copy()
    center[:, 1] -= 15 * scale
    annotated = ~(part == 0).all(-1)
    return [
        _record(names[i], center[i], scale[i], part[i] - 1, annotated[i])
        for i in range(len(part))
    ]


def head_sizes_to_headboxes(head_size: np.ndarray,
                            path: str = 'MPII .h5') -> np.ndarray:
    """Head boxes (2, 2, N) at the origin whose 0.6 x diagonal is
    ``head_size``: the hourglass ``.h5`` files keep only the head size
    (``normalize``), which is all that PCKh uses."""
    size = _numbers(head_size, path, 'normalize', (None, ), positive=True)
    side = size / 0.6 / np.sqrt(2)
    boxes = np.zeros((2, 2, len(side)))
    boxes[1] = side
    return boxes


# --------------------------------------------------------------------- FLIC
def flic_hg_h5_to_records(h5: Dict, path: str = 'FLIC .h5') -> List[dict]:
    """A hourglass FLIC ``.h5`` (``train.h5``, ``valid.h5``,
    ``valid_personcentric.h5``) -> records with ``torso_size`` from its
    ``normalize``."""
    part, center, scale, names = _hg_h5_fields(h5, path, len(FLIC_FROM_29))
    torso = _numbers(_field(h5, 'normalize', path), path, 'normalize',
                     (len(part), ), positive=True)
    return [
        _record(names[i], center[i] - 1, scale[i], part[i] - 1,
                ~(part[i] == 0).all(-1), torso_size=float(torso[i]))
        for i in range(len(part))
    ]


def load_flic_examples(path: str) -> np.ndarray:
    """``loadmat(path)['examples'][0]`` of FLIC's ``examples.mat``."""
    examples = _field(read_mat(path, AnnotationError), 'examples', path)
    if not isinstance(examples, np.ndarray) or examples.dtype.names is None \
            or examples.ndim != 2 or examples.shape[0] != 1:
        raise AnnotationError(
            f"{path}: field 'examples' must be a 1 x N struct array")
    return examples[0]


def flic_examples_to_records(examples: np.ndarray, split: str,
                             path: str = 'examples.mat') -> List[dict]:
    """FLIC's own ``examples.mat`` (:func:`load_flic_examples`) -> records
    of one split (``'train'`` or ``'test'``), as the hourglass files were
    made: the 11 joints of ``FLIC_FROM_29``, centre x at the torso box's
    centre, centre y at the frame's middle, a box of 0.9167 x the frame
    height, torso size ``||r_shoulder - l_hip||``.
    """
    if split not in ('train', 'test'):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    records = []
    for i, ex in enumerate(examples):
        where = f'{path}: example {i}'
        for field in ('filepath', 'coords', 'imgdims', 'torsobox',
                      'istrain', 'istest'):
            if field not in (ex.dtype.names or ()):
                raise AnnotationError(f"{where}: missing field '{field}'")
        flag = _numbers(np.ravel(ex['is' + split]), where, 'is' + split,
                        (1, ))[0]
        if not flag:
            continue
        # FLIC leaves some of its 29 labels NaN; the 11 joints are all there
        coords = _numbers(ex['coords'], where, 'coords', (2, 29),
                          finite=False)
        joints = coords.T[list(FLIC_FROM_29)]
        if not np.isfinite(joints).all():
            raise AnnotationError(
                f"{where}: field 'coords' has NaN in one of the "
                f'{len(FLIC_FROM_29)} joints')
        height = _numbers(np.ravel(ex['imgdims'])[:1], where, 'imgdims',
                          (1, ), positive=True)[0]
        box = _numbers(np.ravel(ex['torsobox']), where, 'torsobox', (4, ))
        center = ((box[0] + box[2]) / 2, height / 2)
        records.append(
            _record(
                _name(ex['filepath'], where, 'filepath'),
                np.asarray(center) - 1,
                FLIC_BOX_TO_HEIGHT * height / 200,
                joints - 1,
                np.ones(len(FLIC_FROM_29), bool),
                torso_size=float(
                    np.linalg.norm(joints[_R_SHO] - joints[_L_HIP]))))
    return records

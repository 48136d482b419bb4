"""Reading and checking the single-person annotation json of the datasets.

The format is mmpose's MPII json, one record per person::

    [{"image": "000001.jpg", "center": [x, y], "scale": s,
      "joints": [[x, y], ...K], "joints_vis": [0 or 1, ...K]}, ...]

``scale`` is the person's height / 200 px, ``joints_vis`` marks annotated
joints (not the occlusion flag). FLIC records may add ``"torso_size"``.
Every error names the file, the record index and the field.
"""
import json
import os.path as osp
from typing import List

import numpy as np
from mmengine.logging import print_log


class AnnotationError(ValueError):
    """An annotation file that does not hold what the dataset expects."""


# pixel coordinates and sizes beyond this are no image's (and overflow
# float32 arithmetic downstream)
MAX_PX = 1e6


def load_person_annotations(ann_file: str, num_keypoints: int) -> List[dict]:
    """Load and check a list of person records.

    Args:
        ann_file (str): Path of the json file.
        num_keypoints (int): Joints each record must have.

    Returns:
        list[dict]: The records, unchanged.

    Raises:
        FileNotFoundError: The file is missing.
        AnnotationError: Not json, not a list of records, or a record with a
            missing field, a wrong joint count or a non-finite value.
    """
    if not osp.isfile(ann_file):
        raise FileNotFoundError(f'annotation file {ann_file} does not exist')
    try:
        with open(ann_file) as f:
            anns = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise AnnotationError(f'{ann_file}: not a json file ({e})') from None
    if not isinstance(anns, list):
        raise AnnotationError(
            f'{ann_file}: expected a json list of person records (mmpose '
            f'MPII format), got a {type(anns).__name__}')
    for i, ann in enumerate(anns):
        check_record(ann, i, ann_file, num_keypoints)
    return anns


def check_record(ann: dict, index: int, ann_file: str,
                 num_keypoints: int) -> None:
    """Raise :class:`AnnotationError` naming file, index and field."""
    where = f'{ann_file}: record {index}'
    if not isinstance(ann, dict):
        raise AnnotationError(f'{where} is a {type(ann).__name__}, '
                              'expected a dict')
    for field in ('image', 'center', 'scale', 'joints', 'joints_vis'):
        if field not in ann:
            raise AnnotationError(f"{where}: missing field '{field}'")
    if not isinstance(ann['image'], str) or not ann['image'].strip():
        raise AnnotationError(f"{where}: field 'image' must be a file name")
    expected = {
        'center': (2, ),
        'joints': (num_keypoints, 2),
        'joints_vis': (num_keypoints, )
    }
    for field, shape in expected.items():
        if _has_bool(ann[field]):
            raise AnnotationError(f"{where}: field '{field}' holds a "
                                  'boolean, expected numbers')
        try:
            value = np.asarray(ann[field], dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            raise AnnotationError(
                f"{where}: field '{field}' is not numeric") from None
        if value.shape != shape:
            raise AnnotationError(
                f"{where}: field '{field}' has shape {value.shape}, expected "
                f'{shape} ({num_keypoints} joints)')
        bad = np.argwhere(~np.isfinite(value))
        if len(bad):
            raise AnnotationError(
                f"{where}: field '{field}' has a non-finite value at "
                f'{tuple(int(i) for i in bad[0])}')
        low, high = (0, 1) if field == 'joints_vis' else (-MAX_PX, MAX_PX)
        bad = np.argwhere((value < low) | (value > high))
        if len(bad):
            i = tuple(int(v) for v in bad[0])
            raise AnnotationError(
                f"{where}: field '{field}' has {value[i]!r} at {i}; expected "
                f'{low} .. {high}')
    check_number(ann, 'scale', where, MAX_PX / 200)


def check_number(ann: dict, field: str, where: str, high: float) -> None:
    """A positive number no larger than ``high`` (not a bool), or an
    :class:`AnnotationError` naming the record and field."""
    value = ann[field]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not 0 < value <= high:
        raise AnnotationError(
            f"{where}: field '{field}' must be a positive number up to "
            f'{high:g}, got {value!r:.40}')


def _has_bool(value) -> bool:
    if isinstance(value, bool):
        return True
    return isinstance(value, list) and any(_has_bool(v) for v in value)


def drop_missing_images(data_list: List[dict], ann_file: str,
                        policy: str) -> List[dict]:
    """Apply the missing-image policy to loaded instances.

    Args:
        data_list (list[dict]): Instances with ``img_path``.
        ann_file (str): For the messages.
        policy (str): ``'error'`` raises on the first missing image,
            ``'skip'`` drops the instances whose image is missing and logs
            how many, ``'ignore'`` checks nothing (no image I/O at start-up).

    Returns:
        list[dict]: The instances kept.
    """
    if policy == 'ignore':
        return data_list
    if policy not in ('error', 'skip'):
        raise ValueError(f"missing_image must be 'error', 'skip' or "
                         f"'ignore', got {policy!r}")
    exists = {}
    kept = []
    for i, info in enumerate(data_list):
        path = info['img_path']
        if path not in exists:
            exists[path] = osp.isfile(path)
        if exists[path]:
            kept.append(info)
        elif policy == 'error':
            raise FileNotFoundError(
                f"{ann_file}: record {i}: image '{path}' does not exist "
                "(set missing_image='skip' to drop such records)")
    if len(kept) < len(data_list):
        missing = sum(not e for e in exists.values())
        print_log(
            f'{ann_file}: skipped {len(data_list) - len(kept)} of '
            f'{len(data_list)} people whose image is missing '
            f'({missing} image files)',
            logger='current')
    return kept

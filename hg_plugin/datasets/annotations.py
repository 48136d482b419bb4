"""Reading and checking the single-person annotation json of the datasets.

The format is mmpose's MPII json, one record per person::

    [{"image": "000001.jpg", "center": [x, y], "scale": s,
      "joints": [[x, y], ...K], "joints_vis": [0 or 1, ...K]}, ...]

``scale`` is the person's height / 200 px, ``joints_vis`` marks annotated
joints (not the occlusion flag). FLIC records may add ``"torso_size"``.
Every error names the file, the record index and the field.
"""
import os.path as osp
from typing import List

from mmengine.logging import print_log

from ..utils.checks import (check_array, check_fields, check_file_name,
                            check_number)
from ..utils.io import read_json


class AnnotationError(ValueError):
    """An annotation file that does not hold what the dataset expects."""


# pixel coordinates and sizes beyond this are no image's (and overflow
# float32 arithmetic downstream)
MAX_PX = 1e6
# a person's scale is its height / 200 px
MAX_SCALE = MAX_PX / 200


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
    anns = read_json(ann_file, AnnotationError, 'annotation file')
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
    check_fields(ann, ('image', 'center', 'scale', 'joints', 'joints_vis'),
                 where, AnnotationError)
    check_file_name(where, 'image', ann['image'], AnnotationError)
    for field, shape, low, high in (
            ('center', (2, ), -MAX_PX, MAX_PX),
            ('joints', (num_keypoints, 2), -MAX_PX, MAX_PX),
            ('joints_vis', (num_keypoints, ), 0, 1)):
        check_array(where, field, ann[field], shape, low, high,
                    error=AnnotationError)
    check_positive(ann, 'scale', where, MAX_SCALE)


def check_positive(ann: dict, field: str, where: str, high: float) -> float:
    """A record's positive number no larger than ``high``."""
    return check_number(where, f"field '{field}'", ann[field], 0, high,
                        low_open=True, error=AnnotationError)


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


class MissingImagePolicy:
    """A dataset mixin: what to do about instances whose image is missing
    (:func:`drop_missing_images`), checked once the data list is loaded.

    Args:
        missing_image (str): ``'error'``, ``'skip'`` or ``'ignore'``.
            Defaults to ``'error'``.
    """

    def __init__(self, *args, missing_image: str = 'error', **kwargs) -> None:
        self.missing_image = missing_image
        super().__init__(*args, **kwargs)

    def load_data_list(self) -> List[dict]:
        return drop_missing_images(super().load_data_list(), self.ann_file,
                                   self.missing_image)

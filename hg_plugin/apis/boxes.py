"""Person boxes given in a json file, checked against each picture."""
from typing import Any, List, Optional, Tuple, Union

import numpy as np

from ..utils.io import read_json


class InputError(ValueError):
    """An input, box file or model that cannot be used, named."""


def load_bboxes(path: Optional[str]) -> Optional[Union[list, dict]]:
    """The boxes of ``--bboxes``: a json list of ``[x1, y1, x2, y2]`` for
    every picture, or an object of such lists by image file name or frame
    index; ``None`` without a file."""
    if path is None:
        return None
    try:
        boxes = read_json(path, InputError, '--bboxes')
    except FileNotFoundError as e:
        raise InputError(str(e)) from None
    if not isinstance(boxes, (list, dict)):
        raise InputError(f'--bboxes {path}: expected a list of boxes or an '
                         'object of them by file name or frame')
    return boxes


def boxes_for(boxes: Any, key: str, shape: Tuple[int, int], where: str
              ) -> Optional[np.ndarray]:
    """The (N, 4) boxes of one image or frame, checked against its
    ``shape`` (h, w); ``None`` where the file has none for it.

    Raises:
        InputError: A box that is not one, or lies outside the picture,
            named by ``where`` and its index.
    """
    if boxes is None:
        return None
    if isinstance(boxes, dict):
        if key not in boxes:
            return None  # this one: the detector or the whole image
        boxes = boxes[key]
    try:
        arr = np.asarray(boxes, dtype=np.float32)
    except (TypeError, ValueError):
        arr = np.zeros((0, 0))
    if arr.ndim == 1 and len(arr) in (4, 5):
        arr = arr[None]  # one box
    if arr.ndim != 2 or arr.shape[1] not in (4, 5) or not len(arr):
        raise InputError(f'{where}: boxes must be [x1, y1, x2, y2] or [x1, '
                         f'y1, x2, y2, score] lists, got {str(boxes)[:60]}')
    arr = arr[:, :4]
    h, w = shape
    for i, (x1, y1, x2, y2) in enumerate(arr):
        if not (np.isfinite([x1, y1, x2, y2]).all() and x2 > x1
                and y2 > y1):
            raise InputError(f'{where}: box {i} {[x1, y1, x2, y2]} is not '
                             'a box (x1 < x2, y1 < y2, finite)')
        if x2 <= 0 or y2 <= 0 or x1 >= w or y1 >= h:
            raise InputError(f'{where}: box {i} {[x1, y1, x2, y2]} lies '
                             f'outside the {w}x{h} image')
    return arr


def check_box_keys(boxes, names: Optional[List[str]], where: str) -> None:
    """A ``--bboxes`` object must name some of the pictures: image file
    names (``names``), or frame indices of a video (``names`` ``None``).
    One that names none would leave every picture to the detector or the
    whole image, silently."""
    if not isinstance(boxes, dict) or not boxes:
        return
    if (names is None and any(k.isdigit() for k in boxes)) or (
            names is not None and set(boxes) & set(names)):
        return
    expected = 'frame indices' if names is None else \
        f'image file names (e.g. {", ".join(names[:3])})'
    raise InputError(
        f'--bboxes: none of its keys ({", ".join(sorted(boxes)[:3])}, ...) '
        f'names a picture of {where}; expected {expected}')

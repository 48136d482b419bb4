from typing import List, Tuple

import numpy as np
from mmpose.datasets.datasets.body import MpiiDataset
from mmpose.registry import DATASETS

from ...utils.checks import check_array, check_field
from ...utils.io import read_mat
from ..annotations import (AnnotationError, MissingImagePolicy,
                           load_person_annotations)
from ..metainfo import METAINFO_FILES


@DATASETS.register_module()
class CheckedMpiiDataset(MissingImagePolicy, MpiiDataset):
    """mmpose's ``MpiiDataset`` with its input checked where it enters.

    Loading, the centre shift (15 px x scale down), head sizes and the
    pipeline are mmpose's. What mmpose lacks and this adds: an error that
    names the file, record and field for a missing or malformed annotation
    file, a wrong joint count, NaN coordinates, or a head-box file whose
    person count differs; and a policy for missing images (``'error'``,
    ``'skip'`` with a count in the log, or ``'ignore'``).

    Coordinates: mmpose 1.x subtracts 1 from the json's ``center`` (MATLAB,
    1-based) but not from its ``joints``; the plugin's converter
    (``tools/dataset_converters/mpii_to_mmpose.py``) therefore writes
    0-based joints and a 1-based centre, so that joints, crop and image agree.

    Args:
        missing_image (str): ``'error'``, ``'skip'`` or ``'ignore'``.
            Defaults to ``'error'``.
        **kwargs: ``MpiiDataset``'s arguments.
    """

    METAINFO: dict = dict(from_file=METAINFO_FILES['mpii'])

    def _load_annotations(self) -> Tuple[List[dict], List[dict]]:
        anns = load_person_annotations(self.ann_file,
                                       self.metainfo['num_keypoints'])
        for i, ann in enumerate(anns):  # mmpose takes the image id from it
            if not ann['image'].split('.')[0].isdigit():
                raise AnnotationError(
                    f"{self.ann_file}: record {i}: field 'image' must be an "
                    "MPII image name (digits, e.g. '015601864.jpg'), got "
                    f"{ann['image']!r:.60}")
        if self.headbox_file:
            boxes = self._load_headboxes(len(anns))
            sizes = np.linalg.norm(boxes[1] - boxes[0], axis=0)
            bad = np.flatnonzero(~(sizes > 0) | ~np.isfinite(sizes))
            if len(bad):
                raise AnnotationError(
                    f"{self.headbox_file}: field 'headboxes_src' gives head "
                    f'size {sizes[bad[0]]} for person {bad[0]}')
        instances, images = super()._load_annotations()
        return instances, images

    def _load_headboxes(self, num_people: int) -> np.ndarray:
        """``headboxes_src`` (2, 2, N) of the head-box file, checked."""
        path = self.headbox_file
        mat = read_mat(path, AnnotationError, 'head-box file')
        boxes = check_array(
            path, 'headboxes_src',
            check_field(mat, 'headboxes_src', path, AnnotationError),
            (2, 2, None), error=AnnotationError)
        if boxes.shape[2] != num_people:
            raise AnnotationError(
                f"{path}: field 'headboxes_src' has head boxes of "
                f'{boxes.shape[2]} people, {self.ann_file} has {num_people}')
        return boxes

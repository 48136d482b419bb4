import os.path as osp
from typing import List, Tuple

import numpy as np
from mmpose.datasets.datasets.base import BaseCocoStyleDataset
from mmpose.registry import DATASETS
from mmpose.structures.bbox import bbox_cs2xyxy

from ..annotations import (MAX_PX, MissingImagePolicy, check_positive,
                           load_person_annotations)
from ..metainfo import METAINFO_FILES


@DATASETS.register_module()
class FlicDataset(MissingImagePolicy, BaseCocoStyleDataset):
    """FLIC (Sapp and Taskar, CVPR 2013) for top-down pose estimation.

    mmpose has no FLIC dataset. The 11 joints are in the order of the
    stacked hourglass code's annotation files: 0 l_shoulder, 1 l_elbow,
    2 l_wrist, 3 r_shoulder, 4 r_elbow, 5 r_wrist, 6 l_hip, 7 r_hip, 8 l_eye,
    9 r_eye, 10 nose. Annotations are the json of
    ``tools/dataset_converters`` (mmpose's MPII json layout, 0-based
    coordinates, centre and scale of the person box, ``torso_size``).

    Each instance carries ``torso_size``, the normaliser of FLIC's PCK
    (``||r_shoulder - l_hip||`` by default, as the hourglass files'
    ``normalize``); ``TorsoPCKMetric(torso='dataset')`` reads it when
    ``PackPoseInputs`` lists ``'torso_size'`` in ``meta_keys``.

    Args:
        missing_image (str): ``'error'``, ``'skip'`` or ``'ignore'``.
            Defaults to ``'error'``.
        **kwargs: ``BaseCocoStyleDataset``'s arguments.
    """

    METAINFO: dict = dict(from_file=METAINFO_FILES['flic'])

    def _load_annotations(self) -> Tuple[List[dict], List[dict]]:
        anns = load_person_annotations(self.ann_file,
                                       self.metainfo['num_keypoints'])
        name2id = self.metainfo['keypoint_name2id']
        r_sho, l_hip = name2id['r_shoulder'], name2id['l_hip']
        instances, images, image_ids = [], [], {}
        for i, ann in enumerate(anns):
            if 'torso_size' in ann:
                check_positive(ann, 'torso_size',
                               f'{self.ann_file}: record {i}', MAX_PX)
            center = np.asarray(ann['center'], np.float32).reshape(1, 2)
            scale = np.full((1, 2), ann['scale'] * 200., np.float32)
            joints = np.asarray(ann['joints'], np.float32).reshape(1, -1, 2)
            torso = ann.get(
                'torso_size',
                np.linalg.norm(joints[0, r_sho] - joints[0, l_hip]))
            img_path = osp.join(self.data_prefix['img'], ann['image'])
            img_id = image_ids.setdefault(img_path, len(image_ids))
            if img_id == len(images):
                images.append(dict(img_id=img_id, img_path=img_path))
            instances.append(
                dict(
                    id=i,
                    img_id=img_id,
                    img_path=img_path,
                    bbox_center=center,
                    bbox_scale=scale,
                    bbox=bbox_cs2xyxy(center, scale),
                    bbox_score=np.ones(1, np.float32),
                    keypoints=joints,
                    keypoints_visible=np.asarray(
                        ann['joints_vis'], np.float32).reshape(1, -1),
                    torso_size=np.float32(torso),
                    area=np.array([scale[0, 0]**2 * 0.53], np.float32),
                    category_id=1))
        return instances, images

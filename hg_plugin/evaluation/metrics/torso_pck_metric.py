from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from mmpose.registry import METRICS

from ...datasets.metainfo import dataset_metainfo, joint_names
from ...utils.checks import check_number
from ..functional import flic_table, torso_sizes
from .table import format_table


@METRICS.register_module()
class TorsoPCKMetric(BaseMetric):
    """PCK normalised by torso size, the FLIC protocol of the paper.

    mmpose has no FLIC metric; its ``PCKAccuracy(norm_item='torso')`` is
    hard-wired to JHMDB's joints 4 and 5. Two torso definitions are in use
    for FLIC and the choice is an option naming the two joints: the
    hourglass annotation files' ``normalize`` is ``||r_shoulder - l_hip||``
    (the default here); MODEC's original evaluation uses l_shoulder to r_hip.
    ``torso='dataset'`` takes ``torso_size`` from the data sample instead
    (``FlicDataset`` puts it there when ``PackPoseInputs`` lists it in
    ``meta_keys``).

    Reported (percent): ``PCK@<thr>/Elbow`` and ``/Wrist`` (the paper's FLIC
    figures), the other groups, every joint, ``Mean`` over all joints and
    ``AUC`` over thresholds 0-0.5.

    Args:
        thr (float): Threshold on error / torso size. Defaults to ``0.2``.
        torso (tuple[str, str] | str): The two joints that define the torso,
            or ``'dataset'``. Defaults to ``('r_shoulder', 'l_hip')``.
        collect_device (str): Defaults to ``'cpu'``.
        prefix (str, optional): Defaults to ``None``.
    """
    # the keys name their protocol themselves ('PCKh/Mean', 'PCKh@0.1/Mean');
    # a prefix of mmengine's would be put before them ('<prefix>/PCKh/...')
    default_prefix: Optional[str] = ''

    def __init__(self,
                 thr: float = 0.2,
                 torso: Union[Tuple[str, str], str] = ('r_shoulder', 'l_hip'),
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        check_number('TorsoPCKMetric', 'thr', thr, low=0, high=1,
                     low_open=True)
        self.meta = dataset_metainfo('flic')
        # the joints, their order and the groups:
        # configs/_base_/datasets/flic.py
        self.joint_names = tuple(joint_names(self.meta))
        if torso == 'dataset':
            self.torso_idx = None
        else:
            if not isinstance(torso, (list, tuple)) or not all(
                    isinstance(j, str) for j in torso):
                torso = (torso, )  # reported below
            missing = [j for j in torso if j not in self.joint_names]
            if len(torso) != 2 or missing:
                raise ValueError(
                    'TorsoPCKMetric: torso must name two of '
                    f'{self.joint_names} or be "dataset", got {torso!r}')
            self.torso_idx = tuple(self.joint_names.index(j) for j in torso)
        self.thr = thr

    def process(self, data_batch: Sequence[dict],
                data_samples: Sequence[dict]) -> None:
        for i, sample in enumerate(data_samples):
            gt = sample['gt_instances']
            gt_kpts = np.asarray(gt['keypoints'])[:1, :, :2]
            if self.torso_idx is None:
                if 'torso_size' not in sample:
                    raise KeyError(
                        f'TorsoPCKMetric: data sample {i} has no torso_size;'
                        " add 'torso_size' to PackPoseInputs' meta_keys")
                torso = np.asarray(sample['torso_size']).reshape(-1)[:1]
            else:
                torso = torso_sizes(gt_kpts, self.torso_idx)
            self.results.append(
                dict(
                    pred=np.asarray(
                        sample['pred_instances']['keypoints'])[:1, :, :2],
                    gt=gt_kpts,
                    mask=np.asarray(gt['keypoints_visible']).reshape(1, -1)
                    >= 0.5,
                    torso=torso))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        pred = np.concatenate([r['pred'] for r in results])
        gt = np.concatenate([r['gt'] for r in results])
        mask = np.concatenate([r['mask'] for r in results])
        torso = np.concatenate([r['torso'] for r in results])
        if pred.shape[1] != self.meta['num_keypoints']:
            raise ValueError(
                f'TorsoPCKMetric: predictions have {pred.shape[1]} joints; '
                f"FLIC has {self.meta['num_keypoints']}")
        table = flic_table(pred, gt, mask, torso, self.thr, self.meta)
        key = f'PCK@{self.thr:g}'
        MMLogger.get_current_instance().info(
            f'Torso PCK over {len(pred)} people\n' +
            format_table({key: table[key]}, self.joint_names))
        at = table[key]
        metrics = {f'{key}/{k}': v for k, v in at.items()
                   if k != 'per_joint'}
        metrics.update({f'{key}/{name}': v
                        for name, v in zip(self.joint_names, at['per_joint'])})
        metrics[f'{key}/AUC'] = table['AUC']
        return metrics

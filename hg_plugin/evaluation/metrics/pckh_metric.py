from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from mmpose.registry import METRICS

from ...datasets.metainfo import dataset_metainfo, joint_names
from ...utils.checks import check_number
from ..functional import pckh_table
from .table import format_table


@METRICS.register_module()
class PCKhMetric(BaseMetric):
    """PCKh on MPII with the official protocol and honestly named means.

    Why not mmpose's ``MpiiPCKAccuracy``: its ``PCK`` is a
    joint-count-weighted mean, while published tables (and Tompson's
    evaluation code) give the unweighted mean of the 14 joints other than
    pelvis and thorax; and it adds 1 to every prediction ("0-based to
    1-based") although it compares them to the data samples' own ground
    truth, which is in the same coordinates as the predictions. mmpose 1.x's
    ``MpiiDataset`` subtracts 1 from the centre only, not from the joints, so
    that +1 shifts every prediction by a pixel in x and y: PCKh@0.1 moves by
    several points, PCKh@0.5 barely. Here predictions and ground truth are
    compared as they are (``pred_offset=0``); the plugin's MPII converter
    writes 0-based joints (``.mat`` files and the MPII release are 1-based,
    MATLAB). ``pred_offset=1.0`` reproduces ``MpiiPCKAccuracy``.

    Reported (percent; ``Mean`` is the published-table figure):
    ``PCKh@0.5/<joint>`` for all 16 joints; ``PCKh/Head`` ... ``PCKh/Ankle``
    (mean of left and right); ``PCKh/Mean`` (unweighted mean of 14 joints);
    ``PCKh/Mean (joint-weighted)`` (mmpose's); ``PCKh@0.1/Mean``;
    ``PCKh/AUC`` (area under the Mean PCKh curve over thresholds 0-0.5).

    Args:
        pred_offset (float): Added to the predictions before comparing.
            Defaults to ``0.0``.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the metric names.
            Defaults to ``None``.
    """
    # the keys name their protocol themselves ('PCKh/Mean', 'PCKh@0.1/Mean');
    # a prefix of mmengine's would be put before them ('<prefix>/PCKh/...')
    default_prefix: Optional[str] = ''

    def __init__(self,
                 pred_offset: float = 0.,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.pred_offset = check_number('PCKhMetric', 'pred_offset',
                                        pred_offset, low=-1e3, high=1e3)

    def process(self, data_batch: Sequence[dict],
                data_samples: Sequence[dict]) -> None:
        """Keep each person's prediction, ground truth, mask and head size.
        """
        for i, sample in enumerate(data_samples):
            gt = sample['gt_instances']
            if 'head_size' not in gt:
                raise KeyError(
                    f'PCKhMetric: data sample {i} ({sample.get("img_path")}) '
                    "has no gt_instances['head_size']; give MpiiDataset a "
                    'headbox_file')
            mask = np.asarray(gt['keypoints_visible']).reshape(1, -1)
            self.results.append(
                dict(
                    pred=np.asarray(
                        sample['pred_instances']['keypoints'])[:1, :, :2],
                    gt=np.asarray(gt['keypoints'])[:1, :, :2],
                    mask=mask >= 0.5,
                    head_size=np.asarray(gt['head_size']).reshape(-1)[:1]))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """The PCKh table of every collected person, logged as a table."""
        pred = np.concatenate([r['pred'] for r in results]) + self.pred_offset
        gt = np.concatenate([r['gt'] for r in results])
        mask = np.concatenate([r['mask'] for r in results])
        head_size = np.concatenate([r['head_size'] for r in results])
        meta = dataset_metainfo('mpii')
        names = joint_names(meta)
        if pred.shape[1] != len(names):
            raise ValueError(
                f'PCKhMetric: predictions have {pred.shape[1]} joints; '
                f'MPII has {len(names)}')
        table = pckh_table(pred, gt, mask, head_size, meta)
        MMLogger.get_current_instance().info(
            f'PCKh over {len(pred)} people\n' + format_table(
                {'PCKh@0.5': table['PCKh@0.5'],
                 'PCKh@0.1': table['PCKh@0.1']}, names))
        at5, at1 = table['PCKh@0.5'], table['PCKh@0.1']
        metrics = {f'PCKh/{k}': at5[k] for k in (
            'Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle',
            'Mean', 'Mean (joint-weighted)')}
        metrics.update({f'PCKh@0.5/{name}': v
                        for name, v in zip(names, at5['per_joint'])})
        metrics['PCKh@0.1/Mean'] = at1['Mean']
        metrics['PCKh@0.1/Mean (joint-weighted)'] = at1[
            'Mean (joint-weighted)']
        metrics['PCKh/AUC'] = table['AUC']
        return metrics

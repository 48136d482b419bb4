"""Offline evaluation of prediction files against MPII or FLIC ground
truth (``tools/eval_predictions.py``)."""
import os.path as osp
from typing import Dict, List, Optional

from ..datasets.metainfo import dataset_metainfo, joint_names
from .functional import flic_table, pckh_table, torso_sizes
from .prediction_files import (PredictionFileError, load_ground_truth,
                               load_predictions)


def evaluate(gt_path: str, pred_paths: List[str],
             torso: str = 'r_shoulder,l_hip',
             dataset: Optional[str] = None) -> Dict[str, Dict]:
    """The PCK table of every prediction file, keyed by its file name.

    Args:
        gt_path (str): ``detections_our_format.mat`` (MPII) or a hourglass
            ``valid.h5`` (with ``dataset``).
        pred_paths (list[str]): Prediction files (``load_predictions``).
        torso (str): FLIC's normaliser: two joints, or ``'normalize'``
            (the ground truth file's).
        dataset (str, optional): ``'mpii'`` or ``'flic'`` for a ``.h5``.
    """
    gt = load_ground_truth(gt_path, dataset)
    n, k = gt.joints.shape[:2]
    names = joint_names(dataset_metainfo(gt.dataset))
    results = {}
    for path in pred_paths:
        preds = load_predictions(path, n, k, dataset=gt.dataset)
        if gt.dataset == 'mpii':
            table = pckh_table(preds, gt.joints, gt.annotated, gt.norm)
        else:
            if torso == 'normalize':
                if gt.norm is None:
                    raise PredictionFileError(
                        f"{gt_path}: no field 'normalize' for --torso "
                        'normalize')
                norm = gt.norm
            else:
                pair = torso.split(',')
                if len(pair) != 2 or not set(pair) <= set(names):
                    raise PredictionFileError(
                        f'--torso {torso!r}: expected two of {names} or '
                        "'normalize'")
                norm = torso_sizes(gt.joints,
                                   tuple(names.index(j) for j in pair))
            table = flic_table(preds, gt.joints, gt.annotated, norm)
        results[osp.basename(path)] = table
    return results

"""PCK arithmetic shared by the runner metrics and tools/eval_predictions.py.

Implements the protocol of Tompson et al.'s MPII evaluation (also MATLAB's
``eval_PCKh.m``): a joint counts where it is annotated; the error is the
Euclidean distance between prediction and ground truth divided by a
per-person normaliser (head size = 0.6 x head-box diagonal for PCKh, torso
size for FLIC's PCK); a joint is correct when that ratio is *strictly* below
the threshold.
"""
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

from ..datasets.metainfo import dataset_metainfo

# PCK-versus-threshold curve of the AUC: 0, 0.01, ..., 0.5 as Tompson's code
CURVE_THRESHOLDS = np.linspace(0, 0.5, 51)


def normalized_errors(pred: np.ndarray, gt: np.ndarray,
                      norm: np.ndarray) -> np.ndarray:
    """Distance of each joint divided by its person's normaliser.

    Args:
        pred (np.ndarray): Predictions, (N, K, 2).
        gt (np.ndarray): Ground truth in the same coordinates, (N, K, 2).
        norm (np.ndarray): Per-person normaliser (head or torso size), (N, ).

    Returns:
        np.ndarray: (N, K) normalised errors.
    """
    err = np.linalg.norm(pred[..., :2] - gt[..., :2], axis=-1)
    return err / np.asarray(norm, dtype=np.float64).reshape(-1, 1)


def pck_per_joint(errors: np.ndarray, mask: np.ndarray,
                  thresholds: Sequence[float]) -> np.ndarray:
    """Percentage of annotated joints with error strictly below each
    threshold.

    Args:
        errors (np.ndarray): (N, K) normalised errors.
        mask (np.ndarray): (N, K) bool, where a joint is annotated.
        thresholds (sequence of float): T thresholds.

    Returns:
        np.ndarray: (T, K) in percent; NaN for a joint never annotated.
    """
    mask = mask.astype(bool)
    thr = np.asarray(thresholds, dtype=np.float64).reshape(-1, 1, 1)
    # NaN errors (NaN predictions) are never correct
    correct = (errors[None] < thr) & mask[None]
    count = mask.sum(axis=0)
    with np.errstate(invalid='ignore', divide='ignore'):
        return 100. * correct.sum(axis=1) / count


def summarize(pck: np.ndarray, meta: dict, mask: np.ndarray) -> Dict:
    """Group figures, unweighted and joint-count-weighted means of one
    threshold's per-joint PCK (K, ), by the groups and mean joints of a
    dataset's metainfo (``dataset_metainfo``)."""
    out = {name: float(np.mean(pck[list(idx)]))
           for name, idx in meta['pck_groups'].items()}
    idx = list(meta['pck_mean_joints'])
    out['Mean'] = float(np.mean(pck[idx]))
    count = mask.astype(bool).sum(axis=0)[idx].astype(np.float64)
    out['Mean (joint-weighted)'] = float(
        np.sum(pck[idx] * count) / count.sum())
    out['per_joint'] = [float(v) for v in pck]
    return out


def auc(curve: np.ndarray, thresholds: np.ndarray = CURVE_THRESHOLDS
        ) -> float:
    """Area under a PCK-versus-threshold curve (percent), normalised by
    the threshold range so that a perfect curve gives 100 (trapezoids)."""
    c = np.asarray(curve, dtype=np.float64)
    return float(np.sum((c[1:] + c[:-1]) * np.diff(thresholds)) / 2 /
                 (thresholds[-1] - thresholds[0]))


def pck_table(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray,
              norm: np.ndarray, meta: dict, thresholds: Sequence[float],
              name: str) -> Dict:
    """``{f'{name}@{t:g}': summary}`` for each threshold, and the AUC of
    the Mean's PCK over thresholds 0-0.5 with its ``curve``."""
    errors = normalized_errors(pred, gt, norm)
    curve = pck_per_joint(errors, mask, CURVE_THRESHOLDS)
    mean_curve = curve[:, list(meta['pck_mean_joints'])].mean(axis=1)
    table = {
        f'{name}@{t:g}': summarize(pck_per_joint(errors, mask, [t])[0],
                                   meta, mask)
        for t in thresholds
    }
    table.update(AUC=auc(mean_curve), curve=mean_curve.tolist())
    return table


def pckh_table(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray,
               head_size: np.ndarray, meta: Optional[dict] = None) -> Dict:
    """The MPII table: PCKh@0.5, PCKh@0.1 (groups, Mean, weighted mean,
    per joint) and the AUC of the Mean PCKh over thresholds 0-0.5."""
    return pck_table(pred, gt, mask, head_size,
                     meta or dataset_metainfo('mpii'), (0.5, 0.1), 'PCKh')


def torso_sizes(gt: np.ndarray, torso: Tuple[int, int]) -> np.ndarray:
    """Distance between the two torso joints of each person, (N, )."""
    return np.linalg.norm(gt[:, torso[0], :2] - gt[:, torso[1], :2], axis=-1)


def flic_table(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray,
               torso_size: np.ndarray, thr: float = 0.2,
               meta: Optional[dict] = None) -> Dict:
    """The FLIC table: PCK@thr normalised by torso size (groups, Mean over
    every joint, weighted mean, per joint) and the AUC over 0-0.5."""
    return pck_table(pred, gt, mask, torso_size,
                     meta or dataset_metainfo('flic'), (thr, ), 'PCK')

"""PCK arithmetic shared by the runner metrics and tools/eval_predictions.py.

Implements the protocol of Tompson et al.'s MPII evaluation (also MATLAB's
``eval_PCKh.m``): a joint counts where it is annotated; the error is the
Euclidean distance between prediction and ground truth divided by a
per-person normaliser (head size = 0.6 x head-box diagonal for PCKh, torso
size for FLIC's PCK); a joint is correct when that ratio is *strictly* below
the threshold.
"""
from typing import Dict, Sequence, Tuple

import numpy as np

# MPII joint order: 0 r_ankle, 1 r_knee, 2 r_hip, 3 l_hip, 4 l_knee,
# 5 l_ankle, 6 pelvis, 7 thorax, 8 upper_neck, 9 head_top, 10 r_wrist,
# 11 r_elbow, 12 r_shoulder, 13 l_shoulder, 14 l_elbow, 15 l_wrist
MPII_JOINTS = ('r_ankle', 'r_knee', 'r_hip', 'l_hip', 'l_knee', 'l_ankle',
               'pelvis', 'thorax', 'upper_neck', 'head_top', 'r_wrist',
               'r_elbow', 'r_shoulder', 'l_shoulder', 'l_elbow', 'l_wrist')
MPII_GROUPS: Dict[str, Tuple[int, ...]] = {
    'Head': (9, ),
    'Shoulder': (12, 13),
    'Elbow': (11, 14),
    'Wrist': (10, 15),
    'Hip': (2, 3),
    'Knee': (1, 4),
    'Ankle': (0, 5),
}
# the published Mean: the 14 joints other than pelvis (6) and thorax (7)
MPII_MEAN_JOINTS = tuple(j for j in range(16) if j not in (6, 7))

FLIC_JOINTS = ('l_shoulder', 'l_elbow', 'l_wrist', 'r_shoulder', 'r_elbow',
               'r_wrist', 'l_hip', 'r_hip', 'l_eye', 'r_eye', 'nose')
FLIC_GROUPS: Dict[str, Tuple[int, ...]] = {
    'Shoulder': (0, 3),
    'Elbow': (1, 4),
    'Wrist': (2, 5),
    'Hip': (6, 7),
    'Eye': (8, 9),
    'Nose': (10, ),
}

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


def summarize(pck: np.ndarray, groups: Dict[str, Tuple[int, ...]],
              mean_joints: Sequence[int], mask: np.ndarray) -> Dict:
    """Group figures, unweighted and joint-count-weighted means of one
    threshold's per-joint PCK (K, )."""
    out = {name: float(np.mean(pck[list(idx)]))
           for name, idx in groups.items()}
    idx = list(mean_joints)
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


def pckh_table(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray,
               head_size: np.ndarray) -> Dict:
    """The MPII table: PCKh@0.5, PCKh@0.1 (groups, Mean, weighted mean,
    per joint) and the AUC of the Mean PCKh over thresholds 0-0.5."""
    errors = normalized_errors(pred, gt, head_size)
    curve = pck_per_joint(errors, mask, CURVE_THRESHOLDS)
    at = {t: pck_per_joint(errors, mask, [t])[0] for t in (0.5, 0.1)}
    return {
        'PCKh@0.5': summarize(at[0.5], MPII_GROUPS, MPII_MEAN_JOINTS, mask),
        'PCKh@0.1': summarize(at[0.1], MPII_GROUPS, MPII_MEAN_JOINTS, mask),
        'AUC': auc(curve[:, list(MPII_MEAN_JOINTS)].mean(axis=1)),
        'curve': curve[:, list(MPII_MEAN_JOINTS)].mean(axis=1).tolist(),
    }


def torso_sizes(gt: np.ndarray, torso: Tuple[int, int]) -> np.ndarray:
    """Distance between the two torso joints of each person, (N, )."""
    return np.linalg.norm(gt[:, torso[0], :2] - gt[:, torso[1], :2], axis=-1)


def flic_table(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray,
               torso_size: np.ndarray, thr: float = 0.2) -> Dict:
    """The FLIC table: PCK@thr normalised by torso size (groups, Mean over
    every joint, weighted mean, per joint) and the AUC over 0-0.5."""
    errors = normalized_errors(pred, gt, torso_size)
    curve = pck_per_joint(errors, mask, CURVE_THRESHOLDS)
    pck = pck_per_joint(errors, mask, [thr])[0]
    all_joints = tuple(range(gt.shape[1]))
    return {
        f'PCK@{thr:g}': summarize(pck, FLIC_GROUPS, all_joints, mask),
        'AUC': auc(curve.mean(axis=1)),
        'curve': curve.mean(axis=1).tolist(),
    }

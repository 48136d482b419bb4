"""tools/eval_predictions.py reproduces published MPII tables exactly."""
import json
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest

from hg_plugin.evaluation.prediction_files import (PredictionFileError,
                                                   load_ground_truth,
                                                   load_predictions)
from tests.conftest import ROOT

# bearpaw/pytorch-pose README ("last" rows), as ../shared/data/README.md
PUBLISHED = {
    'bearpaw-hg_s2_b1.mat':
    [95.80, 94.57, 88.12, 83.31, 86.24, 80.88, 77.44, 86.76],
    'bearpaw-hg_s8_b1.mat':
    [96.79, 95.19, 90.08, 85.32, 87.48, 84.26, 80.73, 88.64],
}
COLUMNS = ['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle',
           'Mean']


def plain_auc(pred_path: str) -> float:
    from scipy.io import loadmat
    gt = loadmat(osp.join(osp.dirname(osp.dirname(pred_path)),
                          'detections_our_format.mat'))
    joints = gt['pos_gt_src'].transpose(2, 0, 1)
    seen = gt['jnt_missing'].T == 0
    boxes = gt['headboxes_src'].transpose(2, 0, 1)
    head = 0.6 * np.linalg.norm(boxes[:, 1] - boxes[:, 0], axis=-1)
    pred = loadmat(pred_path)['preds']
    pred = pred.transpose(2, 1, 0) if pred.shape[0] == 2 else pred
    err = np.linalg.norm(pred - joints, axis=-1) / head[:, None]
    joints14 = [j for j in range(16) if j not in (6, 7)]
    curve = []
    for t in np.linspace(0, 0.5, 51):
        curve.append(np.mean([100 * np.sum((err[:, j] < t) & seen[:, j]) /
                              np.sum(seen[:, j]) for j in joints14]))
    trapezoid = getattr(np, 'trapezoid', None) or np.trapz  # numpy < 2
    return float(trapezoid(curve, dx=0.01) / 0.5)


def run_tool(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, osp.join(ROOT, 'tools', 'eval_predictions.py'),
         *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.slow  # runs the tool in a child process
def test_reproduces_published_tables(shared_data, tmp_path):
    mpii = osp.join(shared_data, 'mpii')
    out = tmp_path / 'results.json'
    proc = run_tool(osp.join(mpii, 'detections_our_format.mat'),
                    *[osp.join(mpii, 'preds', f) for f in PUBLISHED],
                    '--out', str(out), '--plot', str(tmp_path / 'c.png'))
    assert proc.returncode == 0, proc.stderr
    results = json.loads(out.read_text())
    for name, row in PUBLISHED.items():
        table = results[name]['PCKh@0.5']
        assert [round(table[c], 2) for c in COLUMNS] == row
        assert len(table['per_joint']) == 16
        assert set(results[name]['PCKh@0.1']) == set(table)
        # the AUC, computed here the plain way: the Mean of the 14 joints
        # at each threshold 0, 0.01, ..., 0.5, integrated by trapezoids
        assert results[name]['AUC'] == pytest.approx(
            plain_auc(osp.join(mpii, 'preds', name)), abs=1e-9)
    # mmpose's MpiiPCKAccuracy prints the weighted mean: 89.09 for s8
    assert round(results['bearpaw-hg_s8_b1.mat']['PCKh@0.5']
                 ['Mean (joint-weighted)'], 2) == 89.09
    import cv2
    img = cv2.imread(str(tmp_path / 'c.png'))
    # two curves in two colours (matplotlib's first two: blue, orange)
    blue = ((img[..., 0] > 150) & (img[..., 2] < 100)).sum()
    orange = ((img[..., 2] > 200) & (img[..., 0] < 80)).sum()
    assert blue > 200 and orange > 200
    assert '86.76' in proc.stdout and '88.64' in proc.stdout


def test_h5_ground_truth_and_layouts(shared_data):
    mpii = osp.join(shared_data, 'mpii')
    gt = load_ground_truth(osp.join(mpii, 'valid.h5'), 'mpii')
    ref = load_ground_truth(osp.join(mpii, 'detections_our_format.mat'))
    np.testing.assert_array_equal(gt.annotated, ref.annotated)
    np.testing.assert_allclose(gt.norm, ref.norm, rtol=1e-6)
    # tompson.h5 is stored (2, K, N)
    preds = load_predictions(osp.join(mpii, 'preds', 'tompson.h5'), 2958, 16)
    assert preds.shape == (2958, 16, 2)


def test_one_pixel_shift_moves_pckh_at_0_1_not_at_0_5(shared_data):
    from hg_plugin.evaluation.functional import pckh_table
    mpii = osp.join(shared_data, 'mpii')
    gt = load_ground_truth(osp.join(mpii, 'detections_our_format.mat'))
    preds = load_predictions(
        osp.join(mpii, 'preds', 'bearpaw-hg_s8_b1.mat'), 2958, 16)
    a = pckh_table(preds, gt.joints, gt.annotated, gt.norm)
    b = pckh_table(preds + 1, gt.joints, gt.annotated, gt.norm)
    assert abs(a['PCKh@0.5']['Mean'] - b['PCKh@0.5']['Mean']) < 0.5
    assert abs(a['PCKh@0.1']['Mean'] - b['PCKh@0.1']['Mean']) > 2


@pytest.mark.slow  # runs the tool in a child process
@pytest.mark.parametrize('bad,message', [
    (np.zeros((2958, 14, 2)), '14 joints per person; the ground truth has 16'),
    (np.zeros((100, 16, 2)), '100 people; the ground truth has 2958'),
    (np.zeros((2958, 16, 3)), r"'preds' has shape \(2958, 16, 3\)"),
    (np.full((2958, 16, 2), np.nan), 'non-finite prediction for person 0'),
])
def test_bad_prediction_files(shared_data, tmp_path, bad, message):
    from scipy.io import savemat
    path = str(tmp_path / 'bad.mat')
    savemat(path, {'preds': bad})
    with pytest.raises(PredictionFileError, match=message) as e:
        load_predictions(path, 2958, 16)
    assert 'bad.mat' in str(e.value)
    proc = run_tool(
        osp.join(shared_data, 'mpii', 'detections_our_format.mat'), path)
    assert proc.returncode == 1 and 'bad.mat' in proc.stderr


def test_offline_evaluation_in_this_process(shared_data, tmp_path):
    # what tools/eval_predictions.py computes, without a child process
    import h5py

    from hg_plugin.evaluation.offline import evaluate
    mpii = osp.join(shared_data, 'mpii')
    name = 'bearpaw-hg_s2_b1.mat'
    table = evaluate(osp.join(mpii, 'detections_our_format.mat'),
                     [osp.join(mpii, 'preds', name)])[name]['PCKh@0.5']
    assert [round(table[c], 2) for c in COLUMNS] == PUBLISHED[name]
    # FLIC: the ground truth, the left wrist (2) moved 0.19 torso for the
    # first 508 people (right) and 0.21 for the others (wrong), the torso
    # being r_shoulder (3) to l_hip (6): 50% for l_wrist, 75% for Wrist
    flic = osp.join(shared_data, 'flic', 'valid_personcentric.h5')
    with h5py.File(flic) as f:
        part = f['part'][()]
    torso = np.linalg.norm(part[:, 3] - part[:, 6], axis=-1)
    preds = part.copy()
    preds[:, 2, 0] += np.where(np.arange(1016) < 508, 0.19, 0.21) * torso
    path = str(tmp_path / 'moved.h5')
    with h5py.File(path, 'w') as f:
        f['preds'] = preds
    for torso_option in ({}, dict(torso='normalize')):
        # this file's normalize is r_shoulder to l_hip for everyone
        table = evaluate(flic, [path], dataset='flic',
                         **torso_option)['moved.h5']['PCK@0.2']
        assert table['per_joint'][2] == pytest.approx(50.)
        assert table['Wrist'] == pytest.approx(75.)
    with pytest.raises(PredictionFileError,
                       match=r"--torso 'neck,l_hip': expected two of"):
        evaluate(flic, [path], dataset='flic', torso='neck,l_hip')
    # a dump that states another dataset
    dump = tmp_path / 'dump.json'
    dump.write_text(json.dumps(dict(preds=part.tolist(), dataset='mpii',
                                    coordinate_base=1)))
    with pytest.raises(PredictionFileError, match=r"dump\.json: predictions "
                       r"of 'mpii', but the ground truth is flic"):
        evaluate(flic, [str(dump)], dataset='flic')
